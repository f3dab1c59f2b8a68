// A JSON object's text with some top-level members' values replaced, everything else as the client
// wrote it. Forwarded bodies are built this way rather than re-serialised: JSON.parse and stringify
// change what they touch (integers past 2^53 lose digits, 1E400 becomes null, integer-like keys move
// first, which reorders a JSON schema's `properties`, the order guided decoding generates in).
import { isJsonSpace, skipJsonSpaceIn } from '../json-whitespace.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * `source` (a JSON object's text, already parsed once, so valid) with the value of each member named
 * in `values` (name → JSON text) replaced, every occurrence of a repeated name included; members it
 * does not hold are added at the end. Null when the text is not an object.
 */
export function withMembers(source: string, values: ReadonlyMap<string, string>): string | null {
  let at = skipJsonSpaceIn(source, 0);
  if (source.charCodeAt(at) !== OPEN_BRACE) return null;
  const found = new Set<string>();
  let out = '';
  let copiedTo = 0;
  // Where the last member's value ends: members are added there (after the brace in an empty object).
  let last = at + 1;
  let members = 0;
  at = skipJsonSpaceIn(source, at + 1);
  while (source.charCodeAt(at) !== CLOSE_BRACE) {
    if (source.charCodeAt(at) !== QUOTE) return null;
    const keyEnd = stringEnd(source, at);
    if (keyEnd < 0) return null;
    const key = memberName(source, at, keyEnd);
    at = skipJsonSpaceIn(source, keyEnd);
    if (source.charCodeAt(at) !== COLON) return null;
    const valueStart = skipJsonSpaceIn(source, at + 1);
    const valueEnd = valueEndAt(source, valueStart);
    if (valueEnd < 0) return null;
    const value = values.get(key);
    if (value !== undefined) {
      found.add(key);
      out += source.slice(copiedTo, valueStart) + value;
      copiedTo = valueEnd;
    }
    last = valueEnd;
    members++;
    at = skipJsonSpaceIn(source, valueEnd);
    if (source.charCodeAt(at) === COMMA) at = skipJsonSpaceIn(source, at + 1);
    else if (source.charCodeAt(at) !== CLOSE_BRACE) return null;
  }
  let added = '';
  for (const [name, value] of values) if (!found.has(name)) added += `${members > 0 || added !== '' ? ',' : ''}${JSON.stringify(name)}:${value}`;
  if (added === '') return out + source.slice(copiedTo);
  return out + source.slice(copiedTo, last) + added + source.slice(last);
}

/**
 * `source` (a JSON object's text, already parsed once, so valid) without the members named in `names`,
 * every occurrence of a repeated name included; the rest as written. Null when the text is not an object.
 */
export function withoutMembers(source: string, names: ReadonlySet<string>): string | null {
  // out: the text so far, from the brace to the last member kept; separator: what followed that member
  // up to the next member's name (its comma), written only when another member is kept after it. The
  // object is closed with what followed its last member (end).
  const kept = { out: '', separator: '', any: false, end: -1 };
  const object = eachMember(source, (member) => {
    if (kept.end < 0) kept.out = source.slice(0, member.keyStart);
    kept.end = member.valueEnd;
    if (names.has(memberName(source, member.keyStart, member.keyEnd))) return;
    kept.out += (kept.any ? kept.separator : '') + source.slice(member.keyStart, member.valueEnd);
    kept.separator = source.slice(member.valueEnd, member.next);
    kept.any = true;
  });
  if (object === null) return null;
  return kept.end < 0 ? source : kept.out + source.slice(kept.end);
}

/**
 * The text of the value of `source`'s top-level member `name` (its last occurrence, as JSON.parse
 * keeps), as written; null when it has none or the text is not an object.
 */
export function memberText(source: string, name: string): string | null {
  let found: string | null = null;
  const object = eachMember(source, (member) => {
    if (memberName(source, member.keyStart, member.keyEnd) === name) found = source.slice(member.valueStart, member.valueEnd);
  });
  return object === null ? null : found;
}

/**
 * The text of the value at `path` in `source` (already parsed once, so valid), as written: member names
 * (the last occurrence, as JSON.parse keeps) and array indices in turn. Null when there is none.
 */
export function textAt(source: string, path: readonly (string | number)[]): string | null {
  let start = skipJsonSpaceIn(source, 0);
  for (const step of path) {
    start = typeof step === 'string' ? memberValueStart(source, start, step) : elementStart(source, start, step);
    if (start < 0) return null;
  }
  const end = valueEndAt(source, start);
  return end < 0 ? null : source.slice(start, end);
}

