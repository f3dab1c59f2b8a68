// The Responses request mapping, one row per field (design-16 §1.1): the neutral chat body it makes,
// and every refusal with its parameter and code.
import t from 'tap';
import { RouterError } from '../../openai/errors.js';
import { toChatMessages } from './input-items.js';
import { parseResponsesRequest } from './request.js';

/** The chat body a request maps to (messages from its own input; no history, no instructions). */
function chat(body: Record<string, unknown>): Record<string, unknown> {
  const request = parseResponsesRequest({ model: 'm', ...body }, null);
  return { ...request.chat, messages: toChatMessages(request.input) };
}

t.test('fields → the neutral chat body', async (t) => {
  const user = [{ role: 'user', content: 'hi' }];
  const rows: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['input string', { input: 'hi' }, { model: 'm', messages: user }],
    ['stream', { input: 'hi', stream: true }, { model: 'm', stream: true, messages: user }],
    ['stream_options is dropped', { input: 'hi', stream: true, stream_options: { include_obfuscation: false } }, { model: 'm', stream: true, messages: user }],
    [
      'sampling and identity fields',
      { input: 'hi', temperature: 0, top_p: 0.5, user: 'u', safety_identifier: 's', prompt_cache_key: 'p', service_tier: 'auto', parallel_tool_calls: false },
      { model: 'm', temperature: 0, top_p: 0.5, user: 'u', safety_identifier: 's', prompt_cache_key: 'p', service_tier: 'auto', parallel_tool_calls: false, messages: user },
    ],
    ['max_output_tokens → max_tokens', { input: 'hi', max_output_tokens: 100 }, { model: 'm', max_tokens: 100, messages: user }],
    [
      'reasoning.effort → reasoning_effort (summary dropped)',
      { input: 'hi', reasoning: { effort: 'high', summary: 'auto' } },
      { model: 'm', reasoning_effort: 'high', messages: user },
    ],
    ['top_logprobs', { input: 'hi', top_logprobs: 3 }, { model: 'm', logprobs: true, top_logprobs: 3, messages: user }],
    [
      'store, metadata, instructions, previous_response_id stay out of the body',
      { input: 'hi', store: false, metadata: { a: 'b' }, instructions: 'x', previous_response_id: 'resp_1' },
      { model: 'm', messages: user },
    ],
    [
      'text.format json_schema',
      { input: 'hi', text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true, description: 'd' } } },
      { model: 'm', response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, description: 'd', strict: true } }, messages: user },
    ],
    ['text.format json_object', { input: 'hi', text: { format: { type: 'json_object' } } }, { model: 'm', response_format: { type: 'json_object' }, messages: user }],
    ['text.format text, verbosity', { input: 'hi', text: { format: { type: 'text' }, verbosity: 'low' } }, { model: 'm', verbosity: 'low', messages: user }],
    [
      'function tools, flat → nested; tool_choice',
      { input: 'hi', tools: [{ type: 'function', name: 'f', description: 'd', parameters: { type: 'object' }, strict: true }], tool_choice: 'required' },
      {
        model: 'm',
        tools: [{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object' }, strict: true } }],
        tool_choice: 'required',
        messages: user,
      },
    ],
    [
      'tool_choice naming a function',
      { input: 'hi', tools: [{ type: 'function', name: 'f' }], tool_choice: { type: 'function', name: 'f' } },
      { model: 'm', tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: { type: 'function', function: { name: 'f' } }, messages: user },
    ],
    ['empty tools and its tool_choice are left out (vLLM refuses both)', { input: 'hi', tools: [], tool_choice: 'auto' }, { model: 'm', messages: user }],
    [
      'input_items: roles, developer → system, parts, images',
      {
        input: [
          { type: 'message', role: 'developer', content: 'rules' },
          { role: 'system', content: [{ type: 'input_text', text: 'sys' }] },
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'look' },
              { type: 'input_image', image_url: 'data:image/png;base64,AA', detail: 'low' },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'output_text', text: 'a', annotations: [] },
              { type: 'output_text', text: 'b' },
            ],
          },
        ],
      },
      {
        model: 'm',
        messages: [
          { role: 'system', content: 'rules' },
          { role: 'system', content: 'sys' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AA', detail: 'low' } },
            ],
          },
          { role: 'assistant', content: 'ab' },
        ],
      },
    ],
    [
      'function calls join the assistant message before them; outputs are tool messages; reasoning is dropped',
      {
        input: [
          { role: 'user', content: 'q' },
          { type: 'reasoning', id: 'rs_1', summary: [] },
          { role: 'assistant', content: 'checking' },
          { type: 'function_call', id: 'fc_1', call_id: 'c1', name: 'f', arguments: '{}', status: 'completed' },
          { type: 'function_call', call_id: 'c2', name: 'g', arguments: '{"x":1}' },
          { type: 'function_call_output', call_id: 'c1', output: 'one' },
          {
            type: 'function_call_output',
            call_id: 'c2',
            output: [
              { type: 'input_text', text: 't' },
              { type: 'input_text', text: 'wo' },
            ],
          },
          { type: 'function_call', call_id: 'c3', name: 'h', arguments: '' },
        ],
      },
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'q' },
          {
            role: 'assistant',
            content: 'checking',
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } },
              { id: 'c2', type: 'function', function: { name: 'g', arguments: '{"x":1}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'one' },
          { role: 'tool', tool_call_id: 'c2', content: 'two' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c3', type: 'function', function: { name: 'h', arguments: '' } }] },
        ],
      },
    ],
  ];
  for (const [name, body, expected] of rows) t.strictSame(chat(body), expected, name);
});

