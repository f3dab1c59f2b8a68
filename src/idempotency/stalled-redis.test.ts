// A Redis that stalls (SIGSTOP) past budgets.redis.commandTimeoutMs: the client gives up on a command,
// yet the command stays on the connection and Redis runs it when it resumes. The guard ran that
// request without idempotency, so a claim it gave up on must not hold the key afterwards: a retry
// runs (before, it waited out waitMs and was told 409 idempotency_key_in_use). A finish given up on
// that lands late still keeps its answer for the retry.
import t, { type Test } from 'tap';
import { Registry } from 'prom-client';
import { redisToStall, STALL_COMMAND_TIMEOUT_MS as COMMAND_TIMEOUT_MS } from '../../test/fixtures/stalled-redis.js';
import { createLogger } from '../observability/logger.js';
import { AbortSwitch } from '../proxy/abort-switch.js';
import { IdempotencyGuard, type Begun } from './guard.js';
import { createIdempotencyMetrics } from './metrics.js';
import { RedisIdempotencyStore } from './redis-store.js';

const { server: redis, stalled } = await redisToStall(t);
const SETTINGS = { ttlMs: 86_400_000, waitMs: 0, pendingTtlMs: 60_000 };
const ANSWER = { status: 200, bytes: Buffer.from('stored') };
let prefixes = 0;

/** A router: its own connection to the shared Redis, and its guard. */
async function router(t: Test, routerId: string, keyPrefix: string) {
  const store = new RedisIdempotencyStore({ url: redis.url, keyPrefix, commandTimeoutMs: COMMAND_TIMEOUT_MS });
  t.teardown(() => store.close());
  await store.ready();
  const metrics = createIdempotencyMetrics([new Registry()]);
  const guard = new IdempotencyGuard({ store, metrics, logger: createLogger('silent'), routerId });
  const counts = async (): Promise<Record<string, number>> => Object.fromEntries((await metrics.requests.get()).values.map((v) => [String(v.labels['result']), v.value]));
  return { guard, counts };
}

const input = (requestId: string) => ({ id: 'order-42', fingerprint: 'fp', requestId, abort: new AbortSwitch(), waits: { waitedMs: 0 } });

function ticketOf(begun: Begun) {
  if (begun.kind !== 'run' || begun.ticket === null) throw new Error(`expected a ticket, got ${JSON.stringify(begun)}`);
  return begun.ticket;
}

t.test('a claim given up on during a stall does not hold the key once Redis resumes', async (t) => {
  const prefix = `stall${++prefixes}`;
  const one = await router(t, 'r1', prefix);
  t.strictSame(await stalled(t, () => one.guard.begin(input('a'), SETTINGS)), { kind: 'run', ticket: null }, 'ran without idempotency');
  t.strictSame(await one.counts(), { unavailable: 1 });
  // The retry on the same router: its claim follows, on the same connection, the late claim.
  const retry = await one.guard.begin(input('b'), SETTINGS);
  t.equal(retry.kind, 'run', 'the retry runs; it is not told 409 idempotency_key_in_use');
  t.not(retry.kind === 'run' ? retry.ticket : null, null, 'with a claim of its own');
  t.strictSame(await one.counts(), { unavailable: 1, new: 1 });
});

t.test('the retry on another router runs too (waiting at most waitMs for the late claim to go)', async (t) => {
  const prefix = `stall${++prefixes}`;
  const one = await router(t, 'r1', prefix);
  const three = await router(t, 'r3', prefix);
  t.strictSame(await stalled(t, () => one.guard.begin(input('a'), SETTINGS)), { kind: 'run', ticket: null });
  // Another connection may reach Redis before the first one's late commands: it may wait for them.
  const retry = await three.guard.begin(input('b'), { ...SETTINGS, waitMs: 10_000 });
  t.equal(retry.kind, 'run', 'not a 409 after waitMs');
  t.not(retry.kind === 'run' ? retry.ticket : null, null);
});

t.test('a finish given up on during a stall, landing late, is still replayed', async (t) => {
  const prefix = `stall${++prefixes}`;
  const one = await router(t, 'r1', prefix);
  const three = await router(t, 'r3', prefix);
  const ticket = ticketOf(await one.guard.begin(input('a'), SETTINGS));
  await stalled(t, () => ticket.end(ANSWER));
  const retry = await three.guard.begin(input('b'), { ...SETTINGS, waitMs: 10_000 });
  t.match(retry, { kind: 'replay', answer: ANSWER }, 'what the late finish stored; letting the key go did not undo it');
});
