// The arena: records keep their bytes while pages fill, empty, are reused and are compacted.
import t from 'tap';
import { Arena, type Placed } from './arena.js';

const record = (): Placed => ({ page: null, at: 0, length: 0 });

function put(arena: Arena, bytes: Buffer): Placed {
  const placed = record();
  bytes.copy(arena.place(placed, bytes.length), placed.at);
  return placed;
}

const read = (placed: Placed): string => placed.page!.bytes.toString('latin1', placed.at, placed.at + placed.length);

t.test('records fill a page in order; an emptied page is kept as the one spare and reused', async (t) => {
  const arena = new Arena(1024);
  const a = put(arena, Buffer.alloc(200, 'a'));
  const b = put(arena, Buffer.alloc(200, 'b'));
  t.equal(a.page, b.page);
  t.strictSame([a.at, b.at], [0, 200]);
  const c = Array.from({ length: 4 }, (_, i) => put(arena, Buffer.alloc(200, `${i}`)));
  t.not(c[3]!.page, a.page, 'a full page: the next record opens another');
  t.equal(arena.bytes, 2048);
  arena.release(a);
  t.equal(a.page, null);
  t.equal(read(b), 'b'.repeat(200), 'the others keep their bytes');
  for (const placed of [b, c[0]!, c[1]!, c[2]!]) arena.release(placed);
  t.equal(arena.bytes, 2048, 'the emptied page is kept as the spare');
  t.equal(arena.live, 200);
  Array.from({ length: 5 }, () => put(arena, Buffer.alloc(200, 'x')));
  t.equal(arena.bytes, 2048, 'and filled again rather than a page allocated');
});

t.test('a record longer than a quarter of a page gets a page of its own, let go with it', async (t) => {
  const arena = new Arena(1024);
  const big = put(arena, Buffer.alloc(300, 'B'));
  t.equal(big.page!.bytes.length, 300);
  t.equal(arena.bytes, 300);
  arena.release(big);
  t.equal(arena.bytes, 0, 'not kept as the spare: it is not a page of the arena size');
});

t.test('while the pages hold more than twice their records, the sparsest are moved into the new page', async (t) => {
  const arena = new Arena(1024);
  const kept: Placed[] = [];
  // Pages of four records each, every page left with one record live.
  for (let i = 0; i < 40; i++) {
    const placed = put(arena, Buffer.alloc(250, String.fromCharCode(65 + (i % 26))));
    if (i % 4 === 0) kept.push(placed);
    else arena.release(placed);
  }
  t.ok(arena.bytes <= 2 * (arena.live + 1024), `${arena.bytes} bytes of pages for ${arena.live} bytes of records`);
  kept.forEach((placed, n) => t.equal(read(placed), String.fromCharCode(65 + ((n * 4) % 26)).repeat(250), `record ${n} intact`));
  arena.clear();
  t.equal(arena.bytes, 0);
  t.ok(
    kept.every((placed) => placed.page === null),
    'clear lets every record go',
  );
});

t.test('the record that opened a new page fits in it, however much compaction moved in first', async (t) => {
  const arena = new Arena(1024);
  const kept: Placed[] = [];
  // Twelve pages of four 250-byte records, one record left live in each: 3,000 live bytes in 12 KiB.
  const all = Array.from({ length: 48 }, (_, i) => put(arena, Buffer.alloc(250, String.fromCharCode(97 + (i % 26)))));
  all.forEach((placed, i) => (i % 4 === 0 ? kept.push(placed) : arena.release(placed)));
  // The current page is full: this record opens a page, and the sparsest pages are moved into it first.
  const next = put(arena, Buffer.alloc(250, 'Z'));
  t.ok(next.at + next.length <= next.page!.bytes.length, `placed at ${next.at}, within its page of ${next.page!.bytes.length}`);
  t.equal(read(next), 'Z'.repeat(250));
  kept.forEach((placed, n) => t.equal(read(placed), String.fromCharCode(97 + ((n * 4) % 26)).repeat(250), `record ${n} intact`));
});
