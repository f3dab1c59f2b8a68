// The response store router.yaml asks for, made once at startup (a change of responses.store,
// maxBytes or maxEntryBytes takes a restart; ttlMs and maxChainDepth follow reloads). Redis is reached
// with budgets.redis's settings, on a connection of its own, so large records never queue behind
// budget scripts. A Redis that cannot be reached at startup is not fatal: until it is, storing fails
// (answered with store: false) and reads are 503s.
import { closeClient, createRedisClient, whenReady } from '../../budgets/redis-connection.js';
import { redisConnectionOptions } from '../../budgets/redis-options.js';
import type { Config } from '../../config/types.js';
import type { Logger } from '../../observability/logger.js';
import { MemoryResponseStore } from './memory-store.js';
import { RedisResponseStore } from './redis-store.js';
import { ResponsesService } from './service.js';

const STARTUP_WAIT_MS = 5_000;

export async function createResponsesService(config: Config, env: NodeJS.ProcessEnv, logger: Logger): Promise<ResponsesService> {
  const settings = config.responses;
  const { redis } = config.budgets;
  if (settings.store === 'redis' && redis !== undefined) {
    const client = createRedisClient({
      ...redisConnectionOptions(redis, env),
      keyPrefix: redis.keyPrefix,
      onError: (error) => logger.warn({ err: error }, 'response store (Redis) connection problem'),
    });
    await whenReady(client, STARTUP_WAIT_MS).catch(() => logger.error('the response store (Redis) is not reachable yet; it will keep reconnecting'));
    return new ResponsesService(new RedisResponseStore(client, redis.keyPrefix, settings.maxEntryBytes, () => closeClient(client)), logger);
  }
  const store = new MemoryResponseStore({
    maxBytes: settings.maxBytes,
    maxEntryBytes: settings.maxEntryBytes,
    evicted: (count) => logger.debug({ count }, 'stored responses evicted (responses.maxBytes)'),
  });
  return new ResponsesService(store, logger);
}
