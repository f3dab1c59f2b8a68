// One key's usage in the memory store: calendar buckets, live reservations, and recently reclaimed
// ones. The store decides what to do; this keeps the counters, and keeps them small.
import { ChurnMap } from '../churn-map.js';
import { bucketExpiry, currentBuckets, RECLAIMED_RETENTION_MS, type Counters } from './accounting.js';
import { bucketOf } from './periods.js';
import { PERIODS, type BucketIds, type Period } from './types.js';

interface Bucket {
  used: number;
  reserved: number;
  /** Nano-USD, as used and reserved are tokens. */
  usdUsed: number;
  usdReserved: number;
  requests: number;
  readonly expireAt: number | null;
}

export interface Held {
  tokens: number;
  nanoUsd: number;
  expiresAt: number;
  readonly ttlMs: number;
  readonly buckets: BucketIds;
}

export type Field = 'used' | 'reserved' | 'usdUsed' | 'usdReserved' | 'requests';

const PRUNE_EVERY_MS = 60_000;

const EMPTY: Readonly<Bucket> = { used: 0, reserved: 0, usdUsed: 0, usdReserved: 0, requests: 0, expireAt: null };

export class KeyUsage {
  /** Per period, by bucket id (no key strings built per call: this runs several times per request). */
  private readonly buckets: Record<Period, Map<string, Bucket>> = { minute: new Map(), day: new Map(), month: new Map(), lifetime: new Map() };
  /** One entry per request in flight (a ChurnMap: see churn-map.ts). */
  readonly held = new ChurnMap<string, Held>();
  /** Reclaimed reservation id → its expiry, so a late settle still charges. */
  readonly reclaimed = new Map<string, number>();
  /** No held reservation expires before this (a lower bound), so most calls skip the reclaim scan. */
  private nextExpiry = Infinity;
  /** When to next drop expired buckets and old reclaim records. */
  private nextPrune = 0;

  hold(id: string, held: Held, now: number): void {
    this.held.set(id, held);
    this.nextExpiry = Math.min(this.nextExpiry, held.expiresAt);
    this.add(held.buckets, 'reserved', held.tokens, now);
    if (held.nanoUsd > 0) this.add(held.buckets, 'usdReserved', held.nanoUsd, now);
  }

  /**
   * Reclaims expired reservations, releasing them from the current buckets only (as the Redis store
   * must; a past bucket's reserved count is never checked again), and now and then drops old state.
   */
  tidy(now: number): void {
    if (this.nextExpiry <= now) {
      const current = currentBuckets(now);
      this.nextExpiry = Infinity;
      for (const [id, held] of this.held) {
        if (held.expiresAt > now) {
          this.nextExpiry = Math.min(this.nextExpiry, held.expiresAt);
          continue;
        }
        for (const period of PERIODS) {
          const bucket = bucketOf(period, held.buckets);
          if (bucket !== current[period]) continue;
          this.bump(period, bucket, 'reserved', -held.tokens, now);
          this.bump(period, bucket, 'usdReserved', -held.nanoUsd, now);
        }
        this.held.delete(id);
        this.reclaimed.set(id, held.expiresAt);
      }
    }
    if (this.nextPrune <= now) {
      this.nextPrune = now + PRUNE_EVERY_MS;
      for (const buckets of Object.values(this.buckets)) {
        for (const [id, bucket] of buckets) if (bucket.expireAt !== null && bucket.expireAt <= now) buckets.delete(id);
      }
      for (const [id, at] of this.reclaimed) if (at <= now - RECLAIMED_RETENTION_MS) this.reclaimed.delete(id);
    }
  }

  /** Usage and request counts go; live reservations stay held, with what they hold (store.ts resetUsage). */
  reset(): void {
    for (const buckets of Object.values(this.buckets)) {
      for (const [id, bucket] of buckets) {
        if (bucket.reserved === 0 && bucket.usdReserved === 0) buckets.delete(id);
        else [bucket.used, bucket.usdUsed, bucket.requests] = [0, 0, 0];
      }
    }
  }

  /** How many buckets are kept, all periods together. */
  get bucketCount(): number {
    let count = 0;
    for (const buckets of Object.values(this.buckets)) count += buckets.size;
    return count;
  }

  counters(ids: Record<Period, string>): Counters {
    const minute = this.buckets.minute.get(ids.minute) ?? EMPTY;
    const day = this.buckets.day.get(ids.day) ?? EMPTY;
    const month = this.buckets.month.get(ids.month) ?? EMPTY;
    const lifetime = this.buckets.lifetime.get(ids.lifetime) ?? EMPTY;
    return {
      used: { minute: minute.used, day: day.used, month: month.used, lifetime: lifetime.used },
      reserved: { minute: minute.reserved, day: day.reserved, month: month.reserved, lifetime: lifetime.reserved },
      usdUsed: { minute: minute.usdUsed, day: day.usdUsed, month: month.usdUsed, lifetime: lifetime.usdUsed },
      usdReserved: { minute: minute.usdReserved, day: day.usdReserved, month: month.usdReserved, lifetime: lifetime.usdReserved },
      requests: minute.requests,
      active: this.held.size,
    };
  }

  /** Adds `delta` to `field` in the four buckets of `buckets` (lifetime included). */
  add(buckets: BucketIds, field: Field, delta: number, now: number): void {
    for (const period of PERIODS) this.bump(period, bucketOf(period, buckets), field, delta, now);
  }

  bump(period: Period, id: string, field: Field, delta: number, now: number): void {
    const buckets = this.buckets[period];
    let bucket = buckets.get(id);
    if (bucket === undefined) {
      const expireAt = bucketExpiry(period, id);
      // A bucket past its expiry is gone for good; writing would resurrect it (Redis drops it the same way).
      if (expireAt !== null && expireAt <= now) return;
      bucket = { used: 0, reserved: 0, usdUsed: 0, usdReserved: 0, requests: 0, expireAt };
      buckets.set(id, bucket);
    } else if (bucket.expireAt !== null && bucket.expireAt <= now) {
      return;
    }
    bucket[field] = Math.max(0, bucket[field] + delta);
  }
}
