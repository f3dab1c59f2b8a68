// A hostile or careless client of the newest APIs: the OpenAI Responses API (POST/GET/DELETE
// /v1/responses, input_items, cancel, previous_response_id, store), the Anthropic Messages API
// (/v1/messages, count_tokens, x-api-key), native passthrough (pools.<n>.apis) and Idempotency-Key on
// both. Each probe sends what a broken or malicious client would, through a real router on loopback,
// the official SDKs (`openai` 6, `@anthropic-ai/sdk`) and raw fetch, against fake engines; the answer
// must be the API's own error envelope and status (never a 500, a stack trace or a hang), must never
// cross keys, and must never overspend a budget.
import Anthropic from '@anthropic-ai/sdk';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createConnection } from 'node:net';
import OpenAI from 'openai';
import t from 'tap';
import { startFakeEngine, type Behaviour } from '../fixtures/fake-engine.js';
import { startTestRouter } from '../fixtures/start-router.js';
import { quietPool } from '../fixtures/quiet-pool.js';
import { ADMIN_TOKEN, waitFor } from '../fixtures/wait.js';
import { wireFixture } from '../fixtures/wire/load.js';

type Json = Record<string, unknown>;

const OPENAI_STREAM = wireFixture('openai-responses-stream-text.sse');
const COMPLETED = (
  OPENAI_STREAM.split('\n\n')
    .filter((event) => event.startsWith('data: {'))
    .map((event) => JSON.parse(event.slice(6)) as Json)
    .at(-1) as Json
)['response'] as Json;
const BASIC_STREAM = wireFixture('anthropic-basic_response.txt');

const secret = (name: string): string => `sy-hostile-${name}-secret`;
const A = secret('alice');
const B = secret('bob');
const TIGHT = secret('tight');
const TIGHT2 = secret('tight-two');
const CAPPED = secret('capped');
const keyRecord = (id: string, value: string, limits: Json = { tokensPerDay: 10_000_000 }) => ({
  id,
  hash: createHash('sha256').update(value).digest('hex'),
  prefix: value.slice(0, 8),
  limits,
});

const [chat, native] = await Promise.all([startFakeEngine(), startFakeEngine()]);
const pool = (servedModel: string, name: string, url: string, extra: Json = {}) => quietPool('vllm', servedModel, name, url, extra);
const test = await startTestRouter(
  {
    logging: { level: 'info' },
    auth: {
      required: true,
      keys: [
        keyRecord('alice', A),
        keyRecord('bob', B),
        keyRecord('tight', TIGHT, { tokensPerDay: 100 }),
        keyRecord('tight2', TIGHT2, { tokensPerDay: 150 }),
        { ...keyRecord('capped', CAPPED), maxTokensPerRequest: 50 },
      ],
    },
    budgets: { budgetMode: 'strict' },
    idempotency: { waitMs: 3000 },
    responses: { maxChainDepth: 5 },
    retry: { backoffBaseMs: 1, backoffMaxMs: 2 },
    models: { gpu: { tiers: ['gpu'], anthropicModels: ['claude-hostile-1'] }, nat: { tiers: ['nat'] } },
    tiers: { gpu: { pools: ['chat'] }, nat: { pools: ['native'] } },
    pools: {
      chat: pool('served-chat', 'chat-r0', chat.url),
      native: pool('served-native', 'native-r0', native.url, { apis: ['responses', 'messages'] }),
    },
  },
  { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN },
);
const openaiFor = (key: string) => new OpenAI({ baseURL: `${test.url}/v1`, apiKey: key, maxRetries: 0 });
const anthropicFor = (key: string) => new Anthropic({ baseURL: test.url, apiKey: key, maxRetries: 0 });
const alice = openaiFor(A);
const claudeA = anthropicFor(A);
t.teardown(async () => {
  await test.close();
  await Promise.all([chat.close(), native.close()]);
});
t.beforeEach(() => {
  for (const engine of [chat, native]) {
    engine.requests.length = 0;
    engine.respond = null;
  }
});

let keys = 0;
const newKey = (): string => `hostile-${process.pid}-${++keys}`;

