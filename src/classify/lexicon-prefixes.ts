// The literal prefixes a word-list entry's matches can start with, read from the entry's regex
// source at load: 'explain\p{L}*' → explain; '(?:dis)?advantages' → disadvantages, advantages;
// "don'?t" → dont, don't; 'o\([^)]{1,12}\)' → o(. The lexicon scan (lexicon-scan.ts) runs an
// entry's regex only where the text starts with one of them. A prefix may stop short of what the
// entry fixes (a long class, \p{L}, a repetition end it), never go beyond it; '' means "any text".
//
// Understood: literals and escaped literals, `(?:…|…)` groups, small `[…]` classes and \d (spelled
// out), `?` `*` `+` `{m,n}`, and the anchors ^ $ \b (zero width). Anything else ends the prefix.

interface Prefix {
  readonly text: string;
  /** Whether what follows in the entry still extends this prefix. */
  readonly open: boolean;
}

/** More alternatives than this and the prefixes stop growing (they stay correct, only shorter). */
const MAX_PREFIXES = 256;
/** Classes with more members than this end a prefix rather than multiply it. */
const MAX_CLASS = 12;

export function literalPrefixes(source: string): string[] {
  const { prefixes } = alternation(source, 0);
  // A prefix that extends another adds nothing: where it starts, the shorter one starts too.
  const sorted = [...new Set(prefixes.map((p) => p.text))].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const prefix of sorted) if (!kept.some((shorter) => prefix.startsWith(shorter))) kept.push(prefix);
  return kept;
}

function alternation(source: string, start: number): { prefixes: Prefix[]; end: number } {
  const prefixes: Prefix[] = [];
  let at = start;
  for (;;) {
    const branch = sequence(source, at);
    prefixes.push(...branch.prefixes);
    at = branch.end;
    if (source[at] !== '|') return { prefixes, end: at };
    at++;
  }
}

function sequence(source: string, start: number): { prefixes: Prefix[]; end: number } {
  let current: Prefix[] = [{ text: '', open: true }];
  let at = start;
  while (at < source.length && source[at] !== '|' && source[at] !== ')') {
    const atom = readAtom(source, at);
    const quantifier = readQuantifier(source, atom.end);
    at = quantifier.end;
    if (atom.alternatives === 'zero-width') continue;
    current = extend(current, atom.alternatives, quantifier.min, quantifier.repeats);
    if (current.length > MAX_PREFIXES) current = current.map((p) => ({ text: p.text, open: false }));
  }
  return { prefixes: current, end: at };
}

/** current × atom, for an atom repeated min.. times (repeats: more than once is possible). */
function extend(current: readonly Prefix[], atom: readonly Prefix[] | null, min: number, repeats: boolean): Prefix[] {
  const next: Prefix[] = [];
  for (const prefix of current) {
    if (!prefix.open) {
      next.push(prefix);
      continue;
    }
    if (atom === null) {
      next.push({ text: prefix.text, open: false });
      continue;
    }
    if (min === 0) next.push(prefix);
    // A repeated atom could come again: the prefix stops after its first occurrence.
    for (const a of atom) next.push({ text: prefix.text + a.text, open: a.open && !repeats });
  }
  return next;
}

interface Atom {
  /** The atom's own prefixes; null when unknown (ends the prefix); 'zero-width' for anchors. */
  readonly alternatives: Prefix[] | null | 'zero-width';
  readonly end: number;
}

function readAtom(source: string, at: number): Atom {
  const c = source[at] ?? '';
  if (c === '^' || c === '$') return { alternatives: 'zero-width', end: at + 1 };
  if (c === '(') {
    if (source.startsWith('(?:', at)) {
      const inner = alternation(source, at + 3);
      return { alternatives: inner.prefixes, end: inner.end + 1 };
    }
    // A lookaround or a capturing group: skip it whole, its content unknown.
    const inner = alternation(source, at + (source[at + 1] === '?' ? (source[at + 2] === '<' ? 4 : 3) : 1));
    const lookaround = source[at + 1] === '?';
    return { alternatives: lookaround ? 'zero-width' : null, end: inner.end + 1 };
  }
  if (c === '[') return readClass(source, at);
  if (c === '\\') {
    const e = source[at + 1] ?? '';
    if (e === 'd') return { alternatives: chars('0123456789'), end: at + 2 };
    if (e === 'b' || e === 'B') return { alternatives: 'zero-width', end: at + 2 };
    if (e === 'p' || e === 'P') return { alternatives: null, end: source.indexOf('}', at) + 1 };
    if (/[a-zA-Z0-9]/.test(e)) return { alternatives: null, end: at + 2 };
    return { alternatives: chars(e), end: at + 2 };
  }
  if (c === '.') return { alternatives: null, end: at + 1 };
  return { alternatives: chars(c), end: at + 1 };
}

