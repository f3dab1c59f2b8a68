// What is in flight (the responses being written, the inference requests' lifetimes): entered and left
// once per request, counted, and walked only when the router shuts down.
//
// Not a Set. V8 rehashes a Set's table as entries come and go, and once the table is in the old
// generation (a full collection while requests are in flight puts it there) every new table is
// allocated there too, while each table it replaces keeps the entries it held, and a link to its
// successor, until the next full collection. The young collector takes those stale slots for live
// references: every response that was ever in the set, with everything it references, survives its
// young collections and is promoted. Under load that latched for good: 4.4 KB promoted per request
// instead of 0.04, a full collection every few thousand requests, and a third more CPU per request
// (README, Benchmarks). A list whose entries drop their links when they leave holds nothing that left.

/** A member's place in its roster, to leave by. */
export interface RosterEntry<T> {
  /** null once the entry has left. */
  value: T | null;
  prev: RosterEntry<T> | null;
  next: RosterEntry<T> | null;
}

export class Roster<T> {
  private head: RosterEntry<T> | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(value: T): RosterEntry<T> {
    const entry: RosterEntry<T> = { value, prev: null, next: this.head };
    if (this.head !== null) this.head.prev = entry;
    this.head = entry;
    this.count++;
    return entry;
  }

  /** Takes the entry out; leaving twice is leaving once. */
  remove(entry: RosterEntry<T>): void {
    if (entry.value === null) return;
    if (entry.prev !== null) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next !== null) entry.next.prev = entry.prev;
    entry.value = entry.prev = entry.next = null;
    this.count--;
  }

  /** The members now, newest first: a copy, so the caller may make members leave as it goes. */
  values(): T[] {
    const values: T[] = [];
    for (let entry = this.head; entry !== null; entry = entry.next) values.push(entry.value as T);
    return values;
  }
}
