// The cache in this router's memory: a least-recently-used list bounded by the bytes of its entries,
// on a Map's insertion order (a hit re-inserts its entry at the end; eviction takes from the front),
// with each entry's own expiry. An entry is kept as a record (memory-record.ts) in the arena's pages
// until it is first read, and as its objects from then on: most stored answers are never read, and bytes in a
// page are nothing to the collector (arena.ts), while an entry that is read keeps one object, so its
// replay templates are kept with it (replay-template.ts).
import { Arena, pageBytesFor, type Page, type Placed } from './arena.js';
import type { CacheEntry } from './entry.js';
import { entryBytes, partLengthsOf } from './entry.js';
import { readRecord, recordBytes, writeRecord } from './memory-record.js';
import { OldestFirst } from './oldest-first.js';
import type { CacheStore } from './store.js';

class Slot implements Placed {
  /** Null while the entry is only its record in the arena. */
  entry: CacheEntry | null = null;
  page: Page | null = null;
  at = 0;
  length = 0;

  constructor(
    readonly bytes: number,
    readonly expiresAt: number,
  ) {}
}

export interface MemoryStoreEvents {
  /** Entries pushed out to make room (expired ones are not counted). */
  evicted(count: number): void;
  /** The bytes held, after every change. */
  bytes(total: number): void;
}

export class MemoryCacheStore implements CacheStore {
  readonly kind = 'memory';
  private readonly slots = new Map<string, Slot>();
  private held = 0;
  /** Where eviction has got to in `slots`. */
  private readonly oldest = new OldestFirst(this.slots);
  private readonly arena: Arena;

  constructor(
    private readonly maxBytes: number,
    private readonly events: MemoryStoreEvents,
    private readonly now: () => number = Date.now,
  ) {
    this.arena = new Arena(pageBytesFor(maxBytes));
  }

  get(hash: string): Promise<CacheEntry | null> {
    return Promise.resolve(this.read(hash));
  }

  readLocal(hash: string): CacheEntry | null {
    return this.read(hash);
  }

  set(hash: string, entry: CacheEntry, ttlMs: number): Promise<void> {
    this.setLocal(hash, entry, ttlMs);
    return Promise.resolve();
  }

  setLocal(hash: string, entry: CacheEntry, ttlMs: number): void {
    const bytes = entryBytes(entry);
    // An entry bigger than the whole cache would only empty it.
    if (bytes > this.maxBytes) return;
    const old = this.slots.get(hash);
    if (old !== undefined) {
      this.slots.delete(hash);
      this.held -= old.bytes;
      this.forget(old);
    }
    const slot = new Slot(bytes, this.now() + ttlMs);
    const lengths = partLengthsOf(entry);
    writeRecord(entry, lengths, this.arena.place(slot, recordBytes(entry, lengths)), slot.at);
    this.slots.set(hash, slot);
    this.held += bytes;
    let evicted = 0;
    while (this.held > this.maxBytes) {
      const next = this.oldest.next();
      if (next === null) break;
      const [oldest, slot] = next;
      this.slots.delete(oldest);
      this.held -= slot.bytes;
      this.forget(slot);
      if (slot.expiresAt > this.now()) evicted++;
    }
    if (evicted > 0) this.events.evicted(evicted);
    this.events.bytes(this.held);
  }

  lock(): Promise<boolean> {
    return Promise.resolve(true);
  }

  getOrLock(hash: string): Promise<CacheEntry | boolean> {
    return Promise.resolve(this.read(hash) ?? true);
  }

  setAndUnlock(hash: string, entry: CacheEntry, ttlMs: number): Promise<void> {
    return this.set(hash, entry, ttlMs);
  }

  unlock(): Promise<void> {
    return Promise.resolve();
  }

  unlockUnkept(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.slots.clear();
    this.oldest.reset();
    this.arena.clear();
    this.held = 0;
    return Promise.resolve();
  }

  /** Entries and bytes held (expired entries count until they are read or pushed out). */
  stats(): { readonly entries: number; readonly bytes: number } {
    return { entries: this.slots.size, bytes: this.held };
  }

  /** Bytes of the arena's pages: what the packed entries cost in memory (`stats().bytes` is what they count). */
  get arenaBytes(): number {
    return this.arena.bytes;
  }

  /** The live entry, made the most recently used; an expired one is let go. */
  private read(hash: string): CacheEntry | null {
    const slot = this.slots.get(hash);
    if (slot === undefined) return null;
    this.slots.delete(hash);
    if (slot.expiresAt <= this.now()) {
      this.release(slot);
      return null;
    }
    const entry = slot.entry ?? this.unpack(slot);
    if (entry === null) {
      this.release(slot);
      return null;
    }
    this.slots.set(hash, slot);
    return entry;
  }

  /**
   * The entry read from a copy of its record, which leaves the arena. Always a copy (not keptBytes: a
   * record alone in a page of its own is the whole page, and a page the size of the arena's is kept as
   * its spare and filled again).
   */
  private unpack(slot: Slot): CacheEntry | null {
    const page = slot.page;
    if (page === null) return null;
    const own = Buffer.allocUnsafeSlow(slot.length);
    page.bytes.copy(own, 0, slot.at, slot.at + slot.length);
    this.arena.release(slot);
    slot.entry = readRecord(own);
    return slot.entry;
  }

  private release(slot: Slot): void {
    this.held -= slot.bytes;
    this.forget(slot);
    this.events.bytes(this.held);
  }

  /**
   * A slot that left `slots` lets its bytes and its entry go. A page lists every record placed in it
   * until the page is let go, so a slot gone from the store is still reachable from there: without
   * this, its decoded entry (and the replay templates kept for it) would be too.
   */
  private forget(slot: Slot): void {
    this.arena.release(slot);
    slot.entry = null;
  }
}
