// Budgets across real router processes sharing one real Redis: a strict token budget is never overspent
// by three routers at once and charges exactly what clients were told; requests per minute hold across
// routers (no ×3); a Redis outage is handled as onStoreError says and recovered from without a router
// restart; a cancelled stream is charged what it generated; keys and usage outlive a router.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { estimateCost, loadTokenizer } from '../../src/budgets/estimate.js';
import { RedisBudgetStore } from '../../src/budgets/redis-store.js';
import { UNLIMITED, type KeyLimits, type KeyRecord, type Period } from '../../src/budgets/types.js';
import { parseRequest } from '../../src/routing/inference-request.js';
import { chatStreamEvents, echoCompletion, startFakeEngine, type Behaviour, type RecordedRequest } from '../fixtures/fake-engine.js';
import { clusterRequested, startTestRedis, type TestRedis } from '../fixtures/redis-cluster.js';
import { skipFileWithoutRedis, startRedisServer, type RedisServer } from '../fixtures/redis-server.js';
import { startRouterProcess, stopRouterProcesses, type RouterProcess } from '../fixtures/router-process.js';
import { waitFor } from '../fixtures/wait.js';

/** Every answered request costs exactly this: the engines always report 7 prompt + 3 completion tokens. */
const USAGE = { prompt_tokens: 7, completion_tokens: 3 };
const COST = USAGE.prompt_tokens + USAGE.completion_tokens;
const SECRET = 'sk-team-0123456789abcdef';
/** A second key, never used before an outage, so its lookup cannot come from the router's key cache. */
const SPARE_SECRET = 'sk-spare-0123456789abcdef';
/** A key put straight into Redis, in no router.yaml. */
const OPS_SECRET = 'sk-ops-0123456789abcdef';
const ADMIN_TOKEN = 'test-admin-token';
/** Requests saying this get a long, slow stream that goes quiet after STREAMED_BEFORE_ABORT tokens. */
const SLOW = 'Tell me a very long story about a lighthouse keeper.';
const STREAMED_BEFORE_ABORT = 20;
/** Each setup gets its own Redis namespace. */
let setups = 0;

skipFileWithoutRedis(t);
// Eleven router processes start in this file, each taking a second or more on a busy machine.
t.setTimeout(180_000);
// SWITCHYARD_TEST_REDIS=cluster (redis-cluster-budgets.test.ts) runs this file on a three-node Redis Cluster,
// the keys' slots spread so that every request touches two nodes and the file all three.
const redis = await startTestRedis({ spread: ['team', 'keys', 'spare'] });
/** The tests that stop and restart a redis-server of their own; redis-cluster.test.ts does it to a cluster node. */
const singleNode = { skip: clusterRequested() ? 'restarts a single redis-server (redis-cluster.test.ts restarts a cluster node)' : false };
const engines = await Promise.all([startFakeEngine(), startFakeEngine(), startFakeEngine()]);
for (const engine of engines) engine.respond = scripted;
const dir = await mkdtemp(join(tmpdir(), 'switchyard-redis-budgets-'));
await loadTokenizer();
t.teardown(async () => {
  await stopRouterProcesses();
  await redis.dispose();
  await Promise.all(engines.map((engine) => engine.close()));
  await rm(dir, { recursive: true, force: true });
});

