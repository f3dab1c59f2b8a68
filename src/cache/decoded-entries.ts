// The entries a shared store (Redis) returned lately, decoded, by hash. Every read from Redis gives new
// bytes, and decoding them made a new entry object per hit, so the replay's templates (kept per entry
// object, replay-template.ts) were built again on every Redis hit: parsing each stored chunk and
// serialising it again was about a third of a streamed Redis hit's CPU in a perf profile. When the
// bytes read are the bytes decoded last time under that hash, the entry decoded then is the answer:
// decodeEntry is a function of the bytes alone, and comparing a few kilobytes costs far less than
// decoding them. Bytes that differ (the entry expired and another router stored a new answer) are
// decoded again and replace the old entry.
// Bounded by bytes in two generations: when the newer holds half the bound the older is dropped whole,
// so no lookup or insert walks the map (see the memory store's eviction, memory-store.ts).
import { decodeEntry, type CacheEntry } from './entry.js';
import { keptBytes } from './kept-bytes.js';

/** Bytes of entries kept, both generations together (each entry's templates take about as much again). */
export const DECODED_BYTES = 16 * 1024 * 1024;

interface Decoded {
  readonly bytes: Buffer;
  readonly entry: CacheEntry;
}

export class DecodedEntries {
  private newer = new Map<string, Decoded>();
  private older = new Map<string, Decoded>();
  private newerBytes = 0;

  constructor(private readonly maxBytes: number = DECODED_BYTES) {}

  /**
   * decodeEntry(bytes), the same object as last time when `hash` last read these bytes. Entries over
   * half the bound are decoded and not kept: one would push every other entry out.
   */
  decode(hash: string, bytes: Buffer): CacheEntry | null {
    const known = this.newer.get(hash) ?? this.older.get(hash);
    if (known !== undefined && known.bytes.equals(bytes)) {
      // Still read: kept into the next generation.
      if (!this.newer.has(hash)) this.keep(hash, known);
      return known.entry;
    }
    if (bytes.length > this.maxBytes / 2) return decodeEntry(bytes);
    // A copy of their own (kept-bytes.ts): the bytes read are a view into the client's socket buffer.
    const own = keptBytes(bytes);
    const entry = decodeEntry(own);
    if (entry !== null) this.keep(hash, { bytes: own, entry });
    return entry;
  }

  private keep(hash: string, decoded: Decoded): void {
    if (this.newerBytes + decoded.bytes.length > this.maxBytes / 2) {
      this.older = this.newer;
      this.newer = new Map();
      this.newerBytes = 0;
    }
    const replaced = this.newer.get(hash);
    if (replaced !== undefined) this.newerBytes -= replaced.bytes.length;
    this.newer.set(hash, decoded);
    this.newerBytes += decoded.bytes.length;
  }

  /** Entries kept, both generations (a hash in both counted twice). */
  get size(): number {
    return this.newer.size + this.older.size;
  }
}
