import t from 'tap';
import { keptBytes, keptJoin } from './kept-bytes.js';

t.test('a view of a larger ArrayBuffer is copied into bytes of its own; a buffer that owns its bytes is kept as is', async (t) => {
  const pooled = Buffer.from('small enough for the shared slab');
  t.ok(pooled.buffer.byteLength > pooled.length, 'Buffer.from under 4 KB is a view of the slab');
  const kept = keptBytes(pooled);
  t.strictSame(kept, pooled);
  t.equal(kept.buffer.byteLength, pooled.length);
  t.equal(kept.byteOffset, 0);
  const own = Buffer.allocUnsafeSlow(16).fill(7);
  t.equal(keptBytes(own), own, 'not copied');
  const tail = own.subarray(8);
  t.equal(keptBytes(tail).buffer.byteLength, 8, 'a view at an offset of an own buffer is copied too');
});

t.test('parts are joined into bytes of their own', async (t) => {
  const parts = [Buffer.from('ab'), Buffer.from('cde'), Buffer.alloc(0), Buffer.from('f')];
  const joined = keptJoin(parts, 6);
  t.equal(joined.toString(), 'abcdef');
  t.equal(joined.buffer.byteLength, 6);
  const one = Buffer.from('only');
  t.equal(keptJoin([one], 4).buffer.byteLength, 4, 'one pooled part is copied');
  t.equal(keptJoin([], 0).length, 0);
});
