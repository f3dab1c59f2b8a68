// Evidence extracted from one bounded text window. Structural signals (fences, code-shaped lines,
// operators, LaTeX, list markers, numbers, sentence and question counts, length) carry most of the
// weight because they work in any language; the word lists (words-*.ts) add to them.
import { countMatches as count, distinctMatches as distinct, matches as test } from './lexicon.js';
import { splitMaterial } from './material.js';
import * as shape from './shapes.js';
import type { TextWindow } from './text-window.js';
import * as prose from './words-prose.js';
import * as tech from './words-technical.js';

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

export function extractSignals(window: TextWindow, floorChars: number, capDoublings: number): TextSignals {
  const text = window.text.toLowerCase();
  // What the user asks is read from the instruction; a supplied passage is material to work on,
  // so its sentences, numbers and words say little about how hard the task is.
  const { instruction, given } = splitMaterial(text);
  const constraints = distinct(prose.CONSTRAINTS, instruction, 5);
  const sentenceCount = count(shape.SENTENCE_END, instruction, 50) + (/[.!?。！？]\s*$/.test(instruction) ? 0 : 1);
  return {
    length: lengthDoublings(window, floorChars, capDoublings),
    sentences: Math.min(8, Math.max(0, sentenceCount - 1)),
    questions: Math.min(4, Math.max(0, count(shape.QUESTION, instruction, 5) - 1)),
    explain: distinct(prose.EXPLAIN, instruction, 2),
    givenText: given ? 1 : 0,
    lists: count(shape.LIST_ITEM, instruction, 8),
    code: codeEvidence(window.text, text, instruction),
    math: mathEvidence(text, instruction, sentenceCount),
    multiStep: distinct(prose.MULTI_STEP, instruction, 3),
    constraints,
    creative: test(prose.CREATIVE, instruction) ? 1 + Math.min(2, 0.5 * constraints) : 0,
    longOutput: longOutputEvidence(instruction),
    shortChat: window.length <= 160 && isOnlyChat(text) ? 1 : 0,
  };
}

/** Only the unmistakable shapes: fenced code or a stack trace (code 3), LaTeX (math 3). */
export function structuralEvidence(text: string): { readonly code: number; readonly math: number } {
  return {
    code: test(shape.FENCE, text) || test(shape.STACK_TRACE, text.toLowerCase()) ? 3 : 0,
    math: test(shape.LATEX, text) ? 3 : 0,
  };
}

function longOutputEvidence(instruction: string): number {
  if (/\d/.test(instruction) && test(prose.LONG_OUTPUT_COUNT, instruction)) return 1.5;
  return test(prose.LONG_OUTPUT_CUE, instruction) ? 0.75 : 0;
}

/** Effective length: CJK and Hangul pack about a word per character, so they count three times. */
function lengthDoublings(window: TextWindow, floorChars: number, capDoublings: number): number {
  const wide = window.text.length > 0 ? count(shape.WIDE, window.text, window.text.length) / window.text.length : 0;
  const effective = window.length * (1 + 2 * wide);
  return effective <= floorChars ? 0 : Math.min(capDoublings, Math.log2(effective / floorChars));
}

/** Code anywhere (even in supplied material) is code work; asking for code is read from the instruction. */
function codeEvidence(raw: string, text: string, instruction: string): number {
  if (shape.FENCE.test(text) || shape.STACK_TRACE.test(text)) return 3;
  const codeLines = count(shape.CODE_LINE, text, 8);
  // Mostly code-shaped lines: pasted or to-be-completed code without a fence.
  if (codeLines >= 2 && codeLines >= 0.5 * (count(shape.NEWLINE, text, 16) + 1)) return 3;
  const shapes = 0.4 * codeLines + 0.5 * count(shape.CODE_TOKEN, raw, 4);
  const strong = shapes + (test(tech.CODE_TASK, instruction) ? 2.2 : 0) + distinct(tech.CODE_STRONG, instruction, 3);
  return strong >= 3 ? 3 : Math.min(3, strong + 0.4 * distinct(tech.CODE_WEAK, instruction, 3));
}

function mathEvidence(text: string, instruction: string, sentences: number): number {
  if (shape.LATEX.test(text)) return 3;
  let evidence =
    0.8 * count(shape.OPERATOR, text, 4) + 0.6 * count(shape.MATH_SYMBOL, text, 3) + 0.8 * distinct(tech.MATH_WORDS, instruction, 3) + (test(tech.PROOF, instruction) ? 1.5 : 0);
  // A word problem: several quantities and a question about them.
  const asksQuantity = test(tech.QUANTITY_QUESTION, instruction) || (sentences >= 2 && shape.QUESTION_MARK.test(instruction));
  if (asksQuantity) {
    const listNumbers = count(shape.NUMBERED_ITEM, instruction, 8);
    const numbers = Math.max(0, count(shape.DIGITS, instruction, 6 + listNumbers) - listNumbers) + count(tech.NUMBER_WORDS, instruction, 6);
    if (numbers >= 3) evidence += 2.5;
    else if (numbers >= 2) evidence += 1.5;
  }
  return Math.min(3, evidence);
}

/** Small talk: what is left after removing greetings, thanks and acknowledgements is a word or two. */
function isOnlyChat(text: string): boolean {
  prose.CHAT.lastIndex = 0;
  if (!prose.CHAT.test(text)) return false;
  const rest = text.replace(prose.CHAT, ' ').replace(NOT_WORD, ' ').trim();
  if (rest === '') return true;
  if (count(shape.WIDE, rest, 5) > 3) return false;
  return rest.split(/\s+/).length <= 2;
}
