// One pass over a text noting which characters some signal's regex needs. A regex whose every match
// contains one of them is not run when none occurs; the two single-character counts (CJK, maths
// symbols) are taken here outright. Results are the regexes' own, only cheaper to reach
// (signals.test.ts and the old-vs-new comparison in the commit that added this check them).

/** ``` or ~~~ (shapes.FENCE). */
export const FENCE_CHARS = 1;
/** $ or \ (shapes.LATEX). */
export const LATEX_CHARS = 2;
/** = < > ≤ ≥ ≠ ^ * × ÷ + (shapes.OPERATOR). */
export const OPERATOR_CHARS = 4;
/** : ( ! [ (every shapes.STACK_TRACE alternative but "panicked at" and "segmentation fault"). */
export const TRACE_CHARS = 8;
/** ; { : = (the alternatives of shapes.CODE_LINE not anchored to a line start). */
export const CODE_LINE_CHARS = 16;
/** Line terminators: where a multiline ^ matches besides the start. */
export const LINE_BREAKS = 32;
/** 0-9 (\d without the u flag). */
export const DIGITS = 64;
/** . ! ? 。 ！ ？ (shapes.SENTENCE_END, shapes.QUESTION). */
export const SENTENCE_CHARS = 128;
const WIDE = 256;
const MATH_SYMBOL = 512;

const CLASS = new Uint16Array(65536);
const mark = (chars: string, bit: number) => {
  for (const c of chars) CLASS[c.charCodeAt(0)]! |= bit;
};
mark('`~', FENCE_CHARS);
mark('$\\', LATEX_CHARS);
mark('=<>≤≥≠^*×÷+', OPERATOR_CHARS);
mark(':(![', TRACE_CHARS);
mark(';{:=', CODE_LINE_CHARS);
mark('\n\r\u2028\u2029', LINE_BREAKS);
mark('0123456789', DIGITS);
mark('.!?。！？', SENTENCE_CHARS);
mark('√π∑∫∞≈≡²³', MATH_SYMBOL);
// shapes.WIDE: kana, CJK ideographs, Hangul syllables.
for (const [from, to] of [
  [0x3040, 0x30ff],
  [0x3400, 0x9fff],
  [0xac00, 0xd7af],
] as const)
  for (let code = from; code <= to; code++) CLASS[code]! |= WIDE;

export interface Census {
  /** The bits above of the characters present. */
  readonly present: number;
  /** shapes.WIDE characters (case mapping never makes or removes one: the count is the raw text's too). */
  readonly wide: number;
  /** shapes.MATH_SYMBOL characters. */
  readonly mathSymbols: number;
}

export function censusOf(text: string): Census {
  let present = 0;
  let wide = 0;
  let mathSymbols = 0;
  for (let i = 0; i < text.length; i++) {
    const bits = CLASS[text.charCodeAt(i)]!;
    if (bits === 0) continue;
    present |= bits;
    if ((bits & WIDE) !== 0) wide++;
    else if ((bits & MATH_SYMBOL) !== 0) mathSymbols++;
  }
  return { present, wide, mathSymbols };
}
