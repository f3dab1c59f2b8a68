// switchyard_router_overhead_seconds is the router's own time: a request's duration minus what it spent
// waiting on replicas, and minus what it spent waiting on purpose: the backoff before a retry, and an
// identical request's answer (the cache's single flight, an Idempotency-Key's first request). Each wait
// here is 1.5 s, the router's own work a few milliseconds: counted, one wait would take the histogram's
// sum past 1 s.
import t, { type Test } from 'tap';
import { echoCompletion, startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter, type TestRouter } from '../fixtures/start-router.js';

const WAIT_MS = 1500;

async function engine(t: Test) {
  const started = await startFakeEngine();
  t.teardown(() => started.close());
  return started;
}

/** The overhead histogram: how many requests it observed, and whether their overheads sum to under 1 s. */
async function overhead(test: TestRouter): Promise<{ count: number; underOneSecond: boolean }> {
  const text = await test.scrape();
  const count = Number(/^switchyard_router_overhead_seconds_count (\d+)$/m.exec(text)?.[1]);
  const sum = Number(/^switchyard_router_overhead_seconds_sum (\S+)$/m.exec(text)?.[1]);
  return { count, underOneSecond: sum < 1 };
}

/** configFor's pool with its timeouts past the slow answers here. */
function patient(urls: string[], extra: Record<string, unknown> = {}) {
  const base = configFor({ gpu: urls });
  return { ...base, ...extra, pools: { gpu: { ...base.pools.gpu, balance: 'round-robin', firstTokenTimeoutMs: 5000, idleTimeoutMs: 5000, responseTimeoutMs: 5000 } } };
}

const ask = (test: TestRouter, headers: Record<string, string> = {}) =>
  fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpu', temperature: 0, messages: [{ role: 'user', content: 'the same question' }] }),
  });

t.test('a backoff before a retry is not the router overhead', async (t) => {
  const broken = await engine(t);
  const spare = await engine(t);
  broken.reply({ kind: 'json', status: 500, body: { error: { message: 'boom', type: 'server_error' } } });
  const raw = patient([broken.url, spare.url], { retry: { backoffBaseMs: WAIT_MS, backoffMaxMs: WAIT_MS } });
  // The jitter fixed at its top: the backoff is all of WAIT_MS.
  const test = await startTestRouter(raw, process.env, { random: () => 0.999 });
  t.teardown(() => test.close());
  const res = await ask(test);
  t.equal(res.status, 200);
  t.equal(broken.requests.length, 1, 'the first replica failed');
  t.equal(spare.requests.length, 1, 'the retry answered');
  await res.text();
  t.strictSame(await overhead(test), { count: 1, underOneSecond: true });
});

t.test("waiting for an identical request's answer is not the router overhead", async (t) => {
  const slow = await engine(t);
  slow.respond = (request) => (request.method === 'POST' ? { kind: 'json', body: echoCompletion(request.body), delayMs: WAIT_MS } : null);
  const test = await startTestRouter(patient([slow.url], { models: { gpu: { tiers: ['gpu'], cache: {} } } }));
  t.teardown(() => test.close());
  const replies = await Promise.all([ask(test), ask(test)]);
  t.strictSame(
    replies.map((res) => res.headers.get('x-switchyard-cache')),
    ['miss', 'hit'],
  );
  await Promise.all(replies.map((res) => res.text()));
  t.equal(slow.requests.filter((request) => request.method === 'POST').length, 1, 'the second waited for the first');
  t.strictSame(await overhead(test), { count: 2, underOneSecond: true });
});

t.test("waiting for an Idempotency-Key's first request is not the router overhead", async (t) => {
  const slow = await engine(t);
  slow.respond = (request) => (request.method === 'POST' ? { kind: 'json', body: echoCompletion(request.body), delayMs: WAIT_MS } : null);
  const test = await startTestRouter(patient([slow.url]));
  t.teardown(() => test.close());
  const replies = await Promise.all([ask(test, { 'idempotency-key': 'one-question' }), ask(test, { 'idempotency-key': 'one-question' })]);
  t.strictSame(
    replies.map((res) => res.status),
    [200, 200],
  );
  await Promise.all(replies.map((res) => res.text()));
  t.equal(slow.requests.filter((request) => request.method === 'POST').length, 1, 'the second waited for the first');
  t.strictSame(await overhead(test), { count: 2, underOneSecond: true });
});
