// A gate may only say "no" where its regex finds nothing: checked on every string of the labelled
// files (corpus, held-out set, dev set) and on seeded texts built from the pieces the regexes look for.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { countMatches, matches } from './lexicon.js';
import { mayHoldCodeToken, mayHoldTrace } from './regex-gates.js';
import { CODE_TOKEN, STACK_TRACE } from './shapes.js';

const FILES = ['../../data/complexity/corpus.jsonl', '../../data/complexity/heldout.jsonl', '../../test/fixtures/complexity/complexity-dev.jsonl'].map((path) =>
  fileURLToPath(new URL(path, import.meta.url)),
);

function labelledTexts(): string[] {
  const texts: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') texts.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(collect);
  };
  for (const file of FILES) if (existsSync(file)) for (const line of readFileSync(file, 'utf8').split('\n')) if (line.trim() !== '') collect(JSON.parse(line));
  return texts;
}

function generatedTexts(count: number): string[] {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pieces = [
    'fooBar',
    'aB',
    'AB',
    'ab',
    'foo_bar',
    '_',
    'a_',
    '`',
    '`x`',
    'obj.method(',
    'main.py',
    'a.b',
    '.x',
    '. x',
    '3.14',
    'e.g.',
    'x.',
    '.',
    'Traceback (most recent call last)',
    'traceback',
    '  at foo (file.js:1:2)',
    '\n    at Object.<anonymous> (a.js:3)',
    'TypeError: ',
    'valueerror: ',
    'panicked at',
    'segmentation fault',
    'npm ERR!',
    'error[E0382]',
    'error',
    ':',
    '(',
    '!',
    '[',
    'İ',
    'É',
    'é',
    'ß',
    ' ',
    ' ',
    '\n',
    'x',
    'X',
    '9',
  ];
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(next() * 8) }, () => pieces[Math.floor(next() * pieces.length)]).join(''));
}

const texts = [...labelledTexts(), ...generatedTexts(20_000)];

t.test('mayHoldTrace is false only where STACK_TRACE finds nothing in the lower-cased text', async (t) => {
  let missed = 0;
  let closed = 0;
  for (const text of texts) {
    const lower = text.toLowerCase();
    if (mayHoldTrace(lower)) continue;
    closed++;
    if (matches(STACK_TRACE, lower)) missed++;
  }
  t.equal(missed, 0);
  t.ok(closed > 0, `the gate closed on ${closed} of ${texts.length} texts`);
  t.ok(mayHoldTrace('thread main panicked at src/lib.rs'));
  t.notOk(mayHoldTrace('what is the capital of france?'));
});

t.test('mayHoldCodeToken is false only where CODE_TOKEN finds nothing', async (t) => {
  let missed = 0;
  let closed = 0;
  for (const text of texts) {
    if (mayHoldCodeToken(text)) continue;
    closed++;
    if (countMatches(CODE_TOKEN, text, 1) > 0) missed++;
  }
  t.equal(missed, 0);
  t.ok(closed > 0, `the gate closed on ${closed} of ${texts.length} texts`);
  for (const code of ['call fooBar', 'a foo_bar b', 'see main.py', 'obj.method()', 'use `x`']) t.ok(mayHoldCodeToken(code), code);
  t.notOk(mayHoldCodeToken('What Is The Capital Of France? Paris.'));
});
