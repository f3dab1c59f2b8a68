// Sending one attempt to one replica: the only place that builds an upstream HTTP request.
import { serialiseWith } from '../openai/body-source.js';
import { isObject } from '../json-object.js';
import type { Dispatcher } from 'undici';
import type { Replica } from '../pools/replica.js';
import type { AbortSwitch } from './abort-switch.js';
import { StreamedResponse } from './streamed-response.js';
import { WholeResponseHandler, type WholeResponse } from './whole-response.js';

export interface ForwardOptions {
  readonly path: string;
  readonly payload: string;
  /** The client's headers for this attempt (a native Messages attempt's anthropic-version, anthropic-beta); null: none. */
  readonly headers: Readonly<Record<string, string>> | null;
  readonly requestId: string;
  readonly abort: AbortSwitch;
  /** 0 leaves the timing to the caller (streams arm their own first-event and idle timers). */
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

/** What a streamed attempt sends: its replica, path, payload and headers, under its upstream request id. */
export interface StreamedAttempt {
  readonly replica: Replica;
  readonly path: string;
  readonly payload: string;
  readonly headers: Readonly<Record<string, string>> | null;
  readonly result: { readonly upstreamId: string };
}

/** An attempt's response chunk by chunk, relayed as it arrives; its timing is left to the relay (which arms its own first-event and idle timers). */
export function streamAttempt(a: StreamedAttempt, abort: AbortSwitch): StreamedResponse {
  const handler = new StreamedResponse(abort);
  const options = { path: a.path, payload: a.payload, headers: a.headers, requestId: a.result.upstreamId, abort, headersTimeoutMs: 0, bodyTimeoutMs: 0 };
  a.replica.dispatcher.dispatch(requestOptions(a.replica, options), handler);
  return handler;
}

/** The whole response, for answers that are relayed only once complete. */
export function exchange(replica: Replica, options: ForwardOptions): Promise<WholeResponse> {
  const handler = new WholeResponseHandler(options.abort);
  replica.dispatcher.dispatch(requestOptions(replica, options), handler);
  return handler.done;
}

function requestOptions(replica: Replica, options: ForwardOptions): Dispatcher.DispatchOptions {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'x-request-id': options.requestId,
  };
  if (replica.authorization !== null) headers['authorization'] = replica.authorization;
  if (replica.headers !== null) Object.assign(headers, replica.headers);
  // After the pool's: the client's anthropic-version replaces the pool's for the body it wrote.
  if (options.headers !== null) Object.assign(headers, options.headers);
  return {
    path: options.path,
    method: 'POST',
    headers,
    body: options.payload,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
  };
}

/**
 * The client's body with the pool's model and, for streams, usage reporting switched on: its own text
 * with those two spliced in (body-source.ts), so every other byte reaches the engine as written.
 */
export function upstreamPayload(body: Readonly<Record<string, unknown>>, servedModel: string, stream: boolean): string {
  if (!stream) return serialiseWith(body, { model: servedModel });
  const streamOptions = body['stream_options'];
  const options: Readonly<Record<string, unknown>> = isObject(streamOptions) ? streamOptions : {};
  // vLLM puts usage in every chunk when continuous_usage_stats comes with include_usage: not for a client
  // that did not ask for usage (only the last usage chunk is taken out for it).
  const continuous = options['continuous_usage_stats'] === true && options['include_usage'] !== true ? { continuous_usage_stats: false } : null;
  return serialiseWith(body, { model: servedModel, stream_options: { ...options, ...continuous, include_usage: true } });
}
