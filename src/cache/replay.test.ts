// Replaying entries to a real HTTP client on loopback, in every shape: JSON→JSON, JSON→SSE, SSE→JSON, SSE→SSE.
import { createServer } from 'node:http';
import t, { type Test } from 'tap';
import { listenOnLoopback } from '../../test/fixtures/loopback-server.js';
import { AbortSwitch } from '../proxy/abort-switch.js';
import type { CacheEntry } from './entry.js';
import { replay, type ReplayOptions } from './replay.js';

const head = { id: 'chatcmpl-old', object: 'chat.completion.chunk', created: 1, model: 'm' };
const chunks = [
  { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] },
  { ...head, choices: [{ index: 0, delta: { content: 'Hello' }, logprobs: null, finish_reason: null }] },
  { ...head, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] },
  { ...head, choices: [], usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 } },
];
const plain = {
  id: 'chatcmpl-old',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
};

function entry(kind: 'json' | 'sse', status = 200): CacheEntry {
  const parts = kind === 'json' ? [Buffer.from(JSON.stringify(plain))] : chunks.map((chunk) => Buffer.from(JSON.stringify(chunk)));
  return { endpoint: 'chat', kind, status, createdMs: 0, alias: 'a', tier: 't', pool: 'p', usage: null, costNanoUsd: null, finish: ['stop'], parts };
}

async function serve(t: Test, stored: CacheEntry, options: Omit<ReplayOptions, 'abort'>): Promise<{ status: number; type: string | null; hit: string | null; text: string }> {
  const server = createServer((_req, res) => {
    void replay(res, stored, { ...options, abort: new AbortSwitch() });
  });
  const url = await listenOnLoopback(t, server);
  const reply = await fetch(url);
  return { status: reply.status, type: reply.headers.get('content-type'), hit: reply.headers.get('x-switchyard-cache'), text: await reply.text() };
}

const NEW = { id: 'chatcmpl-req1', created: 99 };
const base = { headers: { 'x-switchyard-cache': 'hit' }, clientWantsUsage: false, identity: NEW, usageCost: null };

function events(text: string): unknown[] {
  t.ok(text.endsWith('data: [DONE]\n\n'));
  return text
    .split('\n\n')
    .filter((event) => event !== '' && event !== 'data: [DONE]')
    .map((event) => JSON.parse(event.slice('data: '.length)) as unknown);
}

t.test('SSE → SSE: new id and created in every chunk, usage chunk only when asked', async (t) => {
  const without = await serve(t, entry('sse'), { ...base, stream: true });
  t.strictSame([without.status, without.type, without.hit], [200, 'text/event-stream; charset=utf-8', 'hit']);
  t.strictSame(
    events(without.text),
    chunks.slice(0, 3).map((chunk) => ({ ...chunk, ...NEW })),
  );
  const withUsage = await serve(t, entry('sse'), { ...base, stream: true, clientWantsUsage: true });
  t.strictSame(
    events(withUsage.text),
    chunks.map((chunk) => ({ ...chunk, ...NEW })),
  );
});

t.test('usageCost goes into the usage chunk as usage.cost (a hit: 0)', async (t) => {
  const reply = await serve(t, entry('sse'), { ...base, stream: true, clientWantsUsage: true, usageCost: 0 });
  t.strictSame(events(reply.text).at(-1), { ...chunks[3], ...NEW, usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3, cost: 0 } });
});

t.test('JSON → SSE gives the same chunks a stream of that answer would', async (t) => {
  const reply = await serve(t, entry('json'), { ...base, stream: true, clientWantsUsage: true });
  t.strictSame(
    events(reply.text),
    chunks.map((chunk) => ({ ...chunk, ...NEW })),
  );
});

t.test('SSE → JSON and JSON → JSON give the plain answer with the new identity', async (t) => {
  for (const kind of ['sse', 'json'] as const) {
    const reply = await serve(t, entry(kind), { ...base, stream: false });
    t.strictSame([reply.status, reply.type], [200, 'application/json']);
    t.strictSame(JSON.parse(reply.text), { ...plain, ...NEW }, kind);
  }
});

t.test('identity null (an idempotent replay): the stored bytes as they were; a stored error keeps its status', async (t) => {
  const same = await serve(t, entry('json'), { ...base, identity: null, stream: false });
  t.equal(same.text, JSON.stringify(plain));
  const error = { ...entry('json', 400), parts: [Buffer.from('{"error":{"message":"bad","type":"invalid_request_error"}}')] };
  const refused = await serve(t, error, { ...base, identity: null, stream: true });
  t.strictSame(
    [refused.status, refused.type, refused.text],
    [400, 'application/json; charset=utf-8', '{"error":{"message":"bad","type":"invalid_request_error"}}'],
    'as render-errors.ts sent the original',
  );
});

t.test('a client gone before the replay: it rejects with the abort reason and writes nothing more', async (t) => {
  const server = createServer();
  const abort = new AbortSwitch();
  let settled: unknown = null;
  server.on('request', (_req, res) => {
    abort.abort(new Error('gone'));
    replay(res, entry('sse'), { ...base, stream: true, abort }).then(
      () => (settled = 'resolved'),
      (error: unknown) => {
        settled = error;
        res.destroy();
      },
    );
  });
  const url = await listenOnLoopback(t, server);
  await fetch(url)
    .then((reply) => reply.text())
    .catch(() => null);
  t.match(settled, { message: 'gone' });
});
