// Idempotency records in Redis, shared by every router: a retry that lands on another router finds
// the first one's record. Each move is one Lua script on one key (redis-scripts.ts), through the same
// fail-fast connection as the budget store (src/budgets/redis-connection.ts): while Redis is away a
// call rejects at once or within the command timeout, and the guard runs the request without
// idempotency.
import type { Result } from 'ioredis';
import { closeClient, createRedisClient, whenReady, type RedisClient, type RedisStoreOptions } from '../budgets/redis-connection.js';
import type { Claim } from './record.js';
import { ABANDON, CLAIM, FINISH, RENEW } from './redis-scripts.js';
import type { IdempotencyStore } from './store.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    switchyardIdempotencyClaimBuffer(key: string, ...args: string[]): Result<Buffer[], Context>;
    switchyardIdempotencyFinish(key: string, ...args: (string | Buffer)[]): Result<number, Context>;
    switchyardIdempotencyAbandon(key: string, ...args: string[]): Result<number, Context>;
    switchyardIdempotencyRenew(key: string, ...args: string[]): Result<number, Context>;
  }
}

export class RedisIdempotencyStore implements IdempotencyStore {
  readonly shared = true;
  private readonly client: RedisClient;
  private readonly ns: string;

  /** Connects in the background; until connected, calls fail fast. */
  constructor(options: RedisStoreOptions) {
    this.client = createRedisClient(options);
    this.ns = options.keyPrefix ?? 'sy';
    this.client.defineCommand('switchyardIdempotencyClaim', { numberOfKeys: 1, lua: CLAIM });
    this.client.defineCommand('switchyardIdempotencyFinish', { numberOfKeys: 1, lua: FINISH });
    this.client.defineCommand('switchyardIdempotencyAbandon', { numberOfKeys: 1, lua: ABANDON });
    this.client.defineCommand('switchyardIdempotencyRenew', { numberOfKeys: 1, lua: RENEW });
  }

  ready(timeoutMs = 5000): Promise<void> {
    return whenReady(this.client, timeoutMs);
  }

  /** `<ns>:{i:<id>}`: its own hash tag, so records spread over every slot of a cluster. */
  key(id: string): string {
    return `${this.ns}:{i:${id}}`;
  }

  async claim(id: string, fingerprint: string, owner: string, now: number, pendingTtlMs: number): Promise<Claim> {
    const reply = await this.client.switchyardIdempotencyClaimBuffer(this.key(id), fingerprint, owner, String(now), String(pendingTtlMs));
    return decodeClaim(reply);
  }

  async finish(id: string, owner: string, answer: { status: number; bytes: Buffer }, now: number, ttlMs: number): Promise<boolean> {
    return (await this.client.switchyardIdempotencyFinish(this.key(id), owner, String(now), String(ttlMs), String(answer.status), answer.bytes)) === 1;
  }

  async renew(id: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    return (await this.client.switchyardIdempotencyRenew(this.key(id), owner, String(now), String(leaseMs))) === 1;
  }

  async abandon(id: string, owner: string, now: number): Promise<boolean> {
    return (await this.client.switchyardIdempotencyAbandon(this.key(id), owner, String(now))) === 1;
  }

  close(): Promise<void> {
    return closeClient(this.client);
  }
}

/** The script's reply, checked: a Redis shared with other versions of the router is read with care. */
function decodeClaim(reply: readonly Buffer[]): Claim {
  const kind = reply[0]?.toString();
  if (kind === 'claimed') return CLAIMED;
  if (kind === 'mismatch') return MISMATCH;
  if (kind === 'pending') return { kind: 'pending', expiresAt: number(reply[1]) };
  const bytes = reply[2];
  if (kind === 'done' && bytes !== undefined) return { kind: 'done', answer: { status: number(reply[1]), bytes }, storedAt: number(reply[3]) };
  throw new Error(`unexpected idempotency claim reply: ${reply.map(String).join(' ').slice(0, 200)}`);
}

function number(value: Buffer | undefined): number {
  const parsed = Number(value?.toString());
  if (!Number.isFinite(parsed)) throw new Error(`unexpected number in an idempotency record: ${String(value)}`);
  return parsed;
}

const CLAIMED: Claim = { kind: 'claimed' };
const MISMATCH: Claim = { kind: 'mismatch' };
