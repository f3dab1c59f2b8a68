// The OpenAI Responses API as the official `openai` 6 SDK uses it, against a real router and a
// scripted chat engine on loopback: create, stream, a function-call round trip through
// previous_response_id, the stored response (retrieve, input items, delete), ownership across keys,
// store: false, a failure after commit, and bad input answered with a precise 400.
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import t from 'tap';
import { chatStreamEvents, startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter } from '../fixtures/start-router.js';

const SECRET_A = 'sk-responses-key-a-0123456789';
const SECRET_B = 'sk-responses-key-b-0123456789';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const key = (id: string, secret: string) => ({ id, hash: sha256(secret), prefix: secret.slice(0, 8) });

const engine = await startFakeEngine();
const test = await startTestRouter(
  configFor({ chat: [engine.url] }, { auth: { required: true, keys: [key('a', SECRET_A), key('b', SECRET_B)] }, responses: { maxChainDepth: 3, maxEntryBytes: 8192 } }),
);
const a = new OpenAI({ baseURL: `${test.url}/v1`, apiKey: SECRET_A, maxRetries: 0 });
const b = new OpenAI({ baseURL: `${test.url}/v1`, apiKey: SECRET_B, maxRetries: 0 });
t.teardown(async () => {
  await test.close();
  await engine.close();
});
t.beforeEach(() => {
  engine.requests.length = 0;
});

const completion = (message: Record<string, unknown>, finish = 'stop', usage = { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 }) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1700000000,
  model: 'served-chat',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
  usage,
});

const storeOf = (response: object): unknown => (response as { store?: unknown }).store;

t.test('create: text in, the chat body the engine gets, the Response out', async (t) => {
  engine.reply({ kind: 'json', body: completion({ content: 'Hi there.' }) });
  const response = await a.responses.create({ model: 'chat', instructions: 'Be brief.', input: 'Say hi', temperature: 0.5, max_output_tokens: 64, metadata: { team: 'x' } });
  t.strictSame(engine.requests[0]?.body, {
    model: 'served-chat',
    temperature: 0.5,
    max_tokens: 64,
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Say hi' },
    ],
  });
  t.equal(engine.requests[0]?.path, '/v1/chat/completions');
  t.match(response.id, /^resp_[0-9a-f]{32}$/);
  t.equal(response.object, 'response');
  t.equal(response.status, 'completed');
  t.equal(response.output_text, 'Hi there.');
  t.equal(response.model, 'chat');
  t.strictSame(response.metadata, { team: 'x' });
  t.strictSame(response.usage, {
    input_tokens: 9,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: 4,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 13,
  });
  t.equal(storeOf(response), true, 'the object says it is stored (not in the SDK type; in OAS examples)');
  const again = await a.responses.retrieve(response.id);
  t.strictSame(again, response, 'retrieve gives the created object');
});

t.test('stream: the event order, sequence numbers from 0, finalResponse() equal to the stored object', async (t) => {
  engine.reply({ kind: 'stream', events: chatStreamEvents(['Hello', ' world']) });
  const stream = a.responses.stream({ model: 'chat', input: 'greet' });
  const events: { type: string; sequence_number: number }[] = [];
  for await (const event of stream) events.push({ type: event.type, sequence_number: event.sequence_number });
  const final = await stream.finalResponse();
  t.strictSame(
    events.map((e) => e.type),
    [
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ],
  );
  t.strictSame(
    events.map((e) => e.sequence_number),
    events.map((_, i) => i),
  );
  t.equal(final.output_text, 'Hello world');
  t.equal(final.status, 'completed');
  t.equal(final.usage?.output_tokens, 2);
  // finalResponse() adds the SDK's parse results (parsed, output_parsed): the wire object is the rest.
  t.strictSame(
    await a.responses.retrieve(final.id),
    JSON.parse(JSON.stringify(final, (name, value: unknown) => (name === 'parsed' || name === 'output_parsed' ? undefined : value))),
  );
});