/** A raw request: the status, the headers and the body's text (never thrown on). */
async function send(method: string, path: string, init: { key?: string | null; body?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
  if (init.key !== null) headers['authorization'] = `Bearer ${init.key ?? A}`;
  const res = await fetch(`${test.url}${path}`, { method, headers, ...(init.body === undefined ? {} : { body: init.body }) });
  const text = await res.text();
  let json: Json | null;
  try {
    json = JSON.parse(text) as Json;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The path exactly as written, with no client normalising it (fetch resolves dot segments). */
function rawRequest(method: string, path: string, headers: Record<string, string> = {}, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(test.url);
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** OpenAI's error envelope (openai/openai-openapi ErrorResponse: message, type, param, code). */
function isOpenAIError(json: Json | null): boolean {
  const error = json?.['error'] as Json | undefined;
  return typeof error === 'object' && error !== null && typeof error['message'] === 'string' && typeof error['type'] === 'string' && 'param' in error && 'code' in error;
}

/** Anthropic's error envelope ({"type":"error","error":{"type","message"}}). */
function isAnthropicError(json: Json | null): boolean {
  const error = json?.['error'] as Json | undefined;
  return json?.['type'] === 'error' && typeof error === 'object' && error !== null && typeof error['type'] === 'string' && typeof error['message'] === 'string';
}

const NO_STACK = /\bat [\w.<>]+ \(|node:internal|\.ts:\d+/;

/** The key's lifetime tokens, once nothing is reserved. */
function usedBy(id: string): Promise<number> {
  return waitFor('every reservation settled', async () => {
    const res = await fetch(`${test.url}/admin/keys/${id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const body = (await res.json()) as { usage: { tokens: { day: { used: number; reserved: number } } } };
    return body.usage.tokens.day.reserved === 0 ? body.usage.tokens.day.used : null;
  });
}

t.test('Responses: malformed and wrongly typed bodies are a 400 in OpenAI’s envelope, no engine asked', async (t) => {
  const bodies: [string, string][] = [
    ['not JSON', '{"model":'],
    ['an array', '[]'],
    ['null', 'null'],
    ['a string', '"hi"'],
    ['empty object', '{}'],
    ['input a number', '{"model":"gpu","input":5}'],
    ['input empty array', '{"model":"gpu","input":[]}'],
    ['input item empty object', '{"model":"gpu","input":[{}]}'],
    ['input item null', '{"model":"gpu","input":[null]}'],
    ['content null', '{"model":"gpu","input":[{"role":"user","content":null}]}'],
    ['content part without type', '{"model":"gpu","input":[{"role":"user","content":[{"text":"x"}]}]}'],
    ['image part without detail or url', '{"model":"gpu","input":[{"role":"user","content":[{"type":"input_image"}]}]}'],
    ['tool_choice function without name', '{"model":"gpu","input":"x","tools":[{"type":"function","name":"f","parameters":{}}],"tool_choice":{"type":"function"}}'],
    ['text.format json_schema without schema', '{"model":"gpu","input":"x","text":{"format":{"type":"json_schema"}}}'],
    ['reasoning effort missing value', '{"model":"gpu","input":"x","reasoning":{"effort":"turbo"}}'],
    ['role tool', '{"model":"gpu","input":[{"role":"tool","content":"x"}]}'],
    ['model object', '{"model":{"a":1},"input":"x"}'],
    ['model empty', '{"model":"","input":"x"}'],
    ['stream "true"', '{"model":"gpu","input":"x","stream":"true"}'],
    ['store 1', '{"model":"gpu","input":"x","store":1}'],
    ['temperature NaN-like string', '{"model":"gpu","input":"x","temperature":"NaN"}'],
    ['temperature 1e400', '{"model":"gpu","input":"x","temperature":1e400}'],
    ['max_output_tokens 15', '{"model":"gpu","input":"x","max_output_tokens":15}'],
    ['max_output_tokens 1.5e1', '{"model":"gpu","input":"x","max_output_tokens":16.5}'],
    ['metadata array', '{"model":"gpu","input":"x","metadata":[]}'],
    ['metadata 17 pairs', JSON.stringify({ model: 'gpu', input: 'x', metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) })],
    ['metadata number value', '{"model":"gpu","input":"x","metadata":{"a":1}}'],
    ['previous_response_id number', '{"model":"gpu","input":"x","previous_response_id":5}'],
    ['previous_response_id unknown', '{"model":"gpu","input":"x","previous_response_id":"resp_nope"}'],
    ['previous_response_id empty', '{"model":"gpu","input":"x","previous_response_id":""}'],
    ['tools not array', '{"model":"gpu","input":"x","tools":{}}'],
    ['tool without name', '{"model":"gpu","input":"x","tools":[{"type":"function"}]}'],
    ['function_call without call_id', '{"model":"gpu","input":[{"type":"function_call","name":"f","arguments":"{}"}]}'],
    ['function_call_output output number', '{"model":"gpu","input":[{"type":"function_call_output","call_id":"c","output":5}]}'],
    ['unknown field', '{"model":"gpu","input":"x","messages":[]}'],
    ['__proto__ field', '{"model":"gpu","input":"x","__proto__":{"stream":true}}'],
    ['deep nesting', `{"model":"gpu","input":${'['.repeat(600)}${']'.repeat(600)}}`],
  ];
  for (const [name, body] of bodies) {
    const res = await send('POST', '/v1/responses', { body });
    t.ok(res.status >= 400 && res.status < 500, `${name}: a 4xx (${res.status} ${res.text.slice(0, 160)})`);
    t.ok(isOpenAIError(res.json), `${name}: OpenAI's envelope`);
    t.notMatch(res.text, NO_STACK, `${name}: no stack trace`);
    t.notMatch(res.text, /undefined/, `${name}: a message that names what is missing`);
  }
  t.equal(chat.requests.length + native.requests.length, 0, 'no engine was asked');
});

t.test('Messages: malformed and wrongly typed bodies are a 400 in Anthropic’s envelope, no engine asked', async (t) => {
  const ok = { model: 'gpu', max_tokens: 16 };
  const bodies: [string, string][] = [
    ['not JSON', '{"model":'],
    ['an array', '[]'],
    ['null', 'null'],
    ['empty object', '{}'],
    ['messages empty', JSON.stringify({ ...ok, messages: [] })],
    ['messages object', JSON.stringify({ ...ok, messages: {} })],
    ['message null', JSON.stringify({ ...ok, messages: [null] })],
    ['content empty array', JSON.stringify({ ...ok, messages: [{ role: 'user', content: [] }] })],
    ['content number', JSON.stringify({ ...ok, messages: [{ role: 'user', content: 5 }] })],
    ['block without type', JSON.stringify({ ...ok, messages: [{ role: 'user', content: [{ text: 'x' }] }] })],
    ['max_tokens 0', JSON.stringify({ ...ok, max_tokens: 0, messages: [{ role: 'user', content: 'x' }] })],
    ['max_tokens string', JSON.stringify({ ...ok, max_tokens: '16', messages: [{ role: 'user', content: 'x' }] })],
    ['max_tokens missing', JSON.stringify({ model: 'gpu', messages: [{ role: 'user', content: 'x' }] })],
    ['temperature string', JSON.stringify({ ...ok, temperature: 'hot', messages: [{ role: 'user', content: 'x' }] })],
    ['stream "yes"', JSON.stringify({ ...ok, stream: 'yes', messages: [{ role: 'user', content: 'x' }] })],
    ['role tool', JSON.stringify({ ...ok, messages: [{ role: 'tool', content: 'x' }] })],
    ['tool_result without a tool_use', JSON.stringify({ ...ok, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] }] })],
    [
      'tool_result answering a tool_use two turns back',
      JSON.stringify({
        ...ok,
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'r' }] },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'again' }] },
        ],
      }),
    ],
    ['tool_use input a string', JSON.stringify({ ...ok, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: '{}' }] }] })],
    [
      'image with a bad media type',
      JSON.stringify({ ...ok, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'AA' } }] }] }),
    ],
    ['system a number', JSON.stringify({ ...ok, system: 5, messages: [{ role: 'user', content: 'x' }] })],
    // Anthropic: 400 "tools: Tool names must be unique." (anthropics/claude-code issue #10687).
    [
      'two tools of one name',
      JSON.stringify({
        ...ok,
        messages: [{ role: 'user', content: 'x' }],
        tools: [
          { name: 'a', input_schema: { type: 'object' } },
          { name: 'a', input_schema: { type: 'object' } },
        ],
      }),
    ],
    ['unknown model', JSON.stringify({ ...ok, model: 'claude-nope', messages: [{ role: 'user', content: 'x' }] })],
  ];
  for (const [name, body] of bodies) {
    const res = await send('POST', '/v1/messages', { body, key: null, headers: { 'x-api-key': A } });
    t.ok(res.status >= 400 && res.status < 500, `${name}: a 4xx (${res.status} ${res.text.slice(0, 160)})`);
    t.ok(isAnthropicError(res.json), `${name}: Anthropic's envelope`);
    t.notMatch(res.text, NO_STACK, `${name}: no stack trace`);
  }
  const count = await send('POST', '/v1/messages/count_tokens', { body: '{"model":"gpu","messages":"x"}', key: null, headers: { 'x-api-key': A } });
  t.equal(count.status, 400, 'count_tokens: a 400');
  t.ok(isAnthropicError(count.json), "count_tokens: Anthropic's envelope");
  t.equal(chat.requests.length + native.requests.length, 0, 'no engine was asked');
});

t.test('wrong methods: a 405 in each API’s envelope, with Allow', async (t) => {
  for (const [method, path, anthropic] of [
    ['GET', '/v1/messages', true],
    ['PUT', '/v1/messages', true],
    ['DELETE', '/v1/messages/count_tokens', true],
    ['GET', '/v1/responses', false],
    ['PUT', '/v1/responses', false],
    ['PATCH', '/v1/responses/resp_abc', false],
    ['POST', '/v1/responses/resp_abc', false],
    ['GET', '/v1/responses/resp_abc/cancel', false],
    ['DELETE', '/v1/responses/resp_abc/input_items', false],
  ] as const) {
    const res = await send(method, path, { key: A });
    t.equal(res.status, 405, `${method} ${path}: 405 (${res.text.slice(0, 120)})`);
    t.ok(anthropic ? isAnthropicError(res.json) : isOpenAIError(res.json), `${method} ${path}: the API's envelope`);
    t.ok(res.headers.get('allow'), `${method} ${path}: Allow`);
  }
});

t.test('spellings of the new routes never reach a handler without the key check', async (t) => {
  const paths = [
    '/v1/Responses',
    '/v1/responses/',
    '/v1//responses',
    '/v1/%72esponses',
    '/V1/responses',
    '/v1/responses/resp_x/',
    '/v1/responses//input_items',
    '/v1/responses/resp_x/input_items/',
    '/v1/responses/resp_x/%69nput_items',
    '/v1/responses/resp_x/../resp_x',
    '/v1/messages/',
    '/v1/Messages',
    '/v1/messages/count_tokens/',
    '/v1/messages/%63ount_tokens',
    '/v1/messages/./count_tokens',
    '/v1/./messages',
  ];
  for (const path of paths) {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const res = await rawRequest(method, path, {}, method === 'POST' ? '{"model":"gpu","input":"x","max_tokens":1,"messages":[{"role":"user","content":"x"}]}' : '');
      t.ok(res.status === 401 || res.status === 404, `${method} ${path}: 401 or 404, got ${res.status} ${res.text.slice(0, 100)}`);
    }
  }
  t.equal(chat.requests.length + native.requests.length, 0, 'no engine was asked');
});

