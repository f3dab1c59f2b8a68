// Retries, fallbacks and spills before commit, and what must not be retried, against scripted fake
// engines. Each test starts its own router so replica state and round-robin order start fresh.
import { createConnection } from 'node:net';
import { freePort } from '../fixtures/free-port.js';
import t, { type Test } from 'tap';
import { chatStreamEvents, startFakeEngine } from '../fixtures/fake-engine.js';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN, adminReplicas, waitFor } from '../fixtures/wait.js';

const engines = await Promise.all([startFakeEngine(), startFakeEngine(), startFakeEngine()]);
const [e0, e1, e2] = engines;
const deadPort = await freePort();
const DEAD = `http://127.0.0.1:${deadPort}`;
t.teardown(() => Promise.all(engines.map((engine) => engine.close())));
t.beforeEach(() => {
  for (const engine of engines) {
    engine.requests.length = 0;
    engine.metrics = '';
    engine.metricsStatus = 200;
    engine.healthStatus = 200;
  }
});

type PoolSpec = { urls: readonly string[]; [key: string]: unknown };

/** Tiers of pools; each pool's replicas are named <pool>-r<index>. Round-robin unless said. */
function config(tiers: Record<string, { pools: Record<string, PoolSpec>; spillTo?: string }>, extra: Record<string, unknown> = {}) {
  const pools: Record<string, unknown> = {};
  for (const tier of Object.values(tiers)) {
    for (const [name, { urls, ...settings }] of Object.entries(tier.pools)) {
      pools[name] = {
        engine: 'vllm',
        servedModel: `served-${name}`,
        balance: 'round-robin',
        firstTokenTimeoutMs: 400,
        idleTimeoutMs: 400,
        healthCheck: { intervalMs: 0 },
        engineMetrics: { intervalMs: 0 },
        ...settings,
        replicas: urls.map((url, index) => ({ name: `${name}-r${index}`, url })),
      };
    }
  }
  return {
    logging: { level: 'info' },
    retry: { backoffBaseMs: 1, backoffMaxMs: 2 },
    models: Object.fromEntries(Object.keys(tiers).map((tier) => [tier, { tiers: [tier] }])),
    tiers: Object.fromEntries(Object.entries(tiers).map(([name, tier]) => [name, { pools: Object.keys(tier.pools), ...(tier.spillTo ? { spillTo: tier.spillTo } : {}) }])),
    pools,
    ...extra,
  };
}

async function router(cfg: unknown, tt: Test): Promise<TestRouter> {
  const test = await startTestRouter(cfg, { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
  tt.teardown(() => test.close());
  return test;
}

async function chat(test: TestRouter, model: string, extra: Record<string, unknown> = {}) {
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra }),
  });
  return { res, text: await res.text() };
}

const unavailable = { kind: 'json', status: 503, body: { error: { message: 'Service Unavailable', type: 'ServiceUnavailableError', code: 503 } } } as const;
const lastAttempts = (test: TestRouter) =>
  test
    .requestLogs()
    .filter((line) => line['endpoint'] !== undefined)
    .at(-1)?.['attempts'] as { replica: string; outcome: string; status: number | null }[];

t.test('a 200 that is not a completion (an engine error object): the replica failed, retried on another, invisibly', async (t) => {
  const test = await router(config({ gpu: { pools: { gpu: { urls: [e0.url, e1.url] } } } }), t);
  e0.reply({ kind: 'json', body: { object: 'error', message: 'boom', type: 'InternalServerError', code: 500 } });
  const { res, text } = await chat(test, 'gpu');
  t.equal(res.status, 200);
  t.match(JSON.parse(text), { choices: [{ message: { content: 'echo: hi' } }] });
  t.match(lastAttempts(test), [
    { replica: 'gpu-r0', status: 200 },
    { replica: 'gpu-r1', outcome: 'ok' },
  ]);
  t.not(lastAttempts(test)[0]?.outcome, 'ok', 'the first attempt is not counted a success');
});

t.test('a 503 then a 200: retried on another replica, invisibly', async (t) => {
  const test = await router(config({ gpu: { pools: { gpu: { urls: [e0.url, e1.url] } } } }), t);
  e0.reply(unavailable);
  const { res, text } = await chat(test, 'gpu');
  t.equal(res.status, 200);
  t.match(JSON.parse(text), { choices: [{ message: { content: 'echo: hi' } }] });
  t.equal(res.headers.get('x-switchyard-replica'), 'gpu-r1');
  t.match(lastAttempts(test), [
    { replica: 'gpu-r0', outcome: 'upstream_error', status: 503 },
    { replica: 'gpu-r1', outcome: 'ok', status: 200 },
  ]);
  t.match(await test.scrape(), /switchyard_retries_total\{pool="gpu"\} 1/);
});

