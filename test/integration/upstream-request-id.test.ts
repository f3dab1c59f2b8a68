// The id the router sends upstream is its own, one per attempt: vLLM makes the X-Request-Id header its
// engine request id and refuses a second request under an id that is still running. The fake engine
// below does what vLLM does with it:
//   vllm/entrypoints/openai/serving_engine.py  _base_request_id: the X-Request-Id header when present
//   vllm/entrypoints/openai/serving_chat.py    request_id = f"chatcmpl-{self._base_request_id(raw_request)}";
//                                              a ValueError while generating → create_error_response(str(e))
//   vllm/v1/engine/output_processor.py         add_request: `raise ValueError(f"Request id {request_id} already running.")`
// and the 400 body is vLLM's ErrorResponse of that era: {"object": "error", "message", "type": "BadRequestError", "param", "code": 400}.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import t, { type Test } from 'tap';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { onePoolConfig } from '../fixtures/one-pool-config.js';
import { listenOnLoopback } from '../fixtures/loopback-server.js';

interface VllmLike {
  readonly url: string;
  /** The X-Request-Id of every request received, in order. */
  readonly ids: string[];
  /** Answer the next requests with a 503 instead. */
  failNext: number;
}

/**
 * Holds each accepted request until `together` requests have arrived (so they are in flight at the
 * same time, whatever the timing), then answers them all.
 */
async function vllmLike(t: Test, together: number): Promise<VllmLike> {
  const running = new Set<string>();
  const held: (() => void)[] = [];
  const state = { url: '', ids: [] as string[], failNext: 0 };
  const server = createServer((req, res) => {
    req.resume();
    const header = req.headers['x-request-id'];
    state.ids.push(typeof header === 'string' ? header : '');
    const requestId = `chatcmpl-${typeof header === 'string' ? header : randomUUID()}`;
    if (state.failNext > 0) {
      state.failNext--;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'error', message: 'Service Unavailable', type: 'ServiceUnavailableError', param: null, code: 503 }));
      return;
    }
    if (running.has(requestId)) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'error', message: `Request id ${requestId} already running.`, type: 'BadRequestError', param: null, code: 400 }));
    } else {
      running.add(requestId);
      held.push(() => {
        running.delete(requestId);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(completion(requestId)));
      });
    }
    if (state.ids.length >= together) for (const answer of held.splice(0)) answer();
  });
  state.url = await listenOnLoopback(t, server);
  return state;
}

function completion(id: string) {
  return {
    id,
    object: 'chat.completion',
    created: 1700000000,
    model: 'served-gpu',
    choices: [{ index: 0, message: { role: 'assistant', content: 'done' }, logprobs: null, finish_reason: 'stop', stop_reason: null }],
    usage: { prompt_tokens: 5, total_tokens: 6, completion_tokens: 1 },
  };
}

async function router(t: Test, urls: readonly string[]): Promise<TestRouter> {
  const test = await startTestRouter(onePoolConfig(urls));
  t.teardown(() => test.close());
  return test;
}

async function chat(test: TestRouter, requestId: string) {
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({ model: 'gpu', messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.status, requestId: res.headers.get('x-request-id'), body: await res.json() };
}

const SANE_UPSTREAM_ID = /^[\w.:-]{1,200}$/;

t.test('two concurrent requests with the same x-request-id both succeed against vLLM', async (t) => {
  const engine = await vllmLike(t, 2);
  const test = await router(t, [engine.url]);
  const [a, b] = await Promise.all([chat(test, 'trace-7'), chat(test, 'trace-7')]);
  t.strictSame([a.status, b.status], [200, 200]);
  t.strictSame([a.requestId, b.requestId], ['trace-7', 'trace-7'], "the caller's id comes back as it was given");
  t.equal(engine.ids.length, 2);
  t.not(engine.ids[0], engine.ids[1], 'the engine saw two ids');
  for (const id of engine.ids) {
    t.match(id, SANE_UPSTREAM_ID);
    t.ok(id.startsWith('trace-7'), `${id} carries the caller's id, for correlation`);
  }
  const lines = test.requestLogs();
  t.strictSame(
    lines.map((line) => line['requestId']),
    ['trace-7', 'trace-7'],
    "the access log keeps the caller's id",
  );
  const logged = lines.flatMap((line) => (line['attempts'] as { upstreamId: string }[]).map((attempt) => attempt.upstreamId));
  t.strictSame([...logged].sort(), [...engine.ids].sort(), 'each attempt logs the id the engine saw');
});

t.test('a retried request sends a different id on each attempt', async (t) => {
  const [first, second] = [await vllmLike(t, 1), await vllmLike(t, 1)];
  first.failNext = 1;
  const test = await router(t, [first.url, second.url]);
  const answer = await chat(test, 'trace-8');
  t.equal(answer.status, 200);
  t.equal(answer.requestId, 'trace-8');
  t.equal(first.ids.length, 1);
  t.equal(second.ids.length, 1);
  t.not(first.ids[0], second.ids[0]);
  t.ok(first.ids[0]?.startsWith('trace-8') && second.ids[0]?.startsWith('trace-8'));
  t.match(test.requestLogs().at(-1), {
    requestId: 'trace-8',
    attempts: [
      { replica: 'gpu-r0', outcome: 'upstream_error', upstreamId: first.ids[0] },
      { replica: 'gpu-r1', outcome: 'ok', upstreamId: second.ids[0] },
    ],
  });
});

t.test('without a caller id the router makes one, and still one per attempt upstream', async (t) => {
  const engine = await vllmLike(t, 1);
  const test = await router(t, [engine.url]);
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpu', messages: [{ role: 'user', content: 'hi' }] }),
  });
  t.equal(res.status, 200);
  const given = res.headers.get('x-request-id') ?? '';
  t.match(engine.ids[0], SANE_UPSTREAM_ID);
  t.ok(engine.ids[0]?.startsWith(given));
  t.not(engine.ids[0], given);
});
