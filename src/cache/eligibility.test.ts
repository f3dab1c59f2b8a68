import t from 'tap';
import { clientDirectives, fresh } from './eligibility.js';

t.test('Cache-Control request directives: case, lists, repeats joined by node, quoted and invalid max-age', async (t) => {
  const read = (header: string) => clientDirectives(header);
  t.strictSame(read('No-Cache'), { lookup: false, store: true, maxAgeSeconds: null, onlyIfCached: false });
  t.strictSame(read('no-cache, no-store'), { lookup: false, store: false, maxAgeSeconds: null, onlyIfCached: false });
  t.strictSame(read('max-age=0'), { lookup: false, store: true, maxAgeSeconds: null, onlyIfCached: false });
  t.strictSame(read('MAX-AGE="30", private'), { lookup: true, store: true, maxAgeSeconds: 30, onlyIfCached: false });
  t.strictSame(read('max-age=60, max-age=5'), { lookup: true, store: true, maxAgeSeconds: 5, onlyIfCached: false });
  t.strictSame(read('max-age=-1'), { lookup: true, store: true, maxAgeSeconds: null, onlyIfCached: false }, 'not delta-seconds: ignored');
  t.strictSame(read('max-age'), { lookup: true, store: true, maxAgeSeconds: null, onlyIfCached: false });
  t.strictSame(read('Only-If-Cached'), { lookup: true, store: true, maxAgeSeconds: null, onlyIfCached: true });
  t.strictSame(read('max-age=30, only-if-cached'), { lookup: true, store: true, maxAgeSeconds: 30, onlyIfCached: true });
  t.strictSame(read('only-if-cached, no-cache'), { lookup: false, store: true, maxAgeSeconds: null, onlyIfCached: true });
  t.strictSame(read('x-foo="a, no-store"'), { lookup: true, store: true, maxAgeSeconds: null, onlyIfCached: false }, 'a quoted value of another directive is no directive');
});

t.test('fresh: within the ttlMs in force and the client max-age (in whole seconds, RFC 9111 5.2.1.1)', async (t) => {
  const any = clientDirectives(undefined);
  t.equal(fresh(0, 1_000, 1_000, any), true);
  t.equal(fresh(0, 1_001, 1_000, any), false, 'past a ttlMs shortened by a reload');
  const five = clientDirectives('max-age=5');
  t.equal(fresh(0, 5_999, 60_000, five), true, 'age 5 s');
  t.equal(fresh(0, 6_000, 60_000, five), false, 'age 6 s');
});
