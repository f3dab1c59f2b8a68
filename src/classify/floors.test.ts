import t from 'tap';
import type { Classification, Complexity } from './classification.js';
import { applyFloors, DEFAULT_FLOORS, FLOOR_REASONS, requestFloorSignals, resolveFloors, type ClassifierFloors, type FloorName } from './floors.js';

const said = (complexity: Complexity, reasons: readonly string[] = ['model', 'greeting']): Classification => ({ complexity, score: 0.1, reasons });
const user = (content: unknown) => ({ messages: [{ role: 'user', content }] });
const TRIVIAL = user('hi');

/** One request per floor, each with trivial words: only the request-level signal differs. */
const TRIGGERS: Readonly<Record<FloorName, Record<string, unknown>>> = {
  image: user([
    { type: 'text', text: 'hi' },
    { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
  ]),
  audio: user([
    { type: 'text', text: 'hi' },
    { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
  ]),
  reasoningHigh: { ...TRIVIAL, reasoning_effort: 'high' },
  reasoningMedium: { ...TRIVIAL, reasoning_effort: 'medium' },
  tools: { ...TRIVIAL, tools: [{ type: 'function', function: { name: 'now', parameters: { type: 'object' } } }] },
  jsonSchema: { ...TRIVIAL, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } } },
  longContext: user('word '.repeat(40_000)),
};

const NAMES = Object.keys(TRIGGERS) as FloorName[];
const RANK: Readonly<Record<Complexity, number>> = { simple: 0, moderate: 1, complex: 2 };

t.test('defaults: media and high effort are complex, the rest moderate, long context from 32k tokens', async (t) => {
  t.strictSame(DEFAULT_FLOORS, {
    image: 'complex',
    audio: 'complex',
    reasoningHigh: 'complex',
    reasoningMedium: 'moderate',
    tools: 'moderate',
    jsonSchema: 'moderate',
    longContext: 'complex',
    longContextTokens: 32_768,
  });
  t.strictSame(resolveFloors(undefined), DEFAULT_FLOORS);
  t.strictSame(resolveFloors({ tools: null, image: 'moderate' }), { ...DEFAULT_FLOORS, tools: null, image: 'moderate' }, 'key by key; null turns one off');
});

t.test("each floor raises a lower class to its minimum and names itself; the mode's reasons come first", async (t) => {
  for (const name of NAMES) {
    const result = applyFloors(TRIGGERS[name], said('simple'), DEFAULT_FLOORS);
    t.strictSame(result, { complexity: DEFAULT_FLOORS[name], score: 0.1, reasons: ['model', 'greeting', FLOOR_REASONS[name]] }, name);
  }
});

t.test('a floor never lowers: a class at or above it stays, with its reasons unchanged', async (t) => {
  for (const name of NAMES) {
    for (const complexity of ['moderate', 'complex'] as const) {
      if (RANK[complexity] < RANK[DEFAULT_FLOORS[name] ?? 'simple']) continue;
      const before = said(complexity, ['code']);
      t.strictSame(applyFloors(TRIGGERS[name], before, DEFAULT_FLOORS), before, `${name} on ${complexity}`);
    }
  }
  const complex = said('complex', ['math']);
  const allSimple = resolveFloors(Object.fromEntries(NAMES.map((name) => [name, 'simple'])));
  t.strictSame(applyFloors(TRIGGERS.image, said('moderate'), allSimple), said('moderate'), 'a floor of simple changes nothing');
  t.strictSame(applyFloors(TRIGGERS.image, complex, DEFAULT_FLOORS), complex);
});

t.test('null turns a floor off', async (t) => {
  for (const name of NAMES) {
    const floors = resolveFloors({ [name]: null, ...(name === 'reasoningHigh' ? { reasoningMedium: null } : {}) });
    t.strictSame(applyFloors(TRIGGERS[name], said('simple'), floors), said('simple'), name);
  }
});

t.test('a trivial request with no request-level signal is left alone', async (t) => {
  t.strictSame(applyFloors(TRIVIAL, said('simple'), DEFAULT_FLOORS), said('simple'));
  t.strictSame(
    applyFloors({ ...TRIVIAL, reasoning_effort: 'low', tools: [], tool_choice: 'auto', response_format: { type: 'json_object' } }, said('simple'), DEFAULT_FLOORS),
    said('simple'),
  );
  t.strictSame(applyFloors({}, said('simple'), DEFAULT_FLOORS), said('simple'), 'an empty body');
  t.strictSame(applyFloors({ messages: 'nope', tools: 'x', reasoning: 3 }, said('simple'), DEFAULT_FLOORS), said('simple'), 'malformed fields');
});

t.test('several floors: the highest decides and only the floors that reach the final class are named', async (t) => {
  const body = { ...TRIGGERS.image, tools: [{ type: 'function', function: { name: 'f' } }], response_format: { type: 'json_schema', json_schema: { name: 'x' } } };
  t.strictSame(applyFloors(body, said('simple'), DEFAULT_FLOORS), { complexity: 'complex', score: 0.1, reasons: ['model', 'greeting', 'image'] });
  const both = { ...TRIGGERS.image, reasoning_effort: 'high' };
  t.strictSame(applyFloors(both, said('simple'), DEFAULT_FLOORS).reasons, ['model', 'greeting', 'image', 'reasoning-high']);
  const twoModerate = { ...TRIVIAL, tools: [{ type: 'function' }], response_format: { type: 'json_schema' } };
  t.strictSame(applyFloors(twoModerate, said('simple'), DEFAULT_FLOORS).reasons, ['model', 'greeting', 'tools', 'json-schema']);
  t.strictSame(applyFloors(twoModerate, said('simple', ['tools']), DEFAULT_FLOORS).reasons, ['tools', 'json-schema'], 'a word the mode already gave is not repeated');
});

