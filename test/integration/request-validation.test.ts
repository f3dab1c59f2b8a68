// Bad input is refused by the router itself, precisely and before it costs anything: known OpenAI
// fields with the wrong type or range, bodies that are not UTF-8 or not sent as JSON, JSON nested
// past the limit, and a megabyte-long `model`. Unknown fields still reach the engine untouched.
//
// The types and ranges come from OpenAI's spec (openai/openai-openapi, openapi.yaml:
// CreateChatCompletionRequest, CreateCompletionRequest, CreateEmbeddingRequest,
// ModelResponseProperties, StopConfiguration) and vLLM's request models
// (vllm-project/vllm vllm/entrypoints/openai/chat_completion/protocol.py,
// vllm/entrypoints/openai/completion/protocol.py, vllm/sampling_params.py `_verify_args`).
// Which content types are read as JSON follows FastAPI's body reading, in front of every vLLM route
// (fastapi/fastapi fastapi/routing.py: no content type or application/json or application/*+json).
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import t from 'tap';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter } from '../fixtures/start-router.js';

const engine = await startFakeEngine();
const SECRET = 'sy-test-secret-for-validation';
/** A key allowed two requests a minute: had a refused request taken a slot, the valid one would be refused. */
const TIGHT = 'sy-test-secret-two-a-minute';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const key = (id: string, secret: string, extra: Record<string, unknown> = {}) => ({ id, hash: sha256(secret), prefix: secret.slice(0, 8), ...extra });
const test = await startTestRouter({
  ...configFor({ chat: [engine.url] }),
  auth: { required: true, keys: [key('team', SECRET), key('tight', TIGHT, { limits: { requestsPerMinute: 2 } })] },
});
t.teardown(async () => {
  await test.close();
  await engine.close();
});
t.beforeEach(() => void (engine.requests.length = 0));
/** Inference requests the engine received (the router may also GET its /v1/models). */
const posts = () => engine.requests.filter((received) => received.method === 'POST');