t.test('errors beside the Messages routes come in Anthropic’s envelope: an unknown path under it, a body that breaks HTTP', async (t) => {
  for (const path of ['/v1/messages/batches', '/v1/messages/', '/v1/messages/count_tokens/x']) {
    const res = await send('GET', path, { headers: { 'x-api-key': A } });
    t.equal(res.status, 404, `${path}: 404`);
    t.ok(isAnthropicError(res.json), `${path}: in Anthropic’s envelope (got ${res.text.slice(0, 100)})`);
    t.ok(res.headers.get('request-id'), `${path}: with its request-id`);
  }
  t.ok(isOpenAIError((await send('GET', '/v1/nothing-here')).json), 'any other unknown path: OpenAI’s');
  // A chunked body whose chunk size is not hex, after the head reached the Messages handler.
  const url = new URL(test.url);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port) }, () => {
      socket.write(`POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-api-key: ${A}\r\nTransfer-Encoding: chunked\r\n\r\n`);
      setTimeout(() => socket.write('ZZ\r\n{}\r\n0\r\n\r\n'), 50);
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
  t.match(answer, /^HTTP\/1\.1 400 /, 'a 400');
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  t.ok(isAnthropicError(JSON.parse(body) as Json), `in Anthropic’s envelope (got ${body.slice(0, 120)})`);
  t.match(answer, /\r\nrequest-id: /i, 'with its request-id');
});

t.test('Responses errors name the fields the client sent, not the chat body’s', async (t) => {
  const capped = await send('POST', '/v1/responses', { key: CAPPED, body: JSON.stringify({ model: 'gpu', input: 'x', max_output_tokens: 100 }) });
  t.equal(capped.status, 400);
  t.match(capped.json, { error: { param: 'max_output_tokens', message: /'max_output_tokens' is 100/ } }, capped.text);
  // A chat field sent to the Responses API is refused by its own name.
  const stray = await send('POST', '/v1/responses', { body: JSON.stringify({ model: 'gpu', input: 'x', max_tokens: 5 }) });
  t.match(stray.json, { error: { param: 'max_tokens', message: /max_tokens/ } }, stray.text);
  t.equal(chat.requests.length, 0, 'no engine was asked');
});

t.test('another key never reads, lists, cancels, deletes or continues a stored response', async (t) => {
  const first = await alice.responses.create({ model: 'gpu', input: 'secret plans' });
  for (const [method, path] of [
    ['GET', `/v1/responses/${first.id}`],
    ['GET', `/v1/responses/${first.id}/input_items`],
    ['POST', `/v1/responses/${first.id}/cancel`],
    ['DELETE', `/v1/responses/${first.id}`],
  ] as const) {
    const res = await send(method, path, { key: B });
    t.equal(res.status, 404, `${method} ${path} by another key: 404`);
    t.ok(isOpenAIError(res.json), 'in OpenAI’s envelope');
    const anon = await send(method, path, { key: null });
    t.equal(anon.status, 401, `${method} ${path} without a key: 401`);
  }
  const continued = await send('POST', '/v1/responses', { key: B, body: JSON.stringify({ model: 'gpu', input: 'and?', previous_response_id: first.id }) });
  t.equal(continued.status, 400, 'continued by another key: 400');
  t.match(continued.json, { error: { code: 'previous_response_not_found', param: 'previous_response_id' } });
  // Still there for its owner after all that.
  t.equal((await alice.responses.retrieve(first.id)).id, first.id);
  // The same Idempotency-Key from another key is its own request, never the first key's answer.
  const idem = newKey();
  const body = JSON.stringify({ model: 'gpu', input: 'same words' });
  const mine = await send('POST', '/v1/responses', { key: A, body, headers: { 'idempotency-key': idem } });
  const theirs = await send('POST', '/v1/responses', { key: B, body, headers: { 'idempotency-key': idem } });
  t.equal(theirs.headers.get('x-switchyard-idempotent-replay'), null, 'not a replay');
  t.not(theirs.json?.['id'], mine.json?.['id'], 'another response');
  t.equal((await send('GET', `/v1/responses/${String(mine.json?.['id'])}`, { key: B })).status, 404, 'and B still cannot read A’s');
});

t.test('previous_response_id chains: too deep, deleted mid-chain, not stored, the id of a response still running', async (t) => {
  let prev: string | null = null;
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const made: OpenAI.Responses.Response = await alice.responses.create({ model: 'gpu', input: `turn ${i}`, ...(prev === null ? {} : { previous_response_id: prev }) });
    ids.push(made.id);
    prev = made.id;
    if (i === 4) break;
  }
  // maxChainDepth 5: five stored responses back is the most.
  const deep = await send('POST', '/v1/responses', { body: JSON.stringify({ model: 'gpu', input: 'x', previous_response_id: ids[4] }) });
  t.equal(deep.status, 200, 'five back: served');
  const deeper = await send('POST', '/v1/responses', { body: JSON.stringify({ model: 'gpu', input: 'x', previous_response_id: deep.json?.['id'] }) });
  t.equal(deeper.status, 400, 'six back: 400');
  t.match(deeper.json, { error: { param: 'previous_response_id' } });
  await alice.responses.delete(ids[2]!);
  const broken = await send('POST', '/v1/responses', { body: JSON.stringify({ model: 'gpu', input: 'x', previous_response_id: ids[3] }) });
  t.equal(broken.status, 400, 'a chain with a deleted middle: 400');
  t.match(broken.json, { error: { code: 'previous_response_not_found', message: /earlier response/ } });
  const unstored = await alice.responses.create({ model: 'gpu', input: 'forget me', store: false });
  const notKept = await send('POST', '/v1/responses', { body: JSON.stringify({ model: 'gpu', input: 'x', previous_response_id: unstored.id }) });
  t.equal(notKept.status, 400, 'continuing a store:false response: 400');
  // A response whose stream is still running is not stored yet: continuing it is a 400, not a hang or a partial history.
  const slow = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"slow"},"finish_reason":null}]}';
  chat.reply({ kind: 'stream', events: [slow, slow], stallAfter: 1 });
  const controller = new AbortController();
  const running = await fetch(`${test.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${A}` },
    body: JSON.stringify({ model: 'gpu', input: 'x', stream: true }),
    signal: controller.signal,
  });
  const reader = running.body!.getReader();
  let text = '';
  while (!/resp_[0-9a-f]{32}/.test(text)) text += new TextDecoder().decode((await reader.read()).value as Uint8Array | undefined);
  const runningId = /resp_[0-9a-f]{32}/.exec(text)![0];
  const early = await send('POST', '/v1/responses', { body: JSON.stringify({ model: 'gpu', input: 'x', previous_response_id: runningId }) });
  t.equal(early.status, 400, 'continuing a response still streaming: 400');
  t.equal((await send('GET', `/v1/responses/${runningId}`)).status, 404, 'reading it: 404 until it is done');
  controller.abort();
  await reader.cancel().catch(() => undefined);
});

