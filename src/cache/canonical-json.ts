// Canonical JSON, RFC 8785 (JCS): members sorted by their names' UTF-16 code units, primitives written
// as ECMAScript's JSON.stringify writes them, no whitespace. Two bodies that mean the same JSON give
// the same text whatever their key order and spacing, so the cache key of a request (request-key.ts)
// does not depend on how a client's JSON library happened to order or space it. Written here rather
// than taken from a dependency: it is on every cacheable request's path, and the RFC's rules are few.
// https://datatracker.ietf.org/doc/rfc8785 section 3.2
// Made by copying the value with its members inserted in canonical order and letting JSON.stringify
// write the copy: JSON.stringify keeps insertion order, writes primitives as the RFC asks, and in
// native code does in one pass what a writer in JavaScript did with a call and a string per member
// (2.5 against 1.2 µs for a one-message chat body). Two kinds of name defeat insertion order, and a
// value holding either is written member by member instead (the second writer below): integer-like
// names (JSON.stringify puts array indices first, in numeric order: `logit_bias` has them) and
// `__proto__` (assigning it sets the copy's prototype).
import { MAX_JSON_DEPTH } from '../http/read-json.js';

/**
 * The canonical text of a value parsed from JSON. Throws a RangeError past MAX_JSON_DEPTH levels.
 * `depth`: how deep the value sits in the document it belongs to (a member of the top object is at 1).
 */
export function canonicalJson(value: unknown, depth = 0): string {
  try {
    return JSON.stringify(ordered(value, depth)) ?? 'null';
  } catch (thrown) {
    if (thrown !== UNORDERABLE) throw thrown;
    return write(value, depth, null);
  }
}

/**
 * The canonical text of an object without the members `skip` names (the request keys leave transport
 * fields out of a body), as canonicalJson would write the object they leave.
 */
export function canonicalObject(object: Readonly<Record<string, unknown>>, depth: number, skip: (name: string, value: unknown) => boolean): string {
  try {
    return JSON.stringify(orderedObject(object, depth, skip));
  } catch (thrown) {
    if (thrown !== UNORDERABLE) throw thrown;
    return write(object, depth, skip);
  }
}

/** Thrown by a copy that insertion order cannot put in canonical order: one instance, made at load, so a throw captures no stack. */
class Unorderable extends Error {}
const UNORDERABLE = new Unorderable('a member name JSON.stringify does not write in insertion order');

/** A value whose JSON.stringify text is the value's canonical text. */
function ordered(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (!Array.isArray(value)) return orderedObject(value as Record<string, unknown>, depth, null);
  if (depth >= MAX_JSON_DEPTH) throw new RangeError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  const copy: unknown[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) copy[i] = ordered(value[i], depth + 1);
  return copy;
}

function orderedObject(object: Readonly<Record<string, unknown>>, depth: number, skip: ((name: string, value: unknown) => boolean) | null): Record<string, unknown> {
  if (depth >= MAX_JSON_DEPTH) throw new RangeError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  const copy: Record<string, unknown> = {};
  for (const name of sortedNames(object)) {
    const member = object[name];
    if (member === undefined || (skip !== null && skip(name, member))) continue;
    if (!insertable(name)) throw UNORDERABLE;
    copy[name] = ordered(member, depth + 1);
  }
  return copy;
}

/** Up to this many names an insertion sort, which allocates nothing; past it Array.prototype.sort, whose work array no longer matters beside its n log n. */
const FEW_NAMES = 16;

/**
 * The object's own names in RFC 8785 section 3.2.3's order: by UTF-16 code units, which is how both
 * `<` and Array.prototype.sort without a comparator compare strings. The objects of a request are
 * small, and the built-in sort copied its array into a work array on every call (about 1 KB of garbage
 * for a five-member object, two thirds of what canonicalising a chat body allocated).
 */
function sortedNames(object: Readonly<Record<string, unknown>>): string[] {
  const names = Object.keys(object);
  if (names.length > FEW_NAMES) return names.sort();
  for (let i = 1; i < names.length; i++) {
    const name = names[i]!;
    let j = i - 1;
    for (; j >= 0 && names[j]! > name; j--) names[j + 1] = names[j]!;
    names[j + 1] = name;
  }
  return names;
}

/** A name JSON.stringify writes where it was inserted: not one that may be an array index (a digit first), nor `__proto__`. */
function insertable(name: string): boolean {
  const first = name.charCodeAt(0);
  return !(first >= 0x30 && first <= 0x39) && name !== '__proto__';
}

/** The writer for what the copy cannot order: member by member. */
function write(value: unknown, depth: number, skip: ((name: string, value: unknown) => boolean) | null): string {
  if (typeof value !== 'object' || value === null) {
    // Strings, finite numbers (-0 becomes 0, 1e30 becomes 1e+30), booleans and null: exactly JSON.stringify.
    return JSON.stringify(value) ?? 'null';
  }
  if (depth >= MAX_JSON_DEPTH) throw new RangeError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + write(value[i], depth + 1, null);
    return out + ']';
  }
  const object = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const name of sortedNames(object)) {
    const member = object[name];
    if (member === undefined || (skip !== null && skip(name, member))) continue;
    out += (first ? '' : ',') + JSON.stringify(name) + ':' + write(member, depth + 1, null);
    first = false;
  }
  return out + '}';
}
