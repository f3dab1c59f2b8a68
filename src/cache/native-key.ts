// The cache key of a request that a pool may answer natively (src/proxy/native/: an engine that serves
// the client's API itself gets the client's own body, not its chat translation). Such an answer depends
// on everything the engine is sent, so the key covers the client's API and the body as the engine gets
// it (NativeRequest.body: for Responses the whole conversation as `input`, for Messages the client's
// body), and the client's protocol headers sent with it (anthropic-version, anthropic-beta), besides
// the scope, alias and tier of requestKey. A field the chat translation drops (`cache_control`, a
// Responses `include`, `truncation`, …) therefore makes another entry, and an answer in one API is never
// found by a request in another: the API is the first thing hashed after the scope.
// Left out: what the router sets itself or only says how the answer travels — `model` (the alias
// replaces it), `stream`, `stream_options`, and `store` (the router sends the engine store: false and
// writes the client's into every Response of a hit). Kept, unlike the chat key: `metadata`, `user`,
// `safety_identifier`, `prompt_cache_key`: a Response echoes them, and a hit repeats the engine's bytes.
import { hash } from 'node:crypto';
import type { NativeRequest } from '../protocols/protocol.js';
import { canonicalJson, canonicalObject } from './canonical-json.js';

const EXCLUDED: ReadonlySet<string> = new Set(['model', 'stream', 'stream_options', 'store']);

const VERSION = 'sy-cache-native-v1';

export interface NativeKeyMaterial {
  /** From cacheScope(): whose entries these are. */
  readonly scope: string;
  readonly native: NativeRequest;
  readonly alias: string;
  readonly tier: string;
}

/**
 * The client's protocol headers an engine serving its API natively is sent with the body
 * (NativeRequest.headers, chosen by src/protocols/anthropic/client-headers.ts), as canonical text: they
 * change the answer. Idempotency's fingerprint takes them the same way (src/idempotency/fingerprint.ts).
 */
export function protocolHeadersText(native: NativeRequest): string {
  return canonicalJson(native.headers ?? {}, 1);
}

/** 64 lowercase hex digits. */
export function nativeRequestKey(material: NativeKeyMaterial): string {
  const { native } = material;
  const prefix = `${VERSION}\0${material.scope}\0${native.api}\0${material.alias}\0${material.tier}\0${protocolHeadersText(native)}\0`;
  return hash('sha256', prefix + canonicalObject(native.body, 0, leftOutOfKey), 'hex');
}

/** A top-level null is the default, as in requestKey. */
function leftOutOfKey(name: string, value: unknown): boolean {
  return value === null || EXCLUDED.has(name);
}
