// Every Lua script the project defines runs on a real three-node Redis Cluster, which refuses a script
// whose declared keys are not all in one slot (CROSSSLOT), or that touches an undeclared key of
// another node (Redis 7.0.15, Debian's, lets an undeclared key of another slot on the same node pass). The scripts are found in the source (every
// `defineCommand('name'` under src/), so one added later by any store is enumerated too; the store
// contract suites (every src/**/store.contract.test.ts) then run here with SWITCHYARD_TEST_REDIS=cluster,
// and each script must have run on the cluster and succeeded at least once. A suite whose Redis
// harness ignores SWITCHYARD_TEST_REDIS (it should start its Redis with startTestRedis() from
// test/fixtures/redis-cluster.ts) leaves its scripts unproven, and this test names them.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Cluster, Redis } from 'ioredis';
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

/** Script name → the file that defines it, from the source text. */
function definedScripts(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles(SRC).filter((f) => !f.endsWith('.test.ts'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\.defineCommand\(\s*['"]([A-Za-z0-9_]+)['"]/g)) {
      if (match[1] !== undefined) found.set(match[1], relative(ROOT, file));
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
  const record = command.name === 'evalsha' ? bySha.get(text) : command.name === 'eval' ? bySha.get(sha1(text)) : undefined;
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

const suites = sourceFiles(SRC).filter((file) => file.endsWith('store.contract.test.ts'));
t.ok(suites.length > 0, `store contract suites: ${suites.map((f) => relative(ROOT, f)).join(', ')}`);
for (const suite of suites) await import(pathToFileURL(suite).href);

t.test('every script the project defines ran on the cluster, and every call of it succeeded', async (t) => {
  const scripts = definedScripts();
  t.ok(scripts.size >= 8, `found ${scripts.size} scripts in src/: ${[...scripts.keys()].join(', ')}`);
  for (const [name, file] of scripts) {
    const record = onCluster.get(name);
    if (record === undefined) {
      t.fail(`${name} (${file}) was never defined on a cluster client: its store's contract suite must start its Redis with startTestRedis()`);
      continue;
    }
    t.ok(record.ok > 0, `${name} (${file}) ran on the cluster (${record.ok} calls)`);
    t.strictSame(record.failures, [], `${name}: no call failed`);
  }
});
