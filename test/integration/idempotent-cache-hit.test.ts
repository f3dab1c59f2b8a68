// An Idempotency-Key sent with a request the response cache answers keeps that answer: a retry with
// the same key and body gets the hit's response again, byte for byte (its own id and created, not
// another hit's), marked as a replay, and the key is taken: another body with it is the 422. Chat
// completions streamed and not, a translated Responses answer (its resp_ id and the Response stored
// once), and a native Responses answer (pools.<n>.apis). Through a real router, the official openai
// SDK and fetch for the bytes, against fake engines (the native one replays OpenAI's recorded stream,
// test/fixtures/wire/, cited in native-passthrough.test.ts).
import t, { type Test } from 'tap';
import OpenAI from 'openai';
import { chatStreamEvents, startFakeEngine } from '../fixtures/fake-engine.js';
import { startTestRouter } from '../fixtures/start-router.js';
import { quietPool } from '../fixtures/quiet-pool.js';
import { wireFixture } from '../fixtures/wire/load.js';

type Json = Record<string, unknown>;

const [engine, native] = await Promise.all([startFakeEngine(), startFakeEngine()]);
const pool = (servedModel: string, name: string, url: string, extra: Json = {}) => quietPool('vllm', servedModel, name, url, extra);
const cache = { ttlMs: 60_000 };
const test = await startTestRouter({
  logging: { level: 'info' },
  models: { chat: { tiers: ['chat'], cache }, nat: { tiers: ['nat'], cache } },
  tiers: { chat: { pools: ['chat'] }, nat: { pools: ['native'] } },
  // Priced: the answer cost something when it was made, and each hit, and each retry of one, nothing.
  pools: {
    chat: pool('served-chat', 'chat-r0', engine.url, { price: { inputUsdPerMillion: 1000, outputUsdPerMillion: 2000 } }),
    native: pool('served-native', 'native-r0', native.url, { apis: ['responses'] }),
  },
});
const openai = new OpenAI({ baseURL: `${test.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
t.teardown(async () => {
  await test.close();
  await Promise.all([engine.close(), native.close()]);
});
t.beforeEach(() => {
  engine.requests.length = 0;
  engine.respond = null;
  native.requests.length = 0;
  native.respond = null;
});

let keys = 0;
const newKey = (): string => `cache-hit-${process.pid}-${++keys}`;

async function post(path: string, body: Json, key: string | null): Promise<{ status: number; headers: Headers; text: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers['idempotency-key'] = key;
  const res = await fetch(`${test.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The request once without a key (a miss that stores the answer), then with `key`: a hit. */
async function hitWithKey(t: Test, path: string, body: Json, key: string) {
  t.equal((await post(path, body, null)).headers.get('x-switchyard-cache'), 'miss');
  const hit = await post(path, body, key);
  t.equal(hit.headers.get('x-switchyard-cache'), 'hit', 'the keyed request is a cache hit');
  return hit;
}

t.test('chat, not streamed: the retry is the hit it retries, not another hit; the key is taken', async (t) => {
  const key = newKey();
  const body = { model: 'chat', temperature: 0, max_tokens: 8, messages: [{ role: 'user', content: 'hit once' }] };
  const hit = await hitWithKey(t, '/v1/chat/completions', body, key);
  const retry = await post('/v1/chat/completions', body, key);
  t.equal(retry.status, 200);
  t.equal(retry.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal(retry.text, hit.text, 'the same response: its id and created included');
  t.equal(retry.headers.get('x-switchyard-cost-usd'), '0');
  const other = await post('/v1/chat/completions', { ...body, max_tokens: 9 }, key);
  t.equal(other.status, 422);
  t.match(JSON.parse(other.text), { error: { code: 'idempotency_key_reused' } });
  t.equal(engine.requests.length, 1, 'only the first request reached the engine');
  // Through the SDK, as a client retries.
  const again = await openai.chat.completions.create(body as never, { headers: { 'Idempotency-Key': key } });
  t.strictSame(again, JSON.parse(hit.text));
});

t.test('chat, streamed with usage: the retry is the same event stream, byte for byte', async (t) => {
  const key = newKey();
  engine.reply({ kind: 'stream', events: chatStreamEvents(['streamed', ' hit']) });
  const body = { model: 'chat', temperature: 0, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream a hit' }] };
  const miss = await post('/v1/chat/completions', body, null);
  t.match(miss.text, /"usage":\{[^}]*"cost":0\.0\d*[1-9]\d*\}/, 'the answer cost something when it was made');
  const hit = await post('/v1/chat/completions', body, key);
  t.equal(hit.headers.get('x-switchyard-cache'), 'hit', 'the keyed request is a cache hit');
  t.match(hit.text, /"usage":\{[^}]*"cost":0\}/, 'the hit says it cost nothing');
  const retry = await post('/v1/chat/completions', body, key);
  t.equal(retry.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal(retry.text, hit.text);
  t.equal(engine.requests.length, 1);
});

t.test('chat, stored whole and hit as a stream: the retry is the same stream', async (t) => {
  const key = newKey();
  const body = { model: 'chat', temperature: 0, max_tokens: 8, messages: [{ role: 'user', content: 'stored whole' }] };
  t.equal((await post('/v1/chat/completions', body, null)).headers.get('x-switchyard-cache'), 'miss');
  const streamed = { ...body, stream: true, stream_options: { include_usage: true } };
  const hit = await post('/v1/chat/completions', streamed, key);
  t.equal(hit.headers.get('x-switchyard-cache'), 'hit');
  t.match(hit.text, /data: \[DONE\]\n\n$/);
  const retry = await post('/v1/chat/completions', streamed, key);
  t.equal(retry.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal(retry.text, hit.text);
  t.equal(engine.requests.length, 1);
});

t.test('Responses, translated: the retry is the hit, its resp_ id included, and is not stored again', async (t) => {
  const key = newKey();
  const body = { model: 'chat', temperature: 0, input: 'a translated hit' };
  const hit = await hitWithKey(t, '/v1/responses', body, key);
  const id = (JSON.parse(hit.text) as Json)['id'] as string;
  const retry = await post('/v1/responses', body, key);
  t.equal(retry.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal(retry.text, hit.text);
  const stored = await openai.responses.retrieve(id);
  t.equal(stored.id, id, "the hit's Response is the one stored");
  t.equal(engine.requests.length, 1);
});

t.test('Responses, native: the retry is the hit, streamed, byte for byte', async (t) => {
  const key = newKey();
  native.reply({ kind: 'raw', chunks: [wireFixture('openai-responses-stream-text.sse')] });
  const body = { model: 'nat', temperature: 0, input: 'a native hit', stream: true };
  const hit = await hitWithKey(t, '/v1/responses', body, key);
  const retry = await post('/v1/responses', body, key);
  t.equal(retry.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal(retry.text, hit.text);
  t.equal(native.requests.length, 1);
});
