// Chat chunk sequences → the exact Anthropic event bytes (design-16 §2.3; event shapes as
// anthropics/anthropic-sdk-typescript @bfa9197f tests/lib/fixtures/tool_use_response.txt writes them),
// with the LiteLLM regressions as named cases.
import t from 'tap';
import { messageId } from './message-object.js';
import { StreamTranslator } from './stream-translator.js';

type Json = Record<string, unknown>;
const chunk = (delta: Json | null, finish: string | null = null, extra: Json = {}) =>
  JSON.stringify({
    id: 'chatcmpl-s1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'served',
    choices: [{ index: 0, ...(delta === null ? {} : { delta }), finish_reason: finish, ...extra }],
  });
const usageChunk = (prompt: number, completion: number, details: Json = {}) =>
  JSON.stringify({
    id: 'chatcmpl-s1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'served',
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, ...details },
  });

/** Translates the chat events, then the end; returns Anthropic's bytes. */
function run(events: readonly string[], completed = true): string {
  const translator = new StreamTranslator('claude-x');
  let out = '';
  for (const data of events) out += translator.event(data);
  return out + translator.end(completed);
}

const ev = (type: string, data: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const ID = messageId('chatcmpl-s1');
const START =
  ev('message_start', {
    message: {
      id: ID,
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      stop_details: null,
      container: null,
      usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
    },
  }) + 'event: ping\ndata: {"type": "ping"}\n\n';
const blockStart = (index: number, block: Json) => ev('content_block_start', { index, content_block: block });
const delta = (index: number, d: Json) => ev('content_block_delta', { index, delta: d });
const blockStop = (index: number) => ev('content_block_stop', { index });
const usage = (input: number, output: number, read = 0, written = 0) => ({
  input_tokens: input,
  cache_creation_input_tokens: written,
  cache_read_input_tokens: read,
  output_tokens: output,
});
const messageDelta = (reason: string, u: Json, sequence: string | null = null) =>
  ev('message_delta', { delta: { stop_reason: reason, stop_sequence: sequence, stop_details: null }, usage: u });
const STOP = ev('message_stop', {});

t.test('a text answer', (t) => {
  const out = run([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hello' }), chunk({ content: ' "there"\n' }), chunk({}, 'stop'), usageChunk(11, 2)]);
  t.equal(
    out,
    START +
      blockStart(0, { type: 'text', text: '' }) +
      delta(0, { type: 'text_delta', text: 'Hello' }) +
      delta(0, { type: 'text_delta', text: ' "there"\n' }) +
      blockStop(0) +
      messageDelta('end_turn', usage(11, 2)) +
      STOP,
  );
  t.end();
});

t.test('thinking in its own block, then text, then tool calls; exactly one message_start (LiteLLM #32357)', (t) => {
  const out = run([
    chunk({ role: 'assistant', content: '' }),
    chunk({ reasoning_content: 'Let me ' }),
    chunk({ reasoning: 'think.' }),
    chunk({ content: 'Calling.' }),
    chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
    chunk({}, 'tool_calls'),
    usageChunk(50, 20),
  ]);
  t.equal(
    out,
    START +
      blockStart(0, { type: 'thinking', thinking: '', signature: '' }) +
      delta(0, { type: 'thinking_delta', thinking: 'Let me ' }) +
      delta(0, { type: 'thinking_delta', thinking: 'think.' }) +
      blockStop(0) +
      blockStart(1, { type: 'text', text: '' }) +
      delta(1, { type: 'text_delta', text: 'Calling.' }) +
      blockStop(1) +
      blockStart(2, { type: 'tool_use', id: 'call_a', name: 'get_weather', input: {} }) +
      // An open call's fragments go, checked, as one delta when its block stops.
      delta(2, { type: 'input_json_delta', partial_json: '{"city":"Paris"}' }) +
      blockStop(2) +
      messageDelta('tool_use', usage(50, 20)) +
      STOP,
  );
  t.equal(out.split('event: message_start').length, 2);
  t.end();
});

t.test('arguments only in the last chunk still make the delta (LiteLLM #27144, #25321)', (t) => {
  const out = run([
    chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }, 'tool_calls'),
    usageChunk(5, 3),
  ]);
  t.equal(
    out,
    START +
      blockStart(0, { type: 'tool_use', id: 'c1', name: 'f', input: {} }) +
      delta(0, { type: 'input_json_delta', partial_json: '{"a":1}' }) +
      blockStop(0) +
      messageDelta('tool_use', usage(5, 3)) +
      STOP,
  );
  t.end();
});

t.test('"tool_calls":[] with content is text only (LiteLLM #29286)', (t) => {
  const out = run([chunk({ role: 'assistant', content: 'Hi', tool_calls: [] }), chunk({}, 'stop'), usageChunk(1, 1)]);
  t.equal(out, START + blockStart(0, { type: 'text', text: '' }) + delta(0, { type: 'text_delta', text: 'Hi' }) + blockStop(0) + messageDelta('end_turn', usage(1, 1)) + STOP);
  t.end();
});

t.test('parallel calls get their own blocks, one at a time even when the engine interleaves them (LiteLLM #21331)', (t) => {
  // Anthropic's blocks never overlap: @anthropic-ai/sdk 1.16.0 lib/MessageStream.js fires 'contentBlock'
  // at content_block_stop and reads input_json_delta against the last block, so a block stopped before
  // its last fragment, or a fragment for another block, reaches its listeners wrong.
  const out = run([
    chunk({ tool_calls: [{ index: 0, id: 'c0', function: { name: 'a', arguments: '{"x"' } }] }),
    chunk({ tool_calls: [{ index: 1, id: 'c1', function: { name: 'b', arguments: '{"y"' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
    chunk({ tool_calls: [{ index: 1, function: { arguments: ':2}' } }] }),
    chunk({ tool_calls: [{ index: 2, id: 'c2', function: { name: 'c' } }] }),
    chunk({}, 'tool_calls'),
  ]);
  t.equal(
    out,
    START +
      blockStart(0, { type: 'tool_use', id: 'c0', name: 'a', input: {} }) +
      delta(0, { type: 'input_json_delta', partial_json: '{"x":1}' }) +
      blockStop(0) +
      blockStart(1, { type: 'tool_use', id: 'c1', name: 'b', input: {} }) +
      delta(1, { type: 'input_json_delta', partial_json: '{"y":2}' }) +
      blockStop(1) +
      blockStart(2, { type: 'tool_use', id: 'c2', name: 'c', input: {} }) +
      blockStop(2) +
      messageDelta('tool_use', usage(0, 0)) +
      STOP,
  );
  const sequential = run([
    chunk({ tool_calls: [{ index: 0, id: 'c0', function: { name: 'a', arguments: '{}' } }] }),
    chunk({ tool_calls: [{ index: 1, id: 'c1', function: { name: 'b', arguments: '{}' } }] }),
    chunk({ content: 'done' }),
    chunk({}, 'stop'),
  ]);
  t.equal(
    sequential,
    START +
      blockStart(0, { type: 'tool_use', id: 'c0', name: 'a', input: {} }) +
      delta(0, { type: 'input_json_delta', partial_json: '{}' }) +
      blockStop(0) +
      blockStart(1, { type: 'tool_use', id: 'c1', name: 'b', input: {} }) +
      delta(1, { type: 'input_json_delta', partial_json: '{}' }) +
      blockStop(1) +
      blockStart(2, { type: 'text', text: '' }) +
      delta(2, { type: 'text_delta', text: 'done' }) +
      blockStop(2) +
      messageDelta('end_turn', usage(0, 0)) +
      STOP,
    'a held call follows when text closes the open one',
  );
  t.end();
});

t.test('arguments that end as invalid JSON, or as JSON that is no object, are sent as {} (as the whole Message has them)', (t) => {
  for (const [fragments, input] of [
    [['{"a":', '1,,'], '{}'],
    [['[1,', '2]'], '{}'],
    [['{"n": 12345678901234567890', '}'], '{"n": 12345678901234567890}'],
  ] as const) {
    const out = run([
      ...fragments.map((args, i) =>
        chunk({ tool_calls: [{ index: 0, ...(i === 0 ? { id: 'c0', function: { name: 'f', arguments: args } } : { function: { arguments: args } }) }] }),
      ),
      chunk({}, 'tool_calls'),
    ]);
    t.equal(
      out,
      START +
        blockStart(0, { type: 'tool_use', id: 'c0', name: 'f', input: {} }) +
        delta(0, { type: 'input_json_delta', partial_json: input }) +
        blockStop(0) +
        messageDelta('tool_use', usage(0, 0)) +
        STOP,
      `${fragments.join('')}: valid, as written (its numbers too)`,
    );
  }
  t.end();
});

t.test('calls without an index (servers that leave it out) are told apart by id; a fragment without either continues the last', (t) => {
  const out = run([
    chunk({ tool_calls: [{ id: 'c0', type: 'function', function: { name: 'a', arguments: '{"x":' } }] }),
    chunk({ tool_calls: [{ function: { arguments: '1}' } }] }),
    chunk({ tool_calls: [{ id: 'c1', type: 'function', function: { name: 'b', arguments: '{}' } }] }),
    chunk({}, 'tool_calls'),
  ]);
  t.equal(
    out,
    START +
      blockStart(0, { type: 'tool_use', id: 'c0', name: 'a', input: {} }) +
      delta(0, { type: 'input_json_delta', partial_json: '{"x":1}' }) +
      blockStop(0) +
      blockStart(1, { type: 'tool_use', id: 'c1', name: 'b', input: {} }) +
      delta(1, { type: 'input_json_delta', partial_json: '{}' }) +
      blockStop(1) +
      messageDelta('tool_use', usage(0, 0)) +
      STOP,
  );
  t.end();
});

t.test('text or thinking that comes while a call’s block is open waits for it, so no fragment lands after its stop', (t) => {
  const out = run([
    chunk({ tool_calls: [{ index: 0, id: 'c0', function: { name: 'a', arguments: '{"a":' } }] }),
    chunk({ content: 'note' }),
    chunk({ reasoning_content: 'hmm' }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
    chunk({}, 'tool_calls'),
  ]);
  t.equal(
    out,
    START +
      blockStart(0, { type: 'tool_use', id: 'c0', name: 'a', input: {} }) +
      delta(0, { type: 'input_json_delta', partial_json: '{"a":1}' }) +
      blockStop(0) +
      blockStart(1, { type: 'text', text: '' }) +
      delta(1, { type: 'text_delta', text: 'note' }) +
      blockStop(1) +
      blockStart(2, { type: 'thinking', thinking: '', signature: '' }) +
      delta(2, { type: 'thinking_delta', thinking: 'hmm' }) +
      blockStop(2) +
      messageDelta('tool_use', usage(0, 0)) +
      STOP,
  );
  t.end();
});

t.test('a streamed refusal is the answer’s text, as the whole message says it', (t) => {
  const out = run([chunk({ role: 'assistant', content: '' }), chunk({ refusal: "I can't" }), chunk({ refusal: ' help.' }), chunk({}, 'content_filter')]);
  t.ok(
    out.includes(blockStart(0, { type: 'text', text: '' }) + delta(0, { type: 'text_delta', text: "I can't" }) + delta(0, { type: 'text_delta', text: ' help.' }) + blockStop(0)),
    out,
  );
  t.end();
});

t.test('cached tokens reach message_delta.usage (LiteLLM #31069); a stop string is the stop_sequence', (t) => {
  const out = run([chunk({ content: 'x' }), chunk({}, 'stop', { stop_reason: 'END' }), usageChunk(1000, 4, { prompt_tokens_details: { cached_tokens: 900 }, cost: '0.001' })]);
  t.ok(out.endsWith(messageDelta('stop_sequence', usage(100, 4, 900), 'END') + STOP));
  t.end();
});

t.test('text that JSON must escape survives: quotes, backslashes, U+2028, emoji', (t) => {
  const pieces = ['a"b', '\\', '\u2028', '😀', '</script>'];
  const out = run(pieces.map((content) => chunk({ content })));
  const texts = out
    .split('\n\n')
    .filter((event) => event.startsWith('event: content_block_delta'))
    .map((event) => (JSON.parse(event.slice(event.indexOf('data: ') + 6)) as { delta: { text: string } }).delta.text);
  t.strictSame(texts, pieces);
  t.end();
});

t.test('an engine failure after commit: `event: error`, no message_stop', (t) => {
  const out = run(
    [chunk({ content: 'Hel' }), '{"error":{"message":"The stream from replica r0 broke off","type":"server_error","param":null,"code":"stream_interrupted"}}'],
    false,
  );
  t.equal(
    out,
    START +
      blockStart(0, { type: 'text', text: '' }) +
      delta(0, { type: 'text_delta', text: 'Hel' }) +
      ev('error', { error: { type: 'api_error', message: 'The stream from replica r0 broke off' } }),
  );
  t.end();
});

t.test('a budget cut: the block closed, message_delta max_tokens, then rate_limit_error', (t) => {
  const out = run([chunk({ content: 'Hel' }), chunk({}, 'length'), '{"error":{"message":"spent","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}'], false);
  t.equal(
    out,
    START +
      blockStart(0, { type: 'text', text: '' }) +
      delta(0, { type: 'text_delta', text: 'Hel' }) +
      blockStop(0) +
      messageDelta('max_tokens', usage(0, 0)) +
      ev('error', { error: { type: 'rate_limit_error', message: 'spent' } }),
  );
  t.end();
});

t.test('a stream cut short without an error event still ends in an error', (t) => {
  const out = run([chunk({ content: 'a' })], false);
  t.ok(out.endsWith(ev('error', { error: { type: 'api_error', message: 'The stream ended before the answer was complete.' } })));
  t.notOk(out.includes('message_stop'));
  t.end();
});

t.test('a content literal that is not valid JSON (an engine writing \\q) is never copied into an event', (t) => {
  const bad = chunk({ content: 'PLACEHOLDER' }).replace('PLACEHOLDER', 'a\\qb');
  for (const events of [
    [chunk({ content: 'Hello' }), bad, chunk({}, 'stop')],
    [chunk({ content: 'Hello' }), chunk({ content: 'PLACEHOLDER' }).replace('PLACEHOLDER', 'a\\u12'), chunk({}, 'stop')],
  ]) {
    const out = run(events);
    for (const line of out.split('\n').filter((l) => l.startsWith('data: '))) t.doesNotThrow(() => JSON.parse(line.slice(6)) as unknown, line);
    t.ok(out.includes('event: message_stop'), 'the answer still ends');
  }
  t.end();
});

t.test('choices without a delta (Azure annotations) and non-JSON data are skipped', (t) => {
  const out = run([chunk(null, null, { content_filter_results: {} }), 'not json', chunk({ content: 'a' }), chunk({}, 'stop')]);
  t.equal(out, START + blockStart(0, { type: 'text', text: '' }) + delta(0, { type: 'text_delta', text: 'a' }) + blockStop(0) + messageDelta('end_turn', usage(0, 0)) + STOP);
  t.end();
});

t.test('content chunks that say more than content are read whole (the fast path steps aside)', (t) => {
  const withFinish = run([chunk({ content: 'a' }), chunk({ content: 'b' }, 'length')]);
  t.ok(withFinish.includes(delta(0, { type: 'text_delta', text: 'b' })));
  t.ok(withFinish.endsWith(messageDelta('max_tokens', usage(0, 0)) + STOP), 'the finish_reason of a content chunk is kept');
  const withUsage = run([
    chunk({ content: 'a' }),
    JSON.stringify({ id: 'x', choices: [{ index: 0, delta: { content: 'b' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2 } }),
  ]);
  t.ok(withUsage.endsWith(messageDelta('end_turn', usage(3, 2)) + STOP), 'usage riding on a content chunk is kept');
  const twoChoices = run([
    chunk({ content: 'a' }),
    JSON.stringify({
      id: 'x',
      choices: [
        { index: 0, delta: { content: 'b' } },
        { index: 1, delta: { content: 'c' } },
      ],
    }),
  ]);
  t.notOk(twoChoices.includes('"text":"c"'), 'only choice 0 is the answer');
  const raw = run([chunk({ content: 'a' }), '{"choices":[{"index":0,"delta":{"content":"line\nbreak"},"finish_reason":null}]}']);
  t.notOk(raw.includes('break'), 'a literal with a raw control character is not JSON: skipped, never copied');
  const spaced = run([chunk({ content: 'a' }), '{"choices": [{"index": 0, "delta": {"content": "spaced"}, "finish_reason": null}]}']);
  t.ok(spaced.includes(delta(0, { type: 'text_delta', text: 'spaced' })), 'another spelling is parsed');
  t.end();
});

t.test('the fast path reads finish_reason and usage in any spacing', (t) => {
  const spacedFinish = run([chunk({ content: 'a' }), '{"id":"x","choices":[{"index":0,"delta":{"content":"b"},"finish_reason": "length"}]}']);
  t.ok(spacedFinish.endsWith(messageDelta('max_tokens', usage(0, 0)) + STOP));
  const spacedUsage = run([
    chunk({ content: 'a' }),
    '{"id":"x","choices":[{"index":0,"delta":{"content":"b"},"finish_reason":null}],"usage": {"prompt_tokens":4,"completion_tokens":1}}',
    chunk({}, 'stop'),
  ]);
  t.ok(spacedUsage.endsWith(messageDelta('end_turn', usage(4, 1)) + STOP));
  const nullUsage = run([chunk({ content: 'a' }), '{"id":"x","choices":[{"index":0,"delta":{"content":"b"},"finish_reason":null}],"usage":null}', chunk({}, 'stop')]);
  t.ok(nullUsage.includes(delta(0, { type: 'text_delta', text: 'b' })));
  t.end();
});

t.test('property: any text split anywhere (mid surrogate pair included) folds back to itself', (t) => {
  const alphabet = ['a', ' ', '"', '\\', '\n', '\t', '\u2028', '\u0000', '😀', 'é', '</', '}', '{"x":1}', '\\u0041', '"}', '\\"}', '"},"finish_reason":null}]}'];
  // Engines that escape every non-ASCII unit send a split pair as two lone-surrogate escapes.
  const asciiJson = (text: string) => JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  let seed = 7;
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  for (let round = 0; round < 200; round++) {
    let text = '';
    for (let i = 0, n = 1 + random(30); i < n; i++) text += alphabet[random(alphabet.length)];
    const pieces: string[] = [];
    for (let at = 0; at < text.length;) {
      const size = 1 + random(4);
      pieces.push(text.slice(at, at + size));
      at += size;
    }
    const encode = round % 2 === 0 ? JSON.stringify : asciiJson;
    const events = pieces.map((piece) => `{"id":"chatcmpl-p","choices":[{"index":0,"delta":{"content":${encode(piece)}},"finish_reason":null}]}`);
    const out = run([...events, chunk({}, 'stop')]);
    const folded = out
      .split('\n\n')
      .filter((event) => event.startsWith('event: content_block_delta'))
      .map((event) => (JSON.parse(event.slice(event.indexOf('data: ') + 6)) as { delta: { text: string } }).delta.text)
      .join('');
    if (folded !== text) {
      t.equal(folded, text, `round ${round}`);
      break;
    }
  }
  t.pass('200 random texts folded back');
  t.end();
});
