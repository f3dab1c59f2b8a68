// POST /v1/messages and /v1/messages/count_tokens driven by the official @anthropic-ai/sdk (1.16.0)
// through a real router, against fake chat engines on loopback: create, stream (finalMessage equals
// create's answer), the tool-use round trip, count_tokens, x-api-key and bearer auth, every error in
// Anthropic's envelope and status (529 for overload), a failure after commit, a cache hit and an
// idempotent replay rendered as Messages answers, and the LiteLLM regressions of design-16 §5.
import Anthropic, { APIError, AuthenticationError, BadRequestError, NotFoundError, OverloadedError, RateLimitError } from '@anthropic-ai/sdk';
import { createHash } from 'node:crypto';
import t from 'tap';
import { chatStreamEvents, echoCompletion, startFakeEngine, type RecordedRequest } from '../fixtures/fake-engine.js';
import { startTestRouter } from '../fixtures/start-router.js';

const SECRET = 'sy-anthropic-messages-secret';
const SPENT = 'sy-anthropic-spent-secret';
const NARROW = 'sy-anthropic-narrow-secret-0123456789';
const TIGHT = 'sy-anthropic-tight-secret';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const [engine, busy] = await Promise.all([startFakeEngine(), startFakeEngine()]);
t.teardown(() => Promise.all([engine.close(), busy.close()]));
const pool = (name: string, url: string) => ({
  engine: 'vllm',
  servedModel: `served-${name}`,
  firstTokenTimeoutMs: 2000,
  idleTimeoutMs: 2000,
  healthCheck: { intervalMs: 0 },
  engineMetrics: { intervalMs: 0 },
  replicas: [{ name: `${name}-r0`, url }],
});
const test = await startTestRouter({
  logging: { level: 'info' },
  server: { shutdownGraceMs: 500, maxBodyBytes: 16_384 },
  retry: { backoffBaseMs: 1, backoffMaxMs: 2 },
  auth: {
    required: true,
    keys: [
      { id: 'team', hash: sha256(SECRET), prefix: SECRET.slice(0, 8) },
      { id: 'spent', hash: sha256(SPENT), prefix: SPENT.slice(0, 8), limits: { tokensLifetime: 10 } },
      { id: 'tight', hash: sha256(TIGHT), prefix: TIGHT.slice(0, 8), limits: { tokensPerDay: 60 } },
      { id: 'narrow', hash: sha256(NARROW), prefix: NARROW.slice(0, 8), models: ['claude', 'busy'], tiers: ['gpu'] },
    ],
  },
  models: {
    claude: { tiers: ['gpu'], anthropicModels: ['claude-sonnet-4-5', 'claude-opus-4-8'] },
    cached: { tiers: ['gpu'], cache: {} },
    busy: { tiers: ['busy'] },
    sim: { tiers: ['sim'] },
  },
  tiers: { gpu: { pools: ['gpu'] }, busy: { pools: ['busy'] }, sim: { pools: ['sim'] } },
  pools: {
    gpu: pool('gpu', engine.url),
    busy: pool('busy', busy.url),
    sim: { engine: 'sim', servedModel: 'sim-model', sim: { ttftMs: 1, tokensPerSecond: 2000 }, replicas: [{ name: 'sim-r0' }] },
  },
  // Tight mode: a stream is cut when the key's budget runs out (the spent key is refused up front either way).
  budgets: { budgetMode: 'tight', topUpTokens: 10 },
});
t.teardown(() => test.close());

const client = (options: ConstructorParameters<typeof Anthropic>[0] = {}) => new Anthropic({ baseURL: test.url, apiKey: SECRET, maxRetries: 0, ...options });
const anthropic = client();
const lastRequest = (): RecordedRequest => engine.requests.at(-1)!;
t.beforeEach(() => {
  engine.requests.length = 0;
  engine.respond = null;
});

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  JSON.stringify({ id: 'chatcmpl-t', object: 'chat.completion.chunk', created: 1, model: 'served-gpu', choices: [{ index: 0, delta, finish_reason: finish }] });
const usageChunk = (usage: Record<string, unknown>) => JSON.stringify({ id: 'chatcmpl-t', object: 'chat.completion.chunk', created: 1, model: 'served-gpu', choices: [], usage });

