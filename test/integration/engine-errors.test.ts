// Engines' own errors keep their meaning through the router: whose fault (the caller's 400, a busy
// replica, a failed one), whether another replica is tried, whether the replica is counted toward
// ejection, and what an OpenAI SDK raises. The fake engines replay the engines' exact wire bytes:
//
// TGI (huggingface/text-generation-inference):
//   router/src/infer/mod.rs     InferError's messages and error_type(); into_openai_event() (since
//                               v2.4.1) sends {"error":{"message","http_status_code":422}} for every
//                               kind of error inside a chat or completions stream
//   router/src/server.rs        From<InferError> for (StatusCode, Json<ErrorResponse>): generation 424,
//                               overloaded 429, validation 422; From<InferError> for Event (legacy
//                               streams, and /generate_stream); chat_completions sends data:[DONE]
//                               after an error event
//   router/src/lib.rs           ErrorResponse {error, error_type}; ChatCompletionChunk in the
//                               CompletionType enum tagged by "object"
//   router/src/validation.rs    ValidationError messages (`inputs` tokens + `max_new_tokens` ...)
//   axum/src/response/sse.rs    (tokio-rs/axum, which TGI serves with) Event::json_data writes
//                               `data:` with no space; Event::data("[DONE]") writes `data:[DONE]`
// vLLM (vllm-project/vllm):
//   vllm/entrypoints/openai/engine/serving.py  create_error_response (ErrorInfo with the HTTP status
//                               as `code`), create_streaming_error_response (json.dumps: `": "`),
//                               _validate_input's context-length messages
//   vllm/exceptions.py          VLLMValidationError.__str__ appends "(parameter=…, value=…)"
//   vllm/entrypoints/openai/serving_engine.py  (v0.5) {"object":"error",…} and the older
//                               "you requested N tokens (… in the messages, … in the completion)"
//   vllm/entrypoints/openai/chat_completion/serving.py  `data: {error}` then `data: [DONE]`
// OpenAI: openai/openai-openapi `Error` {message, type, param, code}; openai/openai-node
//   src/core/streaming.ts raises APIError for a `data: {"error": …}` event; src/core/error.ts maps
//   400 to BadRequestError and 422 to UnprocessableEntityError.
import OpenAI from 'openai';
import t, { type Test } from 'tap';
import { startFakeEngine, type Behaviour } from '../fixtures/fake-engine.js';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN } from '../fixtures/wait.js';

const engines = await Promise.all([startFakeEngine(), startFakeEngine()]);
const [e0, e1] = engines;
t.teardown(() => Promise.all(engines.map((engine) => engine.close())));
t.beforeEach(() => {
  for (const engine of engines) {
    engine.requests.length = 0;
    engine.respond = null;
  }
});

/** Every replica answers every request with `behaviour` (whichever the balancer picks). */
function allAnswer(behaviour: Behaviour): void {
  for (const engine of engines) engine.respond = () => behaviour;
}

const EJECT_AFTER = 3;

async function router(engine: 'tgi' | 'vllm', tt: Test): Promise<TestRouter> {
  const test = await startTestRouter(
    {
      logging: { level: 'info' },
      retry: { backoffBaseMs: 1, backoffMaxMs: 2 },
      models: { gpu: { tiers: ['gpu'] } },
      tiers: { gpu: { pools: ['gpu'] } },
      pools: {
        gpu: {
          engine,
          servedModel: 'meta-llama/Llama-3.1-8B-Instruct',
          balance: 'round-robin',
          healthCheck: { intervalMs: 0 },
          engineMetrics: { intervalMs: 0 },
          outlier: { consecutiveFailures: EJECT_AFTER },
          replicas: [
            { name: 'gpu-r0', url: e0.url },
            { name: 'gpu-r1', url: e1.url },
          ],
        },
      },
    },
    { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN },
  );
  tt.teardown(() => test.close());
  return test;
}

interface ReplicaState {
  name: string;
  ejected: boolean;
  ejections: number;
  consecutiveFailures: number;
}

