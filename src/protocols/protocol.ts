// An inbound API: how a client's request arrives and how its answer and errors must look. Every API
// is turned into one neutral request, a chat-completions body (src/routing/inference-request.ts), so
// classification, key policy, budgets, the cache, failover, metrics and the access line are the same
// whichever API the client spoke; only the edges differ, and they are this interface.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { KeyRecord } from '../budgets/types.js';
import type { RouterError } from '../openai/errors.js';
import type { Endpoint, InferenceRequest } from '../routing/inference-request.js';
import type { Runtime } from '../runtime.js';
import type { ClientResponse } from './client-response.js';

/** The APIs clients speak to the router: OpenAI's (chat, completions, embeddings), OpenAI Responses, Anthropic Messages. */
export type Api = 'openai' | 'responses' | 'messages';

/** What parsing may read besides the body: the config it runs on, the caller and the request's headers. */
export interface ParseContext {
  readonly runtime: Runtime;
  readonly key: KeyRecord | null;
  readonly headers: IncomingHttpHeaders;
}

/** What a translated answer may need to know about the request it answers. */
export interface AnswerContext {
  /** The request's id (x-request-id). */
  readonly requestId: string;
  /** The caller's key id; null for an anonymous caller. */
  readonly keyId: string | null;
  /** The configured alias that serves the request. */
  readonly alias: string;
}

/**
 * How one request's answer is written in its client's API, made when its body was parsed (so it can
 * keep what the translation needs: the client's own model name, fields echoed back, ids). Absent from
 * an OpenAI request: its answer is the engine's bytes.
 */
export interface AnswerFormat {
  open(res: ServerResponse, context: AnswerContext): ClientResponse;
  /**
   * What an idempotent replay needs, besides the stored chat bytes, to be this same answer again (the
   * ids and times the translation minted, whether it was stored), once the answer is finished; null
   * when there is nothing (the answer did not finish here). Kept in the idempotency record.
   */
  replayState?(): Promise<ReplayState | null>;
  /** Before an idempotent replay: answer as the first did (its replayState), storing nothing. False when `state` is not one it reads. */
  replayAs?(state: ReplayState): boolean;
}

/** An answer format's replay state: JSON, as an idempotency store keeps it. */
export type ReplayState = Readonly<Record<string, unknown>>;

/**
 * The client's own request, for pools whose engine serves its API natively (`pools.<n>.apis`): sent
 * there instead of the neutral chat body, and answered with the engine's own bytes in that API.
 */
export interface NativeRequest {
  readonly api: Exclude<Api, 'openai'>;
  /** The upstream path: /v1/responses or /v1/messages. */
  readonly path: string;
  /** The body for the engine as the client's API writes it; its `model` is replaced by the pool's servedModel. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The client's protocol headers the engine gets with it (Messages: anthropic-version, anthropic-beta); absent: none. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface InboundProtocol {
  readonly api: Api;
  /** The neutral request's endpoint: `chat` for every API but OpenAI's completions and embeddings. */
  readonly endpoint: Endpoint;
  /** The secret the client authenticates with, '' when it sent none. */
  credential(headers: IncomingHttpHeaders): string;
  /** The neutral request (with its `answerAs` unless the API is OpenAI's); throws a RouterError for bad input. */
  parse(body: unknown, context: ParseContext): InferenceRequest | Promise<InferenceRequest>;
  /** An error response before anything was written, in this API's envelope and status. */
  writeError(res: ServerResponse, error: RouterError, requestId: string): void;
}
