import t from 'tap';
import { readTurns, windowOf, type WindowLimits } from './text-window.js';

const LIMITS: WindowLimits = { headChars: 10, tailChars: 5, contextChars: 400, contextMessages: 4 };

t.test('windowOf keeps short text whole and the head and tail of long text, with the true length', async (t) => {
  t.same(windowOf('short', 10, 5), { text: 'short', length: 5 });
  const long = `${'h'.repeat(10)}${'m'.repeat(1000)}${'t'.repeat(5)}`;
  const window = windowOf(long, 10, 5);
  t.equal(window.length, 1015);
  t.ok(window.text.startsWith('h'.repeat(10)) && window.text.endsWith('t'.repeat(5)));
  t.notMatch(window.text, /m/, 'the middle is not read');
  const parts = windowOf(['h'.repeat(20), 'm'.repeat(1000), 't'.repeat(20)], 10, 5);
  t.equal(parts.length, 1042, 'pieces joined by newlines');
  t.equal(parts.text, `${'h'.repeat(10)}\n...\n${'t'.repeat(5)}`);
  t.equal(windowOf(['ab', 'cd'], 10, 5).text, 'ab\ncd');
});

t.test('the last user turn, not the last message, is the one classified', async (t) => {
  const turns = readTurns(
    {
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: `${'q'.repeat(100)}${'z'.repeat(100)}` },
        { role: 'assistant', content: 'an answer' },
        { role: 'user', content: 'second' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1' }] },
        { role: 'tool', content: 'tool output' },
      ],
    },
    LIMITS,
  );
  t.equal(turns.last?.text, 'second');
  // contextChars / contextMessages = 100 per turn: three quarters from its head, a quarter from its tail.
  t.equal(turns.context?.text, `${'q'.repeat(75)}\n...\n${'z'.repeat(25)}`, 'earlier user turns, windowed per turn');
  t.equal(turns.replies?.text, 'an answer\n\ntool output', 'assistant and tool turns are kept apart, oldest first');
  t.equal(turns.system?.text, 'be brief');
  t.equal(turns.toolTurns, 2);
});

t.test('content parts: text parts read, images ignored, huge part arrays read from both ends', async (t) => {
  const turns = readTurns({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }, { type: 'text', text: 'hello' }, 'raw'] }] }, LIMITS);
  t.equal(turns.last?.text, 'hello\nraw');
  const many = Array.from({ length: 10_000 }, (_, i) => ({ type: 'text', text: `p${i}` }));
  const big = readTurns({ messages: [{ role: 'user', content: many }] }, { ...LIMITS, headChars: 8, tailChars: 8 });
  t.ok(big.last !== null && big.last.text.startsWith('p0\np1') && big.last.text.endsWith('p9999'));
});

t.test('completions prompt: a string or an array of strings; token arrays carry no text', async (t) => {
  t.equal(readTurns({ prompt: 'once upon a time' }, LIMITS).last?.text, 'once upon \n...\n time');
  t.equal(readTurns({ prompt: ['a', 'b'] }, LIMITS).last?.text, 'a\nb');
  t.equal(readTurns({ prompt: [1, 2, 3] }, LIMITS).last, null);
});

t.test('context is bounded by contextMessages and never throws on odd shapes', async (t) => {
  const messages = Array.from({ length: 1000 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: `m${i}` }));
  const turns = readTurns({ messages }, LIMITS);
  t.equal(turns.last?.text, 'm998');
  t.equal(turns.context?.text, 'm996', 'only the most recent turns');
  t.equal(turns.replies?.text, 'm995\n\nm997\n\nm999', 'replies after the last user turn too (an agent loop)');
  for (const body of [{}, { messages: [null, 'x', { role: 'user', content: 7 }] }, { messages: [{ role: 'developer', content: 'rules' }] }]) {
    t.doesNotThrow(() => readTurns(body, LIMITS));
  }
  t.equal(readTurns({ messages: [{ role: 'developer', content: 'rules' }] }, LIMITS).system?.text, 'rules', 'developer is a system role');
});