t.test('ids that are not ids: lone surrogates, NUL, very long, encoded slashes — a 404, never a 500', async (t) => {
  const ids = ['%ED%A0%80', '%00', '%', '%E0%A4%A', 'a'.repeat(8000), 'resp_x%2Finput_items', '__proto__', 'constructor', '%F0%9F%98%80', '..'];
  for (const id of ids) {
    for (const path of [`/v1/responses/${id}`, `/v1/responses/${id}/input_items`]) {
      const res = await rawRequest('GET', path, { authorization: `Bearer ${A}` });
      t.ok(res.status === 404 || res.status === 400, `GET ${path.slice(0, 60)}: ${res.status}`);
      t.notMatch(res.text, NO_STACK);
      t.ok(res.text.length < 2000, 'the id is not echoed whole');
    }
  }
  const del = await rawRequest('DELETE', `/v1/responses/${'%ff'.repeat(100)}`, { authorization: `Bearer ${A}` });
  t.equal(del.status, 404);
  for (const query of ['limit=0', 'limit=101', 'limit=1.5', 'limit=abc', 'limit=1&limit=2', 'order=up', 'after=nope', 'after=a&after=b', 'limit=%00']) {
    const first = await alice.responses.create({ model: 'gpu', input: 'q' });
    const res = await send('GET', `/v1/responses/${first.id}/input_items?${query}`);
    t.equal(res.status, 400, `input_items?${query}: 400`);
    t.ok(isOpenAIError(res.json));
  }
});

t.test('unicode edge cases in text, metadata and names are carried, stored and listed without a 500', async (t) => {
  const body = '{"model":"gpu","input":[{"role":"user","content":"lone \\ud800 and NUL \\u0000 and \\udfff end"}],"metadata":{"k\\u0000":"\\ud83d"},"instructions":"\\u0000"}';
  const res = await send('POST', '/v1/responses', { body });
  t.equal(res.status, 200, `served (${res.text.slice(0, 200)})`);
  const id = String(res.json?.['id']);
  const got = await send('GET', `/v1/responses/${id}`);
  t.equal(got.status, 200);
  t.strictSame((got.json?.['metadata'] as Json)['k\u0000'], '\ud83d');
  const items = await send('GET', `/v1/responses/${id}/input_items`);
  t.match(items.json, { data: [{ content: [{ text: 'lone \ud800 and NUL \u0000 and \udfff end' }] }] });
  const sent = chat.requests.at(-1)?.text ?? '';
  t.match(sent, /lone \\ud800 and NUL \\u0000 and \\udfff end/, 'the engine gets the same escapes, as JSON');
  const messages = await send('POST', '/v1/messages', {
    body: '{"model":"claude-hostile-1","max_tokens":16,"system":"\\ud800","messages":[{"role":"user","content":[{"type":"text","text":"\\u0000\\udc00"}]}]}',
  });
  t.equal(messages.status, 200, `messages served (${messages.text.slice(0, 200)})`);
  const counted = await send('POST', '/v1/messages/count_tokens', { body: '{"model":"gpu","messages":[{"role":"user","content":"\\ud800\\u0000"}]}' });
  t.equal(counted.status, 200, `count_tokens served (${counted.text.slice(0, 200)})`);
});

t.test('a huge input array and a huge messages array: answered or refused precisely, never a 500', async (t) => {
  const input = Array.from({ length: 20_000 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: 'x' }));
  const res = await send('POST', '/v1/responses', { body: JSON.stringify({ model: 'gpu', input }) });
  t.ok(res.status === 200 || res.status === 413 || res.status === 400, `responses: ${res.status} ${res.text.slice(0, 120)}`);
  const items = await send('GET', `/v1/responses/${String(res.json?.['id'])}/input_items?limit=100&order=asc`);
  if (res.status === 200) t.equal((items.json?.['data'] as unknown[]).length, 100);
  const messages = Array.from({ length: 20_000 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: 'x' }));
  const msg = await send('POST', '/v1/messages', { body: JSON.stringify({ model: 'gpu', max_tokens: 16, messages }) });
  t.ok(msg.status === 200 || msg.status === 413 || msg.status === 400, `messages: ${msg.status} ${msg.text.slice(0, 120)}`);
  const counted = await send('POST', '/v1/messages/count_tokens', { body: JSON.stringify({ model: 'gpu', messages }) });
  t.ok(counted.status === 200 || counted.status === 413, `count_tokens: ${counted.status}`);
});

t.test('a function_call_output whose call_id matches no function call is a 400, as OpenAI answers it', async (t) => {
  // OpenAI's answer, as clients report it verbatim: 400 {"message":"No tool call found for function call output
  // with call_id call_….","type":"invalid_request_error","param":"input","code":null}
  // (continuedev/continue issue #10092, agentscope-ai/AgentTeams issue #299).
  const orphan = await send('POST', '/v1/responses', {
    body: JSON.stringify({ model: 'gpu', input: [{ type: 'function_call_output', call_id: 'call_nowhere', output: 'x' }] }),
  });
  t.equal(orphan.status, 400, `no call at all: 400 (${orphan.text.slice(0, 200)})`);
  t.match(orphan.json, { error: { type: 'invalid_request_error', param: 'input', message: 'No tool call found for function call output with call_id call_nowhere.' } });
  const first = await alice.responses.create({ model: 'gpu', input: 'hello' });
  const continued = await send('POST', '/v1/responses', {
    body: JSON.stringify({ model: 'gpu', previous_response_id: first.id, input: [{ type: 'function_call_output', call_id: 'call_nowhere', output: 'x' }] }),
  });
  t.equal(continued.status, 400, 'a conversation without that call: 400');
  const native = await send('POST', '/v1/responses', {
    body: JSON.stringify({ model: 'nat', input: [{ type: 'function_call_output', call_id: 'call_nowhere', output: 'x' }] }),
  });
  t.equal(native.status, 400, 'to a native pool too: 400');
  // Answered calls are fine: in the same input, or in the stored conversation.
  const inline = await send('POST', '/v1/responses', {
    body: JSON.stringify({
      model: 'gpu',
      input: [
        { role: 'user', content: 'weather?' },
        { type: 'function_call', call_id: 'call_1', name: 'w', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
      ],
    }),
  });
  t.equal(inline.status, 200, 'the call in the same input: served');
  t.equal(chat.requests.length, 2, 'only the valid requests reached the engine');
});

t.test('Messages: role system inside messages, as @anthropic-ai/sdk bfa9197f MessageParam allows it; a conversation of thinking only is a 400', async (t) => {
  const res = await claudeA.messages.create({
    model: 'claude-hostile-1',
    max_tokens: 16,
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'again' },
    ],
  });
  t.equal(res.type, 'message');
  // Thinking blocks are dropped (chat has no place for them): a conversation of nothing else leaves the
  // engine no message at all, which the router must refuse itself rather than send `messages: []` on.
  chat.requests.length = 0;
  for (const [name, messages] of [
    ['a user turn of only thinking', [{ role: 'user', content: [{ type: 'thinking', thinking: 'x', signature: '' }] }]],
    ['a user turn of only redacted thinking', [{ role: 'user', content: [{ type: 'redacted_thinking', data: 'x' }] }]],
  ] as const) {
    for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
      const res = await send('POST', path, { body: JSON.stringify({ model: 'gpu', max_tokens: 16, system: 'sys', messages }) });
      t.equal(res.status, 400, `${path}, ${name}: 400 (${res.text.slice(0, 160)})`);
      t.match(res.json, { type: 'error', error: { type: 'invalid_request_error', message: /^messages: / } });
    }
  }
  t.equal(chat.requests.length, 0, 'no engine was asked');
});

