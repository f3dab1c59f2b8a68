// The guard's begin → run → end, on the memory store with the clock passed in: a new key runs, a
// finished one replays, a running one is waited for (then replayed, or run when the first let go),
// and past waitMs is a 409; another body is a 422; a store that throws runs the request without a
// ticket; a client that leaves stops waiting.
import t from 'tap';
import { Registry } from 'prom-client';
import { createLogger } from '../observability/logger.js';
import { RouterError } from '../openai/errors.js';
import { AbortSwitch } from '../proxy/abort-switch.js';
import { ClientGone } from '../proxy/request-lifetime.js';
import { IdempotencyGuard, describeMs, type Begun } from './guard.js';
import { MemoryIdempotencyStore } from './memory-store.js';
import { createIdempotencyMetrics } from './metrics.js';
import type { IdempotencyStore } from './store.js';

const SETTINGS = { ttlMs: 86_400_000, waitMs: 60_000, pendingTtlMs: 70_000 };
const ANSWER = { status: 200, bytes: Buffer.from('stored') };
const logger = createLogger('silent');

function guard(store: IdempotencyStore = new MemoryIdempotencyStore(1 << 20)) {
  const registry = new Registry();
  const metrics = createIdempotencyMetrics([registry]);
  const g = new IdempotencyGuard({ store, metrics, logger, routerId: 'r1', random: () => 0 });
  const counts = async (): Promise<Record<string, number>> => Object.fromEntries((await metrics.requests.get()).values.map((v) => [String(v.labels['result']), v.value]));
  return { g, store, counts, metrics };
}

const input = (requestId: string, fingerprint = 'fp', abort = new AbortSwitch()) => ({ id: 'key-1', fingerprint, requestId, abort, waits: { waitedMs: 0 } });

function ticketOf(begun: Begun) {
  if (begun.kind !== 'run' || begun.ticket === null) throw new Error(`expected a ticket, got ${begun.kind}`);
  return begun.ticket;
}

t.test('new, then replay of what it stored', async (t) => {
  const { g, counts } = guard();
  const ticket = ticketOf(await g.begin(input('a'), SETTINGS));
  await ticket.end(ANSWER);
  await ticket.end(null); // a second end changes nothing
  const again = await g.begin(input('b'), SETTINGS);
  t.match(again, { kind: 'replay', answer: ANSWER, result: 'replay' });
  t.strictSame(await counts(), { new: 1, replay: 1 });
});

t.test('a duplicate waits for the first, and is replayed its answer', async (t) => {
  const { g, counts } = guard();
  const ticket = ticketOf(await g.begin(input('a'), SETTINGS));
  // begin claims before its first await: the duplicate has seen the record pending by now.
  const waiting = g.begin(input('b'), SETTINGS);
  await ticket.end(ANSWER);
  t.match(await waiting, { kind: 'replay', answer: ANSWER, result: 'waited' });
  t.strictSame(await counts(), { new: 1, waited: 1 });
});

t.test('a duplicate whose first lets go runs itself', async (t) => {
  const { g } = guard();
  const ticket = ticketOf(await g.begin(input('a'), SETTINGS));
  const waiting = g.begin(input('b'), SETTINGS);
  await ticket.end(null);
  const begun = await waiting;
  t.equal(begun.kind, 'run');
  t.not(begun.kind === 'run' ? begun.ticket : null, null, 'with a ticket of its own');
});

t.test('past waitMs: 409 idempotency_key_in_use with Retry-After', async (t) => {
  const { g, counts } = guard();
  await g.begin(input('a'), SETTINGS);
  const error = await g.begin(input('b'), { ...SETTINGS, waitMs: 0 }).catch((e: unknown) => e);
  t.ok(error instanceof RouterError);
  t.match(error, { status: 409, code: 'idempotency_key_in_use', headers: { 'retry-after': '1', 'retry-after-ms': '1000' } });
  t.strictSame(await counts(), { new: 1, in_use: 1 });
});

