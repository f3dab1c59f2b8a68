// Client key secrets. A secret is shown once, at creation; the stores keep only its SHA-256 (a fast
// hash is right here: the secret has 256 random bits, so there is nothing to brute-force) and a short
// prefix so operators can tell keys apart in lists and logs.
import * as crypto from 'node:crypto';

/** Every secret starts with this, so leaked keys are recognisable by secret scanners. */
export const SECRET_PREFIX = 'sy-';

/** Characters of the secret kept visible (includes SECRET_PREFIX). */
export const VISIBLE_PREFIX_LENGTH = 8;

export interface GeneratedKey {
  /** Give it to the client once; never store or log it. */
  readonly secret: string;
  readonly hash: string;
  readonly prefix: string;
}

export function generateKey(): GeneratedKey {
  const secret = SECRET_PREFIX + crypto.randomBytes(32).toString('base64url');
  return { secret, hash: hashKey(secret), prefix: secret.slice(0, VISIBLE_PREFIX_LENGTH) };
}

// Every authenticated request hashes its key. crypto.hash (Node 20.12+) is one call and builds no Hash
// object: about a third of createHash's cost. It is read off the namespace, since a named import would
// not link on older Node 20 releases, which take the long way.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/** SHA-256 of the secret, lowercase hex: what stores index keys by. */
export function hashKey(secret: string): string {
  return sha256Hex(secret);
}

/** A new key id: short, random, and safe inside a Redis hash tag. */
export function newKeyId(): string {
  return `key_${crypto.randomBytes(9).toString('base64url')}`;
}

/** A key record's generation (types.ts KeyRecord): 96 random bits, base64url. */
export function newGeneration(): string {
  return crypto.randomBytes(12).toString('base64url');
}

/**
 * Whether `secret` is the key stored as `hash`, compared in constant time over the digests so the
 * comparison leaks nothing about how much of a guess matched.
 */
export function secretMatches(secret: string, hash: string): boolean {
  const expected = Buffer.from(hash, 'hex');
  const actual = Buffer.from(hashKey(secret), 'hex');
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}
