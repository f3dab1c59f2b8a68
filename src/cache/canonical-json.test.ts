// RFC 8785 (JSON Canonicalization Scheme): the RFC's own sample and sorting vector, and the cases the
// request key depends on (key order, whitespace, -0, nesting bound).
import t from 'tap';
import { canonicalJson } from './canonical-json.js';

t.test("RFC 8785 section 3.2.2's sample canonicalises to the RFC's bytes", async (t) => {
  const input =
    '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n' +
    '  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}';
  t.strictSame(canonicalJson(JSON.parse(input)), '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
});

t.test('RFC 8785 section 3.2.3: members sorted by UTF-16 code units (integer-like names too)', async (t) => {
  const input =
    '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}';
  const parsed = JSON.parse(input) as Record<string, unknown>;
  // Read off the text itself: parsing it again would put the integer-like name first (ECMAScript's own order).
  const text = canonicalJson(parsed);
  const order = Object.values(parsed).sort((x, y) => text.indexOf(JSON.stringify(x)) - text.indexOf(JSON.stringify(y)));
  t.strictSame(order, ['Carriage Return', 'One', 'Control', 'Latin Small Letter O With Diaeresis', 'Euro Sign', 'Emoji: Grinning Face', 'Hebrew Letter Dalet With Dagesh']);
});

t.test('key order and whitespace do not matter; array order does', async (t) => {
  const a = canonicalJson(JSON.parse('{"b":1,"a":{"y":[1,2],"x":"s"}}'));
  const b = canonicalJson(JSON.parse('{ "a" : { "x" : "s", "y" : [ 1 , 2 ] } ,\n "b" : 1.0 }'));
  t.strictSame(a, '{"a":{"x":"s","y":[1,2]},"b":1}');
  t.strictSame(b, a);
  t.not(canonicalJson(JSON.parse('{"a":[2,1]}')), canonicalJson(JSON.parse('{"a":[1,2]}')));
});

t.test('-0 is 0, undefined members are left out as JSON.stringify does', async (t) => {
  t.strictSame(canonicalJson({ z: -0, u: undefined, a: [-0] }), '{"a":[0],"z":0}');
});

t.test('nesting past the bound throws a RangeError instead of overflowing the stack', async (t) => {
  let deep: unknown = 1;
  for (let i = 0; i < 600; i++) deep = [deep];
  t.throws(() => canonicalJson(deep), RangeError);
  let fine: unknown = 1;
  for (let i = 0; i < 500; i++) fine = { a: fine };
  t.ok(canonicalJson(fine).startsWith('{"a":{"a":'));
});
