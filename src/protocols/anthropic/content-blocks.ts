// Messages turns and content blocks (@anthropic-ai/sdk 1.16.0 src/resources/messages/messages.ts:
// MessageParam, ContentBlockParam, ToolResultBlockParam, Base64ImageSource, URLImageSource) as chat
// messages. A user turn's tool_result blocks become `tool` messages placed first, right after the
// assistant's tool_calls as chat requires, and the rest of the turn follows as one user message.
// Thinking blocks are the model's own earlier reasoning: dropped, as chat has no place for them.
import { describe, invalid, requireObject, requireString, type Json } from './invalid.js';
import { textAt } from '../../openai/json-members.js';

const ROLES = new Set(['user', 'assistant', 'system']);
const MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
/** Valid Messages blocks this router cannot serve: a 400 that says so, not an "unknown type". */
const UNSUPPORTED = new Set([
  'document',
  'search_result',
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'bash_code_execution_tool_result',
  'text_editor_code_execution_tool_result',
  'tool_search_tool_result',
  'container_upload',
  'mcp_tool_use',
  'mcp_tool_result',
  'tool_reference',
  'browser_state',
]);

/**
 * How many tool inputs of one request are looked up in its text (toolArguments): each lookup walks
 * the body from its start, so a body of many such inputs must not cost a walk each.
 */
const SOURCE_LOOKUPS = 8;

/** `source`: the request body's text, for what JSON.parse changed (toolArguments). */
export function toChatMessages(messages: readonly unknown[], source?: string): Json[] {
  let lookups = 0;
  const written = (turn: number, block: number): string | null =>
    source === undefined || lookups++ >= SOURCE_LOOKUPS ? null : textAt(source, ['messages', turn, 'content', block, 'input']);
  const out: Json[] = [];
  /** The tool_use ids of the previous assistant turn: what a tool_result may answer. */
  let calls = new Set<string>();
  messages.forEach((raw, i) => {
    const path = `messages.${i}`;
    const message = requireObject(raw, path);
    const role = message['role'];
    if (typeof role !== 'string' || !ROLES.has(role)) throw invalid(`${path}.role`, "Input should be 'user', 'assistant' or 'system'");
    const content = message['content'];
    if (content === undefined) throw invalid(`${path}.content`, 'Field required');
    if (typeof content !== 'string' && !Array.isArray(content)) {
      throw invalid(`${path}.content`, `Input should be a string or a list of content blocks, got ${describe(content)}`);
    }
    if (Array.isArray(content) && content.length === 0) throw invalid(`${path}.content`, 'at least one content block is required');
    const blocks = typeof content === 'string' ? null : (content as readonly unknown[]);
    const asked = calls;
    calls = new Set();
    if (role === 'assistant') {
      const turn = assistantTurn(content, blocks, path, (input, j) => toolArguments(input, () => written(i, j)));
      calls = turn.calls;
      // A turn of thinking blocks alone (their text is dropped) leaves nothing to send: left out, so it
      // is no empty prefill, and a conversation of nothing else is refused (request.ts).
      if (blocks === null || turn.message['content'] !== '' || turn.message['tool_calls'] !== undefined) out.push(turn.message);
    } else if (role === 'system') out.push({ role: 'system', content: blocks === null ? content : systemText(blocks, path) });
    else userTurn(content, blocks, path, asked, out);
    // After the turn's own checks, so a malformed block is named precisely first.
    requireResults(asked, role === 'user' ? answeredIds(blocks) : new Set(), i - 1);
  });
  return out;
}

/**
 * Every tool_use of an assistant turn is answered by a tool_result in the turn right after it, as
 * Anthropic requires (its 400: "messages.N: `tool_use` ids were found without `tool_result` blocks
 * immediately after: …", reported verbatim in anthropics/claude-code issues #1237 and #5989); chat engines
 * would otherwise get tool_calls that no tool message answers, which OpenAI and Azure refuse in their own words.
 */
