// Reloading router.yaml without a restart: a change of routing under traffic loses no request, an
// invalid config is refused while the old one keeps serving, and replicas whose URL did not change
// keep their state.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import t, { type Test } from 'tap';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { chatStreamEvents, startFakeEngine, type FakeEngine } from '../fixtures/fake-engine.js';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN, adminReplicas, waitFor } from '../fixtures/wait.js';

const [blue, green] = await Promise.all([startFakeEngine(), startFakeEngine()]);
t.teardown(() => Promise.all([blue.close(), green.close()]));
const dir = await mkdtemp(join(tmpdir(), 'switchyard-reload-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const env = { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN };

/** `chat` served by the given engine's pool; both pools exist so only the route changes. */
function config(target: 'blue' | 'green', extraModels: Record<string, unknown> = {}) {
  const pool = (engine: FakeEngine, name: string) => ({
    engine: 'vllm',
    servedModel: `served-${name}`,
    healthCheck: { intervalMs: 0 },
    engineMetrics: { intervalMs: 0 },
    outlier: { consecutiveFailures: 1, baseEjectionMs: 60_000, maxEjectedPercent: 100 },
    replicas: [{ name: `${name}-r0`, url: engine.url }],
  });
  return {
    logging: { level: 'info' },
    models: { chat: { tiers: [target] }, ...extraModels },
    tiers: { blue: { pools: ['blue'] }, green: { pools: ['green'] } },
    pools: { blue: pool(blue, 'blue'), green: pool(green, 'green') },
  };
}

async function start(file: string, target: 'blue' | 'green', tt: Test): Promise<TestRouter> {
  const test = await startTestRouter(config(target), env, { configPath: join(dir, file) });
  tt.teardown(() => test.close());
  return test;
}

async function chat(test: TestRouter, stream = false): Promise<{ status: number; replica: string | null; complete: boolean }> {
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], stream }),
  });
  const text = await res.text();
  return { status: res.status, replica: res.headers.get('x-switchyard-replica'), complete: !stream || text.endsWith('data: [DONE]\n\n') };
}

const adminReload = (test: TestRouter) => fetch(`${test.url}/admin/config/reload`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

t.test('a file change reroutes traffic mid-flight, and no request fails', async (t) => {
  const test = await start('traffic.yaml', 'blue', t);
  // A stream in flight across the reload finishes on the config it started with.
  blue.reply({ kind: 'stream', events: chatStreamEvents(['one', 'two', 'three', 'four']), delayMs: 60 });
  const longStream = chat(test, true);
  const results: Awaited<ReturnType<typeof chat>>[] = [];
  let stop = false;
  const traffic = Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let i = 0; i < 200 && !stop; i++) results.push(await chat(test, i % 2 === 0));
    }),
  );
  await waitFor('traffic on blue', async () => results.some((r) => r.replica === 'blue-r0'));
  await writeFile(join(dir, 'traffic.yaml'), stringify(config('green')));
  await waitFor('traffic on green', async () => results.some((r) => r.replica === 'green-r0'));
  const afterSwitch = results.length;
  await waitFor('more traffic after the switch', async () => results.length > afterSwitch + 20);
  stop = true;
  await traffic;
  const first = await longStream;
  t.same(first, { status: 200, replica: 'blue-r0', complete: true }, 'the stream in flight completed on the old route');
  t.same(
    results.filter((r) => r.status !== 200 || !r.complete),
    [],
    'no request failed',
  );
  t.same(new Set(results.slice(afterSwitch + 1).map((r) => r.replica)), new Set(['green-r0']), 'after the switch only green serves');
  t.match(await test.scrape(), /switchyard_config_reloads_total\{trigger="file",result="applied"\} 1/);
});

