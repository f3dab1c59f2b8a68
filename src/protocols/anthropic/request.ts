// An Anthropic Messages body (POST /v1/messages; @anthropic-ai/sdk 1.16.0 src/resources/messages/messages.ts
// MessageCreateParamsBase, and anthropics/anthropic-sdk-typescript @bfa9197f for the 2023-06-01 sampling
// fields) as the neutral chat-completions body every policy reads: classification, floors, key limits,
// budgets, the cache and failover see one body whichever API the client spoke (design-16 §2.1).
// Bad input is a 400 naming the field; fields this router does not know are ignored, not refused
// (Anthropic refuses them, but Claude Code versions add fields faster than a table can list them).
import { toChatMessages } from './content-blocks.js';
import { sourceOf } from '../../openai/body-source.js';
import { effortOf } from './effort.js';
import { describe, invalid, requireList, type Json } from './invalid.js';
import { chatTools } from './tools.js';
import { isObject } from '../../json-object.js';

export interface MessagesRequest {
  /** The model the client named (an alias or one of an alias's anthropicModels); null when it named none. */
  readonly model: string | null;
  readonly stream: boolean;
  /** The neutral chat body; its `model` is the client's name until the protocol puts the alias there. */
  readonly body: Json;
}

/**
 * The fields this translation may write that OpenAI's chat completions does not define: sent only to
 * engines that take them (src/engines/chat-extensions.ts), as OpenAI and Azure refuse unknown fields.
 */
export const EXTENSION_FIELDS: readonly string[] = ['top_k', 'continue_final_message', 'add_generation_prompt'];

export interface ParseOptions {
  /** POST /v1/messages/count_tokens: the same body without max_tokens (MessageCountTokensParams). */
  readonly countOnly: boolean;
}

export function chatBodyOf(raw: unknown, { countOnly }: ParseOptions): MessagesRequest {
  if (!isObject(raw)) throw invalid('', 'The request body must be a JSON object.');
  const model = modelOf(raw['model']);
  const maxTokens = countOnly ? undefined : maxTokensOf(raw['max_tokens']);
  const messages = requireList(raw['messages'], 'messages');
  if (messages.length === 0) throw invalid('messages', 'at least one message is required');
  refuseHosted(raw);
  const system = systemOf(raw['system']);
  const turns = toChatMessages(messages, sourceOf(raw));
  // Thinking blocks are dropped: turns of nothing else would leave the engine no message at all.
  if (turns.length === 0) throw invalid('messages', 'no message has content other than thinking blocks');
  const chat: Json = { model, messages: system === null ? turns : [system, ...turns] };
  // A last turn of the assistant's is a prefill, which Anthropic's models continue: vLLM does so when
  // asked (vllm/entrypoints/openai/chat_completion/protocol.py ChatCompletionRequest.continue_final_message,
  // which must come without add_generation_prompt); engines that cannot are not sent the fields.
  if (turns.at(-1)?.['role'] === 'assistant') Object.assign(chat, { continue_final_message: true, add_generation_prompt: false });
  if (maxTokens !== undefined) chat['max_tokens'] = maxTokens;
  const stream = raw['stream'];
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') throw invalid('stream', `Input should be a boolean, got ${describe(stream)}`);
  if (stream === true && !countOnly) chat['stream'] = true;
  const stop = stopOf(raw['stop_sequences']);
  if (stop !== null) chat['stop'] = stop;
  for (const field of ['temperature', 'top_p'] as const) {
    const value = raw[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, `Input should be a number, got ${describe(value)}`);
    // Anthropic's range for both (MessageCreateParams), not OpenAI's 0-2 for temperature.
    if (value < 0 || value > 1) throw invalid(field, `Input should be between 0 and 1, got ${describe(value)}`);
    chat[field] = value;
  }
  const topK = raw['top_k'];
  if (topK !== undefined && topK !== null) {
    if (!Number.isInteger(topK) || (topK as number) < 0) throw invalid('top_k', `Input should be an integer of at least 0, got ${describe(topK)}`);
    chat['top_k'] = topK;
  }
  const user = userOf(raw['metadata']);
  if (user !== null) chat['user'] = user;
  Object.assign(chat, chatTools(raw['tools'], raw['tool_choice']), effortOf(raw['thinking'], raw['output_config']));
  return { model: typeof model === 'string' ? model : null, stream: stream === true && !countOnly, body: chat };
}

function modelOf(model: unknown): string | null {
  if (model === undefined || model === null) return null;
  if (typeof model !== 'string') throw invalid('model', `Input should be a valid string, got ${describe(model)}`);
  if (model === '') throw invalid('model', 'String should have at least 1 character');
  return model;
}

function maxTokensOf(value: unknown): number {
  if (value === undefined || value === null) throw invalid('max_tokens', 'Field required');
  if (!Number.isInteger(value) || (value as number) < 1) throw invalid('max_tokens', `Input should be an integer of at least 1, got ${describe(value)}`);
  return value as number;
}

/** `system`: a string, or text blocks (joined by a newline); as chat's first message. */
function systemOf(system: unknown): Json | null {
  if (system === undefined || system === null) return null;
  if (typeof system === 'string') return { role: 'system', content: system };
  if (!Array.isArray(system)) throw invalid('system', `Input should be a string or a list of text blocks, got ${describe(system)}`);
  const texts = system.map((block: unknown, i) => {
    if (!isObject(block) || block['type'] !== 'text') throw invalid(`system.${i}.type`, "Input should be 'text'");
    const text = block['text'];
    if (typeof text !== 'string') throw invalid(`system.${i}.text`, text === undefined ? 'Field required' : `Input should be a valid string, got ${describe(text)}`);
    return text;
  });
  return { role: 'system', content: texts.join('\n') };
}

function stopOf(value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  const list = requireList(value, 'stop_sequences');
  list.forEach((item, i) => {
    if (typeof item !== 'string') throw invalid(`stop_sequences.${i}`, `Input should be a valid string, got ${describe(item)}`);
  });
  return list.length === 0 ? null : (list as string[]);
}

function userOf(metadata: unknown): string | null {
  if (metadata === undefined || metadata === null) return null;
  if (!isObject(metadata)) throw invalid('metadata', `Input should be an object, got ${describe(metadata)}`);
  const user = metadata['user_id'];
  if (user === undefined || user === null) return null;
  if (typeof user !== 'string') throw invalid('metadata.user_id', `Input should be a valid string, got ${describe(user)}`);
  return user;
}

/** Anthropic-hosted machinery that changes the answer: refused rather than silently dropped. */
function refuseHosted(raw: Json): void {
  const servers = raw['mcp_servers'];
  if (Array.isArray(servers) ? servers.length > 0 : servers !== undefined && servers !== null) throw invalid('mcp_servers', 'MCP servers are not supported by this router');
  const container = raw['container'];
  if (container !== undefined && container !== null) throw invalid('container', 'containers are not supported by this router');
}
