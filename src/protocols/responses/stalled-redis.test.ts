// A Redis that stalls (SIGSTOP) past budgets.redis.commandTimeoutMs: the client gives up on storing a
// response, yet the SET stays on the connection and Redis runs it when it resumes. The client was
// answered `store: false`, so the id it holds must not be found later (nor be continued from).
import t, { type Test } from 'tap';
import { closeClient, createRedisClient, whenReady } from '../../budgets/redis-connection.js';
import { skipFileWithoutRedis, startRedisServer } from '../../../test/fixtures/redis-server.js';
import { createLogger } from '../../observability/logger.js';
import { RedisResponseStore } from './redis-store.js';
import { ResponsesService } from './service.js';

skipFileWithoutRedis(t);
const redis = await startRedisServer();
t.teardown(async () => {
  redis.resume();
  await redis.dispose();
});

/** Short, so a stalled command is given up on quickly; Redis answers a live one well within it. */
const COMMAND_TIMEOUT_MS = 150;
const DAY = 86_400_000;
const record = (owner: string) => ({ owner, prev: null, response: { id: 'x', object: 'response', output: [] }, input: [] });

async function service(t: Test): Promise<ResponsesService> {
  const client = createRedisClient({ url: redis.url, keyPrefix: 'stall', commandTimeoutMs: COMMAND_TIMEOUT_MS });
  t.teardown(() => closeClient(client));
  await whenReady(client, 5_000);
  return new ResponsesService(new RedisResponseStore(client, 'stall', 1 << 20, () => closeClient(client)), createLogger('silent'));
}

/** Runs `call` with Redis stopped, and continues Redis whatever happens. */
async function stalled<T>(t: Test, call: () => Promise<T>): Promise<T> {
  t.teardown(() => redis.resume());
  redis.pause();
  try {
    return await call();
  } finally {
    redis.resume();
  }
}

t.test('a response whose store was given up on (store: false) is not found once Redis resumes', async (t) => {
  const responses = await service(t);
  const id = `resp_${'ab'.repeat(16)}`;
  t.equal(await stalled(t, () => responses.keep(id, record('key-a'), DAY)), false, 'answered as not stored');
  // find() follows the late SET on the same connection: Redis has run it by then.
  t.equal(await responses.find(id, 'key-a'), null);
});

t.test('a response stored before the stall is not touched by another one given up on', async (t) => {
  const responses = await service(t);
  const kept = `resp_${'cd'.repeat(16)}`;
  t.equal(await responses.keep(kept, record('key-a'), DAY), true);
  t.equal(await stalled(t, () => responses.keep(`resp_${'ef'.repeat(16)}`, record('key-a'), DAY)), false);
  t.match(await responses.find(kept, 'key-a'), { owner: 'key-a' });
});
