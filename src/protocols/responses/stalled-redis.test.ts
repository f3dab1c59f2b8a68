// A Redis that stalls (SIGSTOP) past budgets.redis.commandTimeoutMs: the client gives up on storing a
// response, yet the SET stays on the connection and Redis runs it when it resumes. The client was
// answered `store: false`, so the id it holds must not be found later (nor be continued from).
import t, { type Test } from 'tap';
import { closeClient, createRedisClient, whenReady } from '../../budgets/redis-connection.js';
import { redisToStall, STALL_COMMAND_TIMEOUT_MS as COMMAND_TIMEOUT_MS } from '../../../test/fixtures/stalled-redis.js';
import { createLogger } from '../../observability/logger.js';
import { RedisResponseStore } from './redis-store.js';
import { ResponsesService } from './service.js';

const { server: redis, stalled } = await redisToStall(t);
const DAY = 86_400_000;
const record = (owner: string) => ({ owner, prev: null, response: { id: 'x', object: 'response', output: [] }, input: [] });

async function service(t: Test): Promise<ResponsesService> {
  const client = createRedisClient({ url: redis.url, keyPrefix: 'stall', commandTimeoutMs: COMMAND_TIMEOUT_MS });
  t.teardown(() => closeClient(client));
  await whenReady(client, 5_000);
  return new ResponsesService(new RedisResponseStore(client, 'stall', 1 << 20, () => closeClient(client)), createLogger('silent'));
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
