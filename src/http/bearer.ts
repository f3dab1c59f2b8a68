// The credential of an `Authorization: Bearer <token>` header. Auth schemes are case-insensitive and
// may be followed by several spaces (RFC 9110 section 11.1, 11.4), so `bearer`, `BEARER` and
// `Bearer` all carry a token; any other scheme carries none.

/** The token, or '' when the header is absent, empty or of another scheme. */
export function bearerToken(header: string | undefined): string {
  // A space right after the six letters: `Bearerx …` and `Bearer…` are other schemes.
  if (header === undefined || header.length < 8 || header.charCodeAt(6) !== 0x20) return '';
  const scheme = header.slice(0, 6);
  if (scheme !== 'Bearer' && scheme.toLowerCase() !== 'bearer') return '';
  return header.slice(7).trim();
}
