// The Idempotency-Key request header. The IETF draft makes it an RFC 8941 sf-string
// (`Idempotency-Key: "8e03978e-…"`, ietf-wg-httpapi/idempotency
// draft-ietf-httpapi-idempotency-key-header.md @dab060c, "Syntax"); Stripe and most SDKs send the bare
// token, up to 255 characters (https://docs.stripe.com/idempotency). Both are read; anything else is
// refused with a 400 that states the rule, so a client never believes a key protects it when it does not.
import { RouterError } from '../openai/errors.js';

export const MAX_KEY_LENGTH = 255;

const HEADER = 'idempotency-key';
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NO_RETRY = { 'x-should-retry': 'false' } as const;
/** Visible ASCII but the comma (which joins repeated headers): the bare form, checked in one test. */
const BARE = /^[!-+\--~]+$/;

/**
 * The key the client sent, unquoted, or null when it sent none. `value` is node's (repeats joined with
 * ", "); `rawHeaders` tells one header from two. Throws a 400 `invalid_idempotency_key` otherwise.
 */
export function readIdempotencyKey(value: string | string[] | undefined, rawHeaders: readonly string[]): string | null {
  if (value === undefined) return null;
  const sent = timesSent(rawHeaders);
  if (sent > 1 || Array.isArray(value)) throw invalid(`The Idempotency-Key header was sent ${Math.max(sent, 2)} times; send it once.`);
  const key = value.charCodeAt(0) === QUOTE ? unquote(value) : bare(value);
  if (key.length === 0) throw invalid('The Idempotency-Key header is empty; send 1 to 255 characters.');
  if (key.length > MAX_KEY_LENGTH) throw invalid(`The Idempotency-Key is ${key.length} characters long; at most ${MAX_KEY_LENGTH} are allowed.`);
  return key;
}

function timesSent(rawHeaders: readonly string[]): number {
  let sent = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]?.toLowerCase() === HEADER) sent++;
  return sent;
}

function bare(value: string): string {
  if (BARE.test(value) || value === '') return value;
  for (let i = 0; i < value.length; i++) {
    const problem = characterProblem(value.charCodeAt(i));
    if (problem !== null) throw invalid(`The Idempotency-Key contains ${problem} at position ${i + 1}. ${RULE}`);
  }
  throw invalid(`The Idempotency-Key contains a comma. ${RULE}`);
}

/** RFC 8941 §4.2.5 (Parsing a String): `\"` and `\\` are the only escapes, and visible ASCII or space the only characters. */
function unquote(value: string): string {
  let key = '';
  for (let i = 1; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === BACKSLASH) {
      i++;
      if (i === value.length) break;
      const next = value.charCodeAt(i);
      if (next !== QUOTE && next !== BACKSLASH) throw invalid(`The Idempotency-Key has an escape other than \\" or \\\\ at position ${i}. ${RULE}`);
      key += value[i];
    } else if (code === QUOTE) {
      if (i !== value.length - 1) throw invalid(`The Idempotency-Key has characters after the closing quote (parameters are not accepted). ${RULE}`);
      return key;
    } else {
      // Inside quotes a space and a comma are plain characters.
      const problem = code === 0x20 || code === 0x2c ? null : characterProblem(code);
      if (problem !== null) throw invalid(`The Idempotency-Key contains ${problem} at position ${i + 1}. ${RULE}`);
      key += value[i];
    }
  }
  throw invalid(`The Idempotency-Key starts with a quote but has no closing quote. ${RULE}`);
}

/** Why a character may not appear in a bare key (null: it may). */
function characterProblem(code: number): string | null {
  if (code < 0x20 || code === 0x7f) return `a control character (0x${code.toString(16).padStart(2, '0')})`;
  if (code > 0x7f) return 'a non-ASCII character';
  if (code === 0x20) return 'a space';
  if (code === 0x2c) return 'a comma';
  return null;
}

const RULE = 'Send one quoted string (RFC 8941) or 1 to 255 visible ASCII characters without spaces or commas, such as a UUID.';

function invalid(message: string): RouterError {
  return new RouterError('invalid_idempotency_key', message, { headers: NO_RETRY });
}
