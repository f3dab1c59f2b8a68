// Keys and budgets on one router (memory store): strict budgets never overspend under concurrency,
// tight budgets end a stream cleanly when spent, usage is never lost, keys' restrictions hold, and
// budget pressure moves classified requests to the cheap tier.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { chatStreamEvents, echoCompletion, startFakeEngine } from '../fixtures/fake-engine.js';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN, waitFor } from '../fixtures/wait.js';

const [small, large] = await Promise.all([startFakeEngine(), startFakeEngine()]);
t.teardown(() => Promise.all([small.close(), large.close()]));
t.beforeEach(() => {
  for (const engine of [small, large]) {
    engine.requests.length = 0;
    engine.respond = null;
  }
});

const SECRET = 'sy-test-secret-for-budgets';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const COMPLEX = 'Write a Python function that merges two sorted lists, explain it step by step, then write unit tests:\n```python\ndef merge(a, b):\n    ...\n```';

function config(key: Record<string, unknown>, budgets: Record<string, unknown> = {}, required = true) {
  const pool = (name: string, url: string) => ({
    engine: 'vllm',
    servedModel: `served-${name}`,
    healthCheck: { intervalMs: 0 },
    engineMetrics: { intervalMs: 0 },
    replicas: [{ name: `${name}-r0`, url }],
  });
  return {
    logging: { level: 'info' },
    auth: { required, keys: [{ id: 'team', hash: sha256(SECRET), prefix: SECRET.slice(0, 8), ...key }] },
    budgets,
    classifier: { mode: 'heuristic' }, // the classes these tests expect are the heuristic's
    models: { auto: { tiers: ['small', 'large'], classify: true }, small: { tiers: ['small'] } },
    tiers: { small: { pools: ['small'] }, large: { pools: ['large'] } },
    pools: { small: pool('small', small.url), large: pool('large', large.url) },
  };
}

async function router(tt: Test, cfg: unknown): Promise<TestRouter> {
  const test = await startTestRouter(cfg, { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
  tt.teardown(() => test.close());
  return test;
}

async function chat(test: TestRouter, body: Record<string, unknown>, secret: string | null = SECRET) {
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { authorization: `Bearer ${secret}` }) },
    body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'hi' }], ...body }),
  });
  return { res, text: await res.text() };
}

