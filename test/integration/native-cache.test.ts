// The response cache with native answers (pools.<n>.apis: the engine serves the client's API itself):
// a native answer is stored as the bytes the client got, with its kind (which API, stream or whole),
// under a key of the client's API and its own body; a hit is served in the shape asked for — a stream
// as the same events, a whole answer as is, a stored stream folded for a whole request, a stored whole
// answer written as a well-formed event stream of its API —, is a new answer (a Responses hit has its
// own resp_ id and is stored under it; a Messages hit its own msg_ id), and costs nothing. Through a
// real router, the official SDKs (`openai` 6, `@anthropic-ai/sdk`) and fetch for the bytes, against
// fake engines replaying real wire bytes (test/fixtures/wire/, cited in native-passthrough.test.ts):
//   openai/openai-node tests/lib/__snapshots__/ResponseStream.test.ts.snap @7b7d6ca7 (Responses, OpenAI's framing)
//   vllm-project/vllm vllm/entrypoints/openai/responses/api_router.py @f6e93254 (the same events, vLLM's framing)
//   anthropics/anthropic-sdk-typescript @bfa9197f tests/lib/fixtures/basic_response.txt, tool_use_response.txt,
//   tests/fixtures/fable-fallback/stream-a-refusal.sse (Messages)
import Anthropic from '@anthropic-ai/sdk';
import { createHash } from 'node:crypto';
import t from 'tap';
import OpenAI from 'openai';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { responseOnWire as wire } from '../fixtures/sdk-wire.js';
import { startTestRouter } from '../fixtures/start-router.js';
import { quietPool } from '../fixtures/quiet-pool.js';
import { ADMIN_TOKEN, waitFor } from '../fixtures/wait.js';
import { EXPECTED_BASIC_MESSAGE, wireFixture } from '../fixtures/wire/load.js';

type Json = Record<string, unknown>;

const OPENAI_STREAM = wireFixture('openai-responses-stream-text.sse');
const VLLM_STREAM = wireFixture('vllm-responses-stream-text.sse');
const STREAM_EVENTS = OPENAI_STREAM.split('\n\n')
  .filter((event) => event.startsWith('data: {'))
  .map((event) => JSON.parse(event.slice(6)) as Json);
/** The finished Response of the recorded stream: what the engine answers a non-streaming request with. */
const COMPLETED = STREAM_EVENTS.at(-1)!['response'] as Json;
const BASIC_STREAM = wireFixture('anthropic-basic_response.txt');
const TOOL_STREAM = wireFixture('anthropic-tool_use_response.txt');
const REFUSAL_STREAM = wireFixture('anthropic-stream-a-refusal.sse');

/** A whole Response with a reasoning item, a message and a function call: what a stream must be made of. */
const TOOL_RESPONSE: Json = {
  ...COMPLETED,
  id: 'resp_tools_1',
  output: [
    { id: 'rs_1', type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'Weather needs a tool.' }] },
    { id: 'msg_2', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Let me look.', annotations: [], logprobs: [] }] },
    { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' },
  ],
};

/** A whole Response with an annotated text, a refusal and a reasoning summary (OAS OutputTextContent, RefusalContent, ReasoningItem). */
const RICH_RESPONSE: Json = {
  ...COMPLETED,
  id: 'resp_rich_1',
  output: [
    { id: 'rs_2', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Checked a source.' }] },
    {
      id: 'msg_3',
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [
        {
          type: 'output_text',
          text: 'Paris is the capital.',
          annotations: [{ type: 'url_citation', start_index: 0, end_index: 5, url: 'https://example.com/paris', title: 'Paris' }],
          logprobs: [],
        },
        { type: 'refusal', refusal: 'I will not say more.' },
      ],
    },
  ],
};

/** A whole Message with thinking, a cited text and a redacted thinking block (@anthropic-ai/sdk 1.16.0 ContentBlock). */
const RICH_MESSAGE = {
  id: 'msg_rich_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-served',
  content: [
    { type: 'thinking', thinking: 'The user wants the capital.', signature: 'sig-1' },
    { type: 'redacted_thinking', data: 'opaque' },
    {
      type: 'text',
      text: 'Paris.',
      citations: [{ type: 'char_location', cited_text: 'Paris is the capital', document_index: 0, document_title: 'Atlas', start_char_index: 0, end_char_index: 20 }],
    },
  ],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 12 },
};

