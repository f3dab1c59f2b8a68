// Top-level members replaced in the client's own text: everything else keeps its bytes.
import t from 'tap';
import { withMembers } from './json-members.js';

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