t.test('Idempotency-Key abuse on both APIs: malformed keys, another body, another API — each in its API’s envelope', async (t) => {
  const responsesBody = JSON.stringify({ model: 'gpu', input: 'pay once' });
  const messagesBody = JSON.stringify({ model: 'gpu', max_tokens: 16, messages: [{ role: 'user', content: 'pay once' }] });
  for (const [name, key] of [
    ['256 characters', 'k'.repeat(256)],
    ['a control character', 'abc\u0001def'],
    ['a space', 'a b'],
    ['an unclosed quote', '"abc'],
    ['a bad escape', '"a\\nb"'],
    ['parameters', '"abc";p=1'],
    ['an empty quoted string', '""'],
  ] as const) {
    const r = await send('POST', '/v1/responses', { body: responsesBody, headers: { 'idempotency-key': key } }).catch((error: unknown) => ({ status: -1, json: null, error }));
    if (r.status === -1) {
      t.pass(`${name}: fetch refuses to send it`);
      continue;
    }
    t.equal(r.status, 400, `responses, ${name}: 400`);
    t.match(r.json, { error: { code: 'invalid_idempotency_key' } });
    const m = await send('POST', '/v1/messages', { body: messagesBody, headers: { 'idempotency-key': key } });
    t.equal(m.status, 400, `messages, ${name}: 400`);
    t.ok(isAnthropicError(m.json), `messages, ${name}: Anthropic's envelope`);
  }
  // A key sent twice (node joins them; the raw headers tell).
  const twice = await new Promise<number>((resolve, reject) => {
    const url = new URL(test.url);
    const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path: '/v1/messages' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setHeader('content-type', 'application/json');
    req.setHeader('x-api-key', A);
    req.setHeader('idempotency-key', ['one', 'two']);
    req.on('error', reject);
    req.end(messagesBody);
  });
  t.equal(twice, 400, 'the header twice: 400');
  t.equal(chat.requests.length, 0, 'no malformed key ran');

  const key = newKey();
  const first = await send('POST', '/v1/responses', { body: responsesBody, headers: { 'idempotency-key': key } });
  t.equal(first.status, 200);
  const other = await send('POST', '/v1/responses', { body: JSON.stringify({ model: 'gpu', input: 'pay twice' }), headers: { 'idempotency-key': key } });
  t.equal(other.status, 422, 'another body: 422');
  t.match(other.json, { error: { code: 'idempotency_key_reused' } });
  const otherApi = await send('POST', '/v1/messages', { body: messagesBody, headers: { 'idempotency-key': key } });
  t.equal(otherApi.status, 422, 'the same key on another API: 422');
  t.ok(isAnthropicError(otherApi.json), 'in Anthropic’s envelope');
  const chatApi = await send('POST', '/v1/chat/completions', {
    body: JSON.stringify({ model: 'gpu', messages: [{ role: 'user', content: 'pay once' }] }),
    headers: { 'idempotency-key': key },
  });
  t.equal(chatApi.status, 422, 'the same key on chat completions: 422');
  const again = await send('POST', '/v1/responses', { body: responsesBody, headers: { 'idempotency-key': key } });
  t.equal(again.headers.get('x-switchyard-idempotent-replay'), 'true', 'the first body still replays');
  t.equal(again.json?.['id'], first.json?.['id']);
  t.equal(chat.requests.length, 1, 'the engine was asked once');
});

t.test('concurrent duplicates on both APIs: one engine call, every client the same answer', async (t) => {
  for (const [path, body, model] of [
    ['/v1/responses', { model: 'gpu', input: 'together', stream: true }, 'gpu'],
    ['/v1/messages', { model: 'gpu', max_tokens: 16, messages: [{ role: 'user', content: 'together' }], stream: true }, 'gpu'],
    ['/v1/responses', { model: 'nat', input: 'together' }, 'nat'],
  ] as const) {
    chat.requests.length = 0;
    native.requests.length = 0;
    const slow = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"w "},"finish_reason":null}]}';
    const end =
      '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}';
    if (model === 'gpu') chat.reply({ kind: 'stream', events: [slow, slow, slow, end], delayMs: 30 });
    else native.reply({ kind: 'json', body: COMPLETED });
    const key = newKey();
    const answers = await Promise.all(Array.from({ length: 6 }, () => send('POST', path, { body: JSON.stringify(body), headers: { 'idempotency-key': key } })));
    t.strictSame(
      answers.map((a) => a.status),
      [200, 200, 200, 200, 200, 200],
      `${path} ${model}: all 200 (${answers.map((a) => a.text.slice(0, 80)).join(' | ')})`,
    );
    t.equal(new Set(answers.map((a) => a.text.replace(/"sequence_number":\d+/g, ''))).size, 1, `${path} ${model}: one answer, byte for byte`);
    t.equal(chat.requests.length + native.requests.length, 1, `${path} ${model}: one engine call`);
  }
});

t.test('a client that leaves mid-stream with a key: the retry runs again, and nothing half-made is stored or replayed', async (t) => {
  const word = (text: string) => `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"${text}"},"finish_reason":null}]}`;
  for (const [path, body] of [
    ['/v1/responses', { model: 'gpu', input: 'leave', stream: true }],
    ['/v1/messages', { model: 'gpu', max_tokens: 16, messages: [{ role: 'user', content: 'leave' }], stream: true }],
  ] as const) {
    const key = newKey();
    chat.requests.length = 0;
    chat.reply({ kind: 'stream', events: [word('a'), word('b'), word('c'), word('d')], stallAfter: 2 });
    const controller = new AbortController();
    const res = await fetch(`${test.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${A}`, 'idempotency-key': key },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('"b"')) text += new TextDecoder().decode((await reader.read()).value as Uint8Array | undefined);
    controller.abort();
    await chat.nextEarlyClose();
    const id = /resp_[0-9a-f]{32}/.exec(text)?.[0];
    if (id !== undefined) {
      const stored = await send('GET', `/v1/responses/${id}`);
      t.equal(stored.status, 404, 'the abandoned response is not stored');
    }
    // The retry: runs again (the first never finished), and is answered whole.
    const retry = await waitFor('the key let go', async () => {
      const r = await send('POST', path, { body: JSON.stringify({ ...body, stream: false }), headers: { 'idempotency-key': key } });
      return r.status === 409 ? null : r;
    });
    t.equal(retry.status, 200, `${path}: the retry is served (${retry.text.slice(0, 120)})`);
    t.equal(retry.headers.get('x-switchyard-idempotent-replay'), null, `${path}: not a replay of the half answer`);
    t.equal(chat.requests.length, 2, `${path}: the engine asked again`);
  }
  t.equal(await usedBy('alice').then(() => 0), 0, 'every reservation settled');
});

t.test('clients that leave at every stage of a stream, on both APIs and natively: the router serves on, reservations settle', async (t) => {
  const word = (text: string) => `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"${text}"},"finish_reason":null}]}`;
  const cases = [
    ['/v1/responses', { model: 'gpu', input: 'x', stream: true }],
    ['/v1/messages', { model: 'gpu', max_tokens: 16, messages: [{ role: 'user', content: 'x' }], stream: true }],
    ['/v1/responses', { model: 'nat', input: 'x', stream: true }],
    ['/v1/messages', { model: 'nat', max_tokens: 16, messages: [{ role: 'user', content: 'x' }], stream: true }],
  ] as const;
  for (const [path, body] of cases) {
    for (const leaveAfter of [0, 1, 200, 600]) {
      chat.respond = () => ({ kind: 'stream', events: [word('a'), word('b'), word('c')], delayMs: 20 });
      native.respond = () => ({ kind: 'raw', chunks: path === '/v1/responses' ? [OPENAI_STREAM] : [BASIC_STREAM] });
      const controller = new AbortController();
      try {
        const res = await fetch(`${test.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${A}` },
          body: JSON.stringify(body),
          signal: controller.signal,
        });
        const reader = res.body!.getReader();
        let read = 0;
        while (read < leaveAfter) {
          const chunk = await reader.read();
          if (chunk.done) break;
          read += (chunk.value as Uint8Array).length;
        }
        controller.abort();
      } catch {
        // Left before the headers.
      }
    }
  }
  await usedBy('alice');
  chat.respond = null;
  const health = await send('POST', '/v1/responses', { body: JSON.stringify({ model: 'gpu', input: 'still there?' }) });
  t.equal(health.status, 200, 'the router still serves');
  t.notOk(
    test.logs.some((line) => line['level'] === 50 || line['level'] === 60),
    `no error logged: ${JSON.stringify(test.logs.filter((line) => (line['level'] as number) >= 50).slice(0, 2))}`,
  );
});

