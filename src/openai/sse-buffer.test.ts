import t from 'tap';
import { NeedleCursor, SseByteSplitter, dataStartsWith, eventText, isCommentOnly } from './sse-buffer.js';

/** Feeds the chunks and returns every event's payload text, in order. */
function events(chunks: readonly (string | Buffer)[]): string[] {
  const splitter = new SseByteSplitter();
  const out: string[] = [];
  for (const chunk of chunks) {
    const split = splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    for (const event of split.events) out.push(eventText(split.buffer, event));
  }
  return out;
}

t.test('events split on blank lines, across chunk boundaries', async (t) => {
  t.same(events(['data: {"a":1}\n\ndata: {"b":2}\n\n']), ['{"a":1}', '{"b":2}']);
  t.same(events(['data: {"a"', ':1}\n', '\ndata: [DONE]\n\n']), ['{"a":1}', '[DONE]'], 'an event cut in three');
  t.same(events(['data: x\n\n\n\ndata: y\n\n']), ['x', 'y'], 'extra blank lines carry nothing');
  t.same(events(['data: x\r\n\r\ndata: y\r\n\r\n']), ['x', 'y'], 'CRLF line ends');
  const crlf = Buffer.from('data: a\r\n\r\ndata: 日本語\r\n\r\n');
  t.same(events([crlf.subarray(0, 18), crlf.subarray(18)]), ['a', '日本語'], 'CRLF line ends, a character cut by the read');
  t.same(events(['data: x\r', '\ndata: y\r\n\r\n']), ['x\ny'], 'a CRLF cut between its CR and LF is one line end');
  t.same(events(['data: x\rdata: y\r\rdata: z\r\r', '\n']), ['x\ny', 'z'], 'lone CRs end lines too');
  t.same(events(['data: x\r\r']), ['x'], 'a CR after a line end ends the event at once, LF to follow or not');
  t.same(events(['data: x\r\n\r', '\ndata: y\r\n\r\n']), ['x', 'y'], 'the LF of that CRLF, in the next read, is not a blank line of the next event');
  t.same(events(['data: x\r\r', '\n', 'data: y\r\r']), ['x', 'y'], 'nor when it comes alone');
  const ended = new SseByteSplitter();
  ended.push(Buffer.from('data: x\r\rdata: [DONE]\r\r'));
  t.equal(ended.rest(), 0, 'a stream of lone CRs that ended holds nothing back (it was read as cut short)');
  t.same(events(['event: message\ndata: {"a":\ndata: 1}\n\n']), ['{"a":\n1}'], 'multi-line data, other fields ignored');
  const euro = Buffer.from('data: "€"\n\n');
  t.same(events([euro.subarray(0, 8), euro.subarray(8)]), ['"€"'], 'a character split between chunks');
});

t.test('a partial event at the end is reported, not emitted', async (t) => {
  const splitter = new SseByteSplitter();
  t.same(splitter.push(Buffer.from('data: {"a":1}\n\ndata: {"b"')).events.length, 1);
  t.equal(splitter.rest(), 'data: {"b"'.length);
});

t.test('byte-level checks look only inside the event', async (t) => {
  const splitter = new SseByteSplitter();
  const {
    buffer,
    events: [first, second],
  } = splitter.push(Buffer.from('data: {"id":1}\n\ndata: {"usage":{"prompt_tokens":3}}\n\n'));
  if (first === undefined || second === undefined) throw new Error('two events expected');
  const usage = new NeedleCursor(buffer, Buffer.from('"usage":{'));
  t.equal(usage.find(first), -1, 'not found in the next event');
  t.equal(usage.find(second), buffer.indexOf('"usage":{'));
  t.ok(dataStartsWith(buffer, first, Buffer.from('{"id"')));
  t.notOk(dataStartsWith(buffer, second, Buffer.from('{"id"')));
  t.equal(buffer.toString('utf8', first.start, first.end), 'data: {"id":1}\n\n', 'a range includes its blank line, ready to write');
});

t.test("a needle cursor finds each event's first occurrence, in one pass over the chunk", async (t) => {
  const splitter = new SseByteSplitter();
  const text = 'data: {"x":"ab"}\n\ndata: {"y":1}\n\ndata: {"x":"a","x":"b"}\n\ndata: [DONE]\n\n';
  const { buffer, events } = splitter.push(Buffer.from(text));
  const cursor = new NeedleCursor(buffer, Buffer.from('"x"'));
  t.same(
    events.map((event) => cursor.find(event)),
    [text.indexOf('"x"'), -1, text.indexOf('"x":"a"'), -1],
  );
  const across = new NeedleCursor(Buffer.from('data: a"\n\ndata: "b\n\n'), Buffer.from('"\n\ndata: "'));
  t.equal(across.find({ start: 0, end: 10 }), -1, 'a match that straddles two events belongs to neither');
  t.equal(across.find({ start: 10, end: 20 }), -1);
});

t.test("the data field is read with or without its space (TGI's axum writes `data:[DONE]`)", async (t) => {
  const { buffer, events } = new SseByteSplitter().push(Buffer.from('data:[DONE]\n\ndata: [DONE]\n\ndata:  [DONE]\n\ndatum: [DONE]\n\n:\n\n'));
  const done = Buffer.from('[DONE]');
  t.same(
    events.map((event) => dataStartsWith(buffer, event, done)),
    [true, true, false, false, false],
    'one optional space, as the SSE spec strips; a second space is part of the data',
  );
});

t.test('an event is a comment only when every line is one; a comment line may open an event with fields', async (t) => {
  const { buffer, events } = new SseByteSplitter().push(Buffer.from(': ping\n\n:a\n:b\n\n: c\nevent: message_stop\ndata: {}\n\ndata: x\n\n'));
  t.strictSame(
    events.map((event) => isCommentOnly(buffer, event)),
    [true, true, false, false],
  );
  t.equal(eventText(buffer, events[2]!), '{}');
});
