// The memo keeps what it was given, up to two generations, and drops the older whole when the newer fills.
import t from 'tap';
import type { Classification } from '../classify/classification.js';
import { ClassificationMemo } from './classification-memo.js';

const simple: Classification = { complexity: 'simple', score: 0.9, reasons: ['model', 'short'] };
const complex: Classification = { complexity: 'complex', score: 0.8, reasons: ['model', 'code'] };

t.test('what was set is got, the same object; what was not is undefined', async (t) => {
  const memo = new ClassificationMemo();
  memo.set('a', simple);
  memo.set('b', complex);
  t.equal(memo.get('a'), simple);
  t.equal(memo.get('b'), complex);
  t.equal(memo.get('c'), undefined);
});

t.test('bounded: at most two generations; the older is dropped whole when the newer is full', async (t) => {
  const memo = new ClassificationMemo(3);
  for (const digest of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) memo.set(digest, simple);
  // Generations: [a b c] → [d e f] (older) → [g] (newer): a, b and c are gone.
  t.equal(memo.size, 4);
  t.strictSame(
    ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((digest) => memo.get(digest) !== undefined),
    [false, false, false, true, true, true, true],
  );
});

t.test('an entry of the older generation that is asked for is kept into the next one', async (t) => {
  const memo = new ClassificationMemo(2);
  memo.set('a', complex);
  memo.set('b', simple);
  memo.set('c', simple); // [a b] is the older generation now
  t.equal(memo.get('a'), complex, 'read from the older generation, and copied into the newer');
  memo.set('d', simple); // the newer [c a] was full: it became the older, and [b] went
  t.equal(memo.get('a'), complex);
  t.equal(memo.get('b'), undefined);
});
