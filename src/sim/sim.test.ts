// The simulated engine over real HTTP on 127.0.0.1:0, driven with fetch (and the openai SDK where
// SDK compatibility is the point). Most tests use zero-delay mode; pacing, abort and close use a slow
// server. No timing assertions: waits poll /metrics for a state change, bounded by a try count.

import OpenAI from 'openai';
import t from 'tap';
import { SIM_DEFAULTS } from '../config/defaults.js';
import { startSim, type SimServer, type SimServerOptions } from './server.js';

const MODEL = 'sim-test-model';
const INSTANT: SimServerOptions = {
  ...SIM_DEFAULTS,
  servedModel: MODEL,
  ttftMs: 0,
  tokensPerSecond: 0,
  defaultMaxTokens: 12,
  embeddingDimensions: 64,
};
/** Slow enough that a request is still running when the test acts on it. */
const SLOW: SimServerOptions = { ...INSTANT, ttftMs: 5, tokensPerSecond: 100 };

type Json = Record<string, unknown>;
/** The assertions the helpers use; any subtest provides them. */
type Asserts = Pick<typeof t, 'ok' | 'equal' | 'fail'>;

interface JsonReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Json;
}

async function post(sim: SimServer, path: string, body: unknown, init: RequestInit = {}): Promise<JsonReply> {
  const res = await fetch(sim.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
  const text = await res.text();
  const isJson = res.headers.get('content-type') === 'application/json';
  return { status: res.status, headers: res.headers, text, json: isJson ? (JSON.parse(text) as Json) : {} };
}

/** Parses an SSE body into its JSON events; asserts the wire framing and that [DONE] comes last. */
function parseEvents(t: Asserts, body: string): Json[] {
  t.ok(body.endsWith('data: [DONE]\n\n'), 'stream ends with [DONE]');
  const frames = body.split('\n\n').filter((frame) => frame !== '');
  t.equal(frames.filter((frame) => frame === 'data: [DONE]').length, 1, 'exactly one [DONE]');
  return frames.slice(0, -1).map((frame) => {
    t.ok(frame.startsWith('data: '), 'every event is a data line');
    return JSON.parse(frame.slice('data: '.length)) as Json;
  });
}

function choicesOf(value: Json): Json[] {
  return value['choices'] as Json[];
}

function choiceAt(value: Json, index = 0): Json {
  return choicesOf(value)[index] ?? {};
}

function contentOf(value: Json, index = 0): unknown {
  return (choiceAt(value, index)['message'] as Json)['content'];
}

function usageOf(value: Json): Json {
  return value['usage'] as Json;
}

function metricValue(metrics: string, line: string): number {
  const found = metrics.split('\n').find((candidate) => candidate.startsWith(`${line} `));
  return found === undefined ? Number.NaN : Number(found.slice(line.length + 1));
}

async function metrics(sim: SimServer): Promise<string> {
  return (await fetch(`${sim.url}/metrics`)).text();
}

const running = `vllm:num_requests_running{model_name="${MODEL}"}`;
const aborted = `vllm:request_success_total{finished_reason="abort",model_name="${MODEL}"}`;

/** Polls /metrics until `predicate` holds; fails the test after a bounded number of tries. */
async function waitForMetrics(t: Asserts, sim: SimServer, what: string, predicate: (text: string) => boolean): Promise<string> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const text = await metrics(sim);
    if (predicate(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  t.fail(`metrics never showed: ${what}`);
  return metrics(sim);
}

const chat = (content: string, extra: Json = {}): Json => ({
  model: MODEL,
  messages: [{ role: 'user', content }],
  ...extra,
});

let sim: SimServer;
t.before(async () => {
  sim = await startSim(INSTANT);
});
t.teardown(() => sim.close());

t.test('chat completion: vLLM shape, exact usage, deterministic text', async (t) => {
  const first = await post(sim, '/v1/chat/completions', chat('Hello, world!', { max_tokens: 5 }));
  t.equal(first.status, 200);
  t.equal(first.headers.get('content-type'), 'application/json');
  t.match(first.json, { object: 'chat.completion', model: MODEL, created: Number });
  t.match(first.json['id'], /^chatcmpl-[0-9a-f]{32}$/);
  const choice = choiceAt(first.json);
  t.match(choice, {
    index: 0,
    message: { role: 'assistant', tool_calls: [] },
    logprobs: null,
    finish_reason: 'length',
  });
  t.type((choice['message'] as Json)['content'], 'string');
  // 4 template tokens per message + 4 pieces ("Hello" "," "world" "!") + 3 reply-priming tokens.
  t.same(usageOf(first.json), { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 });

  const again = await post(sim, '/v1/chat/completions', chat('Hello, world!', { max_tokens: 5 }));
  t.same(choiceAt(again.json)['message'], choice['message'], 'same request, same text');
  const other = await post(sim, '/v1/chat/completions', chat('Something else entirely', { max_tokens: 5 }));
  t.not(contentOf(other.json), contentOf(first.json));
  t.not(again.json['id'], first.json['id'], 'ids are unique');
});

t.test('chat completion length: defaultMaxTokens ends with "stop", max_completion_tokens wins', async (t) => {
  const unlimited = await post(sim, '/v1/chat/completions', chat('length'));
  t.equal(usageOf(unlimited.json)['completion_tokens'], INSTANT.defaultMaxTokens);
  t.equal(choiceAt(unlimited.json)['finish_reason'], 'stop');
  const both = await post(sim, '/v1/chat/completions', chat('length', { max_tokens: 9, max_completion_tokens: 3 }));
  t.equal(usageOf(both.json)['completion_tokens'], 3);
  t.equal(choiceAt(both.json)['finish_reason'], 'length');
  const unlimitedText = contentOf(unlimited.json) as string;
  const shortText = contentOf(both.json) as string;
  t.ok(unlimitedText.startsWith(shortText), 'a shorter limit gives a prefix of the longer text');
});

t.test('chat stream without include_usage: chunk shapes, no usage anywhere', async (t) => {
  const reply = await post(sim, '/v1/chat/completions', chat('stream me', { max_tokens: 4, stream: true }));
  t.equal(reply.status, 200);
  t.equal(reply.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const events = parseEvents(t, reply.text);
  t.equal(events.length, 1 + 4 + 1, 'role chunk, one chunk per token, finish chunk');
  for (const event of events) {
    t.match(event, { object: 'chat.completion.chunk', model: MODEL, id: events[0]?.['id'] });
    t.notOk('usage' in event, 'no usage field without include_usage');
  }
  t.same(choicesOf(events[0] ?? {}), [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
  for (const event of events.slice(1, -1)) {
    t.match(choiceAt(event), { index: 0, delta: { content: String }, logprobs: null, finish_reason: null });
  }
  t.same(choicesOf(events.at(-1) ?? {}), [{ index: 0, delta: {}, logprobs: null, finish_reason: 'length', stop_reason: null }]);
});

t.test('chat stream with include_usage: usage:null on every chunk, then the usage chunk', async (t) => {
  const request = chat('count my tokens', { max_tokens: 7 });
  const whole = await post(sim, '/v1/chat/completions', request);
  const reply = await post(sim, '/v1/chat/completions', {
    ...request,
    stream: true,
    stream_options: { include_usage: true },
  });
  const events = parseEvents(t, reply.text);
  const usageChunk = events.at(-1) ?? {};
  t.same(choicesOf(usageChunk), []);
  t.same(usageOf(usageChunk), usageOf(whole.json), 'streamed usage equals the non-streaming usage');
  for (const event of events.slice(0, -1)) t.equal(event['usage'], null);
  const deltas = events.flatMap((event) => choicesOf(event)).map((choice) => (choice['delta'] as Json)['content']);
  const contentDeltas = deltas.filter((content): content is string => typeof content === 'string' && content !== '');
  t.equal(contentDeltas.length, usageOf(usageChunk)['completion_tokens'], 'one content delta per completion token');
  t.equal(contentDeltas.join(''), contentOf(whole.json), 'same text as non-streaming');
});

t.test('n=2: two indexed choices, completion tokens summed, streamed per index', async (t) => {
  const whole = await post(sim, '/v1/chat/completions', chat('two answers', { n: 2, max_tokens: 3 }));
  t.same(
    choicesOf(whole.json).map((choice) => choice['index']),
    [0, 1],
  );
  t.not(contentOf(whole.json, 0), contentOf(whole.json, 1));
  t.match(usageOf(whole.json), { completion_tokens: 6 });

  const streamed = await post(sim, '/v1/chat/completions', chat('two answers', { n: 2, max_tokens: 3, stream: true }));
  const choices = parseEvents(t, streamed.text).flatMap((event) => choicesOf(event));
  for (const index of [0, 1]) {
    const mine = choices.filter((choice) => choice['index'] === index);
    t.same(mine[0]?.['delta'], { role: 'assistant', content: '' }, `choice ${index} opens with the role`);
    t.equal(mine.at(-1)?.['finish_reason'], 'length', `choice ${index} finishes`);
    const text = mine.map((choice) => (choice['delta'] as { content?: string })['content'] ?? '').join('');
    t.equal(text, contentOf(whole.json, index));
  }
});

t.test('stop strings end the text before the match', async (t) => {
  const full = await post(sim, '/v1/completions', { prompt: 'stop here', max_tokens: 40 });
  const text = choiceAt(full.json)['text'] as string;
  t.ok(text.includes('.'), 'fixture text contains a sentence end');
  const stopped = await post(sim, '/v1/completions', { prompt: 'stop here', max_tokens: 40, stop: ['.', 'zzz'] });
  t.match(choiceAt(stopped.json), { text: text.slice(0, text.indexOf('.')), finish_reason: 'stop', stop_reason: '.' });
});

t.test('tool_choice required or named: a tool_calls message', async (t) => {
  const tools = [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
    { type: 'function', function: { name: 'get_time', parameters: { type: 'object' } } },
  ];
  const required = await post(sim, '/v1/chat/completions', chat('weather?', { tools, tool_choice: 'required' }));
  t.match(choiceAt(required.json), {
    finish_reason: 'tool_calls',
    message: {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: /^chatcmpl-tool-/, type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
    },
  });
  const named = await post(
    sim,
    '/v1/chat/completions',
    chat('time?', {
      tools,
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    }),
  );
  t.match(choiceAt(named.json), { message: { tool_calls: [{ function: { name: 'get_time' } }] } });
  const auto = await post(sim, '/v1/chat/completions', chat('time?', { tools, tool_choice: 'auto' }));
  t.equal(choiceAt(auto.json)['finish_reason'], 'stop', 'auto answers with text');
});

t.test('completions: string and array prompts, prompt-major indexes, streaming text', async (t) => {
  const single = await post(sim, '/v1/completions', { model: MODEL, prompt: 'Once upon a time', max_tokens: 4 });
  t.match(single.json['id'], /^cmpl-[0-9a-f]{32}$/);
  t.match(single.json, { object: 'text_completion', model: MODEL });
  t.match(choiceAt(single.json), { index: 0, text: String, logprobs: null, finish_reason: 'length' });
  t.same(usageOf(single.json), { prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 });

  const batch = await post(sim, '/v1/completions', { prompt: ['Once upon a time', 'a b'], n: 2, max_tokens: 2 });
  t.same(
    choicesOf(batch.json).map((choice) => choice['index']),
    [0, 1, 2, 3],
  );
  const batchFirst = choiceAt(batch.json, 0)['text'] as string;
  const singleText = choiceAt(single.json)['text'] as string;
  t.ok(singleText.startsWith(batchFirst), 'index 0 is the first sample of the first prompt');
  t.same(usageOf(batch.json), { prompt_tokens: 6, completion_tokens: 8, total_tokens: 14 });

  const streamed = await post(sim, '/v1/completions', {
    prompt: 'Once upon a time',
    max_tokens: 4,
    stream: true,
    stream_options: { include_usage: true },
  });
  const events = parseEvents(t, streamed.text);
  for (const event of events) t.match(event, { object: 'text_completion', id: events[0]?.['id'], model: MODEL });
  t.match(events[0]?.['id'], /^cmpl-/);
  const texts = events.slice(0, -1).map((event) => choiceAt(event)['text']);
  t.equal(texts.filter((text) => text !== '').length, 4, 'one text chunk per token');
  t.equal(texts.join(''), choiceAt(single.json)['text']);
  t.match(choiceAt(events.at(-2) ?? {}), { text: '', finish_reason: 'length', stop_reason: null });
  t.same(usageOf(events.at(-1) ?? {}), usageOf(single.json));
});

t.test('embeddings: float and base64, unit length, deterministic, dimensions override', async (t) => {
  const floats = await post(sim, '/v1/embeddings', { model: MODEL, input: 'embed me' });
  t.equal(floats.status, 200);
  t.match(floats.json, { object: 'list', model: MODEL, id: /^embd-/ });
  t.same(usageOf(floats.json), { prompt_tokens: 2, total_tokens: 2 });
  const data = floats.json['data'] as Json[];
  t.match(data, [{ index: 0, object: 'embedding' }]);
  const vector = data[0]?.['embedding'] as number[];
  t.equal(vector.length, 64);
  t.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-5, 'unit length');

  const encoded = await post(sim, '/v1/embeddings', { input: 'embed me', encoding_format: 'base64' });
  const base64 = (encoded.json['data'] as Json[])[0]?.['embedding'] as string;
  t.type(base64, 'string');
  const bytes = Buffer.from(base64, 'base64');
  t.equal(bytes.length, 64 * 4);
  const decoded = Array.from({ length: 64 }, (_, i) => bytes.readFloatLE(i * 4));
  t.same(decoded, vector, 'little-endian float32s of the same vector');

  const batch = await post(sim, '/v1/embeddings', { input: ['embed me', 'other'], dimensions: 8 });
  const vectors = (batch.json['data'] as Json[]).map((item) => item['embedding'] as number[]);
  t.same(
    vectors.map((v) => v.length),
    [8, 8],
  );
  t.not(JSON.stringify(vectors[0]), JSON.stringify(vectors[1]));
  const tokenIds = await post(sim, '/v1/embeddings', { input: [[1, 2, 3], [4]] });
  t.same(usageOf(tokenIds.json), { prompt_tokens: 4, total_tokens: 4 });
});

t.test('the official openai SDK: base64 embeddings by default, streaming chat', async (t) => {
  const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const embedding = await client.embeddings.create({ model: MODEL, input: 'embed me' });
  const vector = embedding.data[0]?.embedding ?? [];
  t.equal(vector.length, 64);
  t.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-5);
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'sdk' }],
    max_tokens: 3,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let completionTokens = 0;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    completionTokens = chunk.usage?.completion_tokens ?? completionTokens;
  }
  t.equal(completionTokens, 3);
  t.ok(text.length > 0);
});

