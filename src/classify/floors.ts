// Floors: what a request asks for besides its words. An image, an audio clip, a high reasoning
// effort, tools, a JSON schema or a very long context say the request needs a capable model however
// trivial its text reads ("what's in this picture?"). Whatever mode classified a request, each floor
// whose signal is present lifts the class to at least its minimum; a floor never lowers a class.
//
// Cost: one pass over the messages and their content parts, reading each string's `length` and never
// its characters, so a 4 MB prompt costs what a short one does; the number of parts is bounded by
// the body size the server accepts.
import type { Classification, Complexity } from './classification.js';
import { isObject } from '../json-object.js';

export interface ClassifierFloors {
  /** Image or video parts (`image_url`, `input_image`, `video_url`) anywhere in the conversation. */
  readonly image: Complexity | null;
  /** Audio parts (`input_audio`, `audio_url`). */
  readonly audio: Complexity | null;
  /** `reasoning_effort` (or Responses' `reasoning.effort`) `high`, `xhigh` or `max`. */
  readonly reasoningHigh: Complexity | null;
  /** `reasoning_effort` `medium`; a high effort meets this floor too. */
  readonly reasoningMedium: Complexity | null;
  /** Tools or functions offered (unless `tool_choice: none`), or tool calls and results in the thread. */
  readonly tools: Complexity | null;
  /** `response_format` (or Responses' `text.format`) of type `json_schema`, or vLLM's `guided_json`. */
  readonly jsonSchema: Complexity | null;
  /** An estimated prompt of at least `longContextTokens`. */
  readonly longContext: Complexity | null;
  /** Estimated prompt tokens (4 characters a token, token ids one each) from which `longContext` applies. */
  readonly longContextTokens: number;
}

export type FloorName = Exclude<keyof ClassifierFloors, 'longContextTokens'>;

/** The word each floor adds to the reasons (and so to `x-switchyard-reason`) when it set the class. */
export const FLOOR_REASONS: Readonly<Record<FloorName, string>> = {
  image: 'image',
  audio: 'audio',
  reasoningHigh: 'reasoning-high',
  reasoningMedium: 'reasoning-medium',
  tools: 'tools',
  jsonSchema: 'json-schema',
  longContext: 'long-context',
};

const FLOOR_NAMES = Object.keys(FLOOR_REASONS) as FloorName[];

/**
 * With the shipped route (simple and moderate → small, complex → large), a `complex` floor keeps a
 * request off the small tier; a `moderate` one matters only where moderate has a tier of its own.
 * Images and audio need a multimodal model and are the requests small text models fail worst on; a
 * client asking for high effort has said the task is hard; 32 768 tokens is the whole context of
 * many small models, and long-context recall is what small models lose first. Tools, JSON schemas
 * and medium effort are routine for small instruction-tuned models: moderate.
 */
export const DEFAULT_FLOORS: ClassifierFloors = {
  image: 'complex',
  audio: 'complex',
  reasoningHigh: 'complex',
  reasoningMedium: 'moderate',
  tools: 'moderate',
  jsonSchema: 'moderate',
  longContext: 'complex',
  longContextTokens: 32_768,
};

export type FloorOverrides = { readonly [K in FloorName]?: Complexity | null } & { readonly longContextTokens?: number };

/** The defaults, overridden key by key; `null` turns a floor off. */
export function resolveFloors(overrides: FloorOverrides | undefined): ClassifierFloors {
  return { ...DEFAULT_FLOORS, ...overrides };
}

const RANK: Readonly<Record<Complexity, number>> = { simple: 0, moderate: 1, complex: 2 };
const CHARS_PER_TOKEN = 4;

