// The kept walk gives the same order a fresh walk from the start would, however the map changes.
import t from 'tap';
import { OldestFirst } from './oldest-first.js';

t.test('oldest first; a re-inserted entry goes behind; entries added after the walk ended are found', async (t) => {
  const map = new Map<string, number>([
    ['a', 1],
    ['b', 2],
    ['c', 3],
  ]);
  const oldest = new OldestFirst(map);
  const take = (): string | null => {
    const next = oldest.next();
    if (next === null) return null;
    map.delete(next[0]);
    return next[0];
  };
  t.equal(take(), 'a');
  // b is used: moved to the end, behind c.
  map.delete('b');
  map.set('b', 2);
  t.equal(take(), 'c');
  t.equal(take(), 'b');
  t.equal(take(), null, 'empty');
  map.set('d', 4);
  map.set('e', 5);
  t.equal(take(), 'd', 'a walk that had ended starts again');
  map.clear();
  oldest.reset();
  map.set('f', 6);
  t.equal(take(), 'f');
});

t.test('the same order as a fresh walk, over many random sets, uses and evictions', async (t) => {
  const map = new Map<number, number>();
  const oldest = new OldestFirst(map);
  let seed = 11;
  const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  let mismatches = 0;
  for (let step = 0; step < 20_000; step++) {
    const key = Math.floor(random() * 500);
    const roll = random();
    if (roll < 0.5) {
      map.delete(key);
      map.set(key, step);
    } else if (roll < 0.8 && map.size > 0) {
      const fresh = map.keys().next().value;
      const kept = oldest.next();
      if (kept === null || kept[0] !== fresh) mismatches++;
      if (kept !== null) map.delete(kept[0]);
    }
  }
  t.equal(mismatches, 0);
});

t.test('peek: the same oldest entry until it leaves or is set again; then the next', async (t) => {
  const map = new Map<string, { readonly n: number }>([
    ['a', { n: 1 }],
    ['b', { n: 2 }],
    ['c', { n: 3 }],
  ]);
  const oldest = new OldestFirst(map);
  t.equal(oldest.peek()?.[0], 'a');
  t.equal(oldest.peek()?.[0], 'a', 'kept, not moved past');
  map.delete('a');
  t.equal(oldest.peek()?.[0], 'b');
  map.set('b', { n: 20 }); // replaced in place by another value: no longer the entry peeked
  map.delete('b');
  map.set('b', { n: 21 }); // set again: now the newest
  t.equal(oldest.peek()?.[0], 'c');
  map.delete('c');
  t.strictSame(oldest.peek(), ['b', { n: 21 }], 'the walk goes on to the entry set again');
  map.clear();
  t.equal(oldest.peek(), null);
});
