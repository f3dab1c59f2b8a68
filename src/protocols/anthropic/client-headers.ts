// The client's own Anthropic protocol headers, for an attempt on a pool that serves Messages natively
// (engine anthropic, or `apis: [messages]`): the engine gets the client's body as it came, so it gets
// the headers that say how to read it too, as a transparent gateway passes them. anthropic-beta turns
// on features the body may use (Claude Code sends several); anthropic-version is the version the body
// was written for (the pool's configured one is sent when the client sent none). Nothing else of the
// client's is passed: the key is the pool's. A translated attempt sends neither, since the router
// wrote that body itself, for the pool's version (src/engines/key-headers.ts).
import type { IncomingHttpHeaders } from 'node:http';

const FORWARDED = ['anthropic-version', 'anthropic-beta'] as const;

/** The headers to send on a native Messages attempt; undefined when the client sent none. */
export function nativeHeaders(headers: IncomingHttpHeaders): Readonly<Record<string, string>> | undefined {
  let out: Record<string, string> | undefined;
  for (const name of FORWARDED) {
    // Node joins repeated headers of these names with ", ", which Anthropic reads as one list.
    const value = headers[name];
    if (typeof value !== 'string' || value.trim() === '') continue;
    (out ??= {})[name] = value.trim();
  }
  return out;
}
