// Idempotent retries across three real router processes sharing one real Redis (the set-up of
// redis-budgets.test.ts): the request sent to router 1 and its retry sent to router 3 is one request to
// the engine, charged once; a duplicate sent to another router while the first runs waits for it; a
// Redis outage runs keyed requests without idempotency instead of failing them, and a Redis that stalls
// (SIGSTOP) past commandTimeoutMs leaves nothing behind from the commands it ran late.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import { RedisBudgetStore } from '../../src/budgets/redis-store.js';
import { chatStreamEvents, echoCompletion, startFakeEngine, type FakeEngine } from '../fixtures/fake-engine.js';
import { skipFileWithoutRedis, startRedisServer, type RedisServer } from '../fixtures/redis-server.js';
import { startRouterProcess, stopRouterProcesses, type RouterProcess } from '../fixtures/router-process.js';
import { ADMIN_TOKEN, waitFor } from '../fixtures/wait.js';

const SECRET = 'sk-idem-0123456789abcdef';
const USAGE = { prompt_tokens: 7, completion_tokens: 3 };
const HELLO = { model: 'chat', messages: [{ role: 'user' as const, content: 'hello' }], max_tokens: 8 };
let setups = 0;

skipFileWithoutRedis(t);
// Seven router processes start in this file, each taking seconds on a busy machine.
t.setTimeout(240_000);
const redis = await startRedisServer();
const engines = await Promise.all([startFakeEngine(), startFakeEngine()]);
const dir = await mkdtemp(join(tmpdir(), 'switchyard-redis-idempotency-'));
t.teardown(async () => {
  await stopRouterProcesses();
  await redis.dispose();
  await Promise.all(engines.map((engine) => engine.close()));
  await rm(dir, { recursive: true, force: true });
});
t.beforeEach(() => {
  for (const engine of engines) {
    engine.requests.length = 0;
    engine.respond = (request) =>
      request.body?.['stream'] === true
        ? { kind: 'stream', events: chatStreamEvents(['a', 'b', 'c', 'd', 'e', 'f'], { prompt_tokens: 5, completion_tokens: 6 }), delayMs: 30 }
        : { kind: 'json', body: { ...echoCompletion(request.body, USAGE), id: `chatcmpl-${engine.url.slice(-5)}-${engine.requests.length}` } };
  }
});

const engineRequests = (): number => engines.reduce((sum, engine: FakeEngine) => sum + engine.requests.length, 0);
const keyed = (key: string) => ({ headers: { 'Idempotency-Key': key } });

t.test('the request to router 1 and its retry to router 3: one engine request, charged once', async (t) => {
  const { urls, view } = await routers(t, 3);
  const [one, two, three] = urls.map((url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: SECRET, maxRetries: 0 }));
  const first = await one!.chat.completions.create(HELLO, keyed('order-42')).withResponse();
  t.equal(first.response.headers.get('x-switchyard-idempotent-replay'), null);
  const retry = await three!.chat.completions.create(HELLO, keyed('order-42')).withResponse();
  t.equal(retry.response.headers.get('x-switchyard-idempotent-replay'), 'true', 'router 3 replayed what router 1 stored');
  t.strictSame(retry.data, first.data, 'the same response, id included');
  t.equal(engineRequests(), 1, 'the engines saw one request');
  t.equal(await settled(view), 10, 'charged once');

  // A stream on router 2, retried as a plain request on router 1.
  let streamed = '';
  for await (const chunk of await two!.chat.completions.create({ ...HELLO, stream: true }, keyed('story-7'))) streamed += chunk.choices[0]?.delta.content ?? '';
  const plain = await one!.chat.completions.create(HELLO, keyed('story-7')).withResponse();
  t.equal(plain.response.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal(plain.data.choices[0]?.message.content, streamed);
  t.equal(engineRequests(), 2);
  t.equal(await settled(view), 10 + 11, 'the stream charged once too');
});

t.test('a duplicate sent to another router while the first runs waits for it', async (t) => {
  const { urls, view } = await routers(t, 3);
  const read = async (url: string) => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: SECRET, maxRetries: 0 });
    let text = '';
    for await (const chunk of await client.chat.completions.create({ ...HELLO, stream: true }, keyed('twin'))) text += chunk.choices[0]?.delta.content ?? '';
    return text;
  };
  const first = read(urls[0]!);
  await waitFor('the first request at an engine', async () => engineRequests() === 1);
  const answers = await Promise.all([first, read(urls[1]!), read(urls[2]!)]);
  t.strictSame(answers, ['abcdef', 'abcdef', 'abcdef']);
  t.equal(engineRequests(), 1, 'the engines saw one request');
  t.equal(await settled(view), 11, 'charged once');
});