t.test('structured output: JSON of the schema asked for, which the SDK parse helper reads; cut by max_tokens like any answer', async (t) => {
  const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const schema = {
    type: 'object',
    properties: {
      city: { type: 'string' },
      days: { type: 'integer', minimum: 1, maximum: 7 },
      warm: { type: 'boolean' },
      unit: { type: 'string', enum: ['C', 'F'] },
      stops: { type: 'array', items: { $ref: '#/$defs/stop' } },
      note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    },
    required: ['city', 'days', 'warm', 'unit', 'stops', 'note'],
    additionalProperties: false,
    $defs: { stop: { type: 'object', properties: { at: { type: 'string', format: 'date' }, cost: { type: 'number' } }, required: ['at', 'cost'], additionalProperties: false } },
  };
  const response_format = { type: 'json_schema' as const, json_schema: { name: 'trip', schema, strict: true } };
  const parsed = await client.chat.completions.parse({ model: MODEL, messages: [{ role: 'user', content: 'plan a trip' }], response_format });
  const trip = (parsed.choices[0]?.message.parsed ?? {}) as Record<string, unknown>;
  t.match(trip, { city: String, days: Number, warm: Boolean, unit: 'C', stops: [{ at: '2026-01-01', cost: Number }] });
  const days = Number(trip['days']);
  t.ok(Number.isInteger(days) && days >= 1 && days <= 7, `days ${days}`);
  const object = await post(sim, '/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: 'json' }], response_format: { type: 'json_object' } });
  t.match(JSON.parse(String(contentOf(object.json))), { answer: String });
  const cut = await post(sim, '/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: 'plan a trip' }], response_format, max_tokens: 3 });
  t.equal(choiceAt(cut.json)['finish_reason'], 'length');
  t.throws(() => JSON.parse(String(contentOf(cut.json))) as unknown, "a cut answer is incomplete JSON, as a real engine's is");
  const bad = await post(sim, '/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: 'x' }], response_format: { type: 'yaml' } });
  t.equal(bad.status, 400);
});

t.test('models and health', async (t) => {
  const models = await fetch(`${sim.url}/v1/models`);
  const body = (await models.json()) as Json;
  t.match(body, {
    object: 'list',
    data: [{ id: MODEL, object: 'model', created: Number, owned_by: 'vllm', max_model_len: Number }],
  });
  t.equal((body['data'] as Json[]).length, 1);
  const health = await fetch(`${sim.url}/health`);
  t.equal(health.status, 200);
  t.equal(await health.text(), '');
});

t.test('errors in vLLM envelope, exact bodies', async (t) => {
  const badRequest = (message: string, param: string | null): Json => ({
    message,
    type: 'BadRequestError',
    param,
    code: 400,
  });
  const shapes = 'a string, an array of strings, an array of token ids or an array of non-empty token-id arrays.';
  const cases: Array<[string, string, unknown, number, Json]> = [
    ['invalid JSON', '/v1/chat/completions', '{"messages": [', 400, badRequest('Request body is not valid JSON.', null)],
    ['missing messages', '/v1/chat/completions', { model: MODEL }, 400, badRequest('messages must be a non-empty array of messages.', 'messages')],
    ['missing prompt', '/v1/completions', { max_tokens: 3 }, 400, badRequest(`prompt must be ${shapes}`, 'prompt')],
    ['invalid input', '/v1/embeddings', { input: [] }, 400, badRequest(`input must be ${shapes}`, 'input')],
    [
      'unknown model',
      '/v1/chat/completions',
      chat('hi', { model: 'gpt-nope' }),
      404,
      { message: 'The model `gpt-nope` does not exist.', type: 'NotFoundError', param: 'model', code: 404 },
    ],
    [
      'stream_options without stream',
      '/v1/completions',
      { prompt: 'x', stream_options: { include_usage: true } },
      400,
      badRequest('Stream options can only be defined when `stream=True`.', 'stream_options'),
    ],
    ['bad max_tokens', '/v1/completions', { prompt: 'x', max_tokens: 0 }, 400, badRequest('max_tokens must be at least 1, got 0.', 'max_tokens')],
    ['unknown path', '/v1/nothing', {}, 404, { message: 'Not Found', type: 'Not Found', param: null, code: 404 }],
  ];
  for (const [name, path, body, status, error] of cases) {
    const reply = await post(sim, path, body);
    t.equal(reply.status, status, name);
    t.same(reply.json, { error }, name);
  }
  const wrongMethod = await fetch(`${sim.url}/v1/chat/completions`);
  t.equal(wrongMethod.status, 405);
  t.equal(wrongMethod.headers.get('allow'), 'POST');
  t.same(await wrongMethod.json(), {
    error: { message: 'Method Not Allowed', type: 'Method Not Allowed', param: null, code: 405 },
  });
});

t.test('metrics: vLLM names and counters that follow requests', async (t) => {
  const own = await startSim(INSTANT);
  t.teardown(() => own.close());
  const before = await metrics(own);
  for (const name of [
    'vllm:num_requests_running',
    'vllm:num_requests_waiting',
    'vllm:kv_cache_usage_perc',
    'vllm:prompt_tokens_total',
    'vllm:generation_tokens_total',
    'vllm:request_success_total',
  ]) {
    t.match(before, new RegExp(`^# TYPE ${name} (gauge|counter)$`, 'm'), name);
  }
  t.equal(metricValue(before, `vllm:prompt_tokens_total{model_name="${MODEL}"}`), 0);
  await post(own, '/v1/chat/completions', chat('Hello, world!', { max_tokens: 5 }));
  await post(own, '/v1/chat/completions', chat('Hello, world!', { max_tokens: 5, stream: true }));
  const after = await metrics(own);
  t.equal(metricValue(after, `vllm:prompt_tokens_total{model_name="${MODEL}"}`), 22);
  t.equal(metricValue(after, `vllm:generation_tokens_total{model_name="${MODEL}"}`), 10);
  t.equal(metricValue(after, `vllm:request_success_total{finished_reason="length",model_name="${MODEL}"}`), 2);
  t.equal(metricValue(after, running), 0);
  t.equal(metricValue(after, `vllm:kv_cache_usage_perc{model_name="${MODEL}"}`), 0);
});

t.test('paced mode sends the same stream as zero-delay mode', async (t) => {
  const slow = await startSim(SLOW);
  t.teardown(() => slow.close());
  const request = chat('paced', { max_tokens: 6, n: 2, stream: true, stream_options: { include_usage: true } });
  const strip = (events: Json[]): Json[] => events.map(({ id: _id, created: _created, ...rest }) => rest);
  const paced = parseEvents(t, (await post(slow, '/v1/chat/completions', request)).text);
  const instant = parseEvents(t, (await post(sim, '/v1/chat/completions', request)).text);
  t.same(strip(paced), strip(instant));
  const whole = await post(slow, '/v1/completions', { prompt: 'paced', max_tokens: 3 });
  t.equal(usageOf(whole.json)['completion_tokens'], 3);
});

t.test('a client abort releases the running count and counts as aborted', async (t) => {
  const slow = await startSim(SLOW);
  t.teardown(() => slow.close());
  for (const stream of [true, false]) {
    const controller = new AbortController();
    const response = fetch(`${slow.url}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({ prompt: 'long', max_tokens: 20_000, stream }),
      signal: controller.signal,
    });
    if (stream) {
      const first = await (await response).body?.getReader().read();
      t.ok(first !== undefined && !first.done, 'the stream started');
    }
    // A non-streaming response only arrives at the end; wait for the engine to be busy instead.
    const busy = await waitForMetrics(t, slow, 'one running request', (text) => metricValue(text, running) === 1);
    t.ok(metricValue(busy, `vllm:kv_cache_usage_perc{model_name="${MODEL}"}`) > 0, 'holds KV cache');
    controller.abort();
    await response.then((res) => res.body?.cancel()).catch(() => undefined);
    await waitForMetrics(t, slow, 'no running request', (text) => metricValue(text, running) === 0);
  }
  const final = await metrics(slow);
  t.equal(metricValue(final, aborted), 2);
  t.equal(metricValue(final, `vllm:kv_cache_usage_perc{model_name="${MODEL}"}`), 0);
});

t.test('close() ends in-progress streams and is idempotent', async (t) => {
  const slow = await startSim(SLOW);
  const res = await fetch(`${slow.url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify(chat('forever', { max_tokens: 20_000, stream: true })),
  });
  const reader = res.body?.getReader();
  await reader?.read();
  await Promise.all([slow.close(), slow.close()]);
  const drained = (async () => {
    for (;;) if ((await reader?.read())?.done !== false) return 'ended';
  })();
  t.equal(await drained.catch(() => 'ended'), 'ended');
  await t.rejects(fetch(`${slow.url}/health`), 'no longer listening');
});
