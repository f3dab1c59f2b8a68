// Converting a stored answer between OpenAI's two shapes, so a cached plain answer serves a streaming
// request and a cached stream serves a plain one. Shapes from openai/openai-openapi openapi.yaml
// @f85dbe22: CreateChatCompletionResponse / CreateChatCompletionStreamResponse (every chunk carries
// the response's id, created and model; a delta holds role, content, refusal and tool_calls, each
// tool call with its `index`; the usage chunk has `choices: []`), CreateCompletionResponse for the
// legacy endpoint (streamed as the same `text_completion` object). Fields the spec does not name
// (vLLM's `reasoning_content`/`reasoning`, engine extras) travel along: a message's fields all go
// into one delta, and string deltas are concatenated back.
import type { Endpoint } from '../routing/endpoint.js';
import { isObject } from '../json-object.js';

type Json = Record<string, unknown>;

/** The chunk payloads of a stream that says what `body` says, its usage chunk last when it has usage. */
export function jsonToSse(endpoint: Endpoint, body: Json): string[] {
  const choices = Array.isArray(body['choices']) ? (body['choices'] as unknown[]).filter(isObject) : [];
  const head = envelope(body, endpoint === 'chat' ? 'chat.completion.chunk' : 'text_completion');
  const chunk = (choice: Json): string => JSON.stringify({ ...head, choices: [choice] });
  const out: string[] = [];
  for (const choice of choices) {
    const index = choice['index'] ?? 0;
    const finish = choice['finish_reason'] ?? null;
    if (endpoint === 'chat') {
      const message = isObject(choice['message']) ? choice['message'] : {};
      // A message without content (tool calls only) opens with `content: null`, as OpenAI streams it.
      const opening = { role: message['role'] ?? 'assistant', content: message['content'] === null ? null : '' };
      out.push(chunk({ index, delta: opening, logprobs: null, finish_reason: null }));
      const delta = messageDelta(message);
      if (Object.keys(delta).length > 0 || choice['logprobs'] != null) {
        out.push(chunk({ index, delta, logprobs: choice['logprobs'] ?? null, finish_reason: null }));
      }
      out.push(chunk({ index, delta: {}, logprobs: null, finish_reason: finish }));
    } else {
      out.push(chunk({ index, text: choice['text'] ?? '', logprobs: choice['logprobs'] ?? null, finish_reason: null }));
      out.push(chunk({ index, text: '', logprobs: null, finish_reason: finish }));
    }
  }
  if (isObject(body['usage'])) out.push(JSON.stringify({ ...head, choices: [], usage: body['usage'] }));
  return out;
}

/** The plain response a stream's chunk payloads add up to; null when they are not a chat or completions stream. */
export function sseToJson(endpoint: Endpoint, payloads: readonly string[]): Json | null {
  let head: Json | null = null;
  let usage: unknown = null;
  const byIndex = new Map<number, Json>();
  for (const payload of payloads) {
    let chunk: unknown;
    try {
      chunk = JSON.parse(payload);
    } catch {
      return null;
    }
    if (!isObject(chunk) || 'error' in chunk || !Array.isArray(chunk['choices'])) return null;
    head ??= envelope(chunk, endpoint === 'chat' ? 'chat.completion' : 'text_completion');
    if (isObject(chunk['usage'])) usage = chunk['usage'];
    for (const choice of chunk['choices'] as unknown[]) {
      if (!isObject(choice)) continue;
      const index = typeof choice['index'] === 'number' ? choice['index'] : 0;
      let folded = byIndex.get(index);
      if (folded === undefined) byIndex.set(index, (folded = endpoint === 'chat' ? { index, message: {} } : { index, text: '' }));
      foldChoice(endpoint, folded, choice);
    }
  }
  if (head === null) return null;
  const choices = [...byIndex.keys()].sort((a, b) => a - b).map((index) => finishChoice(endpoint, byIndex.get(index)!));
  const out: Json = { ...head, choices };
  if (usage !== null) out['usage'] = usage;
  return out;
}

