import t from 'tap';
import { EXPECTED_BASIC_MESSAGE } from '../../../test/fixtures/wire/load.js';
import { chatCompletionFromMessage, chatUsage, finishReasonOf } from './response.js';

function translate(message: unknown): Record<string, unknown> {
  const out = JSON.parse(chatCompletionFromMessage(Buffer.from(JSON.stringify(message)), 'r0').toString('utf8')) as Record<string, unknown>;
  t.type(out['created'], 'number');
  delete out['created'];
  return out;
}

t.test('a text Message is a chat completion with its usage', async (t) => {
  t.strictSame(translate(EXPECTED_BASIC_MESSAGE), {
    id: 'chatcmpl-msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK',
    object: 'chat.completion',
    model: 'claude-opus-4-8',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there!' }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 11, completion_tokens: 6, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 } },
  });
});

t.test('thinking, text and tool_use blocks; server-tool blocks are not tool calls', async (t) => {
  const message = {
    ...EXPECTED_BASIC_MESSAGE,
    stop_reason: 'tool_use',
    content: [
      { type: 'thinking', thinking: 'Weather: ask the tool.', signature: 'c2ln' },
      { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'paris' } },
      { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
      { type: 'text', text: "I'll check the current weather in Paris for you." },
      { type: 'tool_use', id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', name: 'get_weather', input: { location: 'Paris' } },
    ],
    // The cache counts of "applies every message_delta field onto the accumulated message", same file.
    usage: { input_tokens: 42, output_tokens: 99, cache_creation_input_tokens: 7, cache_read_input_tokens: 8 },
  };
  const out = translate(message);
  t.strictSame(out['choices'], [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: "I'll check the current weather in Paris for you.",
        reasoning_content: 'Weather: ask the tool.',
        tool_calls: [{ id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    },
  ]);
  t.strictSame(out['usage'], { prompt_tokens: 57, completion_tokens: 99, total_tokens: 156, prompt_tokens_details: { cached_tokens: 8, cache_write_tokens: 7 } });
});

t.test('stop reasons', async (t) => {
  const table: [string | null, string][] = [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    [null, 'stop'],
  ];
  for (const [stop, finish] of table) t.equal(finishReasonOf(stop), finish, String(stop));
  t.strictSame(chatUsage({}), { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 } });
});

t.test('an answer that is not a Message is the replica failing', async (t) => {
  t.throws(() => chatCompletionFromMessage(Buffer.from('<html>'), 'r0'), { name: 'RouterError', kind: 'upstream_error' });
  t.throws(() => chatCompletionFromMessage(Buffer.from('{"type":"message"}'), 'r0'), { name: 'RouterError', kind: 'upstream_error' });
});
