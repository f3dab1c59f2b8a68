// The process interface: the config named by --config or SWITCHYARD_CONFIG, PORT overriding
// server.port, a clean exit on SIGTERM, and a broken config refused with every problem listed.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { chatStreamEvents, startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor } from '../fixtures/start-router.js';
import { waitFor } from '../fixtures/wait.js';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;
const engine = await startFakeEngine();
const dir = await mkdtemp(join(tmpdir(), 'switchyard-process-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const configPath = join(dir, 'router.yaml');
await writeFile(configPath, stringify(configFor({ chat: [engine.url] }, { server: { port: 1 } })));
const children: ChildProcess[] = [];
t.teardown(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await engine.close();
});

function run(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

/** The URL from the "listening" log line. */
async function listeningUrl(child: ChildProcess): Promise<string> {
  if (child.stdout === null) throw new Error('no stdout');
  for await (const line of createInterface({ input: child.stdout })) {
    const parsed = JSON.parse(line) as { msg?: string; url?: string };
    if (parsed.msg === 'switchyard listening' && parsed.url !== undefined) return parsed.url;
  }
  throw new Error('the router exited before listening');
}

for (const [how, args, env] of [
  ['--config', ['--config', configPath], {}],
  ['SWITCHYARD_CONFIG', [], { SWITCHYARD_CONFIG: configPath }],
] as const) {
  t.test(`serves the config named by ${how} on PORT, and exits 0 on SIGTERM`, async (t) => {
    const child = run([...args], { ...env, PORT: '0' });
    const url = await listeningUrl(child);
    t.notMatch(url, /:1$/, 'PORT overrode server.port');
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
    });
    t.equal(res.status, 200);
    t.equal(res.headers.get('x-switchyard-replica'), 'chat-r0');
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    t.equal(code, 0);
  });
}

t.test('SIGHUP reloads the config (with --no-watch, only SIGHUP does)', async (t) => {
  const path = join(dir, 'hup.yaml');
  await writeFile(path, stringify(configFor({ chat: [engine.url] })));
  const child = run(['--config', path, '--no-watch'], { PORT: '0' });
  const url = await listeningUrl(child);
  await writeFile(path, stringify(configFor({ chat: [engine.url], more: [engine.url.replace('127.0.0.1', 'localhost')] })));
  child.kill('SIGHUP');
  const ids = await waitFor('the new alias', async () => {
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    return models.data.length === 2 ? models.data.map((m) => m.id) : null;
  });
  t.same(ids, ['chat', 'more']);
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  t.equal(code, 0);
});

t.test('SIGHUP while the router is still starting does not end it: the reload waits for the start', async (t) => {
  // A Redis budget store that is not there holds the start (it retries) until one is.
  const closed = await startFakeEngine();
  const port = new URL(closed.url).port;
  await closed.close();
  const path = join(dir, 'slow-start.yaml');
  const hash = 'c'.repeat(64);
  await writeFile(
    path,
    stringify(configFor({ chat: [engine.url] }, { auth: { keys: [{ id: 'team', hash }] }, budgets: { store: 'redis', redis: { url: `redis://127.0.0.1:${port}` } } })),
  );
  const child = run(['--config', path, '--no-watch'], { PORT: '0' });
  let output = '';
  child.stdout?.on('data', (part: Buffer) => (output += part.toString()));
  // A child started under tsx while the suite's other files run: its start may take well over 5 s.
  await waitFor('the start waiting for Redis', async () => output.includes('budget store (Redis) connection problem'), 30_000);
  child.kill('SIGHUP');
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(child.exitCode, null, 'still running');
  t.equal(child.signalCode, null, 'not ended by the signal');
  child.kill('SIGKILL');
});

t.test('a broken config: exit 1 with every problem and its path, no stack trace', async (t) => {
  const broken = join(dir, 'broken.yaml');
  await writeFile(broken, 'models:\n  auto: { tiers: [nope] }\ntiers: {}\npools: {}\nserver: { port: "x" }\n');
  const child = run(['--config', broken], { PORT: '0' });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  t.equal(code, 1);
  t.match(stderr, `${broken} is not a valid config`);
  t.match(stderr, /server\.port: /);
  t.match(stderr, /tiers: /);
  t.notMatch(stderr, /\n\s+at /, 'no stack trace');
});

t.test('an invalid PORT is refused', async (t) => {
  const child = run(['--config', configPath], { PORT: 'eighty' });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  t.equal(code, 1);
  t.match(stderr, 'PORT must be an integer from 0 to 65535 (got "eighty")');
});

