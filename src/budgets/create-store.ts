// The store router.yaml asks for. A Redis store that cannot connect at startup is not fatal: calls
// fail fast until it connects, and onStoreError decides what that means for requests.
import type { BudgetsConfig } from '../config/types.js';
import type { Logger } from '../observability/logger.js';
import { MemoryBudgetStore } from './memory-store.js';
import { redisConnectionOptions } from './redis-options.js';
import { RedisBudgetStore } from './redis-store.js';
import type { BudgetStore } from './store.js';

/** `onReady` runs each time a Redis connection becomes usable (a Redis that restarted may have lost keys). */
export async function createStore(config: BudgetsConfig, env: NodeJS.ProcessEnv, logger: Logger, onReady: () => void = () => {}): Promise<BudgetStore> {
  if (config.store === 'memory') return new MemoryBudgetStore();
  const redis = config.redis;
  if (redis === undefined) throw new Error('budgets.redis needs url, urlEnv, cluster or sentinel');
  const store = new RedisBudgetStore({
    ...redisConnectionOptions(redis, env),
    keyPrefix: redis.keyPrefix,
    onError: (error) => logger.warn({ err: error }, 'budget store (Redis) connection problem'),
    onReady,
  });
  await store.ready(5_000).catch(() => logger.error('the budget store (Redis) is not reachable yet; it will keep reconnecting'));
  return store;
}
