// The response cache with native answers over one real Redis (test/fixtures/redis-server.ts) shared by
// three routers: a native Responses stream answered through router 1 (the vLLM wire bytes of
// vllm/entrypoints/openai/responses/api_router.py @f6e93254, test/fixtures/wire/) is a hit on router 3
// as the same events under a new resp_ id, stored under it (readable from router 2), and folded for a
// whole request; a whole native answer is a hit streamed by another router; identical native requests
// sent to the three at once reach the engine once; and an idempotent request on a cached alias, which
// shares its native recording with the cache, is kept for its retry and stored for the cache both.
import t from 'tap';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { skipFileWithoutRedis, startRedisServer } from '../fixtures/redis-server.js';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { wireFixture } from '../fixtures/wire/load.js';

type Json = Record<string, unknown>;

const VLLM_STREAM = wireFixture('vllm-responses-stream-text.sse');
const STREAM_EVENTS = wireFixture('openai-responses-stream-text.sse')
  .split('\n\n')
  .filter((event) => event.startsWith('data: {'))
  .map((event) => JSON.parse(event.slice(6)) as Json);
const COMPLETED = STREAM_EVENTS.at(-1)!['response'] as Json;

skipFileWithoutRedis(t);
const redis = await startRedisServer();
const native = await startFakeEngine();
const config = {
  logging: { level: 'info' },
  budgets: { store: 'redis', redis: { url: redis.url, keyPrefix: `native-cache-${process.pid}` } },
  cache: { store: 'redis', lockWaitMs: 10_000 },
  idempotency: { store: 'redis' },
  responses: { store: 'redis' },
  models: { nat: { tiers: ['nat'], cache: {} } },
  tiers: { nat: { pools: ['native'] } },
  pools: {
    native: {
      engine: 'vllm',
      servedModel: 'served-native',
      firstTokenTimeoutMs: 2000,
      idleTimeoutMs: 2000,
      healthCheck: { intervalMs: 0 },
      engineMetrics: { intervalMs: 0 },
      apis: ['responses'],
      replicas: [{ name: 'native-r0', url: native.url }],
    },
  },
};
const routers: TestRouter[] = [];
for (let i = 0; i < 3; i++) routers.push(await startTestRouter(config));
const [one, two, three] = routers as [TestRouter, TestRouter, TestRouter];
t.teardown(async () => {
  await Promise.all(routers.map((router) => router.close()));
  await native.close();
  await redis.dispose();
});
t.beforeEach(() => {
  native.requests.length = 0;
  native.respond = null;
});

let asks = 0;
const question = (): string => `redis native ${process.pid}-${++asks}`;

function post(router: TestRouter, body: Json, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${router.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

function firstResponseId(text: string): string {
  const data = text.slice(text.indexOf('data: ') + 6, text.indexOf('\n\n'));
  return String(((JSON.parse(data) as Json)['response'] as Json)['id']);
}

t.test("router 1's native stream is a hit on router 3: the same events under a new id, stored, and folded for a whole request", async (t) => {
  native.reply({ kind: 'raw', chunks: [VLLM_STREAM] });
  const ask = { model: 'nat', input: question(), temperature: 0, stream: true };
  const first = await post(one, ask);
  t.equal(first.headers.get('x-switchyard-cache'), 'miss');
  const firstText = await first.text();
  const hit = await post(three, ask);
  t.equal(hit.headers.get('x-switchyard-cache'), 'hit');
  const hitText = await hit.text();
  const [a, b] = [firstResponseId(firstText), firstResponseId(hitText)];
  t.not(b, a);
  t.equal(hitText.split(b).join('<id>'), firstText.split(a).join('<id>'));
  t.equal((await two.client.responses.retrieve(b)).output_text, 'Hello world', 'stored under its id, readable from router 2');
  const whole = await three.client.responses.create({ model: 'nat', input: ask.input, temperature: 0 }).withResponse();
  t.equal(whole.response.headers.get('x-switchyard-cache'), 'hit');
  t.equal(whole.data.output_text, 'Hello world');
  t.equal(native.requests.length, 1);
});

t.test('a whole native answer stored by router 1 is streamed by router 2', async (t) => {
  native.reply({ kind: 'json', body: COMPLETED });
  const ask = { model: 'nat', input: question(), temperature: 0 };
  const first = await one.client.responses.create(ask);
  const final = await two.client.responses.stream(ask).finalResponse();
  t.not(final.id, first.id);
  t.equal(final.output_text, first.output_text);
  t.strictSame(final.usage, first.usage);
  t.equal(native.requests.length, 1);
});

t.test('identical native requests sent to three routers at once reach the engine once', async (t) => {
  native.respond = () => ({ kind: 'stream', events: STREAM_EVENTS.map((event) => JSON.stringify(event)), delayMs: 40 });
  const ask = { model: 'nat', input: question(), temperature: 0, stream: true };
  const replies = await Promise.all(
    Array.from({ length: 6 }, async (_, i) => {
      const response = await post(routers[i % 3]!, ask);
      return { cache: response.headers.get('x-switchyard-cache'), text: await response.text() };
    }),
  );
  t.equal(native.requests.length, 1, 'the engine saw one request');
  t.strictSame(replies.map((reply) => reply.cache).sort(), ['hit', 'hit', 'hit', 'hit', 'hit', 'miss']);
  for (const reply of replies) t.match(reply.text, /"type":"response\.completed"/);
});

t.test('an idempotent request on a cached alias: its retry is a replay, an identical request without the key a hit', async (t) => {
  native.reply({ kind: 'raw', chunks: [VLLM_STREAM] });
  const ask = { model: 'nat', input: question(), temperature: 0, stream: true };
  const key = { 'idempotency-key': `native-cache-${process.pid}-${asks}` };
  const firstText = await (await post(one, ask, key)).text();
  const retry = await post(two, ask, key);
  t.equal(retry.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal(await retry.text(), firstText, 'the replay is the first answer, its id included');
  const hit = await post(three, ask);
  t.equal(hit.headers.get('x-switchyard-cache'), 'hit');
  t.not(firstResponseId(await hit.text()), firstResponseId(firstText), 'the hit is a new answer');
  t.equal(native.requests.length, 1);
});
