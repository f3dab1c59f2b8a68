// Writing an answer already whole in memory (a cache hit, an idempotent replay) in one write, then
// waiting for the socket to take it, and stopping as soon as the client is gone or the deadline passed.
import { once } from 'node:events';
import type { ClientResponse } from '../protocols/client-response.js';
import type { AbortSwitch } from './abort-switch.js';
import { ClientGone } from './request-lifetime.js';

/** Rejects with the abort's reason (ClientGone when the client left) if the body could not be handed over. */
export async function writeWhole(res: ClientResponse, body: string | Uint8Array, abort: AbortSwitch): Promise<void> {
  if (abort.aborted || res.destroyed) throw abort.reason ?? new ClientGone();
  if (res.write(body)) return;
  try {
    await once(res, 'drain', { signal: abort.signal });
  } catch {
    throw abort.reason ?? new ClientGone();
  }
}
