import t from 'tap';
import type { AnthropicConfig } from '../../config/types.js';
import { messagesPayload } from './request.js';

const V1: AnthropicConfig = { version: '2023-06-01', defaultMaxTokens: 4096 };

function send(body: Record<string, unknown>, config = V1, stream = false): unknown {
  return JSON.parse(messagesPayload(body, 'claude-opus-4-8', stream, config));
}

t.test('system and developer messages become `system`; the rest keeps its order', async (t) => {
  t.strictSame(
    send({
      model: 'a',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    }),
    {
      model: 'claude-opus-4-8',
      max_tokens: 4096,
      messages: [{ role: 'user', content: 'Hi' }],
      system: 'Be brief.',
    },
  );
  t.strictSame(
    send({
      model: 'a',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'One.' }] },
        { role: 'user', content: 'Hi' },
        { role: 'developer', content: 'Two.' },
      ],
    }),
    {
      model: 'claude-opus-4-8',
      max_tokens: 4096,
      messages: [{ role: 'user', content: 'Hi' }],
      system: [
        { type: 'text', text: 'One.' },
        { type: 'text', text: 'Two.' },
      ],
    },
  );
});

t.test('images: a data URL is a base64 source, an http URL a url source', async (t) => {
  const body = send({
    model: 'a',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
        ],
      },
    ],
  }) as Record<string, unknown>;
  t.strictSame(body['messages'], [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is this?' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      ],
    },
  ]);
});

t.test('a tool round trip: tools, tool_choice, tool_calls → tool_use, consecutive tool messages → one user turn', async (t) => {
  const body = send({
    model: 'a',
    max_completion_tokens: 300,
    max_tokens: 200,
    stop: 'END',
    temperature: 0.2,
    top_p: 0.9,
    user: 'u-1',
    seed: 7,
    parallel_tool_calls: false,
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
    tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }],
    messages: [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '24C' }] },
      { role: 'user', content: 'Thanks' },
    ],
  });
  t.strictSame(body, {
    model: 'claude-opus-4-8',
    max_tokens: 200,
    messages: [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { location: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '24C' }] },
        ],
      },
      { role: 'user', content: 'Thanks' },
    ],
    stop_sequences: ['END'],
    temperature: 0.2,
    tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } }, description: 'Weather now' }],
    tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
    metadata: { user_id: 'u-1' },
  });
});

t.test('tool_choice strings, json_schema, effort, stream; 2026-10-21 drops the sampling fields', async (t) => {
  const tools = [{ type: 'function', function: { name: 'f' } }];
  const base = { model: 'a', messages: [{ role: 'user', content: 'x' }], tools };
  const choice = (c: unknown) => (send({ ...base, tool_choice: c }) as Record<string, unknown>)['tool_choice'];
  t.strictSame(choice('auto'), { type: 'auto' });
  t.strictSame(choice('required'), { type: 'any' });
  t.strictSame(choice('none'), { type: 'none' });
  t.strictSame((send({ ...base }) as Record<string, unknown>)['tools'], [{ name: 'f', input_schema: { type: 'object' } }]);
  const later = send(
    {
      model: 'a',
      messages: [{ role: 'user', content: 'x' }],
      temperature: 1,
      top_p: 1,
      top_k: 5,
      reasoning_effort: 'high',
      response_format: { type: 'json_schema', json_schema: { name: 'o', schema: { type: 'object' } } },
    },
    { version: '2026-10-21', defaultMaxTokens: 64 },
    true,
  );
  t.strictSame(later, {
    model: 'claude-opus-4-8',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'x' }],
    output_config: { format: { type: 'json_schema', schema: { type: 'object' } }, effort: 'high' },
    stream: true,
  });
});

t.test("what Anthropic cannot take is the caller's 400, naming the field", async (t) => {
  const user = [{ role: 'user', content: 'x' }];
  const table: [Record<string, unknown>, string][] = [
    [{ messages: user, n: 2 }, 'n'],
    [{ messages: user, logprobs: true }, 'logprobs'],
    [{ messages: user, response_format: { type: 'json_object' } }, 'response_format'],
    [{ messages: user, tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools[0]'],
    [{ messages: [{ role: 'function', name: 'f', content: 'x' }] }, 'messages[0].role'],
    [{ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }, 'messages[0].content[0].type'],
    [{ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,raw' } }] }] }, 'messages[0].content[0].image_url.url'],
    [
      { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: 'not json' } }] }] },
      'messages[0].tool_calls[0].function.arguments',
    ],
    [{ messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
  ];
  for (const [body, param] of table) {
    t.throws(() => send({ model: 'a', ...body }), { name: 'RouterError', kind: 'invalid_request', status: 400, param }, param);
  }
});

t.test('an empty assistant turn sent back as history is left out; Anthropic refuses empty content', async (t) => {
  // The router's own empty answer comes back as "" (non-streaming) or null (the SDK's streamed message).
  for (const content of ['', null, []]) {
    t.strictSame(
      send({
        model: 'a',
        messages: [
          { role: 'user', content: 'Say nothing.' },
          { role: 'assistant', content },
          { role: 'user', content: 'Now say hi.' },
        ],
      }),
      {
        model: 'claude-opus-4-8',
        max_tokens: 4096,
        messages: [
          { role: 'user', content: 'Say nothing.' },
          { role: 'user', content: 'Now say hi.' },
        ],
      },
      JSON.stringify(content),
    );
  }
});

t.test('stop strings of only whitespace are left out (Anthropic refuses them); the others go as stop_sequences', async (t) => {
  const user = [{ role: 'user', content: 'Hi' }];
  t.strictSame((send({ model: 'a', messages: user, stop: ['END', '\n\n', ' '] }) as Record<string, unknown>)['stop_sequences'], ['END']);
  t.equal((send({ model: 'a', messages: user, stop: '\n' }) as Record<string, unknown>)['stop_sequences'], undefined);
  t.strictSame((send({ model: 'a', messages: user, stop: 'Human:' }) as Record<string, unknown>)['stop_sequences'], ['Human:']);
});

t.test('temperature and top_p together: temperature goes, top_p is left out (newer Claude models refuse both)', async (t) => {
  const user = [{ role: 'user', content: 'Hi' }];
  const both = send({ model: 'a', messages: user, temperature: 0.3, top_p: 0.9 }) as Record<string, unknown>;
  t.strictSame([both['temperature'], both['top_p']], [0.3, undefined]);
  const alone = send({ model: 'a', messages: user, top_p: 0.9 }) as Record<string, unknown>;
  t.strictSame([alone['temperature'], alone['top_p']], [undefined, 0.9], 'top_p alone is sent');
});
