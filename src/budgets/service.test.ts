// The router's last view of a key's standing (for budget-aware routing) belongs to that key, not to its
// id: a key id deleted and created again (owner.ts) starts with none of the old holder's pressure.
import t from 'tap';
import { parseConfigObject } from '../config/load.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { MemoryBudgetStore } from './memory-store.js';
import { BudgetService } from './service.js';
import { keyRecord } from './test-support.js';

/** A config of one pool, with `extra` (its defaults otherwise). */
function configWith(extra: Record<string, unknown> = {}) {
  const loaded = parseConfigObject({
    models: { m: { tiers: ['t'] } },
    tiers: { t: { pools: ['p'] } },
    pools: { p: { engine: 'vllm', servedModel: 's', replicas: [{ url: 'http://127.0.0.1:9' }] } },
    ...extra,
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.config;
}

t.test('usedShare is the standing of this key, not of an earlier key with its id', async (t) => {
  const store = new MemoryBudgetStore();
  const budgets = configWith().budgets;
  const service = new BudgetService(store, budgets, createLogger('silent'), createMetrics());
  const first = keyRecord('key_reused', { tokensPerDay: 100 }, { generation: 'first' });
  await store.putKey(first);
  t.ok(await service.reserve(first, 90));
  t.equal(service.usedShare(first), 0.9, 'the key’s own standing');
  await store.deleteKey(first.id);
  const again = keyRecord('key_reused', { tokensPerDay: 100 }, { generation: 'again', hash: first.hash.replace(/^./, 'f') });
  await store.putKey(again);
  t.equal(service.usedShare(again), 0, 'the id created again carries none of it, on a router that did not see the delete');
  t.equal(service.usedShare(keyRecord('key_reused', { tokensPerDay: 100 })), 0, 'nor does the id without a generation');
});

t.test('declared keys synced twice in quick succession (two reloads) end as the second file says', async (t) => {
  const store = new MemoryBudgetStore();
  const config = configWith({ auth: { keys: [{ id: 'declared', hash: 'a'.repeat(64) }] } });
  const service = new BudgetService(store, config.budgets, createLogger('silent'), createMetrics());
  // Neither awaited before the other starts, as router.ts applies a reload.
  const first = service.syncDeclaredKeys(config.auth.keys);
  const second = service.syncDeclaredKeys([]);
  await Promise.all([first, second]);
  t.strictSame(await store.listKeys(), [], 'the key the second file removed is gone');
});

t.test('a key read as disabled is read again after a second (not five): enabling it through another router takes effect within one', async (t) => {
  const store = new MemoryBudgetStore();
  let now = 1_000_000;
  const service = new BudgetService(store, configWith().budgets, createLogger('silent'), createMetrics(), () => now);
  const key = keyRecord('toggled', {}, { enabled: false });
  await store.putKey(key);
  t.match(await service.lookup('secret-toggled'), { found: { enabled: false } });
  // Another router enables it (this service does not see the PATCH).
  await store.putKey({ ...key, enabled: true });
  now += 500;
  t.match(await service.lookup('secret-toggled'), { found: { enabled: false } }, 'kept a moment: a client hammering with it is not a store read a request');
  now += 600;
  t.match(await service.lookup('secret-toggled'), { found: { enabled: true } }, 'read again after a second');
});
