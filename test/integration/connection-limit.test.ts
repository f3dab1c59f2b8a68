// A replica's connections are the pool's maxConnections, and HTTP/1.1 carries one request at a time
// on each: a request sent to a replica whose connections are all busy would wait inside the HTTP
// client, out of reach of the router's timers and of the client's leaving. So a full replica is not
// picked at all, and the router's own checks of it do not queue behind its traffic.
import t, { type Test } from 'tap';
import { chatStreamEvents, startFakeEngine, type FakeEngine } from '../fixtures/fake-engine.js';
import { onePoolConfig } from '../fixtures/one-pool-config.js';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN, adminReplicas, waitFor } from '../fixtures/wait.js';

async function engine(t: Test): Promise<FakeEngine> {
  const started = await startFakeEngine();
  t.teardown(() => started.close());
  return started;
}

async function router(t: Test, config: unknown): Promise<TestRouter> {
  const test = await startTestRouter(config, { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
  t.teardown(() => test.close());
  return test;
}

/** Streams the replica accepts and never answers, each holding one connection until the test ends. */
async function holdConnections(t: Test, test: TestRouter, upstream: FakeEngine, count: number): Promise<void> {
  const controller = new AbortController();
  t.teardown(() => controller.abort());
  for (let i = 0; i < count; i++) {
    upstream.reply({ kind: 'stall' });
    void fetch(`${test.url}/v1/chat/completions`, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpu', stream: true, messages: [{ role: 'user', content: `hold ${i}` }] }),
    }).catch(() => {});
  }
  await waitFor('the held requests to reach the replica', async () => upstream.requests.length === count);
}

const chat = (test: TestRouter, model: string) =>
  fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'one more' }] }),
  });

t.test('a request for a replica with no free connection is refused at once, not queued out of reach', async (t) => {
  const upstream = await engine(t);
  // Were the third request queued, it would go out once the held streams time out, and succeed.
  const test = await router(t, onePoolConfig([upstream.url], { pool: { maxConnections: 2, firstTokenTimeoutMs: 3000 } }));
  await holdConnections(t, test, upstream, 2);
  const res = await chat(test, 'gpu');
  t.equal(res.status, 503);
  t.equal(res.headers.get('retry-after'), '1');
  const body = (await res.json()) as { error: { code: string; message: string } };
  t.equal(body.error.code, 'upstream_overloaded');
  t.match(body.error.message, /maxConnections/);
  t.equal(upstream.requests.length, 2, 'the replica never saw the third request');
  const [replica] = Object.values(await adminReplicas(test.url));
  t.equal(replica?.standing, 'full');
  t.equal(replica?.inFlight, 2, 'the refused request holds nothing');
});

t.test('a tier whose replicas are all full spills to the next tier', async (t) => {
  const busy = await engine(t);
  const spare = await engine(t);
  const config = onePoolConfig([busy.url], { pool: { maxConnections: 1, firstTokenTimeoutMs: 3000 } });
  const test = await router(t, {
    ...config,
    models: { gpu: { tiers: ['gpu', 'spare'] } },
    tiers: { gpu: { pools: ['gpu'], spillTo: 'spare' }, spare: { pools: ['spare'] } },
    pools: { ...config.pools, spare: { ...config.pools.gpu, replicas: [{ name: 'spare-r0', url: spare.url }] } },
  });
  await holdConnections(t, test, busy, 1);
  const res = await chat(test, 'gpu');
  t.equal(res.status, 200);
  t.equal(res.headers.get('x-switchyard-reason'), 'spill: gpu saturated');
  t.equal(res.headers.get('x-switchyard-replica'), 'spare-r0');
  t.match(await res.text(), /"content":" more"/);
  t.equal(busy.requests.length, 1);
});

