// Every error a client can meet, with its exact status and body: the router's own checks, and
// engines' error bodies normalised into OpenAI's envelope.
import { jsonError } from '../fixtures/json-error.js';
import { freePort } from '../fixtures/free-port.js';
import { request } from 'node:http';
import t from 'tap';
import { startFakeEngine, type Behaviour } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter } from '../fixtures/start-router.js';

const engine = await startFakeEngine();
const closedPort = await freePort();
const config = configFor({ chat: [engine.url], down: [`http://127.0.0.1:${closedPort}`] });
const test = await startTestRouter({ ...config, server: { ...config.server, maxBodyBytes: 2048 } });
t.teardown(async () => {
  await test.close();
  await engine.close();
});

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${test.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

const chat = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], ...extra });

function envelope(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

t.test('caller errors', async (t) => {
  const cases: [string, string, string, number, unknown][] = [
    [
      'invalid JSON',
      '/v1/chat/completions',
      '{"model": "chat", ',
      400,
      envelope(`We could not parse the JSON body of your request (${jsonError('{"model": "chat", ')}).`, 'invalid_request_error', 'invalid_json'),
    ],
    ['empty body', '/v1/chat/completions', '', 400, envelope('The request body is empty; expected a JSON object.', 'invalid_request_error', 'invalid_json')],
    ['body not an object', '/v1/chat/completions', '[1]', 400, envelope('The request body must be a JSON object.', 'invalid_request_error', 'invalid_request')],
    [
      'missing messages',
      '/v1/chat/completions',
      JSON.stringify({ model: 'chat' }),
      400,
      envelope("Missing required parameter: 'messages'.", 'invalid_request_error', 'invalid_request', 'messages'),
    ],
    [
      'messages not an array',
      '/v1/chat/completions',
      JSON.stringify({ model: 'chat', messages: 'hi' }),
      400,
      envelope("Invalid type for 'messages': expected an array, got a string.", 'invalid_request_error', 'invalid_request', 'messages'),
    ],
    [
      'message without role',
      '/v1/chat/completions',
      JSON.stringify({ model: 'chat', messages: [{ content: 'x' }] }),
      400,
      envelope("Missing required parameter: 'messages[0].role'.", 'invalid_request_error', 'invalid_request', 'messages[0].role'),
    ],
    [
      'stream not boolean',
      '/v1/chat/completions',
      chat({ stream: 'yes' }),
      400,
      envelope("Invalid type for 'stream': expected a boolean, got a string.", 'invalid_request_error', 'invalid_request', 'stream'),
    ],
    [
      'max_tokens not a positive integer',
      '/v1/chat/completions',
      chat({ max_tokens: 0 }),
      400,
      envelope("Invalid value for 'max_tokens': expected an integer of at least 1, got number 0.", 'invalid_request_error', 'invalid_request', 'max_tokens'),
    ],
    [
      'missing model',
      '/v1/chat/completions',
      JSON.stringify({ messages: [] }),
      400,
      envelope("Missing required parameter: 'model'.", 'invalid_request_error', 'invalid_request', 'model'),
    ],
    [
      'completions without prompt',
      '/v1/completions',
      JSON.stringify({ model: 'chat' }),
      400,
      envelope("Missing required parameter: 'prompt'.", 'invalid_request_error', 'invalid_request', 'prompt'),
    ],
    [
      'embeddings input of the wrong type',
      '/v1/embeddings',
      JSON.stringify({ model: 'chat', input: 5 }),
      400,
      envelope("Invalid type for 'input': expected a string or an array, got number 5.", 'invalid_request_error', 'invalid_request', 'input'),
    ],
    [
      'unknown model',
      '/v1/chat/completions',
      JSON.stringify({ model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] }),
      404,
      envelope('The model `gpt-9` does not exist. Known models: chat, down.', 'invalid_request_error', 'model_not_found', 'model'),
    ],
  ];
  for (const [name, path, body, status, expected] of cases) {
    const res = await post(path, body);
    t.equal(res.status, status, `${name}: status`);
    t.same(res.body, expected, `${name}: body`);
  }
  t.equal(engine.requests.length, 0, 'no invalid request reached the engine');
});

