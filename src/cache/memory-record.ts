// How the memory store lays an entry out in its arena's pages (memory-store.ts): the entry's fields in
// a small binary header, then its parts back to back. Only this process ever reads it, so unlike
// entry.ts's encoding (shared with routers of every version through Redis, and checked on every read)
// it has no version and needs no checks, and it is written straight into the page: no header text, no
// object. A stored miss made about 2 KB of garbage writing entry.ts's JSON header line and its pieces,
// which the collector then paid for on every miss; a record is measured and written without any.
//
// Layout, little-endian: createdMs, costNanoUsd, usage prompt, cached, completion (five float64s; NaN
// for null, and a prompt of NaN for no usage), status (uint16), endpoint, kind and native API (a byte
// each), alias, tier and pool (each a uint32 byte length and its UTF-16 code units, which keep any
// JavaScript string as it was, a lone surrogate too), the finish reasons (a uint32 count, then each as
// a string), the parts' lengths (a uint32 count, then a uint32 each), the parts.
import type { NativeApi } from '../config/types.js';
import type { Endpoint } from '../routing/endpoint.js';
import type { CacheEntry, EntryUsage } from './entry.js';

const ENDPOINTS: readonly Endpoint[] = ['chat', 'completions', 'embeddings'];
const KINDS: readonly CacheEntry['kind'][] = ['json', 'sse'];
/** Index 0: a chat-completions answer (no native API). */
const NATIVE_APIS: readonly (NativeApi | undefined)[] = [undefined, 'responses', 'messages'];

/** The five float64s, the status and the three one-byte codes. */
const FIXED_BYTES = 5 * 8 + 2 + 3;

/** The fields a record holds besides the parts. */
type Recorded = 'endpoint' | 'kind' | 'status' | 'createdMs' | 'alias' | 'tier' | 'pool' | 'usage' | 'costNanoUsd' | 'finish' | 'native';
/** The parts, and a recorded entry's ways of measuring and copying them. */
type Parts = 'parts' | 'partBytes' | 'partLengths' | 'copyParts';
/**
 * Fails to compile when CacheEntry gains a field the record does not hold: the memory store would
 * otherwise drop it without a word (entry.ts's JSON header carried every field).
 */
export type EveryFieldRecorded = NoneLeft<Exclude<keyof CacheEntry, Recorded | Parts>>;
type NoneLeft<T extends never> = T;

/** The bytes `entry` takes as a record. */
export function recordBytes(entry: CacheEntry, lengths: readonly number[]): number {
  let bytes = FIXED_BYTES + stringBytes(entry.alias) + stringBytes(entry.tier) + stringBytes(entry.pool) + 4;
  for (const reason of entry.finish) bytes += stringBytes(reason);
  bytes += 4 + 4 * lengths.length;
  for (const length of lengths) bytes += length;
  return bytes;
}

/** Writes `entry` into `target` from `at` (room for recordBytes(entry, lengths) is the caller's). */
export function writeRecord(entry: CacheEntry, lengths: readonly number[], target: Buffer, at: number): void {
  let to = target.writeDoubleLE(entry.createdMs, at);
  to = target.writeDoubleLE(entry.costNanoUsd ?? NaN, to);
  const { usage } = entry;
  to = target.writeDoubleLE(usage === null ? NaN : usage.prompt, to);
  to = target.writeDoubleLE(usage?.cached ?? NaN, to);
  to = target.writeDoubleLE(usage === null ? NaN : usage.completion, to);
  to = target.writeUInt16LE(entry.status, to);
  to = target.writeUInt8(ENDPOINTS.indexOf(entry.endpoint), to);
  to = target.writeUInt8(KINDS.indexOf(entry.kind), to);
  to = target.writeUInt8(NATIVE_APIS.indexOf(entry.native), to);
  to = writeString(entry.alias, target, to);
  to = writeString(entry.tier, target, to);
  to = writeString(entry.pool, target, to);
  to = target.writeUInt32LE(entry.finish.length, to);
  for (const reason of entry.finish) to = writeString(reason, target, to);
  to = target.writeUInt32LE(lengths.length, to);
  for (const length of lengths) to = target.writeUInt32LE(length, to);
  if (entry.copyParts !== undefined) entry.copyParts(target, to);
  else for (const part of entry.parts) to += part.copy(target, to);
}

/** The entry a record holds; its parts are views of `bytes`. */
export function readRecord(bytes: Buffer): CacheEntry {
  const createdMs = bytes.readDoubleLE(0);
  const cost = bytes.readDoubleLE(8);
  const prompt = bytes.readDoubleLE(16);
  const cached = bytes.readDoubleLE(24);
  const usage: EntryUsage | null = Number.isNaN(prompt) ? null : { prompt, cached: Number.isNaN(cached) ? null : cached, completion: bytes.readDoubleLE(32) };
  const status = bytes.readUInt16LE(40);
  const endpoint = ENDPOINTS[bytes[42]!]!;
  const kind = KINDS[bytes[43]!]!;
  const native = NATIVE_APIS[bytes[44]!];
  const reader = { at: FIXED_BYTES };
  const alias = readString(bytes, reader);
  const tier = readString(bytes, reader);
  const pool = readString(bytes, reader);
  const finish: string[] = [];
  for (let count = readUInt32(bytes, reader); count > 0; count--) finish.push(readString(bytes, reader));
  const lengths: number[] = [];
  for (let count = readUInt32(bytes, reader); count > 0; count--) lengths.push(readUInt32(bytes, reader));
  const parts: Buffer[] = [];
  let at = reader.at;
  for (const length of lengths) {
    parts.push(bytes.subarray(at, at + length));
    at += length;
  }
  const entry = { endpoint, kind, status, createdMs, alias, tier, pool, usage, costNanoUsd: Number.isNaN(cost) ? null : cost, finish, parts };
  return native === undefined ? entry : { ...entry, native };
}

function stringBytes(text: string): number {
  return 4 + 2 * text.length;
}

function writeString(text: string, target: Buffer, at: number): number {
  const written = target.write(text, at + 4, 'utf16le');
  target.writeUInt32LE(written, at);
  return at + 4 + written;
}

function readUInt32(bytes: Buffer, reader: { at: number }): number {
  const value = bytes.readUInt32LE(reader.at);
  reader.at += 4;
  return value;
}

function readString(bytes: Buffer, reader: { at: number }): string {
  const length = readUInt32(bytes, reader);
  const text = bytes.toString('utf16le', reader.at, reader.at + length);
  reader.at += length;
  return text;
}
