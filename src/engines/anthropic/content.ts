// Chat messages to Anthropic Messages turns (anthropics/anthropic-sdk-typescript
// src/resources/messages/messages.ts @bfa9197f: MessageParam, TextBlockParam, ImageBlockParam,
// ToolUseBlockParam, ToolResultBlockParam). System and developer messages become the top-level
// `system` (2023-06-01 has no system role in `messages`), assistant tool_calls become tool_use blocks,
// consecutive tool messages one user turn of tool_result blocks, and an assistant turn with no content
// is left out.
import { RouterError } from '../../openai/errors.js';

type Json = Record<string, unknown>;

export interface Turns {
  /** The system text blocks, in order; empty when the conversation has none. */
  readonly system: Json[];
  readonly messages: Json[];
}

export function toTurns(chat: readonly unknown[]): Turns {
  const system: Json[] = [];
  const messages: Json[] = [];
  let toolResults: Json[] | null = null;
  chat.forEach((raw, i) => {
    const message = raw as Json;
    const role = message['role'];
    const at = `messages[${i}]`;
    if (role !== 'tool') toolResults = null;
    switch (role) {
      case 'system':
      case 'developer':
        for (const block of textBlocks(message['content'], at)) system.push(block);
        return;
      case 'user':
        messages.push({ role: 'user', content: userContent(message['content'], at) });
        return;
      case 'assistant': {
        // A turn with nothing in it (an empty answer sent back as history) is left out: Anthropic refuses
        // it ("all messages must have non-empty content except for the optional final assistant
        // message"), where OpenAI takes it, and the turns around it are joined as Anthropic joins any.
        const content = assistantContent(message, at);
        if (content.length > 0) messages.push({ role: 'assistant', content });
        return;
      }
      case 'tool': {
        const id = message['tool_call_id'];
        if (typeof id !== 'string') throw invalid(`Missing required parameter: '${at}.tool_call_id'.`, `${at}.tool_call_id`);
        const result = { type: 'tool_result', tool_use_id: id, content: toolResultContent(message['content'], at) };
        if (toolResults === null) {
          toolResults = [result];
          messages.push({ role: 'user', content: toolResults });
        } else toolResults.push(result);
        return;
      }
      default:
        throw invalid(`Invalid value for '${at}.role': ${JSON.stringify(role)} cannot be sent to an Anthropic pool.`, `${at}.role`);
    }
  });
  return { system, messages };
}

function userContent(content: unknown, at: string): string | Json[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(`Invalid type for '${at}.content': expected a string or an array of parts.`, `${at}.content`);
  return content.map((part: unknown, j) => {
    const p = part as Json;
    const where = `${at}.content[${j}]`;
    if (p['type'] === 'text') return { type: 'text', text: textOf(p, where) };
    if (p['type'] === 'image_url') return imageBlock(p['image_url'], where);
    throw invalid(`Invalid value for '${where}.type': ${JSON.stringify(p['type'])} parts cannot be sent to an Anthropic pool.`, `${where}.type`);
  });
}

/** A data URL becomes a base64 source, any other URL a url source (Anthropic fetches it). */
function imageBlock(image: unknown, where: string): Json {
  const url = typeof image === 'object' && image !== null ? (image as Json)['url'] : undefined;
  if (typeof url !== 'string') throw invalid(`Missing required parameter: '${where}.image_url.url'.`, `${where}.image_url.url`);
  const data = DATA_URL.exec(url);
  if (data !== null) return { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } };
  if (url.startsWith('data:')) throw invalid(`Invalid value for '${where}.image_url.url': a data URL must be base64 (data:<type>;base64,…).`, `${where}.image_url.url`);
  return { type: 'image', source: { type: 'url', url } };
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function assistantContent(message: Json, at: string): string | Json[] {
  const content = message['content'];
  const calls = message['tool_calls'];
  const text = content === undefined || content === null ? [] : textBlocks(content, at);
  if (!Array.isArray(calls) || calls.length === 0) {
    if (typeof content === 'string') return content;
    return text;
  }
  const blocks = text.filter((block) => block['text'] !== '');
  calls.forEach((raw: unknown, j) => {
    const call = raw as Json;
    const fn = (call['function'] ?? {}) as Json;
    const where = `${at}.tool_calls[${j}]`;
    if (typeof call['id'] !== 'string' || typeof fn['name'] !== 'string') {
      throw invalid(`Invalid '${where}': a tool call needs an id and a function name.`, where);
    }
    blocks.push({ type: 'tool_use', id: call['id'], name: fn['name'], input: toolInput(fn['arguments'], where) });
  });
  return blocks;
}

/** tool_use.input is an object: the call's arguments must be JSON (Anthropic takes no raw text). */
function toolInput(args: unknown, where: string): unknown {
  if (args === undefined || args === '') return {};
  if (typeof args !== 'string') throw invalid(`Invalid type for '${where}.function.arguments': expected a string.`, `${where}.function.arguments`);
  try {
    const input: unknown = JSON.parse(args);
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) return input;
  } catch {
    // reported below
  }
  throw invalid(`Invalid value for '${where}.function.arguments': an Anthropic pool needs a JSON object.`, `${where}.function.arguments`);
}

function toolResultContent(content: unknown, at: string): string | Json[] {
  return typeof content === 'string' ? content : textBlocks(content, at);
}

/** Text or text parts (refusals too, as text) as Anthropic text blocks; empty text is dropped. */
function textBlocks(content: unknown, at: string): Json[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalid(`Invalid type for '${at}.content': expected a string or an array of text parts.`, `${at}.content`);
  return content.flatMap((part: unknown, j) => {
    const p = part as Json;
    const where = `${at}.content[${j}]`;
    if (p['type'] !== 'text' && p['type'] !== 'refusal') {
      throw invalid(`Invalid value for '${where}.type': only text parts can be sent here to an Anthropic pool.`, `${where}.type`);
    }
    const refusal = p['refusal'];
    const text = p['type'] === 'text' ? textOf(p, where) : typeof refusal === 'string' ? refusal : '';
    return text === '' ? [] : [{ type: 'text', text }];
  });
}

function textOf(part: Json, where: string): string {
  const text = part['text'];
  if (typeof text !== 'string') throw invalid(`Missing required parameter: '${where}.text'.`, `${where}.text`);
  return text;
}

export function invalid(message: string, param: string): RouterError {
  return new RouterError('invalid_request', message, { param });
}
