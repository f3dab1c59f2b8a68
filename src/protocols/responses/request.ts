// A Responses request (OAS CreateResponse, openai/openai-openapi openapi.yaml @f85dbe22) checked and
// mapped onto the neutral chat-completions body every router stage reads (classification, floors,
// key policy, budgets, the cache, failover). Unknown fields are refused, as OpenAI refuses them, and
// so are the fields whose semantics the router does not implement: silently ignoring them would change
// answers. Pure: previous_response_id is resolved by the caller (conversation.ts).
import { clipClientText } from '../../openai/client-text.js';
import { describe, invalid, unsupported, type Json } from './checks.js';
import { NO_METADATA, reasoningEcho } from './echo-defaults.js';
import { readInput, type InputItem } from './input-items.js';
import { readText, readToolChoice, readTools } from './tools.js';
import { isObject } from '../../json-object.js';

export interface ResponsesRequest {
  readonly model: string;
  readonly stream: boolean;
  readonly store: boolean;
  readonly previousResponseId: string | null;
  readonly instructions: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  /** This request's own input items, normalised (reasoning items dropped). */
  readonly input: readonly InputItem[];
  /** The neutral chat body without `messages` (which need the conversation's history first). */
  readonly chat: Json;
  /** The request's settings as the Response object echoes them (OAS Response). */
  readonly echo: Json;
}

/** Fields mapped onto the chat body (sampling and identity fields pass under the same name). */
const SAME_NAME = ['temperature', 'top_p', 'user', 'safety_identifier', 'prompt_cache_key', 'service_tier', 'parallel_tool_calls'] as const;
/** Fields read here. */
const KNOWN = new Set<string>([
  ...SAME_NAME,
  'model',
  'input',
  'instructions',
  'previous_response_id',
  'tools',
  'tool_choice',
  'text',
  'max_output_tokens',
  'reasoning',
  'top_logprobs',
  'stream',
  'stream_options',
  'store',
  'metadata',
  'prompt_cache_retention',
  ...['background', 'conversation', 'prompt', 'truncation', 'context_management', 'max_tool_calls', 'include', 'moderation'],
]);
const EFFORTS = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']);

export function parseResponsesRequest(body: unknown, defaultModel: string | null): ResponsesRequest {
  if (!isObject(body)) throw invalid('The request body must be a JSON object.', null);
  for (const field of Object.keys(body)) if (!KNOWN.has(field)) throw invalid(`Unrecognized request argument supplied: ${field}`, field);
  refuseUnimplemented(body);
  const model = body['model'] ?? defaultModel;
  if (model === null) throw invalid("Missing required parameter: 'model'.", 'model');
  if (typeof model !== 'string' || model === '') throw invalid(`Invalid type for 'model': expected a non-empty string, got ${describe(model)}.`, 'model');
  const previousResponseId = optionalString(body, 'previous_response_id');
  const given = body['input'];
  if ((given === undefined || given === null) && previousResponseId === null) throw invalid("Missing required parameter: 'input'.", 'input');
  const input = given === undefined || given === null ? [] : readInput(given);
  const instructions = optionalString(body, 'instructions');
  const stream = optionalBoolean(body, 'stream') ?? false;
  if (body['stream_options'] !== undefined && body['stream_options'] !== null && !isObject(body['stream_options'])) {
    throw invalid(`Invalid type for 'stream_options': expected an object, got ${describe(body['stream_options'])}.`, 'stream_options');
  }
  const tools = readTools(body['tools']);
  const toolChoice = readToolChoice(body['tool_choice']);
  const text = readText(body['text']);
  const maxOutputTokens = optionalInteger(body, 'max_output_tokens', 16, Number.MAX_SAFE_INTEGER);
  const topLogprobs = optionalInteger(body, 'top_logprobs', 0, 20);
  const effort = readEffort(body['reasoning']);

  const chat: Json = { model };
  if (stream) chat['stream'] = true;
  for (const field of SAME_NAME) copyChecked(body, chat, field);
  if (tools.chat !== null) chat['tools'] = tools.chat;
  // A forced function must be one of the tools, as OpenAI answers it (a silently dropped choice would change the answer).
  if (toolChoice.forced !== null && !tools.echo.some((tool) => tool['name'] === toolChoice.forced)) {
    throw invalid(`Tool choice 'function' not found in 'tools' parameter: no function named '${clipClientText(toolChoice.forced)}'.`, 'tool_choice');
  }
  // vLLM refuses tool_choice without tools (vllm/entrypoints/openai/chat_completion/protocol.py @002032ee).
  if (tools.chat !== null && toolChoice.chat !== undefined) chat['tool_choice'] = toolChoice.chat;
  if (text.responseFormat !== null) chat['response_format'] = text.responseFormat;
  if (text.verbosity !== null) chat['verbosity'] = text.verbosity;
  if (maxOutputTokens !== null) chat['max_tokens'] = maxOutputTokens;
  if (effort !== null) chat['reasoning_effort'] = effort;
  if (topLogprobs !== null) Object.assign(chat, { logprobs: true, top_logprobs: topLogprobs });

  const echo: Json = {
    instructions,
    max_output_tokens: maxOutputTokens,
    model,
    parallel_tool_calls: chat['parallel_tool_calls'] ?? true,
    previous_response_id: previousResponseId,
    reasoning: reasoningEcho(effort),
    temperature: chat['temperature'] ?? 1,
    text: text.echo,
    tool_choice: toolChoice.echo,
    tools: tools.echo,
    top_logprobs: topLogprobs ?? 0,
    top_p: chat['top_p'] ?? 1,
    truncation: 'disabled',
    user: chat['user'] ?? null,
  };
  const store = optionalBoolean(body, 'store') ?? true;
  return { model, stream, store, previousResponseId, instructions, metadata: readMetadata(body['metadata']), input, chat, echo };
}

