// What the learned classifier reads from a request: hashed n-grams of the last user turn (character
// 3–5-grams and word unigrams and bigrams, so that languages without spaces are covered), hashed
// words of the conversation around it in a smaller namespace of their own, and dense features:
// shapes counted by the n-gram loop (lines, numbers, code punctuation, maths marks, fences, LaTeX),
// length buckets, the conversation's shape and the request's fields (tools, JSON schema,
// max_tokens). The heuristic's full signals are optional (spec.signals): they cost ~20 µs a request.
//
// Bounded like the heuristic: only the windows readTurns returns are read (head and tail of the last
// turn, slices of the recent turns), so a 4 MB prompt costs what an 8 KB one does. The n-gram loops
// hash UTF-16 code units as they go and write bucket numbers into a reusable buffer: no string per
// n-gram, no regex.
import { DEFAULT_HEURISTIC_SETTINGS } from '../settings.js';
import { extractSignals, structuralEvidence } from '../signals.js';
import { isRecord, readTurns, type WindowLimits } from '../text-window.js';
import { bucket, combine, fnvStep, salt } from './hashing.js';

/** How the features are laid out; stored with the weights, which are only valid for the same layout. */
export interface FeatureSpec {
  /** Names the extraction code below; a model made for another feature set is refused. */
  readonly featureSet: string;
  /** 2^textBits buckets for the last user turn's n-grams. */
  readonly textBits: number;
  /** 2^contextBits buckets for the words of the other turns and the system prompt. */
  readonly contextBits: number;
  /** Per hashed group (HASHED_GROUPS order): the group's vector is scaled to this L2-like norm. */
  readonly groupScales: readonly number[];
  /** Whether the heuristic's signals (signals.ts) are computed; without them their features stay 0. */
  readonly signals: boolean;
  /** Dense feature names in weight order (DENSE_FEATURES). */
  readonly dense: readonly string[];
}

export const FEATURE_SET = 'complexity-features-v1';

/** Hashed groups; each gets the value scale / sqrt(occurrences) per occurrence. */
export const HASHED_GROUPS = ['chars', 'words', 'position', 'context', 'replies', 'system'] as const;
const CHARS = 0;
const WORDS = 1;
const POSITION = 2;
const CONTEXT = 3;
const REPLIES = 4;
const SYSTEM = 5;
/** Groups 0–2 hash into the text namespace, 3–5 into the context namespace. */
export const FIRST_CONTEXT_GROUP = CONTEXT;

/** The evidence word each hashed group reports. */
export const HASHED_REASONS: readonly string[] = ['words', 'words', 'words', 'context', 'context', 'system'];

/**
 * Dense features and the evidence word each reports. Signals are scaled to 0..1 by their ranges
 * (signals.ts); `shape.*` are counted by the n-gram loop itself; buckets are one-hot. `bias` marks
 * the constant term and the buckets almost every request is in: never named as evidence.
 */