t.test('connection refused: the next replica serves', async (t) => {
  const test = await router(config({ gpu: { pools: { gpu: { urls: [DEAD, e0.url] } } } }), t);
  const { res } = await chat(test, 'gpu');
  t.equal(res.status, 200);
  t.match(lastAttempts(test), [
    { replica: 'gpu-r0', outcome: 'upstream_unreachable' },
    { replica: 'gpu-r1', outcome: 'ok' },
  ]);
});

// A non-streaming answer is silent until its generation ends, so a wait for one is no sign of a hung
// replica: long-generations.test.ts covers it (bounded by responseTimeoutMs, never retried).
t.test('a hanging replica: first-token timeout on a stream, then the next', async (t) => {
  const test = await router(config({ gpu: { pools: { gpu: { urls: [e0.url, e1.url] } } } }), t);
  e0.reply({ kind: 'stall' });
  e1.reply({ kind: 'stream', events: chatStreamEvents(['fine']) });
  const streamed = await chat(test, 'gpu', { stream: true });
  t.equal(streamed.res.status, 200);
  t.match(streamed.text, /"content":"fine"/);
  t.ok(streamed.text.endsWith('data: [DONE]\n\n'));
  t.match(lastAttempts(test), [
    { replica: 'gpu-r0', outcome: 'upstream_timeout' },
    { replica: 'gpu-r1', outcome: 'ok' },
  ]);
});

t.test('a replica that dies before its first token fails over invisibly', async (t) => {
  const test = await router(config({ gpu: { pools: { gpu: { urls: [e0.url, e1.url] } } } }), t);
  e0.reply({ kind: 'stream', events: chatStreamEvents(['lost']), dropAfter: 1 });
  e1.reply({ kind: 'stream', events: chatStreamEvents(['kept']) });
  const { res, text } = await chat(test, 'gpu', { stream: true });
  t.equal(res.status, 200);
  t.notMatch(text, /lost|error/);
  t.match(text, /"content":"kept"/);
  t.equal(res.headers.get('x-switchyard-replica'), 'gpu-r1');
});

