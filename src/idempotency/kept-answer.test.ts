// The record's answer bytes, version 2: a chat answer with its answer format's state, a native answer
// with its bytes; a version 1 record (a bare cache entry, as routers before version 2 wrote it) still
// reads, as a chat answer without state; anything else is unreadable (the request then runs).
import t from 'tap';
import { encodeEntry, type CacheEntry } from '../cache/entry.js';
import { decodeKept, encodeKept, type KeptAnswer } from './kept-answer.js';

const ENTRY: CacheEntry = {
  endpoint: 'chat',
  kind: 'sse',
  status: 200,
  createdMs: 1_700_000_000_000,
  alias: 'chat',
  tier: 'small',
  pool: 'gpu',
  usage: { prompt: 7, cached: null, completion: 3 },
  costNanoUsd: null,
  finish: ['stop'],
  parts: [Buffer.from('{"id":"chatcmpl-1","choices":[]}'), Buffer.from('{"id":"chatcmpl-1","choices":[{"finish_reason":"stop"}]}')],
};
const STATE = { seed: '0123456789abcdef0123456789abcdef', createdAt: 1_700_000_000, completedAt: 1_700_000_001, stored: true };

t.test('a chat answer and its state, and a native answer, decode as they were encoded', async (t) => {
  const chat: KeptAnswer = { kind: 'chat', entry: ENTRY, state: STATE };
  t.strictSame(decodeKept(encodeKept(chat)), chat);
  t.strictSame(decodeKept(encodeKept({ ...chat, state: null })), { ...chat, state: null });
  const native: KeptAnswer = {
    kind: 'native',
    meta: { api: 'messages', stream: true, createdMs: 1_700_000_000_000, tier: 'small', pool: 'ant' },
    body: Buffer.from('event: message_start\ndata: {"type":"message_start"}\n\n'),
  };
  t.strictSame(decodeKept(encodeKept(native)), native);
  for (const answer of [chat, native]) {
    const bytes = encodeKept(answer);
    t.equal(bytes.buffer.byteLength, bytes.length, `a ${answer.kind} answer is kept in bytes of its own, not a view of a shared slab`);
  }
});

t.test('a version 1 record (a bare cache entry) is a chat answer without state', async (t) => {
  t.strictSame(decodeKept(encodeEntry(ENTRY)), { kind: 'chat', entry: ENTRY, state: null });
});

t.test('anything else is unreadable, never a crash', async (t) => {
  const native = encodeKept({ kind: 'native', meta: { api: 'responses', stream: false, createdMs: 1, tier: 't', pool: 'p' }, body: Buffer.from('{}') });
  const header = (text: string) => Buffer.concat([Buffer.from(`${text}\n`), Buffer.from('{}')]);
  for (const bytes of [
    Buffer.from('no newline'),
    header('not json'),
    header('{"idem":3,"kind":"native","api":"responses","stream":false,"createdMs":1,"tier":"t","pool":"p"}'),
    header('{"idem":2,"kind":"native","api":"completions","stream":false,"createdMs":1,"tier":"t","pool":"p"}'),
    header('{"idem":2,"kind":"native","api":"responses","stream":"yes","createdMs":1,"tier":"t","pool":"p"}'),
    header('{"idem":2,"kind":"chat","state":null}'),
    header('{"idem":2,"kind":"other"}'),
    header('[1]'),
  ]) {
    t.equal(decodeKept(bytes), null, bytes.toString('utf8', 0, 60));
  }
  t.not(decodeKept(native), null);
});