t.test('three routers on one Redis never overspend a strict token budget, and charge what clients were told', async (t) => {
  const LIMIT = 1500;
  const TOTAL = 400;
  const { urls, view } = await routers(t, 3, { limits: { tokensLifetime: LIMIT } });

  // max_tokens 8: each request reserves its prompt's upper bound (26) + 8, and costs 10.
  const replies = await inParallel(TOTAL, 60, (i) => chat(urls[i % 3]!, SECRET, { stream: i % 2 === 1, maxTokens: 8 }));
  const served = replies.filter((reply) => reply.status === 200);
  const refused = replies.filter((reply) => reply.status !== 200);
  t.same(distinct(served.map((reply) => reply.usage)), [COST], 'every answer reports its usage (streams in their usage chunk)');
  // A refusal while the budget is held by other requests' reservations is a rate limit to retry in a
  // moment; once it is spent, insufficient_quota.
  const spentRefusal = {
    status: 429,
    error: { message: `You exceeded this key's lifetime token budget of ${LIMIT}.`, type: 'insufficient_quota', param: null, code: 'insufficient_quota' },
    shouldRetry: 'false',
  };
  const heldRefusal = {
    status: 429,
    error: {
      message: `Rate limit reached for tokens: this key's lifetime token budget of ${LIMIT} is held by requests in flight. Please try again in 1s.`,
      type: 'tokens',
      param: null,
      code: 'rate_limit_exceeded',
    },
    shouldRetry: null,
  };
  const kinds = distinct(refused.map((reply) => ({ status: reply.status, error: reply.error, shouldRetry: reply.headers.get('x-should-retry') })));
  t.ok(
    kinds.every((kind) => JSON.stringify(kind) === JSON.stringify(spentRefusal) || JSON.stringify(kind) === JSON.stringify(heldRefusal)),
    `every refusal is one of the two 429s: ${JSON.stringify(kinds)}`,
  );
  const clientTotal = served.reduce((sum, reply) => sum + (reply.usage ?? 0), 0);
  const charged = await settled(view, 'lifetime');
  t.comment(`limit ${LIMIT}: ${served.length} served, ${refused.length} refused; charged ${charged}, clients' usage ${clientTotal}`);
  t.ok(served.length > 0 && refused.length > 0, 'only part of the traffic fits the budget');
  t.ok(charged <= LIMIT, `charged ${charged} <= limit ${LIMIT}`);
  t.equal(charged, clientTotal, 'the store charged exactly the sum of the usage clients received');
  for (const url of urls)
    t.ok(
      served.some((reply) => reply.url === url),
      `${url} served part of the budget`,
    );
  t.ok(served.some((reply) => reply.stream) && served.some((reply) => !reply.stream), 'streams and non-streams both served');
});

t.test('requests per minute hold across three routers: 30 of 60, not 3 × 30', async (t) => {
  const { urls, view } = await routers(t, 3, { limits: { requestsPerMinute: 30 } });
  await clearOfMinuteEnd(5_000);
  const sentAt = Date.now();
  // 20 to each router: a limit kept per router would let all 60 through.
  const replies = await inParallel(60, 60, (i) => chat(urls[i % 3]!, SECRET, { stream: i % 2 === 1, maxTokens: 8 }));
  const served = replies.filter((reply) => reply.status === 200);
  const refused = replies.filter((reply) => reply.status !== 200);
  t.comment(`served per router: ${urls.map((url) => served.filter((reply) => reply.url === url).length).join(', ')}`);
  t.equal(served.length, 30, 'exactly 30 served');
  t.equal(refused.length, 30, 'exactly 30 refused');
  t.same(distinct(served.map((reply) => reply.headers.get('x-ratelimit-limit-requests'))), ['30'], 'served with the rate-limit headers');
  t.same(
    distinct(refused.map((reply) => ({ status: reply.status, type: reply.error?.type, code: reply.error?.code }))),
    [{ status: 429, type: 'requests', code: 'rate_limit_exceeded' }],
    'every refusal is a 429 rate_limit_exceeded',
  );
  for (const reply of refused) t.match(reply.error?.message, /^Rate limit reached for requests per minute: limit 30\. Please try again in \d+s\.$/);
  const retryAfter = refused.map((reply) => Number(reply.headers.get('retry-after')));
  t.ok(
    retryAfter.every((seconds) => Number.isInteger(seconds) && seconds >= 1 && seconds <= 60),
    `retry-after is 1..60 s (${distinct(retryAfter).join(', ')})`,
  );
  const usage = await view.usage('team', sentAt);
  t.equal(usage?.requests?.used, 30, "the minute's shared counter admitted 30");
});

