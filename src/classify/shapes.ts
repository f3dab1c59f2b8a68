// Structural patterns: what code, maths and lists look like on the page, in any language. Matched
// on lower-cased text unless noted. No `u` flags (see lexicon.ts on speed).
import { WORD_CHARS } from './lexicon.js';

export const FENCE = /```|~~~/;
/** A line as code has it: a keyword at its start, or braces, semicolons, arrows, `):` at its end. */
export const CODE_LINE =
  /^[ \t]*(?:def |class |import |from [\w.]+ import |#include|function[ (]|const |let |var |public |private |static |return\b|if ?\(|for ?\(|while ?\(|}|select .* from|assert |print\(|console\.|>>> |"""|''')|[;{]\s*$|\):\s*$|=>|::/gm;
export const STACK_TRACE =
  /traceback \(most recent call last\)|^\s+at [\w.$<>]+ ?\(?[^\s)]*:\d+(?::\d+)?\)?|\w(?:error|exception): |panicked at|segmentation fault|npm err!|error\[e\d+\]/m;
/**
 * Identifiers and file names as code has them (case-sensitive): fooBar, foo_bar, obj.method(, main.py, `inline`.
 * Written for speed, matching what `\b[a-z]{2,}[A-Z]\w*|\b[a-z]+_[a-z_]+\b|\b\w+\.\w+\(|\b\w+\.(?:py|…)\b|`…``
 * matches: one \b for the first four, and `(?=(\w+))\1` takes the whole word at once (a `.` can only
 * follow all of it) instead of backtracking through it letter by letter (about 3x faster).
 */
export const CODE_TOKEN =
  /\b(?:[a-z]{2,}[A-Z]\w*|[a-z]+_[a-z_]+\b|(?=(\w+))\1\.(?:\w+\(|(?:py|js|ts|tsx|java|cpp|rs|go|rb|php|sh|sql|json|ya?ml|toml|html|css)\b))|`[^`\n]{1,80}`/g;
export const LATEX =
  /\$[^$\n]{1,200}\$|\\(?:frac|sqrt|sum|int|cdot|leq?|geq?|pi|theta|alpha|beta|gamma|begin|left|right|mathbf|binom|equiv|pmod|circ|times|infty|lim)(?![a-z])|\\\[|\\\(/;
/** An operator between operands: `x+y`, `a = 4z`, `|x + 5| < 10`, `n^2` (not hyphens or slashes). */
export const OPERATOR = new RegExp(`[${WORD_CHARS})\\]|]\\s*(?:<=|>=|!=|[=<>≤≥≠^*×÷+])\\s*[${WORD_CHARS}(\\[|-]`, 'g');
export const MATH_SYMBOL = /[√π∑∫∞≈≡²³]/g;
export const DIGITS = /\d+(?:[.,]\d+)*/g;
export const NUMBERED_ITEM = /^[ \t]*\d{1,2}[.)]/gm;
export const LIST_ITEM = /^[ \t]*(?:\d{1,2}[.)]|[-*•]|[a-z][.)]|\(\w\))[ \t]+\S/gm;
export const SENTENCE_END = /[.!?]+(?=\s|$)|[。！？]/g;
export const QUESTION = /[?？]/g;
export const QUESTION_MARK = /[?？]/;
/** Non-blank lines after the first. */
export const NEWLINE = /\n\s*\S/g;
/** CJK and Hangul: about a word per character. */
export const WIDE = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/g;