t.test('another body: 422 idempotency_key_reused, naming the TTL', async (t) => {
  const { g } = guard();
  await g.begin(input('a'), SETTINGS);
  const error = await g.begin(input('b', 'other'), { ...SETTINGS, ttlMs: 3_600_000 }).catch((e: unknown) => e);
  t.match(error, {
    status: 422,
    code: 'idempotency_key_reused',
    message: 'This Idempotency-Key was used with a different request (model, body or protocol headers) in the last 1 hour; send a new key for a new request.',
  });
  t.equal(describeMs(86_400_000), '24 hours');
  t.equal(describeMs(90_000), '90 seconds');
  t.equal(describeMs(1_500), '1500 ms');
});

t.test("this request's deadline while it waits: the 409, not a timeout", async (t) => {
  const { g } = guard();
  await g.begin(input('a'), SETTINGS);
  const abort = new AbortSwitch();
  const waiting = g.begin(input('b', 'fp', abort), SETTINGS).catch((e: unknown) => e);
  abort.abort(new RouterError('generation_timeout', 'The request did not finish within 600000 ms.'));
  t.match(await waiting, { status: 409, code: 'idempotency_key_in_use' });
});

t.test('a client that leaves while waiting stops waiting', async (t) => {
  const { g } = guard();
  await g.begin(input('a'), SETTINGS);
  const abort = new AbortSwitch();
  const waiting = g.begin(input('b', 'fp', abort), SETTINGS).catch((e: unknown) => e);
  abort.abort(new ClientGone());
  t.ok((await waiting) instanceof ClientGone);
});

t.test('a store that fails: run without idempotency, counted; a failed end is swallowed', async (t) => {
  const broken: IdempotencyStore = {
    shared: false,
    claim: () => Promise.reject(new Error('connection refused')),
    finish: () => Promise.reject(new Error('connection refused')),
    abandon: () => Promise.reject(new Error('connection refused')),
    renew: () => Promise.reject(new Error('connection refused')),
    close: () => Promise.resolve(),
  };
  const { g, counts, metrics } = guard(broken);
  t.strictSame(await g.begin(input('a'), SETTINGS), { kind: 'run', ticket: null });
  t.strictSame(await counts(), { unavailable: 1 });

  // A store that fails after the claim: the request's end must not throw.
  const memory = new MemoryIdempotencyStore(1 << 20);
  const flaky: IdempotencyStore = { ...broken, claim: (...args) => memory.claim(...args) };
  const second = guard(flaky);
  const ticket = ticketOf(await second.g.begin(input('a'), SETTINGS));
  await t.resolves(ticket.end(ANSWER));
  t.strictSame(
    (await second.metrics.storeErrors.get()).values.map((v) => [v.labels['operation'], v.value]),
    [['finish', 1]],
  );
  t.strictSame(
    (await metrics.storeErrors.get()).values.map((v) => [v.labels['operation'], v.value]),
    [['claim', 1]],
  );
});

t.test('a claim given up on is let go by its owner: the late write does not hold the key', async (t) => {
  const memory = new MemoryIdempotencyStore(1 << 20);
  // A claim that times out on the client after the store ran it (a Redis that stalled, then resumed).
  const late: IdempotencyStore = {
    shared: false,
    claim: async (...args) => {
      await memory.claim(...args);
      throw new Error('Command timed out');
    },
    finish: (...args) => memory.finish(...args),
    abandon: (...args) => memory.abandon(...args),
    renew: (...args) => memory.renew(...args),
    close: () => Promise.resolve(),
  };
  const { g } = guard(late);
  t.strictSame(await g.begin(input('a'), SETTINGS), { kind: 'run', ticket: null });
  await new Promise((resolve) => setImmediate(resolve));
  const retry = await guard(memory).g.begin(input('b'), { ...SETTINGS, waitMs: 0 });
  t.equal(retry.kind, 'run', 'the retry runs, not a 409');
});

