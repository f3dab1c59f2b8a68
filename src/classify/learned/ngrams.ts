// Tokenisation and n-gram hashing of the turns the learned classifier reads: character 3–5-grams,
// word unigrams and bigrams and the first and last tokens of the last user turn (with the shapes the
// same loop counts), and word unigrams of the other turns. The loops hash UTF-16 code units as they
// go and write bucket numbers into a reusable buffer: no string per n-gram, no regex.
import { DENSE_INDEX as D } from './dense-features.js';
import type { FeatureBuffer } from './feature-buffer.js';
import { CHARS_GROUP, HASHED_GROUPS, POSITION_GROUP, WORDS_GROUP } from './feature-layout.js';
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

const SPACE = 32;
const WORD_CHAR = 1;
const SINGLE = 2;

/** Digits fold to 0 (numbers are alike whatever their value) and every space to one space. */
function fold(code: number): number {
  if (code >= 48 && code <= 57) return 48;
  if (code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x3000 || (code >= 0x2000 && code <= 0x200b)) return SPACE;
  return code;
}

/**
 * Letters and digits continue a word; ideographs, kana, Thai-family scripts (written without
 * spaces) and punctuation are tokens of one character; spaces end a word.
 */
function kindOf(code: number): number {
  if (code === SPACE) return SPACE;
  if (code < 0x80) return (code >= 97 && code <= 122) || code === 48 || code === 95 || (code >= 65 && code <= 90) ? WORD_CHAR : SINGLE;
  if (code < 0xc0 || code === 0xd7 || code === 0xf7) return SINGLE;
  if (
    (code >= 0x0e00 && code <= 0x0eff) || // Thai, Lao
    (code >= 0x1000 && code <= 0x109f) || // Myanmar
    (code >= 0x1780 && code <= 0x17ff) || // Khmer
    (code >= 0x2000 && code <= 0x2bff) || // punctuation, arrows, maths, symbols
    (code >= 0x3000 && code <= 0x30ff) || // CJK punctuation, kana
    (code >= 0x3400 && code <= 0x9fff) || // ideographs
    (code >= 0xd800 && code <= 0xdfff) || // surrogates (emoji and rare ideographs)
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xff00 && code <= 0xffef)
  )
    return SINGLE;
  return WORD_CHAR;
}

/** Character 3–5-grams, word unigrams and bigrams, first and last tokens, and shape counts of the last user turn. */
export function scanLast(text: string, mask: number, out: FeatureBuffer): void {
  out.visited += text.length;
  // Rows are written straight into the buffer and the groups' counts added once at the end (the
  // same rows, in the same order, as out.push would write): a call per n-gram was most of the loop.
  const { rows, groups } = out;
  let n = out.length;
  let charRows = 0;
  let wordRows = 0;
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
    const c = fold(raw);
    if (c === SPACE) {
      if (raw === 10) lines++;
      if (x1 === SPACE) continue;
    }
    // The n-grams ending at c, hashed from c backwards: one step per character for all three.
    let h = fnvStep(CHAR_SEED, c);
    h = fnvStep(fnvStep(h, x1), x2);
    rows[n] = bucket(h, mask);
    groups[n++] = CHARS_GROUP;
    h = fnvStep(h, x3);
    rows[n] = bucket(h, mask);
    groups[n++] = CHARS_GROUP;
    h = fnvStep(h, x4);
    rows[n] = bucket(h, mask);
    groups[n++] = CHARS_GROUP;
    charRows += 3;
    if (c === 48 && x1 !== 48) numbers++;
    x4 = x3;
    x3 = x2;
    x2 = x1;
    x1 = c;
    const kind = kindOf(c);
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
      rows[n] = bucket(combine(UNIGRAM, token), mask);
      groups[n++] = WORDS_GROUP;
      rows[n] = bucket(combine(combine(BIGRAM, previous), token), mask);
      groups[n++] = WORDS_GROUP;
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
    const c = i < text.length ? fold(text.charCodeAt(i)) : SPACE;
    const kind = kindOf(c);
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
