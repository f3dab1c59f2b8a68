// The recorder keeps a complete answer whole or nothing, and an entry survives its encoding.
import t from 'tap';
import { SseByteSplitter } from '../openai/sse-buffer.js';
import { parseRequest } from '../routing/inference-request.js';
import { storable } from './eligibility.js';
import { decodeEntry, encodeEntry, entryAgeSeconds } from './entry.js';
import { Recorder, UNREADABLE_REASON, finishReasons, finishReasonsIn } from './recorder.js';
import { recordedResult as result } from '../../test/fixtures/cache-entry.js';

/** Feeds the recorder as the event relay does: the engine's bytes, split into events chunk by chunk. */
function feed(recorder: Recorder, ...chunks: string[]): void {
  const splitter = new SseByteSplitter();
  for (const chunk of chunks) {
    const split = splitter.push(Buffer.from(chunk));
    recorder.events(split.buffer, split.events);
  }
}

// vLLM's bytes (`data: ` with a space); TGI's axum writes `data:` without one, and keep-alive comments.
const A = '{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}';
const B = '{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}';
const U = '{"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}';

t.test('a complete stream becomes an entry of its payloads, comments and [DONE] left out, across chunk boundaries', async (t) => {
  const recorder = new Recorder(10_000);
  feed(recorder, `data: ${A}\n\n: keep-alive\n\ndata:${B.slice(0, 10)}`, `${B.slice(10)}\n\ndata: ${U}\n\ndata: [DONE]\n\n`);
  t.equal(recorder.state, 'complete');
  const entry = recorder.entry(result(), 5_000);
  t.ok(entry);
  t.strictSame(
    entry!.parts.map((part) => part.toString()),
    [A, B, U],
  );
  t.strictSame(entry!.finish, ['stop']);
  t.strictSame(entry!.usage, { prompt: 3, cached: null, completion: 4 });
  t.strictSame(
    { kind: entry!.kind, status: entry!.status, pool: entry!.pool, tier: entry!.tier, alias: entry!.alias, cost: entry!.costNanoUsd },
    {
      kind: 'sse',
      status: 200,
      pool: 'p1',
      tier: 'tier-a',
      alias: 'small',
      cost: 1200,
    },
  );
  const decoded = decodeEntry(encodeEntry(entry!));
  t.strictSame(decoded && { ...decoded, parts: decoded.parts.map((part) => part.toString()) }, { ...entry!, parts: [A, B, U] });
  t.equal(entryAgeSeconds(entry!, 5_000 + 2_999), 2);
});

t.test('a stream without [DONE], with an error event, or an answer that did not end ok gives no entry', async (t) => {
  const cut = new Recorder(10_000);
  feed(cut, `data: ${A}\n\n`);
  t.equal(cut.entry(result(), 1), null, 'no [DONE]');
  const failed = new Recorder(10_000);
  feed(failed, `data: ${A}\n\ndata: {"error":{"message":"boom"}}\n\ndata: [DONE]\n\n`);
  t.equal(failed.state, 'failed');
  t.equal(failed.entry(result(), 1), null, 'error event');
  const interrupted = new Recorder(10_000);
  feed(interrupted, `data: ${A}\n\ndata: [DONE]\n\n`);
  t.equal(interrupted.entry(result({ outcome: 'stream_interrupted' }), 1), null, 'outcome not ok');
  const abandoned = new Recorder(10_000);
  feed(abandoned, `data: ${A}\n\n`);
  abandoned.fail();
  feed(abandoned, 'data: [DONE]\n\n');
  t.equal(abandoned.state, 'failed', 'failed stays failed');
});

t.test('past the bound the recording is dropped whole, never truncated', async (t) => {
  const recorder = new Recorder(A.length + B.length);
  feed(recorder, `data: ${A}\n\ndata: ${B}\n\n`);
  t.equal(recorder.state, 'recording', 'exactly at the bound is kept');
  feed(recorder, `data: ${U}\n\ndata: [DONE]\n\n`);
  t.equal(recorder.state, 'oversized');
  t.equal(recorder.entry(result(), 1), null);
  const json = new Recorder(10);
  json.json(200, Buffer.from('{"id":"12345678901"}'));
  t.equal(json.state, 'oversized');
});

t.test('a JSON answer is kept as its body, status and finish reasons', async (t) => {
  const body = Buffer.from('{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"say \\"finish_reason\\":\\"stop\\""},"finish_reason": "length"}]}');
  const recorder = new Recorder(1000);
  recorder.json(200, body);
  const entry = recorder.entry({ ...result(), stream: false }, 1);
  t.equal(entry?.kind, 'json');
  t.strictSame(entry?.parts[0], body, 'the body');
  t.strictSame(entry?.finish, ['length'], 'the escaped text inside content is no finish_reason');
  t.strictSame(finishReasons([Buffer.from('{"finish_reason":null}')]), []);
});

t.test('decodeEntry refuses what is not an entry of this version', async (t) => {
  t.equal(decodeEntry(Buffer.from('garbage')), null);
  t.equal(decodeEntry(Buffer.from('{"v":2}\n')), null);
  const recorder = new Recorder(1000);
  recorder.json(200, Buffer.from('{}'));
  const bytes = encodeEntry(recorder.entry({ ...result(), stream: false }, 1)!);
  t.ok(decodeEntry(bytes));
  t.equal(decodeEntry(bytes.subarray(0, bytes.length - 1)), null, 'a truncated entry');
  t.equal(decodeEntry(Buffer.concat([bytes, Buffer.from('x')])), null, 'trailing bytes');
});

