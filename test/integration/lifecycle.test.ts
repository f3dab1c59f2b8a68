// Health, readiness, metrics and the graceful drain on shutdown.
import { Agent, request, type IncomingMessage } from 'node:http';
import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatStreamEvents, echoCompletion, startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter } from '../fixtures/start-router.js';
import { waitFor } from '../fixtures/wait.js';

const engine = await startFakeEngine();
t.teardown(() => engine.close());

t.test('healthz, readyz and metrics', async (t) => {
  const config = configFor({ chat: [engine.url] });
  const test = await startTestRouter({ ...config, server: { ...config.server, metricsPort: 0 } });
  t.teardown(() => test.close());
  const health = await fetch(`${test.url}/healthz`);
  t.equal(health.status, 200);
  t.same(await health.json(), { status: 'ok' });
  const ready = await fetch(`${test.url}/readyz`);
  t.equal(ready.status, 200);
  t.same(await ready.json(), { status: 'ready' });

  await test.client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
  // Scraped where Prometheus would: the metrics listener (test/integration/metrics-listener.test.ts has the rest).
  const metrics = await fetch(`${test.router.metricsUrl}/metrics`);
  t.equal(metrics.status, 200);
  t.match(metrics.headers.get('content-type'), /^text\/plain/);
  const text = await metrics.text();
  t.match(text, /switchyard_requests_total\{model="chat",tier="chat",pool="chat",outcome="ok"\} 1/);
  t.match(text, /switchyard_tokens_total\{model="chat",tier="chat",pool="chat",direction="prompt"\} 7/);
  t.match(text, /switchyard_tokens_total\{model="chat",tier="chat",pool="chat",direction="completion"\} 3/);
  t.match(text, /switchyard_router_overhead_seconds_count 1/);
  t.match(text, /switchyard_request_duration_seconds_count\{model="chat",tier="chat"\} 1/);
});

t.test('the access log has one line per request, with secrets redacted', async (t) => {
  const test = await startTestRouter(configFor({ chat: [engine.url] }));
  t.teardown(() => test.close());
  await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-very-secret', 'x-request-id': 'trace-42' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
  });
  const lines = test.requestLogs();
  t.equal(lines.length, 1);
  t.match(lines[0], {
    requestId: 'trace-42',
    method: 'POST',
    path: '/v1/chat/completions',
    status: 200,
    endpoint: 'chat',
    model: 'chat',
    tier: 'chat',
    pool: 'chat',
    replica: 'chat-r0',
    outcome: 'ok',
    promptTokens: 7,
    completionTokens: 3,
    attempts: [{ pool: 'chat', replica: 'chat-r0', outcome: 'ok', status: 200 }],
  });
  t.notOk(JSON.stringify(test.logs).includes('sk-very-secret'), 'the key appears in no log line');
});

t.test('shutdown: readiness turns 503, the in-flight stream finishes, then the server stops', async (t) => {
  const test = await startTestRouter(configFor({ chat: [engine.url] }));
  engine.reply({ kind: 'stream', events: chatStreamEvents(['a', 'b', 'c', 'd', 'e']), delayMs: 40 });
  const stream = await test.client.chat.completions.create({
    model: 'chat',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
  });
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  t.equal(first.done, false);
  const stopped = test.close();
  const ready = await fetch(`${test.url}/readyz`).catch(() => null);
  // Either the listener is already closed, or it answers "not ready": never "ready".
  if (ready !== null) {
    t.equal(ready.status, 503);
    t.same(await ready.json(), { status: 'not_ready', problems: ['shutting down'] });
  } else {
    t.pass('listener closed to new connections');
  }
  let text = '';
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    text += next.value.choices[0]?.delta.content ?? '';
  }
  t.equal(text, 'abcde', 'the stream in flight completed');
  await stopped;
  await t.rejects(fetch(`${test.url}/healthz`), 'no longer listening');
});