/** Where the value of the object at `at`'s member `name` starts (its last occurrence); -1 when it has none. */
function memberValueStart(source: string, at: number, name: string): number {
  let found = -1;
  const object = eachMember(
    source,
    (member) => {
      if (memberName(source, member.keyStart, member.keyEnd) === name) found = member.valueStart;
    },
    at,
  );
  return object === null ? -1 : found;
}

/** Where element `index` of the array at `at` starts; -1 when it has none. */
function elementStart(source: string, at: number, index: number): number {
  if (source.charCodeAt(at) !== OPEN_BRACKET) return -1;
  let start = skipJsonSpaceIn(source, at + 1);
  for (let i = 0; source.charCodeAt(start) !== CLOSE_BRACKET; i++) {
    if (i === index) return start;
    const end = valueEndAt(source, start);
    if (end < 0) return -1;
    start = skipJsonSpaceIn(source, end);
    if (source.charCodeAt(start) !== COMMA) return -1;
    start = skipJsonSpaceIn(source, start + 1);
  }
  return -1;
}

/** Where one member is: its name's literal [keyStart, keyEnd), its value [valueStart, valueEnd), and the next member's name (or the closing brace). */
interface MemberSpan {
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
  next: number;
}

/**
 * Calls `visit` with each member of the object `source` holds at `from` (its top level by default), in
 * order (one span object, reused); null when the text there is not an object. The walk withoutMembers and memberText share;
 * withMembers, which every forwarded request runs, keeps a loop of its own with no callback.
 */
function eachMember(source: string, visit: (member: Readonly<MemberSpan>) => void, from = 0): true | null {
  let at = skipJsonSpaceIn(source, from);
  if (source.charCodeAt(at) !== OPEN_BRACE) return null;
  const member: MemberSpan = { keyStart: 0, keyEnd: 0, valueStart: 0, valueEnd: 0, next: 0 };
  at = skipJsonSpaceIn(source, at + 1);
  while (source.charCodeAt(at) !== CLOSE_BRACE) {
    if (source.charCodeAt(at) !== QUOTE) return null;
    member.keyStart = at;
    member.keyEnd = stringEnd(source, at);
    if (member.keyEnd < 0) return null;
    at = skipJsonSpaceIn(source, member.keyEnd);
    if (source.charCodeAt(at) !== COLON) return null;
    member.valueStart = skipJsonSpaceIn(source, at + 1);
    member.valueEnd = valueEndAt(source, member.valueStart);
    if (member.valueEnd < 0) return null;
    at = skipJsonSpaceIn(source, member.valueEnd);
    if (source.charCodeAt(at) === COMMA) at = skipJsonSpaceIn(source, at + 1);
    else if (source.charCodeAt(at) !== CLOSE_BRACE) return null;
    member.next = at;
    visit(member);
  }
  return true;
}

/** The member name of the string literal `source[start, end)`, decoded only when it holds an escape. */
function memberName(source: string, start: number, end: number): string {
  const body = source.slice(start + 1, end - 1);
  return body.includes('\\') ? (JSON.parse(source.slice(start, end)) as string) : body;
}

/** The index after the string literal opening at `start`; -1 when it does not close. */
function stringEnd(source: string, start: number): number {
  for (let at = source.indexOf('"', start + 1); at >= 0; at = source.indexOf('"', at + 1)) {
    // A quote after an odd number of backslashes is escaped.
    let slashes = 0;
    while (source.charCodeAt(at - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return at + 1;
  }
  return -1;
}

/** The index after the value starting at `start`: a string, an object or array (to its match), or a number or literal. */
function valueEndAt(source: string, start: number): number {
  const first = source.charCodeAt(start);
  if (first === QUOTE) return stringEnd(source, start);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let at = start;
    for (
      let code = source.charCodeAt(at);
      at < source.length && code !== COMMA && code !== CLOSE_BRACE && code !== CLOSE_BRACKET && !isJsonSpace(code);
      code = source.charCodeAt(++at)
    );
    return at > start ? at : -1;
  }
  let depth = 0;
  for (let at = start; at < source.length; at++) {
    const code = source.charCodeAt(at);
    if (code === QUOTE) {
      at = stringEnd(source, at) - 1;
      if (at < 0) return -1;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
    else if ((code === CLOSE_BRACE || code === CLOSE_BRACKET) && --depth === 0) return at + 1;
  }
  return -1;
}