/**
 * Valid in OpenAI's API, not implemented here: refused by name unless set to their neutral value; a
 * value of the wrong type is a 400 naming the field, as OpenAI answers it, not a field ignored.
 */
function refuseUnimplemented(body: Json): void {
  const set = (field: string): boolean => body[field] !== undefined && body[field] !== null;
  if (optionalBoolean(body, 'background') === true) throw unsupported('background responses are not supported by this router.', 'background');
  const truncation = optionalString(body, 'truncation');
  if (truncation === 'auto') throw unsupported("truncation 'auto' is not supported by this router; only 'disabled'.", 'truncation');
  if (truncation !== null && truncation !== 'disabled') throw invalid(`Invalid value for 'truncation': expected one of auto, disabled, got ${describe(truncation)}.`, 'truncation');
  const include = body['include'];
  if (set('include') && (!Array.isArray(include) || !include.every((item) => typeof item === 'string'))) {
    throw invalid(`Invalid type for 'include': expected an array of strings, got ${describe(include)}.`, 'include');
  }
  if (Array.isArray(include) && include.length > 0) throw unsupported('include is not supported by this router.', 'include');
  const retention = optionalString(body, 'prompt_cache_retention');
  if (retention !== null && !RETENTIONS.has(retention)) {
    throw invalid(`Invalid value for 'prompt_cache_retention': expected one of ${[...RETENTIONS].join(', ')}, got ${describe(retention)}.`, 'prompt_cache_retention');
  }
  for (const field of ['conversation', 'prompt', 'context_management', 'max_tool_calls', 'moderation']) {
    if (set(field)) throw unsupported(`${field} is not supported by this router.`, field);
  }
}

/** OAS CreateResponse prompt_cache_retention. */
const RETENTIONS = new Set(['in-memory', '24h']);
/** OAS Reasoning summary. */
const SUMMARIES = new Set(['auto', 'concise', 'detailed']);

function readEffort(reasoning: unknown): string | null {
  if (reasoning === undefined || reasoning === null) return null;
  if (!isObject(reasoning)) throw invalid(`Invalid type for 'reasoning': expected an object, got ${describe(reasoning)}.`, 'reasoning');
  const effort = reasoning['effort'] ?? null;
  if (effort !== null && (typeof effort !== 'string' || !EFFORTS.has(effort))) {
    throw invalid(`Invalid value for 'reasoning.effort': expected one of ${[...EFFORTS].join(', ')}, got ${describe(effort)}.`, 'reasoning.effort');
  }
  // Asking for a summary is valid (engines behind chat completions give none, so none comes back); a wrong value is not.
  for (const field of ['summary', 'generate_summary']) {
    const summary = reasoning[field] ?? null;
    if (summary !== null && (typeof summary !== 'string' || !SUMMARIES.has(summary))) {
      throw invalid(`Invalid value for 'reasoning.${field}': expected one of ${[...SUMMARIES].join(', ')}, got ${describe(summary)}.`, `reasoning.${field}`);
    }
  }
  return effort;
}

/** OAS Metadata: at most 16 pairs, keys up to 64 characters, string values up to 512. */
function readMetadata(metadata: unknown): Readonly<Record<string, string>> {
  if (metadata === undefined || metadata === null) return NO_METADATA;
  if (!isObject(metadata)) throw invalid(`Invalid type for 'metadata': expected an object, got ${describe(metadata)}.`, 'metadata');
  const entries = Object.entries(metadata);
  if (entries.length > 16) throw invalid("Invalid 'metadata': at most 16 key-value pairs.", 'metadata');
  for (const [key, value] of entries) {
    if (key.length > 64) throw invalid("Invalid 'metadata': keys are at most 64 characters.", 'metadata');
    if (typeof value !== 'string' || value.length > 512) throw invalid(`Invalid 'metadata.${key.slice(0, 64)}': expected a string of at most 512 characters.`, 'metadata');
  }
  return metadata as Record<string, string>;
}

const TYPES: Readonly<Record<(typeof SAME_NAME)[number], 'number' | 'string' | 'boolean'>> = {
  temperature: 'number',
  top_p: 'number',
  user: 'string',
  safety_identifier: 'string',
  prompt_cache_key: 'string',
  service_tier: 'string',
  parallel_tool_calls: 'boolean',
};
const RANGES: Readonly<Partial<Record<string, readonly [number, number]>>> = { temperature: [0, 2], top_p: [0, 1] };

function copyChecked(body: Json, chat: Json, field: (typeof SAME_NAME)[number]): void {
  const value = body[field];
  if (value === undefined || value === null) return;
  if (typeof value !== TYPES[field]) throw invalid(`Invalid type for '${field}': expected a ${TYPES[field]}, got ${describe(value)}.`, field);
  const range = RANGES[field];
  if (range !== undefined && ((value as number) < range[0] || (value as number) > range[1])) {
    throw invalid(`Invalid value for '${field}': expected a number from ${range[0]} to ${range[1]}, got ${describe(value)}.`, field);
  }
  chat[field] = value;
}

function optionalString(body: Json, field: string): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(`Invalid type for '${field}': expected a string, got ${describe(value)}.`, field);
  return value;
}

function optionalBoolean(body: Json, field: string): boolean | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') throw invalid(`Invalid type for '${field}': expected a boolean, got ${describe(value)}.`, field);
  return value;
}

function optionalInteger(body: Json, field: string, min: number, max: number): number | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`Invalid value for '${field}': expected an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}, got ${describe(value)}.`, field);
  }
  return value;
}
