// The stored records of the cache and of idempotency are one line of JSON, its header, then bytes.
// Reading the header back is the same check for both: a record from another version of the router,
// or not a record at all, is null, never an exception.

const NEWLINE = 0x0a;

export interface HeaderLine {
  /** The header, parsed (still to be checked by its reader). */
  readonly header: unknown;
  /** Where the bytes after the header begin. */
  readonly bodyAt: number;
}

/** The header line of `bytes` and where the rest begins; null when there is no parsable first line. */
export function readHeaderLine(bytes: Buffer): HeaderLine | null {
  const newline = bytes.indexOf(NEWLINE);
  if (newline < 0) return null;
  try {
    return { header: JSON.parse(bytes.toString('utf8', 0, newline)), bodyAt: newline + 1 };
  } catch {
    return null;
  }
}