async function replicas(test: TestRouter): Promise<Record<string, ReplicaState>> {
  const res = await fetch(`${test.url}/admin/pools`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const body = (await res.json()) as { pools: { replicas: ReplicaState[] }[] };
  return Object.fromEntries(body.pools.flatMap((pool) => pool.replicas).map((r) => [r.name, r]));
}

const lastAttempts = (test: TestRouter) => test.requestLogs().at(-1)?.['attempts'] as { replica: string; outcome: string; status: number | null }[];

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return null;
}

const user = [{ role: 'user' as const, content: 'hi' }];

async function rawChat(test: TestRouter, extra: Record<string, unknown> = {}) {
  const res = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpu', messages: user, ...extra }),
  });
  return { res, text: await res.text() };
}

// ---- TGI's bytes ----

/** A TGI chat chunk as axum writes it: `data:` and no space. */
function tgiChunk(content: string, finish: string | null = null): string {
  return (
    'data:{"object":"chat.completion.chunk","id":"","created":1732000000,"model":"meta-llama/Llama-3.1-8B-Instruct",' +
    '"system_fingerprint":"3.3.7-native","choices":[{"index":0,"delta":{"role":"assistant","content":' +
    `${JSON.stringify(content)}},"logprobs":null,"finish_reason":${JSON.stringify(finish)}}],"usage":null}\n\n`
  );
}
const TGI_DONE = 'data:[DONE]\n\n';
/** TGI ≥ 2.4.1: every stream error is `{"error":{"message","http_status_code":422}}`, then [DONE]. */
const tgiStreamError = (message: string): string => `data:${JSON.stringify({ error: { message, http_status_code: 422 } })}\n\n`;
/** TGI before 2.4.1 (and /generate_stream today): ErrorResponse with its error_type. */
const tgiLegacyStreamError = (message: string, errorType: string): string => `data:${JSON.stringify({ error: message, error_type: errorType })}\n\n`;

const VALIDATION = 'Input validation error: `temperature` must be strictly positive';
const OVERLOADED = 'Model is overloaded';
const GENERATION = 'Request failed during generation: CUDA out of memory. Tried to allocate 2.00 GiB';

const tgiStream = (...chunks: string[]): Behaviour => ({ kind: 'raw', chunks });

t.test('TGI: a whole stream written `data:` without a space ends cleanly at data:[DONE]', async (t) => {
  const test = await router('tgi', t);
  e0.reply(tgiStream(tgiChunk('Hello'), tgiChunk(' there'), tgiChunk('', 'stop'), TGI_DONE));
  const stream = await test.client.chat.completions.create({ model: 'gpu', messages: user, stream: true });
  const seen: string[] = [];
  for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
  t.same(seen, ['Hello', ' there', '']);
  t.equal(test.requestLogs().at(-1)?.['outcome'], 'ok');
});

t.test("TGI: a validation error inside a 200 stream is the caller's 400; not retried, never ejects", async (t) => {
  const test = await router('tgi', t);
  const shapes: [string, Behaviour][] = [
    ['TGI >= 2.4.1', tgiStream(tgiStreamError(VALIDATION), TGI_DONE)],
    ['TGI < 2.4.1', tgiStream(tgiLegacyStreamError(VALIDATION, 'validation'))],
  ];
  for (const [name, behaviour] of shapes) {
    // Twice the ejection threshold, spread over both replicas.
    for (let i = 0; i < 2 * EJECT_AFTER; i++) {
      allAnswer(behaviour);
      const error = await caught(test.client.chat.completions.create({ model: 'gpu', messages: user, stream: true }));
      t.ok(error instanceof OpenAI.BadRequestError, `${name}: BadRequestError`);
      t.match(error, { status: 400, type: 'invalid_request_error', message: VALIDATION }, `${name}: status and message`);
      t.equal(lastAttempts(test).length, 1, `${name}: not retried`);
    }
  }
  t.equal(e0.requests.length + e1.requests.length, 4 * EJECT_AFTER, 'one engine request per client request');
  const state = await replicas(test);
  for (const name of ['gpu-r0', 'gpu-r1']) {
    t.match(state[name], { ejected: false, ejections: 0, consecutiveFailures: 0 }, `${name} is not held responsible`);
  }
  for (const engine of engines) engine.respond = null;
  for (let i = 0; i < 2; i++) {
    const { res } = await rawChat(test, { stream: true });
    t.equal(res.status, 200, 'both replicas still serve');
  }
});

