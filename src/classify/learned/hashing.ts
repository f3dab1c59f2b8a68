// The hashing trick for the learned classifier: n-grams become bucket numbers without a vocabulary
// and without allocating a string per n-gram. FNV-1a over UTF-16 code units, one multiply per
// code unit; a final avalanche step so that the low bits (the bucket) depend on every input bit.

/** As a signed 32-bit integer, like every hash here. */
export const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** One FNV-1a step: the hash so far with one more code unit. */
export function fnvStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

/** Two hashes into one (a bigram from its tokens, a namespace salt with a token). */
export function combine(a: number, b: number): number {
  return Math.imul(a ^ Math.imul(b, 0x9e3779b1), FNV_PRIME) ^ (b >> 13);
}

/**
 * A bucket in [0, mask]: the hash mixed by murmur3's finaliser so the low bits depend on all of
 * it. Signed shifts keep every value a 32-bit integer, which V8 keeps unboxed (`>>>` yields
 * unsigned values beyond the small-integer range and made this three times slower).
 */
export function bucket(hash: number, mask: number): number {
  let h = hash ^ (hash >> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >> 16;
  return h & mask;
}

/** A fixed 32-bit number per namespace name, so that equal n-grams in two namespaces differ. */
export function salt(name: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < name.length; i++) h = fnvStep(h, name.charCodeAt(i));
  return h;
}