export const DENSE_FEATURES = [
  ['length', 'length'],
  ['sentences', 'sentences'],
  ['questions', 'questions'],
  ['explain', 'explain'],
  ['givenText', 'given-text'],
  ['lists', 'lists'],
  ['code', 'code'],
  ['math', 'math'],
  ['multiStep', 'multi-step'],
  ['constraints', 'constraints'],
  ['creative', 'creative'],
  ['longOutput', 'long-output'],
  ['shortChat', 'short-chat'],
  ['shape.lines', 'length'],
  ['shape.numbers', 'numbers'],
  ['shape.questionMarks', 'questions'],
  ['shape.codePunctuation', 'code'],
  ['shape.backticks', 'code'],
  ['shape.mathMarks', 'math'],
  ['shape.wideScript', 'words'],
  ['shape.fenceOrTrace', 'code'],
  ['shape.latex', 'math'],
  ['chars<16', 'short'],
  ['chars<32', 'short'],
  ['chars<64', 'short'],
  ['chars<128', 'length'],
  ['chars<256', 'length'],
  ['chars<512', 'length'],
  ['chars<1024', 'length'],
  ['chars<2048', 'length'],
  ['chars<4096', 'long-prompt'],
  ['chars>=4096', 'long-prompt'],
  ['userTurns=1', 'bias'],
  ['userTurns=2', 'context'],
  ['userTurns=3', 'context'],
  ['userTurns>=4', 'context'],
  ['contextCode', 'context'],
  ['contextMath', 'context'],
  ['contextMultiStep', 'context'],
  ['contextCreative', 'context'],
  ['contextLongOutput', 'context'],
  ['repliesCode', 'context'],
  ['repliesMath', 'context'],
  ['system', 'system'],
  ['systemCode', 'system'],
  ['systemMath', 'system'],
  ['contextChars=0', 'bias'],
  ['contextChars<512', 'context'],
  ['contextChars<2048', 'context'],
  ['contextChars<8192', 'context'],
  ['contextChars>=8192', 'long-context'],
  ['tools', 'tools'],
  ['toolTurns', 'tools'],
  ['jsonSchema', 'json-schema'],
  ['jsonObject', 'json-schema'],
  ['maxTokens=none', 'bias'],
  ['maxTokens<=64', 'short-output'],
  ['maxTokens<=256', 'short-output'],
  ['maxTokens<=1024', 'max-tokens'],
  ['maxTokens<=4096', 'max-tokens'],
  ['maxTokens>4096', 'long-output'],
  ['bias', 'bias'],
] as const satisfies readonly (readonly [string, string])[];

export type DenseName = (typeof DENSE_FEATURES)[number][0];
export const DENSE_NAMES: readonly string[] = DENSE_FEATURES.map(([name]) => name);
const D = Object.fromEntries(DENSE_FEATURES.map(([name], index) => [name, index])) as Record<DenseName, number>;

/** The reading window: a shorter head than the heuristic's, since n-grams of a long pasted text say little. */
export const FEATURE_WINDOW: WindowLimits = { headChars: 3072, tailChars: 1024, contextChars: 2048, contextMessages: 6 };
const GAP_CHARS = 5;
/** Messages scanned from the end to count the user's turns (as text-window.ts bounds its scan). */
const MAX_TURN_SCAN = 256;

/** Upper bounds on what one extraction writes, from the window sizes. */
const MAX_LAST_CHARS = FEATURE_WINDOW.headChars + FEATURE_WINDOW.tailChars + GAP_CHARS;
const MAX_TURN_CHARS = Math.ceil(FEATURE_WINDOW.contextChars / FEATURE_WINDOW.contextMessages) + GAP_CHARS + 2;
const MAX_CONTEXT_CHARS = FEATURE_WINDOW.contextMessages * MAX_TURN_CHARS + MAX_TURN_CHARS;
/** Per character of the last turn: 3 character n-grams, a unigram and a bigram; 3 positions; 1 per context character. */
const CAPACITY = 5 * (MAX_LAST_CHARS + 1) + 3 + MAX_CONTEXT_CHARS + 16;

/** One request's features: hashed rows (with their group) and dense values; reused between requests. */
export class FeatureBuffer {
  readonly rows = new Int32Array(CAPACITY);
  readonly groups = new Uint8Array(CAPACITY);
  length = 0;
  /** Occurrences per hashed group, for the group's per-occurrence value. */
  readonly counts = new Float64Array(HASHED_GROUPS.length);
  readonly dense = new Float64Array(DENSE_FEATURES.length);
  /** Characters the n-gram loops read (tests check that a huge prompt stays bounded). */
  visited = 0;

  reset(): void {
    this.length = 0;
    this.counts.fill(0);
    this.dense.fill(0);
    this.visited = 0;
  }

  push(row: number, group: number): void {
    const i = this.length++;
    this.rows[i] = row;
    this.groups[i] = group;
    this.counts[group] = (this.counts[group] ?? 0) + 1;
  }
}

