// Idempotency keys on native answers (pools.<n>.apis: the engine serves the client's API itself): the
// first complete answer is kept as the client got it, and a retry with the same key is given those
// bytes again (a stream as the same events), is not charged again and never reaches the engine; a
// duplicate sent while the first runs waits for it; an answer that failed is not kept. Through a real
// router, the official SDKs (`openai` 6, `@anthropic-ai/sdk`; the header in the request options'
// headers, as neither SDK sends one itself) and fetch for the bytes, against fake engines replaying
// real wire bytes (test/fixtures/wire/, cited in native-passthrough.test.ts):
//   openai/openai-node tests/lib/__snapshots__/ResponseStream.test.ts.snap @7b7d6ca7 (Responses, OpenAI's framing)
//   vllm-project/vllm vllm/entrypoints/openai/responses/api_router.py @f6e93254 (the same events, vLLM's framing)
//   anthropics/anthropic-sdk-typescript @bfa9197f tests/lib/fixtures/basic_response.txt (Messages)
import Anthropic from '@anthropic-ai/sdk';
import { createHash } from 'node:crypto';
import t from 'tap';
import OpenAI from 'openai';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { responseOnWire } from '../fixtures/sdk-wire.js';
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

const SECRET = 'sy-native-idempotency-secret';
const [native, claude] = await Promise.all([startFakeEngine(), startFakeEngine()]);
const pool = quietPool;
const test = await startTestRouter(
  {
    logging: { level: 'info' },
    auth: { required: true, keys: [{ id: 'team', hash: createHash('sha256').update(SECRET).digest('hex'), limits: { tokensPerDay: 1_000_000 } }] },
    models: { nat: { tiers: ['nat'] }, claude: { tiers: ['claude'] } },
    tiers: { nat: { pools: ['native'] }, claude: { pools: ['ant'] } },
    pools: {
      native: pool('vllm', 'served-native', 'native-r0', native.url, { apis: ['responses', 'messages'], price: { inputUsdPerMillion: 1, outputUsdPerMillion: 2 } }),
      ant: pool('anthropic', 'claude-served', 'ant-r0', claude.url, { apiKeyEnv: 'ANT_KEY' }),
    },
  },
  { ...process.env, ANT_KEY: 'ant-secret', SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN },
);
const openai = new OpenAI({ baseURL: `${test.url}/v1`, apiKey: SECRET, maxRetries: 0 });
const anthropic = new Anthropic({ baseURL: test.url, apiKey: SECRET, maxRetries: 0 });
t.teardown(async () => {
  await test.close();
  await Promise.all([native.close(), claude.close()]);
});
t.beforeEach(() => {
  for (const engine of [native, claude]) {
    engine.requests.length = 0;
    engine.respond = null;
  }
});

let keys = 0;
const newKey = (): string => `native-${process.pid}-${++keys}`;
const keyed = (key: string) => ({ headers: { 'Idempotency-Key': key } });