/** A whole Message with text and a tool call. */
const TOOL_MESSAGE = {
  id: 'msg_tool_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-served',
  content: [
    { type: 'text', text: 'Let me check.' },
    { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', days: [1, 2] } },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 4, output_tokens: 9 },
};

const SECRET = 'sy-native-cache-secret';
const [native, claude, plain] = await Promise.all([startFakeEngine(), startFakeEngine(), startFakeEngine()]);
// Never ejected by the failures these tests script.
const pool = (engine: string, servedModel: string, name: string, url: string, extra: Json = {}) =>
  quietPool(engine, servedModel, name, url, { outlier: { consecutiveFailures: 100 }, ...extra });
const cache = { ttlMs: 60_000 };
const test = await startTestRouter(
  {
    logging: { level: 'info' },
    auth: { required: true, keys: [{ id: 'team', hash: createHash('sha256').update(SECRET).digest('hex'), limits: { tokensPerDay: 1_000_000 } }] },
    models: {
      nat: { tiers: ['nat'], cache },
      claude: { tiers: ['claude'], cache },
      mixed: { tiers: ['mixed'], cache },
      tiny: { tiers: ['nat'], cache: { ...cache, maxEntryBytes: 200 } },
    },
    tiers: { nat: { pools: ['native'] }, claude: { pools: ['ant'] }, mixed: { pools: ['native', 'plain'] } },
    pools: {
      native: pool('vllm', 'served-native', 'native-r0', native.url, { apis: ['responses', 'messages'], price: { inputUsdPerMillion: 1, outputUsdPerMillion: 2 } }),
      ant: pool('anthropic', 'claude-served', 'ant-r0', claude.url, { apiKeyEnv: 'ANT_KEY' }),
      plain: pool('vllm', 'served-plain', 'plain-r0', plain.url),
    },
  },
  { ...process.env, ANT_KEY: 'ant-secret', SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN },
);
const openai = new OpenAI({ baseURL: `${test.url}/v1`, apiKey: SECRET, maxRetries: 0 });
const anthropic = new Anthropic({ baseURL: test.url, apiKey: SECRET, maxRetries: 0 });
t.teardown(async () => {
  await test.close();
  await Promise.all([native.close(), claude.close(), plain.close()]);
});
t.beforeEach(() => {
  for (const engine of [native, claude, plain]) {
    engine.requests.length = 0;
    engine.respond = null;
  }
});

let asks = 0;
/** A question no earlier test asked: every test starts with a cold cache. */
const question = (): string => `question ${process.pid}-${++asks}`;

function post(path: string, body: Json, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${test.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}`, ...headers },
    body: JSON.stringify(body),
  });
}

/** The key's lifetime tokens, once nothing is reserved. */
function charged(): Promise<number> {
  return waitFor('every reservation settled', async () => {
    const res = await fetch(`${test.url}/admin/keys/team`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const body = (await res.json()) as { usage: { tokens: { lifetime: { used: number; reserved: number } } } };
    return body.usage.tokens.lifetime.reserved === 0 ? body.usage.tokens.lifetime.used : null;
  });
}

function metric(text: string, prefix: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

/** What @anthropic-ai/sdk 1.16.0 sends with every request (client.js): a fetch of the same request must send it too (the key covers it). */
const VERSION = { 'anthropic-version': '2026-10-21' };

/** The events of an SSE body: [type, data] pairs (the type from the event line, else from the data). */
function events(text: string): [string, Json][] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: {'))
    .map((block) => {
      const data = JSON.parse(block.slice(block.indexOf('data: ') + 6)) as Json;
      return [String(data['type']), data];
    });
}

/** An event stream's bytes with every `resp_` and `msg_` id of a Response or Message object blanked: what a hit must repeat. */
function withoutIds(text: string, id: string): string {
  return text.split(id).join('<id>');
}

t.test('Responses, whole: a hit is a new Response with its own id, stored under it, not charged; the engine asked once', async (t) => {
  native.reply({ kind: 'json', body: COMPLETED });
  const ask = { model: 'nat', input: question(), temperature: 0 };
  const before = await charged();
  const scrape = await test.scrape();
  const first = await openai.responses.create(ask).withResponse();
  t.equal(first.response.headers.get('x-switchyard-cache'), 'miss');
  t.equal(first.response.headers.get('x-switchyard-pool'), 'native');
  t.equal(native.requests[0]?.body?.['max_output_tokens'], 4096, "strict budgets capped the engine's output; the answer completed within it, so it is the request's answer");
  const spent = (await charged()) - before;
  t.equal(spent, 12);
  const hit = await openai.responses.create(ask).withResponse();
  t.equal(hit.response.headers.get('x-switchyard-cache'), 'hit');
  t.equal(hit.response.headers.get('x-switchyard-cost-usd'), '0');
  t.match(hit.response.headers.get('age'), /^\d+$/);
  t.equal(native.requests.length, 1, 'the engine answered once');
  t.not(hit.data.id, first.data.id, 'a new response');
  t.match(hit.data.id, /^resp_/);
  t.strictSame({ ...hit.data, id: first.data.id }, first.data, 'the same answer otherwise');
  t.strictSame(await openai.responses.retrieve(hit.data.id), hit.data, 'stored under its own id');
  t.strictSame(await openai.responses.retrieve(first.data.id), first.data, 'and the first under its own');
  t.equal((await charged()) - before, spent, 'the hit charged nothing');
  const after = await test.scrape();
  t.equal(metric(after, 'switchyard_cache_saved_tokens_total{model="nat"') - metric(scrape, 'switchyard_cache_saved_tokens_total{model="nat"'), 12);
  t.ok(metric(after, 'switchyard_cache_saved_usd_total{model="nat"') - metric(scrape, 'switchyard_cache_saved_usd_total{model="nat"') > 0, 'dollars saved');

  const unstored = await openai.responses.create({ ...ask, store: false }).withResponse();
  t.equal(unstored.response.headers.get('x-switchyard-cache'), 'hit', '`store` is not in the key');
  t.equal((JSON.parse(JSON.stringify(unstored.data)) as Json)['store'], false, 'the hit says what this request asked');
  const missing: unknown = await openai.responses.retrieve(unstored.data.id).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  t.match(missing, { status: 404 }, 'and nothing was stored');
  t.equal(native.requests.length, 1);
});

t.test('Responses, streamed: a hit is the same events under a new id; a whole request gets the final Response', async (t) => {
  native.reply({ kind: 'raw', chunks: [VLLM_STREAM] });
  const ask = { model: 'nat', input: question(), temperature: 0, stream: true };
  const first = await post('/v1/responses', ask);
  t.equal(first.headers.get('x-switchyard-cache'), 'miss');
  const firstText = await first.text();
  const firstId = String((events(firstText)[0]![1]['response'] as Json)['id']);
  const hit = await post('/v1/responses', ask);
  t.equal(hit.headers.get('x-switchyard-cache'), 'hit');
  t.equal(hit.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const hitText = await hit.text();
  const hitId = String((events(hitText)[0]![1]['response'] as Json)['id']);
  t.not(hitId, firstId);
  t.equal(withoutIds(hitText, hitId), withoutIds(firstText, firstId), 'the same events, byte for byte but the id');

  const final = await openai.responses.stream({ model: 'nat', input: ask.input, temperature: 0 }).finalResponse();
  t.equal(final.output_text, 'Hello world');
  const whole = await post('/v1/responses', { model: 'nat', input: ask.input, temperature: 0 });
  t.equal(whole.headers.get('x-switchyard-cache'), 'hit');
  const response = (await whole.json()) as Json;
  const terminal = events(firstText).find(([type]) => type === 'response.completed')![1]['response'] as Json;
  t.strictSame({ ...response, id: firstId }, terminal, "the terminal event's Response, under a new id");
  t.strictSame(await openai.responses.retrieve(String(response['id'])), { ...response, output_text: 'Hello world' }, 'stored');
  t.equal(native.requests.length, 1, 'the engine answered once');
});

t.test('Responses, a whole answer asked for as a stream: events the SDK folds back into the same Response', async (t) => {
  for (const body of [COMPLETED, TOOL_RESPONSE, RICH_RESPONSE]) {
    native.reply({ kind: 'json', body });
    const ask = { model: 'nat', input: question(), temperature: 0 };
    const first = await openai.responses.create(ask);
    const stream = openai.responses.stream(ask);
    const seen: { type: string; seq: number }[] = [];
    for await (const event of stream) seen.push({ type: event.type, seq: event.sequence_number });
    const final = await stream.finalResponse();
    t.not(final.id, first.id);
    t.strictSame(wire({ ...final, id: first.id }), wire(first), `${String(body['id'])}: the same Response`);
    t.strictSame(
      seen.map((event) => event.seq),
      seen.map((_, i) => i),
      'sequence numbers from 0',
    );
    t.equal(seen[0]?.type, 'response.created');
    t.equal(seen.at(-1)?.type, 'response.completed');
    t.strictSame(wire(await openai.responses.retrieve(final.id)), wire({ ...first, id: final.id }), 'stored under its id');
  }
  t.equal(native.requests.length, 3, 'one engine request per question');
  const raw = await (await post('/v1/responses', { model: 'nat', input: `question ${process.pid}-${asks - 1}`, temperature: 0, stream: true })).text();
  t.strictSame(
    events(raw).map(([type]) => type),
    [
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ],
  );
});

t.test('Messages: whole and streamed hits are new messages; each shape serves the other as the SDK folds it', async (t) => {
  claude.reply({ kind: 'json', body: EXPECTED_BASIC_MESSAGE });
  const ask = { model: 'claude', max_tokens: 64, temperature: 0, messages: [{ role: 'user' as const, content: question() }] };
  const first = await anthropic.messages.create(ask).withResponse();
  t.equal(first.response.headers.get('x-switchyard-cache'), 'miss');
  const hit = await anthropic.messages.create(ask).withResponse();
  t.equal(hit.response.headers.get('x-switchyard-cache'), 'hit');
  t.equal(hit.response.headers.get('x-switchyard-cost-usd'), '0');
  t.match(hit.data.id, /^msg_/);
  t.not(hit.data.id, first.data.id, 'a hit is a new message');
  t.strictSame({ ...hit.data, id: EXPECTED_BASIC_MESSAGE.id }, EXPECTED_BASIC_MESSAGE);
  const { parsed_output: _parsed, ...streamed } = JSON.parse(JSON.stringify(await anthropic.messages.stream(ask).finalMessage())) as Json;
  t.strictSame({ ...streamed, id: EXPECTED_BASIC_MESSAGE.id }, EXPECTED_BASIC_MESSAGE, 'the stored Message written as a stream');

  for (const fixture of [BASIC_STREAM, TOOL_STREAM]) {
    claude.reply({ kind: 'raw', chunks: [fixture] });
    const asked = { ...ask, messages: [{ role: 'user' as const, content: question() }] };
    const firstText = await (await post('/v1/messages', { ...asked, stream: true }, VERSION)).text();
    const again = await post('/v1/messages', { ...asked, stream: true }, VERSION);
    t.equal(again.headers.get('x-switchyard-cache'), 'hit');
    const againText = await again.text();
    const ids = [firstText, againText].map((text) => String((events(text)[0]![1]['message'] as Json)['id']));
    t.not(ids[1], ids[0]);
    t.equal(withoutIds(againText, ids[1]!), withoutIds(firstText, ids[0]!), 'the same events but the id');
    const whole = await post('/v1/messages', asked, VERSION);
    t.equal(whole.headers.get('x-switchyard-cache'), 'hit');
    const message = (await whole.json()) as Json;
    const { parsed_output: _p, ...folded } = JSON.parse(JSON.stringify(await anthropic.messages.stream(asked).finalMessage())) as Json;
    t.strictSame({ ...message, id: '' }, { ...folded, id: '' }, 'the Message the SDK folds from the same events');
  }

  for (const stored of [TOOL_MESSAGE, RICH_MESSAGE]) {
    claude.reply({ kind: 'json', body: stored });
    const asked = { ...ask, messages: [{ role: 'user' as const, content: question() }] };
    await anthropic.messages.create(asked);
    const { parsed_output: _t, ...streamed } = JSON.parse(JSON.stringify(await anthropic.messages.stream(asked).finalMessage())) as Json;
    t.strictSame({ ...streamed, id: stored.id }, stored, `${stored.id} written as a stream folds back`);
  }
  t.equal(claude.requests.length, 5, 'one engine request per question');
});

t.test('what is not stored: a broken stream, a failed or cut Response, a refusal, no-store; no-cache looks nothing up', async (t) => {
  const ask = { model: 'nat', input: question(), temperature: 0, stream: true };
  native.reply({ kind: 'stream', events: STREAM_EVENTS.slice(0, 4).map((event) => JSON.stringify(event)), dropAfter: 4 }, { kind: 'raw', chunks: [OPENAI_STREAM] });
  t.match(await (await post('/v1/responses', ask)).text(), /response\.failed/);
  const rerun = await post('/v1/responses', ask);
  t.equal(rerun.headers.get('x-switchyard-cache'), 'miss', 'a broken stream was not stored');
  t.match(await rerun.text(), /response\.completed/);

  const failed = { ...COMPLETED, status: 'failed', error: { code: 'server_error', message: 'boom' } };
  const incomplete = { ...COMPLETED, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  for (const body of [failed, incomplete]) {
    native.reply({ kind: 'json', body }, { kind: 'json', body });
    const asked = { model: 'nat', input: question(), temperature: 0 };
    await post('/v1/responses', asked);
    const again = await post('/v1/responses', asked);
    t.equal(again.headers.get('x-switchyard-cache'), 'miss', `a ${String(body['status'])} Response was not stored`);
  }
  // The client's own limit: an incomplete answer is this request's answer.
  native.reply({ kind: 'json', body: incomplete });
  const limited = { model: 'nat', input: question(), temperature: 0, max_output_tokens: 16 };
  await post('/v1/responses', limited);
  t.equal((await post('/v1/responses', limited)).headers.get('x-switchyard-cache'), 'hit');

  claude.reply({ kind: 'raw', chunks: [REFUSAL_STREAM] }, { kind: 'raw', chunks: [REFUSAL_STREAM] });
  const refused = { model: 'claude', max_tokens: 64, temperature: 0, stream: true, messages: [{ role: 'user', content: question() }] };
  await (await post('/v1/messages', refused)).text();
  const again = await post('/v1/messages', refused);
  t.equal(again.headers.get('x-switchyard-cache'), 'miss', 'a refusal was not stored');
  await again.text();

  native.reply({ kind: 'json', body: COMPLETED }, { kind: 'json', body: COMPLETED }, { kind: 'json', body: COMPLETED });
  const asked = { model: 'nat', input: question(), temperature: 0 };
  t.equal((await post('/v1/responses', asked, { 'cache-control': 'no-store' })).headers.get('x-switchyard-cache'), 'bypass');
  t.equal((await post('/v1/responses', asked, { 'cache-control': 'no-cache' })).headers.get('x-switchyard-cache'), 'bypass', 'no lookup');
  t.equal((await post('/v1/responses', asked)).headers.get('x-switchyard-cache'), 'hit', 'no-cache still stored its answer');
  t.equal((await post('/v1/responses', { ...asked, temperature: 0.7 })).headers.get('x-switchyard-cache'), 'bypass', 'not deterministic');
});

t.test('kinds never cross: the same words asked through chat, Responses and Messages are three entries', async (t) => {
  const words = question();
  const chat = { model: 'nat', temperature: 0, messages: [{ role: 'user' as const, content: words }] };
  const chatFirst = await openai.chat.completions.create(chat).withResponse();
  t.equal(chatFirst.response.headers.get('x-switchyard-cache'), 'miss');
  native.reply({ kind: 'json', body: COMPLETED }, { kind: 'json', body: EXPECTED_BASIC_MESSAGE });
  const responses = await openai.responses.create({ model: 'nat', input: words, temperature: 0 }).withResponse();
  t.equal(responses.response.headers.get('x-switchyard-cache'), 'miss', 'a native Responses answer is not the chat entry');
  const message = { model: 'nat', max_tokens: 64, temperature: 0, messages: [{ role: 'user' as const, content: words }] };
  const messages = await anthropic.messages.create(message).withResponse();
  t.equal(messages.response.headers.get('x-switchyard-cache'), 'miss', 'nor a Messages answer');
  const chatHit = await openai.chat.completions.create(chat).withResponse();
  t.equal(chatHit.response.headers.get('x-switchyard-cache'), 'hit');
  t.equal(chatHit.data.object, 'chat.completion', 'chat bytes for the chat client');
  const responsesHit = await openai.responses.create({ model: 'nat', input: words, temperature: 0 }).withResponse();
  t.equal(responsesHit.data.object, 'response');
  t.equal(responsesHit.data.output_text, 'Hello world');
  const messagesHit = await anthropic.messages.create(message).withResponse();
  t.equal(messagesHit.data.type, 'message');
  t.strictSame(messagesHit.data.content, EXPECTED_BASIC_MESSAGE.content);
  t.equal(native.requests.length, 3);
});

t.test('a chain of a native and a translated pool: a translated answer stored under the native key is served as a Response', async (t) => {
  native.reply({ kind: 'json', status: 503, body: { error: { message: 'busy', type: 'server_error' } } });
  const ask = { model: 'mixed', input: question(), temperature: 0 };
  const first = await openai.responses.create(ask).withResponse();
  t.equal(first.response.headers.get('x-switchyard-pool'), 'plain', 'answered by the translated pool');
  const hit = await openai.responses.create(ask).withResponse();
  t.equal(hit.response.headers.get('x-switchyard-cache'), 'hit');
  t.equal(hit.data.output_text, first.data.output_text);
  t.not(hit.data.id, first.data.id);
  t.equal(plain.requests.filter((r) => r.method === 'POST').length, 1);

  native.reply({ kind: 'json', body: COMPLETED });
  const other = { model: 'mixed', input: question(), temperature: 0 };
  await openai.responses.create(other);
  const nativeHit = await openai.responses.create(other).withResponse();
  t.equal(nativeHit.response.headers.get('x-switchyard-cache'), 'hit');
  t.equal(nativeHit.data.output_text, 'Hello world');
});

t.test('identical native requests in flight reach the engine once', async (t) => {
  native.respond = () => ({ kind: 'stream', events: STREAM_EVENTS.map((event) => JSON.stringify(event)), delayMs: 30 });
  const ask = { model: 'nat', input: question(), temperature: 0, stream: true };
  const first = post('/v1/responses', ask).then((response) => response.text());
  await waitFor('the first request at the engine', async () => native.requests.length === 1);
  const [a, b] = await Promise.all([first, post('/v1/responses', { ...ask, stream: false }).then((response) => response.json() as Promise<Json>)]);
  t.match(a, /"type":"response\.completed"/);
  t.equal(b['output_text'] ?? (((b['output'] as Json[])[0]!['content'] as Json[])[0]!['text'] as string), 'Hello world');
  t.equal(native.requests.length, 1, 'the engine saw one request');
});

t.test('a native answer over maxEntryBytes is served whole and skipped (oversized), and still kept for an idempotent retry', async (t) => {
  const oversized = (text: string): number => metric(text, 'switchyard_cache_stores_total{model="tiny",result="oversized"}');
  const before = oversized(await test.scrape());
  native.reply({ kind: 'raw', chunks: [VLLM_STREAM] }, { kind: 'json', body: COMPLETED });
  const ask = { model: 'tiny', input: question(), temperature: 0, stream: true };
  const key = { 'idempotency-key': `tiny-${process.pid}-${asks}` };
  const first = await (await post('/v1/responses', ask, key)).text();
  t.match(first, /response\.completed/, 'served whole');
  const retry = await post('/v1/responses', ask, key);
  t.equal(retry.headers.get('x-switchyard-idempotent-replay'), 'true', "kept under idempotency's own bound");
  t.equal(await retry.text(), first);
  const again = await post('/v1/responses', { ...ask, stream: false });
  t.equal(again.headers.get('x-switchyard-cache'), 'miss', 'not in the cache');
  await again.text();
  t.equal(oversized(await test.scrape()) - before, 2, 'both counted oversized');
  t.equal(native.requests.length, 2);
});