t.test('TGI: "Model is overloaded" inside a stream is retried on another replica and is not a failure', async (t) => {
  for (const behaviour of [tgiStream(tgiStreamError(OVERLOADED), TGI_DONE), tgiStream(tgiLegacyStreamError(OVERLOADED, 'overloaded'))]) {
    // A router each: round-robin's first pick of a fresh pool is gpu-r0 (a retry does not move the turn).
    const test = await router('tgi', t);
    e0.reply(behaviour);
    e1.reply(tgiStream(tgiChunk('fine'), tgiChunk('', 'stop'), TGI_DONE));
    const { res, text } = await rawChat(test, { stream: true });
    t.equal(res.status, 200);
    t.equal(res.headers.get('x-switchyard-replica'), 'gpu-r1');
    t.match(text, /"content":"fine"/);
    t.notMatch(text, /overloaded|"error"/);
    t.match(lastAttempts(test), [
      { replica: 'gpu-r0', outcome: 'upstream_overloaded' },
      { replica: 'gpu-r1', outcome: 'ok' },
    ]);
    t.match((await replicas(test))['gpu-r0'], { consecutiveFailures: 0, ejected: false }, 'load is not failure');
  }
});

t.test('TGI: a generation error inside a stream before any content is retried and counted', async (t) => {
  const test = await router('tgi', t);
  e0.reply(tgiStream(tgiStreamError(GENERATION), TGI_DONE));
  e1.reply(tgiStream(tgiChunk('fine'), tgiChunk('', 'stop'), TGI_DONE));
  const { res, text } = await rawChat(test, { stream: true });
  t.equal(res.status, 200);
  t.match(text, /"content":"fine"/);
  t.match(lastAttempts(test), [
    { replica: 'gpu-r0', outcome: 'upstream_error' },
    { replica: 'gpu-r1', outcome: 'ok' },
  ]);
  t.match((await replicas(test))['gpu-r0'], { consecutiveFailures: 1 }, 'counted toward ejection');

  // Every replica fails: a 502, no SDK retry, and the engine's internals stay in the log.
  e0.reply(tgiStream(tgiLegacyStreamError(GENERATION, 'generation')));
  e1.reply(tgiStream(tgiStreamError(GENERATION), TGI_DONE));
  const failed = await rawChat(test, { stream: true });
  t.equal(failed.res.status, 502);
  t.equal(failed.res.headers.get('x-should-retry'), 'false');
  t.match(JSON.parse(failed.text), { error: { type: 'server_error', code: 'upstream_error' } });
  t.notMatch(failed.text, /CUDA/);
});

t.test('TGI: an error after the first token is one OpenAI error event, no [DONE], and the SDK raises', async (t) => {
  const test = await router('tgi', t);
  e0.reply(tgiStream(tgiChunk('Hello'), tgiChunk(' wor'), tgiStreamError(GENERATION), TGI_DONE));
  const { res, text } = await rawChat(test, { stream: true });
  t.equal(res.status, 200);
  const events = text.split('\n\n').filter(Boolean);
  t.notMatch(text, /\[DONE\]/, 'no [DONE] after a failure');
  t.equal(events.filter((event) => event.includes('"error"')).length, 1, 'one error event');
  t.same(JSON.parse(events.at(-1)?.replace(/^data: ?/, '') ?? ''), {
    error: { message: 'Replica gpu-r0 failed mid-stream (generation error).', type: 'server_error', param: null, code: 'stream_interrupted' },
  });
  t.equal(e1.requests.length, 0, 'not retried after commit');
  t.match((await replicas(test))['gpu-r0'], { consecutiveFailures: 1 }, 'counted');

  e1.reply(tgiStream(tgiChunk('Hello'), tgiLegacyStreamError(GENERATION, 'generation')));
  const stream = await test.client.chat.completions.create({ model: 'gpu', messages: user, stream: true });
  const seen: string[] = [];
  const error = await caught(
    (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    })(),
  );
  t.ok(error instanceof OpenAI.APIError, 'the SDK raises');
  t.match(error, { code: 'stream_interrupted', type: 'server_error' });
  t.same(seen, ['Hello']);
});

