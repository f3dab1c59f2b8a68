// The word lists the signals read from the instruction, counted in one pass over it
// (lexicon-scan.ts): the same counts as each list's regex with countMatches / distinctMatches
// (matches) and these caps.
import { LexiconScan } from './lexicon-scan.js';
import { splitMaterialAt, type Parts } from './material.js';
import * as prose from './words-prose.js';
import * as tech from './words-technical.js';

const LISTS = [
  [prose.CONSTRAINTS, 'distinct', 5],
  [prose.EXPLAIN, 'distinct', 2],
  [prose.MULTI_STEP, 'distinct', 3],
  [prose.CREATIVE, 'count', 1],
  [prose.LONG_OUTPUT_COUNT, 'count', 1],
  [prose.LONG_OUTPUT_CUE, 'count', 1],
  [tech.CODE_TASK, 'count', 1],
  [tech.CODE_STRONG, 'distinct', 3],
  [tech.CODE_WEAK, 'distinct', 3],
  [tech.MATH_WORDS, 'distinct', 3],
  [tech.PROOF, 'count', 1],
  [tech.QUANTITY_QUESTION, 'count', 1],
  [tech.NUMBER_WORDS, 'count', 6],
] as const;
const INSTRUCTION_LISTS = new LexiconScan(LISTS);
/** The same lists and the cue that names supplied material (material.ts), over the whole text. */
const TEXT_LISTS = new LexiconScan([...LISTS, [prose.GIVEN_TEXT, 'count', 1]]);
/** For a short turn, small talk too (signals.ts: shortChat). */
const SHORT_TEXT_LISTS = new LexiconScan([...LISTS, [prose.GIVEN_TEXT, 'count', 1], [prose.CHAT, 'count', 1]]);
const CUE = LISTS.length;
const CHAT = LISTS.length + 1;

/** The instruction's word-list counts, by list (the LISTS order). */
export interface Words {
  readonly constraints: number;
  readonly explain: number;
  readonly multiStep: number;
  readonly creative: boolean;
  readonly longOutputCount: boolean;
  readonly longOutputCue: boolean;
  readonly codeTask: boolean;
  readonly codeStrong: number;
  readonly codeWeak: number;
  readonly mathWords: number;
  readonly proof: boolean;
  readonly quantityQuestion: boolean;
  readonly numberWords: number;
}

/**
 * The instruction (splitMaterial) and its words. One pass over the text finds the cue and counts
 * the words; when the instruction is the whole text (most requests) those counts are its own,
 * otherwise the instruction is read again. For a short text the pass also says whether a
 * greeting or thanks (prose.CHAT) occurs in it.
 */
export function readInstruction(text: string, short: boolean): Parts & { readonly words: Words; readonly chat: boolean } {
  const scan = short ? SHORT_TEXT_LISTS : TEXT_LISTS;
  const counts = scan.run(text);
  const chat = short && counts[CHAT] !== 0;
  const parts = splitMaterialAt(text, scan.firstStart[CUE] ?? -1, scan.firstEnd[CUE] ?? -1);
  const words = parts.instruction.length === text.length ? wordsOf(counts) : wordsOf(INSTRUCTION_LISTS.run(parts.instruction));
  return { instruction: parts.instruction, given: parts.given, words, chat };
}

function wordsOf(r: Int32Array): Words {
  return {
    constraints: r[0] ?? 0,
    explain: r[1] ?? 0,
    multiStep: r[2] ?? 0,
    creative: r[3] !== 0,
    longOutputCount: r[4] !== 0,
    longOutputCue: r[5] !== 0,
    codeTask: r[6] !== 0,
    codeStrong: r[7] ?? 0,
    codeWeak: r[8] ?? 0,
    mathWords: r[9] ?? 0,
    proof: r[10] !== 0,
    quantityQuestion: r[11] !== 0,
    numberWords: r[12] ?? 0,
  };
}