/** A raw POST: exact bytes and headers, nothing added (fetch would add a content type). */
function post(path: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }, secret = SECRET) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: unknown }>((resolve, reject) => {
    const req = request(
      `${test.url}${path}`,
      { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-length': String(Buffer.byteLength(body)), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        // A stream's events are not one JSON value: kept as text.
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text.startsWith('data:') ? text : (JSON.parse(text) as unknown) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const invalid = (message: string, param: string | null) => ({ error: { message, type: 'invalid_request_error', param, code: 'invalid_request' } });
const user = [{ role: 'user', content: 'hi' }];

t.test('known fields of the wrong type or range: a 400 naming the field, nothing reserved, no engine asked', async (t) => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['/v1/chat/completions', { temperature: 'hot' }, "Invalid type for 'temperature': expected a number, got a string.", 'temperature'],
    ['/v1/chat/completions', { temperature: -1 }, "Invalid value for 'temperature': expected a number of at least 0, got number -1.", 'temperature'],
    ['/v1/chat/completions', { top_p: 1.5 }, "Invalid value for 'top_p': expected a number from 0 to 1, got number 1.5.", 'top_p'],
    ['/v1/chat/completions', { n: 0 }, "Invalid value for 'n': expected an integer of at least 1, got number 0.", 'n'],
    ['/v1/chat/completions', { n: 1.5 }, "Invalid type for 'n': expected an integer, got number 1.5.", 'n'],
    ['/v1/chat/completions', { max_completion_tokens: '10' }, "Invalid type for 'max_completion_tokens': expected an integer, got a string.", 'max_completion_tokens'],
    ['/v1/chat/completions', { presence_penalty: -3 }, "Invalid value for 'presence_penalty': expected a number from -2 to 2, got number -3.", 'presence_penalty'],
    ['/v1/chat/completions', { frequency_penalty: true }, "Invalid type for 'frequency_penalty': expected a number, got boolean true.", 'frequency_penalty'],
    ['/v1/chat/completions', { stop: [1] }, "Invalid type for 'stop': expected a string or an array of strings, got an array.", 'stop'],
    ['/v1/chat/completions', { logprobs: 1 }, "Invalid type for 'logprobs': expected a boolean, got number 1.", 'logprobs'],
    ['/v1/chat/completions', { top_logprobs: 'many' }, "Invalid type for 'top_logprobs': expected an integer, got a string.", 'top_logprobs'],
    ['/v1/chat/completions', { seed: 1.5 }, "Invalid type for 'seed': expected an integer, got number 1.5.", 'seed'],
    ['/v1/chat/completions', { seed: 1e20 }, "Invalid value for 'seed': expected a 64-bit integer, got number 100000000000000000000.", 'seed'],
    [
      '/v1/chat/completions',
      { stream: true, stream_options: { include_usage: 'yes' } },
      "Invalid type for 'stream_options': expected an object whose 'include_usage' is a boolean, got an object.",
      'stream_options',
    ],
    ['/v1/chat/completions', { response_format: 'json' }, "Invalid type for 'response_format': expected an object with a string 'type', got a string.", 'response_format'],
    ['/v1/chat/completions', { tools: { type: 'function' } }, "Invalid type for 'tools': expected an array of objects, got an object.", 'tools'],
    ['/v1/chat/completions', { tool_choice: 'sometimes' }, "Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or an object, got a string.", 'tool_choice'],
    ['/v1/chat/completions', { parallel_tool_calls: 'yes' }, "Invalid type for 'parallel_tool_calls': expected a boolean, got a string.", 'parallel_tool_calls'],
    ['/v1/chat/completions', { user: 42 }, "Invalid type for 'user': expected a string, got number 42.", 'user'],
    ['/v1/chat/completions', { logit_bias: { '50256': 'ban' } }, "Invalid type for 'logit_bias': expected an object mapping token ids to numbers, got an object.", 'logit_bias'],
    ['/v1/completions', { max_tokens: 0 }, "Invalid value for 'max_tokens': expected an integer of at least 1 (0 only with echo: true), got number 0.", 'max_tokens'],
    ['/v1/completions', { echo: 'yes' }, "Invalid type for 'echo': expected a boolean, got a string.", 'echo'],
    ['/v1/completions', { logprobs: true }, "Invalid type for 'logprobs': expected an integer, got boolean true.", 'logprobs'],
    ['/v1/completions', { temperature: -0.5 }, "Invalid value for 'temperature': expected a number of at least 0, got number -0.5.", 'temperature'],
    [
      '/v1/embeddings',
      { input: ['a', 1] },
      "Invalid type for 'input': expected a string, an array of strings, an array of token ids or an array of arrays of token ids, got an array.",
      'input',
    ],
    ['/v1/embeddings', { dimensions: 0 }, "Invalid value for 'dimensions': expected an integer of at least 1, got number 0.", 'dimensions'],
    ['/v1/embeddings', { encoding_format: 1 }, "Invalid type for 'encoding_format': expected a string, got number 1.", 'encoding_format'],
  ];
  const base: Record<string, Record<string, unknown>> = {
    '/v1/chat/completions': { model: 'chat', messages: user },
    '/v1/completions': { model: 'chat', prompt: 'Once' },
    '/v1/embeddings': { model: 'chat', input: 'text' },
  };
  for (const [path, fields, message, param] of cases) {
    const res = await post(path, JSON.stringify({ ...base[path], ...fields }), undefined, TIGHT);
    t.equal(res.status, 400, `${path} ${JSON.stringify(fields)}: status`);
    t.strictSame(res.body, invalid(message, param), `${path} ${JSON.stringify(fields)}: body`);
  }
  t.equal(posts().length, 0, 'no engine was asked');
  // Every field at the edge of its range, and null for "the default", is accepted (temperature past OpenAI's 2: vLLM takes any temperature of at least 0).
  const edges = { temperature: 2.5, top_p: 0, n: 1, presence_penalty: -2, frequency_penalty: 2, stop: null, seed: -1, logprobs: false, top_logprobs: 0, user: 'u' };
  const ok = await post('/v1/chat/completions', JSON.stringify({ model: 'chat', messages: user, ...edges }), undefined, TIGHT);
  t.equal(ok.status, 200, 'a valid request is served: the refused ones reserved nothing of the 2 requests a minute');
  t.equal(ok.headers['x-ratelimit-remaining-requests'], '1', 'only the valid request counted');
});

t.test('the SDK raises BadRequestError with the param', async (t) => {
  const client = test.client.withOptions({ apiKey: SECRET });
  await t.rejects(client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x' }], temperature: 'hot' as never }), {
    status: 400,
    code: 'invalid_request',
    param: 'temperature',
  });
});

t.test('unknown fields reach the engine byte for byte', async (t) => {
  // Written as JSON.stringify writes it, so the only way to change its bytes is to change the value.
  const future = '{"nested":[1,2.5,-0.001,"é\\"q",null,true,{"k":[]}],"big":12345678901234,"flag":false}';
  const res = await post('/v1/chat/completions', `{"model":"chat","messages":[{"role":"user","content":"hi"}],"x_future_field":${future},"top_k":5}`);
  t.equal(res.status, 200);
  const text = posts()[0]?.text ?? '';
  t.ok(text.includes(`"x_future_field":${future}`), 'the unknown field is byte-identical upstream');
  t.ok(text.includes('"top_k":5'), 'an engine-specific field passes too');
});

t.test('the body reaches the engine as the client wrote it, only model and stream_options replaced', async (t) => {
  // What JSON.parse and stringify would change: integers past 2^53, a number past a double, integer-like
  // keys (moved first, reordering a schema's properties), spacing; and a key written with an escape.
  const schema = '{"type":"object","properties":{"name":{"type":"string"},"2024":{"type":"number"},"age":{"type":"integer"}}}';
  const tail = `"seed": 9223372036854775807, "x_big": 123456789012345678901234567890, "x_exp": 1E400,\n  "response_format": {"type":"json_schema","json_schema":{"name":"r","schema":${schema}}}`;
  for (const stream of [false, true]) {
    const sent = `{ "mo\\u0064el": "chat", "stream": ${stream}, "messages": [{"role":"user","content":"hi"}],\n  ${tail} }`;
    const res = await post('/v1/chat/completions', sent);
    t.equal(res.status, 200);
    const text = posts().at(-1)?.text ?? '';
    const usage = stream ? ',"stream_options":{"include_usage":true}' : '';
    // This router's strict budget caps the output: added too, at the end.
    const cap = /,"max_tokens":\d+/.exec(text)?.[0] ?? '';
    t.equal(text, `{ "mo\\u0064el": "served-chat", "stream": ${stream}, "messages": [{"role":"user","content":"hi"}],\n  ${tail}${cap}${usage} }`, `stream ${stream}`);
  }
});

t.test("vLLM's continuous usage stats are switched off when the router alone asked for usage", async (t) => {
  // vLLM sends usage in every chunk only with include_usage (include_continuous_usage = include_usage and
  // continuous_usage_stats): the router turns include_usage on for itself, which must not make chunks
  // the client did not ask for usage in carry it.
  for (const [options, sent] of [
    ['{"continuous_usage_stats":true}', '{"continuous_usage_stats":false,"include_usage":true}'],
    ['{"include_usage":true,"continuous_usage_stats":true}', '{"include_usage":true,"continuous_usage_stats":true}'],
  ] as const) {
    const res = await post('/v1/chat/completions', `{"model":"chat","stream":true,"messages":[{"role":"user","content":"hi"}],"stream_options":${options}}`);
    t.equal(res.status, 200);
    t.match(posts().at(-1)?.text ?? '', `"stream_options":${sent}`, options);
  }
});

t.test('a body that is not UTF-8 is a 400', async (t) => {
  const body = Buffer.concat([Buffer.from('{"model":"chat","messages":[{"role":"user","content":"caf'), Buffer.from([0xe9, 0xff]), Buffer.from('"}]}')]);
  const res = await post('/v1/chat/completions', body);
  t.equal(res.status, 400);
  t.strictSame(res.body, {
    error: { message: 'The request body is not valid UTF-8; JSON must be sent as UTF-8.', type: 'invalid_request_error', param: null, code: 'invalid_json' },
  });
  t.equal(posts().length, 0);
});

t.test('a body sent as something other than JSON is a 415; none, or a +json type, is read as JSON', async (t) => {
  const body = JSON.stringify({ model: 'chat', messages: user });
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    const res = await post('/v1/chat/completions', body, { 'content-type': type });
    t.equal(res.status, 415, `${type}: status`);
    t.strictSame(
      res.body,
      {
        error: {
          message: `Unsupported content type '${type.split(';')[0] ?? ''}': send the JSON body with 'Content-Type: application/json'.`,
          type: 'invalid_request_error',
          param: null,
          code: 'unsupported_media_type',
        },
      },
      `${type}: body`,
    );
  }
  t.equal(posts().length, 0, 'no engine was asked');
  const accepted: Record<string, string>[] = [
    {},
    { 'content-type': 'application/json; charset=utf-8' },
    { 'content-type': 'Application/JSON' },
    { 'content-type': 'application/vnd.example+json' },
  ];
  for (const headers of accepted) {
    const res = await post('/v1/chat/completions', body, headers);
    t.equal(res.status, 200, `${JSON.stringify(headers)}: served`);
  }
});

