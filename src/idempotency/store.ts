// The one interface both idempotency stores implement: memory for a single router, Redis for many.
// store.contract.test.ts holds both to the same behaviour (record.ts is that behaviour). Time is
// passed in, never read, so expiry is tested without sleeping. A store that cannot answer throws; the
// guard then runs the request without idempotency rather than fail it.
import type { Claim, StoredAnswer } from './record.js';

export interface IdempotencyStore {
  /** Atomically: the live record of `id`, or a new pending one owned by `owner` (see record.ts `claim`). */
  claim(id: string, fingerprint: string, owner: string, now: number, pendingTtlMs: number): Promise<Claim>;
  /** The owner's answer is kept for `ttlMs`; false when the owner no longer holds the key (nothing changes). */
  finish(id: string, owner: string, answer: StoredAnswer, now: number, ttlMs: number): Promise<boolean>;
  /**
   * Shared by routers (Redis): a running request's claim is then a lease its router renews (guard.ts).
   * A store in one router's memory is not: its records die with the router, and a lease would only
   * add a way for a stalled event loop to lose a claim.
   */
  readonly shared: boolean;
  /** The owner's pending record lives `leaseMs` from `now` (its router is alive); false when it no longer holds it. */
  renew(id: string, owner: string, now: number, leaseMs: number): Promise<boolean>;
  /** The owner drops its pending record so a retry runs again; false when it no longer holds it. */
  abandon(id: string, owner: string, now: number): Promise<boolean>;
  close(): Promise<void>;
}
