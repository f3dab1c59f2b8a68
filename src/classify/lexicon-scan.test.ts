// The one-pass lexicon scan must count exactly what the word lists' global regexes count: compared
// list by list on every labelled text (corpus, held-out set, dev set) and on random texts built from
// the lists' own words, boundaries, digits and CJK.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { countMatches, distinctMatches, type Lexicon } from './lexicon.js';
import { literalPrefixes, mandatoryChar } from './lexicon-prefixes.js';
import { LexiconScan, type Tally } from './lexicon-scan.js';
import * as prose from './words-prose.js';
import * as tech from './words-technical.js';

const LISTS: readonly [string, Lexicon][] = [...Object.entries(prose), ...Object.entries(tech)].filter((entry): entry is [string, Lexicon] => {
  const value: unknown = entry[1];
  return typeof value === 'object' && value !== null && 'sticky' in value;
});

const FILES = ['../../data/complexity/corpus.jsonl', '../../data/complexity/heldout.jsonl', '../../test/fixtures/complexity/complexity-dev.jsonl'].map((path) =>
  fileURLToPath(new URL(path, import.meta.url)),
);

/** Every string in the labelled files' JSON lines, lower-cased as the signals read them. */
function labelledTexts(): string[] {
  const texts: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') texts.push(value.toLowerCase());
    else if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(collect);
  };
  for (const file of FILES) if (existsSync(file)) for (const line of readFileSync(file, 'utf8').split('\n')) if (line.trim() !== '') collect(JSON.parse(line));
  return texts;
}

/** Seeded texts from pieces that sit on the lists' edges: their words, inflections, joiners, digits, CJK. */
function randomTexts(count: number): string[] {
  let seed = 13;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pieces = [
    'explain',
    'explaining',
    'how can',
    'how does the tide work',
    "don't",
    'dont',
    'a ',
    'the ',
    'write a short poem',
    'write ',
    'code ',
    'c++',
    'c#',
    'o(n log n)',
    'node.js',
    'nodejs',
    '3000 words',
    '12,000 words',
    'at least 5 paragraphs',
    'over 12 pages',
    '3000字',
    '1234字',
    'step-by-step',
    'step by step',
    'if it rains then',
    'debugging',
    'refactor',
    'prove',
    'show that',
    'how many',
    "what's the total",
    'sixty',
    'six',
    'x',
    '_',
    '0',
    '7',
    ' ',
    ' ',
    ' ',
    '\n',
    '. ',
    ', ',
    '?',
    '!',
    ':',
    "'",
    '-',
    'é',
    'ß',
    'привет',
    'объясни',
    '解释',
    '为什么',
    '写一首',
    '求',
    'いくつ',
    'ステップ',
    'thanks',
    'hi',
    'ok',
    'k',
    'good morning',
    'pros and cons',
    'disadvantages',
    'advantages',
    'following text',
    'the following passage:',
    'context:',
    'extracting',
    'classify',
    'in great detail',
    'thoroughly',
    'must',
    'without',
    'rhyming',
    'first-person',
    'implementation',
    'implement',
    'function',
    'python',
    'postgresql',
    'equations',
    'matrices',
    'probability',
    'divided by',
    'a tale',
    'an essay',
  ];
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    const n = 1 + Math.floor(next() * 24);
    for (let j = 0; j < n; j++) text += pieces[Math.floor(next() * pieces.length)] ?? '';
    texts.push(text);
  }
  return texts;
}

t.test('prefixes: literal starts of each entry, shorter where the entry stops being literal', async (t) => {
  t.strictSame(literalPrefixes('explain[a-z]*'), ['explain']);
  t.strictSame(literalPrefixes('(?:dis)?advantages'), ['advantages', 'disadvantages']);
  t.strictSame(literalPrefixes("don'?t"), ['dont', "don't"]);
  t.strictSame(literalPrefixes('o\\([^)]{1,12}\\)'), ['o(']);
  t.strictSame(literalPrefixes('step[- ]by'), ['step-by', 'step by']);
  const twoDigits = Array.from({ length: 70 }, (_, i) => String(30 + i));
  t.strictSame(literalPrefixes('[3-9]\\d{2,3}字'), twoDigits);
  t.equal(mandatoryChar('[3-9]\\d{2,3}字'), '字');
  t.equal(mandatoryChar('(?:写)?一首'), '一');
  t.equal(mandatoryChar('a|字'), null);
  t.strictSame(literalPrefixes('^(?:an?|the) (?:\\S+ ){0,3}poem'), ['a ', 'an ', 'the ']);
  t.strictSame(literalPrefixes('write|writ\\S+|w.'), ['w']);
  t.strictSame(literalPrefixes('\\S+ing'), ['']);
});

t.test('the scan counts what each list regex counts, on every labelled text and on random ones', async (t) => {
  const texts = [...labelledTexts(), ...randomTexts(20000)];
  t.ok(texts.length > 20000);
  const tallies: readonly [Tally, number][] = [
    ['count', 1],
    ['count', 6],
    ['distinct', 3],
    ['distinct', 50],
  ];
  for (const [tally, cap] of tallies) {
    const scan = new LexiconScan(LISTS.map(([, list]) => [list, tally, cap] as const));
    const mismatches: string[] = [];
    for (const text of texts) {
      const got = scan.run(text);
      LISTS.forEach(([name, list], i) => {
        const want = tally === 'count' ? countMatches(list.regex, text, cap) : distinctMatches(list.regex, text, cap);
        if (got[i] !== want && mismatches.length < 5) mismatches.push(`${name} ${tally} ${cap}: scan ${got[i]}, regex ${want} on ${JSON.stringify(text.slice(0, 200))}`);
      });
    }
    t.strictSame(mismatches, [], `${tally} up to ${cap}: ${texts.length} texts × ${LISTS.length} lists`);
  }
});
