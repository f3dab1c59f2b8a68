// Load-aware picking against the engines' own gauges, scraped from fake engines' /metrics: picks
// follow the gauges, stale gauges count as busy, vLLM's old and new names and TGI's names all work.
import t, { type Test } from 'tap';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN, adminReplicas, waitFor } from '../fixtures/wait.js';

const [a, b] = await Promise.all([startFakeEngine(), startFakeEngine()]);
t.teardown(() => Promise.all([a.close(), b.close()]));
t.beforeEach(() => {
  for (const engine of [a, b]) {
    engine.requests.length = 0;
    engine.metricsStatus = 200;
  }
});

function vllm(waiting: number, running: number, kv: number, kvName = 'vllm:kv_cache_usage_perc'): string {
  const label = '{engine="0",model_name="served"}';
  return [
    '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
    '# TYPE vllm:num_requests_waiting gauge',
    `vllm:num_requests_waiting${label} ${waiting}.0`,
    '# TYPE vllm:num_requests_running gauge',
    `vllm:num_requests_running${label} ${running}.0`,
    `# TYPE ${kvName} gauge`,
    `${kvName}${label} ${kv}`,
    '# TYPE vllm:prompt_tokens_total counter',
    `vllm:prompt_tokens_total${label} 12345.0`,
    '',
  ].join('\n');
}

async function router(tt: Test, engine = 'vllm', metrics: Record<string, number> = {}): Promise<TestRouter> {
  const test = await startTestRouter(
    {
      logging: { level: 'info' },
      models: { gpu: { tiers: ['gpu'] } },
      tiers: { gpu: { pools: ['gpu'] } },
      pools: {
        gpu: {
          engine,
          servedModel: 'served',
          maxEngineQueue: 8,
          healthCheck: { intervalMs: 0 },
          engineMetrics: { intervalMs: 25, timeoutMs: 20, staleAfterMs: 2000, ...metrics },
          replicas: [
            { name: 'a', url: a.url },
            { name: 'b', url: b.url },
          ],
        },
      },
    },
    { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN },
  );
  tt.teardown(() => test.close());
  return test;
}

/** Sends `n` requests one after another and counts which replica served each. */
async function spread(test: TestRouter, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${test.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpu', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.text();
    const replica = res.headers.get('x-switchyard-replica') ?? 'none';
    counts[replica] = (counts[replica] ?? 0) + 1;
  }
  return counts;
}

t.test('picks follow the scraped gauges', async (t) => {
  a.metrics = vllm(3, 30, 0.92);
  b.metrics = vllm(0, 2, 0.1);
  const test = await router(t);
  await waitFor('both scraped', async () => Object.values(await adminReplicas(test.url)).every((r) => r.engineLoad !== null));
  t.same(await spread(test, 30), { b: 30 }, 'the replica with a queue and a full cache gets nothing');
  // The gauges turn around: so do the picks.
  a.metrics = vllm(0, 1, 0.05);
  b.metrics = vllm(6, 40, 0.97);
  await waitFor('new gauges scraped', async () => (await adminReplicas(test.url))['b']?.engineLoad?.waiting === 6);
  t.same(await spread(test, 30), { a: 30 });
});