t.test('a function call round trip through previous_response_id', async (t) => {
  engine.reply({
    kind: 'json',
    body: completion({ content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] }, 'tool_calls'),
  });
  const tools = [{ type: 'function' as const, name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }];
  const first = await a.responses.create({ model: 'chat', input: 'Weather in Paris?', tools });
  const call = first.output[0];
  t.equal(call?.type, 'function_call');
  if (call?.type !== 'function_call') return;
  t.equal(call.call_id, 'call_1');
  t.equal(call.arguments, '{"city":"Paris"}');
  engine.reply({ kind: 'json', body: completion({ content: 'Sunny.' }) });
  const second = await a.responses.create({
    model: 'chat',
    previous_response_id: first.id,
    input: [{ type: 'function_call_output', call_id: 'call_1', output: '{"sky":"clear"}' }],
    tools,
  });
  t.equal(second.output_text, 'Sunny.');
  t.equal(second.previous_response_id, first.id);
  t.strictSame(engine.requests[1]?.body?.['messages'], [
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: '{"sky":"clear"}' },
  ]);
  t.strictSame(engine.requests[1]?.body?.['tools'], [{ type: 'function', function: { name: 'weather', parameters: tools[0]?.parameters, strict: false } }]);
});

t.test('input items: paged one at a time to the end; delete, then 404', async (t) => {
  engine.reply({ kind: 'json', body: completion({ content: 'ok' }) });
  const created = await a.responses.create({
    model: 'chat',
    input: [
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'two' },
      { role: 'user', content: [{ type: 'input_text', text: 'three' }] },
    ],
  });
  const texts: string[] = [];
  for await (const item of a.responses.inputItems.list(created.id, { limit: 1, order: 'asc' })) {
    if (item.type === 'message') texts.push(item.content.map((part) => ('text' in part ? part.text : '')).join(''));
  }
  t.strictSame(texts, ['one', 'two', 'three']);
  const desc = await a.responses.inputItems.list(created.id, { limit: 2 });
  t.equal(desc.data.length, 2);
  t.equal(desc.has_more, true);
  await a.responses.delete(created.id);
  await t.rejects(a.responses.retrieve(created.id), { status: 404, code: 'response_not_found' });
  await t.rejects(a.responses.delete(created.id), { status: 404, code: 'response_not_found' });
});

t.test('cancel: only a background response could be cancelled, and none is ever made here (400); an unknown or foreign id is a 404', async (t) => {
  engine.reply({ kind: 'json', body: completion({ content: 'ok' }) });
  const created = await a.responses.create({ model: 'chat', input: 'hi' });
  await t.rejects(a.responses.cancel(created.id), { status: 400, code: 'invalid_request', param: null });
  await t.rejects(b.responses.cancel(created.id), { status: 404, code: 'response_not_found' });
  await t.rejects(a.responses.cancel('resp_0000'), { status: 404, code: 'response_not_found' });
  t.equal((await a.responses.retrieve(created.id)).status, 'completed', 'the response is as it was');
});

t.test("another key never reaches a key's responses: 404 on reads and delete, 400 as previous_response_id", async (t) => {
  engine.reply({ kind: 'json', body: completion({ content: 'secret' }) });
  const mine = await a.responses.create({ model: 'chat', input: 'hello' });
  await t.rejects(b.responses.retrieve(mine.id), { status: 404, code: 'response_not_found' });
  await t.rejects(b.responses.delete(mine.id), { status: 404, code: 'response_not_found' });
  await t.rejects(b.responses.inputItems.list(mine.id), { status: 404, code: 'response_not_found' });
  await t.rejects(b.responses.create({ model: 'chat', previous_response_id: mine.id, input: 'what did they say?' }), {
    status: 400,
    code: 'previous_response_not_found',
    param: 'previous_response_id',
  });
  t.equal(engine.requests.length, 1, 'the engine never saw key B');
  t.equal((await a.responses.retrieve(mine.id)).id, mine.id, 'still there for its owner');
});

t.test('store: false is answered and not kept', async (t) => {
  engine.reply({ kind: 'json', body: completion({ content: 'gone' }) });
  const response = await a.responses.create({ model: 'chat', input: 'x', store: false });
  t.equal(storeOf(response), false);
  await t.rejects(a.responses.retrieve(response.id), { status: 404, code: 'response_not_found' });
});

