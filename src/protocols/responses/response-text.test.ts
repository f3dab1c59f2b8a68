// responseText must be byte for byte what JSON.stringify makes of responseObject: for every status,
// with the echo full, with members missing (JSON.stringify leaves undefined ones out), and with text
// that needs escapes; the echo encoded once and an output list already encoded give the same bytes.
import t from 'tap';
import type { Json } from './checks.js';
import { ResponseIds } from './ids.js';
import { responseObject, responseUsage, usageText, type Ending, type ResponseFrame } from './response-object.js';
import { DEFAULT_TEXT, NO_METADATA, NO_TOOLS, reasoningEcho } from './echo-defaults.js';
import { parseResponsesRequest } from './request.js';
import { echoText, jsonValue, responseText } from './response-text.js';

const FULL: Json = {
  instructions: 'Be "brief" \u2028 é',
  max_output_tokens: 20,
  model: 'chat',
  parallel_tool_calls: true,
  previous_response_id: 'resp_prev',
  reasoning: { effort: null, summary: null },
  temperature: 0.5,
  text: { format: { type: 'text' } },
  tool_choice: 'auto',
  tools: [{ type: 'function', name: 'f', parameters: {} }],
  top_logprobs: 0,
  top_p: 1,
  truncation: 'disabled',
  user: 'u',
};
// Only some members: the ones left out are undefined in responseObject's literal.
const SPARSE: Json = { model: 'chat', tools: [], user: undefined };

const frame = (echo: Json, metadata: Record<string, string> = {}): ResponseFrame => ({
  ids: new ResponseIds('0123456789abcdef0123456789abcdef'),
  createdAt: 1_700_000_000,
  echo,
  metadata,
  store: true,
  firstOutputItem: 1,
  now: () => 1_700_000_001,
});

const endings: Ending[] = [
  { status: 'in_progress', output: [], usage: null, error: null, incompleteReason: null, stored: true },
  {
    status: 'completed',
    output: [{ id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'a\n"b"\\ 😀', annotations: [], logprobs: [] }] }],
    usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
    error: null,
    incompleteReason: null,
    stored: true,
  },
  { status: 'incomplete', output: [], usage: null, error: null, incompleteReason: 'max_output_tokens', stored: false },
  { status: 'failed', output: [], usage: null, error: { code: 'server_error', message: 'x' }, incompleteReason: null, stored: false },
];

t.test('the bytes of JSON.stringify(responseObject) for every ending and echo', (t) => {
  for (const [name, f] of [
    ['full', frame(FULL, { k: 'v "q"' })],
    ['sparse', frame(SPARSE)],
    ['empty', frame({})],
  ] as const) {
    for (const end of endings) {
      t.equal(responseText(f, end), JSON.stringify(responseObject(f, end)), `${name}, ${end.status}`);
      // Again: the second object of a frame comes from its encoded echo.
      t.equal(responseText(f, end), JSON.stringify(responseObject(f, end)), `${name}, ${end.status}, again`);
    }
  }
  t.end();
});

t.test('scalars written without JSON.stringify are its bytes', (t) => {
  const values = [null, true, false, 0, -0, 1.5, -2e-7, 1e21, 2 ** 53 + 2, NaN, Infinity, -Infinity, '', 'a"\\\n\u2028😀', [], {}, { a: [1, null] }, undefined];
  // Strings written without it too: plain, and each kind it escapes or leaves (DEL, U+2028, a pair, lone surrogates).
  values.push('auto', 'é ü', '\u007f', '\u0001', '\u001f', 'tab\t', 'back\\slash', 'q"', '😀', '\ud800', 'x\udc00', '\ude00\ud83d');
  // Named by position: a test name must not hold the newline one of the strings has.
  values.forEach((value, i) => t.equal(jsonValue(value), JSON.stringify(value), `value ${i}`));
  t.end();
});