t.test('create: a Message, the client’s model name echoed, the neutral body upstream', async (t) => {
  const message = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
  t.match(message.id, /^msg_/);
  t.strictSame(
    { ...message, id: '' },
    {
      id: '',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'echo: Hi' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      stop_details: null,
      container: null,
      usage: { input_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 3 },
    },
  );
  t.strictSame(lastRequest().body, {
    model: 'served-gpu',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ],
    max_tokens: 64,
  });
  t.equal(lastRequest().path, '/v1/chat/completions');
});

t.test('stream: Anthropic’s events, finalMessage equal to create’s', async (t) => {
  const body = { model: 'claude', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Tell me a story' }] };
  const created = await anthropic.messages.create(body);
  const stream = anthropic.messages.stream(body);
  const types: string[] = [];
  stream.on('streamEvent', (event) => types.push(event.type));
  const final = await stream.finalMessage();
  t.strictSame(final.content, created.content);
  t.equal(final.stop_reason, 'end_turn');
  t.strictSame(final.usage, { input_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 5 });
  t.strictSame(types, ['message_start', 'content_block_start', ...Array<string>(5).fill('content_block_delta'), 'content_block_stop', 'message_delta', 'message_stop']);
  t.equal(lastRequest().body?.['stream'], true);
});

t.test('raw stream bytes: every event named, a ping, no [DONE], no chat usage chunk', async (t) => {
  const res = await fetch(`${test.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': SECRET, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'claude', max_tokens: 10, stream: true, temperature: 0.5, messages: [{ role: 'user', content: 'a b' }] }),
  });
  t.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  t.match(res.headers.get('request-id'), /.+/);
  const text = await res.text();
  const events = text.split('\n\n').filter(Boolean);
  t.ok(
    events.every((event) => event.startsWith('event: ')),
    'every event has its event: line',
  );
  t.ok(text.includes('event: ping\ndata: {"type": "ping"}\n\n'));
  t.notOk(text.includes('[DONE]') || text.includes('chat.completion'));
  t.equal(lastRequest().body?.['temperature'], 0.5);
});

t.test('tool use round trip', async (t) => {
  const tools = [{ name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }];
  engine.respond = (request) =>
    request.body?.['messages'] !== undefined && (request.body['messages'] as { role: string }[]).at(-1)?.role === 'user'
      ? {
          kind: 'json',
          body: {
            ...echoCompletion(null),
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
                finish_reason: 'tool_calls',
              },
            ],
          },
        }
      : null;
  const first = await anthropic.messages.create({
    model: 'claude',
    max_tokens: 64,
    tools,
    tool_choice: { type: 'any' },
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
  });
  t.equal(first.stop_reason, 'tool_use');
  t.strictSame(first.content, [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }]);
  t.strictSame(lastRequest().body?.['tool_choice'], 'required');
  const second = await anthropic.messages.create({
    model: 'claude',
    max_tokens: 64,
    tools,
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '18°C and sunny' }] },
    ],
  });
  t.strictSame(second.content, [{ type: 'text', text: 'echo: 18°C and sunny' }]);
  t.strictSame((lastRequest().body?.['messages'] as unknown[]).slice(1), [
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: '18°C and sunny' },
  ]);
});

t.test('a tool_use input with a 64-bit id reaches the engine as the client wrote it, not as JSON.parse rounded it', async (t) => {
  // Written by hand: a JavaScript client cannot send 2^64 - 1 (a Python one can, and Anthropic keeps it).
  const body = `{"model":"claude","max_tokens":64,"messages":[
    {"role":"user","content":"Look the order up."},
    {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_order","input":{"order_id": 18446744073709551615, "rush": true}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"shipped"}]}]}`;
  const res = await fetch(`${test.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': SECRET, 'anthropic-version': '2023-06-01' },
    body,
  });
  t.equal(res.status, 200, await res.text());
  const calls = (lastRequest().body?.['messages'] as { tool_calls?: { function: { arguments: string } }[] }[])[1]?.tool_calls;
  t.equal(calls?.[0]?.function.arguments, '{"order_id": 18446744073709551615, "rush": true}');
});

t.test('count_tokens: an estimate, the header says so, no engine asked', async (t) => {
  const counted = await anthropic.messages.countTokens({ model: 'claude-opus-4-8', messages: [{ role: 'user', content: 'Hello, how many tokens is this?' }] });
  t.ok(counted.input_tokens > 0 && counted.input_tokens < 100, `${counted.input_tokens} tokens`);
  const res = await fetch(`${test.url}/v1/messages/count_tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': SECRET },
    body: JSON.stringify({ model: 'claude', messages: [{ role: 'user', content: 'Hello, how many tokens is this?' }] }),
  });
  t.equal(res.headers.get('x-switchyard-token-count'), 'estimate');
  t.strictSame(await res.json(), { input_tokens: counted.input_tokens });
  t.equal(engine.requests.length, 0);
  await t.rejects(anthropic.messages.countTokens({ model: 'claude-nope', messages: [{ role: 'user', content: 'x' }] }), NotFoundError);
});

t.test("count_tokens: the key's models and tiers and a pinned tier are held to as on a real request", async (t) => {
  const narrow = client({ apiKey: NARROW });
  const ask = { messages: [{ role: 'user' as const, content: 'x' }] };
  t.ok((await narrow.messages.countTokens({ ...ask, model: 'claude' })).input_tokens > 0);
  for (const call of [narrow.messages.countTokens({ ...ask, model: 'busy' }), narrow.messages.create({ ...ask, model: 'busy', max_tokens: 8 })]) {
    const refused: unknown = await call.then(
      () => null,
      (thrown: unknown) => thrown,
    );
    t.match(refused, { status: 403, error: { error: { type: 'permission_error', message: /may not use any tier of model `busy`/ } } }, "no tier of busy is the key's");
  }
  const unknown: unknown = await narrow.messages.countTokens({ ...ask, model: 'sim-nope' }).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  t.match(unknown, { status: 404 });
  t.match((unknown as Error).message, /Known models: claude, busy\./, 'the models listed are only those the key may use');
  const pinned: unknown = await anthropic.messages.countTokens({ ...ask, model: 'claude' }, { headers: { 'x-switchyard-tier': 'bogus' } }).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  t.match(pinned, { status: 400 }, 'a tier the model does not have is refused, as on /v1/messages');
});

t.test("the models calls of Anthropic's SDK get Anthropic's Models API: aliases and the Anthropic names they list", async (t) => {
  const all: string[] = [];
  for await (const model of anthropic.models.list({ limit: 2 })) all.push(model.id);
  t.strictSame(all, ['claude', 'claude-sonnet-4-5', 'claude-opus-4-8', 'cached', 'busy', 'sim'], 'every page, in the config order');
  const page = await anthropic.models.list({ limit: 3 });
  t.match(page, { first_id: 'claude', last_id: 'claude-opus-4-8', has_more: true });
  const back = await anthropic.models.list({ before_id: 'busy', limit: 2 });
  t.match(back, { first_id: 'claude-opus-4-8', last_id: 'cached', has_more: true }, 'paged back from before_id');
  t.strictSame(
    back.data.map((model) => model.id),
    ['claude-opus-4-8', 'cached'],
  );
  const info = await anthropic.models.retrieve('claude-opus-4-8');
  t.strictSame(Object.keys(info).sort(), [
    'capabilities',
    'created_at',
    'deprecated_at',
    'display_name',
    'id',
    'lifecycle',
    'line',
    'max_input_tokens',
    'max_tokens',
    'retires_at',
    'type',
  ]);
  t.match(info, { type: 'model', id: 'claude-opus-4-8', display_name: 'claude-opus-4-8', lifecycle: 'active' });
  t.ok(!Number.isNaN(Date.parse(info.created_at)), 'created_at is an RFC 3339 time');
  const missing: unknown = await anthropic.models.retrieve('claude-nope').then(
    () => null,
    (thrown: unknown) => thrown,
  );
  t.type(missing, NotFoundError);
  t.match((missing as APIError).error, { type: 'error', error: { type: 'not_found_error', message: 'model: claude-nope' } });
  // The key's models hold, its x-api-key is read, and OpenAI's clients still get OpenAI's list.
  const narrow: string[] = [];
  for await (const model of client({ apiKey: NARROW }).models.list()) narrow.push(model.id);
  t.strictSame(narrow, ['claude', 'claude-sonnet-4-5', 'claude-opus-4-8', 'busy']);
  const bad: unknown = await client({ apiKey: 'sk-not-a-key' })
    .models.list()
    .then(
      () => null,
      (thrown: unknown) => thrown,
    );
  t.match(bad, { status: 401, error: { type: 'error', error: { type: 'authentication_error' } } });
  const openai = await fetch(`${test.url}/v1/models`, { headers: { authorization: `Bearer ${SECRET}` } });
  t.match(await openai.json(), { object: 'list', data: [{ id: 'claude', object: 'model', owned_by: 'switchyard' }] });
});

// count_tokens runs nothing on an engine and charges nothing, so a retry is already harmless: it ignores
// an Idempotency-Key entirely, a malformed one included (README, Idempotency keys), and keeps no record.
t.test('count_tokens ignores Idempotency-Key: a malformed one is no 400, a repeated one is counted again, never replayed', async (t) => {
  const body = { model: 'claude', messages: [{ role: 'user' as const, content: 'Hello, how many tokens is this?' }] };
  const expected = await anthropic.messages.countTokens(body);
  for (const key of ['k'.repeat(256), '"unclosed', 'same-key', 'same-key']) {
    const res = await fetch(`${test.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': SECRET, 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    t.equal(res.status, 200, key.slice(0, 20));
    t.equal(res.headers.get('x-switchyard-idempotent-replay'), null);
    t.strictSame(await res.json(), expected);
  }
  t.equal(engine.requests.length, 0);
});

t.test('auth: x-api-key only, bearer only, both (x-api-key wins), neither', async (t) => {
  const apiKeyOnly = client({ apiKey: null, authToken: null, defaultHeaders: { 'x-api-key': SECRET } });
  t.equal((await apiKeyOnly.messages.create({ model: 'claude', max_tokens: 8, messages: [{ role: 'user', content: 'a' }] })).type, 'message');
  t.equal(lastRequest().headers['authorization'], undefined, 'the router never forwards the client key');
  t.equal((await anthropic.messages.create({ model: 'claude', max_tokens: 8, messages: [{ role: 'user', content: 'b' }] })).type, 'message');
  const both = client({ apiKey: 'sy-wrong-bearer', defaultHeaders: { 'x-api-key': SECRET } });
  t.equal((await both.messages.create({ model: 'claude', max_tokens: 8, messages: [{ role: 'user', content: 'c' }] })).type, 'message');
  const wrongApiKey = client({ apiKey: SECRET, defaultHeaders: { 'x-api-key': 'sy-wrong-x-api-key' } });
  const refused = await wrongApiKey.messages.create({ model: 'claude', max_tokens: 8, messages: [{ role: 'user', content: 'd' }] }).catch((error: unknown) => error);
  t.type(refused, AuthenticationError);
  t.equal((refused as AuthenticationError).type, 'authentication_error');
  const none = await fetch(`${test.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  t.equal(none.status, 401);
  t.match(((await none.json()) as { error: { message: string } }).error.message, /x-api-key/);
});

t.test('errors in Anthropic’s envelope and statuses', async (t) => {
  const body = { model: 'busy', max_tokens: 8, messages: [{ role: 'user' as const, content: 'x' }] };
  busy.reply({ kind: 'json', status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'later' } }, headers: { 'retry-after': '30' } });
  const overloaded = await anthropic.messages.create(body).catch((error: unknown) => error);
  // no_replica (a pool with nothing to pick) maps to the same 529 (the unit table); over HTTP a cooled
  // replica is still picked in panic mode, so an engine's own overload is what a test can provoke.
  t.type(overloaded, OverloadedError, 'an overloaded engine: 529');
  t.equal((overloaded as APIError).status, 529);
  t.equal((overloaded as APIError).type, 'overloaded_error');
  t.match((overloaded as APIError).requestID, /.+/);
  t.strictSame(Object.keys((overloaded as APIError).error as object), ['type', 'error', 'request_id']);

  const spent = await client({ apiKey: SPENT })
    .messages.create({ model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: 'x' }] })
    .catch((error: unknown) => error);
  t.type(spent, RateLimitError);
  t.equal((spent as RateLimitError).headers?.get('x-should-retry'), 'false');

  const raw = async (payload: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${test.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': SECRET, ...headers }, body: payload });
    return { status: res.status, body: (await res.json()) as { type: string; error: { type: string; message: string }; request_id: string } };
  };
  const big = await raw(JSON.stringify({ ...body, messages: [{ role: 'user', content: 'x'.repeat(20_000) }] }));
  t.strictSame([big.status, big.body.type, big.body.error.type], [413, 'error', 'request_too_large']);
  const notJson = await raw('{"model":');
  t.strictSame([notJson.status, notJson.body.error.type], [400, 'invalid_request_error']);
  const unknownModel = await raw(JSON.stringify({ ...body, model: 'claude-unknown' }));
  t.strictSame([unknownModel.status, unknownModel.body.error.type], [404, 'not_found_error']);
});

t.test('malformed bodies: 400 invalid_request_error through the SDK, never a 500', async (t) => {
  const rows: [Record<string, unknown>, RegExp][] = [
    [{ model: 'claude', max_tokens: 8, messages: 'hi' }, /^messages: Input should be a valid list/],
    [{ model: 'claude', max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'video' }] }] }, /^messages\.0\.content\.0\.type: unknown content block type 'video'/],
    [
      {
        model: 'claude',
        max_tokens: 8,
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', content: 'r' }] },
        ],
      },
      /^messages\.2\.content\.0\.tool_use_id: Field required/,
    ],
    [{ model: 'claude', messages: [{ role: 'user', content: 'x' }] }, /^max_tokens: Field required/],
    [
      { model: 'claude', max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: 'AA==' } }] }] },
      /^messages\.0\.content\.0\.source\.media_type/,
    ],
    [{ model: 'claude', max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] }, /document blocks are not supported/],
    [{ model: 'claude', max_tokens: 8, tools: [{ type: 'web_search_20250305', name: 'web_search' }], messages: [{ role: 'user', content: 'x' }] }, /server tools/],
  ];
  for (const [body, message] of rows) {
    // The SDK's types would refuse these bodies: they are what a hostile or buggy client sends.
    const error = await anthropic.messages.create(body as unknown as Anthropic.MessageCreateParamsNonStreaming).catch((thrown: unknown) => thrown);
    t.type(error, BadRequestError, String(message));
    t.equal((error as BadRequestError).type, 'invalid_request_error');
    t.match((error as BadRequestError).error, { type: 'error', error: { type: 'invalid_request_error', message } });
  }
  // The SDK itself trips over a null message before sending it; curl does not.
  const res = await fetch(`${test.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': SECRET },
    body: JSON.stringify({ model: 'claude', max_tokens: 8, messages: [null, 7, { role: 'user', content: 'x' }] }),
  });
  t.equal(res.status, 400);
  t.match(await res.json(), { type: 'error', error: { type: 'invalid_request_error', message: /^messages\.0: Input should be an object/ } });
  t.equal(engine.requests.length, 0, 'no engine was asked');
});

t.test('a failure after commit: the SDK’s stream throws APIError', async (t) => {
  engine.respond = () => ({ kind: 'stream', events: chatStreamEvents(['one ', 'two ', 'three ', 'four ']), dropAfter: 3 });
  const stream = anthropic.messages.stream({ model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: 'x' }] });
  const texts: string[] = [];
  stream.on('text', (text) => texts.push(text));
  const error = await stream.finalMessage().catch((thrown: unknown) => thrown);
  t.type(error, APIError);
  t.match((error as APIError).error, { type: 'error', error: { type: 'api_error', message: /broke off|before it finished/ } });
  t.strictSame(texts, ['one ', 'two ']);
});

t.test('LiteLLM regressions end to end: thinking block, parallel calls, args in the last chunk, cached tokens', async (t) => {
  engine.respond = () => ({
    kind: 'stream',
    events: [
      chunk({ role: 'assistant', content: '' }),
      chunk({ reasoning_content: 'Two cities.' }),
      chunk({ content: 'Both:', tool_calls: [] }),
      chunk({ tool_calls: [{ index: 0, id: 'c0', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] }, 'tool_calls'),
      usageChunk({ prompt_tokens: 1200, completion_tokens: 30, total_tokens: 1230, prompt_tokens_details: { cached_tokens: 1024 } }),
    ],
  });
  const stream = anthropic.messages.stream({ model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: 'Weather in Paris and Rome?' }] });
  let starts = 0;
  stream.on('streamEvent', (event) => void (event.type === 'message_start' && starts++));
  const final = await stream.finalMessage();
  t.equal(starts, 1, 'one message_start');
  t.strictSame(final.content, [
    { type: 'thinking', thinking: 'Two cities.', signature: '' },
    { type: 'text', text: 'Both:' },
    { type: 'tool_use', id: 'c0', name: 'get_weather', input: { city: 'Paris' } },
    { type: 'tool_use', id: 'c1', name: 'get_weather', input: { city: 'Rome' } },
  ]);
  t.equal(final.stop_reason, 'tool_use');
  t.strictSame(final.usage, { input_tokens: 176, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024, output_tokens: 30 });
});

t.test('a cache hit and an idempotent replay are Messages answers too', async (t) => {
  const body = { model: 'cached', max_tokens: 16, temperature: 0, messages: [{ role: 'user' as const, content: 'cache me' }] };
  const first = await anthropic.messages.create(body);
  const hit = await anthropic.messages.create(body).withResponse();
  t.equal(hit.response.headers.get('x-switchyard-cache'), 'hit');
  t.strictSame(hit.data.content, first.content);
  t.not(hit.data.id, first.id, 'a hit is a new message');
  const streamed = await anthropic.messages.stream(body).finalMessage();
  t.strictSame(streamed.content, first.content, 'a stream served from the stored answer');
  t.equal(engine.requests.length, 1);

  const keyed = { headers: { 'Idempotency-Key': 'anthropic-replay-1' } };
  const original = await anthropic.messages.create({ model: 'claude', max_tokens: 16, messages: [{ role: 'user', content: 'once' }] }, keyed);
  const replay = await anthropic.messages.create({ model: 'claude', max_tokens: 16, messages: [{ role: 'user', content: 'once' }] }, keyed).withResponse();
  t.strictSame(replay.data, original, 'the replay is the same Message, id included');
  t.equal(engine.requests.length, 2);
});

t.test('a hostile client: other methods, content types, odd names, the query Claude Code adds', async (t) => {
  const post = (body: string, headers: Record<string, string> = {}, path = '/v1/messages') =>
    fetch(`${test.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': SECRET, ...headers }, body });
  const get = await fetch(`${test.url}/v1/messages`, { headers: { 'x-api-key': SECRET } });
  t.equal(get.status, 405);
  t.equal(get.headers.get('allow'), 'POST');
  t.match(await get.json(), { type: 'error', error: { type: 'invalid_request_error', message: /Method not allowed/ } });
  const form = await post('model=claude', { 'content-type': 'application/x-www-form-urlencoded' });
  t.equal(form.status, 415);
  t.match(await form.json(), { type: 'error', error: { type: 'invalid_request_error' } });
  for (const model of ['__proto__', 'constructor', 'toString']) {
    const res = await post(JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
    t.equal(res.status, 404, model);
  }
  const choice = await post(
    JSON.stringify({ model: 'claude', max_tokens: 5, tools: [{ name: 'f', input_schema: {} }], tool_choice: { type: 'toString' }, messages: [{ role: 'user', content: 'x' }] }),
  );
  t.equal(choice.status, 400);
  const beta = await post(
    JSON.stringify({ model: 'claude', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    { 'anthropic-beta': 'whatever-2099-01-01' },
    '/v1/messages?beta=true',
  );
  t.equal(beta.status, 200);
  t.match(await beta.json(), { type: 'message', content: [{ type: 'text', text: 'echo: x' }] });
  const deep = await post(
    JSON.stringify({ model: 'claude', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x'.repeat(5000), content: 'r' }] }] }),
  );
  t.equal(deep.status, 400);
  t.ok(((await deep.json()) as { error: { message: string } }).error.message.length < 300, 'client text in a message is clipped');
  t.equal(engine.requests.length, 1, 'only the good request reached the engine');
});

t.test('the built-in simulator: create and stream give the same answer', async (t) => {
  const body = { model: 'sim', max_tokens: 40, messages: [{ role: 'user' as const, content: 'Explain a queue in one paragraph.' }] };
  const created = await anthropic.messages.create(body);
  t.equal(created.content[0]?.type, 'text');
  const final = await anthropic.messages.stream(body).finalMessage();
  t.strictSame(final.content, created.content);
  t.strictSame([final.stop_reason, final.usage.output_tokens], [created.stop_reason, created.usage.output_tokens]);
  t.ok(final.usage.input_tokens > 0);
});

t.test('a failure before the first token is an error response the SDK’s stream raises as its class', async (t) => {
  busy.reply({ kind: 'json', status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'later' } } });
  const error = await anthropic.messages
    .stream({ model: 'busy', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })
    .finalMessage()
    .catch((thrown: unknown) => thrown);
  t.type(error, OverloadedError);
});

t.test('a budget running out mid-stream: the answer closed as max_tokens, then rate_limit_error', async (t) => {
  engine.respond = () => ({ kind: 'stream', events: chatStreamEvents(Array.from({ length: 200 }, (_, i) => `w${i} `)), delayMs: 1 });
  const stream = client({ apiKey: TIGHT }).messages.stream({ model: 'claude', max_tokens: 400, messages: [{ role: 'user', content: 'x' }] });
  const types: string[] = [];
  let usage: { input_tokens: number | null; output_tokens: number } | null = null;
  stream.on('streamEvent', (event) => {
    types.push(event.type === 'message_delta' ? `message_delta:${event.delta.stop_reason}` : event.type);
    if (event.type === 'message_delta') usage = event.usage;
  });
  const error = await stream.finalMessage().catch((thrown: unknown) => thrown);
  t.type(error, APIError);
  t.match((error as APIError).error, { type: 'error', error: { type: 'rate_limit_error' } });
  t.strictSame(types.slice(-2), ['content_block_stop', 'message_delta:max_tokens']);
  // The engine's usage never comes: the closing message_delta says what the key was charged.
  t.match(usage, { input_tokens: Number, output_tokens: Number });
  t.ok(usage !== null && (usage as { output_tokens: number }).output_tokens > 0 && ((usage as { input_tokens: number | null }).input_tokens ?? 0) > 0, JSON.stringify(usage));
  t.notOk(types.includes('message_stop'));
});
