// The budget store for many routers sharing one Redis (or Redis Cluster). Each phase of a request's
// budget (reserve, top-up, settle) is one Lua script: atomic, and one round trip. Keys, usage and
// reservations live in Redis, so they survive router restarts and apply across all replicas.
import { randomUUID } from 'node:crypto';
import type { Result } from 'ioredis';
import { usdToNano } from '../cost/money.js';
import { checkAmount, checkKey, checkReserve, rejection, snapshot } from './accounting.js';
import { bucketIds } from './periods.js';
import { attempt, closeClient, createRedisClient, whenReady, type RedisClient, type RedisStoreOptions } from './redis-connection.js';
import { bucketMember, RedisLayout } from './redis-layout.js';
import { RedisRegistry, type RevisedKey } from './redis-registry.js';
import { decodeState } from './redis-reply.js';
import { PUT_LIMITS, RESERVE, RESET, SETTLE, TOP_UP, USAGE } from './redis-scripts.js';
import type { BudgetStore, KeyPrecondition, SettleResult } from './store.js';
import { compareKeys, isKeyId, type KeyRecord, type RejectReason, type Reservation, type ReserveOutcome, type UsageSnapshot } from './types.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    switchyardReserve(numKeys: number, ...keysAndArgs: string[]): Result<unknown, Context>;
    switchyardUsage(numKeys: number, ...keysAndArgs: string[]): Result<unknown, Context>;
    switchyardTopUp(numKeys: number, ...keysAndArgs: string[]): Result<number, Context>;
    switchyardSettle(numKeys: number, ...keysAndArgs: string[]): Result<string, Context>;
    switchyardReset(numKeys: number, ...keysAndArgs: string[]): Result<number, Context>;
    switchyardPutLimits(limits: string, revision: string, ...fieldsAndValues: string[]): Result<number, Context>;
  }
}

const SETTLE_RESULTS: readonly SettleResult[] = ['settled', 'settled_after_reclaim', 'already_settled'];
const REASONS: readonly RejectReason[] = ['requests_per_minute', 'tokens_per_minute', 'concurrency', 'quota', 'in_flight', 'disabled'];

export type { RedisStoreOptions } from './redis-connection.js';

export class RedisBudgetStore implements BudgetStore {
  private readonly client: RedisClient;
  private readonly layout: RedisLayout;
  private readonly registry: RedisRegistry;

  /** Connects in the background; until connected, calls fail fast with StoreUnavailableError. */
  constructor(options: RedisStoreOptions) {
    this.client = createRedisClient(options);
    this.layout = new RedisLayout(options.keyPrefix ?? 'sy');
    this.registry = new RedisRegistry(this.client, this.layout);
    // Registered with defineCommand, so calls go out as EVALSHA (EVAL once after a Redis restart).
    this.client.defineCommand('switchyardReserve', { lua: RESERVE });
    this.client.defineCommand('switchyardUsage', { lua: USAGE });
    this.client.defineCommand('switchyardTopUp', { lua: TOP_UP });
    this.client.defineCommand('switchyardSettle', { lua: SETTLE });
    this.client.defineCommand('switchyardReset', { lua: RESET });
    this.client.defineCommand('switchyardPutLimits', { lua: PUT_LIMITS, numberOfKeys: 1 });
  }

  /** Waits for the connection (at startup, say); rejects with StoreUnavailableError after `timeoutMs`. */
  ready(timeoutMs = 5000): Promise<void> {
    return whenReady(this.client, timeoutMs);
  }

  async putKey(key: KeyRecord, precondition?: KeyPrecondition): Promise<boolean> {
    checkKey(key);
    // The record first, its precondition checked in the same script; then the enforced copy of the
    // limits, in the key's own slot, which takes the write only if its revision is newer than the one it
    // holds: two writes racing between the two steps end with the later record's limits. Until its
    // limits land, a new key is refused as unknown (the reserve script finds no limits), never unlimited.
    const revision = await this.registry.put(key, precondition);
    if (revision === null) return false;
    await this.putLimits(key, revision);
    return true;
  }

  async getKey(id: string): Promise<KeyRecord | null> {
    return this.completed(await this.registry.get(id));
  }

  async findKeyByHash(hash: string): Promise<KeyRecord | null> {
    return this.completed(await this.registry.findByHash(hash));
  }

  /**
   * The record read, once the enforced copy of its limits is at its revision. A write can land halfway:
   * when the registry step times out on the client (Redis slow or paused) but runs later, the write was
   * answered 503 before its limits were sent, and the key would be shown with limits other than those
   * enforced (or, new, be refused as unknown). Every read of a key completes it: the copy takes the
   * record's limits only if its revision is older, so this is one no-op script when nothing was lost.
   * Authentication reads a key once per lookup-cache lifetime (5 s), not per request.
   */
  private async completed(found: RevisedKey | null): Promise<KeyRecord | null> {
    if (found === null) return null;
    await this.putLimits(found.record, found.revision);
    return found.record;
  }

  /** The enforced copy of the key's enabled flag and limits, if `revision` is newer than the one it holds. */
  private async putLimits(key: KeyRecord, revision: number): Promise<void> {
    const fields: string[] = ['enabled', key.enabled ? '1' : '0'];
    // Reserve refuses a caller holding another generation's record (store.ts reserve).
    if (key.generation !== undefined) fields.push('generation', key.generation);
    // Dollar limits are enforced in nano-USD, as the scripts count them.
    for (const [name, value] of Object.entries(key.limits) as [string, number | null][]) {
      if (value !== null) fields.push(name, String(name.startsWith('usd') ? usdToNano(value) : value));
    }
    await attempt('putKey', () => this.client.switchyardPutLimits(this.layout.limits(key.id), String(revision), ...fields));
  }

