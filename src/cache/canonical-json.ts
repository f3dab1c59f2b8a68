// Canonical JSON, RFC 8785 (JCS): members sorted by their names' UTF-16 code units, primitives written
// as ECMAScript's JSON.stringify writes them, no whitespace. Two bodies that mean the same JSON give
// the same text whatever their key order and spacing, so the cache key of a request (request-key.ts)
// does not depend on how a client's JSON library happened to order or space it. Hand-written: a few
// lines beat a dependency on the hot path. https://datatracker.ietf.org/doc/rfc8785 section 3.2
import { MAX_JSON_DEPTH } from '../http/read-json.js';

/**
 * The canonical text of a value parsed from JSON. Throws a RangeError past MAX_JSON_DEPTH levels.
 * `depth`: how deep the value sits in the document it belongs to (a member of the top object is at 1).
 */
export function canonicalJson(value: unknown, depth = 0): string {
  return write(value, depth);
}

function write(value: unknown, depth: number): string {
  if (typeof value !== 'object' || value === null) {
    // Strings, finite numbers (-0 becomes 0, 1e30 becomes 1e+30), booleans and null: exactly JSON.stringify.
    return JSON.stringify(value) ?? 'null';
  }
  if (depth >= MAX_JSON_DEPTH) throw new RangeError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + write(value[i], depth + 1);
    return out + ']';
  }
  const object = value as Record<string, unknown>;
  // Array.prototype.sort without a comparator compares UTF-16 code units, as RFC 8785 section 3.2.3 asks.
  const names = Object.keys(object).sort();
  let out = '{';
  let first = true;
  for (const name of names) {
    const member = object[name];
    if (member === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(name) + ':' + write(member, depth + 1);
    first = false;
  }
  return out + '}';
}
