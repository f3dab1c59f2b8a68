// The one interface both budget stores implement: the memory store for a single router, the Redis store
// for many. The router talks only to this; store.contract.test.ts holds both to the same behaviour.
import type { KeyRecord, Reservation, ReserveOutcome, UsageSnapshot } from './types.js';

/** What a settle did: released a live reservation, charged a reclaimed one, or nothing (a repeat). */
export type SettleResult = 'settled' | 'settled_after_reclaim' | 'already_settled';

/**
 * What putKey must find stored before it writes, checked in the same atomic step: no key of that id (a
 * create), or exactly the record the caller read (an update: a write made since, a delete included,
 * fails it, so no update is lost and no deleted key comes back). Absent: anything (router.yaml's keys).
 */
export type KeyPrecondition = { readonly absent: true } | { readonly current: KeyRecord };

export interface BudgetStore {
  /**
   * Creates or replaces a key, if `precondition` holds (false, writing nothing, when it does not).
   * Usage is kept; a changed hash stops the old secret from resolving.
   */
  putKey(key: KeyRecord, precondition?: KeyPrecondition): Promise<boolean>;
  getKey(id: string): Promise<KeyRecord | null>;
  findKeyByHash(hash: string): Promise<KeyRecord | null>;
  listKeys(): Promise<KeyRecord[]>;
  /**
   * Removes the key and all its usage and reservations; false when there was no such key. With
   * `keepUsage` only the key goes: its usage and reservations stay, for the same id to take up again.
   */
  deleteKey(id: string, options?: { readonly keepUsage?: boolean }): Promise<boolean>;

  /**
   * In one atomic step: reclaims this key's expired reservations, reads the key's stored limits (so a
   * change made through any router applies at once), checks enabled, requests per minute, concurrency
   * and every token period (used + reserved + tokens <= limit) and dollar period (the same in nano-USD
   * with `nanoUsd`), then records the reservation and counts the request. The reservation expires
   * `ttlMs` after `now`; make that longer than any request can run. `generation` is the key's as the
   * caller read it (owner.ts): a key deleted and created again under its id is another generation, and
   * a router still holding the old record (its lookup cache) is refused as for an unknown key instead
   * of reserving on, and charging, the new one.
   */
  reserve(keyId: string, tokens: number, now: number, ttlMs: number, nanoUsd?: number, generation?: string): Promise<ReserveOutcome>;

  /**
   * Tight mode: grows a live reservation by `extraTokens` in the buckets it was made in, and pushes its
   * expiry to `now` + its ttl (a stream that tops up is alive). False, changing nothing, when any period
   * would exceed its limit, the key is disabled or gone, or the reservation is no longer live.
   */
  topUp(reservation: Reservation, extraTokens: number, now: number, extraNanoUsd?: number): Promise<boolean>;

  /**
   * Releases the reservation (all of it, top-ups included) and charges `actualTokens` and
   * `actualNanoUsd` to the buckets it was made in, even above what was reserved: usage is never lost. A reservation already reclaimed is
   * still charged (within a day of its reclaim). A second settle of the same id does nothing.
   */
  settle(reservation: Reservation, actualTokens: number, now: number, actualNanoUsd?: number): Promise<SettleResult>;

  /** Every period of the key at `now`; null for an unknown key. Reclaims expired reservations first. */
  usage(keyId: string, now: number): Promise<UsageSnapshot | null>;

  /**
   * Zeroes the key's usage and request counts. Requests in flight keep their reservations: they still
   * hold what they reserved and count toward maxConcurrent (a reset is no way past a limit while they
   * run), a stream still tops up, and each settle charges what it generated.
   */
  resetUsage(keyId: string): Promise<void>;

  close(): Promise<void>;
}

/**
 * The store could not answer (Redis down, timed out, refused). The only error a store call rejects with
 * for infrastructure reasons, so the router has one thing to catch when it chooses fail-open or
 * fail-closed. Calls fail fast instead of queueing while the store is away.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
