// The fingerprint says whether a retry is the same request: equal JSON is equal whatever its key order
// or spacing, `stream` and `stream_options` do not count (a retry may switch streaming), and
// everything else does.
import t from 'tap';
import { fingerprint, idempotencyId } from './fingerprint.js';

const parse = (text: string) => JSON.parse(text) as Record<string, unknown>;

t.test('byte-different but equal bodies have one fingerprint', async (t) => {
  const a = parse('{"model":"chat","messages":[{"role":"user","content":"hi"}],"temperature":0.5,"max_tokens":8}');
  const b = parse('{ "max_tokens" : 8,\n  "temperature": 5e-1, "messages": [ { "content": "hi", "role": "user" } ],\t"model": "chat" }');
  t.equal(fingerprint('chat', 'chat', a), fingerprint('chat', 'chat', b));
  t.match(fingerprint('chat', 'chat', a), /^[0-9a-f]{64}$/, 'SHA-256, hex');
});

t.test('a retry may switch streaming: stream and stream_options are left out', async (t) => {
  const plain = parse('{"model":"chat","messages":[{"role":"user","content":"hi"}]}');
  const streamed = parse('{"model":"chat","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}');
  t.equal(fingerprint('chat', 'chat', plain), fingerprint('chat', 'chat', streamed));
  t.strictSame(Object.keys(streamed), ['model', 'messages', 'stream', 'stream_options'], 'the body is not changed');
});

t.test('everything else counts: a field, a value, nesting, the endpoint, the alias', async (t) => {
  const base = parse('{"model":"chat","messages":[{"role":"user","content":"hi"}]}');
  const seen = new Set([fingerprint('chat', 'chat', base)]);
  const variants: [string, string, Record<string, unknown>][] = [
    ['chat', 'chat', parse('{"model":"chat","messages":[{"role":"user","content":"hi!"}]}')],
    ['chat', 'chat', parse('{"model":"chat","messages":[{"role":"user","content":"hi"}],"user":"u1"}')],
    ['chat', 'chat', parse('{"model":"chat","messages":[{"role":"user","content":"hi"}],"temperature":null}')],
    ['chat', 'chat', parse('{"model":"chat","messages":[{"role":"user","content":"hi","name":"a"}]}')],
    ['completions', 'chat', base],
    ['chat', 'large', base],
  ];
  for (const [endpoint, alias, body] of variants) seen.add(fingerprint(endpoint as 'chat', alias, body));
  t.equal(seen.size, variants.length + 1, 'each differs from the others');
});

t.test("the record's id: the caller's scope and the key, hashed", async (t) => {
  t.match(idempotencyId('team', 'k-1'), /^[0-9a-f]{64}$/);
  t.not(idempotencyId('team', 'k-1'), idempotencyId('other', 'k-1'), "key A's idempotency key is not key B's");
  t.equal(idempotencyId('team', 'k-1'), idempotencyId('team', 'k-1'));
});

t.test('another API is another request: Responses and Messages fingerprint their own body under their API name', async (t) => {
  const body = parse('{"model":"chat","messages":[{"role":"user","content":"hi"}],"max_tokens":8}');
  const prints = new Set([fingerprint('chat', 'chat', body), fingerprint('responses', 'chat', body), fingerprint('messages', 'chat', body)]);
  t.equal(prints.size, 3);
  t.equal(fingerprint('messages', 'chat', body), fingerprint('messages', 'chat', { ...body, stream: true }), 'stream is transport there too');
});

t.test(
  "Messages: the client's anthropic-version and anthropic-beta (what a native engine is sent with the body) count; without them the print is the one made before they did",
  async (t) => {
    const body = parse('{"model":"claude","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}');
    const native = (headers?: Record<string, string>) => ({ api: 'messages' as const, path: '/v1/messages', body, ...(headers === undefined ? {} : { headers }) });
    // Pinned: the fingerprint of this request by the router before the headers counted (1ae05ba), so its records still match.
    t.equal(fingerprint('messages', 'claude', body, native()), '2533ed9bded09b32dce28d32334727e9096d5e944e0f9e6b4faa6b9cbcafa0b8');
    t.equal(fingerprint('messages', 'claude', body), fingerprint('messages', 'claude', body, native()));
    const prints = new Set([
      fingerprint('messages', 'claude', body, native()),
      fingerprint('messages', 'claude', body, native({ 'anthropic-version': '2023-06-01' })),
      fingerprint('messages', 'claude', body, native({ 'anthropic-version': '2026-10-21' })),
      fingerprint('messages', 'claude', body, native({ 'anthropic-version': '2023-06-01', 'anthropic-beta': 'context-1m-2025-08-07' })),
    ]);
    t.equal(prints.size, 4, 'each differs');
    t.equal(
      fingerprint('messages', 'claude', body, native({ 'anthropic-beta': 'b', 'anthropic-version': 'v' })),
      fingerprint('messages', 'claude', body, native({ 'anthropic-version': 'v', 'anthropic-beta': 'b' })),
      'whatever their order',
    );
  },
);
