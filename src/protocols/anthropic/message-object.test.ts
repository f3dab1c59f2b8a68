// Chat completions → the exact Message JSON (design-16 §2.2; the Message's members as
// anthropics/anthropic-sdk-typescript @bfa9197f tests/api-resources/MessageStream.test.ts shows them).
import t from 'tap';
import { messageFromChat, messageId, stopReasonOf } from './message-object.js';

type Json = Record<string, unknown>;
const completion = (message: Json, finish: string, usage: Json = { prompt_tokens: 11, completion_tokens: 6, total_tokens: 17 }, extra: Json = {}) => ({
  id: 'chatcmpl-abc',
  object: 'chat.completion',
  created: 1,
  model: 'served-x',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish, ...extra }],
  usage,
});
const render = (body: unknown) => JSON.parse(messageFromChat(JSON.stringify(body), 'claude-x') ?? 'null') as Json;
const ID = messageId('chatcmpl-abc');
const head = { id: ID, type: 'message', role: 'assistant', model: 'claude-x' };
const tail = { stop_details: null, container: null };
const usage = (input: number, output: number, read = 0, written = 0) => ({
  input_tokens: input,
  cache_creation_input_tokens: written,
  cache_read_input_tokens: read,
  output_tokens: output,
});

t.test('ids: msg_ and 24 characters, the same for the same chat id, new without one', (t) => {
  t.match(ID, /^msg_[A-Za-z0-9_-]{24}$/);
  t.equal(messageId('chatcmpl-abc'), ID);
  t.not(messageId(''), messageId(''));
  t.not(messageId(undefined), messageId(undefined));
  t.end();
});

t.test('text', (t) => {
  t.strictSame(render(completion({ content: 'Hello there!' }, 'stop')), {
    ...head,
    content: [{ type: 'text', text: 'Hello there!' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    ...tail,
    usage: usage(11, 6),
  });
  t.end();
});

t.test('reasoning first, then text, then two tool calls; arguments parsed', (t) => {
  const body = completion(
    {
      content: 'Checking both.',
      reasoning_content: 'Two cities.',
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } },
        { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
      ],
    },
    'tool_calls',
  );
  t.strictSame(render(body), {
    ...head,
    content: [
      { type: 'thinking', thinking: 'Two cities.', signature: '' },
      { type: 'text', text: 'Checking both.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
    ],
    stop_reason: 'tool_use',
    stop_sequence: null,
    ...tail,
    usage: usage(11, 6),
  });
  t.end();
});

t.test('vLLM’s `reasoning`, null content with calls, arguments that are not JSON', (t) => {
  const body = completion({ content: null, reasoning: 'hm', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":' } }] }, 'tool_calls');
  t.strictSame(render(body)['content'], [
    { type: 'thinking', thinking: 'hm', signature: '' },
    { type: 'tool_use', id: 'c', name: 'f', input: {} },
  ]);
  t.end();
});

t.test('arguments that are a JSON object go into input as written (big integers kept); any other JSON is {}', (t) => {
  for (const [args, input] of [
    ['{"n": 12345678901234567890, "e": 1E400}', '{"n": 12345678901234567890, "e": 1E400}'],
    ['[1,2]', '{}'],
    ['null', '{}'],
  ]) {
    const body = completion({ content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }] }, 'tool_calls');
    const text = messageFromChat(JSON.stringify(body), 'claude-x') ?? '';
    t.ok(text.includes(`"input":${input}}`), `${args} → ${input}`);
    t.doesNotThrow(() => JSON.parse(text) as unknown, 'the Message is JSON');
  }
  t.end();
});

t.test('stop reasons', (t) => {
  t.strictSame(stopReasonOf('stop', null), { reason: 'end_turn', sequence: null });
  t.strictSame(stopReasonOf('stop', 'END'), { reason: 'stop_sequence', sequence: 'END' });
  t.strictSame(stopReasonOf('stop', 151643), { reason: 'end_turn', sequence: null });
  t.strictSame(stopReasonOf('length', null), { reason: 'max_tokens', sequence: null });
  t.strictSame(stopReasonOf('tool_calls', null), { reason: 'tool_use', sequence: null });
  t.strictSame(stopReasonOf('content_filter', null), { reason: 'refusal', sequence: null });
  const stopped = render(completion({ content: 'a' }, 'stop', undefined, { stop_reason: '###' }));
  t.strictSame([stopped['stop_reason'], stopped['stop_sequence']], ['stop_sequence', '###']);
  const refused = render(completion({ content: null, refusal: 'I cannot.' }, 'content_filter'));
  t.strictSame([refused['content'], refused['stop_reason']], [[{ type: 'text', text: 'I cannot.' }], 'refusal']);
  t.end();
});

t.test('usage: cached and cache-written tokens are taken out of input_tokens', (t) => {
  const body = completion({ content: 'x' }, 'stop', {
    prompt_tokens: 1000,
    completion_tokens: 5,
    total_tokens: 1005,
    prompt_tokens_details: { cached_tokens: 768, cache_write_tokens: 200 },
  });
  t.strictSame(render(body)['usage'], usage(32, 5, 768, 200));
  t.strictSame(render(completion({ content: 'x' }, 'stop', {}))['usage'], usage(0, 0));
  t.end();
});

t.test('an empty answer has no blocks; what is not a completion is null', (t) => {
  t.strictSame(render(completion({ content: '' }, 'stop'))['content'], []);
  t.equal(messageFromChat('{"choices":', 'm'), null);
  t.equal(messageFromChat('[1]', 'm'), null);
  t.end();
});