t.test('a Redis outage, under each onStoreError policy, and the reconnect that follows', singleNode, async (t) => {
  // Persistent, so the keys and the usage charged before the outage come back with Redis.
  const outage = await startRedisServer({ persist: true });
  t.teardown(() => outage.dispose());

  for (const policy of ['fail-closed', 'fail-open'] as const) {
    t.test(policy, async (t) => {
      const LIMIT = 100;
      const { urls, procs, view } = await routers(t, 1, { redis: outage, onStoreError: policy, limits: { tokensLifetime: LIMIT } });
      const url = urls[0]!;
      const first = await chat(url, SECRET, { maxTokens: 4 });
      t.equal(first.status, 200);
      t.equal(await settled(view, 'lifetime'), COST);

      await outage.stop();
      // The key is in the router's cache; the spare key is not, so its lookup needs the store too.
      const during = [await chat(url, SECRET, { maxTokens: 4 }), await chat(url, SECRET, { maxTokens: 4, stream: true }), await chat(url, SPARE_SECRET, { maxTokens: 4 })];
      if (policy === 'fail-closed') {
        for (const reply of during) {
          t.equal(reply.status, 503, 'refused while the store is away');
          t.match(reply.error, { type: 'server_error', code: 'budget_store_unavailable' });
          t.equal(reply.headers.get('retry-after'), '1');
        }
      } else {
        for (const reply of during) {
          t.equal(reply.status, 200, 'served while the store is away');
          t.equal(reply.usage, COST);
          t.equal(reply.headers.get('x-ratelimit-limit-tokens'), null, 'unmetered: no rate-limit headers');
        }
      }
      const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
      t.equal(health.status, 200, 'the router is alive');
      t.notOk(procs[0]!.exited(), 'the router process did not exit');

      await outage.restart();
      // No router restart: it reconnects by itself. Poll until a request is metered again.
      let metered = 1;
      await waitFor(
        'a metered answer after Redis came back',
        async () => {
          const reply = await chat(url, SECRET, { maxTokens: 4 });
          if (reply.status !== 200 && !(reply.status === 503 && policy === 'fail-closed')) throw new Error(`unexpected ${reply.status}`);
          if (reply.status === 200 && isMetered(reply)) return ++metered;
          if (reply.status === 200 && policy === 'fail-closed') throw new Error('fail-closed served a request unmetered');
          await sleep(100);
          return null;
        },
        20_000,
      );
      t.equal(await settled(view, 'lifetime'), metered * COST, 'charging resumed, and the charge from before the outage is still there');

      // Enforcement resumed too: each request reserves 30 (26 + max_tokens 4), so the budget refuses before 100 is passed.
      let refusal: Reply | null = null;
      for (let i = 0; i < 20 && refusal === null; i++) {
        const reply = await chat(url, SECRET, { maxTokens: 4 });
        if (reply.status === 200) {
          t.ok(isMetered(reply), 'metered');
          metered++;
        } else refusal = reply;
      }
      t.equal(refusal?.status, 429, 'the budget is enforced again');
      t.match(refusal?.error, { code: 'insufficient_quota' });
      const charged = await settled(view, 'lifetime');
      t.comment(`${policy}: limit ${LIMIT}, charged ${charged} for ${metered} metered requests`);
      t.equal(charged, metered * COST);
      t.ok(charged <= LIMIT, `charged ${charged} <= ${LIMIT}`);
    });
  }
});

t.test('declared keys come back when Redis restarts empty, and when it starts after the router', singleNode, async (t) => {
  // Not persistent: a restart loses every key the router wrote.
  const forgetful = await startRedisServer();
  t.teardown(() => forgetful.dispose());
  const { urls } = await routers(t, 1, { redis: forgetful, limits: { tokensLifetime: 1000 } });
  const url = urls[0]!;
  t.equal((await chat(url, SECRET, { maxTokens: 4 })).status, 200);
  await forgetful.stop();
  await forgetful.restart();
  // After the reconnect the router writes its declared keys again (and a missing one is repaired on lookup).
  const again = await waitForStatus(url, SPARE_SECRET, 200);
  t.equal(again, 200, 'a declared key the router never cached works against the emptied Redis');
  t.equal((await chat(url, SECRET, { maxTokens: 4 })).status, 200);
});

