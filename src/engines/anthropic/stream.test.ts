// The transcoder fed Anthropic's own recorded streams (test/fixtures/wire/, copied from
// anthropics/anthropic-sdk-typescript @bfa9197f: tests/lib/fixtures/*.txt, tests/fixtures/fable-fallback/*.sse),
// cut into small reads so events span chunks.
import t from 'tap';
import { wireFixture } from '../../../test/fixtures/wire/load.js';
import { AnthropicStreamTranscoder } from './stream.js';

type Json = Record<string, unknown>;

/** The chat SSE the transcoder writes, as its events' data (parsed, `created` checked and dropped) and comments. */
function transcode(wire: string, readSize = 7): (Json | string)[] {
  const transcoder = new AnthropicStreamTranscoder();
  const bytes = Buffer.from(wire);
  let out = '';
  for (let at = 0; at < bytes.length; at += readSize) out += transcoder.push(bytes.subarray(at, at + readSize)).toString('utf8');
  return out
    .split('\n\n')
    .filter((event) => event !== '')
    .map((event) => {
      if (event.startsWith(':')) return event;
      t.ok(event.startsWith('data: '), 'every event is one data line');
      const data = event.slice(6);
      if (data === '[DONE]') return data;
      const parsed = JSON.parse(data) as Json;
      if ('created' in parsed) {
        t.type(parsed['created'], 'number');
        delete parsed['created'];
      }
      return parsed;
    });
}

/** Each chat chunk's first choice's delta, in order. */
function deltasOf(events: readonly (Json | string)[]): Json[] {
  const deltas: Json[] = [];
  for (const event of events) {
    if (typeof event === 'string') continue;
    const first = (event['choices'] as Json[] | undefined)?.[0];
    if (first !== undefined) deltas.push(first['delta'] as Json);
  }
  return deltas;
}

/** One string field of every delta, joined. */
function joined(deltas: readonly Json[], field: string): string {
  return deltas.map((d) => (typeof d[field] === 'string' ? d[field] : '')).join('');
}

/** The tool-call argument fragments, in order. */
function argumentsOf(events: readonly (Json | string)[]): string[] {
  return deltasOf(events).flatMap((delta) => ((delta['tool_calls'] as Json[] | undefined) ?? []).map((call) => (call['function'] as Json)['arguments'] as string));
}

const head = (id: string, model: string) => ({ id: `chatcmpl-${id}`, object: 'chat.completion.chunk', model });
const choice = (delta: Json, finish: string | null = null) => ({ choices: [{ index: 0, delta, finish_reason: finish }] });

t.test('basic_response.txt: role, three text deltas, stop, usage 11/6, [DONE]', async (t) => {
  const h = head('msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK', 'claude-opus-4-8');
  t.strictSame(transcode(wireFixture('anthropic-basic_response.txt')), [
    { ...h, ...choice({ role: 'assistant', content: '' }) },
    ': ping',
    { ...h, ...choice({ content: 'Hello' }) },
    { ...h, ...choice({ content: ' there' }) },
    { ...h, ...choice({ content: '!' }) },
    { ...h, ...choice({}, 'stop') },
    { ...h, choices: [], usage: { prompt_tokens: 11, completion_tokens: 6, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 } } },
    '[DONE]',
  ]);
});

