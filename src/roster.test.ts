import t from 'tap';
import { Roster } from './roster.js';

t.test('members are counted and listed newest first, whichever leaves', async (t) => {
  const roster = new Roster<string>();
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => roster.add(name));
  t.equal(roster.size, 4);
  t.strictSame(roster.values(), ['d', 'c', 'b', 'a']);
  roster.remove(b!); // from the middle
  t.strictSame(roster.values(), ['d', 'c', 'a']);
  roster.remove(d!); // the newest
  t.strictSame(roster.values(), ['c', 'a']);
  roster.remove(a!); // the oldest
  t.strictSame(roster.values(), ['c']);
  roster.remove(c!);
  t.strictSame(roster.values(), []);
  t.equal(roster.size, 0);
  roster.add('e');
  t.strictSame(roster.values(), ['e'], 'an emptied roster takes members again');
});

t.test('leaving twice is leaving once', async (t) => {
  const roster = new Roster<number>();
  const one = roster.add(1);
  roster.add(2);
  roster.remove(one);
  roster.remove(one);
  t.equal(roster.size, 1);
  t.strictSame(roster.values(), [2]);
});

t.test('an entry that left holds nothing: not its member, not its neighbours', async (t) => {
  // What the roster is for (roster.ts): a stale link kept by an entry that left would keep whatever
  // it reaches alive through the young collections, as a Set's replaced tables do.
  const roster = new Roster<object>();
  const first = roster.add({});
  const middle = roster.add({});
  roster.add({});
  roster.remove(middle);
  t.strictSame(middle, { value: null, prev: null, next: null });
  roster.remove(first);
  t.strictSame(first, { value: null, prev: null, next: null });
});

t.test('members may leave while the caller goes through a listing', async (t) => {
  const roster = new Roster<string>();
  const entries = new Map(['a', 'b', 'c'].map((name) => [name, roster.add(name)]));
  const seen: string[] = [];
  for (const name of roster.values()) {
    seen.push(name);
    // Each visit makes every member leave, as aborting a request's lifetime ends it at once.
    for (const entry of entries.values()) roster.remove(entry);
  }
  t.strictSame(seen, ['c', 'b', 'a']);
  t.equal(roster.size, 0);
});