t.test('an echo made once, and output text made already, give the same bytes', (t) => {
  const f = frame(FULL, { k: 'v' });
  const echo = echoText(f);
  for (const end of endings) {
    const expected = JSON.stringify(responseObject(f, end));
    t.equal(responseText(f, end, undefined, echo), expected, `${end.status}, echo given`);
    t.equal(responseText(f, { ...end, outputText: JSON.stringify(end.output) }, undefined, echo), expected, `${end.status}, output text given`);
  }
  t.end();
});

t.test('the echo defaults shared by requests are their JSON text, and cannot be changed', (t) => {
  const shared = [DEFAULT_TEXT, NO_TOOLS, NO_METADATA, reasoningEcho(null), reasoningEcho('high'), reasoningEcho('minimal')];
  shared.forEach((value, i) => {
    t.equal(jsonValue(value), JSON.stringify(value), `shared ${i}`);
    t.ok(Object.isFrozen(value), `shared ${i} frozen`);
  });
  t.equal(reasoningEcho('high'), reasoningEcho('high'), 'one object per effort');
  // Objects equal to them but not them are encoded as they are.
  t.equal(jsonValue({ format: { type: 'text', x: 1 } }), '{"format":{"type":"text","x":1}}');
  t.end();
});

t.test('a parsed request with the defaults and with settings: the bytes of JSON.stringify(responseObject)', (t) => {
  const bodies = [
    { model: 'm', input: 'hi' },
    { model: 'm', input: 'hi', text: { format: { type: 'text' } }, reasoning: { effort: 'low' }, tools: [], metadata: {} },
    { model: 'm', input: 'hi', text: { format: { type: 'text' }, verbosity: 'low' }, reasoning: {}, metadata: { a: 'b' }, instructions: 'é "x"' },
  ];
  for (const [i, body] of bodies.entries()) {
    const request = parseResponsesRequest(body, null);
    const f: ResponseFrame = { ...frame(request.echo, request.metadata) };
    for (const end of endings) t.equal(responseText(f, end), JSON.stringify(responseObject(f, end)), `body ${i}, ${end.status}`);
  }
  t.end();
});

t.test("an engine's odd usage becomes whole counts (OAS ResponseUsage's members are integers)", (t) => {
  t.match(responseUsage({ prompt_tokens: Infinity, completion_tokens: 1.5, total_tokens: 1e300 }), { input_tokens: 0, output_tokens: 1, total_tokens: 1 });
  t.match(responseUsage({ prompt_tokens: 7.9, completion_tokens: 2 ** 53, total_tokens: 9.5, prompt_tokens_details: { cached_tokens: 2.5 } }), {
    input_tokens: 7,
    output_tokens: 0,
    total_tokens: 9,
    input_tokens_details: { cached_tokens: 2 },
  });
  t.end();
});

t.test('usage written without JSON.stringify is its bytes, alone and in the Response', (t) => {
  const usages: unknown[] = [
    null,
    undefined,
    'usage',
    {},
    { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
    { prompt_tokens: 7, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4, cache_write_tokens: 2 }, completion_tokens_details: { reasoning_tokens: 1 } },
    { prompt_tokens: -0, completion_tokens: 1e21, total_tokens: 2 ** 53 + 2, prompt_tokens_details: null },
    { prompt_tokens: NaN, completion_tokens: -1, total_tokens: Infinity, completion_tokens_details: { reasoning_tokens: '3' } },
    { prompt_tokens: 1.5, completion_tokens: 2e-7, total_tokens: '9' },
  ];
  const f = frame(FULL);
  usages.forEach((raw, i) => {
    const usage = responseUsage(raw);
    t.equal(usageText(usage), JSON.stringify(usage), `usage ${i}`);
    const end: Ending = { status: 'completed', output: [], usage, usageText: usageText(usage), error: null, incompleteReason: null, stored: true };
    t.equal(responseText(f, end), JSON.stringify(responseObject(f, end)), `usage ${i} in the Response`);
  });
  t.end();
});
