// The idempotency store router.yaml asks for: memory, or Redis through budgets.redis's connection
// settings (one Redis setting for the router; the records live beside the budgets under their own
// hash tags). A Redis that cannot connect at startup is not fatal: calls fail fast until it connects,
// and requests with a key run without idempotency meanwhile.
import { redisConnectionOptions } from '../budgets/redis-options.js';
import type { Config } from '../config/types.js';
import type { Logger } from '../observability/logger.js';
import { MemoryIdempotencyStore } from './memory-store.js';
import { RedisIdempotencyStore } from './redis-store.js';
import type { IdempotencyStore } from './store.js';

export async function createIdempotencyStore(config: Config, env: NodeJS.ProcessEnv, logger: Logger): Promise<IdempotencyStore> {
  const { idempotency } = config;
  const redis = config.budgets.redis;
  if (idempotency.store === 'memory') return new MemoryIdempotencyStore(idempotency.maxBytes);
  if (redis === undefined) throw new Error('idempotency.store "redis" needs budgets.redis');
  const store = new RedisIdempotencyStore({
    ...redisConnectionOptions(redis, env),
    keyPrefix: redis.keyPrefix,
    onError: (error) => logger.warn({ err: error }, 'idempotency store (Redis) connection problem'),
  });
  await store.ready(5_000).catch(() => logger.error('the idempotency store (Redis) is not reachable yet; it will keep reconnecting'));
  return store;
}
