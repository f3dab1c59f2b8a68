// Every Lua script the project defines runs on a real three-node Redis Cluster, which refuses a script
// whose declared keys are not all in one slot (CROSSSLOT), or that touches an undeclared key of
// another node (Redis 7.0.15, Debian's, lets an undeclared key of another slot on the same node pass).
// The scripts are found in the source, so one added later by any store is enumerated too: every
// `defineCommand('name'` under src/, and every `.eval(NAME,` whose NAME is a constant holding the Lua
// text. The store contract suites (every src/**/store.contract.test.ts, and any test that starts its
// Redis with startTestRedis() from test/fixtures/redis-cluster.ts) then run here with
// SWITCHYARD_TEST_REDIS=cluster, plus the response cache's commands; each script must have run on the
// cluster and every call of it succeeded. A store whose tests never reach the cluster leaves its
// scripts unproven, and this test names them.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Cluster, Redis } from 'ioredis';
import { closeClient, createRedisClient, whenReady } from '../../src/budgets/redis-connection.js';
import { storedAnswer } from '../fixtures/cache-entry.js';
import { RedisCacheStore } from '../../src/cache/redis-store.js';
import { startRedisCluster } from '../fixtures/redis-cluster.js';
import { skipFileWithoutRedis } from '../fixtures/redis-server.js';

skipFileWithoutRedis(t);
t.setTimeout(240_000);
process.env['SWITCHYARD_TEST_REDIS'] = 'cluster';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

interface Script {
  readonly file: string;
  /** For a script sent with a plain EVAL: the SHA-1 of its text (null when the text is not a constant of the file). */
  readonly evalSha?: string | null;
}

/**
 * Every script in the source: `defineCommand('name'` (by name), and `.eval(NAME,` with NAME a constant
 * of the same file holding the Lua text (by that text's SHA-1).
 */
