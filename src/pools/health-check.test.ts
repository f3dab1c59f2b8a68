// Health checks against real loopback servers, driven by checkOnce(): no sleeps, no timing asserts.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import type { HealthCheckConfig } from '../config/types.js';
import { ENGINES } from './engines.js';
import { HealthChecker, MAX_PROBE_BYTES, probe } from './health-check.js';
import { Replica } from './replica.js';

type Mode = 'ok' | 'fail' | 'hang';

/** The part of a tap test the helpers need. */
interface Teardown {
  teardown(fn: () => unknown): void;
}

interface Upstream {
  mode: Mode;
  readonly requests: IncomingMessage[];
  readonly url: string;
  /** Resolves on the next request the server receives. */
  nextRequest(): Promise<IncomingMessage>;
}

async function upstream(t: Teardown, mode: Mode = 'ok'): Promise<Upstream> {
  let waiter: ((req: IncomingMessage) => void) | null = null;
  const server: Server = createServer((req, res) => {
    state.requests.push(req);
    waiter?.(req);
    waiter = null;
    if (state.mode === 'hang') return;
    res.writeHead(state.mode === 'ok' ? 200 : 503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  const state: Upstream = {
    mode,
    requests: [],
    url: `http://127.0.0.1:${port}`,
    nextRequest: () => new Promise((resolve) => (waiter = resolve)),
  };
  return state;
}

/** A loopback URL nothing listens on: a server bound, then closed. */
async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

function replica(t: Teardown, url: string, authorization: string | null = null): Replica {
  const r = new Replica({
    name: 'r0',
    poolName: 'p',
    url,
    weight: 1,
    engine: ENGINES.vllm,
    authorization,
    connectTimeoutMs: 1_000,
    maxConnections: 4,
  });
  t.teardown(() => r.destroy());
  return r;
}

const CONFIG: HealthCheckConfig = { intervalMs: 0, timeoutMs: 2_000, unhealthyAfter: 2, healthyAfter: 3, path: '/health' };

function setup(replicas: readonly Replica[], config: Partial<HealthCheckConfig> = {}) {
  const changes: [string, boolean, string][] = [];
  const clock = { now: 5_000 };
  const checker = new HealthChecker(replicas, { ...CONFIG, ...config }, { onChange: (r, healthy, reason) => changes.push([r.name, healthy, reason]) }, () => clock.now);
  return { checker, changes, clock };
}

t.test('unhealthyAfter failures mark it unhealthy, healthyAfter passes bring it back, onChange once each', async (t) => {
  const server = await upstream(t, 'fail');
  const r = replica(t, server.url);
  const { checker, changes, clock } = setup([r]);

  await checker.checkOnce();
  t.equal(r.healthy, true, 'one failure is not enough');
  t.match(r.health, { consecutiveFailures: 1, lastError: 'status 503', lastCheckAt: 5_000 });
  clock.now = 6_000;
  await checker.checkOnce();
  t.equal(r.healthy, false);
  await checker.checkOnce();
  t.same(changes, [['r0', false, 'status 503']]);
  t.equal(r.health.lastCheckAt, 6_000);

  server.mode = 'ok';
  await checker.checkOnce();
  await checker.checkOnce();
  t.equal(r.healthy, false, 'two passes of three');
  t.equal(r.health.lastError, 'status 503', 'the reason stays while unhealthy');
  server.mode = 'fail';
  await checker.checkOnce();
  server.mode = 'ok';
  await checker.checkOnce();
  await checker.checkOnce();
  t.equal(r.healthy, false, 'a failure in between starts the count over');
  await checker.checkOnce();
  t.equal(r.healthy, true);
  t.equal(r.health.lastError, null);
  await checker.checkOnce();
  t.same(changes, [
    ['r0', false, 'status 503'],
    ['r0', true, '3 checks passed'],
  ]);
  t.equal(server.requests[0]?.url, '/health');
});

t.test('a check that times out fails', async (t) => {
  const server = await upstream(t, 'hang');
  const r = replica(t, server.url);
  const { checker, changes } = setup([r], { timeoutMs: 50, unhealthyAfter: 1 });
  await checker.checkOnce();
  t.equal(r.healthy, false);
  t.equal(r.health.lastError, 'timeout after 50ms');
  t.same(changes, [['r0', false, 'timeout after 50ms']]);
});

t.test('connection refused fails, with no address in the error', async (t) => {
  const r = replica(t, await refusedUrl());
  const { checker } = setup([r], { unhealthyAfter: 1 });
  await checker.checkOnce();
  t.equal(r.healthy, false);
  t.equal(r.health.lastError, 'connection refused');
});

t.test('checks of one replica never overlap; each replica is checked', async (t) => {
  const hanging = await upstream(t, 'hang');
  const fine = await upstream(t, 'ok');
  const slow = replica(t, hanging.url);
  const other = replica(t, fine.url);
  const { checker } = setup([slow, other], { timeoutMs: 50 });
  await Promise.all([checker.checkOnce(), checker.checkOnce()]);
  t.equal(hanging.requests.length, 1, 'the second call joined the first');
  t.equal(slow.health.consecutiveFailures, 1);
  t.equal(other.health.consecutivePasses, 1);
});

t.test('stop() aborts a check in flight, which records nothing', async (t) => {
  const server = await upstream(t, 'hang');
  const r = replica(t, server.url);
  const { checker } = setup([r], { timeoutMs: 30_000 });
  const received = server.nextRequest();
  const running = checker.checkOnce();
  const request = await received;
  const closed = new Promise((resolve) => request.socket.once('close', resolve));
  checker.stop();
  await running;
  await closed;
  t.match(r.health, { healthy: true, consecutiveFailures: 0, lastCheckAt: 0 });
});

t.test('start() checks on its own with the bearer token; stop() ends it', async (t) => {
  const server = await upstream(t, 'ok');
  const r = replica(t, server.url, 'Bearer sk-test');
  const { checker } = setup([r], { intervalMs: 10, path: '/v1/models' });
  const first = server.nextRequest();
  checker.start();
  const request = await first;
  checker.stop();
  t.equal(request.url, '/v1/models');
  t.equal(request.headers.authorization, 'Bearer sk-test');
});

t.test('a single failure on a healthy replica is forgotten at its next pass: lastError explains nothing then', async (t) => {
  const server = await upstream(t, 'fail');
  const r = replica(t, server.url);
  const { checker } = setup([r]);
  await checker.checkOnce();
  t.match(r.health, { healthy: true, lastError: 'status 503' });
  server.mode = 'ok';
  await checker.checkOnce();
  t.match(r.health, { healthy: true, lastError: null });
});

t.test('a probe reads at most 4 MiB of a body: an endless /metrics fails the probe, not the memory', async (t) => {
  let written = 0;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const mib = Buffer.alloc(1024 * 1024, 0x23);
    // Bounded here (32 MiB), endless as far as the probe can tell.
    const more = (): void => {
      while (written < 32 * 1024 * 1024 && !res.destroyed) {
        written += mib.length;
        if (!res.write(mib)) return void res.once('drain', more);
      }
      res.end();
    };
    more();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const r = replica(t, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const result = await probe(r, '/metrics', 10_000, new AbortController().signal, true);
  t.strictSame(result, { ok: false, stopped: false, error: `body over ${MAX_PROBE_BYTES / 1024 / 1024} MiB` });
  t.ok(written < 32 * 1024 * 1024, 'the rest was never asked for');
});
