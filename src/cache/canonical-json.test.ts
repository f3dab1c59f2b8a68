// RFC 8785 (JSON Canonicalization Scheme): the RFC's own sample and sorting vector, and the cases the
// request key depends on (key order, whitespace, -0, nesting bound).
import t from 'tap';
import { canonicalJson, canonicalObject } from './canonical-json.js';

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

t.test('a member named __proto__ is a member like any other, at the top and nested', async (t) => {
  const parsed: unknown = JSON.parse('{"b":1,"__proto__":{"x":[1]},"a":{"__proto__":null,"z":2}}');
  t.strictSame(canonicalJson(parsed), '{"__proto__":{"x":[1]},"a":{"__proto__":null,"z":2},"b":1}');
});

t.test('integer-like names deep inside (logit_bias) are sorted as text, not as ECMAScript orders them', async (t) => {
  const parsed: unknown = JSON.parse('{"logit_bias":{"50256":-100,"1000":5,"9":1},"messages":[{"role":"user","content":"x"}]}');
  t.strictSame(canonicalJson(parsed), '{"logit_bias":{"1000":5,"50256":-100,"9":1},"messages":[{"content":"x","role":"user"}]}');
});

t.test('canonicalObject leaves out what it is told to, and writes the rest as canonicalJson does', async (t) => {
  const body = JSON.parse('{"stream":true,"n":null,"m":{"b":null,"a":1},"7":0}') as Record<string, unknown>;
  const skip = (name: string, value: unknown): boolean => value === null || name === 'stream';
  t.strictSame(canonicalObject(body, 0, skip), '{"7":0,"m":{"a":1,"b":null}}');
  t.strictSame(
    canonicalObject({ a: [1, { d: 1, c: 2 }] }, 0, () => false),
    canonicalJson({ a: [1, { d: 1, c: 2 }] }),
  );
});

// The RFC's rules, written the plainest way (sorted names, JSON.stringify for every primitive), against
// the canonical form on documents of every shape: names that are indices, empty, unicode, __proto__.
t.test('random documents canonicalise as the plain reading of the RFC does', async (t) => {
  const reference = (value: unknown): string => {
    if (typeof value !== 'object' || value === null) return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${reference(object[name])}`)
      .join(',')}}`;
  };
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const NAMES = ['a', 'b', 'role', 'content', '', '0', '10', '2', '__proto__', 'é', '\u20ac', 'Z', 'tool_calls', '1a'];
  const make = (depth: number): string => {
    const pick = random();
    if (depth > 4 || pick < 0.4) return JSON.stringify([1, -0.5, 'x"\\y', true, false, null, 1e30, 'ü😀', 0][Math.floor(random() * 9)]);
    if (pick < 0.6) return `[${Array.from({ length: Math.floor(random() * 4) }, () => make(depth + 1)).join(',')}]`;
    const names = new Set(Array.from({ length: Math.floor(random() * 5) }, () => NAMES[Math.floor(random() * NAMES.length)]!));
    return `{${[...names].map((name) => `${JSON.stringify(name)}:${make(depth + 1)}`).join(',')}}`;
  };
  for (let i = 0; i < 2000; i++) {
    const text = make(0);
    t.equal(canonicalJson(JSON.parse(text)), reference(JSON.parse(text)), text);
  }
});

t.test('objects of few members and of many are ordered alike (two sorts)', async (t) => {
  for (const count of [0, 1, 2, 15, 16, 17, 40]) {
    const names = Array.from({ length: count }, (_, i) => `${String.fromCharCode(0x61 + ((i * 7) % 26))}${i % 3 === 0 ? 'é' : ''}${count - i}`);
    const object = Object.fromEntries(names.map((name, i) => [name, i]));
    const expected = `{${[...names]
      .sort()
      .map((name) => `${JSON.stringify(name)}:${object[name]}`)
      .join(',')}}`;
    t.equal(canonicalJson(object), expected, `${count} members`);
  }
});
