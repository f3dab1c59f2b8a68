// The entry a recorder makes of a chat answer (recorder.ts), as a class rather than an object literal
// spread from the fields: `{ ...fields, parts }` and `{ ...fields, get parts() {…} }` made V8 define the
// last member through its runtime's slow path on every stored miss (DefineNamedOwnIC_Slow, about 1.5%
// of the router's CPU per miss in a perf profile), where a class's members have one shape from the start.
// A streamed answer's parts are views of one buffer (part i ends at `ends[i]`), made each time they are
// read. Kept in the memory store, such an entry is a few objects rather than one per part (a stream has
// one per event), and most stored entries are never read: a full store of streamed answers gave every
// garbage collection hundreds of thousands of part objects to walk.
import type { Endpoint } from '../routing/endpoint.js';
import type { CacheEntry, EntryUsage } from './entry.js';

/** Everything but the parts, in the order encodeEntry writes them. */
export type EntryFields = Omit<CacheEntry, 'parts' | 'native'>;

export class RecordedEntry implements CacheEntry {
  readonly endpoint: Endpoint;
  readonly kind: 'json' | 'sse';
  readonly status: number;
  readonly createdMs: number;
  readonly alias: string;
  readonly tier: string;
  readonly pool: string;
  readonly usage: EntryUsage | null;
  readonly costNanoUsd: number | null;
  readonly finish: readonly string[];
  // Private: not own enumerable members, so encodeEntry's `...rest` never writes them into the header.
  readonly #parts: readonly Buffer[];
  readonly #whole: Buffer | null;
  readonly #ends: readonly number[];

  /** `whole` null: the parts are `parts`; else views of `whole` ending at `ends`. */
  constructor(fields: EntryFields, parts: readonly Buffer[], whole: Buffer | null, ends: readonly number[]) {
    this.endpoint = fields.endpoint;
    this.kind = fields.kind;
    this.status = fields.status;
    this.createdMs = fields.createdMs;
    this.alias = fields.alias;
    this.tier = fields.tier;
    this.pool = fields.pool;
    this.usage = fields.usage;
    this.costNanoUsd = fields.costNanoUsd;
    this.finish = fields.finish;
    this.#parts = parts;
    this.#whole = whole;
    this.#ends = ends;
  }

  /** What a store counts, without making a view per part (a streamed miss's store did, one per event). */
  get partBytes(): number {
    const whole = this.#whole;
    if (whole !== null) return whole.length;
    let bytes = 0;
    for (const part of this.#parts) bytes += part.length;
    return bytes;
  }

  get parts(): readonly Buffer[] {
    const whole = this.#whole;
    if (whole === null) return this.#parts;
    const parts: Buffer[] = [];
    let start = 0;
    for (const end of this.#ends) {
      parts.push(whole.subarray(start, end));
      start = end;
    }
    return parts;
  }
}
