// Where stored responses live: this router's memory (memory-store.ts) or a Redis every router shares
// (redis-store.ts). A record belongs to the key that created it; every read and delete names the
// owner, and another owner's record is answered exactly as a missing one (no existence oracle).
import type { Json } from './checks.js';
import type { StoredItem } from './stored-items.js';

export interface ResponseRecord {
  /** protocol.ts ownerOf() of the key that created it ('anon' for anonymous callers, who share one scope). */
  readonly owner: string;
  /** previous_response_id of the request, for the chain walk. */
  readonly prev: string | null;
  /** The Response object as answered. */
  readonly response: Json;
  /** This request's own input items, with their ids (instructions and history not included). */
  readonly input: readonly StoredItem[];
}

/**
 * A record to keep: its Response as an object, or as the JSON text the answer already made (spliced
 * into the record: neither encoded twice nor made as an object only to be encoded).
 */
export type NewRecord = Omit<ResponseRecord, 'response'> & ({ readonly response: Json } | { readonly responseText: string });

export interface ResponseStore {
  readonly kind: 'memory' | 'redis';
  /** Keeps `record` under `id` for `ttlMs`; false when it is not kept (over the store's entry bound). */
  put(id: string, record: NewRecord, ttlMs: number): Promise<boolean>;
  /** The record, or null when there is none for this owner (absent, expired, or another owner's). */
  get(id: string, owner: string): Promise<ResponseRecord | null>;
  /** Deletes the record if `owner` owns it; true when one was deleted. */
  delete(id: string, owner: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A record's JSON text with `owner` first: its bytes are what the stores bound, and the Redis delete
 * script checks ownership on the prefix alone (ownerPrefix) without decoding the record.
 */
export function encodeRecord(record: NewRecord): string {
  const { owner, prev, input } = record;
  if (!('responseText' in record)) return JSON.stringify({ owner, prev, response: record.response, input });
  // The same bytes JSON.stringify makes of the whole record (store.test.ts), the Response spliced in.
  return `${ownerPrefix(owner)}"prev":${JSON.stringify(prev)},"response":${record.responseText},"input":${JSON.stringify(input)}}`;
}

export function ownerPrefix(owner: string): string {
  return `{"owner":${JSON.stringify(owner)},`;
}

/** A record read back, checked: another version's or damaged text is no record. */
export function decodeRecord(text: string, owner: string): ResponseRecord | null {
  if (!text.startsWith(ownerPrefix(owner))) return null;
  try {
    const parsed = JSON.parse(text) as Partial<ResponseRecord>;
    if (typeof parsed.response !== 'object' || parsed.response === null || !Array.isArray(parsed.input)) return null;
    return { owner, prev: typeof parsed.prev === 'string' ? parsed.prev : null, response: parsed.response, input: parsed.input };
  } catch {
    return null;
  }
}
