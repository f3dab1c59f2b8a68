// The Responses translator on a real node:http response: a chat stream becomes the exact Responses
// event bytes (sequence numbers from 0), and any stream folded by openai 6's own accumulator
// (lib/responses/ResponseAccumulator.js, which throws on unknown events and on a delta before its
// part) equals the object the same answer gets without a stream, which is also what is stored.
import { createServer } from 'node:http';
import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator';
import type { ResponseStreamEvent, Response as OpenAIResponse } from 'openai/resources/responses/responses';
import t, { type Test } from 'tap';
import { createLogger } from '../../observability/logger.js';
import { listenOnLoopback } from '../../../test/fixtures/loopback-server.js';
import { ResponsesAnswer } from './answer.js';
import { ResponseIds } from './ids.js';
import { MemoryResponseStore } from './memory-store.js';
import { ResponsesService } from './service.js';

const SEED = '0123456789abcdef0123456789abcdef';
const ECHO = {
  instructions: null,
  max_output_tokens: null,
  model: 'chat',
  parallel_tool_calls: true,
  previous_response_id: null,
  reasoning: { effort: null, summary: null },
  temperature: 1,
  text: { format: { type: 'text' } },
  tool_choice: 'auto',
  tools: [],
  top_logprobs: 0,
  top_p: 1,
  truncation: 'disabled',
  user: null,
};

function answerFor(store: MemoryResponseStore | null): ResponsesAnswer {
  const service = new ResponsesService(store ?? new MemoryResponseStore({ maxBytes: 1 << 20, maxEntryBytes: 1 << 20 }), createLogger('silent'));
  const frame = { ids: new ResponseIds(SEED), createdAt: 1_700_000_000, echo: ECHO, metadata: {}, store: store !== null, firstOutputItem: 1, now: () => 1_700_000_001 };
  const keeping = store === null ? null : { service, owner: 'key:a', prev: null, input: [], ttlMs: 60_000 };
  return new ResponsesAnswer(frame, keeping);
}

/** Writes `write`'s chat bytes through a translator; the client's status and body. */
async function through(t: Test, answer: ResponsesAnswer, write: (out: ReturnType<ResponsesAnswer['open']>) => void): Promise<{ status: number; body: string }> {
  const server = createServer((_req, res) => write(answer.open(res)));
  const response = await fetch(await listenOnLoopback(t, server));
  return { status: response.status, body: await response.text() };
}

const chunk = (delta: Record<string, unknown> | null, finish: string | null = null): string =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, ...(delta === null ? {} : { delta }), finish_reason: finish }],
  });
const usageChunk = (prompt: number, completion: number, cached = 0): string =>
  JSON.stringify({
    id: 'chatcmpl-1',
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cached } },
  });

function stream(out: ReturnType<ResponsesAnswer['open']>, events: readonly string[], done = true): void {
  out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  for (const data of events) out.write(`data: ${data}\n\n`);
  out.end(done ? 'data: [DONE]\n\n' : undefined);
}

function eventsOf(body: string): ResponseStreamEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => {
      const [name, data] = block.split('\n');
      const event = JSON.parse((data ?? '').slice('data: '.length)) as ResponseStreamEvent;
      if (name !== `event: ${event.type}`) throw new Error(`event line ${name} for ${event.type}`);
      return event;
    });
}