/** A keyed request by fetch; to /v1/messages with the anthropic-version the SDK sends (it is part of the request a retry repeats). */
function post(path: string, body: Json, key: string): Promise<Response> {
  const version: Record<string, string> = path === '/v1/messages' ? { 'anthropic-version': '2026-10-21' } : {};
  return fetch(`${test.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}`, 'idempotency-key': key, ...version },
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

function metric(text: string, result: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`switchyard_idempotency_requests_total{result="${result}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

t.test('Responses, not streamed: the retry is the first answer (the router id included), not charged, the engine asked once', async (t) => {
  const key = newKey();
  native.reply({ kind: 'json', body: COMPLETED });
  const before = await charged();
  const first = await openai.responses.create({ model: 'nat', input: 'hi' }, keyed(key)).withResponse();
  t.equal(first.response.headers.get('x-switchyard-pool'), 'native');
  const spent = (await charged()) - before;
  t.equal(spent, 12, 'the first answer was charged');
  const retry = await openai.responses.create({ model: 'nat', input: 'hi' }, keyed(key)).withResponse();
  t.equal(retry.response.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal(retry.response.headers.get('x-switchyard-cost-usd'), '0');
  t.strictSame(retry.data, first.data, 'the same Response, its id included');
  t.equal(native.requests.length, 1, 'the engine answered once');
  t.equal((await charged()) - before, spent, 'the retry was not charged');
  t.match(
    test
      .requestLogs()
      .filter((line) => line['method'] === 'POST')
      .at(-1),
    { idempotency: 'replay', costUsd: 0 },
  );
  t.strictSame(await openai.responses.retrieve(first.data.id), first.data, 'the first answer is the one stored');
});

t.test('Responses, streamed: the retry is the same event stream, byte for byte; a retry without a stream gets its final Response', async (t) => {
  const key = newKey();
  native.reply({ kind: 'raw', chunks: [VLLM_STREAM] });
  const ask = { model: 'nat', input: 'hi', stream: true };
  const firstText = await (await post('/v1/responses', ask, key)).text();
  const retry = await post('/v1/responses', ask, key);
  t.equal(retry.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal(retry.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  t.equal(await retry.text(), firstText);
  t.equal(native.requests.length, 1);

  const final = await openai.responses.stream({ model: 'nat', input: 'hi' }, keyed(key)).finalResponse();
  t.equal(final.output_text, 'Hello world');
  const completed = firstText.split('\n\n').find((event) => event.startsWith('event: response.completed\n'));
  const terminal = (JSON.parse(completed?.split('\ndata: ')[1] ?? '{}') as { response: Json }).response;
  t.equal(terminal['id'], final.id);
  const whole = await post('/v1/responses', { model: 'nat', input: 'hi' }, key);
  t.equal(whole.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.strictSame(await whole.json(), terminal, 'the folded stream: the Response its terminal event carried');
  // The SDK adds output_text to what it reads.
  t.strictSame(await openai.responses.retrieve(final.id), { ...terminal, output_text: 'Hello world' }, 'stored once, under the id every replay says');
  t.equal(native.requests.length, 1, 'the engine answered once');
});

t.test('a duplicate sent while the first native stream runs waits for it, and gets its events', async (t) => {
  const key = newKey();
  // OpenAI's data-only framing, a little slow, so the duplicate arrives while the first runs.
  native.respond = () => ({ kind: 'stream', events: STREAM_EVENTS.map((event) => JSON.stringify(event)), delayMs: 30 });
  const ask = { model: 'nat', input: 'hi', stream: true };
  const first = post('/v1/responses', ask, key).then((response) => response.text());
  await waitFor('the first request at the engine', async () => native.requests.length === 1);
  const waitedBefore = metric(await test.scrape(), 'waited');
  const [a, b] = await Promise.all([first, post('/v1/responses', ask, key).then((response) => response.text())]);
  t.equal(b, a);
  t.match(a, /"type":"response\.completed"/);
  t.equal(native.requests.length, 1, 'the engine saw one request');
  t.equal(metric(await test.scrape(), 'waited') - waitedBefore, 1);
});

t.test('a native stream that broke is not kept: the retry runs again', async (t) => {
  const key = newKey();
  native.reply({ kind: 'stream', events: STREAM_EVENTS.slice(0, 4).map((event) => JSON.stringify(event)), dropAfter: 4 }, { kind: 'raw', chunks: [OPENAI_STREAM] });
  const ask = { model: 'nat', input: 'hi', stream: true };
  t.match(await (await post('/v1/responses', ask, key)).text(), /response\.failed/);
  const retry = await post('/v1/responses', ask, key);
  t.equal(retry.headers.get('x-switchyard-idempotent-replay'), null, 'the retry ran');
  t.match(await retry.text(), /response\.completed/);
  t.equal(native.requests.length, 2);
});

t.test('Messages to engine anthropic: a Message and a stream are replayed as sent, uncharged', async (t) => {
  const key = newKey();
  claude.reply({ kind: 'json', body: EXPECTED_BASIC_MESSAGE });
  const before = await charged();
  const ask = { model: 'claude', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };
  const first = await anthropic.messages.create(ask, keyed(key)).withResponse();
  const spent = (await charged()) - before;
  const retry = await anthropic.messages.create(ask, keyed(key)).withResponse();
  t.equal(retry.response.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.strictSame(retry.data, first.data);
  t.strictSame(retry.data, EXPECTED_BASIC_MESSAGE);
  t.equal((await charged()) - before, spent, 'charged once');

  const streamKey = newKey();
  claude.reply({ kind: 'raw', chunks: [BASIC_STREAM] });
  const streamed = { ...ask, stream: true };
  t.equal(await (await post('/v1/messages', streamed, streamKey)).text(), BASIC_STREAM);
  const again = await post('/v1/messages', streamed, streamKey);
  t.equal(again.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal(await again.text(), BASIC_STREAM, 'the same events');
  const final = await anthropic.messages.stream(ask, keyed(streamKey)).finalMessage();
  t.match(final, EXPECTED_BASIC_MESSAGE, 'the SDK folds the replayed stream');
  t.equal(claude.requests.length, 2, 'one engine request per key');
});

t.test('a Messages stream answers a whole-answer retry: the Message the SDK folds from the same events', async (t) => {
  for (const fixture of ['anthropic-basic_response.txt', 'anthropic-tool_use_response.txt']) {
    const key = newKey();
    claude.reply({ kind: 'raw', chunks: [wireFixture(fixture)] });
    const ask = { model: 'claude', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };
    await (await post('/v1/messages', { ...ask, stream: true }, key)).text();
    const whole = await post('/v1/messages', ask, key);
    t.equal(whole.status, 200, fixture);
    t.equal(whole.headers.get('x-switchyard-idempotent-replay'), 'true');
    const message = (await whole.json()) as Json;
    // The SDK's own fold of the replayed stream (@anthropic-ai/sdk 1.16.0 lib/MessageStream.js accumulateMessage) is the reference.
    // The SDK adds parsed_output (null: no output_format) to what it folds; it is no part of the wire.
    const { parsed_output: _parsed, ...folded } = JSON.parse(JSON.stringify(await anthropic.messages.stream(ask, keyed(key)).finalMessage())) as Json;
    t.strictSame(message, folded, `${fixture}: the same Message`);
    if (fixture === 'anthropic-basic_response.txt') t.strictSame(message, EXPECTED_BASIC_MESSAGE);
  }
  t.equal(claude.requests.length, 2, 'one engine request per key');
});

// A whole native answer retried as a stream is written as its API's event stream by the response
// cache's builders (src/cache/messages-events.ts, responses-events.ts), the SDKs' folds of which are the
// stored answer (native-cache.test.ts); here the answer is the first one, ids included.
t.test('a whole native answer asked for as a stream: its API’s events, which the SDKs fold into the first answer', async (t) => {
  const messageKey = newKey();
  claude.reply({ kind: 'json', body: EXPECTED_BASIC_MESSAGE });
  const ask = { model: 'claude', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };
  const first = (await (await post('/v1/messages', ask, messageKey)).json()) as Json;
  const streamed = await post('/v1/messages', { ...ask, stream: true }, messageKey);
  t.equal(streamed.status, 200);
  t.equal(streamed.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.match(streamed.headers.get('content-type'), /^text\/event-stream/);
  const events = (await streamed.text()).split('\n\n').filter((event) => event !== '');
  t.strictSame(
    events.map((event) => event.split('\n')[0]),
    ['message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'].map((type) => `event: ${type}`),
  );
  // The SDK's fold (@anthropic-ai/sdk lib/MessageStream.js accumulateMessage), which adds parsed_output (no part of the wire).
  const { parsed_output: _parsed, ...folded } = JSON.parse(JSON.stringify(await anthropic.messages.stream(ask, keyed(messageKey)).finalMessage())) as Json;
  t.strictSame(folded, first, 'the SDK folds the events into the first Message, its id included');
  t.strictSame(first, EXPECTED_BASIC_MESSAGE);

  const jsonKey = newKey();
  native.reply({ kind: 'json', body: COMPLETED });
  const whole = await openai.responses.create({ model: 'nat', input: 'hi' }, keyed(jsonKey));
  const final = await openai.responses.stream({ model: 'nat', input: 'hi' }, keyed(jsonKey)).finalResponse();
  t.strictSame(responseOnWire(final), responseOnWire(whole), 'openai 6 finalResponse() is the first Response, its router id included');
  t.equal(claude.requests.length + native.requests.length, 2, 'neither replay reached an engine');
  t.match(
    test
      .requestLogs()
      .filter((line) => line['method'] === 'POST')
      .at(-1),
    { idempotency: 'replay', costUsd: 0 },
  );
});

t.test('Messages: another anthropic-version or anthropic-beta with the same key and body is another request (422); the same ones replay', async (t) => {
  const key = newKey();
  claude.reply({ kind: 'json', body: EXPECTED_BASIC_MESSAGE });
  const ask = { model: 'claude', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };
  // The SDK sends anthropic-version: 2026-10-21 itself (@anthropic-ai/sdk 1.16.0 client.js defaultHeaders).
  const first = await anthropic.messages.create(ask, keyed(key));
  const same = await anthropic.messages.create(ask, keyed(key)).withResponse();
  t.equal(same.response.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.strictSame(same.data, first);
  for (const headers of [{ 'anthropic-version': '2023-06-01' }, { 'anthropic-beta': 'context-1m-2025-08-07' }]) {
    const other: unknown = await anthropic.messages.create(ask, { headers: { 'Idempotency-Key': key, ...headers } }).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    t.match(other, { status: 422, error: { error: { type: 'invalid_request_error' } } }, JSON.stringify(headers));
  }
  t.equal(claude.requests.length, 1, 'the engine answered the first only');
});

t.test('the same key with what only the client API says changed (another API, metadata, cache_control) is another request: a 422', async (t) => {
  const key = newKey();
  claude.reply({ kind: 'json', body: EXPECTED_BASIC_MESSAGE });
  const ask = { model: 'claude', max_tokens: 64, messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }] };
  await anthropic.messages.create(ask, keyed(key));
  const cached = { ...ask, messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi', cache_control: { type: 'ephemeral' as const } }] }] };
  const changed: unknown = await anthropic.messages.create(cached, keyed(key)).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  t.match(changed, { status: 422, error: { error: { type: 'invalid_request_error', message: /different request \(model, body or protocol headers\)/ } } });
  // The same conversation asked through the Responses API with the same key: never the Messages bytes.
  const other: unknown = await openai.responses.create({ model: 'claude', input: 'hi', max_output_tokens: 64 }, keyed(key)).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  t.match(other, { status: 422, code: 'idempotency_key_reused' });

  const metaKey = newKey();
  native.reply({ kind: 'json', body: COMPLETED });
  await openai.responses.create({ model: 'nat', input: 'hi', metadata: { order: '1' } }, keyed(metaKey));
  const again: unknown = await openai.responses.create({ model: 'nat', input: 'hi', metadata: { order: '2' } }, keyed(metaKey)).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  t.match(again, { status: 422, code: 'idempotency_key_reused' });
  t.equal(claude.requests.length + native.requests.length, 2);
});