/** The fields every chunk repeats: the response's own scalars (id, created, model, system_fingerprint, …). */
function envelope(body: Json, object: string): Json {
  const head: Json = {};
  for (const [name, value] of Object.entries(body)) {
    // `obfuscation` is one chunk's own size padding (stream_options.include_obfuscation): no response has it.
    if (name === 'choices' || name === 'usage' || name === 'object' || name === 'obfuscation') continue;
    if (value === null || typeof value !== 'object') head[name] = value;
  }
  // `object` second, after `id`, where OpenAI puts it; the order is cosmetic.
  const { id, ...rest } = head;
  return id === undefined ? { object, ...rest } : { id, object, ...rest };
}

/** A message as one delta: every field but the role, nulls and empty lists left out, tool calls indexed. */
function messageDelta(message: Json): Json {
  const delta: Json = {};
  for (const [name, value] of Object.entries(message)) {
    if (name === 'role' || value === null || value === undefined) continue;
    if (name === 'tool_calls' && Array.isArray(value)) {
      if (value.length > 0) delta[name] = value.map((call: unknown, index) => (isObject(call) ? { index, ...call } : call));
      continue;
    }
    delta[name] = value;
  }
  return delta;
}

function foldChoice(endpoint: Endpoint, folded: Json, choice: Json): void {
  if (choice['finish_reason'] != null) folded['finish_reason'] = choice['finish_reason'];
  if (choice['logprobs'] != null) folded['logprobs'] = foldLogprobs(folded['logprobs'], choice['logprobs']);
  if (endpoint !== 'chat') {
    if (typeof choice['text'] === 'string') folded['text'] = (folded['text'] as string) + choice['text'];
    return;
  }
  const message = folded['message'] as Json;
  const delta = isObject(choice['delta']) ? choice['delta'] : {};
  for (const [name, value] of Object.entries(delta)) {
    if (value === null || value === undefined) continue;
    if (name === 'tool_calls' && Array.isArray(value)) foldToolCalls(message, value);
    else if (typeof value === 'string' && name !== 'role') message[name] = typeof message[name] === 'string' ? message[name] + value : value;
    else message[name] = value;
  }
}

/** Tool call fragments merged by their `index`: the first id, type and name; the arguments appended. */
function foldToolCalls(message: Json, fragments: unknown[]): void {
  const calls = (message['tool_calls'] ??= []) as Json[];
  for (const fragment of fragments) {
    if (!isObject(fragment)) continue;
    const at = typeof fragment['index'] === 'number' ? fragment['index'] : calls.length;
    const call = (calls[at] ??= {});
    for (const [name, value] of Object.entries(fragment)) {
      if (name === 'index' || value === null) continue;
      if (name === 'function' && isObject(value)) {
        const fn = ((call['function'] as Json | undefined) ??= {});
        for (const [field, part] of Object.entries(value)) {
          if (part === null) continue;
          if (field === 'arguments' && typeof part === 'string') fn[field] = ((fn[field] as string | undefined) ?? '') + part;
          else fn[field] ??= part;
        }
      } else call[name] ??= value;
    }
  }
}

/** Logprobs of consecutive chunks: their lists appended field by field (chat `content`/`refusal`, legacy `tokens`…). */
function foldLogprobs(sofar: unknown, next: unknown): unknown {
  if (!isObject(sofar) || !isObject(next)) return next;
  const merged: Json = { ...sofar };
  for (const [name, value] of Object.entries(next)) {
    const before = merged[name];
    merged[name] = Array.isArray(before) && Array.isArray(value) ? [...(before as unknown[]), ...(value as unknown[])] : (value ?? before);
  }
  return merged;
}

function finishChoice(endpoint: Endpoint, folded: Json): Json {
  const { index, finish_reason: finish = null, logprobs = null } = folded;
  if (endpoint !== 'chat') return { index, text: folded['text'], logprobs, finish_reason: finish };
  const message = folded['message'] as Json;
  const { role = 'assistant', content = null, ...rest } = message;
  return { index, message: { role, content, ...rest }, logprobs, finish_reason: finish };
}
