// What the learned classifier reads from a request: hashed n-grams of the last user turn (character
// 3–5-grams and word unigrams and bigrams, so that languages without spaces are covered), hashed
// words of the conversation around it in a smaller namespace of their own, and dense features:
// shapes counted by the n-gram loop (lines, numbers, code punctuation, maths marks, fences, LaTeX),
// length buckets, the conversation's shape and the request's fields (tools, JSON schema,
// max_tokens). The heuristic's full signals are optional (spec.signals): they cost ~20 µs a request.
//
// Bounded like the heuristic: only the windows readTurns returns are read (head and tail of the last
// turn, slices of the recent turns), so a 4 MB prompt costs what an 8 KB one does.
//
// This file assembles one request's features; the layout is in feature-layout.ts, the dense feature
// names in dense-features.ts, the buffer and reading window in feature-buffer.ts, the n-gram loops in
// ngrams.ts.
import { DEFAULT_HEURISTIC_SETTINGS } from '../settings.js';
import { extractSignals, structuralEvidence } from '../signals.js';
import { readTurns } from '../text-window.js';
import { DENSE_INDEX as D } from './dense-features.js';
import { FEATURE_WINDOW, type FeatureBuffer } from './feature-buffer.js';
import { CONTEXT_GROUP, REPLIES_GROUP, SYSTEM_GROUP, type FeatureSpec } from './feature-layout.js';
import { scanLast, scanWords } from './ngrams.js';
import { isObject } from '../../json-object.js';

const { floorChars, capDoublings } = DEFAULT_HEURISTIC_SETTINGS.length;

/** Writes the features of one request into `out` (reset first). */
export function extractFeatures(body: Readonly<Record<string, unknown>>, spec: FeatureSpec, out: FeatureBuffer): void {
  out.reset();
  const request = isObject(body) ? body : {};
  const turns = readTurns(request, FEATURE_WINDOW);
  const dense = out.dense;
  const contextOffset = 1 << spec.textBits;
  const textMask = contextOffset - 1;
  const contextMask = (1 << spec.contextBits) - 1;

  if (turns.last !== null) {
    const lower = turns.last.text.toLowerCase();
    scanLast(lower, textMask, out);
    // The unmistakable shapes (three regexes) are read whether or not the full signals are.
    const s = structuralEvidence(turns.last.text, lower);
    dense[D['shape.fenceOrTrace']] = s.code / 3;
    dense[D['shape.latex']] = s.math / 3;
    layoutShape(lower, dense);
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
    scanWords(turns.context.text.toLowerCase(), contextMask, contextOffset, CONTEXT_GROUP, out);
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
    scanWords(turns.replies.text.toLowerCase(), contextMask, contextOffset, REPLIES_GROUP, out);
    const s = structuralEvidence(turns.replies.text);
    dense[D.repliesCode] = s.code / 3;
    dense[D.repliesMath] = s.math / 3;
    contextChars += turns.replies.length;
  }
  if (turns.system !== null) {
    scanWords(turns.system.text.toLowerCase(), contextMask, contextOffset, SYSTEM_GROUP, out);
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
  const formatType = isObject(format) ? format['type'] : undefined;
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

/** A passage this long before the last line break makes the turn "a text, then something about it". */
const PASSAGE_CHARS = 400;
/** The last line after a passage is a question or an instruction when it is shorter than this. */
const LAST_LINE_CHARS = 300;
/** A first line shorter than this before a passage reads as an instruction heading the text. */
const FIRST_LINE_CHARS = 200;

/**
 * The layout of a turn that brings its own text: a passage then a short last line (a question about a
 * given text, as reading-comprehension sets ask in every language), and a short first line then a
 * passage (an instruction heading its data). Leave-one-source-out found these carry across sources
 * and languages where words do not (src/classify/learned/train.ts). Bounded scans from both ends.
 */
function layoutShape(text: string, dense: Float64Array): void {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) <= 32) end--;
  let lastBreak = -1;
  for (let i = end - 1; i >= 0 && i >= end - LAST_LINE_CHARS; i--) {
    if (text.charCodeAt(i) === 10) {
      lastBreak = i;
      break;
    }
  }
  if (lastBreak < PASSAGE_CHARS) return;
  dense[D['shape.passageThenLine']] = 1;
  const mark = text.charCodeAt(end - 1);
  // ?, Greek's question mark (a semicolon, or U+037E), Arabic's, and the full-width one.
  if (mark === 63 || mark === 59 || mark === 0x37e || mark === 0x61f || mark === 0xff1f) dense[D['shape.passageThenQuestion']] = 1;
  const firstBreak = text.indexOf('\n');
  if (firstBreak > 0 && firstBreak < FIRST_LINE_CHARS) dense[D['shape.lineThenPassage']] = 1;
}

/** Messages scanned from the end to count the user's turns (as text-window.ts bounds its scan). */
const MAX_TURN_SCAN = 256;

/** User turns among the last MAX_TURN_SCAN messages (the completions `prompt` is one turn). */
function countUserTurns(messages: unknown): number {
  if (!Array.isArray(messages)) return 1;
  let count = 0;
  for (let i = messages.length - 1; i >= 0 && i >= messages.length - MAX_TURN_SCAN; i--) {
    const message: unknown = messages[i];
    if (isObject(message) && message['role'] === 'user') count++;
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
