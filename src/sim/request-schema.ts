// vLLM's request schema for the plainly typed fields of chat and completions requests, checked the
// way pydantic v2 (lax mode) checks them before vLLM sees the request: a value of the wrong type is
// a 400 listing every such error, in the order the fields are declared, as FastAPI's errors list
// printed by Python (vllm/entrypoints/openai/api_server.py, validation_exception_handler). Values
// pydantic would coerce ("0.5" for a float, "2" or 2.0 for an int, "true" for a bool) are accepted
// and written back coerced, so the simulator's own readers see what vLLM's model would hold.
// Field order and types: vllm/entrypoints/openai/chat_completion/protocol.py (ChatCompletionRequest)
// and completion/protocol.py (CompletionRequest). Fields with richer types (messages, prompt, stop,
// tools, …) are left to the simulator's readers.

import { schemaError } from './errors.js';
import type { JsonObject } from './fields.js';

type Scalar = 'float' | 'int' | 'bool' | 'str';

interface Field {
  readonly name: string;
  readonly type: Scalar;
  /** `X | None`: null is accepted. */
  readonly nullable: boolean;
}

const field = (name: string, type: Scalar, nullable = true): Field => ({ name, type, nullable });

export const CHAT_FIELDS: readonly Field[] = [
  field('model', 'str'),
  field('frequency_penalty', 'float'),
  field('logprobs', 'bool'),
  field('max_tokens', 'int'),
  field('max_completion_tokens', 'int'),
  field('n', 'int'),
  field('presence_penalty', 'float'),
  field('seed', 'int'),
  field('stream', 'bool'),
  field('temperature', 'float'),
  field('top_p', 'float'),
  field('user', 'str'),
  field('top_k', 'int'),
  field('min_p', 'float'),
  field('repetition_penalty', 'float'),
  field('add_generation_prompt', 'bool', false),
  field('continue_final_message', 'bool', false),
];

export const COMPLETION_FIELDS: readonly Field[] = [
  field('model', 'str'),
  field('echo', 'bool'),
  field('frequency_penalty', 'float'),
  field('logprobs', 'int'),
  field('max_tokens', 'int'),
  field('n', 'int', false),
  field('presence_penalty', 'float'),
  field('seed', 'int'),
  field('stream', 'bool'),
  field('suffix', 'str'),
  field('temperature', 'float'),
  field('top_p', 'float'),
  field('user', 'str'),
  field('top_k', 'int'),
  field('min_p', 'float'),
  field('repetition_penalty', 'float'),
];

/** Throws vLLM's 400 when any of `fields` has a value pydantic refuses; coerces the rest in place. */
export function checkFieldTypes(body: JsonObject, fields: readonly Field[]): void {
  let errors: string[] | null = null;
  for (const { name, type, nullable } of fields) {
    if (!(name in body)) continue;
    const value = body[name];
    if (value === null && nullable) continue;
    const verdict = COERCE[type](value);
    if ('value' in verdict) {
      body[name] = verdict.value;
      continue;
    }
    (errors ??= []).push(`{'type': '${verdict.type}', 'loc': ('body', '${name}'), 'msg': '${verdict.msg}', 'input': ${pyRepr(value)}}`);
  }
  if (errors !== null) throw schemaError(`[${errors.join(', ')}]`);
}

type Verdict = { readonly value: unknown } | { readonly type: string; readonly msg: string };

const NUMBER = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
const INTEGER = /^\s*[+-]?\d+\s*$/;
const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

// pydantic-core's lax-mode rules and messages for JSON input.
const COERCE: Readonly<Record<Scalar, (value: unknown) => Verdict>> = {
  float: (value) => {
    if (typeof value === 'number' || typeof value === 'boolean') return { value: Number(value) };
    if (typeof value === 'string') {
      return NUMBER.test(value) ? { value: Number(value) } : { type: 'float_parsing', msg: 'Input should be a valid number, unable to parse string as a number' };
    }
    return { type: 'float_type', msg: 'Input should be a valid number' };
  },
  int: (value) => {
    if (typeof value === 'boolean') return { value: Number(value) };
    if (typeof value === 'number') {
      return Number.isInteger(value) ? { value } : { type: 'int_from_float', msg: 'Input should be a valid integer, got a number with a fractional part' };
    }
    if (typeof value === 'string') {
      return INTEGER.test(value) ? { value: Number(value) } : { type: 'int_parsing', msg: 'Input should be a valid integer, unable to parse string as an integer' };
    }
    return { type: 'int_type', msg: 'Input should be a valid integer' };
  },
  bool: (value) => {
    if (typeof value === 'boolean') return { value };
    if (value === 0 || value === 1) return { value: value === 1 };
    if (typeof value === 'string') {
      const word = value.toLowerCase();
      if (TRUE_WORDS.has(word)) return { value: true };
      if (FALSE_WORDS.has(word)) return { value: false };
    }
    if (typeof value === 'string' || typeof value === 'number') {
      return { type: 'bool_parsing', msg: 'Input should be a valid boolean, unable to interpret input' };
    }
    return { type: 'bool_type', msg: 'Input should be a valid boolean' };
  },
  str: (value) => (typeof value === 'string' ? { value } : { type: 'string_type', msg: 'Input should be a valid string' }),
};

/** A JSON value as Python's repr() prints what json.loads made of it. */
function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as JsonObject).map(([key, item]) => `${pyString(key)}: ${pyRepr(item)}`);
    return `{${entries.join(', ')}}`;
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- every JSON kind returned above; this is only for the impossible rest
  return String(value);
}

function pyNumber(value: number): string {
  // Python prints large and small floats with an exponent sign and at least two digits (1e+16).
  const text = String(value);
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python's str repr: single quotes unless the text has one and no double quote; escapes as Python does. */
function pyString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out + quote;
}
