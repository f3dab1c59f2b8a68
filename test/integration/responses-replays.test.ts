// A Responses answer that no engine made this time: a cache hit and an idempotent replay write the
// stored chat bytes through the Responses translator, and each comes out as a valid Response (JSON and
// stream) that the SDK reads. A hit is a new response, with an id of its own that is stored like any
// other; a replay is the first response again, its id included (idempotent-replay-ids.test.ts).
import t from 'tap';
import { chatStreamEvents, startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter } from '../fixtures/start-router.js';

const engine = await startFakeEngine();
const test = await startTestRouter({ ...configFor({ chat: [engine.url] }), models: { chat: { tiers: ['chat'], cache: { deterministicOnly: false } } } });
t.teardown(async () => {
  await test.close();
  await engine.close();
});
t.beforeEach(() => {
  engine.requests.length = 0;
});

t.test('a cache hit is a valid Response, JSON and streamed', async (t) => {
  const ask = { model: 'chat', input: 'cache me', temperature: 0 };
  const first = await test.client.responses.create(ask).withResponse();
  const second = await test.client.responses.create(ask).withResponse();
  t.strictSame([first.response.headers.get('x-switchyard-cache'), second.response.headers.get('x-switchyard-cache')], ['miss', 'hit']);
  t.equal(engine.requests.length, 1, 'the engine answered once');
  t.equal(second.data.output_text, first.data.output_text);
  t.equal(second.data.status, 'completed');
  t.not(second.data.id, first.data.id, 'a new response, with its own id');
  t.strictSame(second.data.usage, first.data.usage);
  t.strictSame(await test.client.responses.retrieve(second.data.id), second.data, 'and it is stored');

  engine.reply({ kind: 'stream', events: chatStreamEvents(['streamed', ' once']) });
  const ask2 = { model: 'chat', input: 'stream me', temperature: 0 };
  const streams = [];
  for (let i = 0; i < 2; i++) {
    const stream = test.client.responses.stream(ask2);
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    streams.push({ types, final: await stream.finalResponse() });
  }
  t.equal(engine.requests.length, 2, 'the second stream was a hit');
  t.strictSame(streams[1]?.types, streams[0]?.types, 'the same event sequence');
  t.equal(streams[1]?.final.output_text, 'streamed once');
  t.equal(streams[1]?.final.status, 'completed');
});

t.test('an idempotent replay is a valid Response; the engine answered once', async (t) => {
  const options = { headers: { 'Idempotency-Key': `order-${process.pid}` } };
  const first = await test.client.responses.create({ model: 'chat', input: 'charge once' }, options).withResponse();
  const retry = await test.client.responses.create({ model: 'chat', input: 'charge once' }, options).withResponse();
  t.equal(retry.response.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal(engine.requests.length, 1);
  t.equal(retry.data.status, 'completed');
  t.equal(retry.data.output_text, first.data.output_text);
  t.strictSame(retry.data.usage, first.data.usage);
  t.equal(retry.data.id, first.data.id, 'the first response again');
  t.strictSame(await test.client.responses.retrieve(retry.data.id), retry.data, 'its id can be read back');
});

t.test('a retry whose earlier turn was deleted since still gets its first answer; a new key is refused', async (t) => {
  const base = await test.client.responses.create({ model: 'chat', input: 'remember 7' });
  const ask = { model: 'chat', input: 'what number?', previous_response_id: base.id };
  const options = { headers: { 'Idempotency-Key': `after-delete-${process.pid}` } };
  const first = await test.client.responses.create(ask, options);
  await test.client.responses.delete(base.id);
  const retry = await test.client.responses.create(ask, options).withResponse();
  t.equal(retry.response.headers.get('x-switchyard-idempotent-replay'), 'true', 'replayed: the conversation is needed only to run it');
  t.equal(retry.data.id, first.id);
  t.equal(engine.requests.length, 2, 'the engine answered the first two only');
  // Without an answer to replay the request must run, and cannot: the conversation is gone.
  for (const headers of [{ 'Idempotency-Key': `after-delete-new-${process.pid}` }, {}]) {
    const refused: unknown = await test.client.responses.create(ask, { headers }).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    t.match(refused, { status: 400, code: 'previous_response_not_found' });
  }
  t.equal(engine.requests.length, 2);
});

t.test("a stream's end is [DONE] as openai's SDK reads it, alike for the client, the relay and the cache", async (t) => {
  const content = (text: string) =>
    `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"${text}"},"finish_reason":null}]}\n\n`;
  const end =
    'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}\n\n';
  // A trailing space (data starts with [DONE]: openai-node core/streaming.ts), and an event line before it.
  for (const [i, done] of ['data: [DONE] \n\n', 'event: done\ndata: [DONE]\n\n'].entries()) {
    engine.reply({ kind: 'raw', contentType: 'text/event-stream', chunks: [content('ok'), end, done] });
    const ask = { model: 'chat', input: `the end, spelt ${i}`, temperature: 0 };
    const first = await test.client.responses.stream(ask).finalResponse();
    t.equal(first.status, 'completed', `${JSON.stringify(done)}: the client's answer is complete`);
    t.match(test.requestLogs().at(-1), { status: 200, outcome: 'ok' }, 'and so is the relay’s');
    const hit = await test.client.responses.create(ask).withResponse();
    t.equal(hit.response.headers.get('x-switchyard-cache'), 'hit', 'kept as complete');
    t.equal(hit.data.status, 'completed');
  }
});
