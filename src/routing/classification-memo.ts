// The classifications a classifier made for bodies it may see again, by the body's digest (the response
// cache's: src/cache/request-key.ts bodyDigest). A cacheable request repeated — the case a response
// cache exists for — is classified once: a hit then costs a map lookup where the learned model took
// about a tenth of the hit's CPU. Bounded by two generations of GENERATION entries: when the newer is
// full the older is dropped whole, so neither a lookup nor an insert ever walks the map (a Map whose
// oldest entry is deleted on every insert steps over every deleted slot at its front: see the memory
// store's eviction, src/cache/memory-store.ts).
import type { Classification } from '../classify/classification.js';

/** Entries per generation: at most twice this many are kept (a 64-digit key and a shared result each, ~1 MB at most). */
const GENERATION = 4096;

export class ClassificationMemo {
  private newer = new Map<string, Classification>();
  private older = new Map<string, Classification>();

  constructor(private readonly generation: number = GENERATION) {}

  get(digest: string): Classification | undefined {
    const known = this.newer.get(digest);
    if (known !== undefined) return known;
    const old = this.older.get(digest);
    // Still asked for: kept into the next generation.
    if (old !== undefined) this.set(digest, old);
    return old;
  }

  set(digest: string, classification: Classification): void {
    if (this.newer.size >= this.generation) {
      this.older = this.newer;
      this.newer = new Map();
    }
    this.newer.set(digest, classification);
  }

  get size(): number {
    return this.newer.size + this.older.size;
  }
}