t.test('a finish that failed lets the claim go, so a retry runs at once', async (t) => {
  const memory = new MemoryIdempotencyStore(1 << 20);
  const flaky: IdempotencyStore = {
    shared: false,
    claim: (...args) => memory.claim(...args),
    finish: () => Promise.reject(new Error('connection refused')),
    abandon: (...args) => memory.abandon(...args),
    renew: (...args) => memory.renew(...args),
    close: () => Promise.resolve(),
  };
  const ticket = ticketOf(await guard(flaky).g.begin(input('a'), SETTINGS));
  await ticket.end(ANSWER);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal((await guard(memory).g.begin(input('b'), { ...SETTINGS, waitMs: 0 })).kind, 'run');
});

t.test('two requests that share an x-request-id are two owners', async (t) => {
  let now = 1_000_000;
  const store = new MemoryIdempotencyStore(1 << 20);
  const g = new IdempotencyGuard({ store, metrics: createIdempotencyMetrics([new Registry()]), logger, routerId: 'r1', random: () => 0, now: () => now });
  const first = ticketOf(await g.begin(input('same'), SETTINGS));
  now += SETTINGS.pendingTtlMs; // the first's claim expired; it still runs
  const second = ticketOf(await g.begin(input('same'), SETTINGS));
  await first.end(ANSWER);
  await t.rejects(g.begin(input('other'), { ...SETTINGS, waitMs: 0 }), { code: 'idempotency_key_in_use' }, "the first did not finish the second's claim");
  await second.end(ANSWER);
  t.match(await g.begin(input('other'), SETTINGS), { kind: 'replay', answer: ANSWER });
});

t.test("a running request's claim is a lease its router renews: if the router dies, a retry elsewhere runs after the lease, not the deadline", async (t) => {
  const memory = new MemoryIdempotencyStore(1 << 20);
  // The first router's renewals stop reaching the store when it "dies".
  let alive = true;
  const first: IdempotencyStore = {
    shared: true,
    claim: (...a) => memory.claim(...a),
    finish: (...a) => memory.finish(...a),
    abandon: (...a) => memory.abandon(...a),
    close: () => Promise.resolve(),
    renew: (...a) => (alive ? memory.renew(...a) : Promise.resolve(false)),
  };
  const metrics = createIdempotencyMetrics([new Registry()]);
  const leased = (store: IdempotencyStore) => new IdempotencyGuard({ store, metrics, logger, routerId: 'r', random: () => 0, leaseMs: 300 });
  const ticket = ticketOf(await leased(first).begin(input('a'), SETTINGS));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const meanwhile = await leased({ ...first, renew: () => Promise.resolve(false) })
    .begin(input('b'), { ...SETTINGS, waitMs: 0 })
    .catch((e: unknown) => e);
  t.match(meanwhile, { kind: 'idempotency_key_in_use' }, 'renewed past three leases: still held');
  alive = false;
  await new Promise((resolve) => setTimeout(resolve, 700));
  t.equal((await leased(first).begin(input('c'), { ...SETTINGS, waitMs: 0 })).kind, 'run', 'lapsed once renewals stopped, long before the deadline');
  await ticket.end(null);
});

t.test("a store in one router's memory gets no lease: the claim lives to the deadline, nothing renews it", async (t) => {
  const memory = new MemoryIdempotencyStore(1 << 20);
  const now = 1_000_000;
  const g = new IdempotencyGuard({ store: memory, metrics: createIdempotencyMetrics([new Registry()]), logger, routerId: 'r', random: () => 0, now: () => now, leaseMs: 300 });
  const ticket = ticketOf(await g.begin(input('a'), SETTINGS));
  t.strictSame(await memory.claim('key-1', 'fp', 'other', now + 1, 1), { kind: 'pending', expiresAt: now + SETTINGS.pendingTtlMs });
  await ticket.end(null);
});
