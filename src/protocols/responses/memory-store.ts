// Stored responses in this router's memory: a least-recently-used list bounded by the bytes of the
// records (their JSON text, which is also what is kept, so a caller can never alter a stored record),
// each with its own expiry. Per router: a second router cannot see these (use the Redis store there).
import { OldestFirst } from '../../cache/oldest-first.js';
import { decodeRecord, encodeRecord, type NewRecord, type ResponseRecord, type ResponseStore } from './store.js';

interface Slot {
  readonly text: string;
  readonly bytes: number;
  readonly expiresAt: number;
}

export interface MemoryStoreOptions {
  readonly maxBytes: number;
  readonly maxEntryBytes: number;
  /** Records pushed out to make room (expired ones not counted). */
  readonly evicted?: (count: number) => void;
  readonly now?: () => number;
}

export class MemoryResponseStore implements ResponseStore {
  readonly kind = 'memory';
  private readonly slots = new Map<string, Slot>();
  /** Where eviction has got to in `slots` (see OldestFirst: no walk from the start on every put). */
  private readonly oldest = new OldestFirst(this.slots);
  private held = 0;
  private readonly now: () => number;

  constructor(private readonly options: MemoryStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  put(id: string, record: NewRecord, ttlMs: number): Promise<boolean> {
    const text = encodeRecord(record);
    const bytes = Buffer.byteLength(text);
    if (bytes > this.options.maxEntryBytes || bytes > this.options.maxBytes) return Promise.resolve(false);
    this.remove(id);
    this.slots.set(id, { text, bytes, expiresAt: this.now() + ttlMs });
    this.held += bytes;
    let evicted = 0;
    while (this.held > this.options.maxBytes) {
      const next = this.oldest.next();
      if (next === null) break;
      const [oldest, slot] = next;
      this.remove(oldest);
      if (slot.expiresAt > this.now()) evicted++;
    }
    if (evicted > 0) this.options.evicted?.(evicted);
    return Promise.resolve(true);
  }

  get(id: string, owner: string): Promise<ResponseRecord | null> {
    const slot = this.live(id);
    if (slot === null) return Promise.resolve(null);
    const record = decodeRecord(slot.text, owner);
    if (record !== null) {
      // Recently used goes to the end of the list, last to be evicted.
      this.slots.delete(id);
      this.slots.set(id, slot);
    }
    return Promise.resolve(record);
  }

  delete(id: string, owner: string): Promise<boolean> {
    const slot = this.live(id);
    if (slot === null || decodeRecord(slot.text, owner) === null) return Promise.resolve(false);
    this.remove(id);
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    this.slots.clear();
    this.oldest.reset();
    this.held = 0;
    return Promise.resolve();
  }

  /** Records and bytes held (expired ones count until read or pushed out). */
  stats(): { readonly entries: number; readonly bytes: number } {
    return { entries: this.slots.size, bytes: this.held };
  }

  private live(id: string): Slot | null {
    const slot = this.slots.get(id);
    if (slot === undefined) return null;
    if (slot.expiresAt > this.now()) return slot;
    this.remove(id);
    return null;
  }

  private remove(id: string): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    this.slots.delete(id);
    this.held -= slot.bytes;
  }
}