t.test("OpenAI's and Azure's opening chunks are no token either: a replica that dies after one fails over invisibly", async (t) => {
  // The shapes of api.openai.com's and Azure OpenAI's first chunk: the role with an empty content and a
  // null refusal. OpenAI's as openai/openai-go streamaccumulator_test.go @0e1a51a9 (mockResponseBody)
  // recorded it, its id shortened; Azure's members come in alphabetical order with content_filter_results
  // beside the delta (as recorded Azure streams in public client tests show it).
  const openings = [
    '{"id":"chatcmpl-o","object":"chat.completion.chunk","created":1725392480,"model":"gpt-4o-2024-05-13","system_fingerprint":"fp_157b3831f5","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":{"content":[],"refusal":null},"finish_reason":null}],"usage":null}',
    '{"choices":[{"content_filter_results":{},"delta":{"content":"","refusal":null,"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"created":1,"id":"chatcmpl-a","model":"gpt-4o","object":"chat.completion.chunk","system_fingerprint":"fp_1"}',
  ];
  for (const opening of openings) {
    const test = await router(config({ gpu: { pools: { gpu: { urls: [e0.url, e1.url] } } } }), t);
    e0.reply({ kind: 'raw', chunks: [`data: ${opening}\n\n`] });
    e1.reply({ kind: 'stream', events: chatStreamEvents(['kept']) });
    const { res, text } = await chat(test, 'gpu', { stream: true });
    t.equal(res.status, 200);
    t.notMatch(text, /error|chatcmpl-[oa]"/, 'nothing of the replica that died reached the client');
    t.match(text, /"content":"kept"/);
    t.equal(res.headers.get('x-switchyard-replica'), 'gpu-r1');
  }
});

t.test('a tier with no replica to ask (all ejected) spills, and says so in the reason and the metric', async (t) => {
  const outlier = { consecutiveFailures: 1, baseEjectionMs: 60_000, maxEjectedPercent: 100 };
  const test = await router(config({ dead: { pools: { dead: { urls: [e0.url], outlier } }, spillTo: 'small' }, small: { pools: { small: { urls: [e1.url] } } } }), t);
  e0.reply(unavailable);
  const first = await chat(test, 'dead');
  t.strictSame([first.res.status, first.res.headers.get('x-switchyard-tier'), first.res.headers.get('x-switchyard-reason')], [200, 'small', 'fallback: dead exhausted']);
  const second = await chat(test, 'dead');
  t.strictSame(
    [second.res.status, second.res.headers.get('x-switchyard-tier'), second.res.headers.get('x-switchyard-reason')],
    [200, 'small', 'spill: dead unavailable'],
    'its one replica is ejected',
  );
  t.match(await test.scrape(), /switchyard_spills_total\{from_tier="dead",to_tier="small",cause="unavailable"\} 1/);
});

t.test('a tier whose replicas fail their health checks leaves the router ready: it spills, and /readyz says so', async (t) => {
  const health = { intervalMs: 500, timeoutMs: 450, unhealthyAfter: 1, healthyAfter: 1 };
  const test = await router(config({ dead: { pools: { dead: { urls: [e0.url], healthCheck: health } }, spillTo: 'small' }, small: { pools: { small: { urls: [e1.url] } } } }), t);
  e0.healthStatus = 503;
  t.teardown(() => {
    e0.healthStatus = 200;
  });
  await waitFor('the dead tier unhealthy', async () => (await adminReplicas(test.url))['dead-r0']?.healthy === false);
  const ready = await fetch(`${test.url}/readyz`);
  t.equal(ready.status, 200);
  t.strictSame(await ready.json(), { status: 'ready', degraded: ['tier dead has no healthy replica; it spills to small'] });
  const { res } = await chat(test, 'dead');
  t.strictSame([res.status, res.headers.get('x-switchyard-reason')], [200, 'spill: dead unavailable']);
});

t.test('all replicas fail: a 502 with every attempt in the log, and no SDK retry', async (t) => {
  const test = await router(config({ gpu: { pools: { gpu: { urls: [e0.url, e1.url, e2.url] } } } }), t);
  for (const engine of engines) engine.reply({ kind: 'text', status: 500, text: 'boom' });
  const { res, text } = await chat(test, 'gpu');
  t.equal(res.status, 502);
  t.equal(res.headers.get('x-should-retry'), 'false');
  t.same(JSON.parse(text), {
    error: { message: 'Replica gpu-r2 failed (HTTP 500).', type: 'server_error', param: null, code: 'upstream_error' },
  });
  t.match(lastAttempts(test), [
    { replica: 'gpu-r0', outcome: 'upstream_error', status: 500 },
    { replica: 'gpu-r1', outcome: 'upstream_error', status: 500 },
    { replica: 'gpu-r2', outcome: 'upstream_error', status: 500 },
  ]);
  // The SDK honours x-should-retry: with its default retries on, the engines still see 3 requests.
  for (const engine of engines) engine.reply({ kind: 'text', status: 500, text: 'boom' });
  const client = test.client.withOptions({ maxRetries: 2 });
  await t.rejects(client.chat.completions.create({ model: 'gpu', messages: [{ role: 'user', content: 'x' }] }), { status: 502, code: 'upstream_error' });
  t.equal(
    engines.reduce((sum, engine) => sum + engine.requests.length, 0),
    6,
  );
});

t.test('a drop after commit: one SSE error event, no retry', async (t) => {
  const test = await router(config({ gpu: { pools: { gpu: { urls: [e0.url, e1.url] } } } }), t);
  e0.reply({ kind: 'stream', events: chatStreamEvents(['a', 'b', 'c']), dropAfter: 3 });
  const { res, text } = await chat(test, 'gpu', { stream: true });
  t.equal(res.status, 200);
  t.match(text, /"code":"stream_interrupted"/);
  t.notMatch(text, /\[DONE\]/);
  t.equal(e1.requests.length, 0, 'nothing is retried after the first byte');
});

t.test('a stream that goes silent after commit: idle timeout, one error event, no retry', async (t) => {
  const test = await router(config({ gpu: { pools: { gpu: { urls: [e0.url, e1.url] } } } }), t);
  e0.reply({ kind: 'stream', events: chatStreamEvents(['a', 'b', 'never']), stallAfter: 3 });
  const closed = e0.nextEarlyClose();
  const { res, text } = await chat(test, 'gpu', { stream: true });
  t.equal(res.status, 200);
  t.match(text, /"content":"b"/);
  t.notMatch(text, /never|\[DONE\]/);
  const events = text.split('\n\n').filter(Boolean);
  t.same(JSON.parse(events.at(-1)?.slice('data: '.length) ?? ''), {
    error: {
      message: 'The stream from replica gpu-r0 broke off: Replica gpu-r0 went silent within 400 ms.',
      type: 'server_error',
      param: null,
      code: 'stream_interrupted',
    },
  });
  t.equal(e1.requests.length, 0, 'not retried after commit');
  t.equal((await closed).closedEarly, true, 'the stalled upstream request was closed');
});

t.test('an engine 4xx is the request at fault: not retried', async (t) => {
  const test = await router(config({ gpu: { pools: { gpu: { urls: [e0.url, e1.url] } } } }), t);
  e0.reply({ kind: 'json', status: 400, body: { error: { message: 'bad', type: 'BadRequestError', code: 400 } } });
  const { res } = await chat(test, 'gpu');
  t.equal(res.status, 400);
  t.equal(res.headers.get('x-should-retry'), null);
  t.equal(e1.requests.length, 0);
});

t.test("fallback to the tier's second pool", async (t) => {
  const test = await router(config({ large: { pools: { gpu: { urls: [e0.url] }, hosted: { urls: [e1.url] } } } }), t);
  e0.reply({ kind: 'text', status: 502, text: 'bad gateway' });
  const { res } = await chat(test, 'large');
  t.equal(res.status, 200);
  t.equal(res.headers.get('x-switchyard-pool'), 'hosted');
  t.equal(e1.requests[0]?.body?.['model'], 'served-hosted', 'the second pool gets its own servedModel');
  t.match(await test.scrape(), /switchyard_fallbacks_total\{from_pool="gpu",to_pool="hosted"\} 1/);
});

t.test('spill to the next tier when the tier is exhausted', async (t) => {
  const test = await router(config({ large: { pools: { big: { urls: [e0.url] } }, spillTo: 'small' }, small: { pools: { little: { urls: [e1.url] } } } }), t);
  e0.reply({ kind: 'text', status: 500, text: 'x' });
  const { res } = await chat(test, 'large');
  t.equal(res.status, 200);
  t.equal(res.headers.get('x-switchyard-tier'), 'small');
  t.equal(res.headers.get('x-switchyard-reason'), 'fallback: large exhausted');
  t.equal(test.requestLogs().at(-1)?.['tier'], 'small');
  const metrics = await test.scrape();
  t.match(metrics, /switchyard_spills_total\{from_tier="large",to_tier="small",cause="exhausted"\} 1/);
  t.notMatch(metrics, /^switchyard_fallbacks_total\{/m, 'a move to another tier is a spill, not also a fallback between pools');
});

t.test('spill under load: a saturated tier sends requests to spillTo at once', async (t) => {
  const test = await router(config({ large: { pools: { big: { urls: [e0.url], maxInFlight: 1 } }, spillTo: 'small' }, small: { pools: { little: { urls: [e1.url] } } } }), t);
  e0.reply({ kind: 'stream', events: chatStreamEvents(['slow', 'slow', 'slow']), delayMs: 150 });
  const first = chat(test, 'large', { stream: true });
  await waitFor('the first request in flight', async () => (await adminReplicas(test.url))['big-r0']?.inFlight === 1);
  const second = await chat(test, 'large');
  t.equal(second.res.status, 200);
  t.equal(second.res.headers.get('x-switchyard-tier'), 'small');
  t.equal(second.res.headers.get('x-switchyard-reason'), 'spill: large saturated');
  t.equal(e0.requests.length, 1, 'the busy replica was not queued behind');
  t.equal((await first).res.headers.get('x-switchyard-tier'), 'large');
  t.match(await test.scrape(), /switchyard_spills_total\{from_tier="large",to_tier="small",cause="saturated"\} 1/);
});

t.test('panic mode: with every replica unhealthy the pool still serves', async (t) => {
  // A generous probe timeout (it must stay under the interval): the fakes answer at once, and on a
  // loaded CI machine a 20 ms timeout marked the healthy replica down again (panic mode then picked the other).
  const health = { intervalMs: 500, timeoutMs: 450, unhealthyAfter: 1, healthyAfter: 1 };
  const test = await router(config({ gpu: { pools: { gpu: { urls: [e0.url, e1.url], healthCheck: health } } } }), t);
  e0.healthStatus = 503;
  e1.healthStatus = 503;
  await waitFor('both unhealthy', async () => Object.values(await adminReplicas(test.url)).every((r) => !r.healthy));
  const ready = await fetch(`${test.url}/readyz`);
  // Every router sees the same health: a 503 would take them all out of service, panic mode with them.
  t.equal(ready.status, 200, 'still ready: it serves in panic mode');
  t.strictSame(await ready.json(), { status: 'ready', degraded: ['tier gpu has no healthy replica'] });
  const { res } = await chat(test, 'gpu');
  t.equal(res.status, 200);
  t.match(await test.scrape(), /switchyard_panics_total\{pool="gpu"\} 1/);
  t.match(lastAttempts(test), [{ outcome: 'ok', panic: true }], 'the access log says it was a panic pick');
  e0.healthStatus = 200;
  await waitFor('r0 healthy again', async () => (await adminReplicas(test.url))['gpu-r0']?.healthy);
  for (let i = 0; i < 4; i++) t.equal((await chat(test, 'gpu')).res.headers.get('x-switchyard-replica'), 'gpu-r0', 'only the healthy one');
});

t.test('consecutive failures eject a replica; it gets no traffic until it returns', async (t) => {
  const outlier = { consecutiveFailures: 2, baseEjectionMs: 60_000, maxEjectedPercent: 50 };
  const test = await router(config({ gpu: { pools: { gpu: { urls: [e0.url, e1.url], outlier } } } }), t);
  e0.reply({ kind: 'text', status: 502, text: 'x' }, { kind: 'text', status: 502, text: 'x' });
  await chat(test, 'gpu');
  await chat(test, 'gpu'); // r1
  await chat(test, 'gpu');
  const state = await adminReplicas(test.url);
  t.equal(state['gpu-r0']?.ejected, true);
  t.equal(state['gpu-r0']?.standing, 'unavailable');
  e0.requests.length = 0;
  for (let i = 0; i < 4; i++) t.equal((await chat(test, 'gpu')).res.status, 200);
  t.equal(e0.requests.length, 0, 'the ejected replica is skipped');
  t.match(await test.scrape(), /switchyard_ejections_total\{pool="gpu",replica="gpu-r0"\} 1/);
});

t.test('429 with Retry-After: another replica now, and the busy one rests', async (t) => {
  const test = await router(config({ gpu: { pools: { gpu: { urls: [e0.url, e1.url] } } } }), t);
  e0.reply({ kind: 'json', status: 429, body: { error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } }, headers: { 'retry-after': '30' } });
  const { res } = await chat(test, 'gpu');
  t.equal(res.status, 200);
  const state = await adminReplicas(test.url);
  t.not(state['gpu-r0']?.coolingUntil, null);
  t.equal(state['gpu-r0']?.ejected, false, 'load is not failure');
  for (let i = 0; i < 3; i++) await chat(test, 'gpu');
  t.equal(e0.requests.length, 1, 'no requests while it rests');
});

t.test('the retry budget caps retries', async (t) => {
  const test = await router(config({ gpu: { pools: { gpu: { urls: [e0.url, e1.url] } } } }, { retry: { budgetPercent: 0, minRetriesPerSecond: 0 } }), t);
  e0.reply(unavailable);
  const { res } = await chat(test, 'gpu');
  t.equal(res.status, 502);
  t.equal(res.headers.get('x-should-retry'), 'false');
  t.equal(e1.requests.length, 0);
  t.match(await test.scrape(), /switchyard_retry_budget_exhausted_total 1/);
});

t.test('a client that stops reading is no silence of the replica: the stream waits for it and completes, nobody blamed', async (t) => {
  const test = await router(config({ gpu: { pools: { gpu: { urls: [e0.url] } } } }), t);
  // About 12 MB, sent at once: far more than the sockets between the router and a client that reads nothing hold.
  const words = Array.from({ length: 12000 }, (_, i) => ` ${String(i).padStart(4, '0')}${'x'.repeat(1000)}`);
  e0.reply({ kind: 'stream', events: chatStreamEvents(words) });
  const url = new URL(test.url);
  const body = JSON.stringify({ model: 'gpu', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const text = await new Promise<string>((resolve, reject) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port) }, () => {
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      // Not read for three times the pool's idleTimeoutMs (400 ms), then read to the end.
      socket.pause();
      setTimeout(() => socket.resume(), 1200);
    });
    const parts: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => parts.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    socket.on('error', reject);
  });
  t.match(text, /data: \[DONE\]/, 'the whole stream arrived');
  t.notMatch(text, /went silent|broke off/, 'no error event');
  t.match(lastAttempts(test), [{ replica: 'gpu-r0', outcome: 'ok' }]);
  t.match(await adminReplicas(test.url), { 'gpu-r0': { ejected: false, ejections: 0 } }, 'the replica is not charged a failure');
});
