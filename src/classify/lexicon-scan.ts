// One pass over a text for several word lists at once. Run one by one, each list's global regex tries
// every position of the text (the heuristic read the instruction with about fifteen of them, most of
// its cost); this pass walks the characters once and, where a list's literal prefix starts
// (lexicon-prefixes.ts) at a word start (or anywhere, for CJK entries), runs that list's sticky regex
// at that one position. Same regexes, same leftmost-first, non-overlapping matches, same counts as
// countMatches / distinctMatches (lexicon-scan.test.ts compares them on every labelled text and on
// random ones); only positions where no match can start are skipped.
import { countMatches, distinctMatches, WORD_CHARS, type Lexicon } from './lexicon.js';

/** What a list reports: matches (countMatches) or distinct matched strings (distinctMatches), up to a cap. */
export type Tally = 'count' | 'distinct';

interface Candidate {
  readonly list: number;
  readonly prefixes: readonly string[];
  /** Latin-script entries: no word character may precede the match. */
  readonly wordStart: boolean;
}

interface Bucket {
  /** Candidates whose prefix is this one character. */
  readonly one: Candidate[];
  /** Candidates by the prefix's second character: ASCII ones by index (faster than the map), others in the map. */
  readonly ascii: (Candidate[] | undefined)[];
  readonly pair: Map<number, Candidate[]>;
}

/** Prefixes are compared up to this many characters. */
const MAX_PREFIX = 5;
/** Per character (one table, one load per character): a Latin entry's prefix starts with it, a CJK entry's does, it is a word character. */
const WORD_START = 1;
const ANYWHERE = 2;
const IS_WORD = 4;

/** The regexes' word characters (the lookbehind's class). */
const WORD_CLASS = new RegExp(`[${WORD_CHARS}]`);

export class LexiconScan {
  private readonly lists: readonly Lexicon[];
  private readonly tallies: readonly Tally[];
  private readonly caps: Int32Array;
  /** Lists with an entry whose matches can start with anything: counted by their regex alone. */
  private readonly unindexed: readonly boolean[];
  private readonly kinds = new Uint8Array(65536);
  /** The bucket of each starting character: slot[code] - 1 in buckets (a dense array, fast to index). */
  private readonly slot = new Uint16Array(65536);
  private readonly buckets: Bucket[] = [];
  /** Per run: each list's result, where its next match may start, where it was last tried, its distinct strings. */
  private readonly results: Int32Array;
  private readonly resume: Int32Array;
  private readonly tried: Int32Array;
  private readonly seen: string[][];
  /** Per run: whether a list's CJK entries can match at all (Lexicon.anywhereGate). */
  private readonly gateOpen: boolean[];
  /** Per run: where each list's first match starts and ends (-1 when none; for indexed lists only). */
  readonly firstStart: Int32Array;
  readonly firstEnd: Int32Array;

  constructor(lists: readonly (readonly [Lexicon, Tally, number])[]) {
    this.lists = lists.map(([list]) => list);
    this.tallies = lists.map(([, tally]) => tally);
    this.caps = Int32Array.from(lists.map(([, , cap]) => cap));
    this.results = new Int32Array(lists.length);
    this.resume = new Int32Array(lists.length);
    this.tried = new Int32Array(lists.length);
    this.seen = lists.map(() => []);
    this.gateOpen = lists.map(() => true);
    this.firstStart = new Int32Array(lists.length);
    this.firstEnd = new Int32Array(lists.length);
    for (let code = 0; code < 0x500; code++) if (WORD_CLASS.test(String.fromCharCode(code))) this.kinds[code] = IS_WORD;
    this.unindexed = this.lists.map((list) => [...list.wordPrefixes, ...list.anywherePrefixes].includes(''));
    this.lists.forEach((list, index) => {
      if (this.unindexed[index] === true) return;
      this.index(index, list.wordPrefixes, true);
      this.index(index, list.anywherePrefixes, false);
    });
  }

  private index(list: number, prefixes: readonly string[], wordStart: boolean): void {
    const grouped = new Map<string, string[]>();
    for (const long of prefixes) {
      // Cut short, "what's the total" and "what percent" are one check; the regex decides the rest.
      const prefix = long.slice(0, MAX_PREFIX);
      const key = prefix.slice(0, 2);
      const group = grouped.get(key) ?? [];
      if (!group.includes(prefix)) group.push(prefix);
      grouped.set(key, group);
    }
    for (const [key, group] of grouped) {
      const first = key.charCodeAt(0);
      this.kinds[first]! |= wordStart ? WORD_START : ANYWHERE;
      if (this.slot[first] === 0) this.slot[first] = this.buckets.push({ one: [], ascii: new Array<Candidate[] | undefined>(128).fill(undefined), pair: new Map() });
      const bucket = this.buckets[this.slot[first]! - 1]!;
      const candidate = { list, prefixes: group, wordStart };
      if (key.length === 1) bucket.one.push(candidate);
      else {
        const second = key.charCodeAt(1);
        if (second < 128) bucket.ascii[second] = [...(bucket.ascii[second] ?? []), candidate];
        else bucket.pair.set(second, [...(bucket.pair.get(second) ?? []), candidate]);
      }
    }
  }

