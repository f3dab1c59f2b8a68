// The idempotency metrics, registered on the router's registry (observability/metrics.ts holds them).
import { Counter, type Registry } from 'prom-client';

/** How a request with an Idempotency-Key went. */
export type IdempotencyResult =
  /** It ran (the first with its key, or after the first failed and let go). */
  | 'new'
  /** It was answered with the stored answer at once. */
  | 'replay'
  /** It waited for the first request with its key, then was answered with its stored answer. */
  | 'waited'
  /** It waited past idempotency.waitMs: 409. */
  | 'in_use'
  /** Its key was used with another body: 422. */
  | 'mismatch'
  /** Its key was malformed: 400. */
  | 'invalid'
  /** The store could not answer: it ran without idempotency. */
  | 'unavailable';

export interface IdempotencyMetrics {
  readonly requests: Counter<'result'>;
  readonly storeErrors: Counter<'operation'>;
}

export function createIdempotencyMetrics(registers: Registry[]): IdempotencyMetrics {
  return {
    requests: new Counter({
      name: 'switchyard_idempotency_requests_total',
      help: 'Requests sent with an Idempotency-Key, by result (new, replay, waited, in_use, mismatch, invalid, unavailable).',
      labelNames: ['result'],
      registers,
    }),
    storeErrors: new Counter({
      name: 'switchyard_idempotency_store_errors_total',
      help: 'Idempotency store calls that failed (Redis down or slow), by operation (claim, finish, abandon); the request ran or ended as if no key was sent.',
      labelNames: ['operation'],
      registers,
    }),
  };
}