t.test('an invalid LOG_LEVEL is refused, not ignored', async (t) => {
  const child = run(['--config', configPath], { LOG_LEVEL: 'verbose' });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  t.equal(code, 1);
  t.match(stderr, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")');
});

t.test('PORT with anything but digits is refused; an empty SWITCHYARD_CONFIG is no config named', async (t) => {
  const spaced = run(['--config', configPath], { PORT: ' 8080' });
  let stderr = '';
  spaced.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(spaced, 'exit')) as [number | null];
  t.equal(code, 1);
  t.match(stderr, 'PORT must be an integer from 0 to 65535 (got " 8080")');
  // Without --config: ./router.yaml, in the working directory (here one without it), not a file named "".
  const tsx = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
  const empty = await mkdtemp(join(tmpdir(), 'switchyard-no-config-'));
  t.teardown(() => rm(empty, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', tsx, MAIN], { cwd: empty, env: { ...process.env, SWITCHYARD_CONFIG: '', PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let said = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (said += chunk));
  await once(child, 'exit');
  t.match(said, './router.yaml: cannot read file (ENOENT)');
});

t.test('a port already in use is refused with the setting that named it', async (t) => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.teardown(() => taken.close());
  const port = (taken.address() as AddressInfo).port;
  const path = join(dir, 'taken.yaml');
  await writeFile(path, stringify(configFor({ chat: [engine.url] }, { server: { host: '127.0.0.1', port } })));
  const child = run(['--config', path], {});
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  t.equal(code, 1);
  t.match(stderr, `switchyard: failed to start: server.port: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
});

t.test('SIGTERM while the router is still starting (waiting for Redis) ends it at once with 0, not by the signal', async (t) => {
  // A Redis that accepts connections and never answers: the budget store waits for it at start.
  const silent = createServer(() => {});
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  t.teardown(() => silent.close());
  const slow = join(dir, 'slow-redis.yaml');
  const { port } = silent.address() as AddressInfo;
  await writeFile(slow, stringify(configFor({ chat: [engine.url] }, { budgets: { store: 'redis', redis: { url: `redis://127.0.0.1:${port}` } } })));
  // The admin token makes budgets (and so the store) needed even without keys in the file.
  const child = run(['--config', slow], { PORT: '0', SWITCHYARD_ADMIN_TOKEN: 'a-token-of-32-characters-or-more-0123' });
  // Its first lines come before the store is made; then it waits for Redis, up to 5 s.
  if (child.stdout === null) throw new Error('no stdout');
  const lines = createInterface({ input: child.stdout });
  // Not a for-await with break: that would close the child's stdout, and its next write would fail.
  await new Promise<void>((resolve) => lines.on('line', (line) => line.includes('"msg":"classifier model loaded"') && resolve()));
  let said = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (said += chunk));
  child.kill('SIGTERM');
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  t.strictSame([code, signal], [0, null], 'exited 0 (as PID 1 in a container an unhandled SIGTERM would be ignored)');
  t.match(said, 'SIGTERM while starting: stopped before serving');
});

t.test('a second SIGTERM (or SIGINT) is the same drain, not the end: the stream in flight finishes, the exit is 0', async (t) => {
  const draining = join(dir, 'draining.yaml');
  await writeFile(draining, stringify(configFor({ chat: [engine.url] }, { server: { shutdownGraceMs: 5000 } })));
  const child = run(['--config', draining], { PORT: '0' });
  const url = await listeningUrl(child);
  engine.reply({ kind: 'stream', events: chatStreamEvents(['one', ' two', ' three', ' four', ' five']), delayMs: 150 });
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 100));
  child.kill('SIGINT');
  const text = await res.text();
  t.match(text, /data: \[DONE\]\n\n$/, 'the stream in flight is whole');
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  t.strictSame([code, signal], [0, null]);
});

t.test('main.ts handles the signals before it loads the router: its static imports are node builtins and types only', async (t) => {
  const source = await readFile(MAIN, 'utf8');
  const imports = [...source.matchAll(/^import (?!type )[^;]*? from '([^']+)';$/gm)].map((match) => match[1]);
  t.strictSame(
    imports.filter((from) => !from?.startsWith('node:')),
    [],
    'loading the router takes about a second: a SIGTERM then would find no handler (as PID 1, ignored)',
  );
  t.ok(source.indexOf("process.on('SIGTERM'") < source.indexOf("import('./router.js')"), 'handlers first');
});