  /** Each list's count over `text`, in the order given (the array is reused by the next run). */
  run(text: string): Int32Array {
    const { results, resume, tried, caps, kinds, slot, buckets } = this;
    let open = 0;
    for (let i = 0; i < results.length; i++) {
      resume[i] = 0;
      tried[i] = -1;
      this.firstStart[i] = -1;
      this.firstEnd[i] = -1;
      const seen = this.seen[i]!;
      if (seen.length > 0) seen.length = 0;
      if (this.unindexed[i] === true) {
        const list = this.lists[i]!;
        results[i] = this.tallies[i] === 'count' ? countMatches(list.regex, text, caps[i]!) : distinctMatches(list.regex, text, caps[i]!);
      } else {
        results[i] = 0;
        if (caps[i]! > 0) open++;
        this.gateOpen[i] = gateOpen(text, this.lists[i]!.anywhereGate);
      }
    }
    // Entries anchored to the start are tried there, before any other position.
    for (let i = 0; i < results.length; i++) {
      const anchored = this.lists[i]!.startPrefixes;
      if (anchored.length > 0 && this.unindexed[i] !== true && startsWithAny(text, 0, anchored, 0) && this.attempt(text, 0, i)) open--;
    }
    if (open === 0) return results;
    const length = text.length;
    let afterWord = false;
    for (let p = 0; p < length; p++) {
      const code = text.charCodeAt(p);
      const kind = kinds[code]!;
      if ((kind & ANYWHERE) !== 0 || ((kind & WORD_START) !== 0 && !afterWord)) {
        const bucket = buckets[slot[code]! - 1]!;
        if (bucket.one.length > 0) open -= this.tryAt(text, p, afterWord, bucket.one);
        const second = p + 1 < length ? text.charCodeAt(p + 1) : -1;
        const pair = second < 0 ? undefined : second < 128 ? bucket.ascii[second] : bucket.pair.get(second);
        if (pair !== undefined) open -= this.tryAt(text, p, afterWord, pair);
        if (open === 0) break;
      }
      afterWord = (kind & IS_WORD) !== 0;
    }
    return results;
  }

  /** Runs the candidates' lists at p; returns how many lists reached their cap. */
  private tryAt(text: string, p: number, afterWord: boolean, candidates: readonly Candidate[]): number {
    const { results, resume, tried, caps } = this;
    let filled = 0;
    for (let c = 0; c < candidates.length; c++) {
      const candidate = candidates[c]!;
      const i = candidate.list;
      if (candidate.wordStart ? afterWord : !this.gateOpen[i]) continue;
      if (p < resume[i]! || tried[i] === p || results[i]! >= caps[i]! || !startsWithAny(text, p, candidate.prefixes, 2)) continue;
      if (this.attempt(text, p, i)) filled++;
    }
    return filled;
  }

  /** Runs list i's regex at p and tallies a match; returns whether the list reached its cap. */
  private attempt(text: string, p: number, i: number): boolean {
    const { results, resume, tried, caps } = this;
    tried[i] = p;
    const sticky = this.lists[i]!.sticky;
    sticky.lastIndex = p;
    // test, not exec: most attempts fail, and a match's end is lastIndex (no match array to build).
    if (!sticky.test(text)) return false;
    const end = sticky.lastIndex;
    resume[i] = end > p ? end : p + 1;
    if (this.firstStart[i] === -1) {
      this.firstStart[i] = p;
      this.firstEnd[i] = end;
    }
    if (this.tallies[i] === 'count') results[i]!++;
    else {
      const seen = this.seen[i]!;
      const found = text.slice(p, end);
      if (!seen.includes(found)) seen.push(found);
      results[i] = seen.length;
    }
    return results[i] === caps[i];
  }
}

/** Whether one of the prefixes starts at p (their first `known` characters are known to match). */
function startsWithAny(text: string, p: number, prefixes: readonly string[], known: number): boolean {
  for (let k = 0; k < prefixes.length; k++) {
    const prefix = prefixes[k]!;
    if (p + prefix.length > text.length) continue;
    let j = known;
    while (j < prefix.length && text.charCodeAt(p + j) === prefix.charCodeAt(j)) j++;
    if (j >= prefix.length) return true;
  }
  return false;
}

function gateOpen(text: string, gate: readonly string[]): boolean {
  if (gate.length === 0) return true;
  for (const c of gate) if (text.includes(c)) return true;
  return false;
}