t.test('an invalid config is refused with every problem; the old one keeps serving', async (t) => {
  const test = await start('invalid.yaml', 'blue', t);
  const broken = { ...config('green'), tiers: { blue: { pools: ['blue'], spillTo: 'nowhere' } }, server: { port: 'x' } };
  await writeFile(join(dir, 'invalid.yaml'), stringify(broken));
  const res = await adminReload(test);
  t.equal(res.status, 400);
  const body = (await res.json()) as { error: { code: string; message: string }; problems: string[] };
  t.equal(body.error.code, 'config_invalid');
  t.equal(body.error.message, 'The config was not reloaded (1 problem); the previous config keeps serving.');
  t.same(body.problems, ['server.port: must be an integer from 0 to 65535 (got "x")']);
  t.same(await chat(test), { status: 200, replica: 'blue-r0', complete: true }, 'still served by the old config');
  // The watcher saw the same file: refused too, and logged with its problems.
  await waitFor('the file-triggered refusal in the log', async () =>
    test.logs.find((line) => line['msg'] === 'config reload refused; the previous config keeps serving' && line['trigger'] === 'file'),
  );
  t.match(await test.scrape(), /switchyard_config_reloads_total\{trigger="admin",result="rejected"\} 1/);
  // A cross-check problem (valid shape, bad reference) is refused the same way.
  await writeFile(join(dir, 'invalid.yaml'), stringify({ ...config('green'), models: { chat: { tiers: ['purple'] } } }));
  const again = (await (await adminReload(test)).json()) as { problems: string[] };
  t.same(again.problems, ['models.chat.tiers[0]: unknown tier "purple" (known: blue, green)']);
  t.equal((await chat(test)).replica, 'blue-r0');
});

t.test('replicas whose URL did not change keep their state', async (t) => {
  const test = await start('state.yaml', 'blue', t);
  // Eject blue-r0 (one failure ejects in this config) and hold a stream open on green.
  blue.reply({ kind: 'text', status: 502, text: 'x' });
  t.equal((await chat(test)).status, 502);
  t.equal((await adminReplicas(test.url))['blue-r0']?.ejected, true, 'ejected before the reloads');
  await writeFile(join(dir, 'state.yaml'), stringify(config('green')));
  t.equal((await adminReload(test)).status, 200);
  green.reply({ kind: 'stream', events: chatStreamEvents(['a', 'b', 'c']), delayMs: 100 });
  const open = chat(test, true);
  await waitFor('the stream in flight', async () => (await adminReplicas(test.url))['green-r0']?.inFlight === 1);
  // A second reload that changes only a model list: the same replicas, with their state.
  await writeFile(join(dir, 'state.yaml'), stringify(config('green', { extra: { tiers: ['blue'] } })));
  t.same(await (await adminReload(test)).json(), { status: 'reloaded' });
  const state = await adminReplicas(test.url);
  t.equal(state['blue-r0']?.ejected, true, 'still ejected');
  t.equal(state['green-r0']?.inFlight, 1, 'the in-flight count carried over');
  t.equal((await open).complete, true);
  t.equal((await adminReplicas(test.url))['green-r0']?.inFlight, 0, 'and is released on the same replica');
  const models = (await (await fetch(`${test.url}/v1/models`)).json()) as { data: { id: string }[] };
  t.same(
    models.data.map((m) => m.id),
    ['chat', 'extra'],
  );
});

