// An idempotent replay in the translated APIs is the same answer as the first, ids included: a retry
// with the same Idempotency-Key gets the Responses answer of the first request (its resp_ id, its item
// ids, created_at and completed_at, byte for byte, streamed or not) and writes no second stored
// response; a Messages retry gets the same msg_ id. Through a real router, the official SDKs (the
// header goes in the request options' headers: neither SDK sends one by itself, openai 6.49
// client.js l.649 and @anthropic-ai/sdk client.js set no idempotencyHeader) and fetch for the bytes.
import Anthropic from '@anthropic-ai/sdk';
import t from 'tap';
import { chatStreamEvents, echoCompletion, startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter } from '../fixtures/start-router.js';

type Json = Record<string, unknown>;

const engine = await startFakeEngine();
const test = await startTestRouter(configFor({ chat: [engine.url] }));
const anthropic = new Anthropic({ baseURL: test.url, apiKey: 'sk-test', maxRetries: 0 });
t.teardown(async () => {
  await test.close();
  await engine.close();
});
t.beforeEach(() => {
  engine.requests.length = 0;
  engine.respond = null;
});

let keys = 0;
/** A fresh Idempotency-Key for each test. */
const newKey = (): string => `replay-ids-${process.pid}-${++keys}`;

function post(path: string, body: Json, key: string): Promise<Response> {
  return fetch(`${test.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) });
}

/** The `response` of a Responses stream's terminal event. */
function finalOf(stream: string): Json {
  const last = stream
    .split('\n\n')
    .filter((event) => event.includes('"type":"response.completed"'))
    .at(-1);
  const data = last?.split('\n').find((line) => line.startsWith('data: '));
  return (JSON.parse(data?.slice(6) ?? '{}') as { response: Json }).response;
}

t.test('Responses, not streamed: the retry is the first answer byte for byte, and nothing is stored twice', async (t) => {
  const key = newKey();
  const ask = { model: 'chat', input: 'charge once', tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }] };
  const first = await post('/v1/responses', ask, key);
  const firstText = await first.text();
  // A second apart at least once: created_at and completed_at are whole seconds.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const retry = await post('/v1/responses', ask, key);
  t.equal(retry.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal(await retry.text(), firstText, 'the same Response: id, item ids, created_at, completed_at');
  t.equal(engine.requests.length, 1);
  const answer = JSON.parse(firstText) as Json;
  // The SDK adds output_text to what it reads.
  t.strictSame(await test.client.responses.retrieve(answer['id'] as string), { ...answer, output_text: 'echo: charge once' }, 'the first id is stored');

  // The replay writes nothing: once the response is deleted, a retry still gets the answer, but it stays deleted.
  await test.client.responses.delete(answer['id'] as string);
  const again = await test.client.responses.create(ask as never, { headers: { 'Idempotency-Key': key } });
  t.equal(again.id, answer['id']);
  const gone: unknown = await test.client.responses.retrieve(answer['id'] as string).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  t.match(gone, { status: 404 }, 'no copy was stored by a replay');
});

t.test('Responses, streamed: the retry is the same event stream; a whole-answer retry is its final Response', async (t) => {
  const key = newKey();
  engine.reply({ kind: 'stream', events: chatStreamEvents(['streamed', ' once']) });
  const ask = { model: 'chat', input: 'stream me', stream: true };
  const firstText = await (await post('/v1/responses', ask, key)).text();
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const retry = await post('/v1/responses', ask, key);
  t.equal(retry.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal(await retry.text(), firstText, 'the same events, ids and sequence numbers');
  t.equal(engine.requests.length, 1);

  const whole = await test.client.responses.create({ model: 'chat', input: 'stream me' }, { headers: { 'Idempotency-Key': key } });
  const final = finalOf(firstText);
  t.strictSame(JSON.parse(JSON.stringify(whole)), { ...final, output_text: 'streamed once' }, 'the stream folded: the same Response');
  t.strictSame(await test.client.responses.retrieve(final['id'] as string), whole);

  const sdkStream = test.client.responses.stream({ model: 'chat', input: 'stream me' }, { headers: { 'Idempotency-Key': key } });
  t.equal((await sdkStream.finalResponse()).id, final['id'], 'the SDK reads the replayed stream');
  t.equal(engine.requests.length, 1);
});

t.test('Messages: the retry is the same Message, msg_ id included, streamed or not', async (t) => {
  for (const stream of [false, true]) {
    const key = newKey();
    const ask = { model: 'chat', max_tokens: 32, stream, messages: [{ role: 'user', content: 'hi' }] };
    const firstText = await (await post('/v1/messages', ask, key)).text();
    const retry = await post('/v1/messages', ask, key);
    t.equal(retry.headers.get('x-switchyard-idempotent-replay'), 'true');
    t.equal(await retry.text(), firstText, `the same ${stream ? 'events' : 'Message'}`);
  }
  t.equal(engine.requests.length, 2);
});

t.test('Messages: the same msg_ and toolu_ ids even when the engine sent none', async (t) => {
  const key = newKey();
  engine.respond = (request) => {
    const { id: _id, ...answer } = echoCompletion(request.body);
    const message = { role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] };
    return { kind: 'json', body: { ...answer, choices: [{ index: 0, message, finish_reason: 'tool_calls' }] } };
  };
  const ask = { model: 'chat', max_tokens: 32, messages: [{ role: 'user' as const, content: 'call f' }], tools: [{ name: 'f', input_schema: { type: 'object' as const } }] };
  const first = await anthropic.messages.create(ask, { headers: { 'Idempotency-Key': key } });
  const retry = await anthropic.messages.create(ask, { headers: { 'Idempotency-Key': key } });
  t.match(first.id, /^msg_/);
  t.strictSame(retry, first);
  t.equal(engine.requests.length, 1);
});
