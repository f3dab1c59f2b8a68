// Messages body → the neutral chat body, one row per field of design-16 §2.1 (field meanings from
// @anthropic-ai/sdk 1.16.0 src/resources/messages/messages.ts MessageCreateParamsBase), and every 400.
import t from 'tap';
import { RouterError } from '../../openai/errors.js';
import { chatBodyOf } from './request.js';

type Json = Record<string, unknown>;
const base = (extra: Json = {}): Json => ({ model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }], ...extra });
const chat = (body: Json, countOnly = false) => chatBodyOf(body, { countOnly });

t.test('the smallest body', (t) => {
  t.strictSame(chat(base()), { model: 'claude-x', stream: false, body: { model: 'claude-x', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 100 } });
  t.strictSame(chat(base({ stream: true })).stream, true);
  t.strictSame(chat(base({ stream: true })).body['stream'], true);
  t.end();
});

t.test('top-level fields', (t) => {
  const rows: [Json, Json][] = [
    [
      { system: 'Be brief.' },
      {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
      },
    ],
    [
      {
        system: [
          { type: 'text', text: 'A', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'B' },
        ],
      },
      {
        messages: [
          { role: 'system', content: 'A\nB' },
          { role: 'user', content: 'Hi' },
        ],
      },
    ],
    [{ stop_sequences: ['END', '###'] }, { stop: ['END', '###'] }],
    [{ stop_sequences: [] }, {}],
    [
      { temperature: 0, top_p: 0.9, top_k: 40 },
      { temperature: 0, top_p: 0.9, top_k: 40 },
    ],
    [{ metadata: { user_id: 'u-1' } }, { user: 'u-1' }],
    [{ metadata: { user_id: null } }, {}],
    [{ thinking: { type: 'enabled', budget_tokens: 1024 } }, { reasoning_effort: 'low' }],
    [{ thinking: { type: 'enabled', budget_tokens: 4096 } }, { reasoning_effort: 'medium' }],
    [{ thinking: { type: 'enabled', budget_tokens: 32000 } }, { reasoning_effort: 'high' }],
    [{ thinking: { type: 'disabled' } }, {}],
    [{ thinking: { type: 'adaptive' } }, {}],
    [{ thinking: { type: 'enabled', budget_tokens: 32000 }, output_config: { effort: 'low' } }, { reasoning_effort: 'low' }],
    [{ output_config: { effort: 'max' } }, { reasoning_effort: 'max' }],
    [
      { output_config: { format: { type: 'json_schema', schema: { type: 'object' } } } },
      { response_format: { type: 'json_schema', json_schema: { name: 'output', schema: { type: 'object' }, strict: true } } },
    ],
    // Hints and hosted-only settings are ignored, as are fields a newer client adds.
    [{ service_tier: 'auto', cache_control: { type: 'ephemeral' }, speed: 'fast', inference_geo: 'us', brand_new_field: 1 }, {}],
  ];
  for (const [extra, expected] of rows) {
    const { body } = chat(base(extra));
    const want: Json = { model: 'claude-x', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 100, ...expected };
    t.strictSame(body, want, JSON.stringify(extra));
  }
  t.end();
});

t.test('tools and tool_choice', (t) => {
  const tool = { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };
  const fn = { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: tool.input_schema } };
  const rows: [Json, Json][] = [
    [{ tools: [tool] }, { tools: [fn] }],
    [{ tools: [{ ...tool, type: 'custom', strict: true }] }, { tools: [{ type: 'function', function: { ...fn.function, strict: true } }] }],
    [{ tools: [] }, {}],
    [{ tools: [], tool_choice: { type: 'any' } }, {}],
    [
      { tools: [tool], tool_choice: { type: 'auto' } },
      { tools: [fn], tool_choice: 'auto' },
    ],
    [
      { tools: [tool], tool_choice: { type: 'any' } },
      { tools: [fn], tool_choice: 'required' },
    ],
    [
      { tools: [tool], tool_choice: { type: 'none' } },
      { tools: [fn], tool_choice: 'none' },
    ],
    [
      { tools: [tool], tool_choice: { type: 'tool', name: 'get_weather' } },
      { tools: [fn], tool_choice: { type: 'function', function: { name: 'get_weather' } } },
    ],
    [
      { tools: [tool], tool_choice: { type: 'auto', disable_parallel_tool_use: true } },
      { tools: [fn], tool_choice: 'auto', parallel_tool_calls: false },
    ],
  ];
  for (const [extra, expected] of rows) {
    t.strictSame(chat(base(extra)).body, { model: 'claude-x', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 100, ...expected }, JSON.stringify(extra));
  }
  t.end();
});