t.test('a key with its budget nearly spent, on both APIs and natively: refused in each envelope, never overspent', async (t) => {
  const outcomes: string[] = [];
  for (let i = 0; i < 6; i++) {
    const r = await send('POST', '/v1/responses', { key: TIGHT, body: JSON.stringify({ model: 'gpu', input: 'x', max_output_tokens: 16 }) });
    outcomes.push(`responses ${r.status} ${JSON.stringify((r.json?.['error'] as Json | undefined)?.['code'] ?? '')}`);
    if (r.status !== 200) t.ok(isOpenAIError(r.json), `responses refusal in OpenAI’s envelope (${r.text.slice(0, 120)})`);
    const m = await send('POST', '/v1/messages', {
      key: null,
      headers: { 'x-api-key': TIGHT },
      body: JSON.stringify({ model: 'gpu', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }),
    });
    outcomes.push(`messages ${m.status} ${JSON.stringify((m.json?.['error'] as Json | undefined)?.['type'] ?? '')}`);
    if (m.status !== 200) {
      t.equal(m.status, 429, `messages refusal: 429 (${m.text.slice(0, 160)})`);
      t.ok(isAnthropicError(m.json), 'in Anthropic’s envelope');
      t.match(m.json, { error: { type: 'rate_limit_error' } });
    }
    native.respond = () => ({ kind: 'json', body: COMPLETED });
    const n = await send('POST', '/v1/responses', { key: TIGHT, body: JSON.stringify({ model: 'nat', input: 'x', max_output_tokens: 16 }) });
    outcomes.push(`native ${n.status}`);
  }
  const noCap = await send('POST', '/v1/responses', { key: TIGHT, body: JSON.stringify({ model: 'gpu', input: 'x' }) });
  outcomes.push(`no max_output_tokens ${noCap.status} ${noCap.text.slice(0, 100)}`);
  t.comment(outcomes.join('\n'));
  const used = await usedBy('tight');
  t.ok(used <= 100, `never over the 100-token day (used ${used})`);
  t.ok(
    outcomes.some((o) => / 429/.test(o)),
    'some were refused',
  );
});

t.test('Messages: a tool_use left unanswered by the next turn is a 400, as Anthropic answers it', async (t) => {
  // Anthropic's answer, as Claude Code users report it verbatim (anthropics/claude-code issues #1237, #5989):
  // 400 invalid_request_error "messages.N: `tool_use` ids were found without `tool_result` blocks immediately
  // after: toolu_…. Each `tool_use` block must have a corresponding `tool_result` block in the next message."
  const asked = {
    role: 'assistant',
    content: [
      { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
      { type: 'tool_use', id: 'toolu_2', name: 'f', input: {} },
    ],
  };
  const result = (id: string) => ({ type: 'tool_result', tool_use_id: id, content: 'r' });
  for (const [name, next] of [
    ['a plain user turn', { role: 'user', content: 'never mind' }],
    ['one of two answered', { role: 'user', content: [result('toolu_1'), { type: 'text', text: 'and?' }] }],
    ['another assistant turn', { role: 'assistant', content: 'more' }],
  ] as const) {
    const res = await send('POST', '/v1/messages', { body: JSON.stringify({ model: 'gpu', max_tokens: 16, messages: [{ role: 'user', content: 'q' }, asked, next] }) });
    t.equal(res.status, 400, `${name}: 400 (${res.text.slice(0, 200)})`);
    t.match(res.json, {
      type: 'error',
      error: { type: 'invalid_request_error', message: /^messages\.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_/ },
    });
  }
  t.equal(chat.requests.length, 0, 'no engine was asked');
  const answered = await claudeA.messages.create({
    model: 'gpu',
    max_tokens: 16,
    messages: [
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
          { type: 'tool_use', id: 'toolu_2', name: 'f', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'b' },
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'a' },
        ],
      },
    ],
  });
  t.equal(answered.type, 'message', 'both answered, in any order: served');
  const prefill = await send('POST', '/v1/messages', { body: JSON.stringify({ model: 'gpu', max_tokens: 16, messages: [{ role: 'user', content: 'q' }, asked] }) });
  t.equal(prefill.status, 200, 'a final assistant turn (nothing after it yet) is not judged');
});

t.test('a function call left without its output is a 400, as OpenAI answers it', async (t) => {
  // OpenAI: 400 {"message":"No tool output found for function call call_….","type":"invalid_request_error",
  // "param":"input","code":null} (quoted in tjardoo/openai-client pull request #124).
  chat.reply({
    kind: 'json',
    body: {
      id: 'chatcmpl-call',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_w', type: 'function', function: { name: 'w', arguments: '{}' } }] },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    },
  });
  const tools = [{ type: 'function' as const, name: 'w', parameters: { type: 'object', properties: {} }, strict: false }];
  const asked = await alice.responses.create({ model: 'gpu', input: 'weather?', tools });
  t.equal(asked.output[0]?.type, 'function_call');
  chat.requests.length = 0;
  const ignored = await send('POST', '/v1/responses', { body: JSON.stringify({ model: 'gpu', previous_response_id: asked.id, input: 'never mind', tools }) });
  t.equal(ignored.status, 400, `continuing past an unanswered call: 400 (${ignored.text.slice(0, 200)})`);
  t.match(ignored.json, { error: { type: 'invalid_request_error', param: 'input', message: 'No tool output found for function call call_w.' } });
  const inline = await send('POST', '/v1/responses', {
    body: JSON.stringify({
      model: 'gpu',
      input: [
        { role: 'user', content: 'q' },
        { type: 'function_call', call_id: 'call_x', name: 'w', arguments: '{}' },
      ],
    }),
  });
  t.equal(inline.status, 400, 'a call in the input with no output: 400');
  t.equal(chat.requests.length, 0, 'no engine was asked');
  const answered = await alice.responses.create({
    model: 'gpu',
    previous_response_id: asked.id,
    input: [{ type: 'function_call_output', call_id: 'call_w', output: 'sunny' }],
    tools,
  });
  t.equal(answered.status, 'completed', 'answered: served');
});

t.test('names like object internals as models and metadata keys: a precise answer, never a 500', async (t) => {
  for (const model of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    const r = await send('POST', '/v1/responses', { body: JSON.stringify({ model, input: 'x' }) });
    t.equal(r.status, 404, `responses, model ${model}: 404`);
    const m = await send('POST', '/v1/messages', { body: JSON.stringify({ model, max_tokens: 4, messages: [{ role: 'user', content: 'x' }] }) });
    t.equal(m.status, 404, `messages, model ${model}: 404`);
    t.match(m.json, { type: 'error', error: { type: 'not_found_error' } });
    const c = await send('POST', '/v1/messages/count_tokens', { body: JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }] }) });
    t.equal(c.status, 404, `count_tokens, model ${model}: 404`);
  }
  const made = await send('POST', '/v1/responses', { body: '{"model":"gpu","input":"x","metadata":{"__proto__":"p","constructor":"c"}}' });
  t.equal(made.status, 200);
  t.strictSame(made.json?.['metadata'], JSON.parse('{"__proto__":"p","constructor":"c"}'), 'echoed as sent');
  const got = await send('GET', `/v1/responses/${String(made.json?.['id'])}`);
  t.strictSame(got.json?.['metadata'], JSON.parse('{"__proto__":"p","constructor":"c"}'), 'stored as sent');
});