t.test('an inference path answers alike in origin form and in absolute form', async (t) => {
  // The inference lane serves both: `POST /v1/...` (a query string allowed) and the same path in absolute
  // form (`POST http://host/v1/...`, RFC 9112 section 3.2.2), which koa served until it stopped serving
  // inference routes. Both must send the same bytes for the same request.
  const send = (target: string, body: string) =>
    new Promise<{ status: number; headers: string[]; text: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: new URL(test.url).port, method: 'POST', path: target, headers: { 'content-type': 'application/json', 'x-request-id': 'same-id' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const pick = ['content-type', 'content-length', 'x-request-id', 'x-switchyard-tier', 'x-switchyard-reason', 'x-switchyard-model'];
            resolve({ status: res.statusCode ?? 0, headers: pick.map((name) => `${name}: ${String(res.headers[name] ?? null)}`), text });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const bodies = ['{"model": "chat", ', '', '[1]', JSON.stringify({ model: 'gpt-9', messages: [] }), JSON.stringify({ model: 'chat', messages: 'x' })];
  for (const body of bodies) {
    const origin = await send('/v1/chat/completions?api-version=1', body);
    const absolute = await send(`${test.url}/v1/chat/completions`, body);
    t.equal(origin.status >= 400, true, `${JSON.stringify(body)}: an error`);
    t.same(absolute, origin, `${JSON.stringify(body)}: same status, headers and body`);
  }
  const ok = await send(`${test.url}/v1/chat/completions`, chat());
  t.equal(ok.status, 200, 'the absolute form serves a completion');
  t.ok(ok.headers.includes('x-request-id: same-id') && ok.headers.includes('x-switchyard-tier: chat'), 'with the routing headers');
});

t.test('a body over server.maxBodyBytes gets 413, declared or streamed', async (t) => {
  const big = chat({ padding: 'x'.repeat(4096) });
  const expected = envelope('The request body is larger than the limit of 2048 bytes.', 'invalid_request_error', 'request_too_large');
  const declared = await post('/v1/chat/completions', big);
  t.equal(declared.status, 413);
  t.same(declared.body, expected);
  // Without a content-length the limit is enforced while reading.
  const chunked = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: new Blob([big]).stream(),
    duplex: 'half',
  });
  t.equal(chunked.status, 413);
  t.same(await chunked.json(), expected);
});

t.test('unknown paths and wrong methods', async (t) => {
  const notFound = await post('/v1/nothing', '{}');
  t.equal(notFound.status, 404);
  t.same(notFound.body, envelope('Invalid URL (POST /v1/nothing).', 'invalid_request_error', 'not_found'));
  const wrongMethod = await fetch(`${test.url}/v1/chat/completions`);
  t.equal(wrongMethod.status, 405);
  t.equal(wrongMethod.headers.get('allow'), 'POST');
  t.same(await wrongMethod.json(), envelope('Method not allowed (GET /v1/chat/completions); allowed: POST.', 'invalid_request_error', 'method_not_allowed'));
});

t.test('the SDK sees typed errors', async (t) => {
  await t.rejects(test.client.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] }), { status: 404, code: 'model_not_found' });
  await t.rejects(test.client.chat.completions.create({ model: 'chat', messages: 'nope' as never }), { status: 400, code: 'invalid_request', param: 'messages' });
});

t.test('upstream unreachable → 502, naming the replica and nothing more', async (t) => {
  const res = await post('/v1/chat/completions', JSON.stringify({ model: 'down', messages: [{ role: 'user', content: 'x' }] }));
  t.equal(res.status, 502);
  t.same(res.body, envelope('Could not reach replica down-r0 (ECONNREFUSED).', 'server_error', 'upstream_unreachable'));
  t.equal(res.headers.get('x-switchyard-replica'), 'down-r0');
  t.notOk(JSON.stringify(res.body).includes(String(closedPort)), 'no URL in the message');
});

t.test('upstream timeout → 504, streaming and not', async (t) => {
  engine.reply({ kind: 'stall' });
  const res = await post('/v1/chat/completions', chat());
  t.equal(res.status, 504);
  t.same(res.body, envelope("Replica chat-r0 did not finish its answer within 1000 ms (the pool's responseTimeoutMs).", 'server_error', 'upstream_timeout'));
  engine.reply({ kind: 'stall' });
  const streamed = await post('/v1/chat/completions', chat({ stream: true }));
  t.equal(streamed.status, 504);
  t.same(streamed.body, envelope('Replica chat-r0 did not start answering within 1000 ms.', 'server_error', 'upstream_timeout'));
});