t.test('content blocks and turns', (t) => {
  const png = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } };
  const rows: [unknown[], unknown[]][] = [
    [[{ role: 'user', content: [{ type: 'text', text: 'One' }] }], [{ role: 'user', content: 'One' }]],
    [
      [{ role: 'user', content: [{ type: 'text', text: 'What is it?' }, png, { type: 'image', source: { type: 'url', url: 'https://x.test/a.jpg' } }] }],
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is it?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://x.test/a.jpg' } },
          ],
        },
      ],
    ],
    [
      [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'call the tool', signature: 'sig' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Also, thanks.' },
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              content: [
                { type: 'text', text: '12:00' },
                { type: 'text', text: 'CET' },
              ],
              is_error: false,
            },
          ],
        },
      ],
      [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'toolu_2', content: '12:00\nCET' },
        { role: 'user', content: 'Also, thanks.' },
      ],
    ],
    [
      [
        { role: 'user', content: 'Look' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'shot', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'taken' }, png] }] },
      ],
      [
        { role: 'user', content: 'Look' },
        { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'shot', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 't1', content: 'taken' },
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
      ],
    ],
    [
      [
        { role: 'system', content: 'Inline system (2026-10-21).' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [{ type: 'redacted_thinking', data: 'xx' }] },
      ],
      // A turn of thinking blocks alone says nothing an engine can read: left out, not sent as an empty prefill.
      [
        { role: 'system', content: 'Inline system (2026-10-21).' },
        { role: 'user', content: 'Hi' },
      ],
    ],
  ];
  for (const [messages, expected] of rows) {
    t.strictSame(chat(base({ messages })).body['messages'], expected, JSON.stringify(messages).slice(0, 80));
  }
  t.end();
});

t.test('count_tokens takes a body without max_tokens', (t) => {
  const body = base();
  delete body['max_tokens'];
  t.strictSame(chat(body, true).body, { model: 'claude-x', messages: [{ role: 'user', content: 'Hi' }] });
  t.end();
});

