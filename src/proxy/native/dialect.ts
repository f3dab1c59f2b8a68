// What a native stream's relay must know of each event, per API (design-16 §3.3): which events are
// the preamble held before commit (so a replica failing before its first token is still retried
// elsewhere), which are output deltas (counted for a budget's guard), which end the answer, and which
// are the engine's errors; plus the API's own events for ending a committed stream that failed. A stream
// must open with its API's first event: that one check (on an event each dialect parses anyway) tells a
// stream in another dialect (chat chunks, the other API, anything else) before anything is committed.
import type { RouterError } from '../../openai/errors.js';
import type { Usage } from '../../openai/usage.js';
import type { Json } from './native-out.js';
import type { NativeEvent } from './sse-event.js';

export type Step =
  /** Held before commit, passed after. */
  | { readonly kind: 'preamble'; readonly text: string | null }
  /** Commits the stream; `delta`: generated output, counted for the budget's guard. */
  | { readonly kind: 'content'; readonly delta: boolean; readonly text: string | null }
  /** The answer is complete; `answer`: the object to keep (Responses), sent as terminal() renders it once kept. */
  | { readonly kind: 'done'; readonly answer: Json | null; readonly text: string | null }
  /** The engine ended the answer as failed in the API's own terms (Responses response.failed): passed after commit. */
  | { readonly kind: 'failed'; readonly engineError: string; readonly text: string | null }
  /** An engine's error event, never passed on: `engineError` in a shape engine-errors.ts reads ({"error":{…}}). */
  | { readonly kind: 'error'; readonly engineError: string }
  /** Nothing for the client (OpenAI's [DONE] is passed by the relay only right after the end). */
  | { readonly kind: 'marker' }
  /** An event before the API's opening one (response.created, message_start): the stream is not in this API; the replica failed, before commit. */
  | { readonly kind: 'foreign'; readonly api: string };

export interface NativeStream {
  step(event: NativeEvent): Step;
  /** The terminal event to send for a `done` step with an answer, once the answer was kept. */
  terminal(event: NativeEvent, kept: Json): string;
  /** The usage reported so far; null until the engine said it. */
  usage(): Usage | null;
  /** The events that end a committed stream that failed; `streamed`: output deltas sent, for a budget's cut. */
  failure(error: RouterError, streamed: number): string;
}

export const PREAMBLE_PASSED: Step = { kind: 'preamble', text: null };
export const CONTENT: Step = { kind: 'content', delta: false, text: null };
export const DELTA: Step = { kind: 'content', delta: true, text: null };
export const MARKER: Step = { kind: 'marker' };
