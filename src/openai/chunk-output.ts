// The output one streamed chunk carries, as text: what a budget counts as generated. Every choice's
// delta (content, reasoning, a refusal, tool call arguments) or, for legacy completions, its text. Engines
// send a token per chunk when they can, but not always: speculative decoding sends several, hosted
// APIs and content filters batch them, so a chunk is counted by what it holds, not as one.
import { isObject } from '../json-object.js';

/** The chunk's generated text; '' when it holds none or is not JSON. */
export function chunkOutputText(data: string): string {
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    return '';
  }
  const choices = isObject(chunk) ? chunk['choices'] : undefined;
  if (!Array.isArray(choices)) return '';
  let text = '';
  for (const choice of choices as unknown[]) {
    if (!isObject(choice)) continue;
    text += stringOr(choice['text']);
    const delta = choice['delta'];
    if (!isObject(delta)) continue;
    text += stringOr(delta['content']) + stringOr(delta['reasoning_content'] ?? delta['reasoning']) + stringOr(delta['refusal']);
    const calls = delta['tool_calls'];
    if (!Array.isArray(calls)) continue;
    for (const call of calls as unknown[]) {
      const fn = isObject(call) ? call['function'] : undefined;
      if (isObject(fn)) text += stringOr(fn['name']) + stringOr(fn['arguments']);
    }
  }
  return text;
}

function stringOr(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
