// Top-level members replaced in the client's own text: everything else keeps its bytes.
import t from 'tap';
import { withMembers, withoutMembers, textAt } from './json-members.js';

const edits = (entries: [string, unknown][]) => new Map(entries.map(([name, value]) => [name, JSON.stringify(value)]));

t.test('replaced members take the new value; every other byte is as written', async (t) => {
  const source =
    '{ "model" : "alias",\n  "seed": 9223372036854775807, "x": 1E400,\n  "schema": {"properties": {"name": {}, "2024": {}}}, "messages": [{"role":"user","content":"a \\"model\\": b"}] }';
  t.equal(
    withMembers(source, edits([['model', 'served']])),
    '{ "model" : "served",\n  "seed": 9223372036854775807, "x": 1E400,\n  "schema": {"properties": {"name": {}, "2024": {}}}, "messages": [{"role":"user","content":"a \\"model\\": b"}] }',
  );
});

t.test('members it lacks are added after the last one; an empty object takes them', async (t) => {
  t.equal(
    withMembers(
      '{"model":"a","stream":true}\n',
      edits([
        ['model', 'b'],
        ['stream_options', { include_usage: true }],
      ]),
    ),
    '{"model":"b","stream":true,"stream_options":{"include_usage":true}}\n',
  );
  t.equal(
    withMembers(
      ' { } ',
      edits([
        ['model', 'b'],
        ['n', 1],
      ]),
    ),
    ' {"model":"b","n":1 } ',
  );
});

t.test('a repeated name is replaced wherever it is (JSON.parse keeps the last); an escaped name is the same name', async (t) => {
  t.equal(withMembers('{"model":"a","model":"b"}', edits([['model', 'c']])), '{"model":"c","model":"c"}');
  t.equal(withMembers('{"mo\\u0064el":"a"}', edits([['model', 'c']])), '{"mo\\u0064el":"c"}');
});

t.test('nested values of every kind are skipped whole, brackets inside strings included', async (t) => {
  const source = '{"a":[1,{"b":"]}\\\\"},[true,null]],"c":{"d":"}"},"e":-1.5e3,"f":false,"model":"m"}';
  t.equal(withMembers(source, edits([['model', 'n']])), source.replace('"model":"m"', '"model":"n"'));
  t.same(JSON.parse(withMembers(source, edits([['model', 'n']])) ?? ''), { ...(JSON.parse(source) as object), model: 'n' });
});

t.test('what is not an object is refused', async (t) => {
  t.equal(withMembers('[1]', edits([['model', 'a']])), null);
  t.equal(withMembers('"x"', edits([['model', 'a']])), null);
});

t.test('members left out: first, middle, last, repeated, escaped, all; the rest byte for byte', async (t) => {
  const source = '{ "a" : 1E400 ,\n  "b": {"a": 1}, "c": [1.0, -0],  "a": 2 }\n';
  const without = (...names: string[]) => withoutMembers(source, new Set(names));
  t.equal(without(), source);
  t.equal(without('a'), '{ "b": {"a": 1}, "c": [1.0, -0] }\n', 'every occurrence; a nested member of that name stays');
  t.equal(without('b'), '{ "a" : 1E400 ,\n  "c": [1.0, -0],  "a": 2 }\n');
  t.equal(without('c', 'a'), '{ "b": {"a": 1} }\n');
  t.equal(without('a', 'b', 'c'), '{  }\n');
  t.equal(without('zz'), source, 'a name it lacks changes nothing');
  t.equal(withoutMembers('{"mo\\u0064el":"x","n":1}', new Set(['model'])), '{"n":1}', 'an escaped name is the same name');
  t.equal(withoutMembers('{}', new Set(['a'])), '{}');
  t.equal(withoutMembers('[1]', new Set(['a'])), null, 'not an object');
  for (const names of [[], ['a'], ['b'], ['c'], ['a', 'c'], ['a', 'b', 'c']]) {
    const text = withoutMembers(source, new Set(names));
    const expected = Object.fromEntries(Object.entries(JSON.parse(source) as Record<string, unknown>).filter(([name]) => !names.includes(name)));
    t.strictSame(JSON.parse(text ?? 'null'), expected, `valid JSON, the same object less ${names.join(', ') || 'nothing'}`);
  }
});

t.test('textAt: the value at a path of members and indices, as written; the last of a repeated name; null when absent', async (t) => {
  const source = ' { "a" : [ 1 , {"b": 12345678901234567890 , "c":"x,]"} , [] ], "a": [ "first", { "b" : {"deep" : [ true ] } } ] } ';
  t.equal(textAt(source, ['a', 1, 'b']), '{"deep" : [ true ] }', 'the last "a", as JSON.parse keeps');
  t.equal(textAt(source, ['a', 1, 'b', 'deep', 0]), 'true');
  t.equal(textAt(source, ['a', 0]), '"first"');
  t.equal(textAt(source, []), source.trim());
  t.equal(textAt(source, ['a', 2]), null);
  t.equal(textAt(source, ['b']), null);
  t.equal(textAt(source, ['a', 'b']), null, 'a member asked of an array');
  t.equal(textAt(source, ['a', 0, 'x']), null, 'a member asked of a string');
  t.equal(textAt('{"a":[1,{"b":12345678901234567890}]}', ['a', 1, 'b']), '12345678901234567890');
});
