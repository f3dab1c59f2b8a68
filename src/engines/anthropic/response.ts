// An Anthropic Message (anthropics/anthropic-sdk-typescript src/resources/messages/messages.ts @bfa9197f:
// Message, ContentBlock, StopReason, Usage) as an OpenAI chat completion, so the relay, usage, budgets
// and cost read it as they read every engine's answer.
import { RouterError } from '../../openai/errors.js';

type Json = Record<string, unknown>;

/** StopReason → finish_reason. pause_turn (a server tool paused) ends the turn as a stop. */
export function finishReasonOf(stopReason: unknown): string {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/**
 * Anthropic's input counts are additive ("the summation of input_tokens, cache_creation_input_tokens,
 * and cache_read_input_tokens", Usage); OpenAI's prompt_tokens is the whole prompt with the cached and
 * cache-written parts as details (src/openai/usage.ts).
 */
export function chatUsage(usage: Json): Json {
  const input = count(usage['input_tokens']);
  const read = count(usage['cache_read_input_tokens']);
  const written = count(usage['cache_creation_input_tokens']);
  const output = count(usage['output_tokens']);
  const prompt = input + read + written;
  return {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    prompt_tokens_details: { cached_tokens: read, cache_write_tokens: written },
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** The whole answer, translated; an answer that is not a Message is the replica's failure. */
export function chatCompletionFromMessage(body: Buffer, replicaName: string): Buffer {
  let message: Json;
  try {
    message = JSON.parse(body.toString('utf8')) as Json;
  } catch {
    throw notAMessage(replicaName);
  }
  if (typeof message !== 'object' || message === null || !Array.isArray(message['content'])) throw notAMessage(replicaName);
  let text = '';
  let thinking = '';
  const toolCalls: Json[] = [];
  for (const raw of message['content'] as unknown[]) {
    const block = raw as Json;
    if (block['type'] === 'text' && typeof block['text'] === 'string') text += block['text'];
    else if (block['type'] === 'thinking' && typeof block['thinking'] === 'string') thinking += block['thinking'];
    else if (block['type'] === 'tool_use') {
      toolCalls.push({ id: block['id'], type: 'function', function: { name: block['name'], arguments: JSON.stringify(block['input'] ?? {}) } });
    }
    // Server tools' blocks (server_tool_use, web_search_tool_result, …) are Anthropic's own work: not the client's tool calls.
  }
  const reply: Json = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (thinking !== '') reply['reasoning_content'] = thinking;
  if (toolCalls.length > 0) reply['tool_calls'] = toolCalls;
  const completion = {
    id: `chatcmpl-${typeof message['id'] === 'string' ? message['id'] : ''}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: message['model'],
    choices: [{ index: 0, message: reply, logprobs: null, finish_reason: finishReasonOf(message['stop_reason']) }],
    usage: chatUsage((message['usage'] ?? {}) as Json),
  };
  return Buffer.from(JSON.stringify(completion));
}

function notAMessage(replicaName: string): RouterError {
  return new RouterError('upstream_error', `Replica ${replicaName} answered with something other than an Anthropic Message.`);
}
