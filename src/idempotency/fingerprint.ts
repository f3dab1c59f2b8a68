// What makes a retry "the same request" (Stripe: it "compares incoming parameters to those of the
// original request", https://docs.stripe.com/idempotency): the endpoint, the alias the model resolved
// to, and the body as canonical JSON (RFC 8785, src/cache/canonical-json.ts), so key order and spacing
// do not matter. `stream` and `stream_options` are transport, left out so a retry may switch between
// a stream and a whole answer and still be served the stored one. For the Responses and Messages APIs
// the "endpoint" is the API and the body the client's own, not its chat translation: what the
// translation drops (store, metadata, cache_control, …) still makes another request, an engine that
// serves the API itself reads all of it, and one API's answer is never replayed to another's client.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../cache/canonical-json.js';
import type { Api } from '../protocols/protocol.js';
import type { Endpoint } from '../routing/endpoint.js';

const VERSION = 'sy-idem-v1';

/** SHA-256 (hex) of the request as a retry must repeat it. */
export function fingerprint(endpoint: Endpoint | Exclude<Api, 'openai'>, alias: string, body: Readonly<Record<string, unknown>>): string {
  const { stream: _stream, stream_options: _streamOptions, ...rest } = body;
  return createHash('sha256').update(`${VERSION}\0${endpoint}\0${alias}\0`).update(canonicalJson(rest)).digest('hex');
}

/**
 * The record's id: the caller's scope (its API key's id, `anon` without one) and its key, hashed. The
 * IETF draft asks for "a unique composite key … combining the idempotency key sent by the client with
 * other client specific attributes" (draft-ietf-httpapi-idempotency-key-header, Security
 * Considerations), so one key's idempotency key never reaches another's answer; hashing keeps client
 * text out of store keys. Neither part can hold a NUL (key ids are `[A-Za-z0-9_-]`, keys visible ASCII).
 */
export function idempotencyId(scope: string, key: string): string {
  return createHash('sha256').update(`${VERSION}\0${scope}\0${key}`).digest('hex');
}
