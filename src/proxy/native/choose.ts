// Whether one attempt goes to its pool natively: the client spoke an API the pool's engine serves
// itself (`pools.<n>.apis`), so the engine gets the client's own body (with the pool's model) on that
// API's path and answers in it, with no translation either way. Each attempt chooses: a chain may mix
// native and translated pools, and a failover may go from one to the other.
import type { OutputCap } from '../../budgets/output-plan.js';
import type { NativeApi, PoolConfig } from '../../config/types.js';
import type { ClientResponse } from '../../protocols/client-response.js';
import type { NativeRequest } from '../../protocols/protocol.js';
import { TranslatedResponse } from '../../protocols/translated-response.js';
import type { Pool } from '../../pools/pool.js';
import type { Relay } from '../attempt.js';
import { serialiseWith } from '../../openai/body-source.js';
import { MessagesStream } from './messages-stream.js';
import { relayNativeJson } from './relay-json.js';
import { relayNativeSse } from './relay-sse.js';
import { ResponsesStream } from './responses-stream.js';

/** What one attempt sends where, and the relay that reads its answer. */
export interface AttemptTarget {
  readonly path: string;
  readonly payload: string;
  /** Headers of the client's sent with it (a native Messages attempt's anthropic-version and anthropic-beta); null: none. */
  readonly headers: Readonly<Record<string, string>> | null;
  readonly relay: Relay;
}

/** The output bound a budget's cap writes, in each API's own field. */
const CAP_FIELDS: Readonly<Record<NativeApi, string>> = { responses: 'max_output_tokens', messages: 'max_tokens' };

/** The native attempt on `pool`, or null: the attempt is translated (the request has no native form, or the pool does not serve it). */
export function nativeAttempt(native: NativeRequest | undefined, stream: boolean, pool: Pool, res: ClientResponse, cap: OutputCap | undefined): AttemptTarget | null {
  if (native === undefined || !pool.config.apis.includes(native.api) || !(res instanceof TranslatedResponse)) return null;
  const out = res.passThrough();
  const { api } = native;
  const relay: Relay = stream ? (a) => relayNativeSse(a, out, api === 'responses' ? new ResponsesStream(out) : new MessagesStream()) : (a) => relayNativeJson(a, out, api);
  return { ...nativeTarget(pool.config, native, cap), headers: native.headers ?? null, relay };
}

/** Where the native request goes, and its body. Azure serves Responses under its v1 prefix (src/config/pool-apis.ts); other engines at the client's path. */
export function nativeTarget(pool: PoolConfig, native: NativeRequest, cap: OutputCap | undefined): { readonly path: string; readonly payload: string } {
  return { path: pool.engine === 'azure' ? `/openai${native.path}` : native.path, payload: payloadOf(pool, native, cap) };
}

function payloadOf(pool: PoolConfig, native: NativeRequest, cap: OutputCap | undefined): string {
  // The client's own text with the router's members spliced in (body-source.ts): parsing and serialising
  // it again would change what the router never meant to touch (big integers, 1E400, key order).
  const values: Record<string, unknown> = { model: pool.servedModel };
  if (cap !== undefined) {
    const field = CAP_FIELDS[native.api];
    const asked = native.body[field];
    values[field] = typeof asked === 'number' && asked < cap.tokens ? asked : cap.tokens;
  }
  // Anthropic's 2026-10-21 refuses the sampling fields even at their defaults, as the translated path
  // drops them (src/engines/anthropic/request.ts; https://platform.claude.com/docs/en/api/versioning).
  // The version sent is the client's when it sent one (src/protocols/anthropic/client-headers.ts), else the pool's.
  const refused = pool.engine === 'anthropic' && (native.headers?.['anthropic-version'] ?? pool.anthropic?.version) === '2026-10-21';
  return serialiseWith(native.body, values, refused ? SAMPLING.filter((field) => field in native.body) : []);
}

const SAMPLING = ['temperature', 'top_p', 'top_k'] as const;
