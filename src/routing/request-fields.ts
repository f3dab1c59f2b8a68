// The types and ranges of the OpenAI request fields the router knows, checked before a budget is
// reserved or a replica is asked: a request an engine would refuse anyway costs nothing, and the
// client hears which field is wrong. Only known top-level fields are checked; unknown ones, and the
// insides of tools, schemas and messages, pass through for the engine to judge.
//
// Types follow OpenAI's spec (openai/openai-openapi, openapi.yaml: CreateChatCompletionRequest,
// CreateCompletionRequest, CreateEmbeddingRequest, ModelResponseProperties, StopConfiguration).
// Where a range in the spec is narrower than what vLLM accepts (vllm/sampling_params.py
// `_verify_args`, vllm/entrypoints/openai/*/protocol.py), the wider one is checked here and the
// engine keeps the last word: `n` and `top_logprobs` have no upper bound, `logprobs` and
// `top_logprobs` may be -1, a `stop` list may be longer than 4, `encoding_format` may name a
// format OpenAI lacks. `null` is always accepted: in both it means "the default".
import type { Endpoint } from './endpoint.js';
import { isObject } from '../json-object.js';

type Json = Readonly<Record<string, unknown>>;

/** What is wrong with a value: its expected type, or the range it missed. */
export type FieldProblem = { readonly kind: 'type' | 'value'; readonly expected: string };

export interface FieldRule {
  readonly field: string;
  /** Null when the value is fine; `request` is the whole body, for rules that depend on another field. */
  readonly check: (value: unknown, request: Json) => FieldProblem | null;
}

const wrongType = (expected: string): FieldProblem => ({ kind: 'type', expected });
const wrongValue = (expected: string): FieldProblem => ({ kind: 'value', expected });

function numberIn(min: number, max: number): FieldRule['check'] {
  const range = wrongValue(`a number from ${min} to ${max}`);
  return (value) => (typeof value !== 'number' ? wrongType('a number') : value < min || value > max ? range : null);
}

function numberFrom(min: number): FieldRule['check'] {
  const range = wrongValue(`a number of at least ${min}`);
  return (value) => (typeof value !== 'number' ? wrongType('a number') : value < min ? range : null);
}

function integerFrom(min: number): FieldRule['check'] {
  const range = wrongValue(`an integer of at least ${min}`);
  return (value) => (!Number.isInteger(value) ? wrongType('an integer') : (value as number) < min ? range : null);
}

const INT64 = 2 ** 63;
const seed: FieldRule['check'] = (value) => (!Number.isInteger(value) ? wrongType('an integer') : Math.abs(value as number) > INT64 ? wrongValue('a 64-bit integer') : null);

const boolean: FieldRule['check'] = (value) => (typeof value === 'boolean' ? null : wrongType('a boolean'));
const string: FieldRule['check'] = (value) => (typeof value === 'string' ? null : wrongType('a string'));

function objectWith(what: string, inner?: (value: Json) => FieldProblem | null): FieldRule['check'] {
  const problem = wrongType(what);
  return (value) => (!isObject(value) ? problem : (inner?.(value) ?? null));
}

const stop: FieldRule['check'] = (value) =>
  typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string')) ? null : wrongType('a string or an array of strings');

const logitBias = objectWith('an object mapping token ids to numbers', (bias) => {
  for (const key in bias) if (typeof bias[key] !== 'number') return wrongType('an object mapping token ids to numbers');
  return null;
});

const streamOptions = objectWith('an object', (options) => {
  const includeUsage = options['include_usage'];
  return includeUsage === undefined || includeUsage === null || typeof includeUsage === 'boolean' ? null : wrongType("an object whose 'include_usage' is a boolean");
});

const responseFormat = objectWith("an object with a string 'type'", (format) => (typeof format['type'] === 'string' ? null : wrongType("an object with a string 'type'")));

const tools: FieldRule['check'] = (value) => (Array.isArray(value) && value.every(isObject) ? null : wrongType('an array of objects'));

const TOOL_CHOICES = new Set(['none', 'auto', 'required']);
const toolChoice: FieldRule['check'] = (value) =>
  isObject(value)
    ? null
    : typeof value !== 'string'
      ? wrongType("'none', 'auto', 'required' or an object")
      : TOOL_CHOICES.has(value)
        ? null
        : wrongValue("'none', 'auto', 'required' or an object");

/** Completions may ask for no new tokens only to echo the prompt (vLLM's `echo_without_generation`). */
const completionMaxTokens: FieldRule['check'] = (value, request) => {
  if (!Number.isInteger(value)) return wrongType('an integer');
  if ((value as number) >= 1) return null;
  return value === 0 && request['echo'] === true ? null : wrongValue('an integer of at least 1 (0 only with echo: true)');
};

/** Strings, or token ids, or lists of token ids: one kind per request, as both OpenAI and vLLM take it. */
const embeddingInput: FieldRule['check'] = (value) => {
  if (typeof value === 'string' || !Array.isArray(value)) return null; // the shape check has judged these
  const first: unknown = value[0];
  const ok =
    typeof first === 'string'
      ? value.every((item) => typeof item === 'string')
      : Number.isInteger(first)
        ? value.every((item) => Number.isInteger(item))
        : value.every((item) => Array.isArray(item) && item.length > 0 && item.every((token) => Number.isInteger(token)));
  return ok ? null : wrongType('a string, an array of strings, an array of token ids or an array of arrays of token ids');
};

const SAMPLING: readonly FieldRule[] = [
  // OpenAI's spec says 0-2; vLLM takes any temperature of at least 0 (SamplingParams), and the engine has the last word.
  { field: 'temperature', check: numberFrom(0) },
  { field: 'top_p', check: numberIn(0, 1) },
  { field: 'n', check: integerFrom(1) },
  { field: 'presence_penalty', check: numberIn(-2, 2) },
  { field: 'frequency_penalty', check: numberIn(-2, 2) },
  { field: 'stop', check: stop },
  { field: 'seed', check: seed },
  { field: 'logit_bias', check: logitBias },
  { field: 'stream_options', check: streamOptions },
  { field: 'user', check: string },
];

/** The rules of each endpoint, built once. */
export const FIELD_RULES: Readonly<Record<Endpoint, readonly FieldRule[]>> = {
  chat: [
    ...SAMPLING,
    { field: 'max_tokens', check: integerFrom(1) },
    { field: 'max_completion_tokens', check: integerFrom(1) },
    { field: 'logprobs', check: boolean },
    { field: 'top_logprobs', check: integerFrom(-1) },
    { field: 'response_format', check: responseFormat },
    { field: 'tools', check: tools },
    { field: 'tool_choice', check: toolChoice },
    { field: 'parallel_tool_calls', check: boolean },
  ],
  completions: [
    ...SAMPLING,
    { field: 'max_tokens', check: completionMaxTokens },
    { field: 'echo', check: boolean },
    { field: 'logprobs', check: integerFrom(-1) },
    { field: 'suffix', check: string },
    { field: 'best_of', check: integerFrom(0) },
  ],
  embeddings: [
    { field: 'input', check: embeddingInput },
    { field: 'encoding_format', check: string },
    { field: 'dimensions', check: integerFrom(1) },
    { field: 'user', check: string },
  ],
};