t.test('TGI 424 (generation failure): retried elsewhere, counted; a 502 when every replica fails', async (t) => {
  const test = await router('tgi', t);
  const oom: Behaviour = { kind: 'json', status: 424, body: { error: GENERATION, error_type: 'generation' } };
  e0.reply(oom);
  const { res } = await rawChat(test);
  t.equal(res.status, 200);
  t.match(lastAttempts(test), [
    { replica: 'gpu-r0', outcome: 'upstream_error', status: 424 },
    { replica: 'gpu-r1', outcome: 'ok' },
  ]);
  t.match((await replicas(test))['gpu-r0'], { consecutiveFailures: 1 });

  e0.reply(oom);
  e1.reply(oom);
  const error = await caught(test.client.chat.completions.create({ model: 'gpu', messages: user }));
  t.ok(error instanceof OpenAI.InternalServerError, 'a 5xx: InternalServerError');
  t.match(error, { status: 502, code: 'upstream_error', type: 'server_error' });
  t.notMatch(String((error as Error).message), /CUDA/, 'internals stay in the log');
  // ... and in the log they are: the request's error and each failed attempt carry what the engine said.
  const line = test.requestLogs().at(-1)!;
  t.match(line, { errorKind: 'upstream_error', engineError: /CUDA/ });
  t.match(line['attempts'], [
    { outcome: 'upstream_error', engineError: /CUDA/ },
    { outcome: 'upstream_error', engineError: /CUDA/ },
  ]);
});

t.test('TGI 422: BadRequestError; context-length validation is context_length_exceeded', async (t) => {
  const test = await router('tgi', t);
  e0.reply({ kind: 'json', status: 422, body: { error: VALIDATION, error_type: 'validation' } });
  const invalid = await caught(test.client.chat.completions.create({ model: 'gpu', messages: user, temperature: 0 }));
  t.ok(invalid instanceof OpenAI.BadRequestError);
  t.match(invalid, { status: 400, type: 'invalid_request_error', message: VALIDATION });
  t.equal(lastAttempts(test).length, 1, 'not retried');

  const tooLong = 'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 200 `max_new_tokens`';
  e1.reply({ kind: 'json', status: 422, body: { error: tooLong, error_type: 'validation' } });
  const long = await caught(test.client.chat.completions.create({ model: 'gpu', messages: user, max_tokens: 200 }));
  t.ok(long instanceof OpenAI.BadRequestError);
  t.match(long, { status: 400, code: 'context_length_exceeded', param: 'messages', message: tooLong });
});

// ---- vLLM's bytes ----

const CURRENT_CONTEXT =
  "This model's maximum context length is 4096 tokens. However, your request has 5000 input tokens. " +
  'Please reduce the length of the input messages. (parameter=input_tokens, value=5000)';
const CURRENT_MAX_TOKENS =
  "'max_tokens' or 'max_completion_tokens' is too large: 1000. This model's maximum context length is 4096 tokens " +
  'and your request has 3500 input tokens (1000 > 4096 - 3500). (parameter=max_tokens, value=1000)';
const LEGACY_CONTEXT =
  "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, " +
  '1000 in the completion). Please reduce the length of the messages or completion.';