t.test('every malformed body is a 400 with the field’s path', (t) => {
  const user = (content: unknown) => ({ messages: [{ role: 'user', content }] });
  const afterToolUse = (result: Json) => ({
    messages: [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
      { role: 'user', content: [result] },
    ],
  });
  const rows: [unknown, string][] = [
    [[], 'The request body must be a JSON object.'],
    [{ ...base(), model: 7 }, 'model: Input should be a valid string, got a number'],
    [{ ...base(), model: '' }, 'model: String should have at least 1 character'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }] }, 'max_tokens: Field required'],
    [base({ max_tokens: 0 }), 'max_tokens: Input should be an integer of at least 1, got a number'],
    [base({ max_tokens: 1.5 }), 'max_tokens: Input should be an integer of at least 1, got a number'],
    [base({ max_tokens: '10' }), 'max_tokens: Input should be an integer of at least 1, got a string'],
    [{ model: 'm', max_tokens: 1 }, 'messages: Field required'],
    [base({ messages: 'hi' }), 'messages: Input should be a valid list, got a string'],
    [base({ messages: {} }), 'messages: Input should be a valid list, got an object'],
    [base({ messages: [] }), 'messages: at least one message is required'],
    [base({ messages: ['x'] }), 'messages.0: Input should be an object, got a string'],
    [base({ messages: [{ role: 'tool', content: 'x' }] }), "messages.0.role: Input should be 'user', 'assistant' or 'system'"],
    [base({ messages: [{ role: 'user' }] }), 'messages.0.content: Field required'],
    [base(user(5)), 'messages.0.content: Input should be a string or a list of content blocks, got a number'],
    [base(user([])), 'messages.0.content: at least one content block is required'],
    [base(user([{ text: 'x' }])), 'messages.0.content.0.type: Field required'],
    [base(user([{ type: 'video', url: 'x' }])), "messages.0.content.0.type: unknown content block type 'video'"],
    [base(user([{ type: 'document', source: {} }])), 'messages.0.content.0.type: document blocks are not supported by this router'],
    [base(user([{ type: 'server_tool_use', id: 'x', name: 'web_search', input: {} }])), 'messages.0.content.0.type: server_tool_use blocks are not supported by this router'],
    [base(user([{ type: 'text' }])), 'messages.0.content.0.text: Field required'],
    [
      base(user([{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'x' } }])),
      "messages.0.content.0.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'",
    ],
    [base(user([{ type: 'image', source: { type: 'base64', media_type: 'image/png' } }])), 'messages.0.content.0.source.data: Field required'],
    [base(user([{ type: 'image', source: { type: 'file', file_id: 'f' } }])), 'messages.0.content.0.source.type: file sources are not supported by this router'],
    [base(user([{ type: 'image', source: { type: 'url' } }])), 'messages.0.content.0.source.url: Field required'],
    [base(user([{ type: 'image' }])), 'messages.0.content.0.source: Field required'],
    [base(user([{ type: 'tool_use', id: 't', name: 'f', input: {} }])), 'messages.0.content.0.type: tool_use blocks belong to assistant turns'],
    [base(afterToolUse({ type: 'tool_result', content: 'x' })), 'messages.2.content.0.tool_use_id: Field required'],
    [
      base(afterToolUse({ type: 'tool_result', tool_use_id: 't9', content: 'x' })),
      "messages.2.content.0.tool_use_id: 't9' does not answer a tool_use block of the previous assistant turn",
    ],
    [
      base(afterToolUse({ type: 'tool_result', tool_use_id: 't1', content: 7 })),
      'messages.2.content.0.content: Input should be a string or a list of content blocks, got a number',
    ],
    [
      base(afterToolUse({ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'document' }] })),
      'messages.2.content.0.content.0.type: document blocks are not supported by this router',
    ],
    [
      base(user([{ type: 'tool_result', tool_use_id: 't1', content: 'x' }])),
      "messages.0.content.0.tool_use_id: 't1' does not answer a tool_use block of the previous assistant turn",
    ],
    [base({ messages: [{ role: 'assistant', content: [{ type: 'tool_use', name: 'f', input: {} }] }] }), 'messages.0.content.0.id: Field required'],
    [
      base({ messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: [] }] }] }),
      'messages.0.content.0.input: Input should be an object, got an array',
    ],
    [base({ messages: [{ role: 'assistant', content: [{ type: 'image', source: {} }] }] }), 'messages.0.content.0.type: image blocks belong to user turns'],
    [base({ system: 5 }), 'system: Input should be a string or a list of text blocks, got a number'],
    [base({ system: [{ type: 'image' }] }), "system.0.type: Input should be 'text'"],
    [base({ stop_sequences: 'END' }), 'stop_sequences: Input should be a valid list, got a string'],
    [base({ stop_sequences: [1] }), 'stop_sequences.0: Input should be a valid string, got a number'],
    [base({ temperature: '0' }), 'temperature: Input should be a number, got a string'],
    [base({ temperature: 5 }), 'temperature: Input should be between 0 and 1, got a number'],
    [base({ top_p: 2 }), 'top_p: Input should be between 0 and 1, got a number'],
    [base({ temperature: -0.1 }), 'temperature: Input should be between 0 and 1, got a number'],
    [base({ top_k: -1 }), 'top_k: Input should be an integer of at least 0, got a number'],
    [base({ stream: 'yes' }), 'stream: Input should be a boolean, got a string'],
    [base({ metadata: [] }), 'metadata: Input should be an object, got an array'],
    [base({ metadata: { user_id: 5 } }), 'metadata.user_id: Input should be a valid string, got a number'],
    [base({ tools: {} }), 'tools: Input should be a valid list, got an object'],
    [base({ tools: [{ name: 'f' }] }), 'tools.0.input_schema: Field required'],
    [base({ tools: [{ input_schema: {} }] }), 'tools.0.name: Field required'],
    [
      base({ tools: [{ type: 'web_search_20250305', name: 'web_search' }] }),
      "tools.0.type: server tools ('web_search_20250305') are not supported by this router; only client tools (name, input_schema)",
    ],
    [base({ tools: [{ name: 'f', input_schema: {} }], tool_choice: 'auto' }), 'tool_choice: Input should be an object, got a string'],
    [base({ tools: [{ name: 'f', input_schema: {} }], tool_choice: { type: 'some' } }), "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'"],
    [base({ tools: [{ name: 'f', input_schema: {} }], tool_choice: { type: 'tool' } }), 'tool_choice.name: Field required'],
    [base({ tools: [{ name: 'f', input_schema: {} }], tool_choice: { type: 'tool', name: 'g' } }), "tool_choice.name: no tool named 'g' in tools"],
    [base({ messages: [{ role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature: 'y' }] }] }), 'messages: no message has content other than thinking blocks'],
    [base({ thinking: { type: 'enabled' } }), 'thinking.budget_tokens: Field required'],
    [base({ thinking: { type: 'enabled', budget_tokens: 100 } }), 'thinking.budget_tokens: Input should be an integer of at least 1024, got a number'],
    [base({ thinking: { type: 'sometimes' } }), "thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'"],
    [base({ output_config: { effort: 'extreme' } }), "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'"],
    [base({ output_config: { format: { type: 'json_object' } } }), "output_config.format.type: Input should be 'json_schema'"],
    [base({ output_config: { format: { type: 'json_schema' } } }), 'output_config.format.schema: Field required'],
    [base({ mcp_servers: [{ type: 'url', url: 'https://x' }] }), 'mcp_servers: MCP servers are not supported by this router'],
    [base({ container: 'c1' }), 'container: containers are not supported by this router'],
  ];
  for (const [body, message] of rows) {
    try {
      chat(body as Json);
      t.fail(`accepted: ${message}`);
    } catch (error) {
      t.ok(error instanceof RouterError && error.kind === 'invalid_request', message);
      t.equal((error as Error).message, message);
    }
  }
  t.end();
});
