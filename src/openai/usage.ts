// Token usage as engines report it, found without parsing the whole response, and normalised at this
// boundary to one shape whatever the engine: the whole prompt, the part of it served from a prompt
// cache, the part written to one, and the completion.
//   OpenAI (openai/openai-openapi openapi.yaml @f85dbe22, CompletionUsage): `prompt_tokens` is the
//     whole prompt and `prompt_tokens_details.cached_tokens` ("Cached tokens present in the prompt") is
//     a part of it, as is `cache_write_tokens` ("prompt tokens written to cache").
//   vLLM (vllm/entrypoints/openai/engine/protocol.py @040a2cc2, UsageInfo): the same field, but
//     `prompt_tokens_details` is only filled with --enable-prompt-tokens-details; otherwise null.
//   TGI (huggingface/text-generation-inference router/src/lib.rs @db931fcf, Usage): prompt, completion
//     and total only.
// A count the engine did not report is null, never 0: "not said" and "none cached" price the same, but
// the access line must not claim a cache miss the engine never reported.

import { skipJsonSpaceIn } from '../json-whitespace.js';

export interface Usage {
  /** The whole prompt, cached parts included. */
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Prompt tokens served from the engine's prompt cache (a part of promptTokens); null when not reported. */
  readonly cachedTokens: number | null;
  /** Prompt tokens written to the engine's prompt cache (a part of promptTokens); null when not reported. */
  readonly cacheWriteTokens: number | null;
}

/**
 * Finds the last `"usage": {…}` object in a JSON text (a whole response or one SSE event) and reads
 * its token counts. Responses put usage at the top level after the choices or the embeddings, so
 * searching from the end skips the bulk of the body. Returns null for `"usage": null` or none.
 */
export function extractUsage(json: string): Usage | null {
  const span = usageSpan(json);
  return span === null ? null : readUsage(json.slice(span.open, span.close + 1));
}

/**
 * The usage object with one more member before its closing brace, e.g. OpenRouter's `"cost"`:
 * `valueJson` is inserted as written (a JSON number text stays exact). Null when there is no usage object.
 */
export function withUsageMember(json: string, name: string, valueJson: string): string | null {
  const span = usageSpan(json);
  if (span === null) return null;
  const empty = json.slice(span.open + 1, span.close).trim() === '';
  return `${json.slice(0, span.close)}${empty ? '' : ','}${JSON.stringify(name)}:${valueJson}${json.slice(span.close)}`;
}

/**
 * Where the last usage object opens and closes (the indexes of its braces); braces inside strings are
 * not expected in usage. A `"usage"` not followed by a colon is a string value (vLLM's prompt_logprobs
 * can decode a token as one), not the key: the search goes on before it.
 */
function usageSpan(json: string): { open: number; close: number } | null {
  let key = json.lastIndexOf('"usage"');
  let value = -1;
  for (; key >= 0; key = json.lastIndexOf('"usage"', key - 1)) {
    value = skipJsonSpaceIn(json, key + 7);
    if (json.charCodeAt(value) === COLON) break;
  }
  if (key < 0) return null;
  const open = skipJsonSpaceIn(json, value + 1);
  if (json.charCodeAt(open) !== OPEN_BRACE) return null;
  let depth = 0;
  for (let i = open; i < json.length; i++) {
    const ch = json.charCodeAt(i);
    if (ch === 0x7b) depth++;
    else if (ch === 0x7d && --depth === 0) return { open, close: i };
  }
  return null;
}

const COLON = 0x3a;
const OPEN_BRACE = 0x7b;

function readUsage(text: string): Usage | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const usage = parsed as Record<string, unknown>;
  const prompt = count(usage['prompt_tokens']);
  const completionValue = usage['completion_tokens'];
  // Absent (embeddings) is none; present, it must be a count like the prompt's.
  const completion = completionValue === undefined || completionValue === null ? 0 : count(completionValue);
  if (prompt === null || completion === null) return null;
  const details = usage['prompt_tokens_details'];
  const detail = (name: string): number | null => {
    if (typeof details !== 'object' || details === null) return null;
    return count((details as Record<string, unknown>)[name]);
  };
  // Parts of the prompt, clamped to it: a hostile engine's cached_tokens > prompt_tokens must not price below zero.
  const cached = detail('cached_tokens');
  const written = detail('cache_write_tokens');
  const cachedTokens = cached === null ? null : Math.min(cached, prompt);
  return {
    promptTokens: prompt,
    completionTokens: completion,
    cachedTokens,
    cacheWriteTokens: written === null ? null : Math.min(written, prompt - (cachedTokens ?? 0)),
  };
}

/** More tokens than any one answer has: a count past it is an engine's bug, not usage to charge. */
const MAX_TOKEN_COUNT = 1_000_000_000;

/**
 * A token count as an engine may send it: a finite number from 0 to MAX_TOKEN_COUNT, rounded to a whole
 * token (JSON's 1e400 parses to Infinity). Anything else is null: no cost, counter or budget is built on it.
 */
function count(value: unknown): number | null {
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_TOKEN_COUNT)) return null;
  return Math.round(value);
}
