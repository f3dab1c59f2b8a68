import t from 'tap';
import { readHeaderLine } from './header-line.js';

t.test('a header line and where the bytes after it begin', (t) => {
  t.strictSame(readHeaderLine(Buffer.from('{"v":1}\nbody')), { header: { v: 1 }, bodyAt: 8 });
  t.strictSame(readHeaderLine(Buffer.from('[]\n')), { header: [], bodyAt: 3 });
  t.end();
});

t.test('not a record: null, never an exception', (t) => {
  t.equal(readHeaderLine(Buffer.from('{"v":1}')), null, 'no line end');
  t.equal(readHeaderLine(Buffer.from('{"v":\n{}')), null, 'a first line that is not JSON');
  t.equal(readHeaderLine(Buffer.alloc(0)), null, 'nothing');
  t.end();
});
