// The cache key of a request: SHA-256 over who may share the answer (the scope, set by the server,
// never by the client), the endpoint, the alias, the tier the plan chose (with its models: tier-identity.ts), and the body in RFC 8785
// canonical form without the fields that only say how the answer travels or who is tracked. The tier
// is in it because a pin, budget pressure or a key's `tiers` list changes which model answers: a key
// barred from `large` must never get `large`'s answer. Everything else stays in, unknown fields too
// (a deny-list: LiteLLM once keyed on `messages` alone, BerriAI/litellm issue 894, and left `top_k`
// out, issue 5049). SHA-256 rather than a fast hash: shared scopes need collision resistance.
import { hash } from 'node:crypto';
import { ownerScope } from '../budgets/owner.js';
import type { KeyRecord } from '../budgets/types.js';
import type { CacheScope } from '../config/types.js';
import type { Endpoint } from '../routing/endpoint.js';
import { canonicalObject } from './canonical-json.js';

/**
 * Transport and tracking fields (openai/openai-openapi openapi.yaml @f85dbe22, ModelResponseProperties:
 * `user` "is being replaced by `safety_identifier` and `prompt_cache_key`"; `store` and `metadata` are
 * stored-completion bookkeeping). `model` is replaced by the alias. vLLM's `cache_salt` stays in.
 */
export const EXCLUDED_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'stream',
  'stream_options',
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'store',
  'metadata',
]);

const VERSION = 'sy-cache-v1';

export interface KeyMaterial {
  /** From cacheScope(): whose entries these are. */
  readonly scope: string;
  readonly endpoint: Endpoint;
  readonly alias: string;
  readonly tier: string;
  /** canonicalBody() of the request's body. */
  readonly body: string;
}

/**
 * The body in canonical form without the excluded fields: what of the body changes the answer. Made
 * once, before the request is classified: its digest (bodyDigest) finds a classification made before
 * for the same body (src/routing/classification-memo.ts), and the key is taken over it after. Throws a
 * RangeError only for a body nested past read-json's bound, which never gets here.
 */
export function canonicalBody(body: Readonly<Record<string, unknown>>): string {
  return canonicalObject(body, 0, leftOutOfKey);
}

/** A top-level null is the default ("null always means the default"); nested values are kept as sent. */
function leftOutOfKey(name: string, value: unknown): boolean {
  return value === null || EXCLUDED_FIELDS.has(name);
}

/** SHA-256 of the canonical body alone, 64 lowercase hex digits: the same for every request with an equal body. */
export function bodyDigest(canonical: string): string {
  // One call, no Hash object: the text is small, and a one-shot digest is the cheaper way to hash it.
  return hash('sha256', canonical, 'hex');
}

/**
 * 64 lowercase hex digits. The text hashed is the one the first version hashed (the canonical body
 * last), so the key of a request does not change between versions: entries in a shared Redis stay found.
 */
export function requestKey(material: KeyMaterial): string {
  return hash('sha256', `${VERSION}\0${material.scope}\0${material.endpoint}\0${material.alias}\0${material.tier}\0${material.body}`, 'hex');
}

/**
 * Whose entries a request may read and write: with `key`, the key's owner scope (src/budgets/owner.ts: a
 * key id deleted and created again is a new owner). Anonymous callers (no auth) share `anon`. With
 * `metadata:<field>`, keys that carry the field share by its value; a key without it (or with it empty) keeps its own.
 */
export function cacheScope(scope: CacheScope, key: KeyRecord | null): string {
  if (scope === 'shared') return 'shared';
  const own = ownerScope(key);
  if (scope === 'key' || key === null) return own;
  const field = scope.slice('metadata:'.length);
  const value = Object.hasOwn(key.metadata, field) ? key.metadata[field] : undefined;
  // A blank value is as good as none: keys whose field was left empty must not share one bucket by accident.
  // JSON-quoted: a metadata value is free text and must not be able to imitate another scope.
  return value === undefined || value === '' ? own : `meta:${JSON.stringify(field)}=${JSON.stringify(value)}`;
}
