// Routers on a real three-node Redis Cluster (test/fixtures/redis-cluster.ts), as issue 17 found it:
// 12 keys created through the admin API all work end to end with budgets.redis.cluster (pointing
// budgets.redis.url at one node, the set-up, is the control: keys whose slots live elsewhere
// fail); and a node that crashes mid-run and comes back on its port leaves no overspend, with the
// routers recovering by themselves.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { RedisBudgetStore } from '../../src/budgets/redis-store.js';
import { echoCompletion, startFakeEngine } from '../fixtures/fake-engine.js';
import { startRedisCluster, type TestRedis } from '../fixtures/redis-cluster.js';
import { skipFileWithoutRedis } from '../fixtures/redis-server.js';
import { startRouterProcess, stopRouterProcesses, type RouterProcess } from '../fixtures/router-process.js';
import { ADMIN_TOKEN, waitFor } from '../fixtures/wait.js';

/** The engine reports this usage for every answer, so sums are exact. */
const USAGE = { prompt_tokens: 7, completion_tokens: 3 };
const COST = USAGE.prompt_tokens + USAGE.completion_tokens;
const SECRET = 'sk-team-cluster-0123456789abcdef';

skipFileWithoutRedis(t);
t.setTimeout(240_000);
const engine = await startFakeEngine();
engine.respond = (request) => ({ kind: 'json', body: echoCompletion(request.body, USAGE) });
const dir = await mkdtemp(join(tmpdir(), 'switchyard-redis-cluster-'));
t.teardown(async () => {
  await stopRouterProcesses();
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

t.test('12 keys created through the admin API all work end to end on the cluster', async (t) => {
  const cluster = await startRedisCluster();
  t.teardown(() => cluster.dispose());
  const ids = Array.from({ length: 12 }, (_, i) => `team-${String(i + 1).padStart(2, '0')}`);
  const nodes = await Promise.all(ids.map((id) => cluster.nodeOf(id)));
  t.same([...new Set(nodes)].sort(), [0, 1, 2], `the keys' slots are on all three nodes (${nodes.join(', ')})`);

  const router = await startRouter(t, cluster.config, 'admin');
  const worked = await createAndUse(router, ids);
  t.same(worked, ids, 'every key: created (201), then a 200 metered and charged to it');
  t.ok(
    (await cluster.keysPerNode()).every((n) => n > 0),
    'keys landed on every node',
  );

  // The control: the set-up, a single-node client pointed at one node of the same cluster.
  const single = await startRouter(t, { url: `redis://127.0.0.1:${cluster.ports[0]}` }, 'single');
  const alsoWorked = await createAndUse(
    single,
    ids.map((id) => `${id}-b`),
  );
  t.comment(`budgets.redis.url at one node: ${alsoWorked.length} of 12 keys worked`);
  t.ok(alsoWorked.length < 12, 'a single-node client cannot serve the keys whose slots live on other nodes');
});

t.test('a node killed mid-run and restarted on its port: no overspend, and the routers recover by themselves', async (t) => {
  const LIMIT = 1200;
  // Persistent nodes: a crashed node comes back with its data, as a real one with AOF does.
  const cluster = await startRedisCluster({ persist: true });
  t.teardown(() => cluster.dispose());
  const victim = await cluster.nodeOf('team');
  const routers = await Promise.all([startRouter(t, cluster.config, 'restart', LIMIT), startRouter(t, cluster.config, 'restart', LIMIT)]);
  const view = new RedisBudgetStore({ ...cluster.connection, keyPrefix: 'restart' });
  t.teardown(() => view.close());
  await view.ready();

  const replies: Reply[] = [];
  let stop = false;
  const traffic = Promise.all(
    Array.from({ length: 6 }, async (_, worker) => {
      for (let i = 0; !stop; i++) {
        replies.push(await chat(routers[(worker + i) % 2]?.url ?? '', SECRET));
        await sleep(5);
      }
    }),
  );
  /** Where in `replies` the node was killed, and where it was back. */
  const at = { killed: 0, restarted: 0 };
  try {
    await waitFor('some served requests', async () => replies.filter((r) => r.status === 200).length >= 20, 30_000);
    await cluster.killNode(victim);
    at.killed = replies.length;
    await sleep(1000);
    await cluster.startNode(victim);
    at.restarted = replies.length;
    // Recovered: requests are served and metered again, with no router restarted.
    await waitFor('a metered answer after the node came back', async () => replies.slice(at.restarted).some((r) => r.status === 200 && r.metered), 30_000);
    // Then on until the budget refuses: it is still enforced after the restart. (Reservations whose
    // settle the crash cut off stay held until they expire, so the refusal may be "held", not "spent".)
    await waitFor('the budget refusing', async () => replies.slice(at.restarted).some((r) => r.status === 429), 60_000);
  } finally {
    stop = true;
    await traffic;
  }

  const during = replies.slice(at.killed, at.restarted);
  const kinds = [...new Set(replies.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.code}`))].sort();
  t.comment(`${replies.length} requests; while the node was down: ${during.length}, ${during.filter((r) => r.status === 200).length} served; refusals: ${kinds.join(', ')}`);
  t.ok(
    during.some((r) => r.status === 503),
    'while the node was down, its key was refused (fail-closed)',
  );
  t.ok(
    kinds.every((kind) => ['429 insufficient_quota', '429 rate_limit_exceeded', '503 budget_store_unavailable'].includes(kind)),
    'every refusal is the budget or the store being away',
  );
  const served = replies.filter((r) => r.status === 200).length * COST;
  const usage = await settledUsage(view);
  t.comment(`limit ${LIMIT}: clients were served ${served} tokens; the store charged ${usage.used}, holds ${usage.reserved}`);
  t.ok(served <= LIMIT, `no overspend: ${served} tokens served <= ${LIMIT}`);
  t.ok(usage.used + usage.reserved <= LIMIT, 'used + held stay within the limit');
  t.ok(usage.used <= served, 'nothing was charged that was not served');
  for (const router of routers) t.notOk(router.exited(), 'the router process never exited');
});

// ---- helpers ----

/** A router on `redis` (budgets.redis without keyPrefix) with key "team" declared; the admin API on. */
async function startRouter(t: Test, redis: TestRedis['config'], keyPrefix: string, limit?: number): Promise<RouterProcess> {
  const config = {
    logging: { level: 'info' },
    auth: { required: true, keys: [{ id: 'team', hash: createHash('sha256').update(SECRET).digest('hex'), limits: limit === undefined ? {} : { tokensLifetime: limit } }] },
    budgets: { store: 'redis', redis: { ...redis, keyPrefix }, onStoreError: 'fail-closed' },
    models: { chat: { tiers: ['chat'] } },
    tiers: { chat: { pools: ['chat'] } },
    pools: { chat: { engine: 'vllm', servedModel: 'served-chat', replicas: [{ name: 'r0', url: engine.url }] } },
  };
  const path = join(dir, `${keyPrefix}-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(path, stringify(config));
  const router = await startRouterProcess(path, { SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
  t.teardown(() => router.stop());
  return router;
}

/** Creates each key through the admin API and uses it once; returns the ids that worked end to end. */
async function createAndUse(router: RouterProcess, ids: readonly string[]): Promise<string[]> {
  const worked: string[] = [];
  for (const id of ids) {
    const created = await fetch(`${router.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, name: id, limits: { tokensPerDay: 1000 } }),
      signal: AbortSignal.timeout(10_000),
    });
    if (created.status !== 201) continue;
    const { secret } = (await created.json()) as { secret: string };
    const reply = await chat(router.url, secret);
    if (reply.status !== 200 || !reply.metered) continue;
    const view = await fetch(`${router.url}/admin/keys/${id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: AbortSignal.timeout(10_000) });
    if (view.status !== 200) continue;
    const usage = ((await view.json()) as { usage?: { tokens?: { day?: { used?: number } } } }).usage;
    if (usage?.tokens?.day?.used === COST) worked.push(id);
  }
  return worked;
}

interface Reply {
  readonly status: number;
  readonly code: string | null;
  /** Served with the rate-limit headers, i.e. through the budget store. */
  readonly metered: boolean;
}

async function chat(url: string, secret: string): Promise<Reply> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json()) as { error?: { code?: string | null } };
  return { status: res.status, code: body.error?.code ?? null, metered: res.headers.get('x-ratelimit-limit-tokens') !== null };
}

/** The key's lifetime usage once its reservations have settled (or, for ones cut off by the crash, stay held). */
async function settledUsage(view: RedisBudgetStore): Promise<{ used: number; reserved: number }> {
  let last = { used: -1, reserved: -1 };
  for (let i = 0; i < 50; i++) {
    const lifetime = (await view.usage('team', Date.now()))?.tokens.find((p) => p.period === 'lifetime');
    const now = { used: lifetime?.used ?? 0, reserved: lifetime?.reserved ?? 0 };
    if (now.used === last.used && now.reserved === last.reserved) return now;
    last = now;
    await sleep(100);
  }
  return last;
}