function requireResults(calls: ReadonlySet<string>, answered: ReadonlySet<string>, turn: number): void {
  const missing = [...calls].filter((id) => !answered.has(id));
  if (missing.length === 0) return;
  throw invalid(
    `messages.${turn}`,
    `\`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.map(clip).join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
  );
}

/** The tool_use ids a user turn's tool_result blocks answer (blocks already checked). */
function answeredIds(blocks: readonly unknown[] | null): Set<string> {
  const ids = new Set<string>();
  for (const block of blocks ?? []) if ((block as Json)['type'] === 'tool_result') ids.add((block as Json)['tool_use_id'] as string);
  return ids;
}

/**
 * A tool_use block's input as a tool call's arguments: its JSON again, or, where parsing it changed a
 * number (an integer past 2^53, such as a 64-bit id the model must see again as it wrote it, or one
 * past the largest double), its text in the request body as the client wrote it (`written`: for the
 * first SOURCE_LOOKUPS such inputs of a request).
 */
function toolArguments(input: Json, written: () => string | null): string {
  const text = JSON.stringify(input);
  return changedByParse(input) ? (written() ?? text) : text;
}

function changedByParse(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value));
  if (Array.isArray(value)) return value.some(changedByParse);
  return typeof value === 'object' && value !== null && Object.values(value).some(changedByParse);
}

function assistantTurn(
  content: unknown,
  blocks: readonly unknown[] | null,
  path: string,
  argumentsOf: (input: Json, block: number) => string,
): { message: Json; calls: Set<string> } {
  const calls = new Set<string>();
  if (blocks === null) return { message: { role: 'assistant', content }, calls };
  let text = '';
  const toolCalls: Json[] = [];
  blocks.forEach((raw, j) => {
    const at = `${path}.content.${j}`;
    const block = blockOf(raw, at);
    switch (block['type']) {
      case 'text':
        text += requireString(block['text'], `${at}.text`);
        return;
      case 'tool_use': {
        const id = requireString(block['id'], `${at}.id`);
        const name = requireString(block['name'], `${at}.name`);
        const input = requireObject(block['input'], `${at}.input`);
        calls.add(id);
        toolCalls.push({ id, type: 'function', function: { name, arguments: argumentsOf(input, j) } });
        return;
      }
      case 'thinking':
      case 'redacted_thinking':
        return;
      default:
        throw invalid(`${at}.type`, `${String(block['type'])} blocks belong to user turns`);
    }
  });
  const message: Json = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (toolCalls.length > 0) message['tool_calls'] = toolCalls;
  return { message, calls };
}

function userTurn(content: unknown, blocks: readonly unknown[] | null, path: string, calls: ReadonlySet<string>, out: Json[]): void {
  if (blocks === null) {
    out.push({ role: 'user', content });
    return;
  }
  const parts: Json[] = [];
  blocks.forEach((raw, j) => {
    const at = `${path}.content.${j}`;
    const block = blockOf(raw, at);
    switch (block['type']) {
      case 'text':
        parts.push({ type: 'text', text: requireString(block['text'], `${at}.text`) });
        return;
      case 'image':
        parts.push(imagePart(block, at));
        return;
      case 'tool_result':
        out.push(toolMessage(block, at, calls, parts));
        return;
      case 'thinking':
      case 'redacted_thinking':
        return;
      default:
        throw invalid(`${at}.type`, `${String(block['type'])} blocks belong to assistant turns`);
    }
  });
  if (parts.length === 0) return;
  out.push({ role: 'user', content: parts.length === 1 && parts[0]!['type'] === 'text' ? parts[0]!['text'] : parts });
}

/** A tool's answer; its images (chat's tool messages carry text only) go into the user message that follows. */
function toolMessage(block: Json, at: string, calls: ReadonlySet<string>, parts: Json[]): Json {
  const id = requireString(block['tool_use_id'], `${at}.tool_use_id`);
  if (!calls.has(id)) throw invalid(`${at}.tool_use_id`, `'${clip(id)}' does not answer a tool_use block of the previous assistant turn`);
  const content = block['content'];
  let text = '';
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    const texts: string[] = [];
    content.forEach((raw: unknown, k) => {
      const inner = `${at}.content.${k}`;
      const part = blockOf(raw, inner);
      if (part['type'] === 'text') texts.push(requireString(part['text'], `${inner}.text`));
      else if (part['type'] === 'image') parts.push(imagePart(part, inner));
      else throw invalid(`${inner}.type`, `Input should be 'text' or 'image'`);
    });
    text = texts.join('\n');
  } else if (content !== undefined && content !== null) {
    throw invalid(`${at}.content`, `Input should be a string or a list of content blocks, got ${describe(content)}`);
  }
  return { role: 'tool', tool_call_id: id, content: text };
}

function imagePart(block: Json, at: string): Json {
  const source = requireObject(block['source'], `${at}.source`);
  switch (source['type']) {
    case 'base64': {
      const mediaType = source['media_type'];
      if (typeof mediaType !== 'string' || !MEDIA_TYPES.has(mediaType)) {
        throw invalid(`${at}.source.media_type`, "Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'");
      }
      const data = requireString(source['data'], `${at}.source.data`);
      return { type: 'image_url', image_url: { url: `data:${mediaType};base64,${data}` } };
    }
    case 'url':
      return { type: 'image_url', image_url: { url: requireString(source['url'], `${at}.source.url`) } };
    case 'file':
      throw invalid(`${at}.source.type`, 'file sources are not supported by this router');
    default:
      throw invalid(`${at}.source.type`, "Input should be 'base64' or 'url'");
  }
}

function systemText(blocks: readonly unknown[], path: string): string {
  return blocks
    .map((raw, j) => {
      const block = blockOf(raw, `${path}.content.${j}`);
      if (block['type'] !== 'text') throw invalid(`${path}.content.${j}.type`, "Input should be 'text'");
      return requireString(block['text'], `${path}.content.${j}.text`);
    })
    .join('\n');
}

/** A block with a known type; valid Messages blocks this router does not serve are refused by name. */
function blockOf(raw: unknown, at: string): Json {
  const block = requireObject(raw, at);
  const type = block['type'];
  if (type === undefined) throw invalid(`${at}.type`, 'Field required');
  if (typeof type !== 'string') throw invalid(`${at}.type`, `Input should be a valid string, got ${describe(type)}`);
  if (UNSUPPORTED.has(type)) throw invalid(`${at}.type`, `${type} blocks are not supported by this router`);
  if (!KNOWN.has(type)) throw invalid(`${at}.type`, `unknown content block type '${clip(type)}'`);
  return block;
}

const KNOWN = new Set(['text', 'image', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking']);

/** Client text quoted in an error, bounded. */
function clip(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