t.test('Redis stopped: keyed requests still succeed, without idempotency, and say so', async (t) => {
  const outage = await startRedisServer();
  t.teardown(() => outage.dispose());
  const { urls } = await routers(t, 1, { redis: outage, onStoreError: 'fail-open' });
  const client = new OpenAI({ baseURL: `${urls[0]}/v1`, apiKey: SECRET, maxRetries: 0 });
  t.equal((await client.chat.completions.create(HELLO, keyed('before'))).choices[0]?.message.content, 'echo: hello');
  await outage.stop();
  const during = await client.chat.completions.create(HELLO, keyed('during')).withResponse();
  t.equal(during.response.status, 200, 'served while Redis is away');
  const again = await client.chat.completions.create(HELLO, keyed('during')).withResponse();
  t.equal(again.response.headers.get('x-switchyard-idempotent-replay'), null, 'nothing could be stored: the retry ran');
  t.equal(engineRequests(), 3);
  const scrape = await fetch(`${urls[0]}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const metrics = await scrape.text();
  const counted = (result: string) => Number(new RegExp(`^switchyard_idempotency_requests_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
  t.strictSame([counted('new'), counted('unavailable')], [1, 2], 'the outage is counted');
  t.match(metrics, /^switchyard_idempotency_store_errors_total\{operation="claim"\} 2$/m);
});

t.test('Redis stalled past commandTimeoutMs: served without idempotency; once it resumes, the retry runs and nothing is held', async (t) => {
  const stalling = await startRedisServer();
  t.teardown(async () => {
    stalling.resume();
    await stalling.dispose();
  });
  // waitMs short: a retry blocked by a late claim would be a 409 after 3 s (10 minutes by default).
  const { urls, view } = await routers(t, 1, { redis: stalling, onStoreError: 'fail-open', commandTimeoutMs: 500, waitMs: 3_000 });
  await view.ready();
  const client = new OpenAI({ baseURL: `${urls[0]}/v1`, apiKey: SECRET, maxRetries: 0 });
  await client.chat.completions.create(HELLO, keyed('before')); // the key is known to the router
  stalling.pause();
  let during;
  try {
    during = await client.chat.completions.create(HELLO, keyed('stalled')).withResponse();
  } finally {
    stalling.resume();
  }
  t.equal(during.response.status, 200, 'served during the stall (unmetered, without idempotency)');
  const retry = await client.chat.completions.create(HELLO, keyed('stalled')).withResponse();
  t.equal(retry.response.status, 200, 'the retry runs: no 409 idempotency_key_in_use from the claim Redis ran late');
  t.equal(retry.response.headers.get('x-switchyard-idempotent-replay'), null, 'it ran');
  t.equal(engineRequests(), 3);
  t.equal(await settled(view), 20, 'the reserve Redis ran late holds nothing: only the two metered requests are charged');
});

interface SetupOptions {
  readonly redis?: RedisServer;
  readonly onStoreError?: 'fail-closed' | 'fail-open';
  readonly commandTimeoutMs?: number;
  readonly waitMs?: number;
}

/** `count` router processes on one config, budgets and idempotency in one fresh Redis namespace. */
async function routers(t: Test, count: number, options: SetupOptions = {}): Promise<{ urls: string[]; procs: RouterProcess[]; view: RedisBudgetStore }> {
  const server = options.redis ?? redis;
  const keyPrefix = `i${++setups}-${process.pid}`;
  const config = {
    server: { shutdownGraceMs: 2000 },
    logging: { level: 'info' },
    auth: { required: true, keys: [{ id: 'team', hash: createHash('sha256').update(SECRET).digest('hex') }] },
    budgets: {
      store: 'redis',
      redis: { url: server.url, keyPrefix, ...(options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs }) },
      onStoreError: options.onStoreError ?? 'fail-closed',
    },
    idempotency: { store: 'redis', ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }) },
    models: { chat: { tiers: ['chat'] } },
    tiers: { chat: { pools: ['chat'] } },
    pools: {
      chat: {
        engine: 'vllm',
        servedModel: 'served-chat',
        healthCheck: { intervalMs: 0 },
        engineMetrics: { intervalMs: 0 },
        replicas: engines.map((engine, index) => ({ name: `chat-r${index}`, url: engine.url })),
      },
    },
  };
  const configPath = join(dir, `${keyPrefix}.yaml`);
  await writeFile(configPath, stringify(config));
  const procs: RouterProcess[] = [];
  t.teardown(() => Promise.all(procs.map((proc) => proc.stop())));
  for (const started of await Promise.allSettled(Array.from({ length: count }, () => startRouterProcess(configPath, { SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN }, 60_000)))) {
    if (started.status === 'rejected') throw started.reason;
    procs.push(started.value);
  }
  const view = new RedisBudgetStore({ url: server.url, keyPrefix });
  t.teardown(() => view.close());
  if (options.redis === undefined) await view.ready();
  return { urls: procs.map((proc) => proc.url), procs, view };
}

/** The key's lifetime tokens once nothing is reserved. */
async function settled(view: RedisBudgetStore): Promise<number> {
  return waitFor(
    "the key's reservations settled",
    async () => {
      const usage = await view.usage('team', Date.now());
      const lifetime = usage?.tokens.find((period) => period.period === 'lifetime');
      return lifetime !== undefined && lifetime.reserved === 0 ? lifetime.used : null;
    },
    10_000,
  );
}
