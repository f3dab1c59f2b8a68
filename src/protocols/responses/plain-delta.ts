// The common chat chunk, read without parsing it: one choice whose delta is only non-empty content, no
// finish_reason, no usage, no error (the no-space spelling vLLM, TGI, SGLang and OpenAI write). Its
// content's JSON string literal can go into a Responses delta as it came: a valid literal in the
// engine's JSON is one in ours, and literals joined are the literal of the joined text (an escaped
// surrogate pair split across chunks included). Anything else is null, and the chunk is parsed.
// Searched for from its brace: a needle that starts with a quote is slow to find in JSON, where every
// other character is one. A `{"content":"` with a raw quote cannot be inside a string, so the first is
// the structure's, and it must be the delta's.
import { literalEnd } from '../../openai/string-literal.js';

const CONTENT = '{"content":"';
const DELTA_KEY = '"delta":';
/** What must not follow the content: one regular expression scans the rest once (three searches cost three times as much). */
const AFTER = /"(?:delta"|finish_reason":"|usage":\{)/g;
const CLOSE_BRACE = 0x7d;

/** The content literal's body (between its quotes, escapes kept), or null when the chunk must be parsed. */
export function plainContentLiteral(data: string): string | null {
  const open = data.indexOf(CONTENT);
  if (open < DELTA_KEY.length || !data.startsWith(DELTA_KEY, open - DELTA_KEY.length) || data.startsWith('{"error"')) return null;
  const start = open + CONTENT.length;
  // Only a valid literal is copied; anything else is left to the parse (which refuses it).
  const end = literalEnd(data, start);
  if (end < 0 || end === start || data.charCodeAt(end + 1) !== CLOSE_BRACE) return null;
  AFTER.lastIndex = end + 2;
  if (AFTER.test(data)) return null;
  return data.slice(start, end);
}
