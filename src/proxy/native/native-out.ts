// Where an attempt on a pool that serves the client's API natively writes its answer: the client's
// own response, with no translation in between (TranslatedResponse.passThrough() gives it). The engine
// already speaks the client's API; only what the router owns is changed on the way: a Responses
// answer's identity (the router mints the id and keeps conversation state for every pool, design-16 §0)
// and its storing, done by the same code that stores a translated answer.
import type { ClientResponse } from '../../protocols/client-response.js';
import type { NativeRecording } from './native-recording.js';

export type Json = Record<string, unknown>;

export interface NativeOut {
  /** The client's response itself: what is written here reaches the client as written. */
  readonly res: ClientResponse;
  /**
   * A Response object of a Responses lifecycle event or answer, made the router's in place: its id,
   * and `store` and `previous_response_id` as the client asked (upstream got store: false and no
   * previous_response_id). Messages: unchanged.
   */
  lifecycle(response: Json): void;
  /** The finished answer (after lifecycle()), stored as the API stores a translated one; resolves with it as it must be sent. */
  finished(answer: Json): Promise<Json>;
  /** Keeps a copy of the answer as sent, for an idempotent retry (src/idempotency/); null: none is kept. */
  readonly recording: NativeRecording | null;
}
