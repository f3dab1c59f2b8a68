// What makes a retry "the same request" (Stripe: it "compares incoming parameters to those of the
// original request", https://docs.stripe.com/idempotency): the endpoint, the alias the model resolved
// to, and the body as canonical JSON (RFC 8785, src/cache/canonical-json.ts), so key order and spacing
// do not matter. `stream` and `stream_options` are transport, left out so a retry may switch between
// a stream and a whole answer and still be served the stored one. For the Responses and Messages APIs
// the "endpoint" is the API and the body the client's own, not its chat translation: what the
// translation drops (store, metadata, cache_control, …) still makes another request, an engine that
// serves the API itself reads all of it, and one API's answer is never replayed to another's client;
// so do the protocol headers such an engine gets with the body.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../cache/canonical-json.js';
import { protocolHeadersText } from '../cache/native-key.js';
import type { Api, NativeRequest } from '../protocols/protocol.js';
import type { Endpoint } from '../routing/endpoint.js';

const VERSION = 'sy-idem-v1';

/**
 * SHA-256 (hex) of the request as a retry must repeat it. `native`: the request's native form, whose
 * protocol headers (Messages: anthropic-version, anthropic-beta) an engine serving the API itself gets
 * and answers by, so they count as the cache's key counts them. A request without any is printed as
 * before they counted: records made then still match it; one with them did not count them then, so
 * its retry across that upgrade is a 422, never another request's answer.
 */
export function fingerprint(endpoint: Endpoint | Exclude<Api, 'openai'>, alias: string, body: Readonly<Record<string, unknown>>, native?: NativeRequest): string {
  const { stream: _stream, stream_options: _streamOptions, ...rest } = body;
  const print = createHash('sha256').update(`${VERSION}\0${endpoint}\0${alias}\0`).update(canonicalJson(rest));
  // After the body's canonical JSON, which holds no NUL: the two cannot run into each other.
  if (native?.headers !== undefined) print.update(`\0${protocolHeadersText(native)}`);
  return print.digest('hex');
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
