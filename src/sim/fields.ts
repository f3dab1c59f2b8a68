// Request fields that chat and completions share, validated the way vLLM validates them. Each
// reader returns a plain value or throws a 400 naming the field (vLLM's `param`).

import { badRequest, modelNotFound, SimError } from './errors.js';
import type { TextLimits } from './generate.js';
import type { PlanContext } from './plan.js';
import { isObject } from '../json-object.js';

export type JsonObject = Record<string, unknown>;

/** More choices than this is a mistake, not a load test. */
const MAX_CHOICES = 128;

export function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function requireObject(body: unknown): JsonObject {
  if (!isObject(body)) throw badRequest('Request body must be a JSON object.');
  return body;
}

/** vLLM treats a missing `model` as its served model and rejects any other name. */
export function checkModel(body: JsonObject, servedModel: string): void {
  const model = body['model'];
  if (model === undefined || model === null || model === servedModel) return;
  throw modelNotFound(typeof model === 'string' ? model : JSON.stringify(model));
}

export interface Sampling {
  /** The client's completion limit, or null when it set none. */
  readonly maxTokens: number | null;
  readonly n: number;
  readonly stop: readonly string[];
  readonly stream: boolean;
  readonly includeUsage: boolean;
}

/** `maxTokenFields` in precedence order (chat prefers max_completion_tokens over max_tokens). */
export function readSampling(body: JsonObject, maxTokenFields: readonly string[]): Sampling {
  let maxTokens: number | null = null;
  for (const field of maxTokenFields) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (!isIntegerIn(value, 1, Number.MAX_SAFE_INTEGER)) {
      throw badRequest(`${field} must be at least 1, got ${JSON.stringify(value)}.`, field);
    }
    maxTokens = value;
    break;
  }
  const n = body['n'] ?? 1;
  if (!isIntegerIn(n, 1, MAX_CHOICES)) {
    throw badRequest(`n must be an integer from 1 to ${MAX_CHOICES}.`, 'n');
  }
  const stream = body['stream'] ?? false;
  if (typeof stream !== 'boolean') throw badRequest('stream must be a boolean.', 'stream');
  const includeUsage = readIncludeUsage(body, stream);
  return { maxTokens, n, stop: readStop(body['stop']), stream, includeUsage };
}

function readStop(stop: unknown): readonly string[] {
  if (stop === undefined || stop === null) return [];
  if (typeof stop === 'string') return stop === '' ? [] : [stop];
  if (Array.isArray(stop) && stop.every((item): item is string => typeof item === 'string')) {
    return stop.filter((item) => item !== '');
  }
  throw badRequest('stop must be a string or an array of strings.', 'stop');
}

function readIncludeUsage(body: JsonObject, stream: boolean): boolean {
  const options = body['stream_options'];
  if (options === undefined || options === null) return false;
  if (!stream) throw badRequest('Stream options can only be defined when `stream=True`.', 'stream_options');
  if (!isObject(options)) throw badRequest('stream_options must be an object.', 'stream_options');
  const includeUsage = options['include_usage'] ?? false;
  if (typeof includeUsage !== 'boolean') {
    throw badRequest('stream_options.include_usage must be a boolean.', 'stream_options');
  }
  return includeUsage;
}

/**
 * The completion limit for one prompt, checked against the context window in the engine's words:
 * vLLM's VLLMValidationError (its str() appends the parameter and value), TGI's ValidationError
 * (InputLength, MaxTotalTokens), which TGI finds inside the stream of a streaming request.
 */
export function limitsFor(sampling: Sampling, promptTokens: number, context: Pick<PlanContext, 'defaultMaxTokens' | 'maxModelLen'>): TextLimits {
  const { maxModelLen } = context;
  const room = maxModelLen - promptTokens;
  if (room <= 0) {
    throw contextLengthError(
      `This model's maximum context length is ${maxModelLen} tokens. However, your request has ` +
        `${promptTokens} input tokens. Please reduce the length of the input messages. ` +
        `(parameter=input_tokens, value=${promptTokens})`,
      'input_tokens',
      `\`inputs\` must have less than ${maxModelLen} tokens. Given: ${promptTokens}`,
    );
  }
  if (sampling.maxTokens === null) {
    return { maxTokens: Math.min(context.defaultMaxTokens, room), limitIsExplicit: false, stop: sampling.stop };
  }
  if (sampling.maxTokens > room) {
    throw contextLengthError(
      `'max_tokens' or 'max_completion_tokens' is too large: ${sampling.maxTokens}. This model's ` +
        `maximum context length is ${maxModelLen} tokens and your request has ${promptTokens} ` +
        `input tokens (${sampling.maxTokens} > ${maxModelLen} - ${promptTokens}). ` +
        `(parameter=max_tokens, value=${sampling.maxTokens})`,
      'max_tokens',
      `\`inputs\` tokens + \`max_new_tokens\` must be <= ${maxModelLen}. Given: ${promptTokens} \`inputs\` tokens ` + `and ${sampling.maxTokens} \`max_new_tokens\``,
    );
  }
  return { maxTokens: sampling.maxTokens, limitIsExplicit: true, stop: sampling.stop };
}

function contextLengthError(vllmMessage: string, param: string, tgiMessage: string): SimError {
  return new SimError(400, 'BadRequestError', vllmMessage, param, {}, { message: tgiMessage, inStream: true });
}