t.test("a long non-streaming answer is no slow replica: only a stream's first event is latency", async (t) => {
  a.metrics = vllm(0, 0, 0);
  b.metrics = vllm(0, 0, 0);
  const test = await router(t);
  await waitFor('both scraped', async () => Object.values(await adminReplicas(test.url)).every((r) => r.engineLoad !== null));
  // A whole answer that took 300 ms to generate, on whichever replica is asked first.
  const slow = {
    kind: 'json' as const,
    body: {
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: 'served',
      choices: [{ index: 0, message: { role: 'assistant', content: 'long' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 300, total_tokens: 301 },
    },
    delayMs: 300,
  };
  a.reply(slow);
  b.reply(slow);
  await spread(test, 1);
  const replicas = test.router.state.runtime.pools.get('gpu')?.replicas ?? [];
  t.strictSame(
    replicas.map((r) => r.latency.ewmaMs),
    [null, null],
    'no latency learnt from it',
  );
  const counts = await spread(test, 30);
  t.ok((counts['a'] ?? 0) > 0 && (counts['b'] ?? 0) > 0, `both still get requests: ${JSON.stringify(counts)}`);
});

t.test("round-robin: a retry does not move the turn, so a failing replica is every other request's first try, not every one's", async (t) => {
  const test = await startTestRouter({
    logging: { level: 'info' },
    retry: { backoffBaseMs: 1, backoffMaxMs: 2, budgetPercent: 100 },
    models: { gpu: { tiers: ['gpu'] } },
    tiers: { gpu: { pools: ['gpu'] } },
    pools: {
      gpu: {
        engine: 'vllm',
        servedModel: 'served',
        balance: 'round-robin',
        healthCheck: { intervalMs: 0 },
        engineMetrics: { intervalMs: 0 },
        // Never ejected: the turn alone decides who is asked first.
        outlier: { consecutiveFailures: 1000 },
        replicas: [
          { name: 'a', url: a.url },
          { name: 'b', url: b.url },
        ],
      },
    },
  });
  t.teardown(() => test.close());
  a.respond = () => ({ kind: 'json', status: 500, body: { error: { message: 'down', type: 'server_error' } } });
  t.teardown(() => (a.respond = null));
  t.same(await spread(test, 20), { b: 20 }, 'every request answered by b');
  t.equal(a.requests.filter((request) => request.method === 'POST').length, 10, 'a was asked first by half of them');
});

t.test('round-robin: requests falling over from another pool take their turns in it too', async (t) => {
  const down = await startFakeEngine();
  t.teardown(() => down.close());
  down.respond = () => ({ kind: 'json', status: 500, body: { error: { message: 'down', type: 'server_error' } } });
  const quiet = { healthCheck: { intervalMs: 0 }, engineMetrics: { intervalMs: 0 }, outlier: { consecutiveFailures: 1000 } };
  const test = await startTestRouter({
    logging: { level: 'info' },
    retry: { backoffBaseMs: 1, backoffMaxMs: 2, budgetPercent: 100 },
    models: { gpu: { tiers: ['gpu'] } },
    tiers: { gpu: { pools: ['first', 'fallback'] } },
    pools: {
      first: { engine: 'vllm', servedModel: 'served', ...quiet, replicas: [{ name: 'down', url: down.url }] },
      fallback: {
        engine: 'vllm',
        servedModel: 'served',
        balance: 'round-robin',
        ...quiet,
        replicas: [
          { name: 'a', url: a.url },
          { name: 'b', url: b.url },
        ],
      },
    },
  });
  t.teardown(() => test.close());
  t.same(await spread(test, 10), { a: 5, b: 5 });
});

t.test('a queue over maxEngineQueue saturates a replica', async (t) => {
  a.metrics = vllm(9, 30, 0.5);
  b.metrics = vllm(0, 0, 0);
  const test = await router(t);
  await waitFor('scraped', async () => (await adminReplicas(test.url))['a']?.engineLoad?.waiting === 9);
  t.equal((await adminReplicas(test.url))['a']?.standing, 'saturated');
});

t.test('stale metrics are treated as busy, never as idle', async (t) => {
  // a last reported itself idle, then its /metrics broke; b reports a moderate load and stays fresh.
  a.metrics = vllm(0, 0, 0);
  b.metrics = vllm(2, 10, 0.5);
  const test = await router(t, 'vllm', { staleAfterMs: 300 });
  await waitFor('both scraped', async () => Object.values(await adminReplicas(test.url)).every((r) => r.engineLoad !== null));
  a.metricsStatus = 500;
  await waitFor('a stale', async () => (await adminReplicas(test.url))['a']?.engineLoad?.stale);
  const state = await adminReplicas(test.url);
  t.equal(state['a']?.engineLoad?.waiting, 0, 'the last sample is kept for operators to see');
  t.ok((state['a']?.loadScore ?? 0) > (state['b']?.loadScore ?? Infinity), 'but it scores as busy');
  t.same(await spread(test, 20), { b: 20 });
});

t.test("vLLM's older KV-cache gauge name is read when the new one is absent", async (t) => {
  a.metrics = vllm(0, 4, 0.95, 'vllm:gpu_cache_usage_perc');
  b.metrics = vllm(0, 4, 0.05);
  const test = await router(t);
  await waitFor('scraped', async () => Object.values(await adminReplicas(test.url)).every((r) => r.engineLoad !== null));
  const state = await adminReplicas(test.url);
  t.equal(state['a']?.engineLoad?.kvCacheUse, 0.95);
  t.equal(state['b']?.engineLoad?.kvCacheUse, 0.05);
  t.same(await spread(test, 20), { b: 20 });
});

t.test("TGI's queue and batch gauges", async (t) => {
  a.metrics = '# TYPE tgi_queue_size gauge\ntgi_queue_size 4\n# TYPE tgi_batch_current_size gauge\ntgi_batch_current_size 32\n';
  b.metrics = 'tgi_queue_size 0\ntgi_batch_current_size 3\n';
  const test = await router(t, 'tgi');
  await waitFor('scraped', async () => Object.values(await adminReplicas(test.url)).every((r) => r.engineLoad !== null));
  const state = await adminReplicas(test.url);
  t.match(state['a']?.engineLoad, { waiting: 4, running: 32, kvCacheUse: null, stale: false });
  t.match(state['b']?.engineLoad, { waiting: 0, running: 3, kvCacheUse: null });
  t.same(await spread(test, 20), { b: 20 });
});

t.test('/admin/pools needs the admin token', async (t) => {
  const test = await router(t);
  const none = await fetch(`${test.url}/admin/pools`);
  t.equal(none.status, 401);
  t.same(await none.json(), {
    error: {
      message: 'A valid admin token is required (Authorization: Bearer <SWITCHYARD_ADMIN_TOKEN>).',
      type: 'authentication_error',
      param: null,
      code: 'invalid_admin_token',
    },
  });
  const wrong = await fetch(`${test.url}/admin/pools`, { headers: { authorization: 'Bearer nope' } });
  t.equal(wrong.status, 401);
  const body = JSON.stringify(await adminReplicas(test.url));
  t.notMatch(body, /127\.0\.0\.1/, 'no replica URL is shown');

  const open = await startTestRouter(
    { models: { m: { tiers: ['t'] } }, tiers: { t: { pools: ['p'] } }, pools: { p: { engine: 'vllm', servedModel: 's', replicas: [{ url: a.url }] } } },
    { ...process.env, SWITCHYARD_ADMIN_TOKEN: '' },
  );
  t.teardown(() => open.close());
  const disabled = await fetch(`${open.url}/admin/pools`, { headers: { authorization: 'Bearer anything' } });
  t.equal(disabled.status, 403);
  t.same(await disabled.json(), {
    error: {
      message: 'The admin API is disabled: set SWITCHYARD_ADMIN_TOKEN to enable it.',
      type: 'permission_error',
      param: null,
      code: 'admin_disabled',
    },
  });
});
