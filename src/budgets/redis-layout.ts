// Where the Redis store keeps things. Everything one API key's budget touches is under the key's hash
// tag, `<ns>:{<keyId>}:…`, so every script runs in one Redis Cluster slot; the registry, which is
// looked up by hash before the key id is known, has its own slot, `<ns>:{keys}:…`.
import { bucketExpiry, currentBuckets, RECLAIMED_RETENTION_MS } from './accounting.js';
import { PERIODS, type BucketIds, type Period } from './types.js';

/** A bucket's index member, e.g. `minute:2024-02-29T23:59`; its key is `<ns>:{<id>}:b:<member>`. */
export function bucketMember(period: Period, id: string): string {
  return `${period}:${id}`;
}

export class RedisLayout {
  constructor(readonly ns: string) {}

  /** Key id → KeyRecord JSON. */
  records(): string {
    return `${this.ns}:{keys}:records`;
  }

  /** SHA-256 of a secret → key id. */
  byHash(): string {
    return `${this.ns}:{keys}:by-hash`;
  }

  /**
   * Key id → the number of times its record was written, never reset (a deleted id keeps counting): the
   * revision each write hands to the enforced copy of its limits, so a late write never replaces a newer one.
   */
  revisions(): string {
    return `${this.ns}:{keys}:revisions`;
  }

  /** The copy of a key's enabled flag and limits that scripts enforce (hash, KeyLimits field names, and its revision). */
  limits(keyId: string): string {
    return `${this.tag(keyId)}:limits`;
  }

  /** The fixed keys of one API key, in script KEYS order 1-5. */
  perKey(keyId: string): [limits: string, held: string, expiries: string, reclaimed: string, index: string] {
    const tag = this.tag(keyId);
    return [`${tag}:limits`, `${tag}:held`, `${tag}:expiries`, `${tag}:reclaimed`, `${tag}:buckets`];
  }

  bucket(keyId: string, indexMember: string): string {
    return `${this.tag(keyId)}:b:${indexMember}`;
  }

  /**
   * KEYS and ARGV for a per-key script (layout in redis-scripts.ts). `buckets` are the bucket ids the
   * script works in: the current ones at `now`, or a reservation's own.
   */
  call(keyId: string, now: number, buckets: BucketIds | null, extra: readonly (string | number)[] = []): [string[], string[]] {
    const ids = buckets === null ? currentBuckets(now) : { ...buckets, lifetime: 'lifetime' };
    const keys: string[] = [...this.perKey(keyId)];
    const args: string[] = [String(now)];
    for (const period of PERIODS) {
      const m = bucketMember(period, ids[period]);
      keys.push(this.bucket(keyId, m));
      args.push(m, String(bucketExpiry(period, ids[period]) ?? 0));
    }
    args.push(String(now - RECLAIMED_RETENTION_MS), ...extra.map(String));
    return [keys, args];
  }

  private tag(keyId: string): string {
    return `${this.ns}:{${keyId}}`;
  }
}