t.test('an idempotent retry of a continuation whose previous response was deleted since', async (t) => {
  const first = await alice.responses.create({ model: 'gpu', input: 'one' });
  const key = newKey();
  const body = JSON.stringify({ model: 'gpu', input: 'two', previous_response_id: first.id });
  const second = await send('POST', '/v1/responses', { body, headers: { 'idempotency-key': key } });
  t.equal(second.status, 200);
  await alice.responses.delete(first.id);
  const retry = await send('POST', '/v1/responses', { body, headers: { 'idempotency-key': key } });
  // Stripe's rule: the stored answer for the same key and body, though the conversation is gone (only
  // running the request needs it; responses-replays.test.ts has the rest).
  t.equal(retry.status, 200, `the retry: ${retry.status} ${retry.text.slice(0, 160)}`);
  t.equal(retry.headers.get('x-switchyard-idempotent-replay'), 'true');
  t.equal((retry.json as { id?: string }).id, (second.json as { id?: string }).id, 'the first answer again');
});

t.test('concurrent streams on both APIs from a key near its budget, some abandoned: never overspent, everything settles', async (t) => {
  const word = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"w "},"finish_reason":null}]}';
  const end =
    '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":6,"total_tokens":11}}';
  chat.respond = () => ({ kind: 'stream', events: [word, word, word, word, word, word, end], delayMs: 10 });
  native.respond = (request) => ({ kind: 'raw', chunks: [request.path === '/v1/responses' ? OPENAI_STREAM : BASIC_STREAM] });
  const statuses = await Promise.all(
    Array.from({ length: 12 }, async (_, i) => {
      const messages = i % 2 === 0;
      const model = i % 3 === 0 ? 'nat' : 'gpu';
      const body = messages ? { model, max_tokens: 12, stream: true, messages: [{ role: 'user', content: 'x' }] } : { model, input: 'x', max_output_tokens: 16, stream: true };
      const controller = new AbortController();
      try {
        const res = await fetch(`${test.url}${messages ? '/v1/messages' : '/v1/responses'}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(messages ? { 'x-api-key': TIGHT2 } : { authorization: `Bearer ${TIGHT2}` }) },
          body: JSON.stringify(body),
          signal: controller.signal,
        });
        if (i % 4 === 1) {
          await res.body?.getReader().read();
          controller.abort();
          return `${res.status} left`;
        }
        const text = await res.text();
        if (res.status !== 200)
          t.ok(messages ? isAnthropicError(JSON.parse(text) as Json) : isOpenAIError(JSON.parse(text) as Json), `refusal ${res.status} in its API’s envelope`);
        return String(res.status);
      } catch {
        return 'left';
      }
    }),
  );
  t.comment(statuses.join(' '));
  const used = await usedBy('tight2');
  t.ok(used <= 150, `never over the 150-token day (used ${used})`);
  t.ok(used > 0, 'something was charged');
});

t.test('a duplicate that waits past idempotency.waitMs: 409 in each API’s envelope, with Retry-After', async (t) => {
  const word = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"w "},"finish_reason":null}]}';
  for (const [path, body, anthropic] of [
    ['/v1/messages', { model: 'gpu', max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'slow' }] }, true],
    ['/v1/responses', { model: 'gpu', input: 'slow', stream: true }, false],
  ] as const) {
    chat.respond = () => ({ kind: 'stream', events: [word, word, word, word, word], delayMs: 900 });
    const key = newKey();
    const first = send('POST', path, { body: JSON.stringify(body), headers: { 'idempotency-key': key } });
    await waitFor('the first reached the engine', () => Promise.resolve(chat.requests.length > 0));
    const second = await send('POST', path, { body: JSON.stringify({ ...body, stream: false }), headers: { 'idempotency-key': key } });
    t.equal(second.status, 409, `${path}: 409 (${second.text.slice(0, 160)})`);
    t.equal(second.headers.get('retry-after'), '1');
    if (anthropic) t.match(second.json, { type: 'error', error: { type: 'conflict_error' } });
    else t.match(second.json, { error: { code: 'idempotency_key_in_use' } });
    t.equal((await first).status, 200);
    chat.requests.length = 0;
  }
});

t.test('a native Response continued on a translated pool, and a translated one on a native pool', async (t) => {
  native.respond = () => ({ kind: 'json', body: COMPLETED });
  const nat = await alice.responses.create({ model: 'nat', input: 'first, natively' });
  const onChat = await alice.responses.create({ model: 'gpu', input: 'then translated', previous_response_id: nat.id });
  t.equal(onChat.status, 'completed');
  const sent = chat.requests.at(-1)?.body?.['messages'] as Json[];
  t.strictSame(
    sent.map((m) => m['role']),
    ['user', 'assistant', 'user'],
    'the engine gets the native turn as a chat turn',
  );
  const back = await alice.responses.create({ model: 'nat', input: 'and native again', previous_response_id: onChat.id });
  t.ok(back.id.startsWith('resp_'));
  const input = native.requests.at(-1)?.body?.['input'] as Json[];
  t.equal(input.length, 5, 'the native engine gets the whole conversation as input items');
  t.equal(native.requests.at(-1)?.body?.['previous_response_id'], undefined, 'and no previous_response_id');
});

t.test('output caps past any number a budget can hold: a precise refusal in the API’s envelope, never a 500', async (t) => {
  for (const max of [1e300, 2 ** 53, 2 ** 53 + 2, 1e21]) {
    const m = await send('POST', '/v1/messages', { body: `{"model":"gpu","max_tokens":${max},"messages":[{"role":"user","content":"x"}]}` });
    t.ok(m.status === 400 || m.status === 429, `messages max_tokens ${max}: ${m.status} ${m.text.slice(0, 160)}`);
    t.ok(isAnthropicError(m.json), 'in Anthropic’s envelope');
    const r = await send('POST', '/v1/responses', { body: `{"model":"gpu","max_output_tokens":${max},"input":"x"}` });
    t.ok(r.status === 400 || r.status === 429, `responses max_output_tokens ${max}: ${r.status} ${r.text.slice(0, 160)}`);
    const c = await send('POST', '/v1/messages/count_tokens', { body: `{"model":"gpu","max_tokens":${max},"messages":[{"role":"user","content":"x"}]}` });
    t.equal(c.status, 200, 'count_tokens does not read max_tokens');
  }
  t.equal(chat.requests.length, 0, 'no engine was asked');
  t.equal(await usedBy('alice').then(() => 0), 0, 'nothing left reserved');
});

// A native pool's 2xx must be its API's answer: a Response (object "response", an output array) or a
// Message (type "message", a content array), and a stream must open with its API's first event
// (response.created, message_start). Anything else is the replica's failure (upstream_error), judged
// before commit like a chat engine's answer that is not one: this pool is the only one, so the client
// gets the 502, in its API's envelope, and nothing is stored.
t.test('native engines answering 200 with something that is not their API’s answer: a 502 in the client’s envelope, nothing stored', async (t) => {
  const chatCompletion = { id: 'chatcmpl-x', object: 'chat.completion', choices: [] };
  const forResponses: [string, Behaviour][] = [
    ['{"hello":"world"}', { kind: 'json', body: { hello: 'world' } }],
    ['a chat completion', { kind: 'json', body: chatCompletion }],
    ['a failed Response', { kind: 'json', body: { ...COMPLETED, status: 'failed', error: { code: 'server_error', message: 'boom' } } }],
    ['a completed Response with no output', { kind: 'json', body: { ...COMPLETED, output: [] } }],
  ];
  for (const [what, behaviour] of forResponses) {
    native.respond = () => behaviour;
    const responses = await send('POST', '/v1/responses', { body: JSON.stringify({ model: 'nat', input: 'x' }) });
    t.equal(responses.status, 502, `a Responses pool answering ${what}: 502 (got ${responses.status} ${responses.text.slice(0, 120)})`);
    t.ok(isOpenAIError(responses.json), 'in OpenAI’s envelope');
    t.match(responses.json, { error: { code: 'upstream_error' } });
    t.notMatch(responses.text, /resp_[0-9a-f]{32}/, 'no Response was made of it');
  }
  const forMessages: [string, Behaviour][] = [
    ['{"hello":"world"}', { kind: 'json', body: { hello: 'world' } }],
    ['a Response', { kind: 'json', body: COMPLETED }],
  ];
  for (const [what, behaviour] of forMessages) {
    native.respond = () => behaviour;
    const messages = await send('POST', '/v1/messages', { body: JSON.stringify({ model: 'nat', max_tokens: 4, messages: [{ role: 'user', content: 'x' }] }) });
    t.equal(messages.status, 502, `a Messages pool answering ${what}: 502 (got ${messages.status} ${messages.text.slice(0, 120)})`);
    t.ok(isAnthropicError(messages.json), 'in Anthropic’s envelope');
  }
  t.equal(native.requests.length, 6, 'one attempt each: the only pool');
});

t.test('a chat engine answering 200 with something that is not a chat completion: a 502 in every API’s envelope, nothing stored', async (t) => {
  // vLLM's error object sent with a 200, and any other JSON object: the replica's failure, not an empty answer.
  const bodies: [string, Behaviour][] = [
    ['an error object', { kind: 'json', body: { object: 'error', message: 'boom: engine failed', type: 'InternalServerError', code: 500 } }],
    ['{"hello":"world"}', { kind: 'json', body: { hello: 'world' } }],
    ['a completion with no choices', { kind: 'json', body: { id: 'chatcmpl-e', object: 'chat.completion', choices: [] } }],
  ];
  for (const [what, behaviour] of bodies) {
    chat.respond = () => behaviour;
    const responses = await send('POST', '/v1/responses', { body: JSON.stringify({ model: 'gpu', input: 'x' }) });
    t.equal(responses.status, 502, `Responses, ${what}: 502 (got ${responses.status} ${responses.text.slice(0, 120)})`);
    t.ok(isOpenAIError(responses.json), 'in OpenAI’s envelope');
    t.match(responses.json, { error: { code: 'upstream_error' } });
    t.notMatch(responses.text, /resp_[0-9a-f]{32}/, 'no Response was made of it, so none was stored');
    const messages = await send('POST', '/v1/messages', { body: JSON.stringify({ model: 'gpu', max_tokens: 4, messages: [{ role: 'user', content: 'x' }] }) });
    t.equal(messages.status, 502, `Messages, ${what}: 502 (got ${messages.status} ${messages.text.slice(0, 120)})`);
    t.ok(isAnthropicError(messages.json), 'in Anthropic’s envelope');
    const completions = await send('POST', '/v1/chat/completions', { body: JSON.stringify({ model: 'gpu', messages: [{ role: 'user', content: 'x' }] }) });
    t.equal(completions.status, 502, `chat completions, ${what}: 502 (got ${completions.status} ${completions.text.slice(0, 120)})`);
    t.notMatch(completions.text, /boom/, 'the engine’s text is logged, not sent');
  }
  // OpenAI indents its bodies: an answer in any spacing is one.
  chat.respond = () => ({
    kind: 'text',
    status: 200,
    contentType: 'application/json',
    text: JSON.stringify(
      { id: 'chatcmpl-s', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'spaced' }, finish_reason: 'stop' }] },
      null,
      2,
    ),
  });
  const spaced = await send('POST', '/v1/messages', { body: JSON.stringify({ model: 'gpu', max_tokens: 4, messages: [{ role: 'user', content: 'x' }] }) });
  t.equal(spaced.status, 200);
  t.match(spaced.json, { content: [{ type: 'text', text: 'spaced' }] });
});

t.test('native engines streaming events that are not their API’s: a 502 in the client’s envelope before anything is sent', async (t) => {
  const streams: [string, string][] = [
    ['chat completion chunks', 'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n'],
    ['named events of no API', 'event: hello\ndata: {"hello":"world"}\n\nevent: bye\ndata: {}\n\n'],
  ];
  for (const [what, chunk] of streams) {
    native.respond = () => ({ kind: 'raw', chunks: [chunk] });
    const responses = await send('POST', '/v1/responses', { body: JSON.stringify({ model: 'nat', input: 'x', stream: true }) });
    t.equal(responses.status, 502, `a Responses stream of ${what}: 502 (got ${responses.status} ${responses.text.slice(0, 120)})`);
    t.ok(isOpenAIError(responses.json), 'in OpenAI’s envelope');
    const messages = await send('POST', '/v1/messages', { body: JSON.stringify({ model: 'nat', max_tokens: 4, stream: true, messages: [{ role: 'user', content: 'x' }] }) });
    t.equal(messages.status, 502, `a Messages stream of ${what}: 502 (got ${messages.status} ${messages.text.slice(0, 120)})`);
    t.ok(isAnthropicError(messages.json), 'in Anthropic’s envelope');
  }
  // Each API's stream where the other's is expected.
  native.respond = () => ({ kind: 'raw', chunks: [BASIC_STREAM] });
  const responses = await send('POST', '/v1/responses', { body: JSON.stringify({ model: 'nat', input: 'x', stream: true }) });
  t.equal(responses.status, 502, `a Messages stream to a Responses client: 502 (got ${responses.status} ${responses.text.slice(0, 120)})`);
  native.respond = () => ({ kind: 'raw', chunks: [OPENAI_STREAM] });
  const messages = await send('POST', '/v1/messages', { body: JSON.stringify({ model: 'nat', max_tokens: 4, stream: true, messages: [{ role: 'user', content: 'x' }] }) });
  t.equal(messages.status, 502, `a Responses stream to a Messages client: 502 (got ${messages.status} ${messages.text.slice(0, 120)})`);
});

t.test(
  'a key id deleted and created again for someone else reaches none of the old holder’s stored responses or idempotent answers',
  // Each key the admin API creates is an owner of its own (its record's generation, src/budgets/owner.ts):
  // the id alone would hand a re-created id the old holder's records for their TTL.
  async (t) => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const create = async () => {
      const res = await fetch(`${test.url}/admin/keys`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ id: 'key_reused', name: 'tenant', limits: { tokensPerDay: 100000 } }),
      });
      return ((await res.json()) as { secret: string }).secret;
    };
    const first = await create();
    const body = JSON.stringify({ model: 'gpu', input: 'tenant one secret' });
    const made = await send('POST', '/v1/responses', { key: first, body, headers: { 'idempotency-key': 'reused-key' } });
    t.equal(made.status, 200);
    t.equal((await fetch(`${test.url}/admin/keys/key_reused`, { method: 'DELETE', headers: admin })).status, 200);
    const second = await create();
    t.not(second, first);
    const read = await send('GET', `/v1/responses/${String(made.json?.['id'])}`, { key: second });
    t.equal(read.status, 404, 'the old response is not the new holder’s');
    const retried = await send('POST', '/v1/responses', { key: second, body, headers: { 'idempotency-key': 'reused-key' } });
    t.equal(retried.headers.get('x-switchyard-idempotent-replay'), null, 'nor the old idempotent answer');
    t.not(retried.json?.['id'], made.json?.['id'], 'a new response, not the old one replayed');
  },
);
