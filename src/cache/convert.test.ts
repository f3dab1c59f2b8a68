// Converting stored answers between OpenAI's plain and streamed shapes (openai/openai-openapi
// openapi.yaml @f85dbe22: CreateChatCompletionResponse, CreateChatCompletionStreamResponse,
// CreateCompletionResponse). Round trips must give back what was stored.
import t from 'tap';
import { jsonToSse, sseToJson } from './convert.js';

const toolAnswer = {
  id: 'chatcmpl-abc123',
  object: 'chat.completion',
  created: 1699896916,
  model: 'gpt-4o-mini',
  system_fingerprint: 'fp_44709d6fcb',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_abc123', type: 'function', function: { name: 'get_current_weather', arguments: '{\n"location": "Boston, MA"\n}' } },
          { id: 'call_def456', type: 'function', function: { name: 'get_time', arguments: '{"tz":"EST"}' } },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    },
    {
      index: 1,
      message: { role: 'assistant', content: 'It is sunny.', reasoning_content: 'The user asked about weather.' },
      logprobs: { content: [{ token: 'It', logprob: -0.1, bytes: [73, 116], top_logprobs: [] }] },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 82, completion_tokens: 17, total_tokens: 99, prompt_tokens_details: { cached_tokens: 64 } },
};

t.test('chat JSON → SSE: role chunk, one delta with the whole message, finish chunk, per choice; usage chunk last', async (t) => {
  const chunks = jsonToSse('chat', toolAnswer).map((text) => JSON.parse(text) as Record<string, unknown>);
  const head = { id: 'chatcmpl-abc123', object: 'chat.completion.chunk', created: 1699896916, model: 'gpt-4o-mini', system_fingerprint: 'fp_44709d6fcb' };
  t.strictSame(chunks, [
    { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: null }, logprobs: null, finish_reason: null }] },
    {
      ...head,
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 0, id: 'call_abc123', type: 'function', function: { name: 'get_current_weather', arguments: '{\n"location": "Boston, MA"\n}' } },
              { index: 1, id: 'call_def456', type: 'function', function: { name: 'get_time', arguments: '{"tz":"EST"}' } },
            ],
          },
          logprobs: null,
          finish_reason: null,
        },
      ],
    },
    { ...head, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }] },
    { ...head, choices: [{ index: 1, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] },
    {
      ...head,
      choices: [
        { index: 1, delta: { content: 'It is sunny.', reasoning_content: 'The user asked about weather.' }, logprobs: toolAnswer.choices[1]!.logprobs, finish_reason: null },
      ],
    },
    { ...head, choices: [{ index: 1, delta: {}, logprobs: null, finish_reason: 'stop' }] },
    { ...head, choices: [], usage: toolAnswer.usage },
  ]);
});

t.test('chat JSON → SSE → JSON gives the answer back (tool calls, n=2, reasoning, logprobs, usage)', async (t) => {
  t.strictSame(sseToJson('chat', jsonToSse('chat', toolAnswer)), toolAnswer);
});

t.test('a stream in fragments folds into one answer: tool call arguments appended by index, text concatenated', async (t) => {
  // The shape of vLLM's streamed tool calls: the id and name first, the arguments in pieces.
  const head = { id: 'chatcmpl-x', object: 'chat.completion.chunk', created: 1, model: 'm' };
  const payloads = [
    { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] },
    { ...head, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }] }, finish_reason: null }] },
    { ...head, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }, finish_reason: null }] },
    { ...head, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '1}' } }] }, finish_reason: null }] },
    { ...head, choices: [{ index: 1, delta: { content: 'Hel' }, finish_reason: null }] },
    { ...head, choices: [{ index: 1, delta: { content: 'lo' }, finish_reason: 'stop' }] },
    { ...head, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
    { ...head, choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } },
  ].map((chunk) => JSON.stringify(chunk));
  t.strictSame(sseToJson('chat', payloads), {
    id: 'chatcmpl-x',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
      { index: 1, message: { role: 'assistant', content: 'Hello' }, logprobs: null, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
  });
});

t.test('legacy completions round trip (text_completion chunks)', async (t) => {
  const answer = {
    id: 'cmpl-1',
    object: 'text_completion',
    created: 5,
    model: 'm',
    choices: [
      { index: 0, text: 'This is a test', logprobs: null, finish_reason: 'length' },
      { index: 1, text: 'Another', logprobs: null, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
  };
  const chunks = jsonToSse('completions', answer);
  t.strictSame(JSON.parse(chunks[0]!), {
    id: 'cmpl-1',
    object: 'text_completion',
    created: 5,
    model: 'm',
    choices: [{ index: 0, text: 'This is a test', logprobs: null, finish_reason: null }],
  });
  t.strictSame(sseToJson('completions', chunks), answer);
});

t.test('an error event or a payload that is not JSON cannot be folded', async (t) => {
  t.equal(sseToJson('chat', ['{"error":{"message":"x"}}']), null);
  t.equal(sseToJson('chat', ['not json']), null);
  t.equal(sseToJson('chat', []), null);
});

t.test('a plain answer streamed and folded back is the same answer: envelope extras, n=2, logprobs, tool calls, refusal, usage details', async (t) => {
  const body = {
    id: 'chatcmpl-x',
    object: 'chat.completion',
    created: 1700000000,
    model: 'gpt-4o-mini-2024-07-18',
    system_fingerprint: 'fp_44709d6fcb',
    service_tier: 'default',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hi', refusal: null, annotations: [] },
        logprobs: { content: [{ token: 'Hi', logprob: -0.1, bytes: [72, 105], top_logprobs: [] }], refusal: null },
        finish_reason: 'stop',
      },
      {
        index: 1,
        message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ],
    usage: {
      prompt_tokens: 9,
      completion_tokens: 5,
      total_tokens: 14,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  };
  const chunks = jsonToSse('chat', body);
  for (const chunk of chunks) t.match(JSON.parse(chunk), { id: 'chatcmpl-x', system_fingerprint: 'fp_44709d6fcb', service_tier: 'default', created: 1700000000 });
  const back = sseToJson('chat', chunks);
  t.strictSame(back, {
    ...body,
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', annotations: [] }, logprobs: body.choices[0]!.logprobs, finish_reason: 'stop' }, body.choices[1]],
  });
});

t.test("a stream's per-chunk obfuscation padding is not folded into the plain answer", async (t) => {
  // node_modules/openai/resources/chat/completions/completions.d.ts (openai 6.49.0), ChatCompletionStreamOptions.include_obfuscation:
  // "adds random characters to an `obfuscation` field on streaming delta events to normalize payload sizes".
  const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', service_tier: 'default', system_fingerprint: 'fp_1' };
  const chunks = [
    { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }], obfuscation: 'abc' },
    { ...head, choices: [{ index: 0, delta: { content: 'Hi' }, logprobs: null, finish_reason: 'stop' }], obfuscation: 'de' },
  ].map((chunk) => JSON.stringify(chunk));
  const folded = sseToJson('chat', chunks);
  t.strictSame(folded, {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    service_tier: 'default',
    system_fingerprint: 'fp_1',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, logprobs: null, finish_reason: 'stop' }],
  });
});
