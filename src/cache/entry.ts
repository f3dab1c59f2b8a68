// A stored complete answer: what the response cache keeps and serves again, and what an idempotent
// retry is answered with (src/idempotency/). The body is kept as the engine sent it — the whole JSON
// response, or a stream's `data:` payloads in order (the usage chunk included, [DONE] left out) — so
// a miss only copies bytes the relay already holds; replay.ts serves it in either shape.
// Encoded for a store as one buffer: a one-line JSON header (which says how long each part is), a
// newline, then the parts back to back. The header is small; the parts are never escaped.
// A native answer (src/proxy/native/: an engine that serves the client's API itself) is kept as the
// bytes its client got, in that API, and says so (`native`): its header is version 2, so a router
// that knows only version 1 reads it as no entry (a miss), never as chat bytes. Chat entries stay
// version 1, shared with such routers as before.
import type { NativeApi } from '../config/types.js';
import type { Endpoint } from '../routing/endpoint.js';
import { readHeaderLine } from './header-line.js';
import { RecordedEntry } from './recorded-entry.js';

export const ENTRY_VERSION = 1;
/** The header version of a native entry. */
export const NATIVE_ENTRY_VERSION = 2;

/** The engine's usage, as results.ts reports it; `cached` null when the engine did not say. */
export interface EntryUsage {
  readonly prompt: number;
  readonly cached: number | null;
  readonly completion: number;
}

export interface CacheEntry {
  readonly endpoint: Endpoint;
  /** `json`: one part, the whole response body. `sse`: one part per upstream event payload. */
  readonly kind: 'json' | 'sse';
  /** The HTTP status the engine answered with (200 for everything the response cache stores). */
  readonly status: number;
  /** When the answer was complete (Date.now()): the `age` header counts from it. */
  readonly createdMs: number;
  readonly alias: string;
  readonly tier: string;
  readonly pool: string;
  readonly usage: EntryUsage | null;
  /** What the answer cost when it was made (src/cost/); null without prices or usage. */
  readonly costNanoUsd: number | null;
  /** Every finish_reason the answer carried, in order of appearance (one per choice, normally). */
  readonly finish: readonly string[];
  readonly parts: readonly Buffer[];
  /** The parts' total length, for an entry that knows it without making its parts (recorded-entry.ts). */
  readonly partBytes?: number;
  /** The parts' lengths and a copy of them back to back, for an entry that has them without making its parts. */
  readonly partLengths?: readonly number[];
  copyParts?(target: Buffer, at: number): void;
  /**
   * A native answer: the API its bytes are in. Then `parts` is one buffer, the JSON body or the whole
   * event stream as the client got it (`kind` says which), and `finish` is its stop in chat terms
   * (native-entry.ts). Absent: chat-completions bytes.
   */
  readonly native?: NativeApi;
}

/** The entry's size in a store: its parts plus its header. */
export function entryBytes(entry: CacheEntry): number {
  const known = entry.partBytes;
  if (known !== undefined) return known + HEADER_ALLOWANCE;
  let bytes = 0;
  for (const part of entry.parts) bytes += part.length;
  return bytes + HEADER_ALLOWANCE;
}

/** What a header takes, about: entries are bounded by bytes, so it is counted, not measured. */
const HEADER_ALLOWANCE = 256;

/** The entry's parts' lengths (a recorded entry makes them on asking: take them once). */
export function partLengthsOf(entry: CacheEntry): readonly number[] {
  return entry.partLengths ?? entry.parts.map((part) => part.length);
}

export function encodeEntry(entry: CacheEntry): Buffer {
  const lengths = partLengthsOf(entry);
  const header =
    entry instanceof RecordedEntry
      ? entry.headerLine(ENTRY_VERSION, lengths)
      : JSON.stringify({ v: entry.native === undefined ? ENTRY_VERSION : NATIVE_ENTRY_VERSION, ...headerFields(entry), lengths }) + '\n';
  const headerBytes = Buffer.byteLength(header);
  let bytes = headerBytes;
  for (const length of lengths) bytes += length;
  const encoded = Buffer.allocUnsafe(bytes);
  encoded.write(header, 0, headerBytes, 'utf8');
  if (entry.copyParts !== undefined) entry.copyParts(encoded, headerBytes);
  else {
    let at = headerBytes;
    for (const part of entry.parts) at += part.copy(encoded, at);
  }
  return encoded;
}

/** The entry's own enumerable fields but its parts: what its header says besides the lengths. */
function headerFields(entry: CacheEntry): Omit<CacheEntry, 'parts'> {
  // A plain entry (decoded, native) has `parts` as a field; a recorded one keeps them out of sight.
  if (!Object.hasOwn(entry, 'parts')) return entry;
  const { parts: _parts, ...fields } = entry;
  return fields;
}

/** The entry in `bytes`, or null when they are not an entry of this version (the caller treats it as a miss). */
export function decodeEntry(bytes: Buffer): CacheEntry | null {
  const line = readHeaderLine(bytes);
  if (line === null) return null;
  const { header } = line;
  if (!isHeader(header)) return null;
  const parts: Buffer[] = [];
  let at = line.bodyAt;
  for (const length of header.lengths) {
    if (at + length > bytes.length) return null;
    parts.push(bytes.subarray(at, at + length));
    at += length;
  }
  if (at !== bytes.length) return null;
  const { v: _v, lengths: _lengths, ...fields } = header;
  return { ...fields, parts };
}

type Header = Omit<CacheEntry, 'parts'> & { readonly v: number; readonly lengths: readonly number[] };

const ENDPOINTS: ReadonlySet<unknown> = new Set(['chat', 'completions', 'embeddings']);
const NATIVE_APIS: ReadonlySet<unknown> = new Set(['responses', 'messages']);

/** A store is shared and outlives versions of the router: everything read back is checked. */
function isHeader(value: unknown): value is Header {
  if (typeof value !== 'object' || value === null) return false;
  const h = value as Record<string, unknown>;
  return (
    (h['v'] === ENTRY_VERSION ? h['native'] === undefined : h['v'] === NATIVE_ENTRY_VERSION && NATIVE_APIS.has(h['native'])) &&
    ENDPOINTS.has(h['endpoint']) &&
    (h['kind'] === 'json' || h['kind'] === 'sse') &&
    Number.isInteger(h['status']) &&
    typeof h['createdMs'] === 'number' &&
    typeof h['alias'] === 'string' &&
    typeof h['tier'] === 'string' &&
    typeof h['pool'] === 'string' &&
    (h['usage'] === null || isUsage(h['usage'])) &&
    (h['costNanoUsd'] === null || isAmount(h['costNanoUsd'])) &&
    Array.isArray(h['finish']) &&
    h['finish'].every((reason) => typeof reason === 'string') &&
    Array.isArray(h['lengths']) &&
    h['lengths'].every((length) => Number.isInteger(length) && (length as number) >= 0)
  );
}

function isUsage(value: unknown): value is EntryUsage {
  if (typeof value !== 'object' || value === null) return false;
  const u = value as Record<string, unknown>;
  return isAmount(u['prompt']) && isAmount(u['completion']) && (u['cached'] === null || isAmount(u['cached']));
}

/** A count or cost a hit adds to counters: a finite number, never negative (a counter cannot go down). */
function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** The age of an entry in whole seconds, for the `age` header (RFC 9111 section 5.1). */
export function entryAgeSeconds(entry: Pick<CacheEntry, 'createdMs'>, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - entry.createdMs) / 1000));
}
