// The cache store router.yaml asks for, made once at startup (a reload does not move the cache: a
// change of cache.store or maxBytes takes a restart). Redis is reached with budgets.redis's
// settings, on a connection of its own, so large entries never queue behind budget scripts.
import type { Registry } from 'prom-client';
import { createRedisClient, closeClient, whenReady } from '../budgets/redis-connection.js';
import { redisConnectionOptions } from '../budgets/redis-options.js';
import type { Config } from '../config/types.js';
import type { Logger } from '../observability/logger.js';
import { MemoryCacheStore } from './memory-store.js';
import { createCacheMetrics } from './metrics.js';
import { RedisCacheStore } from './redis-store.js';
import { ResponseCache } from './service.js';

/** How long startup waits for the cache's Redis, as the budget store's does. */
const STARTUP_WAIT_MS = 5_000;

/**
 * The router's response cache. Made whether or not an alias has a cache block yet, so a reload can turn
 * one on; it costs nothing until one does. A Redis that cannot be reached at startup is not fatal: until
 * it is, requests run without the cache (counted), as during any outage.
 */
export async function createResponseCache(config: Config, env: NodeJS.ProcessEnv, logger: Logger, registry: Registry): Promise<ResponseCache> {
  const metrics = createCacheMetrics(registry);
  const { redis } = config.budgets;
  if (config.cache.store === 'redis' && redis !== undefined) {
    const client = createRedisClient({
      ...redisConnectionOptions(redis, env),
      keyPrefix: redis.keyPrefix,
      onError: (error) => logger.warn({ err: error }, 'response cache (Redis) connection problem'),
    });
    await whenReady(client, STARTUP_WAIT_MS).catch(() => logger.error('the response cache (Redis) is not reachable yet; it will keep reconnecting'));
    return new ResponseCache(new RedisCacheStore(client, redis.keyPrefix, () => closeClient(client)), metrics);
  }
  // Plain numbers here, read into the gauge and counter when Prometheus scrapes (metrics.ts).
  const figures = metrics.memoryStore;
  const store = new MemoryCacheStore(config.cache.maxBytes, { evicted: (count) => (figures.evicted += count), bytes: (total) => (figures.bytes = total) });
  figures.pageBytes = () => store.arenaBytes;
  return new ResponseCache(store, metrics);
}