t.test('a reload of the connection settings keeps the replicas, their state, and the streams on the old connections', async (t) => {
  const test = await start('connections.yaml', 'blue', t);
  blue.reply({ kind: 'text', status: 502, text: 'x' });
  t.equal((await chat(test)).status, 502);
  t.equal((await adminReplicas(test.url))['blue-r0']?.ejected, true, 'ejected before the reload');
  await writeFile(join(dir, 'connections.yaml'), stringify(config('green')));
  t.equal((await adminReload(test)).status, 200);
  green.reply({ kind: 'stream', events: chatStreamEvents(['a', 'b', 'c']), delayMs: 100 });
  const open = chat(test, true);
  await waitFor('the stream in flight', async () => (await adminReplicas(test.url))['green-r0']?.inFlight === 1);
  // Only maxConnections and connectTimeoutMs change.
  const changed = config('green');
  for (const pool of Object.values(changed.pools)) Object.assign(pool, { maxConnections: 3, connectTimeoutMs: 1500 });
  await writeFile(join(dir, 'connections.yaml'), stringify(changed));
  t.same(await (await adminReload(test)).json(), { status: 'reloaded' });
  const state = await adminReplicas(test.url);
  t.equal(state['blue-r0']?.ejected, true, 'still ejected');
  t.equal(state['green-r0']?.inFlight, 1, 'the in-flight count carried over');
  t.same(await open, { status: 200, replica: 'green-r0', complete: true }, 'the stream finished on its old connection');
  t.equal((await adminReplicas(test.url))['green-r0']?.inFlight, 0);
  t.equal((await chat(test)).status, 200, 'new requests go out on the new connections');
});

t.test('an explicit reload of an unchanged file rebuilds and keeps serving', async (t) => {
  const test = await start('same.yaml', 'blue', t);
  t.same(await (await adminReload(test)).json(), { status: 'reloaded' }, 'an explicit reload always rebuilds');
  t.equal((await chat(test)).status, 200);
});

t.test('a router started open refuses a reload that turns authentication on, instead of ignoring it', async (t) => {
  const { SWITCHYARD_ADMIN_TOKEN: _token, ...open } = env;
  const file = join(dir, 'open.yaml');
  const test = await startTestRouter(config('blue'), open, { configPath: file });
  t.teardown(() => test.close());
  const hash = 'a'.repeat(64);
  await writeFile(file, stringify({ ...config('blue'), auth: { required: true, keys: [{ id: 'team', hash }] } }));
  const refusal = await waitFor('the refusal in the log', async () => test.logs.find((line) => line['msg'] === 'config reload refused; the previous config keeps serving'));
  t.match(refusal['problems'], [/auth: this router started with no keys and no admin token.*takes a restart/]);
  t.notOk(
    test.logs.some((line) => line['msg'] === 'config reloaded'),
    'never logged as applied',
  );
});

