// JSON's whitespace (RFC 8259: space, tab, line feed, carriage return), skipped wherever the router
// reads JSON in place, on bytes or on text, instead of parsing it.

export function isJsonSpace(code: number | undefined): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** The index of the first byte at or after `from`, before `end`, that is not JSON whitespace. */
export function skipJsonSpace(bytes: Buffer, from: number, end = bytes.length): number {
  let at = from;
  while (at < end && isJsonSpace(bytes[at])) at++;
  return at;
}

/** The index of the first character at or after `from` that is not JSON whitespace. */
export function skipJsonSpaceIn(text: string, from: number): number {
  let at = from;
  while (isJsonSpace(text.charCodeAt(at))) at++;
  return at;
}