t.test('a text stream: the exact bytes', async (t) => {
  const store = new MemoryResponseStore({ maxBytes: 1 << 20, maxEntryBytes: 1 << 20 });
  const { body } = await through(t, answerFor(store), (out) =>
    stream(out, [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo "x"' }), chunk({}, 'stop'), usageChunk(5, 2)]),
  );
  const id = `resp_${SEED}`;
  const msg = `msg_${SEED}0001`;
  const base = `"id":"${id}","object":"response","created_at":1700000000`;
  const echo = `"instructions":null,"max_output_tokens":null,"model":"chat"`;
  const rest = `"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":true,"temperature":1,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_logprobs":0,"top_p":1,"truncation":"disabled"`;
  const item = `{"id":"${msg}","type":"message","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Hello \\"x\\"","annotations":[],"logprobs":[]}]}`;
  const usage = `{"input_tokens":5,"input_tokens_details":{"cached_tokens":0,"cache_write_tokens":0},"output_tokens":2,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":7}`;
  const skeleton = `{${base},"status":"in_progress","background":false,"completed_at":null,"error":null,"incomplete_details":null,${echo},"output":[],${rest},"usage":null,"user":null,"metadata":{}}`;
  const at = `"item_id":"${msg}","output_index":0`;
  t.strictSame(body.split('\n\n'), [
    `event: response.created\ndata: {"type":"response.created","response":${skeleton},"sequence_number":0}`,
    `event: response.in_progress\ndata: {"type":"response.in_progress","response":${skeleton},"sequence_number":1}`,
    `event: response.output_item.added\ndata: {"type":"response.output_item.added","output_index":0,"item":{"id":"${msg}","type":"message","role":"assistant","status":"in_progress","content":[]},"sequence_number":2}`,
    `event: response.content_part.added\ndata: {"type":"response.content_part.added",${at},"content_index":0,"part":{"type":"output_text","text":"","annotations":[],"logprobs":[]},"sequence_number":3}`,
    `event: response.output_text.delta\ndata: {"type":"response.output_text.delta",${at},"content_index":0,"delta":"Hel","logprobs":[],"sequence_number":4}`,
    `event: response.output_text.delta\ndata: {"type":"response.output_text.delta",${at},"content_index":0,"delta":"lo \\"x\\"","logprobs":[],"sequence_number":5}`,
    `event: response.output_text.done\ndata: {"type":"response.output_text.done",${at},"content_index":0,"text":"Hello \\"x\\"","logprobs":[],"sequence_number":6}`,
    `event: response.content_part.done\ndata: {"type":"response.content_part.done",${at},"content_index":0,"part":{"type":"output_text","text":"Hello \\"x\\"","annotations":[],"logprobs":[]},"sequence_number":7}`,
    `event: response.output_item.done\ndata: {"type":"response.output_item.done","output_index":0,"item":${item},"sequence_number":8}`,
    `event: response.completed\ndata: {"type":"response.completed","response":{${base},"status":"completed","background":false,"completed_at":1700000001,"error":null,"incomplete_details":null,${echo},"output":[${item}],${rest},"usage":${usage},"user":null,"metadata":{}},"sequence_number":9}`,
    '',
  ]);
  const completed = eventsOf(body).at(-1);
  t.strictSame((await store.get(id, 'key:a'))?.response, completed?.type === 'response.completed' ? JSON.parse(JSON.stringify(completed.response)) : null, 'stored as answered');
});

interface ChatAnswer {
  readonly events: readonly string[];
  readonly completion: Record<string, unknown>;
}

const call = (index: number, id: string | null, name: string | null, args: string) => ({
  tool_calls: [{ index, ...(id === null ? {} : { id, type: 'function' }), function: { ...(name === null ? {} : { name }), arguments: args } }],
});

const CASES: Record<string, ChatAnswer> = {
  'text, cached tokens': {
    events: [chunk({ role: 'assistant', content: '' }), chunk({ content: 'a\u2028😀' }), chunk({ content: '\\"' }), chunk({}, 'stop'), usageChunk(10, 2, 4)],
    completion: {
      choices: [{ index: 0, message: { role: 'assistant', content: 'a\u2028😀\\"' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, prompt_tokens_details: { cached_tokens: 4 } },
    },
  },
  'reasoning then text': {
    events: [chunk({ reasoning_content: 'think ' }), chunk({ reasoning_content: 'hard' }), chunk({ content: '42' }), chunk({}, 'stop'), usageChunk(3, 5)],
    completion: {
      choices: [{ index: 0, message: { role: 'assistant', reasoning_content: 'think hard', content: '42' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 },
    },
  },
  'text then two parallel calls, interleaved; arguments of one only in its last chunk': {
    events: [
      chunk({ content: 'Checking.' }),
      chunk(call(0, 'call_a', 'f', '')),
      chunk(call(1, 'call_b', 'g', '')),
      chunk(call(0, null, null, '{"x":')),
      chunk(call(1, null, null, '{"y":2}')),
      chunk(call(0, null, null, '1}')),
      chunk({}, 'tool_calls'),
      usageChunk(7, 9),
    ],
    completion: {
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Checking.',
            tool_calls: [
              { id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
              { id: 'call_b', type: 'function', function: { name: 'g', arguments: '{"y":2}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 7, completion_tokens: 9, total_tokens: 16 },
    },
  },
  'a call with its arguments whole in one chunk, "tool_calls":[] beside content': {
    events: [chunk({ content: 'x', tool_calls: [] }), chunk({ ...call(0, 'c', 'h', '{"a":"b"}') }, 'tool_calls'), usageChunk(1, 1)],
    completion: {
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'x', tool_calls: [{ id: 'c', type: 'function', function: { name: 'h', arguments: '{"a":"b"}' } }] },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 1 },
    },
  },
  'calls the engine gave no id: each gets a call_id of its own, the same both ways': {
    events: [chunk(call(0, null, 'f', '{}')), chunk(call(1, null, 'g', '{}')), chunk({}, 'tool_calls'), usageChunk(1, 1)],
    completion: {
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              { type: 'function', function: { name: 'f', arguments: '{}' } },
              { type: 'function', function: { name: 'g', arguments: '{}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 1 },
    },
  },
  'a refusal': {
    events: [chunk({ refusal: 'I cannot ' }), chunk({ refusal: 'help.' }), chunk({}, 'stop'), usageChunk(2, 3)],
    completion: {
      choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: 'I cannot help.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 2, completion_tokens: 3 },
    },
  },
  'cut at max tokens (incomplete)': {
    events: [chunk({ content: 'long' }), chunk({}, 'length'), usageChunk(2, 16)],
    completion: { choices: [{ index: 0, message: { role: 'assistant', content: 'long' }, finish_reason: 'length' }], usage: { prompt_tokens: 2, completion_tokens: 16 } },
  },
  'content filter (incomplete)': {
    events: [chunk({ content: 'so' }), chunk(null, 'content_filter'), usageChunk(2, 1)],
    completion: { choices: [{ index: 0, message: { role: 'assistant', content: 'so' }, finish_reason: 'content_filter' }], usage: { prompt_tokens: 2, completion_tokens: 1 } },
  },
};

t.test('fold equivalence: the SDK folds every stream into the object of the same answer without a stream', async (t) => {
  for (const [name, answer] of Object.entries(CASES)) {
    const streamed = await through(t, answerFor(null), (out) => stream(out, answer.events));
    const events = eventsOf(streamed.body);
    t.strictSame(
      events.map((event) => event.sequence_number),
      events.map((_, i) => i),
      `${name}: sequence numbers from 0, no gaps`,
    );
    let snapshot: OpenAIResponse | undefined;
    for (const event of events) snapshot = accumulateResponse(event, snapshot);
    const json = await through(t, answerFor(null), (out) => {
      out.writeHead(200, { 'content-type': 'application/json' });
      out.end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'm', ...answer.completion }));
    });
    t.equal(json.status, 200);
    const whole = JSON.parse(json.body) as Record<string, unknown>;
    t.strictSame(JSON.parse(JSON.stringify(snapshot)), { ...whole, output_text: (snapshot as { output_text: string }).output_text }, name);
    t.equal(events.at(-1)?.type, whole['status'] === 'completed' ? 'response.completed' : 'response.incomplete', `${name}: the terminal event`);
    const callIds = (whole['output'] as Record<string, unknown>[]).filter((item) => item['type'] === 'function_call').map((item) => item['call_id']);
    t.ok(
      callIds.every((id) => typeof id === 'string' && id !== '') && new Set(callIds).size === callIds.length,
      `${name}: every call has a call_id of its own (${callIds.join(', ')})`,
    );
  }
});

t.test('after commit: a failure closes the open items and ends with response.failed; nothing is stored', async (t) => {
  const store = new MemoryResponseStore({ maxBytes: 1 << 20, maxEntryBytes: 1 << 20 });
  const error = JSON.stringify({
    error: { message: "The stream was ended because this key's budget (tokens or dollars) is spent.", type: 'insufficient_quota', param: null, code: 'insufficient_quota' },
  });
  const { body } = await through(t, answerFor(store), (out) => stream(out, [chunk({ content: 'part' }), chunk(call(0, 'c', 'f', '{"a')), chunk({}, 'length'), error], false));
  const events = eventsOf(body);
  t.strictSame(
    events.map((event) => event.type),
    [
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.failed',
    ],
  );
  let snapshot: OpenAIResponse | undefined;
  for (const event of events) snapshot = accumulateResponse(event, snapshot);
  t.equal(snapshot?.status, 'failed');
  t.strictSame(snapshot?.error, { code: 'rate_limit_exceeded', message: "The stream was ended because this key's budget (tokens or dollars) is spent." });
  t.strictSame(
    snapshot?.output.map((item) => [item.type, 'status' in item ? item.status : null]),
    [
      ['message', 'completed'],
      ['function_call', 'incomplete'],
    ],
  );
  t.equal(store.stats().entries, 0);
});

t.test('calls without an index (servers that leave it out) are told apart by id; a fragment without either continues the last', async (t) => {
  const { body } = await through(t, answerFor(null), (out) =>
    stream(out, [
      chunk({ tool_calls: [{ id: 'c0', type: 'function', function: { name: 'a', arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ function: { arguments: '1}' } }] }),
      chunk({ tool_calls: [{ id: 'c1', type: 'function', function: { name: 'b', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
      usageChunk(5, 2),
    ]),
  );
  const done = eventsOf(body).filter((event) => event.type === 'response.output_item.done');
  t.strictSame(
    done.map((event) => (event.type === 'response.output_item.done' && event.item.type === 'function_call' ? [event.item.call_id, event.item.name, event.item.arguments] : null)),
    [
      ['c0', 'a', '{"x":1}'],
      ['c1', 'b', '{}'],
    ],
  );
});

t.test('a stream cut without [DONE] or an error event still ends with response.failed', async (t) => {
  const { body } = await through(t, answerFor(null), (out) => stream(out, [chunk({ content: 'a' })], false));
  const last = eventsOf(body).at(-1);
  t.equal(last?.type, 'response.failed');
});

t.test('an error replayed as JSON keeps its status and envelope', async (t) => {
  const error = '{"error":{"message":"nope","type":"invalid_request_error","param":null,"code":null}}';
  const got = await through(t, answerFor(null), (out) => {
    out.writeHead(400, { 'content-type': 'application/json' });
    out.end(error);
  });
  t.strictSame(got, { status: 400, body: error });
});

t.test('text survives byte-exact through both paths: quotes, backslashes, U+2028, emoji split between chunks (as escaped surrogates too)', async (t) => {
  const texts = ['say "hi"', ' C:\\path\\', '\u2028line', ' a😀', '\u{1F600}\u{1F680}'];
  // The last emoji split inside its surrogate pair: each half is a lone surrogate, escaped by JSON.stringify.
  const split = ['\ud83d', '\ude80 done'];
  const events = [
    chunk({ content: 'start' }),
    ...texts.map((text) => chunk({ content: text })),
    ...split.map((text) => chunk({ content: text })),
    chunk({ content: 'raw\u0001ctl' }),
    chunk({}, 'stop'),
    usageChunk(1, 1),
  ];
  const expected = `start${texts.join('')}\ud83d\ude80 doneraw\u0001ctl`;
  const { body } = await through(t, answerFor(null), (out) => stream(out, events));
  let snapshot: OpenAIResponse | undefined;
  for (const event of eventsOf(body)) snapshot = accumulateResponse(event, snapshot);
  t.equal(snapshot?.output_text, expected);
  const done = eventsOf(body).find((event) => event.type === 'response.output_text.done');
  t.equal(done?.type === 'response.output_text.done' ? done.text : null, expected);
});