t.test('a stream the client cancels is charged its prompt and the tokens it streamed, not its reservation', async (t) => {
  const MAX_TOKENS = 4000;
  // A long idle timeout: the engine goes quiet, and only the client's abort may end the stream.
  const { urls, procs, view } = await routers(t, 1, { limits: { tokensPerDay: 1_000_000 }, idleTimeoutMs: 30_000 });
  const body = { model: 'chat', messages: [{ role: 'user', content: SLOW }], max_tokens: MAX_TOKENS, stream: true, stream_options: { include_usage: true } };
  const estimate = estimateCost(parseRequest('chat', body), { imageTokens: 16_384, audioTokens: 1_500 });
  const reservation = estimate.promptUpperBound + MAX_TOKENS;

  const engineClosed = Promise.race(engines.map((engine) => engine.nextEarlyClose()));
  const received = await streamThenAbort(urls[0]!, body, STREAMED_BEFORE_ABORT);
  t.equal(received, STREAMED_BEFORE_ABORT, 'the client read its chunks, then aborted');
  const closed = await within(engineClosed, 5_000, 'the engine to see its request closed');
  t.ok(closed.closedEarly, 'the upstream request was cancelled');

  const charged = await settled(view, 'day');
  t.comment(`reserved ${reservation}; charged ${charged} = prompt estimate ${estimate.promptTokens} + ${STREAMED_BEFORE_ABORT} streamed`);
  t.ok(charged > 0 && charged >= STREAMED_BEFORE_ABORT);
  t.equal(charged, estimate.promptTokens + STREAMED_BEFORE_ABORT, 'prompt estimate + tokens streamed');
  t.ok(charged < reservation / 10, 'well below the strict reservation');
  const line = await waitFor('the access log line', async () => procs[0]!.logs.find((l) => l['msg'] === 'request' && l['outcome'] === 'client_abort'));
  t.equal(line['status'], 499);
});

