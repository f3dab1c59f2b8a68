// A Map for entries that come and go about once per request (the budget reservations held, the
// response cache's single flights), which starts over in a new Map now and then.
//
// A long-lived Map that takes and drops an entry per request is how V8 comes to promote every
// request (see roster.ts, which keeps the things in flight without a hash table): its table is
// rehashed as entries come and go, a table in the old generation is replaced by another in the old
// generation, and each table replaced keeps the entries it held until the next full collection, so
// the young collector keeps them, and all they reference, alive. A new Map's table starts in the
// young generation: copying the live entries into one every RENEW_AFTER deletions means a table that
// did reach the old generation is replaced within that many requests, and holds no more than the
// entries live when it was.
const RENEW_AFTER = 256;

export class ChurnMap<K, V> {
  private map = new Map<K, V>();
  private deletions = 0;

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Renews only here, never in delete(): a caller may delete while it iterates. */
  set(key: K, value: V): this {
    if (this.deletions >= RENEW_AFTER) {
      this.map = new Map(this.map);
      this.deletions = 0;
    }
    this.map.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    if (!this.map.delete(key)) return false;
    this.deletions++;
    return true;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.map.entries();
  }
}
