// A chat-completions body as an Anthropic Messages request (POST /v1/messages). Field meanings from
// anthropics/anthropic-sdk-typescript src/resources/messages/messages.ts @bfa9197f (MessageCreateParams,
// ToolChoice, Tool) and openai/openai-openapi openapi.yaml @f85dbe22 (CreateChatCompletionRequest).
// Only fields with a Messages equivalent are sent (Anthropic refuses unknown ones); fields whose
// meaning cannot be kept (n > 1, logprobs, json_object) are refused with a 400 naming them.
import type { AnthropicConfig } from '../../config/types.js';
import { invalid, toTurns } from './content.js';

type Json = Record<string, unknown>;

/** The Messages body for one attempt; throws the caller's 400 for what Anthropic cannot take. */
export function messagesPayload(body: Readonly<Json>, servedModel: string, stream: boolean, config: AnthropicConfig): string {
  const n = body['n'];
  if (typeof n === 'number' && n > 1) throw invalid("Invalid value for 'n': an Anthropic pool answers one choice.", 'n');
  if (body['logprobs'] === true) throw invalid("Invalid value for 'logprobs': an Anthropic pool does not return log probabilities.", 'logprobs');
  const { system, messages } = toTurns(body['messages'] as unknown[]);
  const out: Json = { model: servedModel, max_tokens: maxTokens(body, config.defaultMaxTokens), messages };
  if (system.length === 1) out['system'] = system[0]!['text'];
  else if (system.length > 1) out['system'] = system;
  const stop = stopSequences(body['stop']);
  if (stop.length > 0) out['stop_sequences'] = stop;
  // 2026-10-21 refuses the sampling fields even at their defaults (https://platform.claude.com/docs/en/api/versioning).
  if (config.version === '2023-06-01') for (const field of SAMPLING) if (typeof body[field] === 'number') out[field] = body[field];
  // Claude's models since Opus 4.1 and Sonnet 4.5 refuse both at once ("`temperature` and `top_p` cannot both
  // be specified for this model. Please use only one."), and Anthropic advises altering only one:
  // temperature is kept, the more common knob (OpenAI clients often send both).
  if (out['temperature'] !== undefined) delete out['top_p'];
  const tools = body['tools'];
  if (Array.isArray(tools) && tools.length > 0) out['tools'] = tools.map(toTool);
  const choice = toolChoice(body['tool_choice'], body['parallel_tool_calls'] === false);
  if (choice !== null && out['tools'] !== undefined) out['tool_choice'] = choice;
  const outputConfig = outputConfigOf(body);
  if (outputConfig !== null) out['output_config'] = outputConfig;
  if (typeof body['user'] === 'string') out['metadata'] = { user_id: body['user'] };
  if (stream) out['stream'] = true;
  return JSON.stringify(out);
}

const SAMPLING = ['temperature', 'top_p', 'top_k'] as const;

/**
 * The chat stop strings Anthropic takes: it refuses one of only whitespace ("stop_sequences: each stop
 * sequence must contain non-whitespace"), which OpenAI takes and clients often send ("\n"). Those are
 * left out, so the request is answered, though the answer may run past where such a stop would have cut it.
 */
function stopSequences(stop: unknown): unknown[] {
  const all = typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop : [];
  return all.filter((sequence) => typeof sequence !== 'string' || sequence.trim() !== '');
}

/**
 * Messages requires max_tokens. A budget's cap may be written into either chat field while the
 * client set the other: the smaller of the two is the bound both meant.
 */
function maxTokens(body: Readonly<Json>, fallback: number): number {
  let tokens: number | null = null;
  for (const field of ['max_completion_tokens', 'max_tokens']) {
    const value = body[field];
    if (typeof value === 'number' && (tokens === null || value < tokens)) tokens = value;
  }
  return tokens ?? fallback;
}

function toTool(raw: unknown, i: number): Json {
  const tool = raw as Json;
  const fn = tool['function'] as Json | undefined;
  if (tool['type'] !== 'function' || typeof fn !== 'object' || typeof fn['name'] !== 'string') {
    throw invalid(`Invalid value for 'tools[${i}]': an Anthropic pool takes function tools only.`, `tools[${i}]`);
  }
  const out: Json = { name: fn['name'], input_schema: fn['parameters'] ?? { type: 'object' } };
  if (typeof fn['description'] === 'string') out['description'] = fn['description'];
  if (typeof fn['strict'] === 'boolean') out['strict'] = fn['strict'];
  return out;
}

/** auto / required / none / a named function → auto / any / none / tool (ToolChoice). */
function toolChoice(choice: unknown, noParallel: boolean): Json | null {
  let out: Json | null = null;
  if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'required') out = { type: 'any' };
  else if (choice === 'none') out = { type: 'none' };
  else if (typeof choice === 'object' && choice !== null) {
    const name = ((choice as Json)['function'] as Json | undefined)?.['name'];
    if (typeof name !== 'string') throw invalid("Invalid value for 'tool_choice': expected a function name.", 'tool_choice');
    out = { type: 'tool', name };
  } else if (choice !== undefined && choice !== null) {
    throw invalid("Invalid value for 'tool_choice'.", 'tool_choice');
  }
  if (!noParallel) return out;
  // disable_parallel_tool_use lives on the choice; "none" calls no tool at all.
  if (out === null) return { type: 'auto', disable_parallel_tool_use: true };
  return out['type'] === 'none' ? out : { ...out, disable_parallel_tool_use: true };
}

const EFFORTS = new Set(['low', 'medium', 'high', 'xhigh', 'max']);

/** response_format json_schema → output_config.format; reasoning_effort → output_config.effort (OutputConfig). */
function outputConfigOf(body: Readonly<Json>): Json | null {
  const out: Json = {};
  const format = body['response_format'] as Json | undefined;
  if (typeof format === 'object' && format !== null && format['type'] !== 'text') {
    const schema = (format['json_schema'] as Json | undefined)?.['schema'];
    if (format['type'] !== 'json_schema' || typeof schema !== 'object' || schema === null) {
      throw invalid("Invalid value for 'response_format': an Anthropic pool takes json_schema (with a schema) or text.", 'response_format');
    }
    out['format'] = { type: 'json_schema', schema };
  }
  const effort = body['reasoning_effort'];
  if (typeof effort === 'string' && EFFORTS.has(effort)) out['effort'] = effort;
  return Object.keys(out).length === 0 ? null : out;
}
