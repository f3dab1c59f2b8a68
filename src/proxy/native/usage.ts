// Token usage as the two native APIs report it, normalised to the router's Usage (src/openai/usage.ts)
// so cost and budgets are charged as for chat (src/cost/charge.ts):
//   Responses (openai/openai-openapi openapi.yaml @f85dbe22, ResponseUsage): `input_tokens` is the whole
//     prompt, `input_tokens_details.cached_tokens` a part of it; `output_tokens` includes reasoning.
//   Messages (anthropics/anthropic-sdk-typescript src/resources/messages/messages.ts @bfa9197f, Usage):
//     `input_tokens` is only the uncached part; `cache_read_input_tokens` and
//     `cache_creation_input_tokens` are the rest of the prompt. In a stream, message_start carries the
//     input counts and message_delta the cumulative totals, which overwrite when present (design-16 §0).
import type { Usage } from '../../openai/usage.js';
import type { Json } from './native-out.js';
import { isObject } from '../../json-object.js';

/** A Response object's `usage`; null when absent or not counts. */
export function responsesUsage(response: Json): Usage | null {
  const usage = response['usage'];
  if (!isObject(usage)) return null;
  const input = count(usage['input_tokens']);
  const output = count(usage['output_tokens']);
  if (input === null || output === null) return null;
  const details = usage['input_tokens_details'];
  const cached = isObject(details) ? count(details['cached_tokens']) : null;
  return { promptTokens: input, completionTokens: output, cachedTokens: cached === null ? null : Math.min(cached, input), cacheWriteTokens: null };
}

/** Anthropic's usage counts, as they arrive (a stream's message_delta overwrites message_start's). */
export class MessagesUsage {
  private readonly counts = new Map<string, number>();

  /** Takes the counts `usage` states; the ones it leaves out keep their earlier value. */
  add(usage: unknown): void {
    if (!isObject(usage)) return;
    for (const field of FIELDS) {
      const value = count(usage[field]);
      if (value !== null) this.counts.set(field, value);
    }
  }

  /** The usage so far; null until both input and output counts were stated. */
  usage(): Usage | null {
    const input = this.counts.get('input_tokens');
    const output = this.counts.get('output_tokens');
    if (input === undefined || output === undefined) return null;
    const read = this.counts.get('cache_read_input_tokens') ?? null;
    const written = this.counts.get('cache_creation_input_tokens') ?? null;
    return { promptTokens: input + (read ?? 0) + (written ?? 0), completionTokens: output, cachedTokens: read, cacheWriteTokens: written };
  }
}

const FIELDS = ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const;

/** As src/openai/usage.ts counts: a whole number of tokens up to a billion, else not a count. */
function count(value: unknown): number | null {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1_000_000_000)) return null;
  return Math.round(value);
}