t.test('vLLM context-length errors: 400 context_length_exceeded with param messages (chat) or prompt (completions)', async (t) => {
  const test = await router('vllm', t);
  const cases: [string, Behaviour][] = [
    ['current', { kind: 'json', status: 400, body: { error: { message: CURRENT_CONTEXT, type: 'BadRequestError', param: 'input_tokens', code: 400 } } }],
    ['current, max_tokens', { kind: 'json', status: 400, body: { error: { message: CURRENT_MAX_TOKENS, type: 'BadRequestError', param: 'max_tokens', code: 400 } } }],
    ['legacy', { kind: 'json', status: 400, body: { object: 'error', message: LEGACY_CONTEXT, type: 'BadRequestError', param: null, code: 400 } }],
  ];
  for (const [name, behaviour] of cases) {
    const message = name === 'legacy' ? LEGACY_CONTEXT : name === 'current' ? CURRENT_CONTEXT : CURRENT_MAX_TOKENS;
    allAnswer(behaviour);
    const chat = await caught(test.client.chat.completions.create({ model: 'gpu', messages: user, max_tokens: 1000 }));
    t.ok(chat instanceof OpenAI.BadRequestError, `${name}: chat BadRequestError`);
    t.match(chat, { status: 400, type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages', message }, `${name}: chat`);
    const completion = await caught(test.client.completions.create({ model: 'gpu', prompt: 'x', max_tokens: 1000 }));
    t.ok(completion instanceof OpenAI.BadRequestError, `${name}: completions BadRequestError`);
    t.match(completion, { status: 400, code: 'context_length_exceeded', param: 'prompt', message }, `${name}: completions`);
  }
  t.equal(e0.requests.length + e1.requests.length, 6, 'never retried');
  t.match(await replicas(test), { 'gpu-r0': { consecutiveFailures: 0 }, 'gpu-r1': { consecutiveFailures: 0 } });

  // The same error sent as the first event of a stream (vLLM's streaming error, json.dumps spacing).
  const spaced = `data: ${JSON.stringify({ error: { message: CURRENT_CONTEXT, type: 'BadRequestError', param: 'input_tokens', code: 400 } })
    .replaceAll('":', '": ')
    .replaceAll(',"', ', "')}\n\n`;
  allAnswer({ kind: 'raw', chunks: [spaced, 'data: [DONE]\n\n'] });
  const streamed = await caught(test.client.chat.completions.create({ model: 'gpu', messages: user, stream: true }));
  t.ok(streamed instanceof OpenAI.BadRequestError, 'stream: BadRequestError before commit');
  t.match(streamed, { status: 400, code: 'context_length_exceeded', param: 'messages' });
  t.equal(lastAttempts(test).length, 1, 'not retried');
});

t.test('vLLM: an error event after the first token ends the stream with one error event, no [DONE]', async (t) => {
  const test = await router('vllm', t);
  const chunk = (content: string) =>
    `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732000000,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}]}\n\n`;
  e0.reply({
    kind: 'raw',
    chunks: [chunk('Hi'), 'data: {"error": {"message": "Internal server error", "type": "InternalServerError", "param": null, "code": 500}}\n\n', 'data: [DONE]\n\n'],
  });
  const { text } = await rawChat(test, { stream: true });
  const events = text.split('\n\n').filter(Boolean);
  t.notMatch(text, /\[DONE\]/);
  t.equal(events.length, 2, 'the content, then one error event');
  t.same(JSON.parse(events[1]?.slice('data: '.length) ?? ''), {
    error: { message: 'Replica gpu-r0 failed mid-stream (HTTP 500).', type: 'server_error', param: null, code: 'stream_interrupted' },
  });
  t.match((await replicas(test))['gpu-r0'], { consecutiveFailures: 1 });
});

t.test('an error event after the first token is one however it is spelt: a space inside the brace, an event line first', async (t) => {
  const test = await router('vllm', t);
  const chunk = `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732000000,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}\n\n`;
  for (const error of [
    'data: { "error": {"message": "internal: /srv/engine.py line 12", "code": 500}}\n\n',
    'event: error\ndata: {"error":{"message":"internal: /srv/engine.py line 12","code":500}}\n\n',
    'data: {\n "object": "error", "message": "internal: /srv/engine.py line 12", "code": 500}\n\n'.replace('\n "object"', ' "object"'),
  ]) {
    allAnswer({ kind: 'raw', chunks: [chunk, error, 'data: [DONE]\n\n'] });
    const { text } = await rawChat(test, { stream: true });
    const events = text.split('\n\n').filter(Boolean);
    t.notMatch(text, /\[DONE\]|engine\.py/, `${JSON.stringify(error)}: no [DONE], no engine text`);
    t.equal(events.length, 2, 'the content, then one error event');
    t.match(JSON.parse(events[1]?.slice('data: '.length) ?? '{}'), { error: { code: 'stream_interrupted' } });
  }
});

t.test('an error event before the first token is a failure before commit however it is spelt: retried elsewhere', async (t) => {
  const test = await router('vllm', t);
  const opening = `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732000000,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`;
  const fine = `data: {"id":"chatcmpl-2","object":"chat.completion.chunk","created":1732000000,"model":"m","choices":[{"index":0,"delta":{"content":"fine"},"logprobs":null,"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`;
  // The event line says it: the data need not be an {"error": …} object (an SSE server's own error shape).
  for (const error of ['event: error\ndata: {"message":"overloaded","code":503}\n\n', 'event: error\ndata: {"error":{"message":"internal","code":500}}\n\n']) {
    e0.reply({ kind: 'raw', chunks: [opening, error] });
    e1.reply({ kind: 'raw', chunks: [fine] });
    const { res, text } = await rawChat(test, { stream: true });
    t.equal(res.status, 200, JSON.stringify(error));
    t.match(text, /"content":"fine"/, 'the next replica answered');
    t.notMatch(text, /overloaded|internal/, "the failed replica's events never reached the client");
  }
});

t.test('a stream sent to a request that asked for none is no answer: tried elsewhere, then a 502, never relayed as JSON', async (t) => {
  const test = await router('vllm', t);
  const chunk = `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732000000,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}\n\n`;
  allAnswer({ kind: 'raw', contentType: 'text/event-stream', chunks: [chunk, 'data: [DONE]\n\n'] });
  const { res, text } = await rawChat(test);
  t.equal(res.status, 502);
  t.match(JSON.parse(text), { error: { code: 'upstream_error' } });
  t.equal(res.headers.get('x-switchyard-cost-usd'), null);
  t.equal(e0.requests.length + e1.requests.length, 2, 'both replicas were tried');
});

// ---- the simulator, which speaks these bytes itself (src/sim/errors.ts) ----

t.test('a simulated TGI pool: its in-stream failure is retried and counted, its in-stream context error is a 400', async (t) => {
  const test = await startTestRouter(
    {
      logging: { level: 'info' },
      retry: { backoffBaseMs: 1, backoffMaxMs: 2 },
      models: { tgi: { tiers: ['tgi'] } },
      tiers: { tgi: { pools: ['tgi'] } },
      pools: {
        tgi: {
          engine: 'sim',
          servedModel: 'sim-tgi',
          balance: 'round-robin',
          engineMetrics: { intervalMs: 0 },
          sim: { flavour: 'tgi', ttftMs: 0, tokensPerSecond: 0, maxModelLen: 64 },
          replicas: [{ name: 'failing', sim: { faults: { errorRate: 1 } } }, { name: 'fine' }],
        },
      },
    },
    { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN },
  );
  t.teardown(() => test.close());
  const stream = await test.client.chat.completions.create({ model: 'tgi', messages: user, stream: true, max_tokens: 3 });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  t.ok(text.length > 0, 'served by the other replica');
  t.match(lastAttempts(test), [
    { replica: 'failing', outcome: 'upstream_error' },
    { replica: 'fine', outcome: 'ok' },
  ]);
  t.match((await replicas(test))['failing'], { consecutiveFailures: 1 }, 'counted');

  const tooLong = await caught(test.client.chat.completions.create({ model: 'tgi', messages: user, stream: true, max_tokens: 100 }));
  t.ok(tooLong instanceof OpenAI.BadRequestError, 'BadRequestError');
  t.match(tooLong, { status: 400, code: 'context_length_exceeded', param: 'messages', message: /Input validation error: `inputs` tokens \+ `max_new_tokens` must be <= 64/ });
  t.equal(lastAttempts(test).length, 1, 'not retried');
});
