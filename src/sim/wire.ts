// vLLM's wire shapes for chat and text completions: whole JSON bodies and SSE chunks.
// Chunks are assembled from a per-request prefix built once, because streams format one chunk per
// token and the zero-delay benchmark mode makes this the hot path. Field order follows vLLM.

import type { ChoicePlan, GenerationPlan, ToolCall, Usage } from './plan.js';
import { usageOf } from './plan.js';

export const STREAM_END = 'data: [DONE]\n\n';

export interface ResponseIdentity {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

/** How one endpoint writes a plan: chunks for streams, one body otherwise. */
export interface WireFormat {
  /** Chunks a choice's stream opens with (chat announces the assistant role). */
  open(choice: ChoicePlan): string;
  piece(choice: ChoicePlan, text: string): string;
  toolCall(choice: ChoicePlan, call: ToolCall): string;
  finish(choice: ChoicePlan): string;
  /** The usage chunk, or '' when the client did not ask for it. */
  usage(usage: Usage): string;
  body(plan: GenerationPlan): string;
}

export function chatWire(identity: ResponseIdentity, includeUsage: boolean): WireFormat {
  const chunk = chunkFormatter(identity, 'chat.completion.chunk', includeUsage);
  const delta = (choice: ChoicePlan, fields: string): string => chunk(choice.index, `"delta":{${fields}},"logprobs":null,"finish_reason":null`);
  return {
    open: (choice) => delta(choice, '"role":"assistant","content":""'),
    piece: (choice, text) => delta(choice, `"content":${JSON.stringify(text)}`),
    toolCall: (choice, call) => delta(choice, `"tool_calls":[${JSON.stringify({ index: 0, ...toolCallJson(call) })}]`),
    finish: (choice) => chunk(choice.index, `"delta":{},${finishFields(choice)}`),
    usage: (usage) => (includeUsage ? usageChunk(identity, 'chat.completion.chunk', usage) : ''),
    body: (plan) =>
      JSON.stringify({
        id: identity.id,
        object: 'chat.completion',
        created: identity.created,
        model: identity.model,
        choices: plan.choices.map((choice) => ({
          index: choice.index,
          message: {
            role: 'assistant',
            content: choice.toolCall === null ? choice.pieces.join('') : null,
            tool_calls: choice.toolCall === null ? [] : [toolCallJson(choice.toolCall)],
          },
          logprobs: null,
          finish_reason: choice.finishReason,
          stop_reason: choice.stopReason,
        })),
        usage: usageOf(plan),
      }),
  };
}

export function completionWire(identity: ResponseIdentity, includeUsage: boolean): WireFormat {
  const chunk = chunkFormatter(identity, 'text_completion', includeUsage);
  return {
    open: () => '',
    piece: (choice, text) => chunk(choice.index, `"text":${JSON.stringify(text)},"logprobs":null,"finish_reason":null`),
    // Completions never plan tool calls; an empty string keeps the interface total.
    toolCall: () => '',
    finish: (choice) => chunk(choice.index, `"text":"",${finishFields(choice)}`),
    usage: (usage) => (includeUsage ? usageChunk(identity, 'text_completion', usage) : ''),
    body: (plan) =>
      JSON.stringify({
        id: identity.id,
        object: 'text_completion',
        created: identity.created,
        model: identity.model,
        choices: plan.choices.map((choice) => ({
          index: choice.index,
          text: choice.pieces.join(''),
          logprobs: null,
          finish_reason: choice.finishReason,
          stop_reason: choice.stopReason,
        })),
        usage: usageOf(plan),
      }),
  };
}

/** With include_usage every chunk but the usage chunk carries `"usage":null`, as OpenAI sends it. */
function chunkFormatter(identity: ResponseIdentity, object: string, includeUsage: boolean): (index: number, fields: string) => string {
  const head = `data: {${identityFields(identity, object)},"choices":[{"index":`;
  const tail = includeUsage ? '}],"usage":null}\n\n' : '}]}\n\n';
  return (index: number, fields: string): string => `${head}${index},${fields}${tail}`;
}

function usageChunk(identity: ResponseIdentity, object: string, usage: Usage): string {
  return `data: {${identityFields(identity, object)},"choices":[],"usage":${JSON.stringify(usage)}}\n\n`;
}

function identityFields(identity: ResponseIdentity, object: string): string {
  const id = JSON.stringify(identity.id);
  return `"id":${id},"object":"${object}","created":${identity.created},"model":${JSON.stringify(identity.model)}`;
}

function finishFields(choice: ChoicePlan): string {
  const stopReason = JSON.stringify(choice.stopReason);
  return `"logprobs":null,"finish_reason":"${choice.finishReason}","stop_reason":${stopReason}`;
}

interface ToolCallJson {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

function toolCallJson(call: ToolCall): ToolCallJson {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } };
}
