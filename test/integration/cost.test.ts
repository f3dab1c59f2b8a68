// Cost in dollars through a real router and the official openai SDK: the x-switchyard-cost-usd header,
// usage.cost in a stream's usage chunk, the access line, the cost metrics, dollar budgets refused as
// insufficient_quota naming USD, and the spend the admin API shows.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { APIError } from 'openai';
import { echoCompletion, startFakeEngine } from '../fixtures/fake-engine.js';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN, waitFor } from '../fixtures/wait.js';

const [priced, free] = await Promise.all([startFakeEngine(), startFakeEngine()]);
t.teardown(() => Promise.all([priced.close(), free.close()]));
t.beforeEach(() => {
  for (const engine of [priced, free]) {
    engine.requests.length = 0;
    engine.respond = null;
  }
});

const SECRET = 'sy-test-secret-for-cost';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// gpt-4o-like prices: $2.50 in, $10 out, $1.25 for cached prompt tokens (per million).
const PRICE = { inputUsdPerMillion: 2.5, outputUsdPerMillion: 10, cachedInputUsdPerMillion: 1.25 };
// An OpenAI usage object whose cached tokens are a part of the prompt: (86 × 2.5 + 1920 × 1.25 + 300 × 10) / 1e6 = $0.005615.
const USAGE = { prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306, prompt_tokens_details: { cached_tokens: 1920 } };

function config(limits: Record<string, unknown> | null = null, budgets: Record<string, unknown> = {}) {
  const pool = (name: string, url: string, price: Record<string, unknown> | null) => ({
    engine: 'vllm',
    servedModel: `served-${name}`,
    healthCheck: { intervalMs: 0 },
    engineMetrics: { intervalMs: 0 },
    ...(price === null ? {} : { price }),
    replicas: [{ name: `${name}-r0`, url }],
  });
  return {
    logging: { level: 'info' },
    ...(limits === null ? {} : { auth: { required: true, keys: [{ id: 'team', hash: sha256(SECRET), prefix: SECRET.slice(0, 8), limits }] } }),
    budgets,
    models: { paid: { tiers: ['paid'] }, free: { tiers: ['free'] } },
    tiers: { paid: { pools: ['gpu'] }, free: { pools: ['local'] } },
    pools: { gpu: pool('gpu', priced.url, PRICE), local: pool('local', free.url, null) },
  };
}

async function router(tt: Test, cfg: unknown): Promise<TestRouter> {
  const test = await startTestRouter(cfg, { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
  tt.teardown(() => test.close());
  return test;
}

/** A streamed chat answer with `usage` in its last chunk (choices: [], OpenAI's include_usage shape). */
function streamWithUsage(usage: object): string[] {
  const chunk = (choices: object[], extra: object = {}) =>
    JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1700000000, model: 'm', choices, ...extra });
  return [
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
    chunk([{ index: 0, delta: { content: 'Hello' }, finish_reason: null }]),
    chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
    chunk([], { usage }),
  ];
}

function metricValue(text: string, name: string, labels: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? null : Number(line.slice(line.lastIndexOf(' ') + 1));
}