  async listKeys(): Promise<KeyRecord[]> {
    return (await this.registry.list()).sort(compareKeys);
  }

  async deleteKey(id: string, options?: { readonly keepUsage?: boolean }): Promise<boolean> {
    if (!isKeyId(id)) return false;
    // The registry first, so the secret stops authenticating even if dropping the usage fails.
    const existed = await this.registry.remove(id);
    // The enforced copy of the limits goes with the key in any case: a put of the same id writes it again.
    const keys = options?.keepUsage === true ? [this.layout.limits(id)] : await this.dataKeys(id);
    await attempt('deleteKey', () => this.client.del(...keys));
    return existed;
  }

  async reserve(keyId: string, tokens: number, now: number, ttlMs: number, nanoUsd = 0, generation?: string): Promise<ReserveOutcome> {
    checkReserve(tokens, ttlMs, nanoUsd);
    if (!isKeyId(keyId)) return rejection({ reason: 'unknown_key', period: null }, null, null, now);
    const id = randomUUID();
    const expiresAt = now + ttlMs;
    const [keys, args] = this.layout.call(keyId, now, null, [id, tokens, ttlMs, expiresAt, nanoUsd, generation ?? '']);
    let state;
    try {
      state = decodeState(await attempt('reserve', () => this.client.switchyardReserve(keys.length, ...keys, ...args)));
    } catch (error) {
      this.release(keyId, id, now);
      throw error;
    }
    if (state === 'unknown_key') return rejection({ reason: 'unknown_key', period: null }, null, null, now);
    if (state.status === 'disabled') return rejection({ reason: 'disabled', period: null }, null, null, now);
    const reason = REASONS.find((r) => r === state.status);
    if (reason !== undefined) return rejection({ reason, period: state.period, unit: state.unit }, state.limits, state.counters, now);
    const reservation: Reservation = { id, keyId, tokens, nanoUsd, buckets: bucketIds(now), expiresAt };
    return { ok: true, reservation, snapshot: snapshot(state.limits, state.counters, now, true) };
  }

  async topUp(reservation: Reservation, extraTokens: number, now: number, extraNanoUsd = 0): Promise<boolean> {
    checkAmount('extraTokens', extraTokens);
    checkAmount('extraNanoUsd', extraNanoUsd);
    if (!isKeyId(reservation.keyId)) return false;
    const [keys, args] = this.layout.call(reservation.keyId, now, reservation.buckets, [reservation.id, extraTokens, extraNanoUsd]);
    return (await attempt('topUp', () => this.client.switchyardTopUp(keys.length, ...keys, ...args))) === 1;
  }

  async settle(reservation: Reservation, actualTokens: number, now: number, actualNanoUsd = 0): Promise<SettleResult> {
    checkAmount('actualTokens', actualTokens);
    checkAmount('actualNanoUsd', actualNanoUsd);
    if (!isKeyId(reservation.keyId)) return 'already_settled';
    const [keys, args] = this.layout.call(reservation.keyId, now, reservation.buckets, [reservation.id, actualTokens, actualNanoUsd]);
    const reply = await attempt('settle', () => this.client.switchyardSettle(keys.length, ...keys, ...args));
    const result = SETTLE_RESULTS.find((r) => r === reply);
    if (result === undefined) return attempt('settle', () => Promise.reject(new Error(`unexpected reply ${String(reply)}`)));
    return result;
  }

  async usage(keyId: string, now: number): Promise<UsageSnapshot | null> {
    if (!isKeyId(keyId)) return null;
    const [keys, args] = this.layout.call(keyId, now, null);
    const state = decodeState(await attempt('usage', () => this.client.switchyardUsage(keys.length, ...keys, ...args)));
    return state === 'unknown_key' ? null : snapshot(state.limits, state.counters, now, false);
  }

  async resetUsage(keyId: string): Promise<void> {
    if (!isKeyId(keyId)) return;
    // The bucket hashes alone: the reservations and the bucket index stay as they are.
    const fixed = new Set(this.layout.perKey(keyId));
    const buckets = (await this.dataKeys(keyId)).filter((key) => !fixed.has(key));
    await attempt('resetUsage', () => this.client.switchyardReset(buckets.length, ...buckets));
  }

  close(): Promise<void> {
    return closeClient(this.client);
  }

  /**
   * Fire and forget, after a reserve its caller was told failed: no one will settle that reservation,
   * yet Redis may still make it (a Redis stalled past the command timeout runs what its connection
   * carries when it resumes). A settle of nothing for its id, sent at once on the same connection, runs
   * after it: the reservation, if it was made, is released and nothing charged; if it was not, the id
   * is unknown and nothing changes. The id is this call's own (random), so no other reservation is touched.
   */
  private release(keyId: string, id: string, now: number): void {
    const [keys, args] = this.layout.call(keyId, now, bucketIds(now), [id, 0, 0]);
    this.client.switchyardSettle(keys.length, ...keys, ...args).catch(() => {
      // The store is away: then the reserve most likely never reached Redis either.
    });
  }

  /** Every key of one API key: the fixed ones, the lifetime bucket, and the buckets in the index. */
  private async dataKeys(keyId: string): Promise<string[]> {
    const fixed = this.layout.perKey(keyId);
    const members = await attempt('buckets', () => this.client.zrange(fixed[4], 0, '-1'));
    const buckets = new Set([...members, bucketMember('lifetime', 'lifetime')].map((m) => this.layout.bucket(keyId, m)));
    return [...fixed, ...buckets];
  }
}
