// Tokenisation and n-gram hashing of the turns the learned classifier reads: character 3–5-grams,
// word unigrams and bigrams and the first and last tokens of the last user turn (with the shapes the
// same loop counts), and word unigrams of the other turns. The loops hash UTF-16 code units as they
// go and write bucket numbers into a reusable buffer (or, for a prediction, add the last turn's
// rows' weights as they find them): no string per n-gram, no regex.
import { DENSE_INDEX as D } from './dense-features.js';
import type { FeatureBuffer } from './feature-buffer.js';
import { CHARS_GROUP, HASHED_GROUPS, POSITION_GROUP, WORDS_GROUP } from './feature-layout.js';
import { FOLDED, KIND_OF_FOLDED, SINGLE, SPACE, WORD_CHAR } from './code-units.js';
import { bucket, combine, fnvStep, salt } from './hashing.js';

const CHAR_SEED = salt('chars');
const WORD_SEED = salt('word');
const UNIGRAM = salt('unigram');
const BIGRAM = salt('bigram');
const FIRST = salt('first');
const FIRST_TWO = salt('first-two');
const LAST = salt('last');
const START = salt('start');
const GROUP_SALTS = HASHED_GROUPS.map((name) => salt(name));

/** Character 3–5-grams, word unigrams and bigrams, first and last tokens, and shape counts of the last user turn. */
export function scanLast(text: string, mask: number, out: FeatureBuffer): void {
  out.visited += text.length;
  // Rows are written straight into the buffer and the groups' counts added once at the end (the
  // same rows, in the same order, as out.push would write): a call per n-gram was most of the loop.
  // When the buffer carries the weights (prediction), the two largest groups' row weights are summed
  // here instead, in locals and in row order, and their rows are not stored.
  const { rows, groups, table } = out;
  let n = out.length;
  let charRows = 0;
  let wordRows = 0;
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let w0 = 0;
  let w1 = 0;
  let w2 = 0;
  let x1 = SPACE;
  let x2 = SPACE;
  let x3 = SPACE;
  let x4 = SPACE;
  let word = WORD_SEED;
  let inWord = false;
  let previous = START;
  let first = 0;
  let second = 0;
  let last = 0;
  let tokens = 0;
  let lines = 0;
  let numbers = 0;
  let questionMarks = 0;
  let codePunctuation = 0;
  let backticks = 0;
  let mathMarks = 0;
  let wide = 0;
  let letters = 0;
  for (let i = 0; i <= text.length; i++) {
    const raw = i < text.length ? text.charCodeAt(i) : SPACE;
    const c = FOLDED[raw]!;
    if (c === SPACE) {
      if (raw === 10) lines++;
      if (x1 === SPACE) continue;
    }
    // The n-grams ending at c, hashed from c backwards: one step per character for all three.
    let h = fnvStep(CHAR_SEED, c);
    h = fnvStep(fnvStep(h, x1), x2);
    const r3 = bucket(h, mask);
    h = fnvStep(h, x3);
    const r4 = bucket(h, mask);
    h = fnvStep(h, x4);
    const r5 = bucket(h, mask);
    if (table === null) {
      rows[n] = r3;
      rows[n + 1] = r4;
      rows[n + 2] = r5;
      groups[n] = CHARS_GROUP;
      groups[n + 1] = CHARS_GROUP;
      groups[n + 2] = CHARS_GROUP;
      n += 3;
    } else {
      c0 += table[r3 * 3]!;
      c1 += table[r3 * 3 + 1]!;
      c2 += table[r3 * 3 + 2]!;
      c0 += table[r4 * 3]!;
      c1 += table[r4 * 3 + 1]!;
      c2 += table[r4 * 3 + 2]!;
      c0 += table[r5 * 3]!;
      c1 += table[r5 * 3 + 1]!;
      c2 += table[r5 * 3 + 2]!;
    }
    charRows += 3;
    if (c === 48 && x1 !== 48) numbers++;
    x4 = x3;
    x3 = x2;
    x2 = x1;
    x1 = c;
    const kind = KIND_OF_FOLDED[raw]!;
    if (kind === WORD_CHAR) {
      word = fnvStep(word, c);
      inWord = true;
      letters++;
      continue;
    }
    let token = 0;
    let tokenCount = 0;
    if (inWord) {
      token = word;
      tokenCount = 1;
    }
    word = WORD_SEED;
    inWord = false;
    if (kind === SINGLE) {
      if (c === 63 || c === 0xff1f) questionMarks++;
      else if (c === 96) backticks++;
      else if (c === 123 || c === 125 || c === 59 || c === 40 || c === 41 || c === 91 || c === 93 || c === 61 || c === 60 || c === 62) codePunctuation++;
      else if (c === 36 || c === 92 || c === 94 || (c >= 0x2200 && c <= 0x22ff) || c === 0xb2 || c === 0xd7 || c === 0xf7) mathMarks++;
      else if (c >= 0x0e00) {
        wide++;
        letters++;
      }
      if (c === 61) mathMarks++;
    }
    // Up to two tokens end here: the word before c, and c itself when it stands alone.
    for (let k = 0; k < 2; k++) {
      if (k === 1) {
        if (kind !== SINGLE) break;
        token = fnvStep(WORD_SEED, c);
      } else if (tokenCount === 0) continue;
      const unigram = bucket(combine(UNIGRAM, token), mask);
      const bigram = bucket(combine(combine(BIGRAM, previous), token), mask);
      if (table === null) {
        rows[n] = unigram;
        rows[n + 1] = bigram;
        groups[n] = WORDS_GROUP;
        groups[n + 1] = WORDS_GROUP;
        n += 2;
      } else {
        w0 += table[unigram * 3]!;
        w1 += table[unigram * 3 + 1]!;
        w2 += table[unigram * 3 + 2]!;
        w0 += table[bigram * 3]!;
        w1 += table[bigram * 3 + 1]!;
        w2 += table[bigram * 3 + 2]!;
      }
      wordRows += 2;
      previous = token;
      if (tokens === 0) first = token;
      else if (tokens === 1) second = token;
      last = token;
      tokens++;
    }
  }
  out.length = n;
  out.counts[CHARS_GROUP] = (out.counts[CHARS_GROUP] ?? 0) + charRows;
  out.counts[WORDS_GROUP] = (out.counts[WORDS_GROUP] ?? 0) + wordRows;
  if (table !== null) out.addSums(CHARS_GROUP, c0, c1, c2).addSums(WORDS_GROUP, w0, w1, w2);
  if (tokens > 0) {
    out.push(bucket(combine(FIRST, first), mask), POSITION_GROUP);
    out.push(bucket(combine(FIRST_TWO, combine(first, second)), mask), POSITION_GROUP);
    out.push(bucket(combine(LAST, last), mask), POSITION_GROUP);
  }
  const dense = out.dense;
  dense[D['shape.lines']] = Math.min(1, Math.log2(1 + lines) / 5);
  dense[D['shape.numbers']] = Math.min(1, Math.log2(1 + numbers) / 5);
  dense[D['shape.questionMarks']] = Math.min(4, questionMarks) / 4;
  dense[D['shape.codePunctuation']] = Math.min(1, Math.log2(1 + codePunctuation) / 6);
  dense[D['shape.backticks']] = Math.min(6, backticks) / 6;
  dense[D['shape.mathMarks']] = Math.min(1, Math.log2(1 + mathMarks) / 4);
  dense[D['shape.wideScript']] = letters > 0 ? wide / letters : 0;
}

