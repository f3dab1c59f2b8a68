// Separating what the user asks from what the user supplies. "Extract the dates from the following
// article: <3000 characters>" is an extraction (moderate work); the article's sentences, numbers
// and words say little about how hard the task is, so most signals read the instruction only.
import { countMatches, matches } from './lexicon.js';
import { LexiconScan } from './lexicon-scan.js';
import { CODE_LINE, FENCE, QUESTION_MARK } from './shapes.js';
import { GIVEN_TEXT } from './words-prose.js';

/** The first cue naming the material, found in one pass (lexicon-scan.ts). */
const CUE = new LexiconScan([[GIVEN_TEXT, 'count', 1]]);

export interface Parts {
  /** The instruction (the whole text when nothing is supplied). */
  readonly instruction: string;
  /** Whether a text to work on is supplied (or named as such). */
  readonly given: boolean;
}

/** Material addresses nobody; a second paragraph that does is more instruction. */
const ADDRESSED = /\b(?:you|your|please|make sure|must)\b/;
/** The end of the sentence that names the material. */
const DELIMITER = /[.:?!。：？！](?=\s)|[:：]|\n/g;
/** The lead paragraph of a structurally given text is at most this long. */
const MAX_LEAD = 400;

/**
 * Either the material is named ("the following passage:", "Context:", "extract", "classify") and
 * starts after the sentence naming it (or, when the naming comes in the second half, the material
 * came first and the instruction is the line that names it); or the text is a short lead
 * paragraph, a blank line, then a longer stretch of prose that neither asks nor addresses anyone.
 */
export function splitMaterial(text: string): Parts {
  CUE.run(text);
  return splitMaterialAt(text, CUE.firstStart[0] ?? -1, CUE.firstEnd[0] ?? -1);
}

/** splitMaterial with the first GIVEN_TEXT match already found (start and end; -1 when none). */
export function splitMaterialAt(text: string, cueStart: number, cueEnd: number): Parts {
  if (cueStart >= 0) {
    if (cueStart > text.length / 2) return { instruction: text.slice(text.lastIndexOf('\n', cueStart) + 1), given: true };
    DELIMITER.lastIndex = cueEnd - 1;
    const end = DELIMITER.exec(text);
    return { instruction: end === null ? text : text.slice(0, end.index + 1), given: true };
  }
  const gap = text.indexOf('\n\n');
  if (gap < 0 || gap > MAX_LEAD) return { instruction: text, given: false };
  const rest = text.slice(gap + 2, gap + 2 + 2000);
  const prose =
    rest.length >= 100 && rest.length >= 1.5 * gap && !QUESTION_MARK.test(rest) && !ADDRESSED.test(rest) && !matches(FENCE, rest) && countMatches(CODE_LINE, rest, 3) < 3;
  return prose ? { instruction: text.slice(0, gap), given: true } : { instruction: text, given: false };
}