t.test('engine error bodies are normalised; 4xx statuses kept, 422 (validation) becomes 400', async (t) => {
  const cases: [string, Behaviour, number, unknown][] = [
    [
      'vLLM current shape',
      { kind: 'json', status: 400, body: { error: { message: 'max_tokens is too large', type: 'BadRequestError', param: 'max_tokens', code: 400 } } },
      400,
      envelope('max_tokens is too large', 'invalid_request_error', null, 'max_tokens'),
    ],
    [
      'vLLM legacy shape',
      { kind: 'json', status: 400, body: { object: 'error', message: "This model's maximum context length is 4096 tokens.", type: 'BadRequestError', param: null, code: 400 } },
      400,
      envelope("This model's maximum context length is 4096 tokens.", 'invalid_request_error', 'context_length_exceeded', 'messages'),
    ],
    [
      'TGI shape',
      { kind: 'json', status: 422, body: { error: 'Input validation error: `temperature` must be strictly positive', error_type: 'validation' } },
      400,
      envelope('Input validation error: `temperature` must be strictly positive', 'invalid_request_error', 'validation'),
    ],
    [
      'TGI context length',
      { kind: 'json', status: 422, body: { error: 'Input validation error: `inputs` must have less than 1024 tokens. Given: 2000', error_type: 'validation' } },
      400,
      envelope('Input validation error: `inputs` must have less than 1024 tokens. Given: 2000', 'invalid_request_error', 'context_length_exceeded', 'messages'),
    ],
    [
      'hosted OpenAI shape',
      { kind: 'json', status: 400, body: { error: { message: "Invalid value for 'temperature'.", type: 'invalid_request_error', param: 'temperature', code: 'invalid_value' } } },
      400,
      envelope("Invalid value for 'temperature'.", 'invalid_request_error', 'invalid_value', 'temperature'),
    ],
    [
      'FastAPI validation detail',
      { kind: 'json', status: 422, body: { detail: [{ loc: ['body', 'temperature'], msg: 'Input should be a valid number' }] } },
      400,
      envelope('temperature: Input should be a valid number', 'invalid_request_error', null),
    ],
    [
      'engine 500 with internals',
      { kind: 'text', status: 500, text: 'Traceback (most recent call last): File "/opt/vllm/secret.py"' },
      502,
      envelope('Replica chat-r0 failed (HTTP 500).', 'server_error', 'upstream_error'),
    ],
    [
      'engine overloaded (TGI 503)',
      { kind: 'json', status: 503, body: { error: 'Model is overloaded', error_type: 'overloaded' } },
      503,
      envelope('Model is overloaded', 'server_error', 'overloaded'),
    ],
    [
      'hosted API rejects the router key',
      { kind: 'json', status: 401, body: { error: { message: 'Incorrect API key provided: sk-abc', type: 'invalid_request_error', code: 'invalid_api_key' } } },
      502,
      envelope("Replica chat-r0 refused the router's credentials (HTTP 401); check the pool's apiKeyEnv.", 'server_error', 'upstream_auth_failed'),
    ],
    [
      'engine rate limit',
      { kind: 'json', status: 429, body: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } } },
      429,
      envelope('Rate limit reached', 'requests', 'rate_limit_exceeded'),
    ],
  ];
  for (const [name, behaviour, status, expected] of cases) {
    engine.reply(behaviour);
    const res = await post('/v1/chat/completions', chat());
    t.equal(res.status, status, `${name}: status`);
    t.same(res.body, expected, `${name}: body`);
  }
});

t.test('an engine error before the first streamed byte is a clean error response', async (t) => {
  engine.reply({ kind: 'json', status: 400, body: { object: 'error', message: 'bad stop', type: 'BadRequestError', param: 'stop', code: 400 } });
  const res = await post('/v1/chat/completions', chat({ stream: true }));
  t.equal(res.status, 400);
  t.same(res.body, envelope('bad stop', 'invalid_request_error', null, 'stop'));
});

t.test('error kinds are logged with their origin', async (t) => {
  await post('/v1/chat/completions', JSON.stringify({ model: 'down', messages: [{ role: 'user', content: 'x' }] }));
  const line = test.requestLogs().at(-1);
  t.equal(line?.['errorKind'], 'upstream_unreachable');
  t.equal(line?.['origin'], 'upstream');
  t.equal(line?.['status'], 502);
});
