// Hostile and broken clients, on raw sockets (a hostile client is not an SDK): slow headers and slow
// bodies get 408, an oversized head 431, a malformed request 400, all in OpenAI's envelope; connections
// beyond server.maxConnections are closed as they arrive.
import { connect, type Socket } from 'node:net';
import t from 'tap';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { waitFor } from '../fixtures/wait.js';

const engine = await startFakeEngine();
t.teardown(() => engine.close());

async function start(server: Record<string, unknown>): Promise<TestRouter> {
  const base = configFor({ chat: [engine.url] });
  const test = await startTestRouter({ ...base, server: { ...base.server, ...server } });
  t.teardown(() => test.close());
  return test;
}

const test = await start({ headersTimeoutMs: 150, bodyTimeoutMs: 300, maxHeaderBytes: 2048 });
const port = Number(new URL(test.url).port);

interface RawReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** Opens a socket to the router; `reply` resolves with everything received once the router closes it. */
function open(to = port): { socket: Socket; connected: Promise<void>; reply: Promise<string> } {
  const socket = connect({ host: '127.0.0.1', port: to });
  const connected = new Promise<void>((resolve) => socket.once('connect', resolve));
  const reply = new Promise<string>((resolve) => {
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (raw += chunk));
    socket.on('error', () => {}); // A reset after the answer is still a close.
    socket.once('close', () => resolve(raw));
  });
  return { socket, connected, reply };
}

function parse(raw: string): RawReply {
  const split = raw.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = raw.slice(0, split).split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const text = raw.slice(split + 4);
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(text) as unknown };
}

async function send(...chunks: string[]): Promise<RawReply> {
  const { socket, reply } = open();
  for (const chunk of chunks) socket.write(chunk);
  return parse(await reply);
}

const envelope = (message: string, code: string) => ({ error: { message, type: 'invalid_request_error', param: null, code } });
const TIMEOUT = envelope('The request was not received in time; the connection is closed.', 'request_timeout');

t.test('headers that do not arrive within headersTimeoutMs: 408 in the envelope', async (t) => {
  const reply = await send('POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n');
  t.equal(reply.status, 408);
  t.equal(reply.headers['content-type'], 'application/json; charset=utf-8');
  t.equal(reply.headers['connection'], 'close');
  t.strictSame(reply.body, TIMEOUT);
});

t.test('a connection that sends nothing at all: 408 once headersTimeoutMs is over', async (t) => {
  const { reply } = open();
  const answer = parse(await reply);
  t.equal(answer.status, 408);
  t.strictSame(answer.body, TIMEOUT);
});

t.test('a body that does not arrive within bodyTimeoutMs: 408 in the envelope, in origin and absolute form', async (t) => {
  const head = (target: string) => `POST ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n`;
  for (const target of ['/v1/chat/completions', `${test.url}/v1/chat/completions`]) {
    const reply = await send(head(target), '{"model": "chat", ');
    t.equal(reply.status, 408, `${target}: 408`);
    t.equal(reply.headers['connection'], 'close', `${target}: closed`);
    t.strictSame(reply.body, TIMEOUT, `${target}: envelope`);
  }
  t.equal(engine.requests.filter((request) => request.method === 'POST').length, 0, 'nothing reached the engine');
  // A request answered before its body arrived (here a 404) gets that one answer; then the connection closes.
  const { socket, reply } = open();
  socket.write(head('/v1/nothing'));
  socket.write('{"model": "chat", ');
  const raw = await reply;
  t.equal(raw.match(/HTTP\/1\.1 /g)?.length, 1, 'one response');
  t.strictSame(parse(raw).body, envelope('Invalid URL (POST /v1/nothing).', 'not_found'));
});

t.test('a request head over maxHeaderBytes: 431 in the envelope', async (t) => {
  const reply = await send(`GET /v1/models HTTP/1.1\r\nhost: 127.0.0.1\r\nx-padding: ${'a'.repeat(4096)}\r\n\r\n`);
  t.equal(reply.status, 431);
  t.strictSame(reply.body, envelope('The request headers are larger than the limit of 2048 bytes.', 'headers_too_large'));
  // No request was read, so no access line: a line of its own says what was refused.
  t.match(test.logs.filter((line) => line['msg'] === 'refused a request it could not read').at(-1), { status: 431, errorKind: 'headers_too_large', origin: 'caller' });
});

t.test('a request that is not HTTP: 400 in the envelope', async (t) => {
  const reply = await send('HELLO THERE\r\n\r\n');
  t.equal(reply.status, 400);
  t.strictSame(reply.body, envelope('The request is not valid HTTP/1.1.', 'bad_request'));
});

t.test('connections beyond maxConnections are closed as they arrive; the ones in place are served', async (t) => {
  const limited = await start({ maxConnections: 2 });
  const limitedPort = Number(new URL(limited.url).port);
  // Two kept-alive connections, each answered once, so the router has surely accepted both.
  const held = [open(limitedPort), open(limitedPort)];
  for (const { socket } of held) {
    socket.write('GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
  }
  const third = open(limitedPort);
  third.socket.write('GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
  t.equal(await third.reply, '', 'the third connection is closed without an answer');
  t.match(await limited.scrape(), /^switchyard_errors_total\{kind="too_many_connections",origin="router"\} 1$/m, 'and counted');
  // A held connection still works.
  held[0]!.socket.write('GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
  t.match(await new Promise<string>((resolve) => held[0]!.socket.once('data', resolve)), /^HTTP\/1\.1 200 /);
  // Once one leaves, a new connection is served again.
  held[1]!.socket.end();
  await held[1]!.reply;
  const served = await waitFor('a free connection slot', async () => {
    const next = open(limitedPort);
    next.socket.write('GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n');
    const raw = await next.reply;
    return raw === '' ? null : raw;
  });
  t.match(served, /^HTTP\/1\.1 200 /);
  held[0]!.socket.destroy();
});