function definedScripts(): Map<string, Script> {
  const found = new Map<string, Script>();
  for (const file of sourceFiles(SRC).filter((f) => !f.endsWith('.test.ts'))) {
    const text = readFileSync(file, 'utf8');
    const at = relative(ROOT, file);
    for (const match of text.matchAll(/\.defineCommand\(\s*['"]([A-Za-z0-9_]+)['"]/g)) {
      if (match[1] !== undefined) found.set(match[1], { file: at });
    }
    for (const match of text.matchAll(/\.eval(?:sha)?\(\s*([A-Za-z0-9_]+)\s*,/g)) {
      const name = match[1] ?? '';
      const constant = new RegExp(`const ${name}\\s*=\\s*(?:'([^']*)'|"([^"]*)"|\`([^\`$]*)\`)`).exec(text);
      const lua = constant?.[1] ?? constant?.[2] ?? constant?.[3];
      found.set(`${name} (eval)`, { file: at, evalSha: lua === undefined ? null : sha1(lua) });
    }
  }
  return found;
}

// ---- a recorder on the cluster client: which scripts were defined on it, and how their calls ended ----

interface ScriptRecord {
  sha: string;
  ok: number;
  failures: string[];
}
const onCluster = new Map<string, ScriptRecord>();
const bySha = new Map<string, ScriptRecord>();
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

type DefineCommand = (this: Cluster, name: string, definition: { lua: string; numberOfKeys?: number; readOnly?: boolean }) => void;
/** Plain EVALs on the cluster, by the SHA-1 of their script. */
const evals = new Map<string, ScriptRecord>();
const clusterPrototype = Cluster.prototype as unknown as { defineCommand: DefineCommand };
const define = clusterPrototype.defineCommand;
clusterPrototype.defineCommand = function (this: Cluster, name: string, definition: { lua: string; numberOfKeys?: number; readOnly?: boolean }): void {
  const record = onCluster.get(name) ?? { sha: sha1(definition.lua), ok: 0, failures: [] };
  onCluster.set(name, record);
  bySha.set(record.sha, record);
  define.call(this, name, definition);
};

interface SentCommand {
  readonly name: string;
  readonly args: unknown[];
  readonly promise: Promise<unknown>;
}
type SendCommand = (this: Cluster, command: SentCommand, ...rest: unknown[]) => unknown;
const prototype = Cluster.prototype as unknown as { sendCommand: SendCommand };
const send = prototype.sendCommand;
prototype.sendCommand = function (this: Cluster, command: SentCommand, ...rest: unknown[]): unknown {
  const first = command.args[0];
  const text = typeof first === 'string' ? first : Buffer.isBuffer(first) ? first.toString() : '';
  let record = command.name === 'evalsha' ? bySha.get(text) : command.name === 'eval' ? bySha.get(sha1(text)) : undefined;
  if (record === undefined && command.name === 'eval') {
    const sha = sha1(text);
    record = evals.get(sha) ?? { sha, ok: 0, failures: [] };
    evals.set(sha, record);
  }
  const result = send.call(this, command, ...rest);
  // ioredis answers NOSCRIPT by sending the same call as EVAL: only the EVAL's outcome counts then.
  command.promise.then(
    () => void (record !== undefined && record.ok++),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (record !== undefined && !message.startsWith('NOSCRIPT')) record.failures.push(message);
    },
  );
  return result;
};

// ---- first: the cluster does refuse what this test relies on it refusing ----

t.test('the cluster refuses a script across slots, declared or not', async (t) => {
  const cluster = await startRedisCluster();
  t.teardown(() => cluster.dispose());
  const [a, b] = ['{team}:x', '{spare}:x'];
  t.not(await cluster.nodeOf('team'), await cluster.nodeOf('spare'), 'the two tags live on different nodes');
  const node = new Redis(cluster.ports[await cluster.nodeOf('team')] ?? 0, '127.0.0.1');
  t.teardown(() => node.disconnect());
  await t.rejects(node.eval("redis.call('SET', KEYS[1], 1); return redis.call('SET', KEYS[2], 1)", 2, a, b), /CROSSSLOT/, 'declared keys in two slots');
  await t.rejects(node.eval("redis.call('SET', KEYS[1], 1); return redis.call('SET', ARGV[1], 1)", 1, a, b), /non local key/, 'a key it did not declare, on another node');
});

// ---- then: every store contract suite, on a cluster ----

// The store contract suites, and any other test of a Redis store that starts its Redis with startTestRedis().
const suites = sourceFiles(SRC).filter((file) => file.endsWith('store.contract.test.ts') || (file.endsWith('.test.ts') && readFileSync(file, 'utf8').includes('startTestRedis(')));
t.ok(suites.length > 0, `store contract suites: ${suites.map((f) => relative(ROOT, f)).join(', ')}`);
for (const suite of suites) await import(pathToFileURL(suite).href);

// The response cache's store has no contract suite (its test reads keys through one node's client):
// its commands, the owner-only unlock script among them, on the cluster here, over hashes on every node.
t.test('the response cache on the cluster: entries and locks on every node', async (t) => {
  const cluster = await startRedisCluster();
  t.teardown(() => cluster.dispose());
  const client = createRedisClient(cluster.connection);
  t.teardown(() => closeClient(client));
  await whenReady(client, 5000);
  const cache = new RedisCacheStore(client, 'cache', () => Promise.resolve());
  const hashes = ['a', 'b', 'c', 'd', 'e', 'f'].map((c) => c.repeat(64));
  const nodes = await Promise.all(hashes.map((hash) => cluster.nodeOf(`c:${hash}`)));
  t.same([...new Set(nodes)].sort(), [0, 1, 2], `the hashes live on all three nodes (${nodes.join(', ')})`);
  for (const hash of hashes) {
    t.equal(await cache.lock(hash, 'r1', 60_000), true);
    t.equal(await cache.lock(hash, 'r2', 60_000), false, 'one owner at a time');
    await cache.unlock(hash, 'r2');
    t.equal(await cache.lock(hash, 'r2', 60_000), false, "another router's unlock leaves the lock");
    await cache.unlock(hash, 'r1');
    t.equal(await cache.lock(hash, 'r2', 60_000), true, "the owner's unlock frees it");
    await cache.renew(hash, 'r2', 30_000);
    await cache.renew(hash, 'r9', 1);
    t.equal(await cache.lock(hash, 'r3', 60_000), false, "renewed by its owner, untouched by another's renewal");
    // A miss's two round trips: the lookup that claims the lock, and the store that lets it go.
    t.equal(await cache.getOrLock(hash, 'r3', 60_000), false, 'getOrLock: no entry, and the lock is held');
    await cache.setAndUnlock(hash, { ...ENTRY, tier: hash }, 60_000, 'r2');
    const found = await cache.getOrLock(hash, 'r3', 60_000);
    t.equal(typeof found === 'object' ? found.tier : found, hash, 'getOrLock: the entry setAndUnlock stored');
    t.equal(await cache.lock(hash, 'r3', 60_000), true, "setAndUnlock let its owner's lock go");
    // A leader whose answer may not be kept leaves its lock marked for a moment: a claim reads the mark.
    await cache.unlockUnkept(hash, 'r3', 60_000);
    t.equal(await cache.lock(hash, 'r4', 60_000), 'unkept', "unlockUnkept marked its owner's lock");
  }
});

const ENTRY = storedAnswer({ tier: '' });

t.test('every script the project defines ran on the cluster, and every call of it succeeded', async (t) => {
  const scripts = definedScripts();
  t.ok(scripts.size >= 12, `found ${scripts.size} scripts in src/: ${[...scripts.keys()].join(', ')}`);
  for (const [name, { file, evalSha }] of scripts) {
    if (evalSha === null) {
      t.fail(`${name} (${file}): its Lua text is not a constant of the file; define it with defineCommand, or as a constant string`);
      continue;
    }
    const record = evalSha === undefined ? onCluster.get(name) : evals.get(evalSha);
    if (record === undefined) {
      t.fail(`${name} (${file}) never ran on a cluster client: its store's tests must start their Redis with startTestRedis() (test/fixtures/redis-cluster.ts)`);
      continue;
    }
    t.ok(record.ok > 0, `${name} (${file}) ran on the cluster (${record.ok} successful calls)`);
    t.strictSame(record.failures, [], `${name}: no call failed`);
  }
});