t.test('a non-streaming answer says its cost in x-switchyard-cost-usd; the access line and metrics count it', async (t) => {
  const test = await router(t, config());
  priced.respond = (request) => ({ kind: 'json', body: { ...echoCompletion(request.body), usage: USAGE } });
  const { data, response } = await test.client.chat.completions.create({ model: 'paid', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
  t.equal(response.headers.get('x-switchyard-cost-usd'), '0.005615');
  t.strictSame(data.usage, USAGE, 'the usage object reaches the client as the engine wrote it');
  const line = test.requestLogs().at(-1);
  t.match(line, { model: 'paid', tier: 'paid', pool: 'gpu', promptTokens: 2006, completionTokens: 300, cachedTokens: 1920, costUsd: 0.005615 });
  const metrics = await test.scrape();
  t.equal(metricValue(metrics, 'switchyard_cost_usd_total', 'model="paid",tier="paid",pool="gpu"'), 0.005615);

  // A pool without a price: no cost is claimed (not a cost of 0).
  const other = await test.client.chat.completions.create({ model: 'free', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
  t.equal(other.response.headers.get('x-switchyard-cost-usd'), null);
  t.notOk('costUsd' in (test.requestLogs().at(-1) ?? {}));
});

t.test('a stream with include_usage carries usage.cost (USD) in its usage chunk; without it, no usage chunk', async (t) => {
  const test = await router(t, config());
  priced.respond = () => ({ kind: 'stream', events: streamWithUsage(USAGE) });
  const stream = await test.client.chat.completions.create({ model: 'paid', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  const last = chunks.at(-1);
  t.strictSame(last?.choices, []);
  t.strictSame(last?.usage, { ...USAGE, cost: 0.005615 }, "OpenRouter's name for the answer's cost, beside the engine's own fields");
  t.ok(
    chunks.slice(0, -1).every((chunk) => chunk.usage === undefined || chunk.usage === null),
    'only the usage chunk carries usage',
  );

  const plain = await test.client.chat.completions.create({ model: 'paid', messages: [{ role: 'user', content: 'hi' }], stream: true });
  const seen = [];
  for await (const chunk of plain) seen.push(chunk);
  t.notOk(
    seen.some((chunk) => chunk.usage !== undefined && chunk.usage !== null),
    'the client did not ask for usage: none is sent',
  );
  t.match(test.requestLogs().at(-1), { stream: true, costUsd: 0.005615, cachedTokens: 1920 });
  t.equal(metricValue(await test.scrape(), 'switchyard_cost_usd_total', 'model="paid",tier="paid",pool="gpu"'), 0.01123);
});

t.test('an idempotent replay is the same response: its usage chunk says the cost, as the first one did; the retry is charged nothing', async (t) => {
  const test = await router(t, config());
  priced.respond = () => ({ kind: 'stream', events: streamWithUsage(USAGE) });
  const ask = { model: 'paid', messages: [{ role: 'user' as const, content: 'hi' }], stream: true as const, stream_options: { include_usage: true } };
  const usageOf = async () => {
    const { data, response } = await test.client.chat.completions.create(ask, { headers: { 'idempotency-key': 'same-retry' } }).withResponse();
    let usage: unknown = null;
    for await (const chunk of data) if (chunk.usage) usage = chunk.usage;
    return { usage, replayed: response.headers.get('x-switchyard-idempotent-replay'), cost: response.headers.get('x-switchyard-cost-usd') };
  };
  const first = await usageOf();
  const retry = await usageOf();
  t.equal(retry.replayed, 'true');
  t.strictSame(retry.usage, first.usage, 'the usage chunk of the first answer, cost included');
  t.strictSame(retry.usage, { ...USAGE, cost: 0.005615 });
  t.equal(retry.cost, '0', 'the retry itself was not charged');
  t.equal(priced.requests.length, 1);
});

/** The key's dollar spend as GET /admin/keys/team shows it. */
async function spend(test: TestRouter): Promise<Record<string, { limit: number | null; used: number; reserved: number; remaining: number | null }>> {
  const res = await fetch(`${test.url}/admin/keys/team`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return ((await res.json()) as { usage: { usd: Record<string, { limit: number | null; used: number; reserved: number; remaining: number | null }> } }).usage.usd;
}

t.test('a dollar budget: requests are charged their cost, then refused with insufficient_quota naming USD', async (t) => {
  // Each answer: 7 prompt + 3 completion tokens = 7 × 2.5 + 3 × 10 = 47.5 µ$ ($0.0000475); strict mode
  // reserves the prompt bound × $2.50 + max_tokens × $10 up front.
  const test = await router(t, config({ usdLifetime: 0.0002 }));
  const ask = () =>
    test.client.chat.completions.create({ model: 'paid', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 }, { headers: { authorization: `Bearer ${SECRET}` } });
  const costs: string[] = [];
  let refusal: unknown = null;
  for (let i = 0; i < 10 && refusal === null; i++) {
    try {
      const { response } = await ask().withResponse();
      costs.push(response.headers.get('x-switchyard-cost-usd') ?? 'none');
      await waitFor('the settle', async () => ((await spend(test))['lifetime']?.reserved === 0 ? true : null));
    } catch (error) {
      refusal = error;
    }
  }
  t.ok(costs.length >= 2, `${costs.length} answered before the budget ran out`);
  t.ok(
    costs.every((cost) => cost === '0.0000475'),
    costs.join(', '),
  );
  t.ok(refusal instanceof APIError && refusal.status === 429, 'a 429');
  if (refusal instanceof APIError) {
    t.equal(refusal.code, 'insufficient_quota');
    t.equal(refusal.type, 'insufficient_quota');
    t.equal(refusal.message, "429 You exceeded this key's lifetime budget of 0.0002 USD.");
  }
  const again = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
    body: JSON.stringify({ model: 'paid', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 }),
  });
  t.equal(again.status, 429);
  t.equal(again.headers.get('x-should-retry'), 'false', 'a spent budget: the SDKs must not retry');
  t.equal(again.headers.get('x-ratelimit-limit-tokens'), null, 'no token rate-limit headers for a dollar budget');
  await again.text();
  const lifetime = (await spend(test))['lifetime'];
  // The store counts nano-USD; the API shows them as decimal USD.
  t.strictSame(lifetime, { limit: 0.0002, used: (costs.length * 47_500) / 1e9, reserved: 0, remaining: (200_000 - costs.length * 47_500) / 1e9, resetAt: null });
  const metrics = await test.scrape();
  t.equal(Math.round((metricValue(metrics, 'switchyard_key_cost_usd_total', 'key="team",tier="paid"') ?? 0) * 1e9), costs.length * 47_500);
});

t.test('strict dollar budgets under concurrency: spend never passes the limit, and every answer is charged', async (t) => {
  const LIMIT = 0.002;
  const test = await router(t, config({ usdPerDay: LIMIT }));
  priced.respond = (request) => ({ kind: 'json', body: echoCompletion(request.body) });
  const results = await Promise.all(
    Array.from({ length: 80 }, async () => {
      const res = await fetch(`${test.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
        body: JSON.stringify({ model: 'paid', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 }),
      });
      await res.text();
      return { status: res.status, cost: res.headers.get('x-switchyard-cost-usd') };
    }),
  );
  const served = results.filter((r) => r.status === 200);
  t.equal(served.length + results.filter((r) => r.status === 429).length, results.length, 'served or refused, none failed');
  t.ok(served.length > 0 && served.length < results.length, `part of the traffic fits (${served.length} served)`);
  const nano = served.reduce((sum, r) => sum + Math.round(Number(r.cost) * 1e9), 0);
  t.ok(nano <= LIMIT * 1e9, `spent ${nano} ≤ ${LIMIT * 1e9} nano-USD`);
  await waitFor('every settle', async () => ((await spend(test))['day']?.reserved === 0 ? true : null));
  t.equal(Math.round(((await spend(test))['day']?.used ?? 0) * 1e9), nano, 'the store charged exactly what the answers cost');
});

t.test('the admin API accepts and shows dollar limits, and refuses bad ones in its envelope', async (t) => {
  const test = await router(t, config({}));
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${test.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const created = await admin('POST', '/admin/keys', { id: 'spender', name: 'spender', limits: { usdPerDay: 1.5, usdPerMonth: 20 } });
  t.equal(created.status, 201);
  const { key } = (await created.json()) as { key: { limits: Record<string, number | null> } };
  t.match(key.limits, { usdPerDay: 1.5, usdPerMonth: 20, usdLifetime: null });
  const read = (await (await admin('GET', '/admin/keys/spender')).json()) as { usage: { usd: Record<string, object> } };
  t.strictSame(Object.keys(read.usage.usd), ['day', 'month', 'lifetime']);
  t.match(read.usage.usd['day'], { limit: 1.5, used: 0, reserved: 0, remaining: 1.5 });
  const patched = (await (await admin('PATCH', '/admin/keys/spender', { limits: { usdPerDay: null, usdLifetime: 100 } })).json()) as { limits: object };
  t.match(patched.limits, { usdPerDay: null, usdPerMonth: 20, usdLifetime: 100 });
  const bad = await admin('PATCH', '/admin/keys/spender', { limits: { usdPerDay: 0 } });
  t.equal(bad.status, 400);
  t.match(await bad.json(), {
    error: { param: 'limits.usdPerDay', message: "Invalid value for 'limits.usdPerDay': expected a number from 1e-9 to 9000000 or null, got number 0." },
  });
});

t.test("the effective-price gauge from the engines' own token counters; chargeWith: effective charges at it", async (t) => {
  const counters = (prompt: number, generation: number) =>
    `# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{model_name="m"} 0.0\n# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting{model_name="m"} 0.0\n` +
    `# TYPE vllm:prompt_tokens_total counter\nvllm:prompt_tokens_total{model_name="m"} ${prompt}.0\n# TYPE vllm:generation_tokens_total counter\nvllm:generation_tokens_total{model_name="m"} ${generation}.0\n`;
  free.metrics = counters(1_000_000, 1_000_000);
  const cfg = config();
  // $2 an hour for the pool's one replica, charged at the measured price.
  cfg.pools.local = { ...cfg.pools.local, engineMetrics: { intervalMs: 25 }, price: { gpuUsdPerHour: 2, chargeWith: 'effective' } };
  const test = await router(t, cfg);
  const gauge = async (direction: string) => metricValue(await test.scrape(), 'switchyard_pool_effective_usd_per_million_tokens', `pool="local",direction="${direction}"`);
  await waitFor('the first scrape', async () => ((await gauge('output')) === null ? null : true));
  t.ok(Number.isNaN(await gauge('output')), 'nothing served since the first scrape: NaN, not a price');
  const before = await test.client.chat.completions.create({ model: 'free', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
  t.equal(before.response.headers.get('x-switchyard-cost-usd'), null, 'no price measured yet: no cost claimed');

  // 4M prompt and 1M generated tokens served by the engine (to anyone) in under a minute, the
  // shortest span measured: C = $2 × 1 replica × 1/60 h; P/4 + O = 2M → $0.0166… per million output.
  free.metrics = counters(5_000_000, 2_000_000);
  const output = await waitFor('the gauge', async () => {
    const value = await gauge('output');
    return value !== null && Number.isFinite(value) ? value : null;
  });
  t.equal(Math.round(output * 1e9), Math.round(((2 / 60) * 1e9) / 2));
  t.equal(Math.round(((await gauge('input')) ?? 0) * 1e9), Math.round(((2 / 60) * 1e9) / 2 / 4));
  // 7 prompt + 3 completion tokens at those prices: (7 / 4 + 3) × $0.01666…/M = $0.0000000791… → 79 nano-USD.
  const charged = await test.client.chat.completions.create({ model: 'free', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
  t.equal(charged.response.headers.get('x-switchyard-cost-usd'), '0.000000079');
});

t.test('tight dollar budgets: a stream is cut when a top-up would pass the dollar limit; overspend stays within one step', async (t) => {
  // $10 per million output: each top-up of 10 tokens reserves $0.0001; the day's budget is $0.0005.
  const test = await router(t, config({ usdPerDay: 0.0005 }, { budgetMode: 'tight', topUpTokens: 10 }));
  priced.respond = () => ({ kind: 'stream', events: streamWords(200), delayMs: 1 });
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
    body: JSON.stringify({ model: 'paid', messages: [{ role: 'user', content: 'hi' }], stream: true }),
  });
  const text = await res.text();
  t.equal(res.status, 200);
  t.notOk(text.includes('[DONE]'), 'cut, not completed');
  const events = text
    .split('\n\n')
    .filter(Boolean)
    .map((event) => JSON.parse(event.slice('data: '.length)) as { error?: { code: string; message: string }; choices?: { finish_reason: string | null }[] });
  t.equal(events.at(-1)?.error?.code, 'insufficient_quota');
  t.equal(events.at(-2)?.choices?.[0]?.finish_reason, 'length');
  const words = text.match(/"content":"w/g)?.length ?? 0;
  t.ok(words > 0 && words < 200, `cut after ${words} of 200 tokens`);
  const day = await waitFor('the settle', async () => {
    const period = (await spend(test))['day'];
    return period !== undefined && period.used > 0 && period.reserved === 0 ? period : null;
  });
  // Charged: the prompt estimate and the tokens streamed, at the pool's prices; over the limit by at most one top-up step.
  t.ok(day.used <= 0.0005 + 0.0001, `spent $${day.used} ≤ $0.0005 + one $0.0001 step`);
});

/** A stream of `n` one-word chunks and no usage chunk (as when it is cut before the end). */
function streamWords(n: number): string[] {
  const chunk = (delta: object) =>
    JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1700000000, model: 'm', choices: [{ index: 0, delta, finish_reason: null }] });
  return [chunk({ role: 'assistant', content: '' }), ...Array.from({ length: n }, (_, i) => chunk({ content: `w${i} ` }))];
}

t.test("a hostile engine's usage (negative, 1e400, cached over the prompt) never gives a negative, NaN or exponent cost", async (t) => {
  const test = await router(t, config({ usdPerDay: 5 }));
  const bodies = [
    '{"prompt_tokens":-5,"completion_tokens":3}',
    '{"prompt_tokens":1e400,"completion_tokens":3}',
    '{"prompt_tokens":10,"completion_tokens":-3}',
    '{"prompt_tokens":10,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":400}}',
  ];
  const costs: (string | null)[] = [];
  for (const usage of bodies) {
    priced.respond = () => ({
      kind: 'text',
      status: 200,
      contentType: 'application/json',
      text: `{"id":"chatcmpl-h","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":${usage}}`,
    });
    const res = await fetch(`${test.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'paid', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
    });
    t.equal(res.status, 200, usage);
    await res.text();
    costs.push(res.headers.get('x-switchyard-cost-usd'));
  }
  // Unusable counts make no usage (no cost claimed); cached tokens are clamped to the prompt: 10 × 1.25 + 2 × 10 = 32.5 µ$.
  t.strictSame(costs, [null, null, null, '0.0000325']);
  const metrics = await test.scrape();
  for (const line of metrics.split('\n').filter((l) => /^switchyard_(key_)?(cost|tokens|key_tokens)/.test(l))) {
    t.match(line, / \d+(\.\d+)?$/, `a finite non-negative value: ${line}`);
  }
  const usd = await waitFor('settled', async () => {
    const now = await spend(test);
    return now['day']?.reserved === 0 ? now : null;
  });
  t.ok(Number.isFinite(usd['day']?.used) && (usd['day']?.used ?? -1) >= 0, `the day's spend is finite and not negative: ${usd['day']?.used}`);
});

t.test('the admin API refuses dollar limits that are strings, negative or 1e400 (Infinity once parsed)', async (t) => {
  const test = await router(t, config({}));
  const post = (limits: string) =>
    fetch(`${test.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: `{"id":"k${Math.random().toString(36).slice(2, 8)}","name":"n","limits":${limits}}`,
    });
  for (const limits of ['{"usdPerDay":"5"}', '{"usdPerDay":-1}', '{"usdPerMonth":1e400}', '{"usdLifetime":"NaN"}']) {
    const res = await post(limits);
    t.equal(res.status, 400, limits);
    t.match(await res.json(), { error: { type: 'invalid_request_error', param: /^limits\.usd/ } }, limits);
  }
});

t.test('a dollar budget under 8 concurrent streams: the strict reservations admit what fits, and the spend never passes the limit', async (t) => {
  const test = await router(t, config({ usdLifetime: 0.0002 }));
  // Each stream: 7 + 3 tokens at the usage below = 47.5 µ$; its strict reservation (prompt bound and max_tokens 3) is larger.
  priced.respond = () => ({ kind: 'stream', events: streamWithUsage({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 }), delayMs: 30 });
  const one = async (): Promise<number> => {
    try {
      const stream = await test.client.chat.completions.create(
        { model: 'paid', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, stream: true },
        { headers: { authorization: `Bearer ${SECRET}` } },
      );
      for await (const _ of stream) void _;
      return 200;
    } catch (error) {
      const status: unknown = error instanceof APIError ? error.status : null;
      return typeof status === 'number' ? status : -1;
    }
  };
  const statuses = await Promise.all(Array.from({ length: 8 }, one));
  const answered = statuses.filter((s) => s === 200).length;
  t.ok(answered >= 1, `answered: ${statuses.join(', ')}`);
  t.ok(
    statuses.every((s) => s === 200 || s === 429),
    'the rest were refused as over budget',
  );
  const usd = await waitFor('settled', async () => {
    const now = await spend(test);
    return now['lifetime']?.reserved === 0 ? now : null;
  });
  t.equal(Math.round((usd['lifetime']?.used ?? -1) * 1e9), answered * 47_500, 'each answer charged its cost once (in nano-USD)');
  t.ok((usd['lifetime']?.used ?? Infinity) <= 0.0002, 'within the limit');
});
