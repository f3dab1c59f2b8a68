// Idempotent retries through the official openai SDK (the header goes in request options' `headers`:
// openai-node never sets one itself, node_modules/openai/client.js): the first request runs, a retry
// with the same key and body gets the stored answer (streams too, in either form) and is not charged;
// a duplicate in flight waits for the first, past idempotency.waitMs it is a 409; another body is a
// 422; a malformed key is a 400; a retryable failure is not stored, so the retry runs again; keys are
// scoped to the caller's API key.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { createConnection } from 'node:net';
import OpenAI, { APIError } from 'openai';
import { chatStreamEvents, echoCompletion, startFakeEngine } from '../fixtures/fake-engine.js';
import { onePoolConfig } from '../fixtures/one-pool-config.js';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN, waitFor } from '../fixtures/wait.js';

const engine = await startFakeEngine();
t.teardown(() => engine.close());
t.beforeEach(() => {
  engine.requests.length = 0;
  engine.respond = null;
});

const SECRET_A = 'sy-test-secret-idempotency-a';
const SECRET_B = 'sy-test-secret-idempotency-b';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const USAGE = { prompt_tokens: 7, completion_tokens: 3 };
const HELLO = { model: 'gpu', messages: [{ role: 'user' as const, content: 'hello' }], max_tokens: 8 };

function config(idempotency: Record<string, unknown> = {}) {
  const base = onePoolConfig([engine.url], { pool: { responseTimeoutMs: 2_000, firstTokenTimeoutMs: 2_000 } });
  return {
    ...base,
    auth: {
      required: true,
      keys: [
        { id: 'team-a', hash: sha256(SECRET_A) },
        { id: 'team-b', hash: sha256(SECRET_B) },
      ],
    },
    idempotency,
  };
}

