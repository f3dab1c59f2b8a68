// The simulator's errors byte for byte as the engines send them, so the router's error handling is
// exercised by the shipped config as by a real replica. Sources:
//   vLLM  vllm/entrypoints/openai/api_server.py validation_exception_handler (pydantic errors: 400,
//         type "Bad Request", message str(exc.errors())); fastapi/exceptions.py (RequestValidationError
//         has no __str__: str(exc) is the errors list's repr); vllm/entrypoints/openai/engine/serving.py
//         _validate_input (context-length messages, VLLMValidationError params) and vllm/exceptions.py
//         (its __str__ appends "(parameter=…, value=…)"); chat_completion/protocol.py field types and
//         order (ChatCompletionRequest), completion/protocol.py (CompletionRequest)
//   TGI   router/src/server.rs From<InferError> (generation 424, validation 422) and the stream's
//         into_openai_event + data:[DONE]; router/src/infer/mod.rs (InferError messages);
//         router/src/validation.rs (MaxTotalTokens, InputLength); axum's Event (`data:` with no space)

import t from 'tap';
import { startSim } from './server.js';
import { chat, INSTANT, postJson, postRaw, type Json, withFaults } from './test-support.js';

const TGI = { ...INSTANT, flavour: 'tgi' } as const;
const pydantic = (errors: string): Json => ({ error: { message: errors, type: 'Bad Request', param: null, code: 400 } });

t.test("vLLM: a known field with the wrong type is pydantic's 400, listing every error in field order", async (t) => {
  const sim = await startSim(INSTANT);
  t.teardown(() => sim.close());
  const cases: [string, string, Json, string][] = [
    [
      'temperature "hot"',
      '/v1/chat/completions',
      chat('hi', { temperature: 'hot' }),
      "[{'type': 'float_parsing', 'loc': ('body', 'temperature'), 'msg': 'Input should be a valid number, unable to parse string as a number', 'input': 'hot'}]",
    ],
    [
      'max_tokens "x"',
      '/v1/chat/completions',
      chat('hi', { max_tokens: 'x' }),
      "[{'type': 'int_parsing', 'loc': ('body', 'max_tokens'), 'msg': 'Input should be a valid integer, unable to parse string as an integer', 'input': 'x'}]",
    ],
    [
      'n 1.5',
      '/v1/completions',
      { prompt: 'hi', n: 1.5 },
      "[{'type': 'int_from_float', 'loc': ('body', 'n'), 'msg': 'Input should be a valid integer, got a number with a fractional part', 'input': 1.5}]",
    ],
    [
      'several, in declaration order',
      '/v1/chat/completions',
      chat('hi', { top_p: [1], stream: 'maybe', n: null, logprobs: {} }),
      "[{'type': 'bool_type', 'loc': ('body', 'logprobs'), 'msg': 'Input should be a valid boolean', 'input': {}}, " +
        "{'type': 'bool_parsing', 'loc': ('body', 'stream'), 'msg': 'Input should be a valid boolean, unable to interpret input', 'input': 'maybe'}, " +
        "{'type': 'float_type', 'loc': ('body', 'top_p'), 'msg': 'Input should be a valid number', 'input': [1]}]",
    ],
    [
      'completions n is not Optional',
      '/v1/completions',
      { prompt: 'hi', n: null, user: 7 },
      "[{'type': 'int_type', 'loc': ('body', 'n'), 'msg': 'Input should be a valid integer', 'input': None}, " +
        "{'type': 'string_type', 'loc': ('body', 'user'), 'msg': 'Input should be a valid string', 'input': 7}]",
    ],
    [
      'quotes as Python writes them',
      '/v1/chat/completions',
      chat('hi', { temperature: "it's" }),
      "[{'type': 'float_parsing', 'loc': ('body', 'temperature'), 'msg': 'Input should be a valid number, unable to parse string as a number', 'input': \"it's\"}]",
    ],
  ];
  for (const [name, path, body, errors] of cases) {
    const reply = await postJson(sim, path, body);
    t.equal(reply.status, 400, name);
    t.same(reply.json, pydantic(errors), name);
  }
  // What pydantic's lax mode accepts is accepted.
  const lax = await postJson(sim, '/v1/chat/completions', chat('hi', { temperature: '0.5', max_tokens: 2.0, n: '1', stream: false, top_p: 1 }));
  t.equal(lax.status, 200, 'numeric strings, whole floats and plain values pass');
});