/** Tokens charged to the key (each settle adds them), as the admin API shows its lifetime usage. */
async function chargedTokens(test: TestRouter): Promise<number> {
  const res = await fetch(`${test.url}/admin/keys/team`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return ((await res.json()) as { usage: { tokens: { lifetime: { used: number } } } }).usage.tokens.lifetime.used;
}

t.test('strict: concurrent requests never spend past the limit, and every token is charged', async (t) => {
  const LIMIT = 600;
  // Each request: prompt 7 + completion 3 = 10 tokens by the engine's count; the strict reservation
  // is an upper bound (bytes of the prompt + max_tokens), so only part of the traffic fits at once.
  const test = await router(t, config({ limits: { tokensPerDay: LIMIT } }));
  small.respond = (request) => (request.body?.['stream'] === true ? null : { kind: 'json', body: echoCompletion(request.body) });
  const results = await Promise.all(Array.from({ length: 120 }, (_, i) => chat(test, { max_tokens: 3, stream: i % 3 === 0, stream_options: { include_usage: true } })));
  const ok = results.filter((r) => r.res.status === 200);
  const refused = results.filter((r) => r.res.status === 429);
  t.equal(ok.length + refused.length, results.length, 'every request was served or refused, none failed');
  t.ok(ok.length > 0 && refused.length > 0, `part of the traffic fits (${ok.length} served, ${refused.length} refused)`);
  const clientUsage = ok.reduce((sum, r) => sum + usageOf(r.text), 0);
  await waitFor('every settle', async () => (await chargedTokens(test)) === clientUsage);
  t.ok(clientUsage <= LIMIT, `charged ${clientUsage} ≤ ${LIMIT}`);
  // Refused for reservations in flight (retry in a moment), or because the budget is spent (do not).
  const kinds = new Set(
    refused.map(
      (r) =>
        `${(JSON.parse(r.text) as { error: { code: string } }).error.code} retry-after=${r.res.headers.get('retry-after')} x-should-retry=${r.res.headers.get('x-should-retry')}`,
    ),
  );
  t.ok(
    [...kinds].every((kind) => kind === 'rate_limit_exceeded retry-after=1 x-should-retry=null' || kind === 'insufficient_quota retry-after=null x-should-retry=false'),
    [...kinds].join('; '),
  );
});

t.test('strict: a request without max_tokens is capped at maxOutputTokens upstream', async (t) => {
  const test = await router(t, config({}, { maxOutputTokens: 77 }));
  await chat(test, {});
  t.equal(small.requests.at(-1)?.body?.['max_tokens'], 77);
  await chat(test, { max_tokens: 5 });
  t.equal(small.requests.at(-1)?.body?.['max_tokens'], 5, "the client's own max_tokens is kept");
});

t.test('tight: a stream that runs out of budget ends with finish_reason length and an error event', async (t) => {
  const test = await router(t, config({ limits: { tokensPerDay: 60 } }, { budgetMode: 'tight', topUpTokens: 10 }));
  small.respond = () => ({ kind: 'stream', events: chatStreamEvents(Array.from({ length: 200 }, (_, i) => `w${i} `)), delayMs: 1 });
  const { res, text } = await chat(test, { stream: true });
  t.equal(res.status, 200);
  const events = text
    .split('\n\n')
    .filter(Boolean)
    .map((event) => event.slice('data: '.length));
  t.notOk(text.includes('[DONE]'));
  const last = JSON.parse(events.at(-1) ?? '{}') as { error?: { code: string } };
  t.equal(last.error?.code, 'insufficient_quota');
  const closing = JSON.parse(events.at(-2) ?? '{}') as { choices: { finish_reason: string; delta: object }[] };
  t.same(closing.choices[0], { index: 0, delta: {}, finish_reason: 'length' });
  const words = events.filter((data) => data.includes('"content":"w')).length;
  t.ok(words > 0 && words < 200, `cut after ${words} of 200 tokens`);
  await waitFor('the settle', async () => (await chargedTokens(test)) > 0);
  t.ok((await chargedTokens(test)) <= 60 + 10, 'overspend is at most one top-up step');
});

t.test('tight: a cut stream whose client asked for usage gets it before the error: what the key is charged', async (t) => {
  const test = await router(t, config({ limits: { tokensPerDay: 60 } }, { budgetMode: 'tight', topUpTokens: 10 }));
  small.respond = () => ({ kind: 'stream', events: chatStreamEvents(Array.from({ length: 200 }, (_, i) => `w${i} `)), delayMs: 1 });
  const { text } = await chat(test, { stream: true, stream_options: { include_usage: true } });
  const events = text
    .split('\n\n')
    .filter(Boolean)
    .map((event) => JSON.parse(event.slice('data: '.length)) as { choices?: unknown[]; usage?: Record<string, number>; error?: { code: string } });
  t.equal(events.at(-1)?.error?.code, 'insufficient_quota');
  const usage = events.at(-2);
  t.strictSame(usage?.choices, [], 'a usage chunk, as OpenAI ends a stream with one');
  const { prompt_tokens: prompt = 0, completion_tokens: completion = 0, total_tokens: total } = usage?.usage ?? {};
  t.ok(prompt > 0 && completion > 0 && total === prompt + completion, JSON.stringify(usage?.usage));
  await waitFor('the settle', async () => (await chargedTokens(test)) > 0);
  t.equal(await chargedTokens(test), total, 'the usage told is the usage charged');
});

t.test('tight: a chunk carrying many tokens counts as many (speculative decoding, batching APIs): the budget holds', async (t) => {
  const test = await router(t, config({ limits: { tokensPerDay: 100 } }, { budgetMode: 'tight', topUpTokens: 10 }));
  const paragraph = (n: number) => Array.from({ length: 200 }, (_, i) => `word${n}x${i}`).join(' ');
  small.respond = () => ({ kind: 'stream', events: chatStreamEvents([paragraph(1), paragraph(2), paragraph(3)], { prompt_tokens: 5, completion_tokens: 1200 }) });
  const { res, text } = await chat(test, { stream: true });
  t.equal(res.status, 200);
  t.notOk(text.includes('[DONE]'), 'not run to its end');
  t.match(text, /"code":"insufficient_quota"/, 'cut for the budget');
  t.match(text, /"finish_reason":"length"/, 'with its closing chunk, even when the first content chunk is the one cut');
  t.notOk(text.includes('word3x'), 'the third paragraph never went out');
  await waitFor('the settle', async () => (await chargedTokens(test)) > 0);
  const charged = await chargedTokens(test);
  t.ok(charged <= 100 + 10, `charged ${charged}: within the budget and one top-up step`);
});

t.test('a cancelled stream is charged what it generated', async (t) => {
  const test = await router(t, config({ limits: { tokensPerDay: 100_000 } }));
  small.respond = () => ({ kind: 'stream', events: chatStreamEvents(Array.from({ length: 100 }, (_, i) => `w${i} `)), delayMs: 15 });
  const controller = new AbortController();
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    signal: controller.signal,
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let seen = '';
  while ((seen.match(/"content":"w/g)?.length ?? 0) < 10) seen += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  const charged = await waitFor('the settle', async () => (await chargedTokens(test)) || null);
  t.ok(charged >= 10, `charged ${charged}: at least the 10 tokens seen`);
  t.ok(charged < 4096, 'not the reservation');
  // No usage came: the tokens streamed are the completion, the estimate the prompt.
  const completion = Number(/^switchyard_key_tokens_total\{key="team",tier="small",direction="completion"\} (\d+)$/m.exec(await test.scrape())?.[1]);
  t.ok(completion >= 10 && completion < charged, `completion ${completion} of ${charged}: what was streamed`);
  const chats = test.requestLogs().filter((line) => line['endpoint'] === 'chat');
  t.equal(chats.at(-1)?.['outcome'], 'client_abort');
});

t.test('a non-streaming request the client gives up on while it generates is charged what it reserved', async (t) => {
  const test = await router(t, config({ limits: { tokensPerDay: 100_000 } }));
  // A non-streaming answer sends nothing, not even its status line, until generation ends.
  small.respond = () => ({ kind: 'stall' });
  const controller = new AbortController();
  const sent = fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'a question the engine is working on' }] }),
    signal: controller.signal,
  }).catch(() => null);
  await waitFor('the engine to have the request', async () => small.requests.length === 1);
  controller.abort();
  await sent;
  const charged = await waitFor('the settle', async () => (await chargedTokens(test)) || null);
  // Nothing counts what the engine made before the client left: it may have made the whole answer.
  t.ok(charged > 4096 && charged < 4200, `charged ${charged}: the reservation (the prompt and the 4,096-token output cap), not the prompt alone`);
  const line = await waitFor('the access line', async () => test.requestLogs().find((entry) => entry['endpoint'] === 'chat'));
  t.match(line, { chargedTokens: charged, chargedUsd: 0 }, 'the access line says what the key was charged, with no usage to show');
  t.notOk('promptTokens' in line);
  t.strictSame(
    test
      .requestLogs()
      .filter((line) => line['endpoint'] === 'chat')
      .map((line) => line['outcome']),
    ['client_abort'],
  );
});

