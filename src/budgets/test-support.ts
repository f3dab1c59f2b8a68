// Shared by the budget store tests: key records, a seeded generator, a test clock base, and the two
// store harnesses the contract suite runs against. Not part of the build (see tsconfig.build.json).
import { startTestRedis, type TestRedis } from '../../test/fixtures/redis-cluster.js';
import { hashKey } from './keys.js';
import { MemoryBudgetStore } from './memory-store.js';
import { bucketIds, periodEnd } from './periods.js';
import { RedisBudgetStore } from './redis-store.js';
import type { BudgetStore } from './store.js';
import { UNLIMITED, type KeyLimits, type KeyRecord } from './types.js';

export function keyRecord(id: string, limits: Partial<KeyLimits> = {}, overrides: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id,
    name: `key ${id}`,
    hash: hashKey(`secret-${id}`),
    prefix: 'sy-secre',
    enabled: true,
    models: null,
    tiers: null,
    maxTokensPerRequest: null,
    limits: { ...UNLIMITED, ...limits },
    metadata: { team: 'test' },
    createdAt: '2024-01-01T00:00:00.000Z',
    source: 'admin',
    ...overrides,
  };
}

/** A seeded generator, so random sizes are reproducible. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * The start of a minute shortly in the future, with the next hour inside the same UTC day. Tests pass
 * `now` explicitly as offsets from it; it is close to the real clock because Redis expires buckets by
 * its own clock (a bucket from a long-gone day would vanish at once).
 */
export function testBase(): number {
  let base = Math.ceil(Date.now() / 60_000) * 60_000 + 60_000;
  if (bucketIds(base).day !== bucketIds(base + 3_600_000).day) base = periodEnd('day', base) ?? base;
  return base;
}

/** Two views of one store's data: `peer` acts as another router (the same object for memory). */
export interface OpenStores {
  readonly store: BudgetStore;
  readonly peer: BudgetStore;
}

export interface StoreHarness {
  readonly name: string;
  /** Fresh, empty stores; the harness closes them in `close`. */
  open(): Promise<OpenStores>;
  close(): Promise<void>;
}

export function memoryHarness(): StoreHarness {
  return {
    name: 'memory',
    async open() {
      const store = new MemoryBudgetStore();
      return { store, peer: store };
    },
    async close() {},
  };
}

/**
 * A real redis-server for the whole file (a three-node Redis Cluster with SWITCHYARD_TEST_REDIS=cluster,
 * see test/fixtures/redis-cluster.ts); every open() empties it and connects two routers. On a cluster,
 * close() fails unless the suite's keys landed on every node.
 */
export async function redisHarness(): Promise<StoreHarness & { readonly redis: TestRedis }> {
  const redis = await startTestRedis();
  const opened: RedisBudgetStore[] = [];
  const seen = new Set<number>();
  const note = async (): Promise<void> => (await redis.keysPerNode()).forEach((keys, node) => void (keys > 0 && seen.add(node)));
  return {
    name: redis.kind === 'cluster' ? 'redis cluster' : 'redis',
    redis,
    async open() {
      await note();
      await redis.flushAll();
      const store = new RedisBudgetStore(redis.connection);
      const peer = new RedisBudgetStore(redis.connection);
      opened.push(store, peer);
      await Promise.all([store.ready(), peer.ready()]);
      return { store, peer };
    },
    async close() {
      await note();
      await Promise.all(opened.map((store) => store.close()));
      await redis.dispose();
      const nodes = redis.kind === 'cluster' ? 3 : 1;
      if (seen.size < nodes) throw new Error(`the suite's keys landed on ${seen.size} of ${nodes} nodes: the cluster run proves nothing about the others`);
    },
  };
}