t.test('the echo and the request-side state', async (t) => {
  const request = parseResponsesRequest(
    { input: 'x', instructions: 'be kind', previous_response_id: 'resp_p', store: false, metadata: { k: 'v' }, tools: [{ type: 'function', name: 'f' }] },
    'fallback',
  );
  t.equal(request.model, 'fallback', 'defaultModel serves a request without model');
  t.strictSame([request.instructions, request.previousResponseId, request.store, request.metadata], ['be kind', 'resp_p', false, { k: 'v' }]);
  t.strictSame(request.echo, {
    instructions: 'be kind',
    max_output_tokens: null,
    model: 'fallback',
    parallel_tool_calls: true,
    previous_response_id: 'resp_p',
    reasoning: { effort: null, summary: null },
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [{ type: 'function', name: 'f', description: null, parameters: null, strict: true }],
    top_logprobs: 0,
    top_p: 1,
    truncation: 'disabled',
    user: null,
  });
  t.equal(parseResponsesRequest({ model: 'm', previous_response_id: 'resp_p' }, null).input.length, 0, 'input may be absent when continuing');
});

t.test('every refusal names its parameter', async (t) => {
  const rows: [unknown, string | null, string][] = [
    [[], null, 'invalid_request'],
    [{ input: 'x' }, 'model', 'invalid_request'],
    [{ model: 7, input: 'x' }, 'model', 'invalid_request'],
    [{ model: 'm' }, 'input', 'invalid_request'],
    [{ model: 'm', input: 5 }, 'input', 'invalid_request'],
    [{ model: 'm', input: 'x', n: 2 }, 'n', 'invalid_request'],
    [{ model: 'm', input: 'x', messages: [] }, 'messages', 'invalid_request'],
    [{ model: 'm', input: 'x', background: true }, 'background', 'unsupported_parameter'],
    [{ model: 'm', input: 'x', conversation: 'conv_1' }, 'conversation', 'unsupported_parameter'],
    [{ model: 'm', input: 'x', prompt: { id: 'p' } }, 'prompt', 'unsupported_parameter'],
    [{ model: 'm', input: 'x', truncation: 'auto' }, 'truncation', 'unsupported_parameter'],
    [{ model: 'm', input: 'x', include: ['reasoning.encrypted_content'] }, 'include', 'unsupported_parameter'],
    [{ model: 'm', input: 'x', max_tool_calls: 3 }, 'max_tool_calls', 'unsupported_parameter'],
    [{ model: 'm', input: 'x', context_management: [{}] }, 'context_management', 'unsupported_parameter'],
    [{ model: 'm', input: 'x', stream: 'yes' }, 'stream', 'invalid_request'],
    [{ model: 'm', input: 'x', store: 1 }, 'store', 'invalid_request'],
    [{ model: 'm', input: 'x', temperature: 3 }, 'temperature', 'invalid_request'],
    [{ model: 'm', input: 'x', top_p: '1' }, 'top_p', 'invalid_request'],
    [{ model: 'm', input: 'x', max_output_tokens: 15 }, 'max_output_tokens', 'invalid_request'],
    [{ model: 'm', input: 'x', max_output_tokens: 20.5 }, 'max_output_tokens', 'invalid_request'],
    [{ model: 'm', input: 'x', top_logprobs: 21 }, 'top_logprobs', 'invalid_request'],
    [{ model: 'm', input: 'x', reasoning: { effort: 'extreme' } }, 'reasoning.effort', 'invalid_request'],
    [{ model: 'm', input: 'x', metadata: { k: 1 } }, 'metadata', 'invalid_request'],
    [{ model: 'm', input: 'x', metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }, 'metadata', 'invalid_request'],
    [{ model: 'm', input: 'x', instructions: ['x'] }, 'instructions', 'invalid_request'],
    [{ model: 'm', input: 'x', previous_response_id: 5 }, 'previous_response_id', 'invalid_request'],
    [{ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type', 'unsupported_parameter'],
    [{ model: 'm', input: [{ type: 'web_search_call' }] }, 'input[0].type', 'unsupported_parameter'],
    [{ model: 'm', input: [{ type: 'nonsense' }] }, 'input[0].type', 'invalid_request'],
    [{ model: 'm', input: ['x'] }, 'input[0]', 'invalid_request'],
    [{ model: 'm', input: [{ role: 'tool', content: 'x' }] }, 'input[0].role', 'invalid_request'],
    [{ model: 'm', input: [{ role: 'user', content: 5 }] }, 'input[0].content', 'invalid_request'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] }, 'input[0].content[0].type', 'unsupported_parameter'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_audio' }] }] }, 'input[0].content[0].type', 'unsupported_parameter'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'output_text' }] }] }, 'input[0].content[0].text', 'invalid_request'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'refusal', refusal: 'no' }] }] }, 'input[0].content[0].type', 'invalid_request'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] }, 'input[0].content[0].file_id', 'unsupported_parameter'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'u', detail: 'max' }] }] }, 'input[0].content[0].detail', 'invalid_request'],
    [{ model: 'm', input: [{ role: 'assistant', content: [{ type: 'input_image', image_url: 'u' }] }] }, 'input[0].content[0].type', 'invalid_request'],
    [{ model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id', 'invalid_request'],
    [{ model: 'm', input: [{ type: 'function_call', call_id: 'c', arguments: '{}' }] }, 'input[0].name', 'invalid_request'],
    [{ model: 'm', input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: {} }] }, 'input[0].arguments', 'invalid_request'],
    [{ model: 'm', input: [{ type: 'function_call_output', call_id: 'c' }] }, 'input[0].output', 'invalid_request'],
    [{ model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image' }] }] }, 'input[0].output[0]', 'unsupported_parameter'],
    [{ model: 'm', input: 'x', tools: {} }, 'tools', 'invalid_request'],
    [{ model: 'm', input: 'x', tools: [{ type: 'web_search' }] }, 'tools[0].type', 'unsupported_parameter'],
    [{ model: 'm', input: 'x', tools: [{ type: 'mcp', server_label: 's' }] }, 'tools[0].type', 'unsupported_parameter'],
    [{ model: 'm', input: 'x', tools: [{ type: 'function', name: 'f' }, { type: 'bogus' }] }, 'tools[1].type', 'invalid_request'],
    [{ model: 'm', input: 'x', tools: [{ type: 'function' }] }, 'tools[0].name', 'invalid_request'],
    [{ model: 'm', input: 'x', tools: [{ type: 'function', name: 'f', parameters: 'x' }] }, 'tools[0].parameters', 'invalid_request'],
    [{ model: 'm', input: 'x', tools: [{ type: 'function', name: 'f', strict: 'yes' }] }, 'tools[0].strict', 'invalid_request'],
    [{ model: 'm', input: 'x', tool_choice: 'sometimes' }, 'tool_choice', 'invalid_request'],
    [{ model: 'm', input: 'x', tool_choice: { type: 'allowed_tools', tools: [] } }, 'tool_choice.type', 'unsupported_parameter'],
    [{ model: 'm', input: 'x', tool_choice: { type: 'function' } }, 'tool_choice.name', 'invalid_request'],
    [{ model: 'm', input: 'x', text: 'json' }, 'text', 'invalid_request'],
    [{ model: 'm', input: 'x', text: { format: { type: 'yaml' } } }, 'text.format.type', 'invalid_request'],
    [{ model: 'm', input: 'x', text: { format: { type: 'json_schema', schema: {} } } }, 'text.format.name', 'invalid_request'],
    [{ model: 'm', input: 'x', text: { format: { type: 'json_schema', name: 'n' } } }, 'text.format.schema', 'invalid_request'],
    [{ model: 'm', input: 'x', text: { verbosity: 'loud' } }, 'text.verbosity', 'invalid_request'],
    // Wrong types for fields the router does not implement are wrong all the same (OpenAI answers 400).
    [{ model: 'm', input: 'x', background: 'yes' }, 'background', 'invalid_request'],
    [{ model: 'm', input: 'x', include: 'x' }, 'include', 'invalid_request'],
    [{ model: 'm', input: 'x', include: [1] }, 'include', 'invalid_request'],
    [{ model: 'm', input: 'x', truncation: 'sideways' }, 'truncation', 'invalid_request'],
    [{ model: 'm', input: 'x', prompt_cache_retention: 42 }, 'prompt_cache_retention', 'invalid_request'],
    [{ model: 'm', input: 'x', prompt_cache_retention: 'forever' }, 'prompt_cache_retention', 'invalid_request'],
    [{ model: 'm', input: 'x', reasoning: { summary: 12 } }, 'reasoning.summary', 'invalid_request'],
    [{ model: 'm', input: 'x', tool_choice: { type: 'function', name: 'nope' } }, 'tool_choice', 'invalid_request'],
    [{ model: 'm', input: 'x', tools: [{ type: 'function', name: 'f' }], tool_choice: { type: 'function', name: 'g' } }, 'tool_choice', 'invalid_request'],
  ];
  for (const [body, param, kind] of rows) {
    try {
      parseResponsesRequest(body, null);
      t.fail(`accepted: ${JSON.stringify(body)}`);
    } catch (error) {
      t.ok(error instanceof RouterError, JSON.stringify(body));
      if (error instanceof RouterError) t.strictSame([error.param, error.kind, error.status], [param, kind, 400], JSON.stringify(body));
    }
  }
});

t.test('a forced function that is not among the tools is named in the refusal', async (t) => {
  t.throws(() => parseResponsesRequest({ model: 'm', input: 'x', tools: [{ type: 'function', name: 'f' }], tool_choice: { type: 'function', name: 'zz' } }, null), {
    message: "Tool choice 'function' not found in 'tools' parameter: no function named 'zz'.",
  });
});

t.test('the same conversation asked in either API is the same neutral body, so every stage plans it alike', async (t) => {
  const { requestFloorSignals } = await import('../../classify/floors.js');
  const tools = [{ type: 'function', function: { name: 'run', parameters: { type: 'object' } } }];
  const schema = { name: 'out', schema: { type: 'object' }, strict: true };
  const responses = parseResponsesRequest(
    {
      model: 'auto',
      instructions: 'You are terse.',
      input: [{ role: 'user', content: 'Write a parser.' }],
      tools: [{ type: 'function', name: 'run', parameters: { type: 'object' } }],
      text: { format: { type: 'json_schema', ...schema } },
      reasoning: { effort: 'high' },
      max_output_tokens: 512,
      temperature: 0,
    },
    null,
  );
  const neutral = { ...responses.chat, messages: toChatMessages(responses.input, [{ role: 'system', content: 'You are terse.' }]) };
  const chatBody = {
    model: 'auto',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Write a parser.' },
    ],
    tools,
    response_format: { type: 'json_schema', json_schema: schema },
    reasoning_effort: 'high',
    max_tokens: 512,
    temperature: 0,
  };
  t.strictSame(neutral, chatBody);
  t.strictSame([...requestFloorSignals(neutral, 100_000)].sort(), [...requestFloorSignals(chatBody, 100_000)].sort());
  t.ok(requestFloorSignals(neutral, 100_000).has('reasoningHigh'), 'reasoning.effort is a classification signal');
});

t.test('the upstream body: the chat body with its messages last, the JSON a spread makes', async (t) => {
  const { withMessages } = await import('./protocol.js');
  const bodies: Record<string, unknown>[] = [
    { input: 'hi' },
    { input: 'hi', stream: true, max_output_tokens: 20 },
    { input: 'hi', temperature: 0.2, top_p: 0.9, user: 'u', parallel_tool_calls: false, max_output_tokens: 16, reasoning: { effort: 'low' }, top_logprobs: 2 },
    { input: 'hi', tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }], tool_choice: 'required', text: { format: { type: 'json_object' }, verbosity: 'low' } },
  ];
  for (const [i, body] of bodies.entries()) {
    const request = parseResponsesRequest({ model: 'm', ...body }, null);
    const messages = toChatMessages(request.input);
    t.equal(JSON.stringify(withMessages(request.chat, messages)), JSON.stringify({ ...request.chat, messages }), `body ${i}`);
  }
});