/** `[…]`: its members when it is small and positive; otherwise unknown. */
function readClass(source: string, at: number): Atom {
  let i = at + 1;
  const members: string[] = [];
  let known = source[i] !== '^';
  while (i < source.length && source[i] !== ']') {
    let c = source[i] ?? '';
    if (c === '\\') {
      const e = source[i + 1] ?? '';
      if (e === 'd') members.push(...'0123456789');
      else if (/[a-zA-Z0-9]/.test(e)) known = false;
      else members.push(e);
      i = e === 'p' || e === 'P' ? source.indexOf('}', i) + 1 : i + 2;
      continue;
    }
    if (source[i + 1] === '-' && source[i + 2] !== ']' && i + 2 < source.length) {
      const to = source[i + 2] === '\\' ? (source[i + 3] ?? '') : (source[i + 2] ?? '');
      for (let code = c.charCodeAt(0); code <= to.charCodeAt(0) && members.length <= MAX_CLASS; code++) members.push(String.fromCharCode(code));
      if (to.charCodeAt(0) - c.charCodeAt(0) >= MAX_CLASS) known = false;
      i += source[i + 2] === '\\' ? 4 : 3;
      continue;
    }
    c = source[i] ?? '';
    members.push(c);
    i++;
  }
  const end = i + 1;
  return { alternatives: known && members.length <= MAX_CLASS ? chars(members.join('')) : null, end };
}

function readQuantifier(source: string, at: number): { min: number; repeats: boolean; end: number } {
  const c = source[at];
  let result: { min: number; repeats: boolean; end: number };
  if (c === '?') result = { min: 0, repeats: false, end: at + 1 };
  else if (c === '*') result = { min: 0, repeats: true, end: at + 1 };
  else if (c === '+') result = { min: 1, repeats: true, end: at + 1 };
  else if (c === '{') {
    const close = source.indexOf('}', at);
    const [low = '0', high] = source.slice(at + 1, close).split(',');
    result = { min: Number(low), repeats: high === undefined ? Number(low) > 1 : high === '' || Number(high) > 1, end: close + 1 };
  } else return { min: 1, repeats: false, end: at };
  // A lazy quantifier matches the same strings.
  if (source[result.end] === '?') result = { ...result, end: result.end + 1 };
  return result;
}

function chars(members: string): Prefix[] {
  return [...new Set(members)].map((c) => ({ text: c, open: true }));
}

/**
 * A character beyond ASCII that every match of the entry contains (a literal outside any group,
 * class or optional part), or null: `[3-9]\d{2,3}字` → 字. A list of CJK entries that start with
 * digits is then tried only on texts holding one of these characters.
 */
export function mandatoryChar(source: string): string | null {
  for (let at = 0; at < source.length;) {
    const c = source[at] ?? '';
    let end = at + 1;
    if (c === '|') return null;
    if (c === '\\') end = source[at + 1] === 'p' || source[at + 1] === 'P' ? source.indexOf('}', at) + 1 : at + 2;
    else if (c === '[') end = source.indexOf(']', at + 1) + 1;
    else if (c === '(') {
      let depth = 0;
      for (end = at; end < source.length; end++) {
        if (source[end] === '\\') end++;
        else if (source[end] === '(') depth++;
        else if (source[end] === ')' && --depth === 0) break;
      }
      end++;
    }
    const next = source[end];
    const optional = next === '?' || next === '*' || (next === '{' && source[end + 1] === '0');
    if (c.charCodeAt(0) >= 0x80 && end === at + 1 && !optional) return c;
    at = end;
  }
  return null;
}
