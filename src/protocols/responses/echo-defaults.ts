// The echoed settings most requests leave at their defaults (no text format, no tools, no metadata, a
// reasoning effort or none), each one shared object with its JSON text beside it: the Response's text
// (response-text.ts) finds the text by the object instead of encoding the same few bytes again for
// every response. Frozen: every request shares them.
import type { Json } from './checks.js';

const TEXTS = new Map<unknown, string>();

function shared<T extends object>(value: T): T {
  TEXTS.set(Object.freeze(value), JSON.stringify(value));
  return value;
}

export const DEFAULT_TEXT: Json = shared({ format: Object.freeze({ type: 'text' }) });
export const NO_TOOLS: readonly Json[] = shared<Json[]>([]);
export const NO_METADATA: Readonly<Record<string, string>> = shared({});

const REASONING = new Map<string | null, Json>();

/** OAS Reasoning as echoed, `{effort, summary: null}`: one shared object per effort (request.ts allows only a few). */
export function reasoningEcho(effort: string | null): Json {
  let echo = REASONING.get(effort);
  if (echo === undefined) REASONING.set(effort, (echo = shared({ effort, summary: null })));
  return echo;
}

/** JSON.stringify(value) when `value` is one of the shared objects; undefined for any other. */
export function sharedText(value: object): string | undefined {
  return TEXTS.get(value);
}