t.test('keys, budgets and usage survive a router restart', async (t) => {
  const limits = { tokensPerDay: 10_000 };
  const { urls, procs, view, configPath } = await routers(t, 1, { limits });
  // Besides the key router.yaml declares (put back at every start), one that lives only in Redis, as
  // the admin API makes them: nothing but Redis can bring it back.
  await view.putKey(storedKey('ops', OPS_SECRET, limits));
  for (const [secret, stream] of [
    [SECRET, false],
    [SECRET, true],
    [OPS_SECRET, false],
  ] as const) {
    t.equal((await chat(urls[0]!, secret, { stream, maxTokens: 8 })).status, 200);
  }
  t.equal(await settled(view, 'day', 'team'), 2 * COST);
  t.equal(await settled(view, 'day', 'ops'), COST);
  const created = { team: (await view.getKey('team'))?.createdAt, ops: (await view.getKey('ops'))?.createdAt };

  t.equal(await procs[0]!.stop(), 0, 'the router exited 0 on SIGTERM');
  const next = await startRouterProcess(configPath, { SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
  t.teardown(() => next.stop());
  for (const [id, used] of [
    ['team', 2 * COST],
    ['ops', COST],
  ] as const) {
    const res = await fetch(`${next.url}/admin/keys/${id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: AbortSignal.timeout(5_000) });
    t.equal(res.status, 200, `GET /admin/keys/${id} on the new router`);
    t.type(created[id], 'string');
    t.match(
      await res.json(),
      { id, createdAt: created[id], limits, usage: { tokens: { day: { limit: 10_000, used, reserved: 0 } } } },
      `${id}: the same key, its budget and its usage`,
    );
  }
  for (const [id, secret, before] of [
    ['team', SECRET, 2 * COST],
    ['ops', OPS_SECRET, COST],
  ] as const) {
    const reply = await chat(next.url, secret, { maxTokens: 8 });
    t.equal(reply.status, 200, `${id} still works through the new router`);
    // The reservation of this request (prompt bound 26 + max_tokens 8) is counted in the header.
    t.equal(reply.headers.get('x-ratelimit-remaining-tokens'), String(10_000 - before - (26 + 8)), `${id}: the new router sees the old usage`);
    t.equal(await settled(view, 'day', id), before + COST);
  }
});

// ---- helpers ----

/** The engines' answers: usage is always USAGE, so every sum is exact. */
function scripted(request: RecordedRequest): Behaviour {
  const body = request.body;
  const messages = Array.isArray(body?.['messages']) ? (body['messages'] as { content?: unknown }[]) : [];
  if (messages.at(-1)?.content === SLOW) {
    const words = Array.from({ length: 400 }, (_, i) => ` w${i}`);
    // Role preamble, then STREAMED_BEFORE_ABORT words, then silence with the connection open.
    return { kind: 'stream', events: chatStreamEvents(words, USAGE), delayMs: 10, stallAfter: 1 + STREAMED_BEFORE_ABORT };
  }
  if (body?.['stream'] === true) return { kind: 'stream', events: chatStreamEvents(['one', ' two', ' three'], USAGE) };
  return { kind: 'json', body: echoCompletion(body, USAGE) };
}

interface Setup {
  readonly urls: string[];
  readonly procs: RouterProcess[];
  /** A read-only view of the same Redis namespace, as a fourth party. */
  readonly view: RedisBudgetStore;
  readonly configPath: string;
}

interface SetupOptions {
  readonly limits: Partial<KeyLimits>;
  readonly redis?: RedisServer;
  readonly onStoreError?: 'fail-closed' | 'fail-open';
  readonly budgetMode?: 'strict' | 'tight';
  readonly idleTimeoutMs?: number;
}

/** budgets.redis without keyPrefix: one redis-server's URL, or the cluster's seed nodes. */
function target(server: RedisServer | TestRedis): TestRedis['config'] {
  return 'config' in server ? server.config : { url: server.url };
}

function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A key record as the admin API stores it. */
function storedKey(id: string, secret: string, limits: Partial<KeyLimits>): KeyRecord {
  return {
    id,
    name: id,
    hash: hashOf(secret),
    prefix: secret.slice(0, 6),
    enabled: true,
    models: null,
    tiers: null,
    maxTokensPerRequest: null,
    limits: { ...UNLIMITED, ...limits },
    metadata: {},
    createdAt: new Date().toISOString(),
    source: 'admin',
  };
}

/** Asks until the answer has `status` (bounded: the router reconnects with a backoff of up to 2 s). */
async function waitForStatus(url: string, secret: string, status: number): Promise<number> {
  const deadline = Date.now() + 15_000;
  let last = 0;
  while (Date.now() < deadline) {
    last = (await chat(url, secret, { maxTokens: 4 })).status;
    if (last === status) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return last;
}

/** `count` router processes on one config: keys "team" and "spare" with `limits`, in a fresh Redis namespace. */
async function routers(t: Test, count: number, options: SetupOptions): Promise<Setup> {
  const server = options.redis ?? redis;
  const keyPrefix = `t${++setups}-${process.pid}`;
  const key = (id: string, secret: string) => ({ id, hash: hashOf(secret), limits: options.limits });
  const config = {
    server: { shutdownGraceMs: 2000 },
    logging: { level: 'info' },
    auth: { required: true, keys: [key('team', SECRET), key('spare', SPARE_SECRET)] },
    budgets: {
      store: 'redis',
      redis: { ...target(server), keyPrefix },
      budgetMode: options.budgetMode ?? 'strict',
      onStoreError: options.onStoreError ?? 'fail-closed',
    },
    models: { chat: { tiers: ['chat'] } },
    tiers: { chat: { pools: ['chat'] } },
    pools: {
      chat: {
        engine: 'vllm',
        servedModel: 'served-chat',
        firstTokenTimeoutMs: 10_000,
        idleTimeoutMs: options.idleTimeoutMs ?? 10_000,
        replicas: engines.map((engine, index) => ({ name: `chat-r${index}`, url: engine.url })),
      },
    },
  };
  const configPath = join(dir, `${keyPrefix}.yaml`);
  await writeFile(configPath, stringify(config));
  const procs: RouterProcess[] = [];
  t.teardown(async () => {
    await Promise.all(procs.map((proc) => proc.stop()));
  });
  const started = await Promise.allSettled(Array.from({ length: count }, () => startRouterProcess(configPath)));
  for (const result of started) if (result.status === 'fulfilled') procs.push(result.value);
  const failed = started.find((result) => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const view = new RedisBudgetStore({ ...target(server), keyPrefix });
  t.teardown(() => view.close());
  await view.ready();
  return { urls: procs.map((proc) => proc.url), procs, view, configPath };
}

interface Reply {
  readonly url: string;
  readonly stream: boolean;
  readonly status: number;
  readonly headers: Headers;
  readonly error: { message: string; type: string; param: string | null; code: string | null } | null;
  /** usage.total_tokens as the client received it (a stream's usage chunk), else null. */
  readonly usage: number | null;
}

/** One chat completion, bounded in time; streams ask for the usage chunk and must end with [DONE]. */
async function chat(url: string, secret: string, options: { stream?: boolean; maxTokens?: number } = {}): Promise<Reply> {
  const stream = options.stream ?? false;
  const body = {
    model: 'chat',
    messages: [{ role: 'user', content: 'hi' }],
    ...(options.maxTokens === undefined ? {} : { max_tokens: options.maxTokens }),
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    text = await res.text();
  } catch (error) {
    throw new Error(`${url} did not answer a ${stream ? 'streamed' : 'plain'} request within 15 s: ${String(error)}`, { cause: error });
  }
  const reply = { url, stream, status: res.status, headers: res.headers };
  if (res.status !== 200) return { ...reply, error: (JSON.parse(text) as { error: Reply['error'] }).error, usage: null };
  if (!stream) return { ...reply, error: null, usage: (JSON.parse(text) as { usage?: { total_tokens?: number } }).usage?.total_tokens ?? null };
  const events = sseData(text);
  if (events.at(-1) !== '[DONE]') throw new Error(`the stream from ${url} did not end with [DONE]:\n${text}`);
  const usage = events
    .filter((data) => data !== '[DONE]')
    .map((data) => JSON.parse(data) as { usage?: { total_tokens?: number } | null })
    .find((chunk) => chunk.usage != null)?.usage?.total_tokens;
  return { ...reply, error: null, usage: usage ?? null };
}

/** A 200 the budget store metered carries the rate-limit headers; an unmetered one does not. */
function isMetered(reply: Reply): boolean {
  return reply.headers.get('x-ratelimit-limit-tokens') !== null;
}

/** Streams `body`, aborts after `count` content chunks; returns how many content chunks were read. */
async function streamThenAbort(url: string, body: unknown, count: number): Promise<number> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('timeout')), 15_000);
  let seen = 0;
  try {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    if (res.status !== 200 || res.body === null) throw new Error(`the stream was refused: ${res.status} ${await res.text()}`);
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      const complete = buffered.lastIndexOf('\n\n');
      if (complete < 0) continue;
      seen += sseData(buffered.slice(0, complete + 2)).filter((data) => /"content":"[^"]/.test(data)).length;
      buffered = buffered.slice(complete + 2);
      if (seen >= count) break;
    }
    if (seen < count) throw new Error(`the stream ended after ${seen} of ${count} chunks`);
    controller.abort(new Error('the client cancels'));
    return seen;
  } catch (error) {
    if (seen < count) throw new Error(`streaming ${count} chunks failed after ${seen}: ${String(error)}`, { cause: error });
    return seen;
  } finally {
    clearTimeout(timer);
  }
}

function sseData(text: string): string[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((event) =>
      event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n'),
    )
    .filter((data) => data !== '');
}

/** The key's used tokens in `period`, once nothing is reserved any more (every request settled). */
async function settled(view: RedisBudgetStore, period: Period, keyId = 'team'): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const usage = await view.usage(keyId, Date.now()).catch((error: unknown) => String(error));
    const periods = typeof usage === 'string' ? [] : (usage?.tokens ?? []);
    if (periods.length > 0 && periods.every((p) => p.reserved === 0)) return periods.find((p) => p.period === period)?.used ?? 0;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${keyId}'s reservations to settle; last seen: ${JSON.stringify(usage)}`);
    await sleep(50);
  }
}

/** The distinct values (by their JSON), in first-seen order. */
function distinct<T>(values: readonly T[]): T[] {
  return [...new Map(values.map((value) => [JSON.stringify(value), value])).values()];
}

/** Runs `total` calls with at most `concurrency` in flight; results in call order. */
async function inParallel<T>(total: number, concurrency: number, call: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(total);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      results[index] = await call(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return results;
}

/** Waits for the next calendar minute when fewer than `marginMs` are left in this one. */
async function clearOfMinuteEnd(marginMs: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < marginMs) await sleep(left + 50);
}

async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
