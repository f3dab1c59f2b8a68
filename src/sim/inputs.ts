// The input shapes completions (`prompt`) and embeddings (`input`) share: a string, an array of
// strings, an array of token ids, or an array of token-id arrays. Each item becomes its token count
// and a content hash that seeds its deterministic output.

import { badRequest } from './errors.js';
import { hashNumber, hashString } from './seed.js';
import { countTextTokens } from './tokens.js';

export interface TextInput {
  readonly tokens: number;
  readonly seed: number;
}

export function readTextInputs(value: unknown, param: string): readonly TextInput[] {
  if (typeof value === 'string') return [textInput(value)];
  if (Array.isArray(value) && value.length > 0) {
    if (value.every((item): item is string => typeof item === 'string')) return value.map(textInput);
    if (value.every(isTokenId)) return [tokenInput(value)];
    if (value.every(isTokenIdList)) return value.map(tokenInput);
  }
  throw badRequest(`${param} must be a string, an array of strings, an array of token ids or an array of ` + 'non-empty token-id arrays.', param);
}

function textInput(text: string): TextInput {
  return { tokens: countTextTokens(text), seed: hashString(text) };
}

function tokenInput(ids: readonly number[]): TextInput {
  let seed = hashString('');
  for (const id of ids) seed = hashNumber(id, seed);
  return { tokens: ids.length, seed };
}

function isTokenId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isTokenIdList(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every(isTokenId);
}