t.test('shutdown: a stream still running when the grace period ends is cut as such, not blamed on its replica', async (t) => {
  const base = configFor({ chat: [engine.url] });
  const test = await startTestRouter({ ...base, server: { ...base.server, shutdownGraceMs: 300 } });
  engine.reply({ kind: 'stream', events: chatStreamEvents(Array.from({ length: 100 }, (_, i) => `w${i} `)), delayMs: 50 });
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'a long one' }] }),
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  const stopped = test.close();
  let text = '';
  for (;;) {
    const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (chunk.done === true) break;
    text += new TextDecoder().decode(chunk.value);
  }
  await stopped;
  t.match(text, /"code":"shutting_down"/, 'the client is told why its stream ended');
  t.notMatch(text, /data: \[DONE\]/);
  const line = test.requestLogs().at(-1)!;
  t.match(line, { outcome: 'shutting_down', origin: 'router' });
  t.match(line['attempts'], [{ replica: 'chat-r0', outcome: 'shutting_down' }]);
  t.equal(test.router.state.runtime.pools.get('chat')?.replicas[0]?.outlier.consecutiveFailures, 0, 'not a failure of the replica');
});

t.test('shutdown: an answer begun after the drain started says Connection: close', async (t) => {
  const base = configFor({ chat: [engine.url] });
  const test = await startTestRouter({ ...base, server: { ...base.server, shutdownGraceMs: 5000 } });
  engine.reply({ kind: 'json', body: echoCompletion({ messages: [{ role: 'user', content: 'late' }] }), delayMs: 300 });
  const before = engine.requests.length;
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(`${test.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: new Agent({ keepAlive: true }) }, resolve);
    req.once('error', reject);
    req.end(JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'late' }] }));
  });
  await waitFor('the engine to have it', async () => engine.requests.length > before);
  const stopped = test.close();
  const res = await answered;
  t.equal(res.statusCode, 200);
  t.equal(res.headers['connection'], 'close', 'no client reuses a connection about to close');
  res.resume();
  await stopped;
});

t.test('shutdown: an upload still under way when the grace period ends is answered 503 shutting_down, not logged as a client that left', async (t) => {
  const base = configFor({ chat: [engine.url] });
  const test = await startTestRouter({ ...base, server: { ...base.server, shutdownGraceMs: 300 } });
  const body = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'a body that never arrives whole' }] });
  const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      `${test.url}/v1/chat/completions`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (part: string) => (text += part));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.once('error', reject);
    req.write(body.slice(0, 10));
  });
  // The head and the first bytes reach the router at once on loopback; a moment for them to be read.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const stopped = test.close();
  const { status, text } = await answered;
  t.equal(status, 503);
  t.match(JSON.parse(text), { error: { code: 'shutting_down' } });
  await stopped;
  t.match(test.requestLogs().at(-1), { status: 503, outcome: 'shutting_down' });
});

t.test('shutdown: a reload asked during the drain (SIGHUP, the admin call) is refused, not swapped in', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-drain-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const base = configFor({ chat: [engine.url] });
  const test = await startTestRouter({ ...base, server: { ...base.server, shutdownGraceMs: 2000 } }, process.env, { configPath: join(dir, 'router.yaml'), watchConfig: false });
  engine.reply({ kind: 'stream', events: chatStreamEvents(['a', ' b', ' c', ' d']), delayMs: 100 });
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'keep it draining' }] }),
  });
  const stopped = test.close();
  t.match(await test.router.reload('signal'), { ok: false, errors: [/shutting down/] });
  t.match(await res.text(), /data: \[DONE\]\n\n$/);
  await stopped;
});

t.test('shutdown: a reload still being built when the drain begins is not swapped in', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-drain-build-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const base = configFor({ chat: [engine.url] });
  const test = await startTestRouter({ ...base, server: { ...base.server, shutdownGraceMs: 500 } }, process.env, { configPath: join(dir, 'router.yaml'), watchConfig: false });
  const before = test.router.state.runtime;
  // Asked before the drain (so not refused at once); the drain begins while it reads and builds.
  const reloading = test.router.reload('signal');
  const stopped = test.close();
  t.match(await reloading, { ok: false, errors: [/shutting down/] });
  t.equal(test.router.state.runtime, before, 'the runtime in force is the one the drain began with');
  await stopped;
});
