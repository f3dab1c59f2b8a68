// The native streams' dialects read real wire bytes (test/fixtures/wire/): each event's kind, the
// rewritten Responses lifecycle events, usage, and the API's own failure events.
import t from 'tap';
import { wireFixture } from '../../../test/fixtures/wire/load.js';
import { RouterError } from '../../openai/errors.js';
import { SseByteSplitter } from '../../openai/sse-buffer.js';
import type { NativeStream, Step } from './dialect.js';
import { MessagesStream } from './messages-stream.js';
import type { Json } from './native-out.js';
import { ResponsesStream } from './responses-stream.js';
import { readEvent, type NativeEvent } from './sse-event.js';

function events(wire: string): NativeEvent[] {
  const { buffer, events: ranges } = new SseByteSplitter().push(Buffer.from(wire));
  return ranges.map((range) => readEvent(buffer, range));
}

function kinds(stream: NativeStream, wire: string): string[] {
  return events(wire).map((event) => describe(stream.step(event)));
}

function describe(step: Step): string {
  if (step.kind === 'content') return step.delta ? 'delta' : 'content';
  return step.kind;
}

const router = (response: Json): void => {
  response['id'] = 'resp_0123456789abcdef0123456789abcdef';
  response['store'] = true;
  response['previous_response_id'] = 'resp_ffffffffffffffffffffffffffffffff';
};

for (const [name, fixture] of [
  ['OpenAI', 'openai-responses-stream-text.sse'],
  ['vLLM', 'vllm-responses-stream-text.sse'],
] as const) {
  t.test(`Responses, ${name}'s framing: preamble, deltas, the end with usage; lifecycle events are the router's`, async (t) => {
    const stream = new ResponsesStream({ lifecycle: router });
    const wire = wireFixture(fixture);
    const all = events(wire);
    const steps = all.map((event) => stream.step(event));
    const expected = ['preamble', 'preamble', 'preamble', 'delta', 'delta', 'content', 'content', 'done'];
    t.strictSame(steps.map(describe), name === 'OpenAI' ? [...expected, 'marker'] : expected);
    t.strictSame(stream.usage(), { promptTokens: 10, completionTokens: 2, cachedTokens: 0, cacheWriteTokens: null });
    const created = steps[0]!;
    if (created.kind !== 'preamble' || created.text === null) throw new Error('response.created is rewritten');
    const prefix = name === 'vLLM' ? 'event: response.created\ndata: ' : 'data: ';
    t.ok(created.text.startsWith(prefix) && created.text.endsWith('\n\n'));
    const body = JSON.parse(created.text.slice(prefix.length)) as { response: Json; sequence_number: number; type: string };
    t.strictSame(
      [body.type, body.sequence_number, body.response['id'], body.response['store'], body.response['previous_response_id']],
      ['response.created', 0, 'resp_0123456789abcdef0123456789abcdef', true, 'resp_ffffffffffffffffffffffffffffffff'],
    );
    const done = steps[7]!;
    if (done.kind !== 'done' || done.answer === null) throw new Error('response.completed ends it with its answer');
    t.equal(done.answer['id'], 'resp_0123456789abcdef0123456789abcdef');
    t.equal(done.answer['status'], 'completed');
    const terminal = stream.terminal(all[7]!, { ...done.answer, store: false });
    t.match(terminal, /"store":false/);
    t.ok(terminal.startsWith(name === 'vLLM' ? 'event: response.completed\ndata: {' : 'data: {'));
  });
}

t.test('Responses: the error event is the engine error engine-errors.ts reads; a failure after commit is response.failed alone', async (t) => {
  const stream = new ResponsesStream({ lifecycle: router });
  const wire = wireFixture('openai-responses-stream-text.sse');
  const [created, added, part, delta] = events(wire);
  for (const event of [created!, added!, part!, delta!]) stream.step(event);
  const [error] = events('data: {"type":"error","code":"rate_limit_exceeded","message":"slow down","param":null,"sequence_number":4}\n\n');
  t.strictSame(stream.step(error!), {
    kind: 'error',
    engineError: '{"error":{"message":"slow down","type":"rate_limit_error","code":"rate_limit_exceeded","param":null}}',
  });
  const failure = stream.failure(new RouterError('stream_interrupted', 'The stream broke.'));
  const written = events(failure);
  t.strictSame(
    written.map((event) => event.type),
    ['response.failed'],
  );
  const failed = JSON.parse(written[0]!.data) as { response: Json; sequence_number: number };
  // The client got 0–3; the error event (4) is not passed on, so response.failed is 4: no gap.
  t.strictSame(
    [failed.sequence_number, failed.response['id'], failed.response['status'], failed.response['store'], failed.response['error']],
    [4, 'resp_0123456789abcdef0123456789abcdef', 'failed', false, { code: 'server_error', message: 'The stream broke.' }],
  );
  // An error event without a sequence number does not send the count back to 0.
  const other = new ResponsesStream({ lifecycle: router });
  for (const event of [created!, added!, part!, delta!]) other.step(event);
  other.step(events('data: {"type":"error","code":"server_error","message":"down"}\n\n')[0]!);
  t.match(JSON.parse(events(other.failure(new RouterError('stream_interrupted', 'The stream broke.')))[0]!.data), { sequence_number: 4 });
});

