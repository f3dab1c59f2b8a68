import t from 'tap';
import { parseLabelledSet } from './labelled-set.js';

t.test('valid lines become items; blank lines are skipped; bookkeeping fields are hidden from the classifier', async (t) => {
  const text = [
    '{"id":"a","messages":[{"role":"user","content":"hi"}],"label":"simple","source":"x","source_category":"y"}',
    '',
    '{"messages":[{"role":"user","content":"write code"}],"label":"complex","max_tokens":5}',
  ].join('\n');
  const set = parseLabelledSet(text);
  t.same(set.errors, []);
  t.equal(set.items.length, 2);
  t.match(set.items[0], { line: 1, id: 'a', label: 'simple' });
  t.same(set.items[0]?.body, { messages: [{ role: 'user', content: 'hi' }] });
  t.match(set.items[1], { line: 3, id: undefined, label: 'complex', body: { max_tokens: 5 } });
});

t.test('bad lines are reported with their line numbers', async (t) => {
  const text = ['{"messages":[],"label":"simple"}', '{not json', '[1,2]', '{"label":"simple"}', '{"messages":[],"label":"hard"}', '{"messages":"hi","label":"simple"}'].join('\n');
  const { items, errors } = parseLabelledSet(text);
  t.equal(items.length, 1);
  t.equal(errors.length, 5);
  t.match(errors[0], /^line 2: not valid JSON/);
  t.equal(errors[1], 'line 3: expected a JSON object');
  t.equal(errors[2], 'line 4: "messages" must be an array, got nothing');
  t.equal(errors[3], 'line 5: "label" must be one of simple, moderate, complex, got "hard"');
  t.equal(errors[4], 'line 6: "messages" must be an array, got "hi"');
});