t.test('a request larger than a limit on its own is refused for good, not told to retry', async (t) => {
  // Strict mode reserves the prompt and the output cap (maxOutputTokens without max_tokens): over 1,000.
  const test = await router(t, config({ limits: { tokensPerMinute: 1000 } }));
  const { res, text } = await chat(test, {});
  t.equal(res.status, 429);
  t.equal(res.headers.get('x-should-retry'), 'false');
  t.equal(res.headers.get('retry-after'), null);
  t.match(JSON.parse(text), {
    error: {
      code: 'rate_limit_exceeded',
      type: 'tokens',
      message: /^Request too large for this key's per-minute token limit: limit 1000, this request may use up to \d+ .*Lower max_tokens/,
    },
  });
  t.equal(small.requests.length, 0);
  t.equal((await chat(test, { max_tokens: 100 })).res.status, 200, 'a smaller cap fits');
});

t.test('auth: required keys, unknown and missing keys, disabled keys', async (t) => {
  const test = await router(t, config({}));
  const missing = await chat(test, {}, null);
  t.equal(missing.res.status, 401);
  t.match(JSON.parse(missing.text), { error: { code: 'missing_api_key', type: 'invalid_request_error' } });
  const wrong = await chat(test, {}, 'sy-not-a-real-key-123');
  t.equal(wrong.res.status, 401);
  t.same(JSON.parse(wrong.text), {
    error: { message: 'Incorrect API key provided: sy-not***23.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
  });
  // Refused before the handler ran, yet inference requests: counted as such, of no model.
  const metrics = await test.scrape();
  t.match(metrics, /^switchyard_requests_total\{model="unknown",tier="none",pool="none",outcome="missing_api_key"\} 1$/m);
  t.match(metrics, /^switchyard_requests_total\{model="unknown",tier="none",pool="none",outcome="invalid_api_key"\} 1$/m);
  const disabled = await router(t, config({ enabled: false }));
  const refused = await chat(disabled, {});
  t.equal(refused.res.status, 403);
  t.same(JSON.parse(refused.text), { error: { message: 'This API key is disabled.', type: 'permission_error', param: null, code: 'key_disabled' } });
  const open = await router(t, config({}, {}, false));
  t.equal((await chat(open, {}, 'sk-placeholder')).res.status, 200, 'without auth.required an unknown key runs anonymous');
});

t.test("a key's models, tiers and max_tokens", async (t) => {
  const test = await router(t, config({ models: ['auto'], tiers: ['small'], maxTokensPerRequest: 100 }));
  const model = await chat(test, {});
  t.equal(model.res.status, 403);
  t.same(JSON.parse(model.text), {
    error: { message: 'This API key may not use model `small` (allowed: auto).', type: 'permission_error', param: 'model', code: 'model_not_allowed' },
  });
  const big = await chat(test, { model: 'auto', max_tokens: 500 });
  t.equal(big.res.status, 400);
  t.match(JSON.parse(big.text), { error: { param: 'max_tokens', message: "'max_tokens' is 500, above this API key's limit of 100 per request." } });
  // The limit is the request's: n choices of max_tokens each are n times as many tokens.
  const many = await chat(test, { model: 'auto', max_tokens: 10, n: 50 });
  t.equal(many.res.status, 400);
  t.match(JSON.parse(many.text), {
    error: { param: 'max_tokens', message: "'max_tokens' is 10 for each of 50 generations (500 in all), above this API key's limit of 100 per request." },
  });
  t.equal((await chat(test, { model: 'auto', max_tokens: 10, n: 10 })).res.status, 200, 'ten choices of ten fit a hundred');
  const hard = await chat(test, { model: 'auto', messages: [{ role: 'user', content: COMPLEX }] });
  t.equal(hard.res.status, 200);
  t.equal(hard.res.headers.get('x-switchyard-complexity'), 'complex');
  t.equal(hard.res.headers.get('x-switchyard-tier'), 'small', 'the key may not reach large');
  t.equal(hard.res.headers.get('x-switchyard-reason'), 'restricted: small');
});

t.test('past degradeAt, classified requests go to the cheap tier', async (t) => {
  const test = await router(t, config({ limits: { tokensPerDay: 100_000 } }, { degradeAt: 0.5 }));
  const before = await chat(test, { model: 'auto', max_tokens: 10, messages: [{ role: 'user', content: COMPLEX }] });
  t.equal(before.res.headers.get('x-switchyard-tier'), 'large');
  // Spend past half the budget (the engine reports big usage), then ask again.
  small.respond = (request) => ({ kind: 'json', body: echoCompletion(request.body, { prompt_tokens: 30_000, completion_tokens: 30_000 }) });
  t.equal((await chat(test, { max_tokens: 10 })).res.status, 200);
  small.respond = null;
  await waitFor('the spend to settle', async () => (await chargedTokens(test)) >= 60_000);
  await chat(test, { max_tokens: 10 }); // a reservation refreshes the router's view of the key
  const after = await chat(test, { model: 'auto', max_tokens: 10, messages: [{ role: 'user', content: COMPLEX }] });
  t.equal(after.res.status, 200);
  t.equal(after.res.headers.get('x-switchyard-tier'), 'small');
  t.match(after.res.headers.get('x-switchyard-reason'), /^budget: \d+% used$/);
});

t.test('rate limits: requests per minute with Retry-After and x-ratelimit headers', async (t) => {
  const test = await router(t, config({ limits: { requestsPerMinute: 2, tokensPerDay: 100_000 } }));
  const first = await chat(test, { max_tokens: 5 });
  t.equal(first.res.headers.get('x-ratelimit-limit-requests'), '2');
  t.equal(first.res.headers.get('x-ratelimit-remaining-requests'), '1');
  t.equal(first.res.headers.get('x-ratelimit-limit-tokens'), '100000');
  t.match(first.res.headers.get('x-ratelimit-reset-requests'), /^\d+(ms|s|m\d+s)$/);
  await chat(test, { max_tokens: 5 });
  const third = await chat(test, { max_tokens: 5 });
  if (third.res.status === 200) {
    t.comment('the calendar minute rolled over between requests; nothing to check');
    return;
  }
  t.equal(third.res.status, 429);
  t.match(third.res.headers.get('retry-after'), /^\d+$/);
  t.match(JSON.parse(third.text), { error: { code: 'rate_limit_exceeded', type: 'requests' } });
});

function usageOf(text: string): number {
  const events = text.startsWith('data:') ? text.split('\n\n').filter((e) => e.includes('"usage":{')) : [text];
  for (const event of events) {
    const json = JSON.parse(event.replace(/^data: /, '')) as { usage?: { total_tokens: number } };
    if (json.usage) return json.usage.total_tokens;
  }
  return 0;
}
