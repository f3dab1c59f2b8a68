// A Redis that stalls (SIGSTOP) past budgets.redis.commandTimeoutMs: the client gives up on a command,
// yet the command stays on the connection and Redis runs it when it resumes. A request whose lookup
// (the get-or-lock script) was given up on runs without the cache, so the lock that script takes late
// must not hold identical requests back afterwards: the next one leads at once (before, it waited
// lockWaitMs for a lock nobody held).
import t from 'tap';
import { createRedisClient, closeClient, whenReady } from '../budgets/redis-connection.js';
import { redisToStall, STALL_COMMAND_TIMEOUT_MS as COMMAND_TIMEOUT_MS } from '../../test/fixtures/stalled-redis.js';
import { AbortSwitch } from '../proxy/abort-switch.js';
import { RedisCacheStore } from './redis-store.js';
import { SingleFlight } from './single-flight.js';

const { server: redis, stalled } = await redisToStall(t);
const HASH = 'b'.repeat(64);

t.test('a lookup given up on during a stall leaves no lock once Redis resumes', async (t) => {
  const client = createRedisClient({ url: redis.url, commandTimeoutMs: COMMAND_TIMEOUT_MS });
  await whenReady(client, 5_000);
  t.teardown(() => closeClient(client));
  const store = new RedisCacheStore(client, 'stall', () => closeClient(client));
  // waitMs: how long a follower would wait for a lock held (by the late script) with nobody behind it.
  const request = { store, hash: HASH, lockTtlMs: 60_000, waitMs: 2_000 };
  const given = await stalled(t, () =>
    new SingleFlight().join({ ...request, owner: 'r1:a', abort: new AbortSwitch() }).then(
      () => null,
      (thrown: unknown) => thrown,
    ),
  );
  t.ok(given instanceof Error, 'the lookup timed out: that request runs without the cache');
  // The next identical request, on this connection (after the late script): it leads, it does not wait.
  const next = await new SingleFlight().join({ ...request, owner: 'r1:b', abort: new AbortSwitch() });
  t.match(next, { kind: 'lead', waited: false });
  if (next.kind === 'lead') await next.release();
});
