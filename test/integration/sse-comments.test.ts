// An SSE comment is not content. TGI streams through axum with `Sse::new(..).keep_alive(KeepAlive::default())`
// (huggingface/text-generation-inference router/src/server.rs), and axum's default keep-alive is an
// empty comment, `:\n\n`, sent whenever the stream has been quiet for 15 s (tokio-rs/axum
// axum/src/response/sse.rs, KeepAlive::new). Other servers send `: keep-alive` or `: ping`. Such a
// comment before the first token must not commit the stream, nor count as its first token; after
// commit it is passed on (SSE clients, the openai SDKs included, skip comment lines).
import { createServer, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { onePoolConfig } from '../fixtures/one-pool-config.js';
import { listenOnLoopback } from '../fixtures/loopback-server.js';

type Script = (res: ServerResponse) => Promise<void>;

interface ScriptedEngine {
  readonly url: string;
  received: number;
}

/** An engine that answers every request with the same script of raw bytes. */
async function engine(t: Test, script: Script): Promise<ScriptedEngine> {
  const state = { url: '', received: 0 };
  const server = createServer((req, res) => {
    state.received++;
    req.resume();
    void script(res).catch(() => res.destroy());
  });
  state.url = await listenOnLoopback(t, server);
  return state;
}

/** The response head axum's Sse sends (router/src/server.rs answers streams with it). */
function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

function write(res: ServerResponse, text: string): Promise<void> {
  return new Promise((resolve) => res.write(text, () => resolve()));
}

/** A chat chunk as vLLM writes it (`data: {json}\n\n`, vllm/entrypoints/openai/serving_chat.py). */
function chunk(delta: object, finish: string | null = null): string {
  const body = {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: 'served-gpu',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** A healthy vLLM stream with a comment between its tokens. */
const healthy: Script = async (res) => {
  startSse(res);
  await write(res, chunk({ role: 'assistant', content: '' }));
  await write(res, chunk({ content: 'kept' }));
  await write(res, ': keep-alive\n\n');
  await write(res, chunk({ content: ' answer' }));
  await write(res, chunk({}, 'stop'));
  res.end('data: [DONE]\n\n');
};

function config(urls: readonly string[]) {
  return onePoolConfig(urls, {
    pool: { engine: 'tgi', firstTokenTimeoutMs: 150, idleTimeoutMs: 1_000 },
    server: { requestTimeoutMs: 3_000 },
  });
}

async function router(t: Test, urls: readonly string[]): Promise<TestRouter> {
  const test = await startTestRouter(config(urls));
  t.teardown(() => test.close());
  return test;
}

async function stream(test: TestRouter): Promise<{ status: number; text: string }> {
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpu', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.status, text: await res.text() };
}

const lastAttempts = (test: TestRouter) => test.requestLogs().at(-1)?.['attempts'];

t.test("axum's keep-alive, then the replica dies before its first token: retried elsewhere", async (t) => {
  const dying = await engine(t, async (res) => {
    startSse(res);
    await write(res, ':\n\n');
    res.socket?.destroy();
  });
  const spare = await engine(t, healthy);
  const test = await router(t, [dying.url, spare.url]);
  const { status, text } = await stream(test);
  t.equal(status, 200);
  t.notMatch(text, /error/);
  t.match(text, /"content":"kept"/);
  t.ok(text.endsWith('data: [DONE]\n\n'));
  t.match(lastAttempts(test), [
    { replica: 'gpu-r0', outcome: 'upstream_unreachable' },
    { replica: 'gpu-r1', outcome: 'ok' },
  ]);
});

t.test('keep-alives alone are no first token: the first-token timeout still fires, and the stream is retried', async (t) => {
  const thinking = await engine(t, async (res) => {
    startSse(res);
    for (let i = 0; i < 100 && !res.destroyed; i++) {
      await write(res, ': keep-alive\n\n');
      await sleep(20);
    }
    res.end();
  });
  const spare = await engine(t, healthy);
  const test = await router(t, [thinking.url, spare.url]);
  const { status, text } = await stream(test);
  t.equal(status, 200);
  t.notMatch(text, /error/);
  t.match(text, /"content":"kept"/);
  t.match(lastAttempts(test), [
    { replica: 'gpu-r0', outcome: 'upstream_timeout' },
    { replica: 'gpu-r1', outcome: 'ok' },
  ]);
});

t.test('with the official SDK: comments after commit are passed on and skipped by the client', async (t) => {
  const spare = await engine(t, healthy);
  const test = await router(t, [spare.url]);
  const raw = await stream(test);
  t.match(raw.text, /\n\n: keep-alive\n\ndata: /, 'passed on where the engine sent it');
  const words: string[] = [];
  for await (const event of await test.client.chat.completions.create({ model: 'gpu', stream: true, messages: [{ role: 'user', content: 'hi' }] })) {
    words.push(event.choices[0]?.delta.content ?? '');
  }
  t.strictSame(words.join(''), 'kept answer');
});
