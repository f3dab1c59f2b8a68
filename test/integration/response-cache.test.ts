// The response cache through the official openai SDK against a real router and a scripted engine:
// hit/miss/bypass headers and age, equal bodies in other bytes, stream↔plain cross hits, Cache-Control,
// what is never stored, key scopes, concurrent identical requests, and that a hit charges nothing.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import t, { type Test } from 'tap';
import { chatStreamEvents, echoCompletion, startFakeEngine, type FakeEngine } from '../fixtures/fake-engine.js';
import { freePort } from '../fixtures/free-port.js';
import { configFor, startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN, waitFor } from '../fixtures/wait.js';

const engine = await startFakeEngine();
t.teardown(() => engine.close());

const SECRET_A = 'sk-team-a-0123456789abcdef';
const SECRET_B = 'sk-team-b-0123456789abcdef';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The fields of a chat chunk besides its choices. */
const chunkBase = { id: 'chatcmpl-filtered', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'served-gpu' };

function config(cache: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const base = configFor({ gpu: [engine.url] });
  return { ...base, models: { gpu: { tiers: ['gpu'], cache: { deterministicOnly: false, ...cache } } }, ...extra };
}

async function router(t: Test, raw: unknown): Promise<TestRouter> {
  engine.requests.length = 0;
  engine.respond = null;
  const test = await startTestRouter(raw, { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
  t.teardown(() => test.close());
  return test;
}

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

async function post(test: TestRouter, body: string | Record<string, unknown>, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A deterministic chat request (temperature 0); `extra` fields for the requests sent without the SDK. */
function ask(content: string): { model: string; messages: { role: 'user'; content: string }[]; temperature: number };
function ask(content: string, extra: Record<string, unknown>): Record<string, unknown>;
function ask(content: string, extra: Record<string, unknown> = {}) {
  return { model: 'gpu', messages: [{ role: 'user' as const, content }], temperature: 0, ...extra };
}

t.test('a repeated request is a hit: same answer, new id, x-switchyard-cache and age; the engine saw one', async (t) => {
  const test = await router(t, config());
  const first = await test.client.chat.completions.create(ask('capital of France?')).withResponse();
  t.equal(first.response.headers.get('x-switchyard-cache'), 'miss');
  t.equal(first.response.headers.get('age'), null);
  const second = await test.client.chat.completions.create(ask('capital of France?')).withResponse();
  t.equal(second.response.headers.get('x-switchyard-cache'), 'hit');
  t.equal(second.response.headers.get('age'), '0');
  t.equal(second.response.headers.get('x-switchyard-cost-usd'), '0');
  t.strictSame(second.data.choices, first.data.choices);
  t.strictSame(second.data.usage, first.data.usage);
  t.not(second.data.id, first.data.id, 'a hit is a new response');
  t.equal(second.data.id, `chatcmpl-${second.response.headers.get('x-request-id')}`);
  t.equal(engine.requests.length, 1);
  const lines = test.requestLogs();
  t.strictSame(
    lines.map((line) => line['cache']),
    ['miss', 'hit'],
  );
  const text = await test.scrape();
  t.match(text, /switchyard_cache_lookups_total\{model="gpu",result="hit"\} 1/);
  t.match(text, /switchyard_cache_lookups_total\{model="gpu",result="miss"\} 1/);
  t.match(text, /switchyard_cache_stores_total\{model="gpu",result="stored"\} 1/);
  t.match(text, /switchyard_cache_saved_tokens_total\{model="gpu",tier="gpu",direction="prompt"\} 7/);
  t.match(text, /switchyard_cache_saved_tokens_total\{model="gpu",tier="gpu",direction="completion"\} 3/);
  t.match(text, /switchyard_cache_bytes\{store="memory"\} [1-9]/);
  t.match(text, /switchyard_cache_page_bytes\{store="memory"\} 1048576\n/, 'one page: a 64th of the default 64 MB store');
});

t.test('two byte-different but equal bodies (key order, whitespace, number spelling, transport fields) share one entry', async (t) => {
  const test = await router(t, config());
  const a = await post(test, '{"model":"gpu","messages":[{"role":"user","content":"hi there"}],"temperature":0,"max_tokens":50}');
  const b = await post(
    test,
    '{ "max_tokens" : 5e1 ,\n "temperature": 0.0, "messages" : [ { "content" : "hi there", "role" : "user" } ], "model": "gpu", "user": "u-123", "stream": false, "seed": null }',
  );
  t.strictSame([a.status, b.status], [200, 200]);
  t.strictSame([a.headers.get('x-switchyard-cache'), b.headers.get('x-switchyard-cache')], ['miss', 'hit']);
  const c = await post(test, '{"model":"gpu","messages":[{"role":"user","content":"hi there"}],"temperature":0,"max_tokens":51}');
  t.equal(c.headers.get('x-switchyard-cache'), 'miss', 'a field that changes the answer changes the key');
  t.equal(engine.requests.length, 2);
});

t.test('a stored plain answer serves a stream (with usage when asked), a stored stream serves a plain request', async (t) => {
  const test = await router(t, config());
  const plain = await test.client.chat.completions.create(ask('plain first'));
  const stream = await test.client.chat.completions.create({ ...ask('plain first'), stream: true as const, stream_options: { include_usage: true } }).withResponse();
  t.equal(stream.response.headers.get('x-switchyard-cache'), 'hit');
  t.equal(stream.response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  let text = '';
  let usage: unknown = null;
  let finish: string | null = null;
  for await (const chunk of stream.data) {
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    if (chunk.usage) usage = chunk.usage;
  }
  t.equal(text, plain.choices[0]?.message.content);
  t.equal(finish, 'stop');
  t.strictSame(usage, { ...plain.usage, cost: 0 }, 'the stored usage, and what the hit cost: nothing');

  engine.reply({ kind: 'stream', events: chatStreamEvents(['Once', ' upon', ' a', ' time']) });
  const streamed = await test.client.chat.completions.create({ ...ask('stream first'), stream: true as const });
  let said = '';
  for await (const chunk of streamed) said += chunk.choices[0]?.delta.content ?? '';
  t.equal(said, 'Once upon a time');
  const folded = await test.client.chat.completions.create(ask('stream first')).withResponse();
  t.equal(folded.response.headers.get('x-switchyard-cache'), 'hit');
  t.equal(folded.data.choices[0]?.message.content, 'Once upon a time');
  t.equal(folded.data.choices[0]?.finish_reason, 'stop');
  t.strictSame(folded.data.usage, { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 });
  t.equal(engine.requests.length, 2);
});

t.test('Cache-Control: no-cache skips the lookup but stores; no-store skips both', async (t) => {
  const test = await router(t, config());
  const noStore = await post(test, ask('q'), { 'cache-control': 'no-store' });
  t.equal(noStore.headers.get('x-switchyard-cache'), 'bypass');
  const after = await post(test, ask('q'));
  t.equal(after.headers.get('x-switchyard-cache'), 'miss', 'no-store stored nothing');
  const noCache = await post(test, ask('q'), { 'cache-control': 'max-age=0, no-cache' });
  t.equal(noCache.headers.get('x-switchyard-cache'), 'bypass', 'no-cache did not look');
  t.equal(engine.requests.length, 3);
  engine.reply({ kind: 'json', body: { ...echoCompletion(null), choices: [{ index: 0, message: { role: 'assistant', content: 'fresh' }, finish_reason: 'stop' }] } });
  await post(test, ask('r'), { 'cache-control': 'no-cache' });
  const hit = await post(test, ask('r'));
  t.equal(hit.headers.get('x-switchyard-cache'), 'hit', 'what no-cache fetched was stored');
  t.match(JSON.parse(hit.text), { choices: [{ message: { content: 'fresh' } }] });
});

t.test('never stored: engine errors, a cut stream, an error event, content_filter, a length stop the client did not ask for', async (t) => {
  const test = await router(t, config());
  const cases: { name: string; body: Record<string, unknown>; reply: Parameters<FakeEngine['reply']>[0] }[] = [
    { name: 'a 400', body: ask('e1'), reply: { kind: 'json', status: 400, body: { object: 'error', message: 'bad', type: 'BadRequestError', code: 400 } } },
    { name: 'a 500', body: ask('e2'), reply: { kind: 'json', status: 500, body: { object: 'error', message: 'boom', type: 'InternalServerError', code: 500 } } },
    { name: 'a cut stream', body: { ...ask('e3'), stream: true }, reply: { kind: 'stream', events: chatStreamEvents(['a', 'b', 'c']), dropAfter: 3 } },
    {
      name: 'an error event',
      body: { ...ask('e4'), stream: true },
      reply: { kind: 'stream', events: [...chatStreamEvents(['a', 'b']).slice(0, 2), '{"error":{"message":"oom","type":"InternalServerError","code":500}}'] },
    },
    {
      name: 'content_filter',
      body: ask('e5'),
      reply: { kind: 'json', body: { ...echoCompletion(null), choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'content_filter' }] } },
    },
    // vLLM's finish reason of a request aborted in the engine (vllm/v1/engine: FinishReason.ABORT), and
    // any other the router does not know: not a finished answer to serve again.
    ...['abort', 'error', 'something_new'].map((reason, i) => ({
      name: reason,
      body: ask(`e8-${i}`),
      reply: { kind: 'json' as const, body: { ...echoCompletion(null), choices: [{ index: 0, message: { role: 'assistant', content: 'part' }, finish_reason: reason }] } },
    })),
    {
      name: 'length without max_tokens',
      body: ask('e6'),
      reply: { kind: 'json', body: { ...echoCompletion(null), choices: [{ index: 0, message: { role: 'assistant', content: 'cut' }, finish_reason: 'length' }] } },
    },
  ];
  for (const c of cases) {
    engine.reply(c.reply);
    await post(test, c.body);
    const again = await post(test, c.body);
    t.equal(again.headers.get('x-switchyard-cache'), 'miss', `${c.name}: not stored`);
  }
  engine.reply({ kind: 'json', body: { ...echoCompletion(null), choices: [{ index: 0, message: { role: 'assistant', content: 'cut' }, finish_reason: 'length' }] } });
  await post(test, ask('e7', { max_tokens: 2 }));
  t.equal((await post(test, ask('e7', { max_tokens: 2 }))).headers.get('x-switchyard-cache'), 'hit', 'a length stop at the max_tokens the client set is its answer');
  t.match(await test.scrape(), /switchyard_cache_stores_total\{model="gpu",result="not_cacheable"\} [1-9]/);
});

t.test('deterministicOnly: a sampled request bypasses, temperature 0 or a seed is cached; oversized answers are skipped', async (t) => {
  const test = await router(t, config({ deterministicOnly: true, maxEntryBytes: 400 }));
  const sampled = await post(test, ask('s', { temperature: 0.8 }));
  t.equal(sampled.headers.get('x-switchyard-cache'), 'bypass');
  await post(test, ask('s', { temperature: 0.8, seed: 7 }));
  t.equal((await post(test, ask('s', { temperature: 0.8, seed: 7 }))).headers.get('x-switchyard-cache'), 'hit');
  engine.reply({ kind: 'json', body: { ...echoCompletion(null), choices: [{ index: 0, message: { role: 'assistant', content: 'x'.repeat(500) }, finish_reason: 'stop' }] } });
  const big = await post(test, ask('big'));
  t.equal(contentOf(big).length, 500, 'served whole');
  t.equal((await post(test, ask('big'))).headers.get('x-switchyard-cache'), 'miss', 'not stored');
  t.match(await test.scrape(), /switchyard_cache_stores_total\{model="gpu",result="oversized"\} 1/);
});

t.test('10 concurrent identical requests reach the engine once; streams and plain requests alike get the answer', async (t) => {
  const test = await router(t, config());
  engine.respond = (request) => (request.body?.['stream'] === true ? { kind: 'stream', events: chatStreamEvents(['slow', ' answer']), delayMs: 30 } : null);
  const replies = await Promise.all(
    Array.from({ length: 10 }, (_, i) => post(test, i === 0 ? { ...ask('together'), stream: true } : i % 2 === 0 ? { ...ask('together'), stream: true } : ask('together'))),
  );
  // Counted by POST: with `respond` set, the fake engine also records the router's background GET /v1/models.
  t.equal(engine.requests.filter((request) => request.method === 'POST').length, 1, 'the engine saw one request');
  t.strictSame(
    replies.map((reply) => reply.status),
    Array<number>(10).fill(200),
  );
  t.strictSame(
    replies.map((reply) => reply.headers.get('x-switchyard-cache')),
    ['miss', ...Array<string>(9).fill('hit')],
  );
  for (const reply of replies.filter((_, i) => i % 2 === 1)) t.equal(contentOf(reply), 'slow answer');
  t.match(await test.scrape(), /switchyard_cache_waits_total\{model="gpu",outcome="hit"\} 9/);
});

t.test('identical concurrent requests whose answer may not be kept run together once the first is done, not one after another', async (t) => {
  const test = await router(t, config());
  // A complete answer stopped by the content filter: never stored, so nothing can be shared.
  const filtered = (finish: string | null) =>
    JSON.stringify({ ...chunkBase, choices: [{ index: 0, delta: finish === null ? { content: 'filtered' } : {}, finish_reason: finish }] });
  let inFlight = 0;
  let most = 0;
  engine.respond = (request) => {
    if (request.method !== 'POST') return null;
    most = Math.max(most, ++inFlight);
    setTimeout(() => inFlight--, 100);
    return { kind: 'stream', delayMs: 50, events: [filtered(null), filtered('content_filter')] };
  };
  const replies = await Promise.all(Array.from({ length: 6 }, () => post(test, ask('never kept', { stream: true }))));
  t.strictSame(
    replies.map((reply) => [reply.status, reply.headers.get('x-switchyard-cache')]),
    Array.from({ length: 6 }, () => [200, 'miss']),
  );
  t.equal(engine.requests.filter((request) => request.method === 'POST').length, 6, 'each ran');
  // Those that waited for the first ran on their own at once (outcome alone): none took the claim over
  // for the others to wait on again (outcome lead), and they ran side by side.
  const scrape = await test.scrape();
  t.match(scrape, /switchyard_cache_waits_total\{model="gpu",outcome="alone"\} [1-5]\n/);
  t.notMatch(scrape, /switchyard_cache_waits_total\{model="gpu",outcome="lead"\}/);
  t.ok(most > 1, `${most} at the engine at once`);
});

t.test('a first request that failed hands its claim to one follower, whose stored answer the others get', async (t) => {
  const test = await router(t, config());
  // The first answer breaks off after its first event (after commit: the client gets an error event).
  engine.reply({ kind: 'stream', delayMs: 100, dropAfter: 1, events: chatStreamEvents(['cut', ' short']) });
  const replies = await Promise.all(Array.from({ length: 4 }, () => post(test, ask('fails first', { stream: true }))));
  t.equal(engine.requests.filter((request) => request.method === 'POST').length, 2, 'the failure, then one follower');
  t.strictSame(replies.map((reply) => reply.headers.get('x-switchyard-cache')).sort(), ['hit', 'hit', 'miss', 'miss']);
  t.match(await test.scrape(), /switchyard_cache_waits_total\{model="gpu",outcome="lead"\} 1\n/);
});

t.test("Cache-Control: only-if-cached gets the stored answer or a 504 in the client's protocol, never an engine's answer", async (t) => {
  const test = await router(t, config({ deterministicOnly: true }));
  const onlyCached = { 'cache-control': 'only-if-cached' };
  const missing = await post(test, ask('not there yet'), onlyCached);
  t.equal(missing.status, 504);
  t.equal(missing.headers.get('x-switchyard-cache'), 'miss');
  t.equal(missing.headers.get('x-should-retry'), 'false', 'the SDKs would retry a 504 that cannot change');
  t.match(JSON.parse(missing.text), { error: { code: 'not_cached', type: 'invalid_request_error' } });
  t.equal(engine.requests.filter((request) => request.method === 'POST').length, 0, 'no engine was asked');

  const stored = await post(test, ask('not there yet'));
  t.equal(stored.headers.get('x-switchyard-cache'), 'miss');
  const hit = await post(test, ask('not there yet'), onlyCached);
  t.equal(hit.status, 200);
  t.equal(hit.headers.get('x-switchyard-cache'), 'hit');
  t.equal(contentOf(hit), contentOf(stored));
  t.equal((await post(test, ask('not there yet'), { 'cache-control': 'no-cache, only-if-cached' })).status, 504, 'no-cache: no stored answer may be used');
  const random = await post(test, ask('not there yet', { temperature: 0.7 }), onlyCached);
  t.strictSame([random.status, random.headers.get('x-switchyard-cache')], [504, 'bypass'], 'a request the cache does not take');
  t.equal(engine.requests.filter((request) => request.method === 'POST').length, 1, 'only the request without the directive reached the engine');

  // Anthropic's Messages API: its own envelope, 504 as timeout_error.
  const messages = await fetch(`${test.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...onlyCached },
    body: JSON.stringify({ model: 'gpu', max_tokens: 8, temperature: 0, messages: [{ role: 'user', content: 'not in messages yet' }] }),
  });
  t.equal(messages.status, 504);
  t.match(await messages.json(), { type: 'error', error: { type: 'timeout_error' } });
});

t.test("key scope: key B never gets key A's answer; shared scope shares; a hit charges nothing to the key", async (t) => {
  const keys = [
    { id: 'team-a', hash: sha256(SECRET_A), limits: { tokensLifetime: 100_000 }, metadata: { team: 'red' } },
    { id: 'team-b', hash: sha256(SECRET_B), limits: { tokensLifetime: 100_000 }, metadata: { team: 'red' } },
  ];
  const test = await router(t, config({}, { auth: { required: true, keys } }));
  const as = (secret: string) => ({ authorization: `Bearer ${secret}` });
  await post(test, ask('k'), as(SECRET_A));
  t.equal((await post(test, ask('k'), as(SECRET_B))).headers.get('x-switchyard-cache'), 'miss', "B misses A's entry");
  // Settles land after the response: wait for the miss's, serve the hit, then a second miss; once that
  // one has landed the key has been charged for the two misses and nothing else.
  await waitFor('the first settle', async () => (await used(test, 'team-a')) === 10);
  const hit = await post(test, ask('k'), as(SECRET_A));
  t.equal(hit.headers.get('x-switchyard-cache'), 'hit');
  await post(test, ask('k2'), as(SECRET_A));
  await waitFor('the second settle', async () => (await used(test, 'team-a')) >= 20);
  t.equal(await used(test, 'team-a'), 20, "a hit leaves the key's usage unchanged");
  t.match(await test.scrape(), /switchyard_key_cache_tokens_total\{key="team-a",tier="gpu",direction="prompt"\} 7/);

  const shared = await router(t, config({ scope: 'metadata:team' }, { auth: { required: true, keys } }));
  await post(shared, ask('m'), as(SECRET_A));
  t.equal((await post(shared, ask('m'), as(SECRET_B))).headers.get('x-switchyard-cache'), 'hit', 'same team, shared');
});

t.test('embeddings are cached whatever the sampling settings (they have none)', async (t) => {
  const test = await router(t, config({ deterministicOnly: true }));
  const vectors = { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2] }], model: 'served-gpu', usage: { prompt_tokens: 2, total_tokens: 2 } };
  engine.reply({ kind: 'json', body: vectors });
  const first = await test.client.embeddings.create({ model: 'gpu', input: 'hello', encoding_format: 'float' }).withResponse();
  const second = await test.client.embeddings.create({ model: 'gpu', input: 'hello', encoding_format: 'float' }).withResponse();
  t.strictSame([first.response.headers.get('x-switchyard-cache'), second.response.headers.get('x-switchyard-cache')], ['miss', 'hit']);
  t.strictSame(second.data.data, vectors.data);
  t.equal(engine.requests.length, 1);
});

t.test("the simulated vLLM's own wire bytes: tool calls and n=2 cross over in both directions, as the SDK's stream accumulator reads them", async (t) => {
  const test = await router(t, {
    logging: { level: 'info' },
    models: { sim: { tiers: ['sim'], cache: {} } },
    tiers: { sim: { pools: ['sim'] } },
    pools: { sim: { engine: 'sim', servedModel: 'sim-model', engineMetrics: { intervalMs: 0 }, sim: { ttftMs: 0, tokensPerSecond: 0 }, replicas: [{ name: 's0' }] } },
  });
  const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  const request = (content: string) => ({
    model: 'sim',
    messages: [{ role: 'user' as const, content }],
    temperature: 0,
    n: 2,
    tools,
    tool_choice: { type: 'function' as const, function: { name: 'get_weather' } },
  });
  // Plain first, then streamed: the stream is made from the stored JSON.
  const plain = await test.client.chat.completions.create(request('weather in Paris?'));
  const fromJson = test.client.chat.completions.stream({ ...request('weather in Paris?'), stream_options: { include_usage: true } });
  const folded = await fromJson.finalChatCompletion();
  t.strictSame(
    folded.choices.map((choice) => [choice.index, choice.finish_reason, choice.message.tool_calls]),
    plain.choices.map((choice) => [choice.index, choice.finish_reason, choice.message.tool_calls]),
  );
  t.strictSame(folded.usage, { ...plain.usage, cost: 0 });
  // Streamed first (vLLM's chunks stored as they came), then plain: the JSON is folded from the chunks.
  const streamed = await test.client.chat.completions.stream({ ...request('weather in Rome?'), stream_options: { include_usage: true } }).finalChatCompletion();
  const again = await test.client.chat.completions.create(request('weather in Rome?')).withResponse();
  t.equal(again.response.headers.get('x-switchyard-cache'), 'hit');
  t.strictSame(
    again.data.choices.map((choice) => [choice.index, choice.finish_reason, choice.message.tool_calls]),
    streamed.choices.map((choice) => [choice.index, choice.finish_reason, choice.message.tool_calls]),
  );
  t.equal(again.data.choices[1]?.message.tool_calls?.[0]?.type, 'function');
  t.strictSame(again.data.usage, streamed.usage);
  t.strictSame(
    test.requestLogs().map((line) => line['cache']),
    ['miss', 'hit', 'miss', 'hit'],
  );
});

t.test('an alias without a cache block has no cache header and stores nothing', async (t) => {
  const test = await router(t, configFor({ gpu: [engine.url] }));
  const a = await post(test, ask('n'));
  const b = await post(test, ask('n'));
  t.strictSame([a.headers.get('x-switchyard-cache'), b.headers.get('x-switchyard-cache')], [null, null]);
  t.equal(engine.requests.length, 2);
  t.notOk('cache' in test.requestLogs()[0]!);
});

async function used(test: TestRouter, id: string): Promise<number> {
  const res = await fetch(`${test.url}/admin/keys/${id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return ((await res.json()) as { usage: { tokens: { lifetime: { used: number } } } }).usage.tokens.lifetime.used;
}

function contentOf(reply: Reply): string {
  return (JSON.parse(reply.text) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
}

t.test('Cache-Control max-age (RFC 9111 5.2.1.1): max-age=0 never takes a stored answer, max-age=N one at most N seconds old; case and repeats do not matter', async (t) => {
  const test = await router(t, config());
  await post(test, ask('m'));
  const zero = await post(test, ask('m'), { 'cache-control': 'max-age=0' });
  t.equal(zero.headers.get('x-switchyard-cache'), 'bypass', 'max-age=0: the client takes no stored answer (as no-cache)');
  t.equal(engine.requests.length, 2);
  const minute = await post(test, ask('m'), { 'cache-control': 'Max-Age=60' });
  t.equal(minute.headers.get('x-switchyard-cache'), 'hit', 'an entry seconds old is fresh enough for max-age=60');
  // Repeated headers are one list (RFC 9110 5.3); fetch joins them as node reads them.
  const headers = new Headers([
    ['content-type', 'application/json'],
    ['cache-control', 'max-age=60'],
    ['cache-control', 'NO-CACHE'],
  ]);
  const repeated = await fetch(`${test.url}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify(ask('m')) });
  await repeated.text();
  t.equal(repeated.headers.get('x-switchyard-cache'), 'bypass', 'no-cache in a second Cache-Control header counts');
  const both = await post(test, ask('m'), { 'cache-control': 'No-Cache, No-Store' });
  t.equal(both.headers.get('x-switchyard-cache'), 'bypass');
  t.equal(engine.requests.length, 4);
});

t.test('a reload that shortens ttlMs applies to entries stored before it; turning the cache off stops it at once', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-cache-reload-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'router.yaml');
  engine.requests.length = 0;
  engine.respond = null;
  const test = await startTestRouter(config({ ttlMs: 600_000 }), { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN }, { configPath: path, watchConfig: false });
  t.teardown(() => test.close());
  const reload = async (raw: unknown) => {
    await writeFile(path, stringify(raw));
    const res = await fetch(`${test.url}/admin/config/reload`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    t.equal(res.status, 200, 'reloaded');
    await res.text();
  };
  await post(test, ask('ttl'));
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.equal((await post(test, ask('ttl'))).headers.get('x-switchyard-cache'), 'hit');
  await reload(config({ ttlMs: 10 }));
  t.equal((await post(test, ask('ttl'))).headers.get('x-switchyard-cache'), 'miss', 'an entry older than the new ttlMs is not served');
  t.equal(engine.requests.length, 2);
  await reload(configFor({ gpu: [engine.url] }));
  const off = await post(test, ask('ttl'));
  t.equal(off.headers.get('x-switchyard-cache'), null, 'the cache is off: no header, no lookup');
  t.equal(engine.requests.length, 3);
});

t.test('a reload that changes the model a tier serves does not serve the answers of the one it replaced', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-cache-model-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'router.yaml');
  engine.requests.length = 0;
  engine.respond = null;
  const reloading = await startTestRouter(config(), { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN }, { configPath: path, watchConfig: false });
  t.teardown(() => reloading.close());
  await post(reloading, ask('which model?'));
  t.equal((await post(reloading, ask('which model?'))).headers.get('x-switchyard-cache'), 'hit');
  const replaced = config();
  await writeFile(path, stringify({ ...replaced, pools: { gpu: { ...replaced.pools.gpu, servedModel: 'a-newer-model' } } }));
  const res = await fetch(`${reloading.url}/admin/config/reload`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  t.equal(res.status, 200, 'reloaded');
  const after = await post(reloading, ask('which model?'));
  t.equal(after.headers.get('x-switchyard-cache'), 'miss', 'the new model answers');
  t.equal(engine.requests.filter((request) => request.method === 'POST').at(-1)?.body?.['model'], 'a-newer-model');
});

t.test('a spilled answer in a shared scope is never a hit for a key barred from the tier that answered it', async (t) => {
  const keys = [
    { id: 'team-a', hash: sha256(SECRET_A), metadata: { team: 'red' } },
    { id: 'team-b', hash: sha256(SECRET_B), metadata: { team: 'red' }, tiers: ['small'] },
  ];
  const second = await startFakeEngine();
  t.teardown(() => second.close());
  const dead = `http://127.0.0.1:${await freePort()}`;
  const base = configFor({ small: [dead], large: [second.url] });
  const raw = {
    ...base,
    retry: { backoffBaseMs: 1, backoffMaxMs: 2 },
    auth: { required: true, keys },
    tiers: { small: { pools: ['small'], spillTo: 'large' }, large: { pools: ['large'] } },
    models: { gpu: { tiers: ['small', 'large'], cache: { deterministicOnly: false, scope: 'metadata:team' } } },
  };
  const test = await router(t, raw);
  const as = (secret: string) => ({ authorization: `Bearer ${secret}` });
  const spilled = await post(test, ask('s'), as(SECRET_A));
  t.strictSame([spilled.status, spilled.headers.get('x-switchyard-tier'), spilled.headers.get('x-switchyard-cache')], [200, 'large', 'miss'], spilled.text);
  t.equal((await post(test, ask('s'), as(SECRET_A))).headers.get('x-switchyard-cache'), 'hit', 'A may reach large: its spilled answer is its hit');
  const barred = await post(test, ask('s'), as(SECRET_B));
  t.not(barred.headers.get('x-switchyard-cache'), 'hit', `B may not use large: never large's answer (got ${barred.status} ${barred.headers.get('x-switchyard-tier')})`);
  t.notOk(barred.status === 200 && barred.headers.get('x-switchyard-tier') === 'large', 'nor served by large');
});

t.test('no collisions: a pinned tier, a key barred from a tier, another endpoint, a key without the metadata field', async (t) => {
  const SECRET_C = 'sk-team-c-0123456789abcdef';
  const keys = [
    { id: 'team-a', hash: sha256(SECRET_A), metadata: { team: 'red' } },
    { id: 'team-b', hash: sha256(SECRET_B), tiers: ['small'] },
    { id: 'team-c', hash: sha256(SECRET_C) },
  ];
  const second = await startFakeEngine();
  t.teardown(() => second.close());
  const base = configFor({ small: [engine.url], large: [second.url] });
  const raw = {
    ...base,
    auth: { required: true, keys },
    models: { gpu: { tiers: ['small', 'large'], allowTierHeader: true, cache: { deterministicOnly: false, scope: 'metadata:team' } } },
  };
  const test = await router(t, raw);
  const as = (secret: string, tier?: string) => ({ authorization: `Bearer ${secret}`, ...(tier === undefined ? {} : { 'x-switchyard-tier': tier }) });
  const large = await post(test, ask('t'), as(SECRET_A, 'large'));
  t.equal(large.headers.get('x-switchyard-tier'), 'large', large.text);
  const small = await post(test, ask('t'), as(SECRET_A, 'small'));
  t.strictSame([small.headers.get('x-switchyard-tier'), small.headers.get('x-switchyard-cache')], ['small', 'miss'], "a pin to small never gets large's answer");
  t.equal((await post(test, ask('t'), as(SECRET_A, 'large'))).headers.get('x-switchyard-cache'), 'hit', 'the same pin hits');
  // B and C lack `team`: each keeps its own entries, never a bucket shared by keys without the field.
  // B may not use large: its pin is moved to small (plan.ts), and it gets neither large's answer nor A's.
  const barred = await post(test, ask('t'), as(SECRET_B, 'large'));
  t.strictSame([barred.status, barred.headers.get('x-switchyard-tier'), barred.headers.get('x-switchyard-cache')], [200, 'small', 'miss']);
  t.equal((await post(test, ask('t'), as(SECRET_B, 'small'))).headers.get('x-switchyard-cache'), 'hit', 'its own entry');
  // B and C lack `team`: each keeps its own entries, never a bucket shared by keys without the field.
  t.equal((await post(test, ask('t'), as(SECRET_C, 'small'))).headers.get('x-switchyard-cache'), 'miss', "C has no team either: B's entry is not its");
  const completions = await fetch(`${test.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...as(SECRET_A, 'small') },
    body: JSON.stringify(ask('t')),
  });
  await completions.text();
  t.not(completions.headers.get('x-switchyard-cache'), 'hit', "the chat entry is not the legacy endpoint's");
});