async function router(t: Test, idempotency: Record<string, unknown> = {}): Promise<TestRouter> {
  const test = await startTestRouter(config(idempotency), { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
  t.teardown(() => test.close());
  return test;
}

/** The SDK as a client uses it, retries off so every answer is the one the router gave. */
function sdk(test: TestRouter, secret = SECRET_A): OpenAI {
  return new OpenAI({ baseURL: `${test.url}/v1`, apiKey: secret, maxRetries: 0 });
}

const keyed = (key: string) => ({ headers: { 'Idempotency-Key': key } });

async function charged(test: TestRouter, id = 'team-a'): Promise<number> {
  const res = await fetch(`${test.url}/admin/keys/${id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const body = (await res.json()) as { usage: { tokens: { lifetime: { used: number; reserved: number } } } };
  return body.usage.tokens.lifetime.reserved === 0 ? body.usage.tokens.lifetime.used : -1;
}

async function settled(test: TestRouter, id = 'team-a'): Promise<number> {
  return waitFor('every reservation settled', async () => {
    const used = await charged(test, id);
    return used >= 0 ? used : null;
  });
}

function metric(text: string, result: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`switchyard_idempotency_requests_total{result="${result}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

t.test('a retry with the same key and body is the stored answer, replayed and not charged', async (t) => {
  const test = await router(t);
  engine.respond = (req) => ({ kind: 'json', body: { ...echoCompletion(req.body, USAGE), id: 'chatcmpl-first', created: 1700000001 } });
  const client = sdk(test);
  const first = await client.chat.completions.create(HELLO, keyed('order-1')).withResponse();
  t.equal(first.response.headers.get('x-switchyard-idempotent-replay'), null, 'the first request ran');
  t.equal(await settled(test), 10, 'and was charged its usage');

  // Byte-different but equal: other key order, and the SDK's own spacing.
  const again = await client.chat.completions.create({ max_tokens: 8, messages: [{ content: 'hello', role: 'user' }], model: 'gpu' }, keyed('order-1')).withResponse();
  t.strictSame(again.data, first.data, 'the same response, its id and created included');
  t.equal(again.data.id, 'chatcmpl-first');
  t.equal(again.response.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.match(again.response.headers.get('age'), /^\d+$/, 'age, in whole seconds');
  t.equal(again.response.headers.get('x-switchyard-cost-usd'), '0', 'and it costs nothing');
  t.equal(engine.requests.length, 1, 'the engine saw one request');
  t.equal(await settled(test), 10, 'the replay charged nothing');

  const lines = test.requestLogs().filter((line) => line['path'] === '/v1/chat/completions');
  t.strictSame(
    lines.map((line) => [line['status'], line['idempotency']]),
    [
      [200, 'new'],
      [200, 'replay'],
    ],
    'the access line says what idempotency did',
  );
  const metrics = await test.scrape();
  t.equal(metric(metrics, 'new'), 1);
  t.equal(metric(metrics, 'replay'), 1);
});

t.test('streams replay as well-formed streams, and either form serves the other', async (t) => {
  const test = await router(t);
  engine.respond = (req) =>
    req.body?.['stream'] === true ? { kind: 'stream', events: chatStreamEvents(['Once', ' upon', ' a', ' time'], { prompt_tokens: 5, completion_tokens: 4 }) } : null;
  const client = sdk(test);
  const collect = async (stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) => {
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  };
  const body = { ...HELLO, stream: true as const, stream_options: { include_usage: true } };
  const original = await collect(await client.chat.completions.create(body, keyed('story')));
  const text = (chunks: OpenAI.Chat.Completions.ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
  t.equal(text(original), 'Once upon a time');

  const { data: replayed, response } = await client.chat.completions.create(body, keyed('story')).withResponse();
  t.equal(response.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const chunks = await collect(replayed);
  t.strictSame(chunks, original, 'the same chunks, the usage chunk last');
  t.strictSame(chunks.at(-1)?.usage, { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 });

  const withoutUsage = await collect(await client.chat.completions.create({ ...HELLO, stream: true }, keyed('story')));
  t.strictSame(withoutUsage, original.slice(0, -1), 'no usage chunk when the retry does not ask for it');

  const plain = await client.chat.completions.create(HELLO, keyed('story'));
  t.equal(plain.choices[0]?.message.content, 'Once upon a time', 'a plain retry of a stream gets the folded answer');
  t.equal(plain.id, original[0]?.id);
  t.equal(engine.requests.length, 1, 'the engine saw one request');

  // And the other way: a plain answer replayed to a streaming retry.
  const whole = await client.chat.completions.create(HELLO, keyed('plain-first'));
  const asStream = await collect(await client.chat.completions.create({ ...HELLO, stream: true }, keyed('plain-first')));
  t.equal(text(asStream), whole.choices[0]?.message.content);
  t.equal(asStream.at(-1)?.choices[0]?.finish_reason, 'stop');
  t.ok(
    asStream.every((chunk) => chunk.id === whole.id && chunk.object === 'chat.completion.chunk'),
    'every chunk keeps the stored id',
  );
  t.equal(engine.requests.length, 2);
});

t.test('the error envelopes: 400 for a malformed key, 422 for another body, 409 past waitMs', async (t) => {
  const test = await router(t, { waitMs: 100 });
  const client = sdk(test);
  const failure = async (call: Promise<unknown>): Promise<{ status: number | undefined; error: unknown; headers: Headers | undefined }> => {
    try {
      await call;
    } catch (error) {
      if (error instanceof APIError) return { status: error.status as number | undefined, error: error.error as unknown, headers: error.headers as Headers | undefined };
      throw error;
    }
    throw new Error('expected an error');
  };

  const tooLong = await failure(client.chat.completions.create(HELLO, keyed('k'.repeat(256))));
  t.strictSame(tooLong.status, 400);
  t.strictSame(tooLong.error, {
    message: 'The Idempotency-Key is 256 characters long; at most 255 are allowed.',
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_idempotency_key',
  });
  t.equal(tooLong.headers?.get('x-should-retry'), 'false');

  const control = await raw(test, [['Idempotency-Key', 'abc\tdef']]);
  t.equal(control.status, 400);
  t.match(control.body, { error: { code: 'invalid_idempotency_key', message: /control character \(0x09\) at position 4/ } });
  const twice = await raw(test, [
    ['Idempotency-Key', 'one'],
    ['Idempotency-Key', 'two'],
  ]);
  t.strictSame(twice, {
    status: 400,
    body: { error: { message: 'The Idempotency-Key header was sent 2 times; send it once.', type: 'invalid_request_error', param: null, code: 'invalid_idempotency_key' } },
    replay: false,
  });
  t.equal(engine.requests.length, 0, 'no malformed key reached the engine');

  await client.chat.completions.create(HELLO, keyed('reused'));
  const reused = await failure(client.chat.completions.create({ ...HELLO, max_tokens: 9 }, keyed('reused')));
  t.strictSame(reused.status, 422);
  t.strictSame(reused.error, {
    message: 'This Idempotency-Key was used with a different request (model, body or protocol headers) in the last 24 hours; send a new key for a new request.',
    type: 'invalid_request_error',
    param: null,
    code: 'idempotency_key_reused',
  });
  t.equal(reused.headers?.get('x-should-retry'), 'false');

  // The engine never answers the first request; the duplicate waits 100 ms for it, then gets a 409.
  engine.respond = () => ({ kind: 'stall' });
  const first = client.chat.completions.create(HELLO, keyed('busy')).catch((error: unknown) => error);
  await waitFor('the first request at the engine', async () => engine.requests.length === 2);
  const busy = await failure(client.chat.completions.create(HELLO, keyed('busy')));
  t.strictSame(busy.status, 409);
  t.strictSame(busy.error, {
    message: 'A request with this Idempotency-Key is still being processed; retry after it has finished.',
    type: 'invalid_request_error',
    param: null,
    code: 'idempotency_key_in_use',
  });
  t.equal(busy.headers?.get('retry-after'), '1');
  t.equal(busy.headers?.get('retry-after-ms'), '1000');
  // The stalled first request ends in a timeout (504), which is not stored: the key is free again.
  t.match(await first, { status: 504 });
  engine.respond = null;
  const rerun = await client.chat.completions.create(HELLO, keyed('busy')).withResponse();
  t.equal(rerun.response.headers.get('x-switchyard-idempotent-replay'), null, 'the retry after the timeout ran');
  t.equal(engine.requests.length, 3);

  const metrics = await test.scrape();
  t.strictSame(
    ['invalid', 'mismatch', 'in_use'].map((result) => metric(metrics, result)),
    [3, 1, 1],
  );
});

t.test('a duplicate sent while the first runs waits for it, and gets its answer', async (t) => {
  const test = await router(t);
  engine.respond = () => ({ kind: 'stream', events: chatStreamEvents(['a', 'b', 'c', 'd', 'e']), delayMs: 40 });
  const client = sdk(test);
  const body = { ...HELLO, stream: true as const };
  const read = async () => {
    let text = '';
    for await (const chunk of await client.chat.completions.create(body, keyed('twin'))) text += chunk.choices[0]?.delta.content ?? '';
    return text;
  };
  const first = read();
  await waitFor('the first request at the engine', async () => engine.requests.length === 1);
  const [a, b] = await Promise.all([first, read()]);
  t.equal(a, 'abcde');
  t.equal(b, 'abcde');
  t.equal(engine.requests.length, 1, 'the engine saw one request');
  t.equal(metric(await test.scrape(), 'waited'), 1);
});

t.test('a retryable failure is not stored: the retry after a 503 runs again', async (t) => {
  const test = await router(t);
  engine.reply({ kind: 'json', status: 503, body: { object: 'error', message: 'overloaded', type: 'ServiceUnavailableError', code: 503 } });
  const client = sdk(test);
  const failed = await client.chat.completions.create(HELLO, keyed('flaky')).catch((error: unknown) => error);
  t.match(failed, { status: 503 });
  const retried = await client.chat.completions.create(HELLO, keyed('flaky')).withResponse();
  t.equal(retried.response.headers.get('x-switchyard-idempotent-replay'), null, 'the retry ran');
  t.equal(retried.data.choices[0]?.message.content, 'echo: hello');
  const third = await client.chat.completions.create(HELLO, keyed('flaky')).withResponse();
  t.equal(third.response.headers.get('x-switchyard-idempotent-replay'), 'true', 'its success is what retries get from then on');
  t.equal(engine.requests.length, 2);
});

t.test('a stream cut short is not stored: by the engine, or by the client leaving', async (t) => {
  const test = await router(t);
  const client = sdk(test);
  const words = Array.from({ length: 30 }, (_, i) => ` w${i}`);
  // The engine drops the connection after a few chunks: the client got a stream_interrupted error event.
  engine.reply({ kind: 'stream', events: chatStreamEvents(words), dropAfter: 5 });
  const broken = await (async () => {
    try {
      for await (const chunk of await client.chat.completions.create({ ...HELLO, stream: true }, keyed('cut'))) void chunk;
      return null;
    } catch (error) {
      return error;
    }
  })();
  t.ok(broken instanceof Error, 'the client saw the stream break');
  const retried = await client.chat.completions.create(HELLO, keyed('cut')).withResponse();
  t.equal(retried.response.headers.get('x-switchyard-idempotent-replay'), null, 'the retry ran');
  t.equal(engine.requests.length, 2);

  // The client leaves after its first chunks.
  engine.reply({ kind: 'stream', events: chatStreamEvents(words), delayMs: 20 });
  const controller = new AbortController();
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET_A}`, 'content-type': 'application/json', 'idempotency-key': 'left' },
    body: JSON.stringify({ ...HELLO, stream: true }),
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  await reader.read();
  const closed = engine.nextEarlyClose();
  controller.abort();
  await closed;
  await waitFor('the abandoned key', async () => test.requestLogs().some((line) => line['outcome'] === 'client_abort'));
  const again = await client.chat.completions.create(HELLO, keyed('left')).withResponse();
  t.equal(again.response.headers.get('x-switchyard-idempotent-replay'), null, 'the retry after the client left ran');
  t.equal(engine.requests.length, 4);
});

t.test("an engine's refusal of the request itself is kept: the same body would be refused again", async (t) => {
  const test = await router(t);
  engine.reply({ kind: 'json', status: 400, body: { object: 'error', message: 'max_tokens is too large', type: 'BadRequestError', param: null, code: 400 } });
  const send = () => raw(test, [['Idempotency-Key', 'bad-request']]);
  const first = await send();
  const again = await send();
  t.equal(first.status, 400);
  t.equal(first.replay, false);
  t.strictSame(again, { ...first, replay: true }, 'the same 400, replayed');
  t.equal(engine.requests.length, 1);
});

t.test("keys are scoped to the caller's API key: A's key never replays to B", async (t) => {
  const test = await router(t);
  await sdk(test, SECRET_A).chat.completions.create(HELLO, keyed('shared-name'));
  const b = await sdk(test, SECRET_B).chat.completions.create(HELLO, keyed('shared-name')).withResponse();
  t.equal(b.response.headers.get('x-switchyard-idempotent-replay'), null, "B's request ran");
  t.equal(engine.requests.length, 2);
  t.equal(await settled(test, 'team-b'), 10, 'and B was charged for it');
});

/**
 * A chat request written on a socket, head line by line: node's and undici's clients join or refuse
 * repeated headers and control characters, which is what these requests are about. Answers with a
 * content-length only (errors and replays of JSON both have one).
 */
async function raw(test: TestRouter, headers: [string, string][]): Promise<{ status: number; body: unknown; replay: boolean }> {
  const payload = JSON.stringify(HELLO);
  const head = [
    'POST /v1/chat/completions HTTP/1.1',
    'Host: 127.0.0.1',
    `Authorization: Bearer ${SECRET_A}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(payload)}`,
    'Connection: close',
    ...headers.map(([name, value]) => `${name}: ${value}`),
  ].join('\r\n');
  const text = await new Promise<string>((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port: Number(new URL(test.url).port) });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
    // Written, not ended: a client that half-closes is a client gone (src/http/client-error.ts).
    socket.write(`${head}\r\n\r\n${payload}`);
  });
  const split = text.indexOf('\r\n\r\n');
  const status = Number(text.slice(9, 12));
  return { status, body: JSON.parse(text.slice(split + 4)) as unknown, replay: /\r\nx-switchyard-idempotent-replay: true\r\n/i.test(text.slice(0, split)) };
}

t.test("with the response cache on too, an answer over the cache's bound but within idempotency's is still kept for retries", async (t) => {
  const raw = config({ maxEntryBytes: 1_000_000 });
  const test = await startTestRouter(
    { ...raw, models: { gpu: { tiers: ['gpu'], cache: { deterministicOnly: false, maxEntryBytes: 1024 } } } },
    { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN },
  );
  t.teardown(() => test.close());
  const long = 'x'.repeat(8_000);
  engine.respond = (req) => ({
    kind: 'json',
    body: { ...echoCompletion(req.body, USAGE), id: 'chatcmpl-long', choices: [{ index: 0, message: { role: 'assistant', content: long }, finish_reason: 'stop' }] },
  });
  const client = sdk(test);
  const first = await client.chat.completions.create(HELLO, keyed('big-1')).withResponse();
  t.equal(first.response.headers.get('x-switchyard-cache'), 'miss');
  t.equal(await settled(test), 10);
  const again = await client.chat.completions.create(HELLO, keyed('big-1')).withResponse();
  t.equal(again.response.headers.get('x-switchyard-idempotent-replay'), 'true', 'replayed from the idempotency store');
  t.strictSame(again.data, first.data);
  t.equal(engine.requests.length, 1, 'the retry did not reach the engine');
  t.equal(await settled(test), 10, 'and was not charged again');
  // The cache kept its own bound: the same body without the key is not a hit.
  const plain = await client.chat.completions.create(HELLO).withResponse();
  t.equal(plain.response.headers.get('x-switchyard-cache'), 'miss', 'the cache did not store an entry over its maxEntryBytes');
  t.match(await test.scrape(), /switchyard_cache_stores_total\{model="gpu",result="oversized"\} 2/);
});

t.test('with the response cache on too, an answer within the cache bound but over idempotency’s is not kept for retries', async (t) => {
  const raw = config({ maxEntryBytes: 1024 });
  const test = await startTestRouter(
    { ...raw, models: { gpu: { tiers: ['gpu'], cache: { deterministicOnly: false, maxEntryBytes: 1_000_000 } } } },
    { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN },
  );
  t.teardown(() => test.close());
  const long = 'y'.repeat(8_000);
  engine.respond = (req) => ({
    kind: 'json',
    body: { ...echoCompletion(req.body, USAGE), choices: [{ index: 0, message: { role: 'assistant', content: long }, finish_reason: 'stop' }] },
  });
  const client = sdk(test);
  await client.chat.completions.create(HELLO, keyed('big-2'));
  const again = await client.chat.completions.create(HELLO, keyed('big-2')).withResponse();
  t.equal(again.response.headers.get('x-switchyard-idempotent-replay'), null, 'idempotency kept nothing over its own bound');
  t.equal(again.response.headers.get('x-switchyard-cache'), 'hit', 'the cache, whose bound it fits, answered');
});

t.test("a replayed engine 4xx has the original's headers (the engine error path sets none of its own beyond the router's)", async (t) => {
  const test = await router(t);
  engine.reply({
    kind: 'json',
    status: 404,
    body: { object: 'error', message: 'no such LoRA adapter', type: 'NotFoundError', param: null, code: 404 },
    headers: { 'retry-after': '5' },
  });
  const send = async () => {
    const res = await fetch(`${test.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET_A}`, 'content-type': 'application/json', 'Idempotency-Key': 'not-found' },
      body: JSON.stringify(HELLO),
    });
    return { status: res.status, headers: [...res.headers].filter(([name]) => !VARYING.has(name)), body: await res.text() };
  };
  const first = await send();
  const again = await send();
  t.equal(first.status, 404);
  t.strictSame(again.status, first.status);
  t.strictSame(again.body, first.body);
  t.strictSame(again.headers, first.headers, 'every header of the original, none lost');
  t.equal(engine.requests.length, 1);
});

/**
 * Headers that differ between any two responses, or that only a replay carries by design; and
 * x-switchyard-replica, which a stored answer does not keep (a replay names the tier and pool that made it).
 * The engine's 4xx path (src/proxy/outcome.ts rejected(), give-up.ts finalError()) sets no error headers
 * of its own: x-should-retry only on a 5xx, retry-after only for a busy or failed replica, neither kept.
 */
const VARYING: ReadonlySet<string> = new Set([
  'date',
  'x-request-id',
  'x-switchyard-idempotent-replay',
  'age',
  'x-switchyard-cost-usd',
  'keep-alive',
  'connection',
  'x-switchyard-replica',
]);

t.test('an Idempotency-Key on embeddings: the retry is the stored vectors, not charged; another input is a 422', async (t) => {
  const test = await router(t);
  const embedding = { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.25, -0.5] }], model: 'served-gpu', usage: { prompt_tokens: 4, total_tokens: 4 } };
  engine.respond = () => ({ kind: 'json', body: embedding });
  const client = sdk(test);
  const body = { model: 'gpu', input: 'vector me', encoding_format: 'float' as const };
  const first = await client.embeddings.create(body, keyed('emb-1')).withResponse();
  t.equal(await settled(test), 4);
  const again = await client.embeddings.create(body, keyed('emb-1')).withResponse();
  t.equal(again.response.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.strictSame(again.data, first.data);
  t.equal(engine.requests.length, 1);
  t.equal(await settled(test), 4, 'not charged again');
  const other = await client.embeddings.create({ ...body, input: 'another' }, keyed('emb-1')).catch((error: unknown) => error);
  t.match(other, { status: 422, error: { code: 'idempotency_key_reused' } });
});
