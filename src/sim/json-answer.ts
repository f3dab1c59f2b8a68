// Structured output: a chat request with response_format json_object or json_schema gets JSON text,
// as an engine's guided decoding makes it (vLLM: xgrammar or outlines), so SDK helpers that parse the
// answer (openai's chat.completions.parse, Responses' text.format) work against the simulator. The
// value follows the schema's shape (required members, types, enum and const, $ref into $defs, the
// first of anyOf/oneOf/allOf), with words and numbers drawn from the request's seed; the text is cut
// into pieces of a few characters, one per token, like any other answer.
import { badRequest } from './errors.js';
import type { GeneratedText, TextLimits } from './generate.js';
import { seededRandom } from './seed.js';
import { isObject } from '../json-object.js';

type Json = Record<string, unknown>;

/** What a response_format asks for: any JSON object, or a value of this schema; null for text. */
export type JsonFormat = { readonly kind: 'object' } | { readonly kind: 'schema'; readonly schema: Json };

const WORDS = ['alpha', 'river', 'stone', 'signal', 'garden', 'bright', 'north', 'paper', 'steady', 'cloud', 'market', 'quiet'] as const;
/** How deep a schema is followed: a recursive $ref ends in null beyond it. */
const MAX_DEPTH = 6;
/** Characters per piece: about a token of JSON punctuation and short words. */
const PIECE_CHARS = 4;

export function readJsonFormat(value: unknown): JsonFormat | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw badRequest('response_format must be an object.', 'response_format');
  const type = value['type'];
  if (type === 'text') return null;
  if (type === 'json_object') return { kind: 'object' };
  if (type === 'json_schema') {
    const spec = value['json_schema'];
    const schema = isObject(spec) ? spec['schema'] : undefined;
    if (!isObject(schema)) throw badRequest('response_format.json_schema.schema must be a JSON schema object.', 'response_format');
    return { kind: 'schema', schema };
  }
  throw badRequest('response_format.type must be "text", "json_object" or "json_schema".', 'response_format');
}

export function generateJson(seed: number, format: JsonFormat, limits: TextLimits): GeneratedText {
  const random = seededRandom(seed);
  const value = format.kind === 'object' ? { answer: words(random) } : valueOf(format.schema, format.schema, random, 0);
  const text = JSON.stringify(value);
  // Only the client's own max_tokens cuts it (then the JSON is incomplete, as a real engine's is): the
  // simulator's default length is for prose, where an engine's default is the rest of the context.
  const limit = limits.limitIsExplicit ? limits.maxTokens : Infinity;
  const pieces: string[] = [];
  for (let at = 0; at < text.length && pieces.length < limit; at += PIECE_CHARS) pieces.push(text.slice(at, at + PIECE_CHARS));
  const cut = pieces.length * PIECE_CHARS < text.length;
  return { pieces, finishReason: cut ? 'length' : 'stop', stopReason: null };
}

function valueOf(schema: unknown, root: Json, random: () => number, depth: number): unknown {
  if (!isObject(schema) || depth > MAX_DEPTH) return depth > MAX_DEPTH ? null : words(random);
  const ref = schema['$ref'];
  if (typeof ref === 'string') return valueOf(resolve(ref, root), root, random, depth + 1);
  if ('const' in schema) return schema['const'];
  const choices = schema['enum'];
  if (Array.isArray(choices) && choices.length > 0) return choices[0];
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) return valueOf(options[0], root, random, depth + 1);
  }
  const declared: unknown = schema['type'];
  const type: unknown = Array.isArray(declared) ? ((declared as unknown[]).find((t) => t !== 'null') ?? 'null') : declared;
  switch (type ?? (isObject(schema['properties']) ? 'object' : undefined)) {
    case 'object': {
      const properties = isObject(schema['properties']) ? schema['properties'] : {};
      const required = Array.isArray(schema['required']) ? schema['required'] : Object.keys(properties);
      const out: Json = {};
      for (const name of Object.keys(properties)) if (required.includes(name)) out[name] = valueOf(properties[name], root, random, depth + 1);
      return out;
    }
    case 'array': {
      const min = typeof schema['minItems'] === 'number' ? schema['minItems'] : 1;
      return Array.from({ length: Math.min(Math.max(min, 1), 3) }, () => valueOf(schema['items'], root, random, depth + 1));
    }
    case 'integer': {
      const [low, high] = bounds(schema);
      return Math.floor(low + random() * (high - low + 1));
    }
    case 'number': {
      const [low, high] = bounds(schema);
      return Math.round((low + random() * (high - low)) * 100) / 100;
    }
    case 'boolean':
      return random() < 0.5;
    case 'null':
      return null;
    default:
      return stringOf(schema, random);
  }
}

function stringOf(schema: Json, random: () => number): string {
  switch (schema['format']) {
    case 'date':
      return '2026-01-01';
    case 'date-time':
      return '2026-01-01T00:00:00Z';
    case 'email':
      return 'user@example.com';
    case 'uri':
      return 'https://example.com/';
    default:
      return words(random);
  }
}

function bounds(schema: Json): [number, number] {
  const low = typeof schema['minimum'] === 'number' ? schema['minimum'] : 0;
  const high = typeof schema['maximum'] === 'number' ? schema['maximum'] : low + 100;
  return [low, Math.max(low, high)];
}

/** `#/$defs/Name` or `#/definitions/Name` in the root schema; anything else is an empty schema. */
function resolve(ref: string, root: Json): unknown {
  const match = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
  const defs = match === null ? undefined : root[match[1]!];
  return match !== null && isObject(defs) ? defs[match[2]!] : {};
}

function words(random: () => number): string {
  const count = 1 + Math.floor(random() * 3);
  return Array.from({ length: count }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
}