t.test("Responses: a budget's cut follows the last delta passed on, in the engine's framing", async (t) => {
  // OpenAI's framing (data alone): created 0, output_item.added 1, content_part.added 2, deltas 3 and 4.
  const stream = new ResponsesStream({ lifecycle: router });
  const all = events(wireFixture('openai-responses-stream-text.sse'));
  for (const event of all.slice(0, 5)) stream.step(event);
  // The delta 4 asked for more budget and was refused: it never reached the client, whose last was 3.
  const cut = stream.failure(new RouterError('insufficient_quota', 'Spent.'));
  t.ok(cut.startsWith('data: {'), 'no event: line, as the engine wrote none');
  t.match(JSON.parse(events(cut)[0]!.data), { type: 'response.failed', sequence_number: 4 });
});

t.test('Responses: response.failed from the engine is judged like an error event; a spent budget fails as rate_limit_exceeded', async (t) => {
  const stream = new ResponsesStream({ lifecycle: router });
  const failed = { type: 'response.failed', sequence_number: 1, response: { id: 'resp_x', status: 'failed', error: { code: 'server_error', message: 'engine down' } } };
  const step = stream.step(events(`event: response.failed\ndata: ${JSON.stringify(failed)}\n\n`)[0]!);
  t.equal(step.kind, 'failed');
  // Passed on as the router's, and not stored: store false whatever the client asked.
  t.match(step.kind === 'failed' ? JSON.parse(step.text?.split('data: ')[1] ?? 'null') : null, { response: { id: 'resp_0123456789abcdef0123456789abcdef', store: false } });
  t.match(step, { engineError: '{"error":{"message":"engine down","type":null,"code":"server_error","param":null}}' });
  const [ended] = events(stream.failure(new RouterError('insufficient_quota', 'Spent.')));
  t.match(JSON.parse(ended!.data), { type: 'response.failed', sequence_number: 2, response: { error: { code: 'rate_limit_exceeded', message: 'Spent.' } } });
});

t.test("Messages, Anthropic's bytes: preamble, deltas, stop; usage from message_start and message_delta", async (t) => {
  const stream = new MessagesStream();
  t.strictSame(kinds(stream, wireFixture('anthropic-basic_response.txt')), ['preamble', 'preamble', 'preamble', 'delta', 'delta', 'delta', 'content', 'content', 'done']);
  t.strictSame(stream.usage(), { promptTokens: 11, completionTokens: 6, cachedTokens: null, cacheWriteTokens: null });
  const tools = new MessagesStream();
  kinds(tools, wireFixture('anthropic-tool_use_response.txt'));
  t.strictSame(tools.usage(), { promptTokens: 377, completionTokens: 65, cachedTokens: 0, cacheWriteTokens: 0 });
});

t.test('Messages: an error event is judged, never passed; failures end in Anthropic terms', async (t) => {
  const stream = new MessagesStream();
  const overloaded = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
  t.strictSame(stream.step(events(overloaded)[0]!), { kind: 'error', engineError: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' });
  t.equal(
    stream.failure(new RouterError('stream_interrupted', 'The stream broke.'), 3),
    'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"The stream broke."}}\n\n',
  );
  const cut = new MessagesStream();
  const wire = wireFixture('anthropic-basic_response.txt');
  for (const event of events(wire).slice(0, 3)) cut.step(event);
  t.equal(
    cut.failure(new RouterError('insufficient_quota', 'Spent.'), 1),
    'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":1}}\n\n' +
      'event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"Spent."}}\n\n',
  );
});

t.test("a stream in another dialect is foreign from its first event: nothing is held, passed or counted before the API's opening event", async (t) => {
  const chatChunks = 'data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"x"}}]}\n\ndata: [DONE]\n\n';
  const responses = wireFixture('openai-responses-stream-text.sse');
  const messages = wireFixture('anthropic-basic_response.txt');
  t.strictSame(kinds(new ResponsesStream({ lifecycle: router }), chatChunks), ['foreign', 'marker']);
  t.strictSame(kinds(new ResponsesStream({ lifecycle: router }), messages).slice(0, 2), ['foreign', 'foreign']);
  t.strictSame(kinds(new ResponsesStream({ lifecycle: router }), 'event: response.created\ndata: {"type":"response.created","response":"no object"}\n\n'), ['foreign']);
  t.strictSame(kinds(new MessagesStream(), chatChunks), ['foreign', 'foreign']);
  t.strictSame(kinds(new MessagesStream(), responses).slice(0, 2), ['foreign', 'foreign']);
  t.strictSame(kinds(new MessagesStream(), 'event: message_start\ndata: {"type":"message_start"}\n\n'), ['foreign']);
  // The API's own events before the opening one are still read as such: a ping, and an engine error to judge.
  t.strictSame(kinds(new MessagesStream(), 'event: ping\ndata: {"type":"ping"}\n\nevent: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"x"}}\n\n'), [
    'preamble',
    'error',
  ]);
  t.strictSame(kinds(new ResponsesStream({ lifecycle: router }), 'data: {"type":"error","code":"server_error","message":"x","sequence_number":0}\n\n'), ['error']);
});
