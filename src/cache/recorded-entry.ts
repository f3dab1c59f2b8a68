// The entry a recorder makes of a chat answer (recorder.ts), as a class rather than an object literal
// spread from the fields: `{ ...fields, parts }` and `{ ...fields, get parts() {…} }` made V8 define the
// last member through its runtime's slow path on every stored miss (DefineNamedOwnIC_Slow, about 1.5%
// of the router's CPU per miss in a perf profile), where a class's members have one shape from the start.
// A streamed answer's parts are views of one buffer (part i ends at `ends[i]`), made only when they are
// read: a store copies the whole buffer at once (partLengths, copyParts), and most stored answers are
// never read as parts.
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

  get partLengths(): readonly number[] {
    if (this.#whole === null) return this.#parts.map((part) => part.length);
    const lengths: number[] = [];
    let start = 0;
    for (const end of this.#ends) {
      lengths.push(end - start);
      start = end;
    }
    return lengths;
  }

  /**
   * encodeEntry's header line for this entry, written member by member in the class's order: the
   * text JSON.stringify makes of `{ v, ...fields, lengths }` (entry.test.ts pins the two together),
   * without the spread copy and the generic stringify a stored miss paid for (about 2 µs of its CPU
   * in a profile).
   */
  headerLine(version: number, lengths: readonly number[]): string {
    const { usage } = this;
    const usageText =
      usage === null
        ? 'null'
        : `{"prompt":${numberText(usage.prompt)},"cached":${usage.cached === null ? 'null' : numberText(usage.cached)},"completion":${numberText(usage.completion)}}`;
    let finish = '';
    for (const reason of this.finish) finish += (finish === '' ? '' : ',') + JSON.stringify(reason);
    return (
      `{"v":${version},"endpoint":${JSON.stringify(this.endpoint)},"kind":${JSON.stringify(this.kind)},"status":${numberText(this.status)},` +
      `"createdMs":${numberText(this.createdMs)},"alias":${JSON.stringify(this.alias)},"tier":${JSON.stringify(this.tier)},"pool":${JSON.stringify(this.pool)},` +
      `"usage":${usageText},"costNanoUsd":${this.costNanoUsd === null ? 'null' : numberText(this.costNanoUsd)},"finish":[${finish}],"lengths":[${lengths.join(',')}]}\n`
    );
  }

  copyParts(target: Buffer, at: number): void {
    const whole = this.#whole;
    if (whole !== null) whole.copy(target, at);
    else for (const part of this.#parts) at += part.copy(target, at);
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

/** A number as JSON.stringify writes it: a non-finite one is `null`. */
function numberText(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}
