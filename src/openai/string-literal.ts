// The end of a JSON string literal found in an engine's text, checked on the way: the translators copy
// a chat chunk's content literal into their own events without parsing the chunk, and a literal copied
// must be valid JSON in theirs, whatever the engine sent.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const U = 0x75;
const ESCAPES = new Set([...'"\\/bfnrt'].map((c) => c.charCodeAt(0)));
const HEX4 = /^[0-9a-fA-F]{4}$/;

/**
 * The index of the quote that closes the literal whose body starts at `start`; -1 when the literal
 * does not close, or holds what JSON refuses (an escape other than JSON's, a raw control character).
 */
export function literalEnd(data: string, start: number): number {
  for (let at = start; at < data.length; at++) {
    const code = data.charCodeAt(at);
    if (code === QUOTE) return at;
    if (code === BACKSLASH) {
      const escape = data.charCodeAt(++at);
      if (escape === U) {
        if (!HEX4.test(data.slice(at + 1, at + 5))) return -1;
        at += 4;
      } else if (!ESCAPES.has(escape)) return -1;
    } else if (code < 0x20) return -1;
  }
  return -1;
}
