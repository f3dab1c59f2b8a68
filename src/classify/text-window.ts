// Bounded reading of a request's messages. The classifier must cost the same for a 4 MB prompt as
// for a 10 KB one, so it never copies, joins or scans a whole message: it keeps the head and tail of
// the last user turn and a bounded slice of the turns before it, and takes lengths from `.length`.
import { isObject } from '../json-object.js';

export interface TextWindow {
  /** What the signals read: at most head + tail (+ a separator) characters. */
  readonly text: string;
  /** The true length in characters of everything the window stands for. */
  readonly length: number;
}

export interface Turns {
  /** The last user turn (or the completions prompt); null when there is none. */
  readonly last: TextWindow | null;
  /** A bounded slice of the user's other recent turns; null when none. */
  readonly context: TextWindow | null;
  /** A bounded slice of the recent assistant and tool turns; null when none. */
  readonly replies: TextWindow | null;
  /** The system (or developer) prompt that opens the conversation; null when none. */
  readonly system: TextWindow | null;
  /** Tool results and assistant tool calls seen among the recent turns: an agentic exchange. */
  readonly toolTurns: number;
}

export interface WindowLimits {
  readonly headChars: number;
  readonly tailChars: number;
  readonly contextChars: number;
  readonly contextMessages: number;
}

const EMPTY: Turns = { last: null, context: null, replies: null, system: null, toolTurns: 0 };
const GAP = '\n...\n';
/** How far back the last user turn is searched for; agent loops append many tool turns after it. */
const MAX_SCAN = 256;
/** Content-part arrays are read from both ends; the middle of a 10 000-part message is skipped. */
const MAX_PARTS = 32;

export function readTurns(body: Readonly<Record<string, unknown>>, limits: WindowLimits): Turns {
  const messages = body['messages'];
  if (Array.isArray(messages)) return readMessages(messages, limits);
  const prompt = promptText(body['prompt']);
  return prompt === null ? EMPTY : { ...EMPTY, last: windowOf(prompt, limits.headChars, limits.tailChars) };
}

function readMessages(messages: readonly unknown[], limits: WindowLimits): Turns {
  const stop = Math.max(0, messages.length - MAX_SCAN);
  let lastIndex = -1;
  let toolTurns = 0;
  for (let i = messages.length - 1; i >= stop; i--) {
    const message = messages[i];
    if (!isObject(message)) continue;
    if (message['role'] === 'tool' || message['role'] === 'function' || Array.isArray(message['tool_calls'])) toolTurns++;
    if (message['role'] === 'user') {
      lastIndex = i;
      break;
    }
  }
  const lastMessage = lastIndex >= 0 ? messages[lastIndex] : undefined;
  const lastPieces = isObject(lastMessage) ? contentPieces(lastMessage['content']) : [];
  const last = lastPieces.length > 0 ? windowOfPieces(lastPieces, limits.headChars, limits.tailChars) : null;
  // The system prompt is a standing instruction, kept apart: it is read as a prior, not as evidence.
  const systemPieces = isInstruction(messages[0]) ? contentPieces(messages[0]['content']) : [];
  const perTurn = Math.max(64, Math.floor(limits.contextChars / Math.max(1, limits.contextMessages)));
  const system = systemPieces.length > 0 ? windowOfPieces(systemPieces, Math.ceil(perTurn * 0.75), Math.floor(perTurn * 0.25)) : null;
  // The other recent turns, newest first until contextMessages: the user's earlier turns say what
  // the thread is about; replies (assistant, tool) are kept apart, since their prose is verbose and
  // only their code or maths says something about the thread.
  const context: string[] = [];
  const replies: string[] = [];
  let contextLength = 0;
  let repliesLength = 0;
  for (let i = messages.length - 1; i >= stop && context.length + replies.length < limits.contextMessages; i--) {
    const message = messages[i];
    if (i === lastIndex || !isObject(message) || isInstruction(message)) continue;
    const pieces = contentPieces(message['content']);
    if (pieces.length === 0) continue;
    const window = windowOfPieces(pieces, Math.ceil(perTurn * 0.75), Math.floor(perTurn * 0.25));
    if (message['role'] === 'user') {
      context.push(window.text);
      contextLength += window.length;
    } else {
      replies.push(window.text);
      repliesLength += window.length;
    }
  }
  return {
    last,
    context: context.length > 0 ? { text: context.reverse().join('\n\n'), length: contextLength } : null,
    replies: replies.length > 0 ? { text: replies.reverse().join('\n\n'), length: repliesLength } : null,
    system,
    toolTurns,
  };
}

/** System and (newer OpenAI) developer messages. */
function isInstruction(message: unknown): message is Readonly<Record<string, unknown>> {
  return isObject(message) && (message['role'] === 'system' || message['role'] === 'developer');
}

/** The text of a message's content: a string, or the text parts of an array (images ignored). */
function contentPieces(content: unknown): string[] {
  if (typeof content === 'string') return content.length > 0 ? [content] : [];
  if (!Array.isArray(content)) return [];
  const pieces: string[] = [];
  const take = (part: unknown) => {
    if (typeof part === 'string') pieces.push(part);
    else if (isObject(part) && typeof part['text'] === 'string' && part['text'].length > 0) pieces.push(part['text']);
  };
  if (content.length <= 2 * MAX_PARTS) content.forEach(take);
  else {
    for (let i = 0; i < MAX_PARTS; i++) take(content[i]);
    for (let i = content.length - MAX_PARTS; i < content.length; i++) take(content[i]);
  }
  return pieces;
}

/** The completions `prompt`: a string, or an array of strings (token-id arrays carry no text). */
function promptText(prompt: unknown): string[] | null {
  if (typeof prompt === 'string') return prompt.length > 0 ? [prompt] : null;
  if (!Array.isArray(prompt)) return null;
  const pieces = contentPieces(prompt);
  return pieces.length > 0 ? pieces : null;
}

export function windowOf(text: string | readonly string[], headChars: number, tailChars: number): TextWindow {
  return typeof text === 'string' ? windowOfString(text, headChars, tailChars) : windowOfPieces(text, headChars, tailChars);
}

function windowOfString(text: string, headChars: number, tailChars: number): TextWindow {
  if (text.length <= headChars + tailChars) return { text, length: text.length };
  return { text: text.slice(0, headChars) + GAP + text.slice(text.length - tailChars), length: text.length };
}

/** Head from the first pieces, tail from the last ones; never joins more than the window holds. */
function windowOfPieces(pieces: readonly string[], headChars: number, tailChars: number): TextWindow {
  if (pieces.length === 1) return windowOfString(pieces[0] ?? '', headChars, tailChars);
  let length = 0;
  for (const piece of pieces) length += piece.length + 1;
  length -= 1;
  if (length <= headChars + tailChars) return { text: pieces.join('\n'), length };
  let head = '';
  for (let i = 0; i < pieces.length && head.length < headChars; i++) head += (i > 0 ? '\n' : '') + (pieces[i] ?? '').slice(0, headChars - head.length);
  let tail = '';
  for (let i = pieces.length - 1; i >= 0 && tail.length < tailChars; i--) {
    const piece = pieces[i] ?? '';
    tail = piece.slice(Math.max(0, piece.length - (tailChars - tail.length))) + (tail.length > 0 ? '\n' : '') + tail;
  }
  return { text: head + GAP + tail, length };
}
