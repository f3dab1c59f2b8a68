// Native streams (pools.<n>.apis) from engines that misbehave after the first token, each case one a
// hostile review found getting through: keep-alive comments masking a stalled engine, a terminal
// Responses event without its Response, events without a size bound, a large first delta refused as
// "too much before the first token", a comment line opening an event, and usage the engine reported
// before failing left uncharged. The engines replay real wire bytes (test/fixtures/wire/: Anthropic's
// basic_response.txt, anthropics/anthropic-sdk-typescript @bfa9197f; OpenAI's Responses stream,
// openai/openai-node ResponseStream.test.ts.snap @7b7d6ca7) cut and extended as each case needs; the
// clients are the official SDKs and raw fetch.
import Anthropic from '@anthropic-ai/sdk';
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import t from 'tap';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { quietPool } from '../fixtures/quiet-pool.js';
import { startTestRouter } from '../fixtures/start-router.js';
import { wireFixture } from '../fixtures/wire/load.js';

type Json = Record<string, unknown>;

const BASIC = wireFixture('anthropic-basic_response.txt')
  .split('\n\n')
  .filter((event) => event !== '')
  .map((event) => `${event}\n\n`);
/** message_start, content_block_start, ping: what comes before the first delta. */
const MESSAGES_PREAMBLE = BASIC.slice(0, 3);
const RESPONSES = wireFixture('openai-responses-stream-text.sse')
  .split('\n\n')
  .filter((event) => event.startsWith('data: {'))
  .map((event) => JSON.parse(event.slice(6)) as Json);
/** response.created, output_item.added, content_part.added and two deltas, as OpenAI frames them. */
const RESPONSES_HEAD = RESPONSES.slice(0, 5).map((event) => `data: ${JSON.stringify(event)}\n\n`);

const engine = await startFakeEngine();
const METERED = 'sy-native-broken-metered';
const test = await startTestRouter({
  logging: { level: 'info' },
  auth: { required: false, keys: [{ id: 'metered', hash: createHash('sha256').update(METERED).digest('hex'), prefix: METERED.slice(0, 8), limits: { tokensPerDay: 1_000_000 } }] },
  models: { nat: { tiers: ['nat'] } },
  tiers: { nat: { pools: ['native'] } },
  // One replica and no retry: each case's failure is the client's to see.
  retry: { maxAttempts: 1 },
  pools: { native: quietPool('vllm', 'served-native', 'native-r0', engine.url, { apis: ['responses', 'messages'], idleTimeoutMs: 400 }) },
});
t.teardown(async () => {
  await test.close();
  await engine.close();
});
t.beforeEach(() => {
  engine.requests.length = 0;
  engine.respond = null;
});

const anthropic = new Anthropic({ baseURL: test.url, apiKey: METERED, maxRetries: 0 });
const openai = new OpenAI({ baseURL: `${test.url}/v1`, apiKey: METERED, maxRetries: 0 });

function post(path: string, body: Json): Promise<Response> {
  return fetch(`${test.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${METERED}` }, body: JSON.stringify(body) });
}

/** The access line of the request made after `before` lines were written (it is written once the response has finished). */
async function logOf(before: number): Promise<Record<string, unknown> | undefined> {
  for (let i = 0; i < 100 && test.requestLogs().length <= before; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return test.requestLogs()[before];
}

/** The data of each event of a stream, parsed, in either framing. */
function eventData(text: string): Json[] {
  return text
    .split('\n\n')
    .filter((event) => event !== '')
    .map((event) => JSON.parse(event.slice(event.indexOf('data: ') + 6)) as Json);
}

const delta = (text: string) => `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(text)}}}\n\n`;

t.test('keep-alive comments after the first token are no progress: the idle timeout ends a stream that sends only those', async (t) => {
  // 40 comments 50 ms apart: 2 s of keep-alives, five times the pool's 400 ms idle timeout.
  const logged = test.requestLogs().length;
  engine.reply({ kind: 'raw', chunks: [...MESSAGES_PREAMBLE, delta('Hello'), ...Array.from({ length: 40 }, () => ': keep-alive\n\n')], delayMs: 50 });
  const response = await post('/v1/messages', { model: 'nat', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const text = await response.text();
  t.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"[^"]*went silent within 400 ms[^"]*"\}\}\n\n$/);
  // Ended by the timeout, not by the engine's end: not every comment reached the client.
  t.ok((text.match(/: keep-alive/g) ?? []).length < 40);
  t.match(await logOf(logged), { outcome: 'stream_interrupted' });
});

