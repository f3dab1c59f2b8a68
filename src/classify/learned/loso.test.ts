// Leave-one-source-out folds: which items each fold trains on and tests on, and the pooled
// predictions the harness collects with any trainer (a stand-in here, so the test needs no model).
import t from 'tap';
import type { Complexity } from '../classification.js';
import type { LearnedClassifierModel, TrainingExample } from './contract.js';
import { losoFolds, parseCorpus, runLoso, type CorpusEntry } from './loso.js';

const line = (id: string, source: string, label: Complexity, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id,
    messages: [{ role: 'user', content: `text of ${id}` }],
    label,
    source: `owner/repo:file@000000000000`,
    source_name: source,
    source_category: 'cat',
    language: 'en',
    license: 'MIT',
    ...extra,
  });

const CORPUS = [
  line('a1', 'alpha', 'simple'),
  line('a2', 'alpha', 'complex'),
  line('b1', 'beta', 'moderate'),
  // A conversation built from beta's last turn around alpha's text: never trained on when alpha is held out.
  line('b2', 'beta', 'simple', {
    rule: 'thread-thanks',
    context_sources: ['alpha'],
    messages: [
      { role: 'user', content: 'alpha text' },
      { role: 'assistant', content: 'answer' },
      { role: 'user', content: 'thanks' },
    ],
  }),
  line('c1', 'gamma', 'complex', { language: 'de', context_sources: ['gamma'] }),
  line('c2', 'gamma', 'moderate', { tools: [{ type: 'function' }] }),
].join('\n');

const ids = (items: readonly CorpusEntry[]) => items.map((item) => item.id);

t.test('parseCorpus: groups, language, turns; bookkeeping fields kept out of the body', async (t) => {
  const { items, errors } = parseCorpus(`${CORPUS}\n`);
  t.strictSame(errors, []);
  t.strictSame(ids(items), ['a1', 'a2', 'b1', 'b2', 'c1', 'c2']);
  const b2 = items[3];
  t.equal(b2?.sourceName, 'beta');
  t.strictSame(b2?.contextSources, ['alpha']);
  t.equal(b2?.multiTurn, true);
  t.equal(items[0]?.multiTurn, false);
  t.equal(items[4]?.language, 'de');
  t.strictSame(Object.keys(items[0]?.body ?? {}), ['messages'], 'only the request reaches the classifier');
  t.strictSame(Object.keys(items[5]?.body ?? {}).sort(), ['messages', 'tools'], 'request fields stay');
});

t.test('parseCorpus: a line without source_name or with a bad label is an error with its line number', async (t) => {
  const { errors } = parseCorpus(
    [line('x', 'alpha', 'simple'), '{"messages":[{"role":"user","content":"hi"}],"label":"simple"}', line('y', 'alpha', 'easy' as Complexity)].join('\n'),
  );
  t.strictSame(errors, ['line 2: "source_name" must be a non-empty string', 'line 3: "label" must be one of simple, moderate, complex, got "easy"']);
});

t.test('losoFolds: each source held out; its items and the items with it in context_sources never trained on', async (t) => {
  const { items } = parseCorpus(CORPUS);
  const folds = losoFolds(items);
  t.strictSame(
    folds.map((fold) => ({ heldOut: fold.heldOut, train: ids(fold.train), test: ids(fold.test) })),
    [
      { heldOut: 'alpha', train: ['b1', 'c1', 'c2'], test: ['a1', 'a2'] },
      { heldOut: 'beta', train: ['a1', 'a2', 'c1', 'c2'], test: ['b1', 'b2'] },
      { heldOut: 'gamma', train: ['a1', 'a2', 'b1', 'b2'], test: ['c1', 'c2'] },
    ],
  );
  t.strictSame(
    losoFolds(items, new Set(['gamma'])).map((fold) => fold.heldOut),
    ['gamma'],
    'only the sources asked for',
  );
});

t.test('runLoso: every item predicted once, by a model that did not train on it', async (t) => {
  const { items } = parseCorpus(CORPUS);
  const trainedOn: string[][] = [];
  // A stand-in trainer: remembers the texts it saw; its model says complex for those, simple otherwise.
  const train = (examples: readonly TrainingExample[]): LearnedClassifierModel => {
    const seen = new Set(examples.map((example) => JSON.stringify(example.body)));
    trainedOn.push(examples.map((example) => JSON.stringify(example.body)));
    return {
      version: 'stand-in',
      predict: (body) => ({ probabilities: seen.has(JSON.stringify(body)) ? [0, 0, 1] : [1, 0, 0], evidence: [] }),
    };
  };
  const folds: string[] = [];
  const predictions = runLoso(losoFolds(items), train, (fold) => folds.push(fold.heldOut));
  t.strictSame(folds, ['alpha', 'beta', 'gamma']);
  t.equal(trainedOn.length, 3);
  t.strictSame(
    predictions.map((p) => [p.item.id, p.probabilities]),
    ids(items).map((id) => [id, [1, 0, 0]]),
    'in corpus order, each from a model that never saw it',
  );
});
