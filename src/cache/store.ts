// Where cache entries live: this router's memory (memory-store.ts) or a Redis every router shares
// (redis-store.ts). Both answer by the request key's hex digest. A store call that fails rejects; the
// cache (service.ts) counts it and carries on without the cache for that request.
import type { CacheEntry } from './entry.js';

/**
 * A claim's outcome: taken (true), held by another request (false), or `unkept`: the last request to
 * hold it finished moments ago with an answer that may not be kept, so this one runs on its own.
 */
export type LockResult = boolean | 'unkept';

export interface CacheStore {
  readonly kind: 'memory' | 'redis';
  get(hash: string): Promise<CacheEntry | null>;
  /**
   * For a store that holds its entries in this process, which only this router uses: get() without a
   * promise. A hit then skips the single-flight's claim and its awaits, and a miss leads at once
   * without asking for a claim (this router's single-flight is every claim there is). A shared store
   * has none: it must be asked.
   */
  readLocal?(hash: string): CacheEntry | null;
  set(hash: string, entry: CacheEntry, ttlMs: number): Promise<void>;
  /**
   * set() without a promise, for a store that has readLocal (the two come together: the cache stores
   * through setLocal only where the single-flight led without a claim, which readLocal decides).
   */
  setLocal?(hash: string, entry: CacheEntry, ttlMs: number): void;
  /**
   * Claims the right to compute `hash` across routers for `ttlMs`; true when this caller has it.
   * A store only one router uses always says true (the in-process single-flight is enough).
   */
  lock(hash: string, owner: string, ttlMs: number): Promise<LockResult>;
  /** Gives the claim up, only if `owner` still holds it. */
  unlock(hash: string, owner: string): Promise<void>;
  /** For a shared store: the claim, if `owner` still holds it, kept `ttlMs` from now (a lease renewed). */
  renew?(hash: string, owner: string, ttlMs: number): Promise<void>;
  /**
   * Gives the claim up (only if `owner` still holds it) for a complete answer that may not be kept: for
   * `markMs` the claim then reads `unkept`, so requests polling for it on other routers run at once.
   */
  unlockUnkept(hash: string, owner: string, markMs: number): Promise<void>;
  /**
   * get(), and when there is no entry, lock(), in one call (one round trip to Redis): the entry, or
   * what became of the claim.
   */
  getOrLock(hash: string, owner: string, ttlMs: number): Promise<CacheEntry | LockResult>;
  /** set(), then unlock(owner), in one call. */
  setAndUnlock(hash: string, entry: CacheEntry, ttlMs: number, owner: string): Promise<void>;
  close(): Promise<void>;
}