t.test('an event opened by a comment line is read by its fields: message_stop after one ends the stream complete', async (t) => {
  const logged = test.requestLogs().length;
  engine.reply({ kind: 'raw', chunks: [...BASIC.slice(0, -1), ': comment\nevent: message_stop\ndata: {"type":"message_stop"}\n\n'] });
  const message = await anthropic.messages.stream({ model: 'nat', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
  t.strictSame(message.content, [{ type: 'text', text: 'Hello there!' }]);
  t.match(await logOf(logged), { outcome: 'ok', promptTokens: 11, completionTokens: 6 });
});

t.test('a large first delta commits the stream: only what is held before it counts against the 1 MiB bound', async (t) => {
  const input = JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) });
  const tool = [
    BASIC[0]!,
    'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"store","input":{}}}\n\n',
    `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: input } })}\n\n`,
    'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
    'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":9}}\n\n',
    'event: message_stop\ndata: {"type":"message_stop"}\n\n',
  ];
  engine.reply({ kind: 'raw', chunks: tool });
  const message = await anthropic.messages.stream({ model: 'nat', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
  t.strictSame(message.content, [{ type: 'tool_use', id: 'toolu_1', name: 'store', input: JSON.parse(input) as Json }]);
});

t.test('one event past 16 MiB after commit is refused, not buffered: the stream ends with an error event', async (t) => {
  // An unterminated data line, 1 MiB a write: without a bound the router would hold all 20 MiB.
  const mib = 'y'.repeat(1024 * 1024);
  engine.reply({
    kind: 'raw',
    chunks: [
      ...MESSAGES_PREAMBLE,
      delta('Hello'),
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"',
      ...Array.from({ length: 20 }, () => mib),
    ],
    end: false,
  });
  const response = await post('/v1/messages', { model: 'nat', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const text = await response.text();
  t.ok(text.startsWith(`${MESSAGES_PREAMBLE.join('')}${delta('Hello')}`));
  t.match(text.slice(-300), /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"[^"]*one event of more than 16 MiB[^"]*"\}\}\n\n$/);
  t.ok(text.length < 1024 * 1024, 'none of the oversized event reached the client');
  await engine.nextEarlyClose();
});

for (const [name, terminal] of [
  ['"response": null', `data: ${JSON.stringify({ type: 'response.completed', response: null, sequence_number: 5 })}\n\n`],
  ['broken JSON', 'data: {"type":"response.completed","response":{"id":"resp_test_1","status":"compl\n\n'],
  ['broken JSON, named', 'event: response.completed\ndata: {"type":"response.completed","response":{"id":"resp_test_1","status":"compl\n\n'],
] as const) {
  t.test(`a response.completed with ${name} fails the answer: response.failed in sequence, nothing stored, the replica held to it`, async (t) => {
    const logged = test.requestLogs().length;
    engine.reply({ kind: 'raw', chunks: [...RESPONSES_HEAD, terminal] });
    const response = await post('/v1/responses', { model: 'nat', input: 'hi', stream: true });
    const events = eventData(await response.text());
    t.strictSame(
      events.map((event) => [event['type'], event['sequence_number']]),
      [
        ['response.created', 0],
        ['response.output_item.added', 1],
        ['response.content_part.added', 2],
        ['response.output_text.delta', 3],
        ['response.output_text.delta', 4],
        ['response.failed', 5],
      ],
    );
    const failed = events.at(-1)!['response'] as Json;
    t.match(failed, { status: 'failed', store: false, error: { code: 'server_error' } });
    t.match(await logOf(logged), { outcome: 'stream_interrupted' });
    const stored = await fetch(`${test.url}/v1/responses/${String(failed['id'])}`, { headers: { authorization: `Bearer ${METERED}` } });
    t.equal(stored.status, 404, 'the in-progress snapshot is not kept as the answer');
    await stored.text();
  });
}

t.test("the SDK's finalResponse() sees the failure, not an in-progress response passed off as complete", async (t) => {
  engine.reply({ kind: 'raw', chunks: [...RESPONSES_HEAD, `data: ${JSON.stringify({ type: 'response.completed', response: null, sequence_number: 5 })}\n\n`] });
  const final = await openai.responses.stream({ model: 'nat', input: 'hi' }).finalResponse();
  t.equal(final.status, 'failed');
});

t.test("usage the engine reported before failing is charged, not the router's estimate", async (t) => {
  await t.test("Responses: the engine's own response.failed with its usage", async (t) => {
    const failed = {
      type: 'response.failed',
      sequence_number: 5,
      response: {
        ...(RESPONSES[0]!['response'] as Json),
        status: 'failed',
        error: { code: 'server_error', message: 'engine down' },
        usage: { input_tokens: 10, output_tokens: 3, total_tokens: 13 },
      },
    };
    const logged = test.requestLogs().length;
    engine.reply({ kind: 'raw', chunks: [...RESPONSES_HEAD, `data: ${JSON.stringify(failed)}\n\n`] });
    await (await post('/v1/responses', { model: 'nat', input: 'hi', stream: true })).text();
    t.match(await logOf(logged), { outcome: 'stream_interrupted', promptTokens: 10, completionTokens: 3 });
  });
  await t.test("Messages: message_start's input count when the engine errs after its deltas (the output: what was streamed)", async (t) => {
    const logged = test.requestLogs().length;
    engine.reply({ kind: 'raw', chunks: [...MESSAGES_PREAMBLE, delta('a'), delta('b'), 'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"boom"}}\n\n'] });
    await (await post('/v1/messages', { model: 'nat', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] })).text();
    t.match(await logOf(logged), { promptTokens: 11, completionTokens: 2 });
  });
});
