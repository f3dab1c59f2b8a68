import t from 'tap';
import { DENSE_NAMES } from './dense-features.js';
import { FEATURE_WINDOW, FeatureBuffer } from './feature-buffer.js';
import { defaultFeatureSpec, HASHED_GROUPS } from './feature-layout.js';
import { extractFeatures } from './features.js';

const spec = defaultFeatureSpec();
const user = (content: unknown) => ({ messages: [{ role: 'user', content }] });
const extract = (body: Readonly<Record<string, unknown>>) => {
  const buffer = new FeatureBuffer();
  extractFeatures(body, spec, buffer);
  return buffer;
};
const count = (buffer: FeatureBuffer, group: (typeof HASHED_GROUPS)[number]) => buffer.counts[HASHED_GROUPS.indexOf(group)];
const dense = (buffer: FeatureBuffer, name: string) => buffer.dense[DENSE_NAMES.indexOf(name)];
const rowsOf = (buffer: FeatureBuffer) => new Set(buffer.rows.slice(0, buffer.length));

/** The most the n-gram loops may read: the last turn's head, gap and tail (a newline more on each side when it comes in parts), and the per-turn context slices. */
const LAST_BOUND = FEATURE_WINDOW.headChars + FEATURE_WINDOW.tailChars + 5 + 2;
const CONTEXT_BOUND = FEATURE_WINDOW.contextChars + 2 * FEATURE_WINDOW.contextMessages * 8;

t.test('a 4 MB prompt is read through the window: the extractor visits a bounded number of characters', async (t) => {
  const huge = 'The quick brown fox 12 + 30 = 42. '.repeat(125_000);
  t.ok(huge.length > 4_000_000);
  const buffer = extract(user(huge));
  t.ok(buffer.visited > 0);
  t.ok(buffer.visited <= LAST_BOUND, `visited ${buffer.visited} ≤ ${LAST_BOUND}`);
  const parts = extract(user(Array.from({ length: 4096 }, () => ({ type: 'text', text: huge.slice(0, 1024) }))));
  t.ok(parts.visited <= LAST_BOUND, `4096 content parts: visited ${parts.visited}`);
  const thread = extract({
    system: 'x',
    messages: Array.from({ length: 2000 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: huge.slice(0, 2500) })),
  });
  t.ok(thread.visited <= LAST_BOUND + CONTEXT_BOUND, `2000-turn thread: visited ${thread.visited} ≤ ${LAST_BOUND + CONTEXT_BOUND}`);
  t.equal(dense(extract(user(huge)), 'chars>=4096'), 1, 'its true length still counts');
});

t.test('text without spaces (Chinese, Japanese, Thai) yields character n-grams and one-character words', async (t) => {
  for (const text of ['请解释一下光合作用的过程', '東京から大阪までの距離は', 'ช่วยอธิบายการสังเคราะห์แสง']) {
    const buffer = extract(user(text));
    t.equal(count(buffer, 'chars'), 3 * (text.length + 1), `${text}: three n-grams per character and the end of the text`);
    t.ok((count(buffer, 'words') ?? 0) >= text.length, `${text}: a unigram and a bigram per character or more`);
    t.ok((dense(buffer, 'shape.wideScript') ?? 0) > 0.5);
  }
  const a = rowsOf(extract(user('请解释一下光合作用的过程')));
  const b = rowsOf(extract(user('今天天气怎么样')));
  t.ok([...a].filter((row) => b.has(row)).length < a.size / 2, 'different Chinese sentences hash to mostly different rows');
});

t.test('case, digits and runs of spaces are folded; words are split on punctuation', async (t) => {
  t.strictSame(rowsOf(extract(user('What is 12 + 30?'))), rowsOf(extract(user('what   IS 99 + 70?'))));
  t.notSame(rowsOf(extract(user('what is 12 + 30?'))), rowsOf(extract(user('what was 12 + 30?'))));
});

t.test('the conversation around the last turn goes to the context namespace, after the text buckets', async (t) => {
  const buffer = extract({
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Write a parser in Rust' },
      { role: 'assistant', content: '```rust\nfn main() {}\n```' },
      { role: 'user', content: 'thanks!' },
    ],
  });
  t.equal(count(buffer, 'context'), 5);
  t.ok((count(buffer, 'replies') ?? 0) > 0);
  t.equal(count(buffer, 'system'), 6);
  for (let i = 0; i < buffer.length; i++) {
    const contextual = (buffer.groups[i] ?? 0) >= HASHED_GROUPS.indexOf('context');
    const row = buffer.rows[i] ?? -1;
    if (contextual) t.ok(row >= 1 << spec.textBits && row < (1 << spec.textBits) + (1 << spec.contextBits));
    else t.ok(row >= 0 && row < 1 << spec.textBits);
  }
  t.equal(dense(buffer, 'userTurns=2'), 1);
  t.equal(dense(buffer, 'repliesCode'), 1);
  t.equal(dense(buffer, 'system'), 1);
  t.equal(dense(buffer, 'contextChars<512'), 1);
});