t.test('high effort meets the medium floor too when the high one is off or lower', async (t) => {
  const high = TRIGGERS.reasoningHigh;
  t.strictSame(applyFloors(high, said('simple'), resolveFloors({ reasoningHigh: null })), {
    complexity: 'moderate',
    score: 0.1,
    reasons: ['model', 'greeting', 'reasoning-medium'],
  });
  t.strictSame(applyFloors(TRIGGERS.reasoningMedium, said('simple'), resolveFloors({ reasoningMedium: null })), said('simple'), 'medium effort is not high');
  t.strictSame(applyFloors({ ...TRIVIAL, reasoning_effort: 'xhigh' }, said('simple'), DEFAULT_FLOORS).complexity, 'complex');
  // vLLM takes `max` above xhigh (vllm/entrypoints/openai/chat_completion/protocol.py @002032ee), as does Anthropic's output_config.effort.
  t.strictSame(applyFloors({ ...TRIVIAL, reasoning_effort: 'max' }, said('simple'), DEFAULT_FLOORS).complexity, 'complex');
  t.strictSame(applyFloors({ ...TRIVIAL, reasoning: { effort: 'max' } }, said('simple'), DEFAULT_FLOORS).complexity, 'complex');
});

t.test('the shapes each signal is recognised in', async (t) => {
  const cases: [string, Record<string, unknown>, FloorName][] = [
    ['Responses input_image part', user([{ type: 'input_image', image_url: 'https://x/y.png' }]), 'image'],
    ['video_url part', user([{ type: 'video_url', video_url: { url: 'https://x/y.mp4' } }]), 'image'],
    [
      'image in an earlier turn',
      {
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'u' } }] },
          { role: 'assistant', content: 'a cat' },
          { role: 'user', content: 'thanks' },
        ],
      },
      'image',
    ],
    [
      'Responses input with an image',
      {
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'hi' },
              { type: 'input_image', image_url: 'u' },
            ],
          },
        ],
      },
      'image',
    ],
    ['audio_url part', user([{ type: 'audio_url', audio_url: { url: 'https://x/a.wav' } }]), 'audio'],
    ['Responses reasoning.effort', { ...TRIVIAL, reasoning: { effort: 'high' } }, 'reasoningHigh'],
    ['legacy functions', { ...TRIVIAL, functions: [{ name: 'f' }] }, 'tools'],
    [
      'a tool result turn',
      {
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: null, tool_calls: [{ id: '1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: '1', content: '42' },
        ],
      },
      'tools',
    ],
    ['Responses text.format json_schema', { ...TRIVIAL, text: { format: { type: 'json_schema', name: 'x', schema: {} } } }, 'jsonSchema'],
    ['vLLM guided_json', { ...TRIVIAL, guided_json: { type: 'object' } }, 'jsonSchema'],
    [
      'long text parts',
      user([
        { type: 'text', text: 'x'.repeat(70_000) },
        { type: 'text', text: 'y'.repeat(70_000) },
      ]),
      'longContext',
    ],
    ['long context over many turns', { messages: Array.from({ length: 100 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: 'z'.repeat(1400) })) }, 'longContext'],
    ['a long completions prompt', { prompt: 'p'.repeat(140_000) }, 'longContext'],
    ['a long prompt of token ids', { prompt: Array.from({ length: 33_000 }, () => 7) }, 'longContext'],
    ['a long Responses input and instructions', { instructions: 'i'.repeat(70_000), input: 'j'.repeat(70_000) }, 'longContext'],
  ];
  for (const [name, body, floor] of cases) {
    t.strictSame(requestFloorSignals(body, DEFAULT_FLOORS.longContextTokens), new Set([floor]), name);
  }
  t.strictSame(requestFloorSignals({ ...TRIGGERS.tools, tool_choice: 'none' }, 32_768), new Set(), 'tools offered but forbidden');
  t.strictSame(requestFloorSignals(user('x'.repeat(131_071)), 32_768), new Set(), 'just under 32k tokens (4 characters a token)');
  t.strictSame(requestFloorSignals(user('x'.repeat(131_072)), 32_768), new Set(['longContext']), 'at 32k tokens');
});

t.test('long context is judged by string lengths only: a 4 MB prompt costs no scan', async (t) => {
  const huge = user('a'.repeat(4 * 1024 * 1024));
  t.strictSame(applyFloors(huge, said('simple'), DEFAULT_FLOORS).reasons, ['model', 'greeting', 'long-context']);
  const floors: ClassifierFloors = { ...DEFAULT_FLOORS, longContextTokens: 10 };
  t.strictSame(applyFloors(user('a'.repeat(40)), said('simple'), floors).complexity, 'complex', 'the threshold is configurable');
});
