// A Redis that stalls (SIGSTOP) past budgets.redis.commandTimeoutMs: the client gives up on the
// reserve, yet the script stays on the connection and Redis runs it when it resumes. With fail-open
// the request ran unmetered; with fail-closed it was refused. Either way no one will settle that
// reservation, so it must not hold the key's tokens, dollars and concurrency until reservationTtlMs.
import t, { type Test } from 'tap';
import { redisToStall, STALL_COMMAND_TIMEOUT_MS as COMMAND_TIMEOUT_MS } from '../../test/fixtures/stalled-redis.js';
import { parseConfigObject } from '../config/load.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { RedisBudgetStore } from './redis-store.js';
import { BudgetService } from './service.js';
import { StoreUnavailableError } from './store.js';
import { keyRecord } from './test-support.js';

const { server: redis, stalled } = await redisToStall(t);
let prefixes = 0;

async function budgets(t: Test, onStoreError: 'fail-open' | 'fail-closed') {
  const store = new RedisBudgetStore({ url: redis.url, keyPrefix: `stall${++prefixes}`, commandTimeoutMs: COMMAND_TIMEOUT_MS });
  t.teardown(() => store.close());
  await store.ready();
  const loaded = parseConfigObject({
    budgets: { onStoreError },
    models: { m: { tiers: ['t'] } },
    tiers: { t: { pools: ['p'] } },
    pools: { p: { engine: 'vllm', servedModel: 's', replicas: [{ url: 'http://127.0.0.1:9' }] } },
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const metrics = createMetrics();
  // One instant for every reservation and reading: a period boundary passing during a stall (a minute
  // does, now and then) would otherwise move the readings to a new, empty period.
  const at = Date.now();
  const service = new BudgetService(store, loaded.config.budgets, createLogger('silent'), metrics, () => at);
  const key = keyRecord('k1', { tokensPerDay: 10_000, usdPerDay: 5, maxConcurrent: 1 });
  await store.putKey(key);
  /** What the key holds in reservations: tokens per period, nano-USD per period, requests in flight. */
  const held = async () => {
    const usage = await store.usage(key.id, at);
    return { tokens: usage?.tokens.map((p) => p.reserved), usd: usage?.usd.map((p) => p.reserved), active: usage?.concurrency?.active };
  };
  return { store, service, key, metrics, held, at };
}

const NOTHING_HELD = { tokens: [0, 0, 0, 0], usd: [0, 0, 0], active: 0 };

t.test('fail-open: a reserve given up on runs unmetered, and holds nothing once Redis resumes', async (t) => {
  const { service, key, metrics, held } = await budgets(t, 'fail-open');
  t.equal(await stalled(t, () => service.reserve(key, 544, 2_000_000)), null, 'unmetered');
  t.match((await metrics.registry.getSingleMetric('switchyard_unmetered_requests_total')?.get())?.values, [{ value: 1 }]);
  // usage() follows the late reserve on the same connection: Redis has run it by then.
  t.strictSame(await held(), NOTHING_HELD, 'no tokens, dollars or concurrency held until reservationTtlMs');
  t.ok((await service.reserve(key, 544, 2_000_000))?.ok, 'the next request is admitted (maxConcurrent: 1)');
});

t.test('fail-closed: the refused request holds nothing either', async (t) => {
  const { service, key, held } = await budgets(t, 'fail-closed');
  await t.rejects(
    stalled(t, () => service.reserve(key, 544, 2_000_000)),
    StoreUnavailableError,
  );
  t.strictSame(await held(), NOTHING_HELD);
});

t.test('a reservation that was granted is not released by the stall of another', async (t) => {
  const { service, key, store, held, at } = await budgets(t, 'fail-open');
  const first = await service.reserve(key, 100, 1_000);
  if (first === null || !first.ok) throw new Error('expected a reservation');
  // maxConcurrent 1: the stalled reserve, run late, is refused (concurrency) and writes nothing.
  t.equal(await stalled(t, () => service.reserve(key, 544, 2_000_000)), null);
  t.strictSame(await held(), { tokens: [100, 100, 100, 100], usd: [1_000, 1_000, 1_000], active: 1 }, 'the first is still held');
  t.equal(await store.settle(first.reservation, 80, at, 900), 'settled');
  t.strictSame(await held(), NOTHING_HELD);
});
