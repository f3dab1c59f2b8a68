// Long generations and the timeouts around them. A non-streaming answer takes as long as its
// generation before its first byte: vLLM's vllm/entrypoints/openai/api_server.py
// (create_chat_completion) returns `JSONResponse(content=generator.model_dump())` only once
// OpenAIServingChat.create_chat_completion has returned, and for a non-streaming request that is
// chat_completion_full_generator (vllm/entrypoints/openai/serving_chat.py), which first consumes the
// engine's whole result generator (`async for res in result_generator`). The fake engine below does
// the same: nothing, not even the status line, until its "generation" ends.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { chatStreamEvents, startFakeEngine } from '../fixtures/fake-engine.js';
import { ADMIN_TOKEN, waitFor } from '../fixtures/wait.js';
import { onePoolConfig } from '../fixtures/one-pool-config.js';

interface SlowEngine {
  readonly url: string;
  /** Requests received, and how many the router hung up on before the answer. */
  received: number;
  abandoned: number;
  close(): Promise<void>;
}

/** Answers a chat completion `generationMs` after the request, all at once, as vLLM does. */
async function slowVllm(generationMs: number, content: string): Promise<SlowEngine> {
  const engine = { url: '', received: 0, abandoned: 0, close: async () => {} };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    engine.received++;
    req.resume();
    const timer = setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(completion(content)));
    }, generationMs);
    res.once('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) engine.abandoned++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  engine.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  engine.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return engine;
}

/** The body vLLM's ChatCompletionResponse serialises to (abridged to the fields clients read). */
function completion(content: string) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1700000000,
    model: 'served-gpu',
    choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop', stop_reason: null }],
    usage: { prompt_tokens: 5, total_tokens: 8, completion_tokens: 3 },
  };
}

/** One pool of round-robin vLLM replicas; one failure would eject a replica, were it counted. */
function config(urls: readonly string[], pool: Record<string, unknown>, server: Record<string, unknown> = {}) {
  return onePoolConfig(urls, { pool: { outlier: { consecutiveFailures: 1 }, ...pool }, server });
}

async function router(t: Test, cfg: unknown): Promise<TestRouter> {
  const test = await startTestRouter(cfg, { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
  t.teardown(() => test.close());
  return test;
}

async function engines(t: Test, ...specs: [number, string][]): Promise<SlowEngine[]> {
  const started = await Promise.all(specs.map(([ms, content]) => slowVllm(ms, content)));
  t.teardown(() => Promise.all(started.map((engine) => engine.close())));
  return started;
}

const lastAttempts = (test: TestRouter) => test.requestLogs().at(-1)?.['attempts'];

/** Each replica's failures as outlier detection counts them: [name, consecutive failures, ejections]. */
async function failures(test: TestRouter): Promise<[string, number, number][]> {
  const res = await fetch(`${test.url}/admin/pools`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const body = (await res.json()) as { pools: { replicas: { name: string; consecutiveFailures: number; ejections: number }[] }[] };
  return body.pools.flatMap((pool) => pool.replicas.map((r): [string, number, number] => [r.name, r.consecutiveFailures, r.ejections]));
}

t.test('a non-streaming generation slower than the stream first-token timeout succeeds, on one replica', async (t) => {
  // Long enough for undici's coarse headers timer (it ticks about every half second) to have fired.
  const [slow, spare] = await engines(t, [1_500, 'a long answer'], [0, 'spare']);
  const test = await router(t, config([slow!.url, spare!.url], { firstTokenTimeoutMs: 50, idleTimeoutMs: 50 }));
  const answer = await test.client.chat.completions.create({ model: 'gpu', messages: [{ role: 'user', content: 'write a lot' }] });
  t.equal(answer.choices[0]?.message.content, 'a long answer');
  t.equal(slow!.received, 1);
  t.equal(spare!.received, 0, 'never re-run elsewhere');
  t.match(lastAttempts(test), [{ replica: 'gpu-r0', outcome: 'ok', status: 200 }]);
  t.equal((lastAttempts(test) as unknown[]).length, 1);
  t.strictSame(await failures(test), [
    ['gpu-r0', 0, 0],
    ['gpu-r1', 0, 0],
  ]);
});

t.test('the non-streaming total timeout: a 504, no retry on another replica, no ejection', async (t) => {
  const [slow, spare] = await engines(t, [60_000, 'never'], [0, 'spare']);
  const test = await router(t, config([slow!.url, spare!.url], { firstTokenTimeoutMs: 50, idleTimeoutMs: 50, responseTimeoutMs: 150 }));
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpu', messages: [{ role: 'user', content: 'write a book' }] }),
  });
  t.equal(res.status, 504);
  t.equal(res.headers.get('x-should-retry'), 'false', 'the SDKs would only run the same long generation again');
  t.strictSame(await res.json(), {
    error: {
      message: "Replica gpu-r0 did not finish its answer within 150 ms (the pool's responseTimeoutMs).",
      type: 'server_error',
      param: null,
      code: 'upstream_timeout',
    },
  });
  t.equal(slow!.received, 1);
  await waitFor('the generation cancelled upstream', async () => slow!.abandoned === 1);
  t.equal(spare!.received, 0, 'not re-run on another replica');
  t.match(lastAttempts(test), [{ replica: 'gpu-r0', outcome: 'generation_timeout' }]);
  t.equal((lastAttempts(test) as unknown[]).length, 1);
  t.strictSame(await failures(test), [
    ['gpu-r0', 0, 0],
    ['gpu-r1', 0, 0],
  ]);
});

t.test('the request deadline is no replica failure: not retried, not counted, streaming and not', async (t) => {
  const [slow, spare] = await engines(t, [60_000, 'never'], [0, 'spare']);
  const streaming = await startFakeEngine();
  t.teardown(() => streaming.close());
  // The stream sends its role chunk and one token, then thinks for longer than the deadline.
  streaming.reply({ kind: 'stream', events: chatStreamEvents(['thinking']), stallAfter: 2 });
  const test = await router(t, config([slow!.url, streaming.url, spare!.url], { firstTokenTimeoutMs: 5_000, idleTimeoutMs: 5_000 }, { requestTimeoutMs: 300 }));
  const plain = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpu', messages: [{ role: 'user', content: 'write a book' }] }),
  });
  t.equal(plain.status, 504);
  t.match(await plain.json(), { error: { code: 'upstream_timeout', message: 'The request did not finish within 300 ms.' } });
  t.match(lastAttempts(test), [{ replica: 'gpu-r0', outcome: 'generation_timeout' }]);
  t.equal((lastAttempts(test) as unknown[]).length, 1);
  // Round-robin goes on to the streaming replica: committed, then cut by the deadline.
  const streamed = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpu', stream: true, messages: [{ role: 'user', content: 'write a book' }] }),
  });
  t.equal(streamed.status, 200);
  const text = await streamed.text();
  t.match(text, /"content":"thinking"/);
  t.match(text, /data: \{"error":\{"message":"The request did not finish within 300 ms\.","type":"server_error","param":null,"code":"upstream_timeout"\}\}\n\n$/);
  t.notMatch(text, /\[DONE\]/);
  t.match(lastAttempts(test), [{ replica: 'gpu-r1', outcome: 'generation_timeout' }]);
  t.equal(spare!.received, 0);
  t.strictSame(await failures(test), [
    ['gpu-r0', 0, 0],
    ['gpu-r1', 0, 0],
    ['gpu-r2', 0, 0],
  ]);
});
