// Idempotency records in this process's memory, bounded by the bytes of the answers they keep: past
// `maxBytes` the oldest answers go first (a Map iterates in insertion order, and a finished record is
// re-inserted). Its evicted key then runs again on a retry, as after the TTL: the bound trades a
// second run for memory, never a wrong answer.
import { claim, finish, mayAbandon, renew, type Claim, type IdempotencyRecord, type StoredAnswer } from './record.js';
import { OldestFirst } from '../cache/oldest-first.js';
import type { IdempotencyStore } from './store.js';

export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly shared = false;
  private readonly records = new Map<string, IdempotencyRecord>();
  /**
   * Kept walks from the oldest record (OldestFirst): eviction's passes over pending records for good (a
   * pending record is re-inserted when it finishes); the sweep's stops at the first unexpired one.
   */
  private readonly evictions = new OldestFirst(this.records);
  private readonly expiries = new OldestFirst(this.records);
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  claim(id: string, fingerprint: string, owner: string, now: number, pendingTtlMs: number): Promise<Claim> {
    this.sweep(now);
    const current = this.records.get(id) ?? null;
    const { outcome, next } = claim(current, { fingerprint, owner, now, pendingTtlMs });
    if (next !== current) {
      this.remove(id);
      if (next !== null) this.records.set(id, next);
    }
    return Promise.resolve(outcome);
  }

  finish(id: string, owner: string, answer: StoredAnswer, now: number, ttlMs: number): Promise<boolean> {
    const done = finish(this.records.get(id) ?? null, owner, answer, now, ttlMs);
    if (done === null) return Promise.resolve(false);
    this.remove(id);
    // Larger than the whole bound: kept by no one, so a retry runs again (as after eviction).
    if (answer.bytes.length > this.maxBytes) return Promise.resolve(true);
    this.records.set(id, done);
    this.bytes += answer.bytes.length;
    this.evict();
    return Promise.resolve(true);
  }

  renew(id: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const renewed = renew(this.records.get(id) ?? null, owner, now, leaseMs);
    // Set in place: the record keeps its position in the walks.
    if (renewed !== null) this.records.set(id, renewed);
    return Promise.resolve(renewed !== null);
  }

  abandon(id: string, owner: string, now: number): Promise<boolean> {
    if (!mayAbandon(this.records.get(id) ?? null, owner, now)) return Promise.resolve(false);
    this.remove(id);
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    this.records.clear();
    this.evictions.reset();
    this.expiries.reset();
    this.bytes = 0;
    return Promise.resolve();
  }

  /** The bytes of the answers kept (for tests). */
  get size(): number {
    return this.bytes;
  }

  private remove(id: string): void {
    const record = this.records.get(id);
    if (record === undefined) return;
    this.records.delete(id);
    if (record.state === 'done') this.bytes -= record.answer.bytes.length;
  }

  private evict(): void {
    while (this.bytes > this.maxBytes) {
      const next = this.evictions.next();
      if (next === null) return;
      if (next[1].state === 'done') this.remove(next[0]);
    }
  }

  /** Expired records at the front go; done records share one TTL, so their order is their expiry's. */
  private sweep(now: number): void {
    for (let oldest = this.expiries.peek(); oldest !== null && oldest[1].expiresAt <= now; oldest = this.expiries.peek()) this.remove(oldest[0]);
  }
}
