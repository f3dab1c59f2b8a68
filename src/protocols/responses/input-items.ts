// Responses input items (OAS InputItem: EasyInputMessage, InputMessage, FunctionToolCall,
// FunctionCallOutputItemParam; openai/openai-openapi openapi.yaml @f85dbe22) checked and normalised
// into the form the router stores and lists, and turned into chat-completions messages. Stored items
// and a previous response's output items go through the same conversion, so a conversation continued
// with previous_response_id reaches the engine exactly as if the client had resent it.
import { clipClientText } from '../../openai/client-text.js';
import { describe, invalid, unsupported, type Json } from './checks.js';
import { isObject } from '../../json-object.js';

export type ContentPart =
  | { readonly type: 'input_text'; readonly text: string }
  // annotations and logprobs only where an input item is listed (stored-items.ts); read, they are dropped.
  | { readonly type: 'output_text'; readonly text: string; readonly annotations?: readonly never[]; readonly logprobs?: readonly never[] }
  | { readonly type: 'refusal'; readonly refusal: string }
  | { readonly type: 'input_image'; readonly image_url: string; readonly detail: string };

export type InputItem =
  | { readonly type: 'message'; readonly role: 'user' | 'system' | 'developer' | 'assistant'; readonly content: readonly ContentPart[] }
  | { readonly type: 'function_call'; readonly call_id: string; readonly name: string; readonly arguments: string }
  | { readonly type: 'function_call_output'; readonly call_id: string; readonly output: string };

const ROLES = new Set(['user', 'system', 'developer', 'assistant']);
/** Item types of OpenAI's API that the router does not implement: a 400 that says so, not "invalid". */
const KNOWN_ITEM_TYPES = new Set([
  'item_reference',
  'file_search_call',
  'computer_call',
  'computer_call_output',
  'web_search_call',
  'image_generation_call',
  'code_interpreter_call',
  'local_shell_call',
  'local_shell_call_output',
  'shell_call',
  'shell_call_output',
  'apply_patch_call',
  'apply_patch_call_output',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
  'mcp_call',
  'custom_tool_call',
  'custom_tool_call_output',
  'compaction',
]);
const KNOWN_PART_TYPES = new Set(['input_file', 'input_audio']);

/** `input` as the client sent it (a string, or items): the items, normalised; reasoning items dropped. */
export function readInput(input: unknown): InputItem[] {
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  if (!Array.isArray(input)) throw invalid(`Invalid type for 'input': expected a string or an array, got ${describe(input)}.`, 'input');
  const items: InputItem[] = [];
  input.forEach((item: unknown, i) => {
    const param = `input[${i}]`;
    if (!isObject(item)) throw invalid(`Invalid type for '${param}': expected an object, got ${describe(item)}.`, param);
    const read = readItem(item, param);
    if (read !== null) items.push(read);
  });
  return items;
}

function readItem(item: Json, param: string): InputItem | null {
  const type = item['type'] ?? 'message';
  switch (type) {
    case 'message':
      return readMessage(item, param);
    case 'function_call':
      return {
        type: 'function_call',
        call_id: text(item, 'call_id', param),
        name: text(item, 'name', param),
        arguments: text(item, 'arguments', param),
      };
    case 'function_call_output':
      return { type: 'function_call_output', call_id: text(item, 'call_id', param), output: callOutput(item['output'], `${param}.output`) };
    case 'reasoning':
      // The engine's own thinking is not sent back to a chat engine (chat has no such input).
      return null;
    default:
      if (typeof type === 'string' && KNOWN_ITEM_TYPES.has(type)) throw unsupported(`Input items of type '${type}' are not supported by this router.`, `${param}.type`);
      throw invalid(`Invalid value for '${param}.type': expected one of message, function_call, function_call_output, reasoning, got ${describe(type)}.`, `${param}.type`);
  }
}

function readMessage(item: Json, param: string): InputItem {
  const role = item['role'];
  if (typeof role !== 'string' || !ROLES.has(role)) {
    throw invalid(`Invalid value for '${param}.role': expected one of user, system, developer, assistant, got ${describe(role)}.`, `${param}.role`);
  }
  const content = item['content'];
  const assistant = role === 'assistant';
  if (typeof content === 'string') {
    return { type: 'message', role: role as 'user', content: [assistant ? { type: 'output_text', text: content } : { type: 'input_text', text: content }] };
  }
  if (!Array.isArray(content)) throw invalid(`Invalid type for '${param}.content': expected a string or an array, got ${describe(content)}.`, `${param}.content`);
  const parts = content.map((part: unknown, j) => readPart(part, `${param}.content[${j}]`, role));
  return { type: 'message', role: role as 'user', content: parts };
}

