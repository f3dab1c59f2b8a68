// Client key secrets. A secret is shown once, at creation; the stores keep only its SHA-256 (a fast
// hash is right here: the secret has 256 random bits, so there is nothing to brute-force) and a short
// prefix so operators can tell keys apart in lists and logs.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

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
  const secret = SECRET_PREFIX + randomBytes(32).toString('base64url');
  return { secret, hash: hashKey(secret), prefix: secret.slice(0, VISIBLE_PREFIX_LENGTH) };
}

/** SHA-256 of the secret, lowercase hex: what stores index keys by. */
export function hashKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new key id: short, random, and safe inside a Redis hash tag. */
export function newKeyId(): string {
  return `key_${randomBytes(9).toString('base64url')}`;
}

/**
 * Whether `secret` is the key stored as `hash`, compared in constant time over the digests so the
 * comparison leaks nothing about how much of a guess matched.
 */
export function secretMatches(secret: string, hash: string): boolean {
  const expected = Buffer.from(hash, 'hex');
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
