// The two other chunks every chat stream has, read without parsing them when they say nothing else:
// the opening one (the assistant role, and empty content) and the closing one (an empty delta and its
// finish_reason), in the no-space spelling vLLM, SGLang and TGI write. Anything more, or any doubt (a
// usage object, an error, another choice, an escape in the reason), and the chunk is parsed, as
// plain-delta.ts does for content; a parse reads these two as "start" and "finish_reason = …" and
// nothing else, so the translation is the same either way (plain-ends.test.ts).
const DELTA = '"delta"';
const DELTA_KEY = '"delta":';
// Found from their brace, then the key before them checked: a needle that opens with a quote is slow to
// find in JSON (plain-delta.ts).
const OPENINGS = ['{"role":"assistant","content":""}', '{"role":"assistant"}'];
const EMPTY = '{}';
/** Members that would make a chunk say more: a delta, a finish reason or a usage object. */
const MORE = /"(?:delta"|finish_reason":"|usage":\{)/g;
/** After an empty delta: its one finish reason (captured), or anything that makes the chunk say more (not captured). */
const CLOSING = /"(?:finish_reason":"([a-z_]+)"|delta"|finish_reason"|usage":\{)/g;
const USAGE = /"usage":\{/;

/** Whether what was found at `at` is the value of the chunk's first delta, with no usage object or error before it. */
function plain(data: string, at: number): boolean {
  const key = at - DELTA_KEY.length;
  return key >= 0 && data.startsWith(DELTA_KEY, key) && data.indexOf(DELTA) === key && !data.startsWith('{"error"') && !USAGE.test(data.slice(0, key));
}

/** Whether the chunk only opens the answer (its delta is the assistant role, and empty content or none). */
export function isPlainOpening(data: string): boolean {
  for (const opening of OPENINGS) {
    const at = data.indexOf(opening);
    if (!plain(data, at)) continue;
    MORE.lastIndex = at + opening.length;
    return !MORE.test(data);
  }
  return false;
}

/** The finish_reason of a chunk that says nothing else (an empty delta), or null when the chunk must be parsed. */
export function plainFinishReason(data: string): string | null {
  const at = data.indexOf(EMPTY);
  if (!plain(data, at)) return null;
  CLOSING.lastIndex = at + EMPTY.length;
  const first = CLOSING.exec(data);
  const reason = first?.[1];
  if (reason === undefined) return null;
  return CLOSING.exec(data) === null ? reason : null;
}
