// The cache in a Redis every router shares. Each command touches one key, and each key carries its
// own hash tag, so a Redis Cluster spreads entries over all its slots and no command crosses one:
//   <ns>:{c:<hash>}:e     the encoded entry (entry.ts), SET with PX ttlMs
//   <ns>:{c:<hash>}:lock  who is computing the answer (routerId:requestId), SET NX PX; owner-only DEL
// One Redis shared with the budgets must keep `maxmemory-policy noeviction` (README): a volatile-*
// policy would evict budget buckets, which have TTLs, and so reset budgets.
import type { Redis } from 'ioredis';
import { decodeEntry, encodeEntry, type CacheEntry } from './entry.js';
import type { CacheStore } from './store.js';

/** The commands the store uses; a single node's client and a cluster's both have them. */
export type CacheRedis = Pick<Redis, 'getBuffer' | 'set' | 'eval'>;

/** Deletes the lock only while it is still the caller's: a lock that expired and was taken by another router is left alone. */
const UNLOCK = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

export class RedisCacheStore implements CacheStore {
  readonly kind = 'redis';

  constructor(
    private readonly redis: CacheRedis,
    private readonly prefix: string,
    private readonly closeClient: () => Promise<void>,
  ) {}

  async get(hash: string): Promise<CacheEntry | null> {
    const bytes = await this.redis.getBuffer(this.key(hash, 'e'));
    // An entry another version of the router wrote, or damaged bytes: a miss, and overwritten after it.
    return bytes === null ? null : decodeEntry(bytes);
  }

  async set(hash: string, entry: CacheEntry, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(hash, 'e'), encodeEntry(entry), 'PX', ttlMs);
  }

  async lock(hash: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.key(hash, 'lock'), owner, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async unlock(hash: string, owner: string): Promise<void> {
    await this.redis.eval(UNLOCK, 1, this.key(hash, 'lock'), owner);
  }

  close(): Promise<void> {
    return this.closeClient();
  }

  /** The key of one entry's record: its own hash tag, so each command stays in one slot. */
  key(hash: string, what: 'e' | 'lock'): string {
    return `${this.prefix}:{c:${hash}}:${what}`;
  }
}
