// Evidence extracted from one bounded text window. Structural signals (fences, code-shaped lines,
// operators, LaTeX, list markers, numbers, sentence and question counts, length) carry most of the
// weight because they work in any language; the word lists (words-*.ts) add to them.
import { countMatches as count, matches as test } from './lexicon.js';
import { CODE_LINE_CHARS, censusOf, DIGITS, FENCE_CHARS, LATEX_CHARS, LINE_BREAKS, OPERATOR_CHARS, SENTENCE_CHARS, TRACE_CHARS, type Census } from './char-census.js';
import { readInstruction, type Words } from './instruction-words.js';
import { mayHoldCodeToken, mayHoldTrace } from './regex-gates.js';
import * as shape from './shapes.js';
import type { TextWindow } from './text-window.js';
import * as prose from './words-prose.js';

/** Evidence per signal, each in a fixed range so that a weight means the same thing everywhere. */
export interface TextSignals {
  /** Doublings of the effective length over the floor, 0..capDoublings. */
  readonly length: number;
  /** Sentences beyond the first, 0..8. */
  readonly sentences: number;
  /** Question marks beyond the first, 0..4. */
  readonly questions: number;
  /** Distinct explanation/advice cues, 0..2. */
  readonly explain: number;
  /** 0 or 1: a text is supplied to read, extract from or classify. */
  readonly givenText: number;
  /** List-marker lines, 0..8. */
  readonly lists: number;
  /** 0..3: fences and stack traces 3; code-shaped lines, a coding task, programming words add up. */
  readonly code: number;
  /** 0..3: LaTeX 3; a word problem 2.5; operators, math symbols and math words add up. */
  readonly math: number;
  /** Distinct reasoning/planning cues, 0..3. */
  readonly multiStep: number;
  /** Distinct constraint cues, 0..5. */
  readonly constraints: number;
  /** 0..3: creative writing is asked for (1), more with each constraint on it (its difficulty). */
  readonly creative: number;
  /** 0..1.5: a long answer is asked for, with a number (1.5) or in words (0.75). */
  readonly longOutput: number;
  /** 0 or 1: the text is nothing but greetings, thanks or acknowledgement. */
  readonly shortChat: number;
}

const NOT_WORD = /[^\p{L}\p{N}\s]+/gu;
/** Turns up to this long are checked for being nothing but small talk. */
const SHORT_CHAT_CHARS = 160;

export function extractSignals(window: TextWindow, floorChars: number, capDoublings: number): TextSignals {
  const read = readWindow(window, window.length <= SHORT_CHAT_CHARS);
  const { text, instruction, census, words } = read;
  const constraints = words.constraints;
  const sentenceCount = sentencesIn(instruction, census);
  return {
    length: lengthDoublings(window, census, floorChars, capDoublings),
    sentences: Math.min(8, Math.max(0, sentenceCount - 1)),
    questions: Math.min(4, Math.max(0, (census.present & SENTENCE_CHARS) !== 0 ? count(shape.QUESTION, instruction, 5) - 1 : -1)),
    explain: words.explain,
    givenText: read.given ? 1 : 0,
    lists: (census.present & LINE_BREAKS) !== 0 ? count(shape.LIST_ITEM, instruction, 8) : countAt(LIST_ITEM_AT, instruction, 0),
    code: codeEvidence(window.text, text, census, words),
    math: mathEvidence(text, instruction, census, words, sentenceCount),
    multiStep: words.multiStep,
    constraints,
    creative: words.creative ? 1 + Math.min(2, 0.5 * constraints) : 0,
    longOutput: longOutputEvidence(instruction, words),
    shortChat: window.length <= SHORT_CHAT_CHARS && read.chat && isOnlyChat(text) ? 1 : 0,
  };
}

/** What a thread's other turns say about its topic: extractSignals' values of these five, for less. */
export type TopicSignals = Pick<TextSignals, 'code' | 'math' | 'multiStep' | 'creative' | 'longOutput'>;

export function extractTopicSignals(window: TextWindow): TopicSignals {
  const { text, instruction, census, words } = readWindow(window, false);
  return {
    code: codeEvidence(window.text, text, census, words),
    math: mathEvidence(text, instruction, census, words, null),
    multiStep: words.multiStep,
    creative: words.creative ? 1 + Math.min(2, 0.5 * words.constraints) : 0,
    longOutput: longOutputEvidence(instruction, words),
  };
}

interface WindowReading {
  /** The window's text, lower-cased. */
  readonly text: string;
  readonly instruction: string;
  readonly given: boolean;
  readonly census: Census;
  readonly words: Words;
  /** A greeting, thanks or acknowledgement occurs (read for short texts only). */
  readonly chat: boolean;
}

function readWindow(window: TextWindow, short: boolean): WindowReading {
  const text = window.text.toLowerCase();
  // What the user asks is read from the instruction; a supplied passage is material to work on,
  // so its sentences, numbers and words say little about how hard the task is.
  const { instruction, given, words, chat } = readInstruction(text, short);
  return { text, instruction, given, census: censusOf(text), words, chat };
}

/** Sentence ends in the instruction, plus one when it does not end with one (census: of the whole text). */
function sentencesIn(instruction: string, census: Census): number {
  if ((census.present & SENTENCE_CHARS) === 0) return 1;
  return count(shape.SENTENCE_END, instruction, 50) + (endsSentence(instruction) ? 0 : 1);
}