t.test('tool_use_response.txt: text, then one tool call whose argument fragments are relayed as received', async (t) => {
  const h = head('msg_019Q1hrJbZG26Fb9BQhrkHEr', 'claude-opus-4-8');
  const args = (fragment: string) => ({ ...h, ...choice({ tool_calls: [{ index: 0, function: { arguments: fragment } }] }) });
  const events = transcode(wireFixture('anthropic-tool_use_response.txt'), 13);
  t.strictSame(events, [
    { ...h, ...choice({ role: 'assistant', content: '' }) },
    ': ping',
    { ...h, ...choice({ content: 'I' }) },
    { ...h, ...choice({ content: "'ll check the current weather in Paris for you." }) },
    { ...h, ...choice({ tool_calls: [{ index: 0, id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', type: 'function', function: { name: 'get_weather', arguments: '' } }] }) },
    args('{"locati'),
    args('on": "P'),
    args('ar'),
    args('is"}'),
    { ...h, ...choice({}, 'tool_calls') },
    { ...h, choices: [], usage: { prompt_tokens: 377, completion_tokens: 65, total_tokens: 442, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 } } },
    '[DONE]',
  ]);
  t.strictSame(JSON.parse(argumentsOf(events).join('')), { location: 'Paris' });
});

t.test('incomplete_partial_json_response.txt: padded JSON parses; max_tokens mid tool call is length, the cut arguments relayed unrepaired', async (t) => {
  const events = transcode(wireFixture('anthropic-incomplete_partial_json_response.txt'), 1);
  const deltas = deltasOf(events);
  const text = joined(deltas, 'content');
  t.equal(text, "I'll create a comprehensive tax guide for someone with multiple W2s and save it in a file called taxes.txt. Let me do that for you now.");
  t.equal(
    argumentsOf(events).join(''),
    '{"filename": "taxes.txt", "lines_of_text": [\n"# COMPREHENSIVE TAX GUIDE FOR INDIVIDUALS WITH MULTIPLE W-2s",\n"",\n"## INTRODUCTION",\n"",\n"Filing taxes',
  );
  const finish = events.flatMap((e) => (typeof e === 'string' ? [] : ((e['choices'] as Json[]).map((c) => c['finish_reason']).filter((f) => f !== null) as string[])));
  t.strictSame(finish, ['length']);
  t.strictSame((events.at(-2) as Json)['usage'], {
    prompt_tokens: 450,
    completion_tokens: 124,
    total_tokens: 574,
    prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
  });
});

t.test('stream-a-refusal.sse: thinking → reasoning_content, refusal → content_filter, usage from message_delta', async (t) => {
  const events = transcode(wireFixture('anthropic-stream-a-refusal.sse'), 64);
  const deltas = deltasOf(events);
  t.match(joined(deltas, 'reasoning_content'), /^Simple educational question .* roll with it politely\.$/s);
  t.equal(joined(deltas, 'content'), 'Hi');
  t.notOk(JSON.stringify(events).includes('signature'), 'the signature is not relayed');
  t.equal(((events.at(-3) as Json)['choices'] as Json[])[0]?.['finish_reason'], 'content_filter');
  t.strictSame((events.at(-2) as Json)['usage'], {
    prompt_tokens: 28,
    completion_tokens: 106,
    total_tokens: 134,
    prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
  });
});

t.test('stream-a-toolrefusal.sse: server-tool blocks and their input_json_deltas are skipped, never tool_calls', async (t) => {
  const events = transcode(wireFixture('anthropic-stream-a-toolrefusal.sse'), 100);
  t.notOk(JSON.stringify(events).includes('tool_calls'));
  t.notOk(JSON.stringify(events).includes('web_search'));
  const deltas = deltasOf(events);
  t.equal(joined(deltas, 'content'), "Here's a summary of this year's solar eclipses and how");
  // message_delta's input_tokens (28) overwrites message_start's (612): its counts are cumulative totals.
  t.equal(((events.at(-2) as Json)['usage'] as Json)['prompt_tokens'], 28);
});

t.test('cache counts: message_delta overwrites what it carries, message_start stands for the rest', async (t) => {
  // The events of "keeps message_start usage when message_delta omits the optional keys",
  // anthropics/anthropic-sdk-typescript tests/api-resources/MessageStream.test.ts @bfa9197f, framed as SSE.
  const events = [
    {
      type: 'message_start',
      message: {
        id: 'msg_delta_02',
        type: 'message',
        role: 'assistant',
        content: [],
        model: 'claude-opus-4-8',
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 2, cache_read_input_tokens: 3 },
      },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi.' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 12 } },
    { type: 'message_stop' },
  ];
  const wire = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
  t.strictSame((transcode(wire).at(-2) as Json)['usage'], {
    prompt_tokens: 15,
    completion_tokens: 12,
    total_tokens: 27,
    prompt_tokens_details: { cached_tokens: 3, cache_write_tokens: 2 },
  });
});

t.test('an error event becomes the chat error event the relay reads', async (t) => {
  // anthropics/anthropic-sdk-typescript tests/streaming.test.ts @bfa9197f l.224-226.
  const wire = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
  t.strictSame(transcode(wire), [{ error: { message: 'Overloaded', type: 'overloaded_error' } }]);
});

t.test('a tool call with no arguments (only an empty input_json_delta) closes with "{}", which parses', async (t) => {
  // Anthropic streams a parameterless tool's input as one empty partial_json; its SDK reads an empty buffer
  // as {} (anthropics/anthropic-sdk-typescript src/internal/message-stream-utils.ts, withLazyInput:
  // `jsonBuf ? partialParse(jsonBuf) : {}`). A chat client parses arguments with JSON.parse, which "" fails.
  const events = [
    {
      type: 'message_start',
      message: { id: 'msg_noargs', type: 'message', role: 'assistant', content: [], model: 'claude-opus-4-8', usage: { input_tokens: 5, output_tokens: 1 } },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_01', name: 'get_time', input: {} } },
    { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_02', name: 'get_weather', input: {} } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city": "Paris"}' } },
    { type: 'content_block_stop', index: 1 },
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 20 } },
    { type: 'message_stop' },
  ];
  const wire = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
  const calls = new Map<number, string>();
  for (const delta of deltasOf(transcode(wire))) {
    for (const call of (delta['tool_calls'] as Json[] | undefined) ?? []) {
      const index = call['index'] as number;
      calls.set(index, (calls.get(index) ?? '') + ((call['function'] as Json)['arguments'] as string));
    }
  }
  t.strictSame(
    [...calls],
    [
      [0, '{}'],
      [1, '{"city": "Paris"}'],
    ],
  );
});