t.test('finish reasons are read off the bytes as the pattern /"finish_reason"\\s*:\\s*(?!null)(?:"([^"\\\\]*)"|)/ reads the text', async (t) => {
  const U = UNREADABLE_REASON;
  const reference = (parts: readonly Buffer[]): string[] =>
    parts.flatMap((part) => [...part.toString('latin1').matchAll(/"finish_reason"\s*:\s*(?!null)(?:"([^"\\]*)"|)/g)].map((match) => match[1] ?? U));
  const parts = [
    Buffer.from('{"choices":[{"finish_reason":"stop"},{"finish_reason" : "x"},{"finish_reason":\t\n "length"}]}'),
    Buffer.from('{"finish_reason":"a\\"b","finish_reason":"","finish_reason":"tool_calls"}'),
    Buffer.concat([Buffer.from('{"finish_reason":'), Buffer.from([0xa0, 0x0b, 0x0c, 0x0d]), Buffer.from('"süß"}')]),
    Buffer.from('{"finish_reason":"unterminated'),
    Buffer.from('"finish_reason":"finish_reason":"nested"'),
    Buffer.from('{"finish_reason":null,"finish_reason" :null,"finish_reason" "no colon"}'),
    Buffer.from('{"finish_reason":7}'),
  ];
  const expected = reference(parts);
  t.strictSame(expected, ['stop', 'x', 'length', U, '', 'tool_calls', 'sÃ¼Ã\u009f', U, 'finish_reason', U], 'the reference itself');
  t.strictSame(finishReasons(parts), expected);
  // The recorder's form: the same parts back to back in one buffer, searched once. Part 4's unterminated
  // value must not close on part 5's quote, nor a key run from one part into the next.
  const ends: number[] = [];
  for (const part of parts) ends.push((ends.at(-1) ?? 0) + part.length);
  t.strictSame(finishReasonsIn(Buffer.concat(parts), ends), expected);
  const split = [Buffer.from('{"x":"a","finish_re'), Buffer.from('ason":"stop"}')];
  t.strictSame(finishReasonsIn(Buffer.concat(split), [split[0]!.length, split[0]!.length + split[1]!.length]), [], 'a key split over two parts');
  t.strictSame(finishReasonsIn(Buffer.from('{"finish_reason":"stop"}xx'), [24]), ['stop'], 'bytes past the last part are not searched');
  t.strictSame(finishReasonsIn(Buffer.from('{"a":1}{"finish_reason":"stop"}'), [7]), [], 'nor are they when they hold a key');
  t.strictSame(finishReasonsIn(Buffer.alloc(0), []), []);
});

t.test('a long stream is kept event by event, past the first buffer it is copied into', async (t) => {
  const recorder = new Recorder(1_000_000);
  const payloads = Array.from({ length: 300 }, (_, i) =>
    JSON.stringify({ choices: [{ delta: { content: `token ${i} `.repeat(1 + (i % 7)) }, finish_reason: i === 299 ? 'stop' : null }] }),
  );
  // Events split at odd places across chunks, `data:` with and without its space, and a two-line event (data joined by a newline).
  const text = payloads.map((p, i) => (i % 3 === 0 ? `data:${p}\n\n` : `data: ${p}\n\n`)).join('') + 'data: {"a":\ndata: 1}\n\ndata: [DONE]\n\n';
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += 997) chunks.push(text.slice(at, at + 997));
  feed(recorder, ...chunks);
  const entry = recorder.entry(result(), 1);
  t.strictSame(
    entry?.parts.map((part) => part.toString()),
    [...payloads, '{"a":\n1}'],
  );
  t.strictSame(entry?.finish, ['stop']);
  t.equal(
    recorder.recordedBytes,
    [...payloads, '{"a":\n1}'].reduce((sum, p) => sum + Buffer.byteLength(p), 0),
  );
  const again = recorder.entry(result(), 2);
  t.strictSame(
    again?.parts.map((part) => part.toString()),
    entry?.parts.map((part) => part.toString()),
    'asked again (the cache, then idempotency): the same parts',
  );
  const views = entry!.parts;
  t.ok(
    views.every((part) => part.buffer === views[0]!.buffer),
    'every part a view of one buffer',
  );
  t.ok(
    views.every((part, i) => i === 0 || part.byteOffset === views[i - 1]!.byteOffset + views[i - 1]!.length),
    'back to back',
  );
  const decoded = decodeEntry(encodeEntry(entry!));
  t.strictSame(
    decoded && { ...decoded, parts: decoded.parts.map((part) => part.toString()) },
    { ...entry!, parts: entry!.parts.map((part) => part.toString()) },
    'and it survives its encoding',
  );
});

t.test('a filtered or unreadable finish reason in any spelling is never storable (Jackson writes `"finish_reason" : "…"`)', async (t) => {
  const request = parseRequest('chat', { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 5 });
  const storedAs = (body: string): boolean => {
    const recorder = new Recorder(10_000);
    recorder.json(200, Buffer.from(body));
    return storable(recorder.entry({ ...result(), stream: false }, 1)!, request, false);
  };
  t.equal(storedAs('{"choices":[{"index":0,"message":{"content":"ok"},"finish_reason":"stop"}]}'), true, 'a plain stop is kept');
  t.equal(storedAs('{"choices":[{"index":0,"message":{"content":"no"},"finish_reason" : "content_filter"}]}'), false, 'spaced around the colon');
  t.equal(storedAs('{"choices":[{"index":0,"message":{"content":"no"},"finish_reason":"content\\u005ffilter"}]}'), false, 'escaped');
  t.equal(storedAs('{"choices":[{"index":0,"message":{"content":"no"},"finish_reason":{"type":"content_filter"}}]}'), false, 'not a string');
  t.equal(storedAs('{"choices":[{"index":0,"message":{"content":"half"},"finish_reason":null}]}'), false, 'an answer that did not finish');
  t.equal(storedAs('{"choices":[]}'), false, 'an answer with no choices');
});
