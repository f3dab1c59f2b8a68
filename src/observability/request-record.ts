// The part of a request the HTTP layer itself owns: its id, when it arrived, and how it failed when
// the error renderer answered a failure. Everything the request did (its route, attempts, usage)
// comes back as values instead (src/proxy/results.ts). This stays a small mutable record because
// the steps around a handler are not calls that return to one another: the renderer notes the
// failure it answered (in the inference lane, and in koa's middleware through ctx.state), and the
// access log reads it once the response is done.
import type { RouterError } from '../openai/errors.js';

/**
 * Time a request spent waiting on purpose rather than working or waiting on a replica: the backoff
 * before a retry, an identical request's answer (the cache's single flight, an Idempotency-Key's first
 * request). The steps that wait add to it; switchyard_router_overhead_seconds leaves it out.
 */
export interface Waits {
  waitedMs: number;
}

export interface RequestRecord extends Waits {
  readonly requestId: string;
  /** performance.now() when the request arrived. */
  readonly startedAt: number;
  /** `client_abort` or the error kind, once the renderer met a failure; null until then. */
  outcome: string | null;
  /** The error answered (null for a client that left). */
  error: RouterError | null;
}

export function newRequestRecord(requestId: string, startedAt: number): RequestRecord {
  return { requestId, startedAt, outcome: null, error: null, waitedMs: 0 };
}
