// The key registry of the memory store: records by id and ids by secret hash. Records are copied in
// and out, so a caller mutating its object never changes what the store holds.
import { checkKey } from './accounting.js';
import type { KeyPrecondition } from './store.js';
import { compareKeys, type KeyRecord } from './types.js';

export class MemoryRegistry {
  private readonly records = new Map<string, KeyRecord>();
  private readonly byHash = new Map<string, string>();

  /** False, writing nothing, when the precondition does not hold. */
  put(key: KeyRecord, precondition?: KeyPrecondition): boolean {
    checkKey(key);
    const old = this.records.get(key.id);
    if (precondition !== undefined && !holds(precondition, old)) return false;
    const owner = this.byHash.get(key.hash);
    if (owner !== undefined && owner !== key.id) throw new Error(`key hash already belongs to key "${owner}"`);
    // A rotated secret must stop resolving at once.
    if (old !== undefined) this.byHash.delete(old.hash);
    this.records.set(key.id, structuredClone(key));
    this.byHash.set(key.hash, key.id);
    return true;
  }

  /** The stored record itself, for the store's own reads; never hand it out. */
  peek(id: string): KeyRecord | undefined {
    return this.records.get(id);
  }

  get(id: string): KeyRecord | null {
    const key = this.records.get(id);
    return key === undefined ? null : structuredClone(key);
  }

  findByHash(hash: string): KeyRecord | null {
    const id = this.byHash.get(hash);
    return id === undefined ? null : this.get(id);
  }

  list(): KeyRecord[] {
    return [...this.records.values()].map((key) => structuredClone(key)).sort(compareKeys);
  }

  remove(id: string): boolean {
    const key = this.records.get(id);
    if (key === undefined) return false;
    this.records.delete(id);
    this.byHash.delete(key.hash);
    return true;
  }
}

/** Records compare as the JSON they are written as, as the Redis registry compares them. */
function holds(precondition: KeyPrecondition, stored: KeyRecord | undefined): boolean {
  if ('absent' in precondition) return stored === undefined;
  return stored !== undefined && JSON.stringify(stored) === JSON.stringify(precondition.current);
}
