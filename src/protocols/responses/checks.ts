// The small vocabulary of the Responses request checks: what a value is called in a message, and the
// two kinds of 400 (a value that is wrong; a valid value of OpenAI's API the router does not implement).
import { RouterError } from '../../openai/errors.js';

export type Json = Record<string, unknown>;

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'object') return 'an object';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- null, arrays and objects returned above: only a JSON number or boolean is left
  return `${typeof value} ${String(value)}`;
}

export function invalid(message: string, param: string | null): RouterError {
  return new RouterError('invalid_request', message, { param });
}

export function unsupported(message: string, param: string): RouterError {
  return new RouterError('unsupported_parameter', message, { param });
}
