// Bytes a store keeps for a long time, packed into a few large buffers (pages) instead of a buffer and
// an object graph each. A full memory cache of streamed answers was tens of thousands of entries, each a
// buffer of its own (an ArrayBuffer with an external backing store) and half a dozen objects: every one
// outlived the young generation, so the collector copied, promoted, marked and swept each, and a store
// churning at the bench's rate paid about a third of a miss's CPU for it. In pages, a kept answer is
// one small record (where its bytes are) and a few memcpys.
//
// A page is filled from the front and let go when nothing in it is live. A store that evicts oldest
// first empties its pages in the order it filled them; what it frees out of order (an entry read and
// unpacked, replaced or expired) leaves holes. So that the pages never hold much more than twice the
// bytes of the records in them, a new page is first filled with the records of the sparsest pages while
// they do.
// Nothing outside the store holds a page: readers copy a record's bytes out, so a page can be reused.

/** A record's place in the arena, kept by whoever owns the record (the store's slot). */
export interface Placed {
  /** The page the bytes are in; null when the record is not in the arena. */
  page: Page | null;
  at: number;
  length: number;
}

/** A page size for a store of `maxBytes`: a 64th of it, between 64 KiB and 1 MiB. */
export function pageBytesFor(maxBytes: number): number {
  return Math.min(1 << 20, Math.max(1 << 16, Math.ceil(maxBytes / 64)));
}

export class Page {
  /** Where the next record goes. */
  used = 0;
  /** Bytes of records still placed here. */
  live = 0;
  /** Every record placed here, in order (some since released or moved: their `page` says). */
  readonly placed: Placed[] = [];

  constructor(readonly bytes: Buffer) {}
}

export class Arena {
  private readonly pages = new Set<Page>();
  /** The page being filled. */
  private current: Page | null = null;
  /** One emptied page kept for the next fill rather than freed and allocated again. */
  private spare: Page | null = null;
  private pageBytesHeld = 0;
  private liveBytes = 0;

  /** `pageBytes`: the size of a page; a record longer than a quarter of it gets a page of its own. */
  constructor(private readonly pageBytes: number) {}

  /** Makes room for `length` bytes and places `record` there; returns the page's buffer, to write at `record.at`. */
  place(record: Placed, length: number): Buffer {
    let page = this.current;
    if (length > this.pageBytes >> 2) page = this.open(length);
    else if (page === null || page.used + length > page.bytes.length) page = this.newCurrent(length);
    this.liveBytes += length;
    put(record, page, length);
    return page.bytes;
  }

  /** The record's bytes are no longer wanted; its page goes when nothing in it is. */
  release(record: Placed): void {
    const page = record.page;
    if (page === null) return;
    record.page = null;
    page.live -= record.length;
    this.liveBytes -= record.length;
    if (page.live === 0 && page !== this.current) this.drop(page);
  }

  /** Lets every page go. */
  clear(): void {
    for (const page of this.pages) for (const record of page.placed) if (record.page === page) record.page = null;
    this.pages.clear();
    this.current = null;
    this.spare = null;
    this.pageBytesHeld = 0;
    this.liveBytes = 0;
  }

  /** Bytes of pages held (the spare's too): what the arena costs in memory. */
  get bytes(): number {
    return this.pageBytesHeld;
  }

  /** Bytes of the records placed. */
  get live(): number {
    return this.liveBytes;
  }

  /**
   * A page to fill after the current one, with room for `length` more bytes: the sparsest pages are
   * first moved into it while the arena holds more than twice its records and they leave that room.
   */
  private newCurrent(length: number): Page {
    const previous = this.current;
    this.current = null;
    if (previous !== null && previous.live === 0) this.drop(previous);
    const page = this.spare ?? this.open(this.pageBytes);
    if (page === this.spare) {
      this.spare = null;
      this.pages.add(page);
    }
    this.current = page;
    while (this.pageBytesHeld > 2 * (this.liveBytes + this.pageBytes)) {
      const sparsest = this.sparsest();
      if (sparsest === null || page.used + sparsest.live + length > page.bytes.length) break;
      for (const record of sparsest.placed) {
        if (record.page !== sparsest) continue;
        sparsest.bytes.copy(page.bytes, page.used, record.at, record.at + record.length);
        put(record, page, record.length);
      }
      sparsest.live = 0;
      this.drop(sparsest);
    }
    return page;
  }

  private sparsest(): Page | null {
    let sparsest: Page | null = null;
    for (const page of this.pages) if (page !== this.current && (sparsest === null || page.live < sparsest.live)) sparsest = page;
    return sparsest;
  }

  private open(length: number): Page {
    const page = new Page(Buffer.allocUnsafeSlow(length));
    this.pages.add(page);
    this.pageBytesHeld += length;
    return page;
  }

  private drop(page: Page): void {
    this.pages.delete(page);
    page.placed.length = 0;
    page.used = 0;
    if (this.spare === null && page.bytes.length === this.pageBytes) this.spare = page;
    else this.pageBytesHeld -= page.bytes.length;
  }
}

function put(record: Placed, page: Page, length: number): void {
  record.page = page;
  record.at = page.used;
  record.length = length;
  page.used += length;
  page.live += length;
  page.placed.push(record);
}