t.test('JSON nested past the limit is a 400, not a 500', async (t) => {
  // The body object is level 1; `x` holds `levels` arrays.
  const nested = (levels: number) => `{"model":"chat","messages":[{"role":"user","content":"hi"}],"x":${'['.repeat(levels)}${']'.repeat(levels)}}`;
  const deep = await post('/v1/chat/completions', nested(100_000));
  t.equal(deep.status, 400);
  t.strictSame(deep.body, {
    error: { message: 'The JSON body of your request is nested deeper than 512 levels.', type: 'invalid_request_error', param: null, code: 'invalid_json' },
  });
  t.equal((await post('/v1/chat/completions', nested(512))).status, 400, '513 levels: refused');
  t.equal((await post('/v1/chat/completions', nested(511))).status, 200, '512 levels: served');
  const brackets = await post('/v1/chat/completions', JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: '['.repeat(5000) }] }));
  t.equal(brackets.status, 200, 'brackets inside strings do not count');
  t.notOk(
    test.logs.some((line) => line['msg'] === 'unhandled error'),
    'no unhandled error was logged',
  );
});

t.test('a megabyte-long model is neither echoed nor logged whole', async (t) => {
  const model = 'm'.repeat(1 << 20);
  const res = await post('/v1/chat/completions', JSON.stringify({ model, messages: user }));
  t.equal(res.status, 404);
  // Compared without printing: a failing diff of a megabyte string would take the runner minutes.
  const { message, ...rest } = (res.body as { error: { message: string } }).error;
  const expected = `The model \`${'m'.repeat(256)}…(${(1 << 20) - 256} more characters)\` does not exist. Known models: chat.`;
  t.ok(message === expected, `the message names the model cut to 256 characters (it has ${message.length} characters)`);
  t.strictSame(rest, { type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
  const line = JSON.stringify(test.requestLogs().at(-1));
  t.match(line, /"status":404/);
  t.ok(line.length < 4096, `the access line stays short (${line.length} characters)`);
  t.notOk(line.includes('m'.repeat(1000)), 'the model is not in the access line whole');
});
