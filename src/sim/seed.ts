// Deterministic randomness. The simulator must answer the same request with the same text and the
// same vectors, so every "random" choice is drawn from a generator seeded by the request's content.

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * FNV-1a (32-bit) over UTF-16 code units: no allocation, and chainable — pass the previous hash as
 * `seed` to hash several strings as one.
 */
export function hashString(text: string, seed: number = FNV_OFFSET_BASIS): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** Mixes a number into a hash (token ids, choice indexes) the same way. */
export function hashNumber(value: number, seed: number = FNV_OFFSET_BASIS): number {
  return Math.imul((seed ^ value) >>> 0, FNV_PRIME) >>> 0;
}

/** mulberry32: a tiny, fast PRNG with 32 bits of state; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