/** Word unigrams of another turn, in the context namespace (rows after the text buckets). */
export function scanWords(text: string, mask: number, offset: number, group: number, out: FeatureBuffer): void {
  out.visited += text.length;
  const groupSalt = GROUP_SALTS[group] ?? 0;
  // As in scanLast: rows written straight into the buffer, the group's count added at the end.
  const { rows, groups } = out;
  const start = out.length;
  let n = start;
  let word = WORD_SEED;
  let inWord = false;
  for (let i = 0; i <= text.length; i++) {
    const raw = i < text.length ? text.charCodeAt(i) : SPACE;
    const c = FOLDED[raw]!;
    const kind = KIND_OF_FOLDED[raw]!;
    if (kind === WORD_CHAR) {
      word = fnvStep(word, c);
      inWord = true;
      continue;
    }
    if (inWord) {
      rows[n] = offset + bucket(combine(groupSalt, word), mask);
      groups[n++] = group;
    }
    word = WORD_SEED;
    inWord = false;
    if (kind === SINGLE) {
      rows[n] = offset + bucket(combine(groupSalt, fnvStep(WORD_SEED, c)), mask);
      groups[n++] = group;
    }
  }
  out.length = n;
  out.counts[group] = (out.counts[group] ?? 0) + (n - start);
}
