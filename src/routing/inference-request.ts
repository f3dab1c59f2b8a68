// The checks OpenAI makes before it looks at a model: the request's shape, and the types and ranges
// of the fields it knows (request-fields.ts). Everything beyond these fields passes through to the
// engine untouched, so engines keep judging what they understand.
import { RouterError } from '../openai/errors.js';
import type { AnswerFormat, NativeRequest } from '../protocols/protocol.js';
import type { Endpoint } from './endpoint.js';
import { FIELD_RULES } from './request-fields.js';
import { isObject } from '../json-object.js';

// Re-exported: most code that names an endpoint also reads the request.
export type { Endpoint } from './endpoint.js';

/** Upstream path of each endpoint, identical for every OpenAI-compatible engine. */
export const ENDPOINT_PATHS: Readonly<Record<Endpoint, string>> = {
  chat: '/v1/chat/completions',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
};

export interface InferenceRequest {
  readonly endpoint: Endpoint;
  /** The alias the client asked for, or router.yaml's `defaultModel` when it named none. */
  readonly model: string;
  readonly stream: boolean;
  /** Whether the client itself asked for the stream's usage chunk. */
  readonly clientWantsUsage: boolean;
  /** The client's body as parsed; only `model` and `stream_options` are rewritten upstream. */
  readonly body: Readonly<Record<string, unknown>>;
  /** How the answer is written in the client's API (OpenAI Responses, Anthropic Messages); absent: as the engine's chat bytes. */
  readonly answerAs?: AnswerFormat;
  /** The client's own request, for a pool that serves its API natively; absent for OpenAI's API. */
  readonly native?: NativeRequest;
  /**
   * Fields a translation may have written into `body` beyond OpenAI's chat completions (Messages: top_k):
   * an attempt sends them only to engines that take them (src/engines/chat-extensions.ts). Absent for
   * OpenAI's API: a chat client's own fields all pass, unknown ones included.
   */
  readonly extensionFields?: readonly string[];
  /**
   * Why the request cannot run, thrown only once an idempotent replay was looked for: a retry of a
   * Responses request whose earlier turns were deleted, expired or cannot be read right now still gets
   * its first answer (only running it needs the conversation). Absent: it can run.
   */
  readonly refusal?: RouterError;
}

type Json = Record<string, unknown>;

/** `defaultModel` serves requests without `model` (or with `"model": null`), as vLLM and TGI serve theirs. */
export function parseRequest(endpoint: Endpoint, body: unknown, defaultModel: string | null = null): InferenceRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('The request body must be a JSON object.', null);
  }
  const json = body as Json;
  const given = json['model'];
  const model = given === undefined || given === null ? defaultModel : given;
  if (model === null) throw invalid("Missing required parameter: 'model'.", 'model');
  if (typeof model !== 'string' || model.length === 0) {
    throw invalid(`Invalid type for 'model': expected a non-empty string, got ${describe(model)}.`, 'model');
  }
  PAYLOAD_CHECKS[endpoint](json);
  const stream = json['stream'];
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    throw invalid(`Invalid type for 'stream': expected a boolean, got ${describe(stream)}.`, 'stream');
  }
  if (endpoint === 'embeddings' && stream === true) throw invalid('Embeddings cannot be streamed.', 'stream');
  const streamOptions = json['stream_options'];
  if (streamOptions !== undefined && streamOptions !== null && !isObject(streamOptions)) {
    throw invalid(`Invalid type for 'stream_options': expected an object, got ${describe(streamOptions)}.`, 'stream_options');
  }
  for (const rule of FIELD_RULES[endpoint]) {
    const value = json[rule.field];
    if (value === undefined || value === null) continue;
    const problem = rule.check(value, json);
    if (problem === null) continue;
    const what = problem.kind === 'type' ? 'Invalid type for' : 'Invalid value for';
    throw invalid(`${what} '${rule.field}': expected ${problem.expected}, got ${describe(value)}.`, rule.field);
  }
  return {
    endpoint,
    model,
    stream: stream === true,
    clientWantsUsage: isObject(streamOptions) && streamOptions['include_usage'] === true,
    body: json,
  };
}

const PAYLOAD_CHECKS: Readonly<Record<Endpoint, (json: Json) => void>> = {
  chat(json) {
    const messages = json['messages'];
    if (messages === undefined) throw invalid("Missing required parameter: 'messages'.", 'messages');
    if (!Array.isArray(messages)) {
      throw invalid(`Invalid type for 'messages': expected an array, got ${describe(messages)}.`, 'messages');
    }
    if (messages.length === 0) throw invalid("Invalid 'messages': empty array. Expected at least one message.", 'messages');
    messages.forEach((message: unknown, index) => {
      const param = `messages[${index}]`;
      if (!isObject(message)) throw invalid(`Invalid type for '${param}': expected an object, got ${describe(message)}.`, param);
      if (typeof message['role'] !== 'string') {
        throw invalid(`Missing required parameter: '${param}.role'.`, `${param}.role`);
      }
    });
  },
  completions(json) {
    const prompt = json['prompt'];
    if (prompt === undefined) throw invalid("Missing required parameter: 'prompt'.", 'prompt');
    if (typeof prompt !== 'string' && !Array.isArray(prompt)) {
      throw invalid(`Invalid type for 'prompt': expected a string or an array, got ${describe(prompt)}.`, 'prompt');
    }
  },
  embeddings(json) {
    const input = json['input'];
    if (input === undefined) throw invalid("Missing required parameter: 'input'.", 'input');
    if (typeof input !== 'string' && !Array.isArray(input)) {
      throw invalid(`Invalid type for 'input': expected a string or an array, got ${describe(input)}.`, 'input');
    }
    if (Array.isArray(input) && input.length === 0) throw invalid("Invalid 'input': empty array.", 'input');
  },
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string`;
  if (typeof value === 'object') return 'an object';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- null, arrays and objects returned above: only a JSON number or boolean is left
  return `${typeof value} ${String(value)}`;
}

function invalid(message: string, param: string | null): RouterError {
  return new RouterError('invalid_request', message, { param });
}
