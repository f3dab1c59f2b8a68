// Idempotency keys over one real Redis (test/fixtures/redis-server.ts) shared by three routers, for the
// answers that are not chat completions: a native answer (an engine that serves the Responses API
// itself, replaying the vLLM wire bytes of vllm/entrypoints/openai/responses/api_router.py @f6e93254,
// test/fixtures/wire/) sent to router 1 is replayed by router 3 as the same events; a duplicate sent
// to router 2 while router 1 runs waits for it; and a translated Responses answer replayed by another
// router keeps its resp_ id (the record's version 2 holds the translation's state).
import t from 'tap';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { skipFileWithoutRedis, startRedisServer } from '../fixtures/redis-server.js';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { quietPool } from '../fixtures/quiet-pool.js';
import { waitFor } from '../fixtures/wait.js';
import { wireFixture } from '../fixtures/wire/load.js';

type Json = Record<string, unknown>;

const VLLM_STREAM = wireFixture('vllm-responses-stream-text.sse');
const STREAM_EVENTS = wireFixture('openai-responses-stream-text.sse')
  .split('\n\n')
  .filter((event) => event.startsWith('data: {'))
  .map((event) => JSON.parse(event.slice(6)) as Json);

skipFileWithoutRedis(t);
const redis = await startRedisServer();
const [native, chat] = await Promise.all([startFakeEngine(), startFakeEngine()]);
const pool = (servedModel: string, name: string, url: string, extra: Json = {}) => quietPool('vllm', servedModel, name, url, extra);
const config = {
  logging: { level: 'info' },
  budgets: { store: 'redis', redis: { url: redis.url, keyPrefix: `native-idem-${process.pid}` } },
  idempotency: { store: 'redis' },
  responses: { store: 'redis' },
  models: { nat: { tiers: ['nat'] }, chat: { tiers: ['chat'] } },
  tiers: { nat: { pools: ['native'] }, chat: { pools: ['chat'] } },
  pools: { native: pool('served-native', 'native-r0', native.url, { apis: ['responses'] }), chat: pool('served-chat', 'chat-r0', chat.url) },
};
const routers: TestRouter[] = [];
for (let i = 0; i < 3; i++) routers.push(await startTestRouter(config));
const [one, two, three] = routers as [TestRouter, TestRouter, TestRouter];
t.teardown(async () => {
  await Promise.all(routers.map((router) => router.close()));
  await Promise.all([native.close(), chat.close()]);
  await redis.dispose();
});
t.beforeEach(() => {
  for (const engine of [native, chat]) {
    engine.requests.length = 0;
    engine.respond = null;
  }
});

let keys = 0;
const newKey = (): string => `redis-native-${process.pid}-${++keys}`;

function post(router: TestRouter, body: Json, key: string): Promise<Response> {
  return fetch(`${router.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) });
}

t.test('a native stream answered by router 1 is replayed by router 3 as the same events; the engine asked once', async (t) => {
  const key = newKey();
  native.reply({ kind: 'raw', chunks: [VLLM_STREAM] });
  const ask = { model: 'nat', input: 'hi', stream: true };
  const first = await (await post(one, ask, key)).text();
  const retry = await post(three, ask, key);
  t.equal(retry.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal(await retry.text(), first);
  const final = await three.client.responses.stream({ model: 'nat', input: 'hi' }, { headers: { 'Idempotency-Key': key } }).finalResponse();
  t.equal(final.output_text, 'Hello world');
  t.equal((await two.client.responses.retrieve(final.id)).id, final.id, 'stored once, readable from any router');
  t.equal(native.requests.length, 1);
});

t.test('a duplicate sent to router 2 while router 1 runs the native stream waits for it', async (t) => {
  const key = newKey();
  native.respond = () => ({ kind: 'stream', events: STREAM_EVENTS.map((event) => JSON.stringify(event)), delayMs: 30 });
  const ask = { model: 'nat', input: 'hi', stream: true };
  const first = post(one, ask, key).then((response) => response.text());
  await waitFor('the first request at the engine', async () => native.requests.length === 1);
  const [a, b] = await Promise.all([first, post(two, ask, key).then((response) => response.text())]);
  t.equal(b, a);
  t.equal(native.requests.length, 1);
});

t.test('a translated Responses answer replayed by another router keeps its resp_ id and item ids', async (t) => {
  const key = newKey();
  const options = { headers: { 'Idempotency-Key': key } };
  const first = await one.client.responses.create({ model: 'chat', input: 'same answer' }, options);
  const retry = await three.client.responses.create({ model: 'chat', input: 'same answer' }, options).withResponse();
  t.equal(retry.response.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.strictSame(retry.data, first);
  t.strictSame(await two.client.responses.retrieve(first.id), first);
  t.equal(chat.requests.length, 1);
});
