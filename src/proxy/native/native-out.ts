// Where an attempt on a pool that serves the client's API natively writes its answer: the client's
// own response, with no translation in between (TranslatedResponse.passThrough() gives it). The engine
// already speaks the client's API; only what the router owns is changed on the way: a Responses
// answer's identity (the router mints the id and keeps conversation state for every pool, design-16 §0)
// and its storing, done by the same code that stores a translated answer.
import type { ClientResponse } from '../../protocols/client-response.js';
import { memberText, withMembers } from '../../openai/json-members.js';
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

/** The members of a Response the router owns (lifecycle()): everything else is the engine's, as it wrote it. */
const OWNED = ['id', 'store', 'previous_response_id'] as const;

/**
 * `text`, a Response object's JSON as the engine wrote it, with the members the router owns set as
 * `response` has them: every other byte stays the engine's (big integers, escapes, number spellings),
 * where JSON.stringify of the parsed object would change them. JSON.stringify(response) if it cannot be.
 */
export function ownedInto(text: string, response: Json): string {
  return withMembers(text, new Map(OWNED.map((name) => [name, JSON.stringify(response[name] ?? null)]))) ?? JSON.stringify(response);
}

/** An event's JSON (response.created, …) with its `response` member's owned members set as `response` has them. */
export function ownedInEvent(eventText: string, response: Json): string {
  const inner = memberText(eventText, 'response');
  const spliced = inner === null ? null : withMembers(eventText, new Map([['response', ownedInto(inner, response)]]));
  return spliced ?? JSON.stringify({ ...(JSON.parse(eventText) as Json), response });
}