/** Lifts `classification` to the floors of the signals `body` carries; the mode's reasons stay first. */
export function applyFloors(body: Readonly<Record<string, unknown>>, classification: Classification, floors: ClassifierFloors): Classification {
  const before = RANK[classification.complexity];
  // Nothing to read when no floor could lift this class: the common case for complex requests.
  if (!FLOOR_NAMES.some((name) => rankOf(floors[name]) > before)) return classification;
  const signals = requestFloorSignals(body, floors.longContextTokens);
  if (signals.has('reasoningHigh')) signals.add('reasoningMedium');
  let after = before;
  for (const name of signals) after = Math.max(after, rankOf(floors[name]));
  if (after === before) return classification;
  const words: string[] = [];
  for (const name of FLOOR_NAMES) {
    if (!signals.has(name) || rankOf(floors[name]) !== after) continue;
    // High effort meets the medium floor only in place of the high one.
    if (name === 'reasoningMedium' && signals.has('reasoningHigh') && words.includes(FLOOR_REASONS.reasoningHigh)) continue;
    const word = FLOOR_REASONS[name];
    if (!classification.reasons.includes(word)) words.push(word);
  }
  const complexity = (Object.keys(RANK) as Complexity[])[after] ?? classification.complexity;
  return { complexity, score: classification.score, reasons: [...classification.reasons, ...words] };
}

function rankOf(floor: Complexity | null): number {
  return floor === null ? -1 : RANK[floor];
}

/** The floors whose signal `body` carries (`reasoningHigh` and `reasoningMedium` exclusive). */
export function requestFloorSignals(body: Readonly<Record<string, unknown>>, longContextTokens: number): Set<FloorName> {
  const found = new Set<FloorName>();
  const effort = typeof body['reasoning_effort'] === 'string' ? body['reasoning_effort'] : field(body['reasoning'], 'effort');
  if (effort === 'high' || effort === 'xhigh' || effort === 'max') found.add('reasoningHigh');
  else if (effort === 'medium') found.add('reasoningMedium');
  if ((nonEmptyArray(body['tools']) || nonEmptyArray(body['functions'])) && body['tool_choice'] !== 'none') found.add('tools');
  if (field(body['response_format'], 'type') === 'json_schema' || field(field(body['text'], 'format'), 'type') === 'json_schema' || isPresent(body['guided_json'])) {
    found.add('jsonSchema');
  }
  const size = { chars: 0, tokenIds: 0 };
  for (const key of ['messages', 'input'] as const) {
    const items = body[key];
    if (typeof items === 'string') size.chars += items.length;
    else if (Array.isArray(items)) for (const item of items) readItem(item, found, size);
  }
  if (typeof body['instructions'] === 'string') size.chars += body['instructions'].length;
  readPrompt(body['prompt'], size);
  if (size.chars + CHARS_PER_TOKEN * size.tokenIds >= CHARS_PER_TOKEN * longContextTokens) found.add('longContext');
  return found;
}

interface Size {
  chars: number;
  tokenIds: number;
}

/** A chat message, or a Responses input item (a message, a content part, a function call or its output). */
function readItem(item: unknown, found: Set<FloorName>, size: Size): void {
  if (!isObject(item)) return;
  const role = item['role'];
  const type = item['type'];
  if (role === 'tool' || role === 'function' || type === 'function_call' || type === 'function_call_output' || nonEmptyArray(item['tool_calls'])) {
    found.add('tools');
  }
  const content = item['content'];
  if (typeof content === 'string') size.chars += content.length;
  else if (Array.isArray(content)) for (const part of content) readPart(part, found, size);
  else if (content === undefined) readPart(item, found, size);
  if (Array.isArray(item['tool_calls'])) {
    for (const call of item['tool_calls']) {
      const args = field(field(call, 'function'), 'arguments');
      if (typeof args === 'string') size.chars += args.length;
    }
  }
  for (const key of ['arguments', 'output'] as const) {
    const value = item[key];
    if (typeof value === 'string') size.chars += value.length;
  }
}

function readPart(part: unknown, found: Set<FloorName>, size: Size): void {
  if (!isObject(part)) return;
  const type = part['type'];
  if (type === 'image_url' || type === 'input_image' || type === 'video_url') found.add('image');
  else if (type === 'input_audio' || type === 'audio_url') found.add('audio');
  const text = part['text'];
  if (typeof text === 'string') size.chars += text.length;
}

/** A completions prompt: a string, token ids, or a batch of either. */
function readPrompt(prompt: unknown, size: Size): void {
  if (typeof prompt === 'string') size.chars += prompt.length;
  else if (Array.isArray(prompt)) {
    for (const item of prompt) {
      if (typeof item === 'string') size.chars += item.length;
      else if (typeof item === 'number') size.tokenIds += 1;
      else if (Array.isArray(item)) size.tokenIds += item.length;
    }
  }
}

function field(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

function nonEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}
