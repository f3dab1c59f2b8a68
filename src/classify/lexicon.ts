// How word lists become regexes, and how the signals count matches. The lists themselves live in
// words-prose.ts and words-technical.ts. Latin-script (and Greek, Cyrillic) entries match whole
// words, and `\p{L}*` in an entry allows inflections; CJK entries match anywhere, since those
// scripts do not separate words with spaces. Text is lower-cased before matching.
//
// Speed: `\p{L}` is written for readability but compiled to the explicit class WORD_CHARS, and no
// regex uses the `u` flag. With Unicode property classes, V8 runs these regexes about 8x slower on
// any text holding a character beyond Latin-1 (a curly quote is enough).
import { literalPrefixes, mandatoryChar } from './lexicon-prefixes.js';

/** Letters and digits of the Latin, Greek and Cyrillic scripts (lower case), and `_`. */
export const WORD_CHARS = 'a-z0-9_\\u00b5\\u00df-\\u00f6\\u00f8-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff';

const BEFORE = `(?<![${WORD_CHARS}])`;
const AFTER = `(?![${WORD_CHARS}])`;

/**
 * A word list compiled once: the global regex that defines what it matches, the same regex sticky
 * (tried at one position), and the literal prefixes its matches start with, so that the lexicon
 * scan (lexicon-scan.ts) runs the regex only where a match can start.
 */
export interface Lexicon {
  readonly regex: RegExp;
  readonly sticky: RegExp;
  /** Prefixes of the Latin-script entries: a match starts where no word character precedes. */
  readonly wordPrefixes: readonly string[];
  /** Prefixes of the CJK entries: a match starts anywhere. */
  readonly anywherePrefixes: readonly string[];
  /** Prefixes of the entries anchored with ^: a match starts at the text's start. */
  readonly startPrefixes: readonly string[];
  /**
   * When CJK entries start with ASCII (digits: "3000字"), characters one of which every CJK match
   * contains: without them in the text, those entries are not tried. Empty: no such gate.
   */
  readonly anywhereGate: readonly string[];
}

/** One regex for a word list (Latin, Greek, Cyrillic entries) and its CJK entries. */
export function lexicon(words: readonly string[], cjk: readonly string[] = []): Lexicon {
  const parts = [`${BEFORE}(?:${byFirstLetter(words)})${AFTER}`];
  if (cjk.length > 0) parts.push(`(?:${cjk.join('|')})`);
  const source = parts.join('|').replaceAll('\\p{L}', `[${WORD_CHARS}]`);
  // No m flag: ^ is the start of the text.
  const anchored = words.filter((word) => word.startsWith('^'));
  const anywherePrefixes = cjk.length > 0 ? literalPrefixes(cjk.join('|')) : [];
  return {
    regex: new RegExp(source, 'g'),
    sticky: new RegExp(source, 'y'),
    wordPrefixes: literalPrefixes(words.filter((word) => !word.startsWith('^')).join('|')),
    anywherePrefixes,
    startPrefixes: anchored.length > 0 ? literalPrefixes(anchored.join('|')) : [],
    anywhereGate: anywherePrefixes.some((prefix) => prefix.charCodeAt(0) < 0x80) ? gate(cjk) : [],
  };
}

function gate(entries: readonly string[]): string[] {
  const chars = entries.map(mandatoryChar);
  return chars.every((c) => c !== null) ? [...new Set(chars)] : [];
}

/**
 * `a(?:bc|de)|f(?:oo)` rather than `abc|ade|foo`: the engine then rejects a position on its first
 * character once instead of once per entry (about a quarter faster). Entries that do not start with
 * a plain letter (a group, a class, a letter with a quantifier) stay as they are.
 */
function byFirstLetter(words: readonly string[]): string {
  const groups = new Map<string, string[]>();
  const others: string[] = [];
  for (const word of words) {
    const first = word.charAt(0);
    if (/^[\p{L}\p{N}'#]$/u.test(first) && !/^[?*+{]/.test(word.slice(1))) groups.set(first, [...(groups.get(first) ?? []), word.slice(1)]);
    else others.push(word);
  }
  return [...[...groups].map(([first, rests]) => `${first}(?:${rests.join('|')})`), ...others].join('|');
}

/** Whether a regex matches (global regexes are reset first). */
export function matches(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  return re.test(text);
}

/** Matches of a global regex, stopping at cap. */
export function countMatches(re: RegExp, text: string, cap: number): number {
  re.lastIndex = 0;
  let n = 0;
  for (let m = re.exec(text); m !== null && n < cap; m = re.exec(text)) {
    n++;
    if (m[0] === '') re.lastIndex++;
  }
  return n;
}

/** Distinct matched strings of a global regex, stopping at cap: a word repeated is one cue. */
export function distinctMatches(re: RegExp, text: string, cap: number): number {
  re.lastIndex = 0;
  const seen = new Set<string>();
  for (let m = re.exec(text); m !== null && seen.size < cap; m = re.exec(text)) {
    seen.add(m[0]);
    if (m[0] === '') re.lastIndex++;
  }
  return seen.size;
}
