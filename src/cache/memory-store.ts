// The cache in this router's memory: a least-recently-used list bounded by the bytes of its entries,
// on a Map's insertion order (a hit re-inserts its entry at the end; eviction takes from the front),
// with each entry's own expiry. Entries are kept as objects: nothing is encoded or copied.
import type { CacheEntry } from './entry.js';
import { entryBytes } from './entry.js';
import { OldestFirst } from './oldest-first.js';
import type { CacheStore } from './store.js';

interface Slot {
  readonly entry: CacheEntry;
  readonly bytes: number;
  readonly expiresAt: number;
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

  constructor(
    private readonly maxBytes: number,
    private readonly events: MemoryStoreEvents,
    private readonly now: () => number = Date.now,
  ) {}

  get(hash: string): Promise<CacheEntry | null> {
    return Promise.resolve(this.read(hash));
  }

  readLocal(hash: string): CacheEntry | null {
    return this.read(hash);
  }

  set(hash: string, entry: CacheEntry, ttlMs: number): Promise<void> {
    const bytes = entryBytes(entry);
    // An entry bigger than the whole cache would only empty it.
    if (bytes > this.maxBytes) return Promise.resolve();
    const old = this.slots.get(hash);
    if (old !== undefined) {
      this.slots.delete(hash);
      this.held -= old.bytes;
    }
    this.slots.set(hash, { entry, bytes, expiresAt: this.now() + ttlMs });
    this.held += bytes;
    let evicted = 0;
    while (this.held > this.maxBytes) {
      const next = this.oldest.next();
      if (next === null) break;
      const [oldest, slot] = next;
      this.slots.delete(oldest);
      this.held -= slot.bytes;
      if (slot.expiresAt > this.now()) evicted++;
    }
    if (evicted > 0) this.events.evicted(evicted);
    this.events.bytes(this.held);
    return Promise.resolve();
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
    this.held = 0;
    return Promise.resolve();
  }

  /** Entries and bytes held (expired entries count until they are read or pushed out). */
  stats(): { readonly entries: number; readonly bytes: number } {
    return { entries: this.slots.size, bytes: this.held };
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
    this.slots.set(hash, slot);
    return slot.entry;
  }

  private release(slot: Slot): void {
    this.held -= slot.bytes;
    this.events.bytes(this.held);
  }
}