/** The value of each occurrence of a hashed group's features: its scale over the root of its count. */
export function groupValue(spec: FeatureSpec, buffer: FeatureBuffer, group: number): number {
  const count = buffer.counts[group] ?? 0;
  return count > 0 ? (spec.groupScales[group] ?? 0) / Math.sqrt(count) : 0;
}

export function defaultFeatureSpec(overrides: Partial<Pick<FeatureSpec, 'textBits' | 'contextBits' | 'groupScales' | 'signals'>> = {}): FeatureSpec {
  return {
    featureSet: FEATURE_SET,
    textBits: overrides.textBits ?? 15,
    contextBits: overrides.contextBits ?? 13,
    groupScales: overrides.groupScales ?? [1, 1, 0.5, 0.7, 0.5, 0.5],
    signals: overrides.signals ?? false,
    dense: DENSE_NAMES,
  };
}

/** Rows of the weight matrix: text buckets, then context buckets, then dense features. */
export function rowCount(spec: FeatureSpec): number {
  return (1 << spec.textBits) + (1 << spec.contextBits) + spec.dense.length;
}

export function denseOffset(spec: FeatureSpec): number {
  return (1 << spec.textBits) + (1 << spec.contextBits);
}

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
function scanLast(text: string, mask: number, out: FeatureBuffer): void {
  out.visited += text.length;
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
    out.push(bucket(h, mask), CHARS);
    h = fnvStep(h, x3);
    out.push(bucket(h, mask), CHARS);
    h = fnvStep(h, x4);
    out.push(bucket(h, mask), CHARS);
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
      out.push(bucket(combine(UNIGRAM, token), mask), WORDS);
      out.push(bucket(combine(combine(BIGRAM, previous), token), mask), WORDS);
      previous = token;
      if (tokens === 0) first = token;
      else if (tokens === 1) second = token;
      last = token;
      tokens++;
    }
  }
  if (tokens > 0) {
    out.push(bucket(combine(FIRST, first), mask), POSITION);
    out.push(bucket(combine(FIRST_TWO, combine(first, second)), mask), POSITION);
    out.push(bucket(combine(LAST, last), mask), POSITION);
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
function scanWords(text: string, mask: number, offset: number, group: number, out: FeatureBuffer): void {
  out.visited += text.length;
  const groupSalt = GROUP_SALTS[group] ?? 0;
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
    if (inWord) out.push(offset + bucket(combine(groupSalt, word), mask), group);
    word = WORD_SEED;
    inWord = false;
    if (kind === SINGLE) out.push(offset + bucket(combine(groupSalt, fnvStep(WORD_SEED, c)), mask), group);
  }
}

const { floorChars, capDoublings } = DEFAULT_HEURISTIC_SETTINGS.length;

