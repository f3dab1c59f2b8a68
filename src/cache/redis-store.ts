// The cache in a Redis every router shares. Each command touches one entry's keys, and each entry's
// keys carry its own hash tag, so a Redis Cluster spreads entries over all its slots and no command
// crosses one:
//   <ns>:{c:<hash>}:e     the encoded entry (entry.ts), SET with PX ttlMs
//   <ns>:{c:<hash>}:lock  who is computing the answer (routerId:requestId), SET NX PX; owner-only DEL
// A miss takes two round trips beside the budget's, not four: the lookup claims the lock in the same
// script when there is no entry (getOrLock), and the leader's answer is stored and its lock let go in
// one (setAndUnlock). The scripts are registered with defineCommand: EVALSHA, on the slot's node.
// One Redis shared with the budgets must keep `maxmemory-policy noeviction` (README): a volatile-*
// policy would evict budget buckets, which have TTLs, and so reset budgets.
import type { Redis, Result } from 'ioredis';
import { DecodedEntries } from './decoded-entries.js';
import { encodeEntry, type CacheEntry } from './entry.js';
import type { CacheStore, LockResult } from './store.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    switchyardCacheGetOrLockBuffer(entryKey: string, lockKey: string, owner: string, ttlMs: string): Result<Buffer | number, Context>;
    switchyardCacheSetAndUnlock(entryKey: string, lockKey: string, bytes: Buffer, ttlMs: string, owner: string): Result<number, Context>;
    switchyardCacheLock(lockKey: string, owner: string, ttlMs: string): Result<number, Context>;
    switchyardCacheUnlockUnkept(lockKey: string, owner: string, markMs: string): Result<number, Context>;
  }
}

/** The commands the store uses; a single node's client and a cluster's both have them. */
export type CacheRedis = Pick<
  Redis,
  'getBuffer' | 'set' | 'eval' | 'defineCommand' | 'switchyardCacheGetOrLockBuffer' | 'switchyardCacheSetAndUnlock' | 'switchyardCacheLock' | 'switchyardCacheUnlockUnkept'
>;

/** Deletes the lock only while it is still the caller's: a lock that expired and was taken by another router is left alone. */
const UNLOCK = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/** Extends the lock only while it is still the caller's, as UNLOCK deletes it. */
const RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

/** What a lock holds for a moment after its leader's answer was not kept (an owner always has a colon). */
const UNKEPT = 'unkept';

/** The entry's bytes; else the lock taken for ARGV[1] (1), held by another (0), or marked unkept (2). */
const GET_OR_LOCK = `
local entry = redis.call('GET', KEYS[1])
if entry then return entry end
if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 end
if redis.call('GET', KEYS[2]) == '${UNKEPT}' then return 2 end
return 0`;

/** The lock taken for ARGV[1] (1), held by another (0), or marked unkept (2). */
const LOCK = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 end
if redis.call('GET', KEYS[1]) == '${UNKEPT}' then return 2 end
return 0`;

/** The lock, while still ARGV[1]'s, replaced by the unkept mark for ARGV[2] ms. */
const UNLOCK_UNKEPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], '${UNKEPT}', 'PX', ARGV[2]) end
return 0`;

/** A script's claim reply as a LockResult. */
const lockResult = (reply: number): LockResult => (reply === 2 ? UNKEPT : reply === 1);

/** Stores the entry, then deletes the lock if it is still ARGV[3]'s (as UNLOCK). */
const SET_AND_UNLOCK = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1`;

export class RedisCacheStore implements CacheStore {
  readonly kind = 'redis';
  /** A hit's entry is decoded once per answer stored, not once per read: its replay templates are kept. */
  private readonly decoded = new DecodedEntries();

  constructor(
    private readonly redis: CacheRedis,
    private readonly prefix: string,
    private readonly closeClient: () => Promise<void>,
  ) {
    redis.defineCommand('switchyardCacheGetOrLock', { numberOfKeys: 2, lua: GET_OR_LOCK });
    redis.defineCommand('switchyardCacheSetAndUnlock', { numberOfKeys: 2, lua: SET_AND_UNLOCK });
    redis.defineCommand('switchyardCacheLock', { numberOfKeys: 1, lua: LOCK });
    redis.defineCommand('switchyardCacheUnlockUnkept', { numberOfKeys: 1, lua: UNLOCK_UNKEPT });
  }

  async get(hash: string): Promise<CacheEntry | null> {
    const bytes = await this.redis.getBuffer(this.key(hash, 'e'));
    // An entry another version of the router wrote, or damaged bytes: a miss, and overwritten after it.
    return bytes === null ? null : this.decoded.decode(hash, bytes);
  }

  async getOrLock(hash: string, owner: string, ttlMs: number): Promise<CacheEntry | LockResult> {
    const reply = await this.redis.switchyardCacheGetOrLockBuffer(this.key(hash, 'e'), this.key(hash, 'lock'), owner, String(ttlMs));
    if (typeof reply === 'number') return lockResult(reply);
    // Bytes that are not an entry of this version are a miss, as get() reads them: then the lock is asked for alone.
    return this.decoded.decode(hash, reply) ?? this.lock(hash, owner, ttlMs);
  }

  async set(hash: string, entry: CacheEntry, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(hash, 'e'), encodeEntry(entry), 'PX', ttlMs);
  }

  async setAndUnlock(hash: string, entry: CacheEntry, ttlMs: number, owner: string): Promise<void> {
    await this.redis.switchyardCacheSetAndUnlock(this.key(hash, 'e'), this.key(hash, 'lock'), encodeEntry(entry), String(ttlMs), owner);
  }

  async lock(hash: string, owner: string, ttlMs: number): Promise<LockResult> {
    return lockResult(await this.redis.switchyardCacheLock(this.key(hash, 'lock'), owner, String(ttlMs)));
  }

  async unlockUnkept(hash: string, owner: string, markMs: number): Promise<void> {
    await this.redis.switchyardCacheUnlockUnkept(this.key(hash, 'lock'), owner, String(markMs));
  }

  async unlock(hash: string, owner: string): Promise<void> {
    await this.redis.eval(UNLOCK, 1, this.key(hash, 'lock'), owner);
  }

  async renew(hash: string, owner: string, ttlMs: number): Promise<void> {
    await this.redis.eval(RENEW, 1, this.key(hash, 'lock'), owner, String(ttlMs));
  }

  close(): Promise<void> {
    return this.closeClient();
  }

  /** The key of one entry's record: its own hash tag, so each command stays in one slot. */
  key(hash: string, what: 'e' | 'lock'): string {
    return `${this.prefix}:{c:${hash}}:${what}`;
  }
}