function readPart(part: unknown, param: string, role: string): ContentPart {
  if (!isObject(part)) throw invalid(`Invalid type for '${param}': expected an object, got ${describe(part)}.`, param);
  const type = part['type'];
  if (type === 'input_text' || type === 'output_text') return { type, text: text(part, 'text', param) };
  if (type === 'refusal' && role === 'assistant') return { type, refusal: text(part, 'refusal', param) };
  if (type === 'input_image' && role !== 'assistant') {
    if (part['file_id'] !== undefined && part['file_id'] !== null)
      throw unsupported('Images given by file_id are not supported; send image_url (a URL or a data URL).', `${param}.file_id`);
    const detail = part['detail'] ?? 'auto';
    if (detail !== 'auto' && detail !== 'low' && detail !== 'high')
      throw invalid(`Invalid value for '${param}.detail': expected one of auto, low, high, got ${describe(detail)}.`, `${param}.detail`);
    return { type, image_url: text(part, 'image_url', param), detail };
  }
  if (typeof type === 'string' && KNOWN_PART_TYPES.has(type)) throw unsupported(`Content parts of type '${type}' are not supported by this router.`, `${param}.type`);
  throw invalid(`Invalid value for '${param}.type': ${describe(type)} is not a content part a ${role} message can have.`, `${param}.type`);
}

/** A function call's output: a string, or text parts (joined). */
function callOutput(output: unknown, param: string): string {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) throw invalid(`Invalid type for '${param}': expected a string or an array, got ${describe(output)}.`, param);
  return output
    .map((part: unknown, j) => {
      if (isObject(part) && part['type'] === 'input_text') return text(part, 'text', `${param}[${j}]`);
      throw unsupported('Only text (input_text) is supported in a function call output.', `${param}[${j}]`);
    })
    .join('');
}

function text(json: Json, field: string, param: string): string {
  const value = json[field];
  if (value === undefined || value === null) throw invalid(`Missing required parameter: '${param}.${field}'.`, `${param}.${field}`);
  if (typeof value !== 'string') throw invalid(`Invalid type for '${param}.${field}': expected a string, got ${describe(value)}.`, `${param}.${field}`);
  return value;
}

/**
 * Calls and their outputs pair up, as OpenAI requires: an output answering no earlier call (in the
 * conversation or this input) is its 400 "No tool call found for function call output with call_id …"
 * (continuedev/continue issue #10092), a call never answered its 400 "No tool output found for function
 * call …" (tjardoo/openai-client pull request #124); both with param `input`. A chat engine would get a
 * tool message answering nothing, or tool_calls no tool message answers, which OpenAI and Azure refuse.
 */
export function requireAnsweredCalls(items: readonly InputItem[]): void {
  const open = new Set<string>();
  const calls = new Set<string>();
  for (const item of items) {
    if (item.type === 'function_call') {
      calls.add(item.call_id);
      open.add(item.call_id);
    } else if (item.type === 'function_call_output') {
      if (!calls.has(item.call_id)) throw invalid(`No tool call found for function call output with call_id ${clipClientText(item.call_id)}.`, 'input');
      open.delete(item.call_id);
    }
  }
  for (const id of open) throw invalid(`No tool output found for function call ${clipClientText(id)}.`, 'input');
}

type ChatMessage = Record<string, unknown>;

/**
 * The chat messages of `items`: developer → system (chat templates of open models may not know
 * `developer`); function calls join the assistant message before them (and each other) as its
 * tool_calls; outputs become tool messages. Items from any source: already checked.
 */
export function toChatMessages(items: readonly InputItem[], into: ChatMessage[] = []): ChatMessage[] {
  // The assistant message the next function call joins; null after anything else.
  let open: ChatMessage | null = null;
  for (const item of items) {
    if (item.type === 'function_call') {
      if (open === null) into.push((open = { role: 'assistant', content: null }));
      const calls = (open['tool_calls'] ??= []) as unknown[];
      calls.push({ id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments } });
    } else if (item.type === 'function_call_output') {
      into.push({ role: 'tool', tool_call_id: item.call_id, content: item.output });
      open = null;
    } else {
      const message = chatMessage(item.role, item.content);
      into.push(message);
      open = item.role === 'assistant' ? message : null;
    }
  }
  return into;
}

function chatMessage(role: string, content: readonly ContentPart[]): ChatMessage {
  if (role === 'assistant') return { role, content: content.map((part) => (part.type === 'refusal' ? part.refusal : 'text' in part ? part.text : '')).join('') };
  const chatRole = role === 'developer' ? 'system' : role;
  const first = content[0];
  if (content.length === 1 && first !== undefined && first.type !== 'input_image' && 'text' in first) return { role: chatRole, content: first.text };
  return {
    role: chatRole,
    content: content.map((part) =>
      part.type === 'input_image' ? { type: 'image_url', image_url: { url: part.image_url, detail: part.detail } } : { type: 'text', text: 'text' in part ? part.text : '' },
    ),
  };
}