/** Writes the features of one request into `out` (reset first). */
export function extractFeatures(body: Readonly<Record<string, unknown>>, spec: FeatureSpec, out: FeatureBuffer): void {
  out.reset();
  const request = isRecord(body) ? body : {};
  const turns = readTurns(request, FEATURE_WINDOW);
  const dense = out.dense;
  const contextOffset = 1 << spec.textBits;
  const textMask = contextOffset - 1;
  const contextMask = (1 << spec.contextBits) - 1;

  if (turns.last !== null) {
    scanLast(turns.last.text.toLowerCase(), textMask, out);
    // The unmistakable shapes (three regexes) are read whether or not the full signals are.
    const s = structuralEvidence(turns.last.text);
    dense[D['shape.fenceOrTrace']] = s.code / 3;
    dense[D['shape.latex']] = s.math / 3;
  }
  if (turns.last !== null && spec.signals) {
    const s = extractSignals(turns.last, floorChars, capDoublings);
    dense[D.length] = s.length / capDoublings;
    dense[D.sentences] = s.sentences / 8;
    dense[D.questions] = s.questions / 4;
    dense[D.explain] = s.explain / 2;
    dense[D.givenText] = s.givenText;
    dense[D.lists] = s.lists / 8;
    dense[D.code] = s.code / 3;
    dense[D.math] = s.math / 3;
    dense[D.multiStep] = s.multiStep / 3;
    dense[D.constraints] = s.constraints / 5;
    dense[D.creative] = s.creative / 3;
    dense[D.longOutput] = s.longOutput / 1.5;
    dense[D.shortChat] = s.shortChat;
  }
  const chars = turns.last?.length ?? 0;
  const lengthBin = chars < 16 ? 0 : Math.min(9, Math.floor(Math.log2(chars)) - 3);
  dense[D['chars<16'] + lengthBin] = 1;

  const userTurns = countUserTurns(request['messages']);
  dense[D['userTurns=1'] + Math.min(3, Math.max(0, userTurns - 1))] = 1;
  let contextChars = 0;
  if (turns.context !== null) {
    scanWords(turns.context.text.toLowerCase(), contextMask, contextOffset, CONTEXT, out);
    if (spec.signals) {
      const s = extractSignals(turns.context, floorChars, capDoublings);
      dense[D.contextCode] = s.code / 3;
      dense[D.contextMath] = s.math / 3;
      dense[D.contextMultiStep] = s.multiStep / 3;
      dense[D.contextCreative] = s.creative / 3;
      dense[D.contextLongOutput] = s.longOutput / 1.5;
    } else {
      const s = structuralEvidence(turns.context.text);
      dense[D.contextCode] = s.code / 3;
      dense[D.contextMath] = s.math / 3;
    }
    contextChars += turns.context.length;
  }
  if (turns.replies !== null) {
    scanWords(turns.replies.text.toLowerCase(), contextMask, contextOffset, REPLIES, out);
    const s = structuralEvidence(turns.replies.text);
    dense[D.repliesCode] = s.code / 3;
    dense[D.repliesMath] = s.math / 3;
    contextChars += turns.replies.length;
  }
  if (turns.system !== null) {
    scanWords(turns.system.text.toLowerCase(), contextMask, contextOffset, SYSTEM, out);
    const s = structuralEvidence(turns.system.text);
    dense[D.system] = 1;
    dense[D.systemCode] = s.code / 3;
    dense[D.systemMath] = s.math / 3;
    contextChars += turns.system.length;
  }
  dense[
    contextChars === 0
      ? D['contextChars=0']
      : contextChars < 512
        ? D['contextChars<512']
        : contextChars < 2048
          ? D['contextChars<2048']
          : contextChars < 8192
            ? D['contextChars<8192']
            : D['contextChars>=8192']
  ] = 1;

  const tools = nonEmptyArray(request['tools']) || nonEmptyArray(request['functions']);
  if (tools && request['tool_choice'] !== 'none') dense[D.tools] = 1;
  if (turns.toolTurns > 0) dense[D.toolTurns] = 1;
  const format = request['response_format'];
  const formatType = isRecord(format) ? format['type'] : undefined;
  if (formatType === 'json_schema' || request['guided_json'] !== undefined) dense[D.jsonSchema] = 1;
  else if (formatType === 'json_object') dense[D.jsonObject] = 1;
  const maxTokens = firstNumber(request['max_completion_tokens'], request['max_tokens']);
  dense[
    maxTokens === undefined
      ? D['maxTokens=none']
      : maxTokens <= 64
        ? D['maxTokens<=64']
        : maxTokens <= 256
          ? D['maxTokens<=256']
          : maxTokens <= 1024
            ? D['maxTokens<=1024']
            : maxTokens <= 4096
              ? D['maxTokens<=4096']
              : D['maxTokens>4096']
  ] = 1;
  dense[D.bias] = 1;
}

/** User turns among the last MAX_TURN_SCAN messages (the completions `prompt` is one turn). */
function countUserTurns(messages: unknown): number {
  if (!Array.isArray(messages)) return 1;
  let count = 0;
  for (let i = messages.length - 1; i >= 0 && i >= messages.length - MAX_TURN_SCAN; i--) {
    const message: unknown = messages[i];
    if (isRecord(message) && message['role'] === 'user') count++;
  }
  return Math.max(1, count);
}

function nonEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function firstNumber(...values: unknown[]): number | undefined {
  for (const value of values) if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}