t.test('request fields become dense features', async (t) => {
  const plain = extract(user('hello'));
  t.equal(dense(plain, 'maxTokens=none'), 1);
  t.equal(dense(plain, 'tools'), 0);
  t.equal(dense(plain, 'bias'), 1);
  const rich = extract({
    ...user('hello'),
    tools: [{ type: 'function', function: { name: 'f' } }],
    response_format: { type: 'json_schema', json_schema: {} },
    max_tokens: 32,
  });
  t.equal(dense(rich, 'tools'), 1);
  t.equal(dense(rich, 'jsonSchema'), 1);
  t.equal(dense(rich, 'maxTokens<=64'), 1);
  t.equal(dense(rich, 'maxTokens=none'), 0);
  t.equal(dense(extract({ ...user('hello'), max_completion_tokens: 10_000 }), 'maxTokens>4096'), 1);
  t.equal(dense(extract({ ...user('hello'), tools: [{}], tool_choice: 'none' }), 'tools'), 0);
});

t.test('the shapes are always read; the heuristic signals only when the spec asks for them', async (t) => {
  const code = extract(user('```python\nprint(1)\n```\nwhy does this fail?'));
  t.equal(dense(code, 'shape.fenceOrTrace'), 1);
  t.ok((dense(code, 'shape.backticks') ?? 0) > 0);
  t.equal(dense(code, 'code'), 0, 'signals are off by default');
  t.equal(dense(extract(user('Solve $x^2 = 4$ for x')), 'shape.latex'), 1);
  const withSignals = new FeatureBuffer();
  extractFeatures(user('```python\nprint(1)\n```'), defaultFeatureSpec({ signals: true }), withSignals);
  t.equal(dense(withSignals, 'code'), 1);
});

t.test('a passage followed by a short last line (a question about a given text) is a shape of its own', async (t) => {
  const passage = 'Die Normannen drangen bald nach Italien auch in das Byzantinische Reich und nach Armenien vor. '.repeat(6);
  const asked = extract(user(`${passage}\n\nWer war der wichtigste Gegner der Normannen?\n`));
  t.equal(dense(asked, 'shape.passageThenLine'), 1);
  t.equal(dense(asked, 'shape.passageThenQuestion'), 1, 'trailing spaces and newlines are not the last line');
  t.equal(dense(asked, 'shape.lineThenPassage'), 0, 'its first line is the long passage');
  const greek = extract(user(`${passage}\nΠοιος ήταν ο κύριος εχθρός;`));
  t.equal(dense(greek, 'shape.passageThenQuestion'), 1, "Greek's question mark is a semicolon");
  const told = extract(user(`${passage}\nSummarise it.`));
  t.strictSame([dense(told, 'shape.passageThenLine'), dense(told, 'shape.passageThenQuestion')], [1, 0]);
  const instructed = extract(user(`Summarise the text below.\n${passage}\nIn one line.`));
  t.strictSame([dense(instructed, 'shape.lineThenPassage'), dense(instructed, 'shape.passageThenLine')], [1, 1]);
  const noBreak = extract(user(`${passage}Who?`));
  t.strictSame([dense(noBreak, 'shape.passageThenLine'), dense(noBreak, 'shape.lineThenPassage')], [0, 0], 'one paragraph: no passage before a line');
  const shortText = extract(user('Some context.\nWho?'));
  t.equal(dense(shortText, 'shape.passageThenLine'), 0, 'under 400 characters before the last line');
  const longTail = extract(user(`${passage}\n${passage}`));
  t.equal(dense(longTail, 'shape.passageThenLine'), 0, 'a last line of 300 characters or more');
});

t.test('an empty or odd body yields only the request features', async (t) => {
  for (const body of [{}, { messages: [] }, { messages: 'x' }, { messages: [{ role: 'user', content: '' }] }, { prompt: 42 }]) {
    const buffer = extract(body);
    t.equal(buffer.length, 0);
    t.equal(dense(buffer, 'bias'), 1);
    t.equal(dense(buffer, 'chars<16'), 1);
  }
  t.ok(extract({ prompt: 'Complete this sentence' }).length > 0, 'the completions prompt is the last turn');
});