t.test("a reload declaring a key under the id of one the admin API created is refused; the admin's key stays", async (t) => {
  const file = join(dir, 'takeover.yaml');
  const test = await startTestRouter(config('blue'), env, { configPath: file, watchConfig: false });
  t.teardown(() => test.close());
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const created = await fetch(`${test.url}/admin/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ id: 'victim', name: 'made by an operator' }) });
  const { secret } = (await created.json()) as { secret: string };
  await writeFile(file, stringify({ ...config('blue'), auth: { keys: [{ id: 'victim', hash: 'b'.repeat(64) }] } }));
  const reload = await adminReload(test);
  const body = (await reload.json()) as { problems: string[] };
  t.equal(reload.status, 400);
  t.match(body.problems, [/auth\.keys\[0\]\.id: "victim" is a key created through the admin API/]);
  const key = (await (await fetch(`${test.url}/admin/keys/victim`, { headers: admin })).json()) as { source: string; name: string };
  t.strictSame([key.source, key.name], ['admin', 'made by an operator']);
  const chat = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
  });
  t.equal(chat.status, 200, "the admin's secret still works");
  // Its secret declared under another id: the store would refuse to put that key, so the reload is refused.
  const hash = createHash('sha256').update(secret).digest('hex');
  await writeFile(file, stringify({ ...config('blue'), auth: { keys: [{ id: 'copycat', hash }] } }));
  const again = await adminReload(test);
  t.equal(again.status, 400);
  t.match(((await again.json()) as { problems: string[] }).problems, [/auth\.keys\[0\]\.hash: the secret of "victim", a key created through the admin API/]);
  t.equal((await fetch(`${test.url}/admin/keys/copycat`, { headers: admin })).status, 404);
});

t.test('a reload that moves a secret to another key id, or rotates it, retires the old key and secret at once', async (t) => {
  const file = join(dir, 'moved.yaml');
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const withKeys = (keys: Record<string, unknown>[]) => ({ ...config('blue'), auth: { required: true, keys } });
  const test = await startTestRouter(withKeys([{ id: 'k1', hash: sha256('secret-one') }]), env, { configPath: file, watchConfig: false });
  t.teardown(() => test.close());
  const ask = async (secret: string) =>
    (
      await fetch(`${test.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
      })
    ).status;
  const ids = async () => {
    const res = await fetch(`${test.url}/admin/keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const body = (await res.json()) as { data: { id: string; enabled: boolean }[] };
    return body.data.map((key) => `${key.id}:${key.enabled ? 'on' : 'off'}`).sort();
  };
  t.equal(await ask('secret-one'), 200, 'looked up once: the lookup is cached');
  // A rotation: the old secret stops at once, not when the lookup cache expires.
  await writeFile(file, stringify(withKeys([{ id: 'k1', hash: sha256('secret-two') }])));
  t.equal((await adminReload(test)).status, 200);
  t.equal(await ask('secret-one'), 401, 'the rotated-out secret');
  t.equal(await ask('secret-two'), 200);
  // The secret under a new id, disabled.
  await writeFile(file, stringify(withKeys([{ id: 'k1-renamed', hash: sha256('secret-two'), enabled: false }])));
  t.equal((await adminReload(test)).status, 200);
  t.strictSame(await ids(), ['k1-renamed:off'], 'k1 is gone');
  t.equal(await ask('secret-two'), 403, 'the disabled key refuses the secret (key_disabled)');
});

/**
 * A chat request whose body is sent in two parts, `between` them (a reload while the router reads it);
 * its answer's status, replica and text.
 */
async function chatSplitAround(t: Test, test: TestRouter, between: () => Promise<void>): Promise<{ status: number; replica: string | undefined; text: string }> {
  const body = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
  const { hostname, port } = new URL(test.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (part: string) => (text += part));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, replica: res.headers['x-switchyard-replica'] as string | undefined, text }));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, 10));
    t.teardown(() => req.destroy());
    void between().then(() => req.end(body.slice(10)), reject);
  });
}

t.test('a request still reading its body when its replica is replaced finishes on the config it started with', async (t) => {
  const file = join(dir, 'slow-body.yaml');
  const other = await startFakeEngine();
  t.teardown(() => other.close());
  const test = await startTestRouter(config('blue'), env, { configPath: file, watchConfig: false });
  t.teardown(() => test.close());
  // The rest once the reload has replaced the replica this request's config names.
  const { status, replica, text } = await chatSplitAround(t, test, async () => {
    const moved = config('blue');
    moved.pools.blue.replicas = [{ name: 'blue-r0', url: other.url }];
    await writeFile(file, stringify(moved));
    t.equal((await adminReload(test)).status, 200, 'reloaded');
  });
  t.equal(status, 200, text);
  t.equal(replica, 'blue-r0');
  t.equal(blue.requests.filter((r) => r.method === 'POST').length >= 1, true, 'the old replica answered it');
});

t.test('…and through two reloads, the second dropping the replica the first kept: the first config closes none its requests need', async (t) => {
  const file = join(dir, 'slow-body-twice.yaml');
  const other = await startFakeEngine();
  t.teardown(() => other.close());
  const test = await startTestRouter(config('blue'), env, { configPath: file, watchConfig: false });
  t.teardown(() => test.close());
  const { status, text } = await chatSplitAround(t, test, async () => {
    // The second config adopts blue-r0 and, holding no request, is retired at once by the third, which drops it.
    await writeFile(file, stringify(config('blue')));
    t.equal((await adminReload(test)).status, 200, 'reloaded, blue-r0 kept');
    const moved = config('blue');
    moved.pools.blue.replicas = [{ name: 'blue-r0', url: other.url }];
    await writeFile(file, stringify(moved));
    t.equal((await adminReload(test)).status, 200, 'reloaded, blue-r0 dropped');
  });
  t.equal(status, 200, text);
  t.equal(blue.requests.filter((r) => r.method === 'POST').length >= 1, true, 'the old replica answered it');
});

t.test('a stream in flight when a reload renames its replica is counted under the name it started with', async (t) => {
  const file = join(dir, 'rename.yaml');
  const test = await startTestRouter(config('blue'), env, { configPath: file, watchConfig: false });
  t.teardown(() => test.close());
  blue.reply({ kind: 'stream', events: chatStreamEvents(['a', 'b', 'c', 'd', 'e']), delayMs: 100 });
  const streaming = chat(test, true);
  await waitFor('the stream to start', () => Promise.resolve(blue.requests.length > 0));
  const renamed = config('blue');
  renamed.pools.blue.replicas = [{ name: 'blue-renamed', url: blue.url }];
  await writeFile(file, stringify(renamed));
  t.equal((await adminReload(test)).status, 200);
  t.match(await streaming, { status: 200, replica: 'blue-r0', complete: true });
  const metrics = await test.scrape();
  t.match(metrics, /^switchyard_attempts_total\{pool="blue",replica="blue-r0",outcome="ok"\} 1$/m, 'as the access line and the client have it');
  t.notMatch(metrics, /^switchyard_attempts_total\{[^}]*replica="blue-renamed"/m);
});

t.test('a change written while the router was starting is applied once it watches, not taken for the config it runs', async (t) => {
  const file = join(dir, 'during-start.yaml');
  const test = await startTestRouter(config('blue'), env, { configPath: file, fileText: stringify(config('green')) });
  t.teardown(() => test.close());
  await waitFor('the change applied', async () => (await chat(test)).replica === 'green-r0');
  t.match(await test.scrape(), /switchyard_config_reloads_total\{trigger="file",result="applied"\} 1/);
});

t.test('a reload that changes server settings read only at start says which, and applies the rest', async (t) => {
  const file = join(dir, 'server.yaml');
  const test = await startTestRouter(config('blue'), env, { configPath: file, watchConfig: false });
  t.teardown(() => test.close());
  await writeFile(file, stringify({ ...config('blue'), server: { headersTimeoutMs: 5000, maxConnections: 10, shutdownGraceMs: 1000, requestTimeoutMs: 30_000 } }));
  t.equal((await adminReload(test)).status, 200);
  const warning = test.logs.find((line) => line['msg'] === 'these server settings take effect only after a restart');
  t.strictSame(warning?.['settings'], ['server.shutdownGraceMs', 'server.headersTimeoutMs', 'server.maxConnections']);
});

t.test('a config file reached through a symlink is reloaded when the file it points to changes', async (t) => {
  const real = await mkdtemp(join(tmpdir(), 'switchyard-real-'));
  t.teardown(() => rm(real, { recursive: true, force: true }));
  const linked = await mkdtemp(join(tmpdir(), 'switchyard-linked-'));
  t.teardown(() => rm(linked, { recursive: true, force: true }));
  await writeFile(join(real, 'router.yaml'), stringify(config('blue')));
  await symlink(join(real, 'router.yaml'), join(linked, 'router.yaml'));
  const test = await startTestRouter(config('blue'), env, { configPath: join(linked, 'router.yaml') });
  t.teardown(() => test.close());
  t.equal((await chat(test)).replica, 'blue-r0');
  // Edited where it lives: nothing changes in the folder of the path the router was given.
  await writeFile(join(real, 'router.yaml'), stringify(config('green')));
  await waitFor('the change applied', async () => (await chat(test)).replica === 'green-r0');
  t.pass('reloaded');
});