t.test('vLLM: context length from sim.maxModelLen, exact bodies; /v1/models reports it', async (t) => {
  const sim = await startSim({ ...INSTANT, maxModelLen: 64 });
  t.teardown(() => sim.close());
  const models = (await (await fetch(`${sim.url}/v1/models`)).json()) as { data: Json[] };
  t.equal(models.data[0]?.['max_model_len'], 64);
  const fits = await postJson(sim, '/v1/chat/completions', chat('hi', { max_tokens: 1 }));
  const prompt = (fits.json['usage'] as Json)['prompt_tokens'] as number;
  const tooMany = await postJson(sim, '/v1/chat/completions', chat('hi', { max_tokens: 100 }));
  t.equal(tooMany.status, 400);
  t.same(tooMany.json, {
    error: {
      message:
        `'max_tokens' or 'max_completion_tokens' is too large: 100. This model's maximum context length is 64 tokens ` +
        `and your request has ${prompt} input tokens (100 > 64 - ${prompt}). (parameter=max_tokens, value=100)`,
      type: 'BadRequestError',
      param: 'max_tokens',
      code: 400,
    },
  });
  const long = await postJson(sim, '/v1/completions', { prompt: 'word '.repeat(200) });
  t.equal(long.status, 400);
  t.match(long.json, {
    error: {
      message:
        /^This model's maximum context length is 64 tokens\. However, your request has \d+ input tokens\. Please reduce the length of the input messages\. \(parameter=input_tokens, value=\d+\)$/,
      type: 'BadRequestError',
      param: 'input_tokens',
      code: 400,
    },
  });
});

t.test('TGI: 424 for an injected generation failure, in a stream an error event then data:[DONE]', async (t) => {
  const failing = await startSim(withFaults(TGI, { errorRate: 1 }));
  t.teardown(() => failing.close());
  const plain = await postJson(failing, '/v1/chat/completions', chat('hi'));
  t.equal(plain.status, 424);
  t.same(plain.json, {
    error: 'Request failed during generation: Injected fault: the engine failed to generate a response.',
    error_type: 'generation',
  });
  const streamed = await postRaw(failing, '/v1/chat/completions', chat('hi', { stream: true }));
  t.equal(streamed.status, 200);
  t.match(streamed.headers.get('content-type'), /^text\/event-stream/);
  t.equal(
    await streamed.text(),
    'data:{"error":{"message":"Request failed during generation: Injected fault: the engine failed to generate a response.","http_status_code":422}}\n\n' + 'data:[DONE]\n\n',
  );
});

t.test('TGI: validation is 422 "Input validation error: …"; context length inside a stream is an event', async (t) => {
  const sim = await startSim({ ...TGI, maxModelLen: 64 });
  t.teardown(() => sim.close());
  const invalid = await postJson(sim, '/v1/chat/completions', { messages: [] });
  t.equal(invalid.status, 422);
  t.same(invalid.json, { error: 'Input validation error: messages must be a non-empty array of messages.', error_type: 'validation' });

  const fits = await postJson(sim, '/v1/chat/completions', chat('hi', { max_tokens: 1 }));
  const prompt = (fits.json['usage'] as Json)['prompt_tokens'] as number;
  const message = `Input validation error: \`inputs\` tokens + \`max_new_tokens\` must be <= 64. Given: ${prompt} \`inputs\` tokens and 100 \`max_new_tokens\``;
  const plain = await postJson(sim, '/v1/chat/completions', chat('hi', { max_tokens: 100 }));
  t.equal(plain.status, 422);
  t.same(plain.json, { error: message, error_type: 'validation' });
  const streamed = await postRaw(sim, '/v1/chat/completions', chat('hi', { max_tokens: 100, stream: true }));
  t.equal(streamed.status, 200, 'TGI validates inside its stream');
  t.equal(await streamed.text(), `data:${JSON.stringify({ error: { message, http_status_code: 422 } })}\n\ndata:[DONE]\n\n`);

  const long = await postJson(sim, '/v1/completions', { prompt: 'word '.repeat(200) });
  t.equal(long.status, 422);
  t.match(long.json, { error: /^Input validation error: `inputs` must have less than 64 tokens\. Given: \d+$/, error_type: 'validation' });
});
