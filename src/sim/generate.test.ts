// The deterministic pieces under the server: token counting and text generation.

import t from 'tap';
import { generateText } from './generate.js';
import { countTextTokens } from './tokens.js';

t.test('countTextTokens: word runs and punctuation count, whitespace does not', async (t) => {
  const cases: Array<[string, number]> = [
    ['', 0],
    ['   \n\t', 0],
    ['hello', 1],
    ['Hello, world!', 4],
    ['snake_case42 x', 2],
    ['a.b.c', 5],
    ['naïve café', 2],
  ];
  for (const [text, tokens] of cases) t.equal(countTextTokens(text), tokens, JSON.stringify(text));
});

t.test('generateText: deterministic, prefix-stable, one non-empty piece per token', async (t) => {
  const long = generateText(42, { maxTokens: 40, limitIsExplicit: true, stop: [] });
  t.same(generateText(42, { maxTokens: 40, limitIsExplicit: true, stop: [] }), long);
  t.equal(long.pieces.length, 40);
  t.equal(long.finishReason, 'length');
  t.ok(long.pieces.every((piece) => piece !== ''));
  const short = generateText(42, { maxTokens: 7, limitIsExplicit: false, stop: [] });
  t.same(short.pieces, long.pieces.slice(0, 7));
  t.equal(short.finishReason, 'stop', 'the default length is a natural stop');
  t.not(generateText(43, { maxTokens: 40, limitIsExplicit: true, stop: [] }).pieces.join(''), long.pieces.join(''));
});

t.test('generateText: a stop string spanning pieces cuts the text before it', async (t) => {
  const full = generateText(7, { maxTokens: 30, limitIsExplicit: true, stop: [] }).pieces.join('');
  // Two words across a piece boundary: ends inside one piece, starts in the one before.
  const stop = full.slice(full.indexOf(' ', 3) - 2, full.indexOf(' ', 3) + 3);
  const cut = generateText(7, { maxTokens: 30, limitIsExplicit: true, stop: ['never-matches', stop] });
  t.equal(cut.pieces.join(''), full.slice(0, full.indexOf(stop)));
  t.equal(cut.finishReason, 'stop');
  t.equal(cut.stopReason, stop);
  t.ok(
    cut.pieces.every((piece) => piece !== ''),
    'no empty piece after truncation',
  );
});
