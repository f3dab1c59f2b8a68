// The 400 of a Messages body, worded as Anthropic words its own: the field's dotted path
// (`messages.0.content.1.type`), a colon, the problem. The path is also the error's param (for the log).
import { RouterError } from '../../openai/errors.js';
import { isObject } from '../../json-object.js';

export type Json = Record<string, unknown>;

export function invalid(path: string, problem: string): RouterError {
  return new RouterError('invalid_request', path === '' ? problem : `${path}: ${problem}`, { param: path === '' ? null : path });
}

/** What a wrong value is, for a message; never the value itself (client text stays out of errors). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

export function requireString(value: unknown, path: string): string {
  if (value === undefined) throw invalid(path, 'Field required');
  if (typeof value !== 'string') throw invalid(path, `Input should be a valid string, got ${describe(value)}`);
  return value;
}

export function requireObject(value: unknown, path: string): Json {
  if (value === undefined) throw invalid(path, 'Field required');
  if (!isObject(value)) throw invalid(path, `Input should be an object, got ${describe(value)}`);
  return value;
}

export function requireList(value: unknown, path: string): readonly unknown[] {
  if (value === undefined) throw invalid(path, 'Field required');
  if (!Array.isArray(value)) throw invalid(path, `Input should be a valid list, got ${describe(value)}`);
  return value;
}