/** /[.!?。！？]\s*$/ without scanning the text: trimEnd removes exactly what \s matches. */
function endsSentence(text: string): boolean {
  const trimmed = text.trimEnd();
  const last = trimmed.charCodeAt(trimmed.length - 1);
  return last === 46 || last === 33 || last === 63 || last === 0x3002 || last === 0xff01 || last === 0xff1f;
}

/**
 * Only the unmistakable shapes: fenced code or a stack trace (code 3), LaTeX (math 3). `lower` is
 * the text lower-cased, when the caller has it already. LaTeX needs a $ or a backslash.
 */
export function structuralEvidence(text: string, lower?: string): { readonly code: number; readonly math: number } {
  return {
    code: test(shape.FENCE, text) || hasTrace(lower ?? text.toLowerCase()) ? 3 : 0,
    math: (text.includes('$') || text.includes('\\')) && test(shape.LATEX, text) ? 3 : 0,
  };
}

/** shapes.STACK_TRACE, run only where its gate (regex-gates.ts) allows a match. */
function hasTrace(lower: string): boolean {
  return mayHoldTrace(lower) && test(shape.STACK_TRACE, lower);
}

function longOutputEvidence(instruction: string, words: Words): number {
  if (words.longOutputCount && /\d/.test(instruction)) return 1.5;
  return words.longOutputCue ? 0.75 : 0;
}

/** Effective length: CJK and Hangul pack about a word per character, so they count three times. */
function lengthDoublings(window: TextWindow, census: Census, floorChars: number, capDoublings: number): number {
  const wide = window.text.length > 0 ? census.wide / window.text.length : 0;
  const effective = window.length * (1 + 2 * wide);
  return effective <= floorChars ? 0 : Math.min(capDoublings, Math.log2(effective / floorChars));
}

/** Code anywhere (even in supplied material) is code work; asking for code is read from the instruction. */
function codeEvidence(raw: string, text: string, census: Census, words: Words): number {
  if (((census.present & FENCE_CHARS) !== 0 && shape.FENCE.test(text)) || (mayTrace(text, census) && shape.STACK_TRACE.test(text))) return 3;
  const codeLines = countCodeLines(text, census);
  // Mostly code-shaped lines: pasted or to-be-completed code without a fence.
  if (codeLines >= 2 && codeLines >= 0.5 * (count(shape.NEWLINE, text, 16) + 1)) return 3;
  const shapes = 0.4 * codeLines + 0.5 * (mayHoldCodeToken(raw) ? count(shape.CODE_TOKEN, raw, 4) : 0);
  const strong = shapes + (words.codeTask ? 2.2 : 0) + words.codeStrong;
  return strong >= 3 ? 3 : Math.min(3, strong + 0.4 * words.codeWeak);
}

function mayTrace(text: string, census: Census): boolean {
  return (census.present & TRACE_CHARS) !== 0 || text.includes('panicked at') || text.includes('segmentation fault');
}

/** shapes.CODE_LINE: without ; { : = only its line-start alternative can match, and one line has one start. */
function countCodeLines(text: string, census: Census): number {
  if ((census.present & (CODE_LINE_CHARS | LINE_BREAKS)) !== 0) return count(shape.CODE_LINE, text, 8);
  return countAt(CODE_LINE_AT, text, 0);
}

function mathEvidence(text: string, instruction: string, census: Census, words: Words, sentences: number | null): number {
  if ((census.present & LATEX_CHARS) !== 0 && shape.LATEX.test(text)) return 3;
  const operators = (census.present & OPERATOR_CHARS) !== 0 ? count(shape.OPERATOR, text, 4) : 0;
  let evidence = 0.8 * operators + 0.6 * Math.min(3, census.mathSymbols) + 0.8 * words.mathWords + (words.proof ? 1.5 : 0);
  // A word problem: several quantities and a question about them.
  const asksQuantity = words.quantityQuestion || (shape.QUESTION_MARK.test(instruction) && (sentences ?? sentencesIn(instruction, census)) >= 2);
  if (asksQuantity) {
    const digits = (census.present & DIGITS) !== 0;
    const listNumbers = digits ? count(shape.NUMBERED_ITEM, instruction, 8) : 0;
    const numbers = (digits ? Math.max(0, count(shape.DIGITS, instruction, 6 + listNumbers) - listNumbers) : 0) + words.numberWords;
    if (numbers >= 3) evidence += 2.5;
    else if (numbers >= 2) evidence += 1.5;
  }
  return Math.min(3, evidence);
}

/** Sticky copies, tried at one position (a line start). */
const CODE_LINE_AT = new RegExp(shape.CODE_LINE.source, 'my');
const LIST_ITEM_AT = new RegExp(shape.LIST_ITEM.source, 'my');

function countAt(sticky: RegExp, text: string, at: number): number {
  sticky.lastIndex = at;
  return sticky.test(text) ? 1 : 0;
}

/** Small talk (the text holds a prose.CHAT match): what is left after removing greetings, thanks and acknowledgements is a word or two. */
function isOnlyChat(text: string): boolean {
  const rest = text.replace(prose.CHAT.regex, ' ').replace(NOT_WORD, ' ').trim();
  if (rest === '') return true;
  if (count(shape.WIDE, rest, 5) > 3) return false;
  return rest.split(/\s+/).length <= 2;
}
