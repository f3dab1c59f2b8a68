// Strict mode's promise (no overspend) rests on the prompt's upper bound: every byte an engine may
// render into the prompt must be in it, whichever request field carries it.
import t from 'tap';
import { parseRequest } from '../routing/inference-request.js';
import { estimateCost, loadTokenizer, outputTokens as countWithTokenizer } from './estimate.js';

const MEDIA = { imageTokens: 1000, audioTokens: 500 };
const boundOf = (body: Record<string, unknown>, endpoint: 'chat' | 'completions' = 'chat'): number => estimateCost(parseRequest(endpoint, body), MEDIA).promptUpperBound;
const PAD = ','.repeat(20_000);

t.test('text in any member of a message is bounded, not only its content (a hostile client padded `name`)', (t) => {
  const plain = boundOf({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  for (const [member, value] of [
    ['name', PAD],
    ['tool_call_id', PAD],
    ['reasoning_content', PAD],
    ['function_call', { name: 'f', arguments: PAD }],
    ['role', PAD],
  ] as const) {
    const bound = boundOf({ model: 'm', messages: [{ role: member === 'tool_call_id' ? 'tool' : 'user', content: 'hi', [member]: value }] });
    t.ok(bound >= plain + PAD.length, `${member}: ${bound} bounds the ${PAD.length} bytes it adds`);
  }
  t.end();
});

t.test('content parts whose text is not under `text` are bounded (vLLM renders a refusal part: chat_utils.py MM_PARSER_MAP)', (t) => {
  const plain = boundOf({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  for (const part of [
    { type: 'refusal', refusal: PAD },
    { type: 'tool_reference', name: PAD },
  ]) {
    const bound = boundOf({
      model: 'm',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [part] },
      ],
    });
    t.ok(bound >= plain + PAD.length, `${part.type}: ${bound}`);
  }
  t.end();
});

t.test('what chat templates render from outside the messages is bounded too', (t) => {
  const plain = boundOf({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  for (const [field, value] of [
    ['documents', [{ title: 'doc', text: PAD }]],
    ['chat_template', `{{ '${PAD}' }}`],
    ['chat_template_kwargs', { preamble: PAD }],
  ] as const) {
    const bound = boundOf({ model: 'm', messages: [{ role: 'user', content: 'hi' }], [field]: value });
    t.ok(bound >= plain + PAD.length, `${field}: ${bound}`);
  }
  const suffixed = boundOf({ model: 'm', prompt: 'def f(', suffix: PAD }, 'completions');
  t.ok(suffixed >= PAD.length, `a completion's suffix: ${suffixed}`);
  t.end();
});

t.test('property: the bound is never below the UTF-8 bytes of every string in the messages', (t) => {
  let seed = 11;
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  const alphabet = ['a', 'é', '😀', ' ', '"', '中'];
  const text = () => Array.from({ length: random(40) }, () => alphabet[random(alphabet.length)]).join('');
  const bytesIn = (value: unknown): number =>
    typeof value === 'string'
      ? Buffer.byteLength(value)
      : Array.isArray(value)
        ? value.reduce((sum: number, item) => sum + bytesIn(item), 0)
        : typeof value === 'object' && value !== null
          ? Object.values(value).reduce((sum: number, item) => sum + bytesIn(item), 0)
          : 0;
  for (let round = 0; round < 200; round++) {
    const messages = Array.from({ length: 1 + random(4) }, () => {
      const message: Record<string, unknown> = { role: 'user', content: text() };
      if (random(2) === 0) message['name'] = text();
      if (random(3) === 0) message['extra'] = { nested: [text(), text()] };
      return message;
    });
    const bound = boundOf({ model: 'm', messages });
    if (bound < bytesIn(messages)) {
      t.fail(`round ${round}: ${bound} < ${bytesIn(messages)}`);
      break;
    }
  }
  t.pass('200 random conversations bounded');
  t.end();
});

t.test('a long prompt is sampled from its start to its end: 16 KiB of spaces first no longer makes the rest read cheap', async (t) => {
  await loadTokenizer();
  const content = `${' '.repeat(16_384)}${' !'.repeat(30_000)}`;
  const exact = countWithTokenizer(content);
  const { promptTokens } = estimateCost(parseRequest('chat', { model: 'm', messages: [{ role: 'user', content }] }), MEDIA);
  t.ok(promptTokens >= exact, `estimated ${promptTokens} for ${exact} tokens (the start alone read about 600)`);
  t.ok(promptTokens < exact * 2, 'and not wildly over');
  // Prose of one kind throughout reads as its own rate, not the floor's.
  const prose = 'The quick brown fox jumps over the lazy dog while the engine counts its tokens. '.repeat(2_000);
  const estimate = estimateCost(parseRequest('chat', { model: 'm', messages: [{ role: 'user', content: prose }] }), MEDIA).promptTokens;
  const real = countWithTokenizer(prose);
  t.ok(estimate >= real * 0.9 && estimate <= real * 1.5, `prose: ${estimate} for ${real}`);
});