t.test('a failure where the rest of the pool is full is a 503 to come back to, not a final 502', async (t) => {
  const busy = await engine(t);
  const broken = await engine(t);
  const test = await router(t, onePoolConfig([busy.url, broken.url], { pool: { maxConnections: 1, firstTokenTimeoutMs: 3000 } }));
  await holdConnections(t, test, busy, 1);
  broken.reply({ kind: 'json', status: 500, body: { error: { message: 'boom', type: 'server_error' } } });
  const res = await chat(test, 'gpu');
  t.equal(res.status, 503);
  t.equal(res.headers.get('retry-after'), '1');
  t.equal(res.headers.get('x-should-retry'), null, 'the client may retry: a connection frees up soon');
  const body = (await res.json()) as { error: { code: string } };
  t.equal(body.error.code, 'upstream_overloaded');
  t.equal(broken.requests.length, 1, 'the free replica was tried');
});

t.test('health checks use a connection of their own: a replica busy on every connection stays healthy', async (t) => {
  const upstream = await engine(t);
  const test = await router(
    t,
    onePoolConfig([upstream.url], {
      pool: { maxConnections: 2, firstTokenTimeoutMs: 30_000, healthCheck: { intervalMs: 100, timeoutMs: 80, unhealthyAfter: 1 } },
    }),
  );
  await holdConnections(t, test, upstream, 2);
  const before = upstream.healthChecks;
  await waitFor('three health checks answered while the streams hold every connection', async () => upstream.healthChecks >= before + 3);
  const [replica] = Object.values(await adminReplicas(test.url));
  t.equal(replica?.healthy, true);
  t.equal(replica?.inFlight, 2);
});

t.test('an engine error event before the first token, the response left open: the connection is let go', async (t) => {
  const upstream = await engine(t);
  const test = await router(t, onePoolConfig([upstream.url], { pool: { maxConnections: 1, firstTokenTimeoutMs: 2000 } }));
  // vLLM's error event shape; the engine then sends nothing more and never ends the response.
  upstream.reply({ kind: 'stream', events: ['{"error":{"message":"boom","type":"InternalServerError","param":null,"code":500}}', 'never sent'], stallAfter: 1 });
  const failed = await chat(test, 'gpu');
  t.equal(failed.status, 502);
  await failed.text();
  await waitFor('the router to hang up on the engine', async () => upstream.requests[0]?.closedEarly === true);
  const next = await chat(test, 'gpu');
  t.equal(next.status, 200, 'the next request gets the one connection');
  t.match(await next.text(), /"content":" more"/);
});

t.test('a saturated tier whose spill tier has no free connection serves the request itself', async (t) => {
  const big = await engine(t);
  const spare = await engine(t);
  const config = onePoolConfig([big.url], { pool: { maxInFlight: 1, maxConnections: 4, firstTokenTimeoutMs: 3000 } });
  const test = await router(t, {
    ...config,
    models: { gpu: { tiers: ['gpu', 'spare'] }, spare: { tiers: ['spare'] } },
    tiers: { gpu: { pools: ['gpu'], spillTo: 'spare' }, spare: { pools: ['spare'] } },
    pools: { ...config.pools, spare: { ...config.pools.gpu, maxConnections: 1, replicas: [{ name: 'spare-r0', url: spare.url }] } },
  });
  // The big tier is saturated (one in flight, maxInFlight 1) with connections to spare; the spare tier is full.
  await holdConnections(t, test, big, 1);
  spare.reply({ kind: 'stall' });
  const controller = new AbortController();
  t.teardown(() => controller.abort());
  void fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    signal: controller.signal,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'spare', stream: true, messages: [{ role: 'user', content: 'hold the spare' }] }),
  }).catch(() => {});
  await waitFor('the spare replica busy', async () => spare.requests.length === 1);
  const res = await chat(test, 'gpu');
  t.equal(res.status, 200, 'served by the saturated tier rather than refused');
  t.equal(res.headers.get('x-switchyard-replica'), 'gpu-r0');
  await res.text();
  t.equal(spare.requests.length, 1);
});

t.test('an engine that sends [DONE] and keeps its response open holds the connection a moment, not idleTimeoutMs', async (t) => {
  const upstream = await engine(t);
  const test = await router(t, onePoolConfig([upstream.url], { pool: { maxConnections: 1, idleTimeoutMs: 30_000 } }));
  const events = chatStreamEvents(['all', ' there']).map((event) => `data: ${event}\n\n`);
  upstream.reply({ kind: 'raw', chunks: [...events, 'data: [DONE]\n\n'], end: false });
  const first = await chat(test, 'gpu');
  t.match(await first.text(), /data: \[DONE\]\n\n$/, 'the client has its whole answer at once');
  await waitFor('the router to stop draining and hang up', async () => upstream.requests[0]?.closedEarly === true, 3000);
  t.equal((await chat(test, 'gpu')).status, 200, 'the connection is free again');
});