t.test('an engine failure after commit: the items end, then response.failed; finalResponse() resolves failed', async (t) => {
  engine.reply({ kind: 'stream', events: chatStreamEvents(['partial', ' answer']).slice(0, 2), dropAfter: 2 });
  const stream = a.responses.stream({ model: 'chat', input: 'x' });
  const types: string[] = [];
  for await (const event of stream) types.push(event.type);
  const final = await stream.finalResponse();
  t.strictSame(types.slice(-5), ['response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.failed']);
  t.equal(final.status, 'failed');
  t.equal(final.error?.code, 'server_error');
  t.match(final.error?.message, /broke off/);
  t.equal(final.output_text, 'partial');
  await t.rejects(a.responses.retrieve(final.id), { status: 404, code: 'response_not_found' }, 'a failed response is not stored');
});

t.test('bad input: a precise 400 naming the parameter, never a 500', async (t) => {
  const cases: [Record<string, unknown>, string, string][] = [
    [{ input: [{ type: 'item_reference', id: 'x' }] }, 'input[0].type', 'unsupported_parameter'],
    [{ input: [{ type: 'bogus' }] }, 'input[0].type', 'invalid_request'],
    [{ input: 'x', tools: [{ type: 'web_search' }] }, 'tools[0].type', 'unsupported_parameter'],
    [{ input: 'x', background: true }, 'background', 'unsupported_parameter'],
    [{ input: 'x', n: 2 }, 'n', 'invalid_request'],
    [{ input: 'x', max_output_tokens: 3 }, 'max_output_tokens', 'invalid_request'],
    [{ input: 'x', previous_response_id: 'resp_nope' }, 'previous_response_id', 'previous_response_not_found'],
    [{}, 'input', 'invalid_request'],
  ];
  for (const [body, param, code] of cases) {
    const response = await fetch(`${test.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET_A}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', ...body }),
    });
    const json = (await response.json()) as { error: { param: string; code: string } };
    t.equal(response.status, 400, JSON.stringify(body));
    t.strictSame([json.error.param, json.error.code], [param, code], JSON.stringify(body));
  }
  t.equal(engine.requests.length, 0);
});

t.test('hostile: a chain deeper than maxChainDepth, a response over maxEntryBytes, odd ids and queries', async (t) => {
  let previous: string | null = null;
  for (let turn = 0; turn < 4; turn++) {
    const response: { id: string } = await a.responses.create({ model: 'chat', input: `turn ${turn}`, previous_response_id: previous });
    previous = response.id;
  }
  await t.rejects(
    a.responses.create({ model: 'chat', input: 'one more', previous_response_id: previous }),
    { status: 400, code: 'invalid_request', param: 'previous_response_id' },
    'a fifth turn would reach back through four',
  );

  const big = await a.responses.create({ model: 'chat', input: 'x'.repeat(9000) });
  t.equal(storeOf(big), false, 'too large to keep: says so');
  await t.rejects(a.responses.retrieve(big.id), { status: 404, code: 'response_not_found' });

  const created = await a.responses.create({ model: 'chat', input: 'hello' });
  const get = (path: string) => fetch(`${test.url}${path}`, { headers: { authorization: `Bearer ${SECRET_A}` } });
  for (const path of ['/v1/responses/resp_..%2F..%2Fadmin', '/v1/responses/%00', `/v1/responses/${created.id.toUpperCase()}`, '/v1/responses/resp_' + 'f'.repeat(5000)]) {
    const response = await get(path);
    t.equal(response.status, path.length > 4000 ? response.status : 404, path.slice(0, 60));
    if (response.status !== 404) t.ok(response.status < 500, `${path.slice(0, 60)}: no 5xx`);
  }
  const stream = await get(`/v1/responses/${created.id}?stream=true`);
  t.strictSame([stream.status, ((await stream.json()) as { error: { code: string } }).error.code], [400, 'unsupported_parameter']);
  for (const query of ['limit=0', 'limit=101', 'limit=x', 'limit=1e1', 'limit=0x10', 'limit=%201', 'limit=', 'order=up', 'after=msg_nope', 'limit=1&limit=2']) {
    const response = await get(`/v1/responses/${created.id}/input_items?${query}`);
    t.equal(response.status, 400, query);
  }
  const unauthenticated = await fetch(`${test.url}/v1/responses/${created.id}`);
  t.equal(unauthenticated.status, 401);
});
