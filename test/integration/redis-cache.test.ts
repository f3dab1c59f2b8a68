// The response cache shared by three routers through one real Redis: an answer stored through router 1
// is a hit on router 3 (streamed or not), identical requests sent to all three at once reach the engine
// once, and a Redis that stops mid-run costs the cache, never a request (the error counter rises).
// Three routers in this process: each has its own cache service, single-flight map and Redis connection,
// as separate processes would; only Redis is shared.
import t, { type Test } from 'tap';
import { chatStreamEvents, startFakeEngine } from '../fixtures/fake-engine.js';
import { skipFileWithoutRedis, startRedisServer, type RedisServer } from '../fixtures/redis-server.js';
import { configFor, startTestRouter, type TestRouter } from '../fixtures/start-router.js';

skipFileWithoutRedis(t);
const redis = await startRedisServer();
const engine = await startFakeEngine();
t.teardown(async () => {
  await engine.close();
  await redis.dispose();
});
let setups = 0;

async function routers(t: Test, server: RedisServer, count = 3): Promise<TestRouter[]> {
  engine.requests.length = 0;
  engine.respond = null;
  const base = configFor({ gpu: [engine.url] });
  const config = {
    ...base,
    models: { gpu: { tiers: ['gpu'], cache: {} } },
    cache: { store: 'redis', lockWaitMs: 10_000 },
    budgets: { store: 'redis', redis: { url: server.url, keyPrefix: `c${++setups}`, commandTimeoutMs: 300 } },
  };
  const started = await Promise.all(Array.from({ length: count }, () => startTestRouter(config)));
  t.teardown(() => Promise.all(started.map((router) => router.close())));
  return started;
}

const ask = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'gpu', messages: [{ role: 'user', content }], temperature: 0, ...extra });
const posts = (): number => engine.requests.filter((request) => request.method === 'POST').length;

async function post(router: TestRouter, body: Record<string, unknown>): Promise<{ status: number; cache: string | null; text: string }> {
  const res = await fetch(`${router.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, cache: res.headers.get('x-switchyard-cache'), text: await res.text() };
}

t.test("router 1's answer is a hit on router 3, plain and streamed", async (t) => {
  const [one, , three] = await routers(t, redis);
  const first = await one!.client.chat.completions.create(ask('shared?') as { model: string; messages: { role: 'user'; content: string }[] }).withResponse();
  t.equal(first.response.headers.get('x-switchyard-cache'), 'miss');
  const again = await three!.client.chat.completions.create(ask('shared?') as { model: string; messages: { role: 'user'; content: string }[] }).withResponse();
  t.equal(again.response.headers.get('x-switchyard-cache'), 'hit');
  t.strictSame(again.data.choices, first.data.choices);
  const streamed = await three!.client.chat.completions
    .create({ ...(ask('shared?') as { model: string; messages: { role: 'user'; content: string }[] }), stream: true as const })
    .withResponse();
  t.equal(streamed.response.headers.get('x-switchyard-cache'), 'hit');
  let text = '';
  for await (const chunk of streamed.data) text += chunk.choices[0]?.delta.content ?? '';
  t.equal(text, first.data.choices[0]?.message.content);
  t.equal(posts(), 1, 'the engine saw one request');
});

t.test('identical requests sent to three routers at once reach the engine once', async (t) => {
  const all = await routers(t, redis);
  engine.respond = (request) => (request.method === 'POST' ? { kind: 'stream', events: chatStreamEvents(['slow', ' one']), delayMs: 40 } : null);
  const replies = await Promise.all(Array.from({ length: 9 }, (_, i) => post(all[i % 3]!, ask('together', { stream: true }))));
  t.strictSame(
    replies.map((reply) => reply.status),
    Array<number>(9).fill(200),
  );
  t.equal(posts(), 1, 'the engine saw one request');
  t.equal(replies.filter((reply) => reply.cache === 'miss').length, 1);
  t.equal(replies.filter((reply) => reply.cache === 'hit').length, 8);
  for (const reply of replies) t.match(reply.text, /"content":"slow"[\s\S]*data: \[DONE\]\n\n$/);
});

t.test('Redis stopped mid-run: requests still succeed, without the cache, and the error counter rises', async (t) => {
  const own = await startRedisServer();
  t.teardown(() => own.dispose());
  const [one, , three] = await routers(t, own);
  t.equal((await post(one!, ask('before'))).cache, 'miss');
  t.equal((await post(three!, ask('before'))).cache, 'hit');
  await own.stop();
  const during = [await post(one!, ask('before')), await post(three!, ask('during')), await post(three!, ask('during', { stream: true }))];
  t.strictSame(
    during.map((reply) => [reply.status, reply.cache]),
    [
      [200, 'bypass'],
      [200, 'bypass'],
      [200, 'bypass'],
    ],
  );
  t.match(await three!.scrape(), /switchyard_cache_store_errors_total\{operation="get"\} 2/);
  t.match(await one!.scrape(), /switchyard_cache_lookups_total\{model="gpu",result="bypass"\} 1/);
});