t.test('a stream that sends more than 1 MiB before its first token is a failure tried elsewhere, not held in memory', async (t) => {
  const [flood, fine] = [await engine(t), await engine(t)];
  const test = await router(t, onePoolConfig([flood.url, fine.url]));
  // 1.5 MiB of keep-alive comments (TGI's `:` lines), then nothing.
  const comments = Array.from({ length: 24 }, () => `:${' '.repeat(64 * 1024)}\n\n`);
  flood.reply({ kind: 'raw', chunks: comments, end: false });
  const res = await chat(test, 'gpu');
  t.equal(res.status, 200, 'answered by the other replica');
  t.equal(res.headers.get('x-switchyard-replica'), 'gpu-r1');
  await res.text();
  t.match(test.requestLogs().at(-1)?.['attempts'], [
    { replica: 'gpu-r0', outcome: 'upstream_error' },
    { replica: 'gpu-r1', outcome: 'ok' },
  ]);
  await waitFor('the flood cut', async () => flood.requests[0]?.closedEarly === true);
});

t.test("a first content event over 1 MiB (a tool call's whole arguments in one delta) is the answer, not a flood", async (t) => {
  const [big, fine] = [await engine(t), await engine(t)];
  const test = await router(t, onePoolConfig([big.url, fine.url]));
  const events = chatStreamEvents(['x'.repeat(2 * 1024 * 1024)]).map((event) => `data: ${event}\n\n`);
  big.reply({ kind: 'raw', chunks: [...(events.join('').match(/[\s\S]{1,65536}/g) ?? []), 'data: [DONE]\n\n'] });
  const answered = await chat(test, 'gpu');
  t.equal(answered.headers.get('x-switchyard-replica'), 'gpu-r0', 'answered by the replica that sent it');
  t.ok((await answered.text()).includes('x'.repeat(2 * 1024 * 1024)), 'whole');
});

t.test('one event is bounded at 16 MiB, before the first token and after it', async (t) => {
  const [flood, fine] = [await engine(t), await engine(t)];
  const test = await router(t, onePoolConfig([flood.url, fine.url]));
  // 17 MiB of one data line with no blank line after it, then nothing.
  const endless = ['data: {"x":"', ...Array.from({ length: 17 * 16 }, () => 'a'.repeat(64 * 1024))];
  flood.reply({ kind: 'raw', chunks: endless, end: false });
  const res = await chat(test, 'gpu');
  t.equal(res.status, 200, 'before the first token: answered by the other replica');
  t.equal(res.headers.get('x-switchyard-replica'), 'gpu-r1');
  await res.text();
  t.match(test.requestLogs().at(-1)?.['attempts'], [
    { replica: 'gpu-r0', outcome: 'upstream_error' },
    { replica: 'gpu-r1', outcome: 'ok' },
  ]);
  // Round-robin's turn is gpu-r1's (the retry above did not move it): one request for it, then gpu-r0's.
  t.equal((await chat(test, 'gpu')).headers.get('x-switchyard-replica'), 'gpu-r1');
  // After it: a content chunk, then 17 MiB of one event.
  const first = chatStreamEvents(['first'])
    .slice(0, 2)
    .map((event) => `data: ${event}\n\n`);
  flood.reply({ kind: 'raw', chunks: [...first, 'data: {"x":"', ...Array.from({ length: 17 * 16 }, () => 'a'.repeat(64 * 1024))], end: false });
  const cut = await chat(test, 'gpu');
  t.equal(cut.status, 200);
  t.equal(cut.headers.get('x-switchyard-replica'), 'gpu-r0');
  const text = await cut.text();
  t.notMatch(text, /\[DONE\]/);
  t.match(text, /"code":"stream_interrupted"/, 'one error event ends the stream');
  t.match(text, /16 MiB/);
});
