// The bytes an idempotency record keeps for replay, versioned because Redis shares them between
// routers of different versions. Version 2 (this file): a one-line JSON header `{"idem":2,…}`, a
// newline, then either
//   kind chat:   a response-cache entry (src/cache/entry.ts, the engine's chat-completions bytes), with
//                `state`, what the client's answer format minted on the first answer (a Responses
//                answer's id seed and times: protocols/protocol.ts replayState), so a replay is the same
//                answer, ids included;
//   kind native: the bytes the client was sent by an engine that serves its API itself
//                (src/proxy/native/), as they went out: a JSON body, or the whole event stream.
// Version 1 records (the router before this) are a bare cache entry: read as kind chat without state.
// A router that only knows version 1 reads a version 2 record as unreadable, and runs the request
// without idempotency (service.ts), never as an error.
import { decodeEntry, encodeEntry, type CacheEntry } from '../cache/entry.js';
import { readHeaderLine } from '../cache/header-line.js';
import type { NativeApi } from '../config/types.js';
import type { ReplayState } from '../protocols/protocol.js';
import { keptJoin } from '../cache/kept-bytes.js';
import { isObject } from '../json-object.js';

const VERSION = 2;
/** What a native answer's replay needs besides its bytes. */
export interface NativeMeta {
  readonly api: NativeApi;
  /** Whether the bytes are an event stream (else one JSON body). */
  readonly stream: boolean;
  /** When the answer was complete (Date.now()): the `age` header counts from it. */
  readonly createdMs: number;
  readonly tier: string;
  readonly pool: string;
}

export type KeptAnswer =
  { readonly kind: 'chat'; readonly entry: CacheEntry; readonly state: ReplayState | null } | { readonly kind: 'native'; readonly meta: NativeMeta; readonly body: Buffer };

/** The answer's bytes, in a buffer of their own: the memory store keeps them for the key's TTL (kept-bytes.ts). */
export function encodeKept(answer: KeptAnswer): Buffer {
  const [header, body] =
    answer.kind === 'chat'
      ? [JSON.stringify({ idem: VERSION, kind: 'chat', state: answer.state }), encodeEntry(answer.entry)]
      : [JSON.stringify({ idem: VERSION, kind: 'native', ...answer.meta }), answer.body];
  const line = Buffer.from(`${header}\n`);
  return keptJoin([line, body], line.length + body.length);
}

/** The kept answer in `bytes`; null when they are not one this router reads (the request then runs). */
export function decodeKept(bytes: Buffer): KeptAnswer | null {
  const line = readHeaderLine(bytes);
  if (line === null) return null;
  const { header } = line;
  if (!isObject(header)) return null;
  if (header['idem'] === undefined) {
    // Version 1: the cache entry itself.
    const entry = decodeEntry(bytes);
    return entry === null ? null : { kind: 'chat', entry, state: null };
  }
  if (header['idem'] !== VERSION) return null;
  const rest = bytes.subarray(line.bodyAt);
  if (header['kind'] === 'chat') {
    const entry = decodeEntry(rest);
    const state = header['state'];
    if (entry === null || !(state === null || isObject(state))) return null;
    return { kind: 'chat', entry, state };
  }
  if (header['kind'] !== 'native') return null;
  const { api, stream, createdMs, tier, pool } = header;
  if ((api !== 'responses' && api !== 'messages') || typeof stream !== 'boolean' || typeof createdMs !== 'number') return null;
  if (typeof tier !== 'string' || typeof pool !== 'string') return null;
  return { kind: 'native', meta: { api, stream, createdMs, tier, pool }, body: rest };
}
