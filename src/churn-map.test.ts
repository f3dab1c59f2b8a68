import t from 'tap';
import { ChurnMap } from './churn-map.js';

t.test('answers as a Map does through thousands of entries coming and going (it starts over every few hundred)', async (t) => {
  const churn = new ChurnMap<string, number>();
  const reference = new Map<string, number>();
  const [deleted, expected] = [[] as boolean[], [] as boolean[]];
  // 32 live entries, each replaced in turn: the shape of requests in flight.
  for (let i = 0; i < 5_000; i++) {
    churn.set(`k${i}`, i);
    reference.set(`k${i}`, i);
    if (i >= 32) {
      deleted.push(churn.delete(`k${i - 32}`));
      expected.push(reference.delete(`k${i - 32}`));
    }
  }
  t.strictSame(deleted, expected);
  t.equal(churn.delete('k0'), false, 'an entry deleted before is not there');
  t.equal(churn.size, reference.size);
  t.strictSame([...churn], [...reference], 'the same entries, in insertion order');
  t.ok(churn.has('k4999'));
  t.equal(churn.get('k4990'), 4990);
  t.equal(churn.get('k1'), undefined);
});

t.test('a caller may delete while it iterates, past the point where the map starts over', async (t) => {
  const churn = new ChurnMap<number, string>();
  for (let i = 0; i < 600; i++) churn.set(i, `v${i}`);
  const seen: number[] = [];
  for (const [key] of churn) {
    seen.push(key);
    churn.delete(key);
  }
  t.equal(seen.length, 600, 'every entry visited once');
  t.equal(churn.size, 0);
  churn.set(1, 'again');
  t.strictSame([...churn], [[1, 'again']], 'and the next set starts over with what is left');
});
