// A chat completion as an Anthropic Message (@anthropic-ai/sdk 1.16.0 src/resources/messages/messages.ts
// Message, ContentBlock, StopReason, Usage; shape and member order as anthropics/anthropic-sdk-typescript
// @bfa9197f tests/lib/fixtures/*.txt show them), and the pieces the stream translator shares with it:
// the message id, the stop reason and the usage (design-16 §2.2).
import { createHash } from 'node:crypto';
import { FallbackIds } from './fallback-ids.js';
import { type Json } from './invalid.js';
import { isObject } from '../../json-object.js';

/**
 * `msg_` and a digest of the chat id: opaque, stable for one answer (an idempotent replay keeps its
 * chat id), new for a cache hit. Without a chat id, a digest of the answer's fallback seed.
 */
export function messageId(chatId: unknown, fallback: FallbackIds = new FallbackIds()): string {
  const seed = typeof chatId === 'string' && chatId !== '' && chatId !== 'chatcmpl-' ? chatId : fallback.messageSeed();
  return `msg_${createHash('sha256').update(seed).digest('base64url').slice(0, 24)}`;
}

/** An upstream tool call without an id (the `n`th) still needs one the client can answer with. */
export function toolUseId(id: unknown, n: number, fallback: FallbackIds = new FallbackIds()): string {
  return typeof id === 'string' && id !== '' ? id : fallback.toolUse(n);
}

export interface StopReason {
  readonly reason: 'end_turn' | 'stop_sequence' | 'max_tokens' | 'tool_use' | 'refusal';
  readonly sequence: string | null;
}

/**
 * finish_reason → stop_reason. vLLM puts the stop string that ended the answer in the choice's
 * `stop_reason` (an int for a stop token id), which is Anthropic's stop_sequence.
 */
export function stopReasonOf(finishReason: unknown, vllmStopReason: unknown): StopReason {
  switch (finishReason) {
    case 'length':
      return { reason: 'max_tokens', sequence: null };
    case 'tool_calls':
    case 'function_call':
      return { reason: 'tool_use', sequence: null };
    case 'content_filter':
      return { reason: 'refusal', sequence: null };
    default:
      return typeof vllmStopReason === 'string' ? { reason: 'stop_sequence', sequence: vllmStopReason } : { reason: 'end_turn', sequence: null };
  }
}

/**
 * Anthropic's input counts are additive (input + cache read + cache creation is the whole prompt,
 * ant1 Usage); OpenAI's prompt_tokens is the whole prompt with the cached part among its details.
 */
export function usageJson(usage: unknown): string {
  let prompt = 0;
  let completion = 0;
  let cached = 0;
  let written = 0;
  if (isObject(usage)) {
    prompt = count(usage['prompt_tokens']);
    completion = count(usage['completion_tokens']);
    const details = usage['prompt_tokens_details'];
    if (isObject(details)) {
      cached = count(details['cached_tokens']);
      written = count(details['cache_write_tokens']);
    }
  }
  const input = Math.max(0, prompt - cached - written);
  return `{"input_tokens":${input},"cache_creation_input_tokens":${written},"cache_read_input_tokens":${cached},"output_tokens":${completion}}`;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;
}

/** A tool call's arguments as the block's `input`; arguments that are not a JSON object become `{}` (the client asks again rather than crashes). */
export function toolInput(args: unknown): string {
  if (typeof args !== 'string') return '{}';
  try {
    // As written: parsed and stringified again, integers past 2^53 would lose digits.
    return isObject(JSON.parse(args)) ? args : '{}';
  } catch {
    return '{}';
  }
}

/** The whole Message for a chat completion's text, or null when the text is not one. `model`: the name the client asked for. */
export function messageFromChat(text: string, model: string, ids: FallbackIds = new FallbackIds()): string | null {
  let completion: unknown;
  try {
    completion = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(completion)) return null;
  const choices = completion['choices'];
  const choice: Json = Array.isArray(choices) && isObject(choices[0]) ? choices[0] : {};
  const message: Json = isObject(choice['message']) ? choice['message'] : {};
  const blocks: string[] = [];
  const thinking = message['reasoning_content'] ?? message['reasoning'];
  if (typeof thinking === 'string' && thinking !== '') blocks.push(`{"type":"thinking","thinking":${JSON.stringify(thinking)},"signature":""}`);
  const content = typeof message['content'] === 'string' ? message['content'] : typeof message['refusal'] === 'string' ? message['refusal'] : '';
  if (content !== '') blocks.push(`{"type":"text","text":${JSON.stringify(content)}}`);
  const calls = message['tool_calls'];
  if (Array.isArray(calls)) {
    calls.forEach((call: unknown, n) => {
      if (!isObject(call)) return;
      const fn: Json = isObject(call['function']) ? call['function'] : {};
      const name = typeof fn['name'] === 'string' ? fn['name'] : '';
      blocks.push(`{"type":"tool_use","id":${JSON.stringify(toolUseId(call['id'], n, ids))},"name":${JSON.stringify(name)},"input":${toolInput(fn['arguments'])}}`);
    });
  }
  const stop = stopReasonOf(choice['finish_reason'], choice['stop_reason']);
  return (
    `{"id":${JSON.stringify(messageId(completion['id'], ids))},"type":"message","role":"assistant","model":${JSON.stringify(model)},` +
    `"content":[${blocks.join(',')}],"stop_reason":"${stop.reason}","stop_sequence":${JSON.stringify(stop.sequence)},` +
    `"stop_details":null,"container":null,"usage":${usageJson(completion['usage'])}}`
  );
}
