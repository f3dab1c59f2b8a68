// Cheap necessary conditions for two costly regexes (shapes.ts), read character by character: where
// a gate says no, its regex cannot match and is not run. Results are the regexes' own
// (regex-gates.test.ts checks every labelled text and generated ones); only the cost changes: most
// prompts hold none of these characters, and a loop over them costs a fraction of the regex.

/**
 * Whether shapes.STACK_TRACE can match `lower`: every alternative but "panicked at" and
 * "segmentation fault" contains one of : ( ! [ (char-census.ts TRACE_CHARS, for texts without a census).
 */
export function mayHoldTrace(lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c === 58 || c === 40 || c === 33 || c === 91) return true;
  }
  return lower.includes('panicked at') || lower.includes('segmentation fault');
}

/**
 * Whether shapes.CODE_TOKEN can match `raw` (case-sensitive): each alternative needs a lower-case
 * letter just before an upper-case one (fooBar), a _, a . just before a word character
 * (obj.method(, main.py) or a backtick.
 */
export function mayHoldCodeToken(raw: string): boolean {
  let previous = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 95 || c === 96) return true;
    const upper = c >= 65 && c <= 90;
    if (upper && previous >= 97 && previous <= 122) return true;
    if (previous === 46 && (upper || (c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return true;
    previous = c;
  }
  return false;
}
