// A native Responses stream (OAS ResponseStreamEvent, openai/openai-openapi openapi.yaml @f85dbe22):
// response.created → in_progress → output_item.added → content_part.added (the preamble) → deltas →
// …done events → response.completed | incomplete (the end, with usage) or response.failed; `error` is
// the engine's error event. The lifecycle events carry the Response object, which is made the
// router's (its id, the client's store and previous_response_id) and, at the end, kept in the store.
import type { RouterError } from '../../openai/errors.js';
import type { Usage } from '../../openai/usage.js';
import { CONTENT, DELTA, MARKER, PREAMBLE_PASSED, type NativeStream, type Step } from './dialect.js';
import { ownedInEvent, type Json, type NativeOut } from './native-out.js';
import { frame, parse, type NativeEvent } from './sse-event.js';
import { responsesUsage } from './usage.js';
import { isObject } from '../../json-object.js';

const PREAMBLE = new Set(['response.output_item.added', 'response.content_part.added', 'response.reasoning_summary_part.added']);
const LIFECYCLE = new Set(['response.created', 'response.queued', 'response.in_progress']);
const ENDS = new Set(['response.completed', 'response.incomplete']);
/** OAS ResponseErrorCode values that say the service was busy, not broken. */
const BUSY_CODES = new Set(['rate_limit_exceeded', 'server_is_overloaded', 'slow_down']);
const CARRY_RESPONSE: ReadonlySet<string> = new Set([...LIFECYCLE, ...ENDS, 'response.failed']);
const FOREIGN: Step = { kind: 'foreign', api: 'Responses' };

export class ResponsesStream implements NativeStream {
  /** The latest Response object (made the router's), the base of a failure's response.failed. */
  private snapshot: Json | null = null;
  private reported: Usage | null = null;
  /** The data of the last event stepped (an `error` event is not passed on), for the sequence number that follows it. */
  private lastData = '';
  /** The one before it: a budget's cut stops the delta that asked for more before it is passed on. */
  private previousData = '';
  private lastWasDelta = false;
  /** Whether the engine frames its events with `event:` lines (vLLM) or as data alone (OpenAI): the router's own follow suit. */
  private named = true;

  constructor(private readonly out: Pick<NativeOut, 'lifecycle'>) {}

  step(event: NativeEvent): Step {
    const { type } = event;
    if (type === '[DONE]') return MARKER;
    if (type === 'error') return { kind: 'error', engineError: engineError(parse(event) ?? {}) };
    this.previousData = this.lastData;
    this.lastData = event.data;
    this.named = event.named;
    this.lastWasDelta = false;
    // Data alone (OpenAI's framing) is parsed to read its type: data that is not a JSON object is a broken engine.
    // (An event with no data, only an id: or retry: field, is none of that: valid SSE, passed on.)
    if (!event.named && event.json === null && event.data !== '') return this.snapshot === null ? FOREIGN : this.broken('an event that is not a JSON object');
    // Opened by an event carrying a Response object (OpenAI's first is response.created); before it,
    // anything else is another dialect (chat chunks, Messages events, …).
    if (!CARRY_RESPONSE.has(type)) {
      if (this.snapshot === null) return FOREIGN;
      if (type.endsWith('.delta')) {
        this.lastWasDelta = true;
        return DELTA;
      }
      return PREAMBLE.has(type) ? PREAMBLE_PASSED : CONTENT;
    }
    const text = this.rewrite(event);
    if (this.snapshot === null) return FOREIGN;
    // A lifecycle or terminal event without a Response object (broken JSON, `"response": null`) says
    // nothing of the answer: ending on the last snapshot would report, and keep, an in-progress
    // response as the finished one. The engine failed.
    if (text === null) return this.broken(`a ${type} event without a Response object`);
    if (LIFECYCLE.has(type)) return { kind: 'preamble', text };
    if (type === 'response.failed') {
      // What the engine did before failing is charged as it counted it (the relay's chargeReported).
      this.reported = responsesUsage(this.snapshot);
      const error = this.snapshot['error'];
      return { kind: 'failed', engineError: engineError(isObject(error) ? error : {}), text };
    }
    // response.completed or response.incomplete: the end, with the usage.
    const response = this.snapshot;
    this.reported = responsesUsage(response);
    return { kind: 'done', answer: response, text };
  }

  terminal(event: NativeEvent, kept: Json): string {
    return frame(event.type, ownedInEvent(event.data, kept), event.named);
  }

  usage(): Usage | null {
    return this.reported;
  }

  failure(error: RouterError): string {
    const code = error.kind === 'insufficient_quota' || error.status === 429 ? 'rate_limit_exceeded' : 'server_error';
    // response.failed alone, as a translated stream ends: openai 6's stream helper turns an `error`
    // event into a rejected finalResponse() and drops the response.failed after it (ResponseStream.js).
    // Not stored: a failed response is never kept (answer.ts), so it says store: false, as a translated one does.
    const response = { ...(this.snapshot ?? {}), status: 'failed', store: false, error: { code, message: error.message } };
    const last = error.kind === 'insufficient_quota' && this.lastWasDelta ? this.previousData : this.lastData;
    const failed = { type: 'response.failed', response, sequence_number: sequenceOf(last) + 1 };
    return frame('response.failed', JSON.stringify(failed), this.named);
  }

  /** The engine sent `what` after the stream opened: an engine error, never passed on (the router's response.failed follows the event before it). */
  private broken(what: string): Step {
    this.lastData = this.previousData;
    return { kind: 'error', engineError: engineError({ code: 'server_error', message: `The engine sent ${what}.` }) };
  }

  /** The lifecycle event with its Response made the router's; null (its own bytes) when it has none. */
  private rewrite(event: NativeEvent): string | null {
    const json = parse(event);
    const response = json?.['response'];
    if (json === null || !isObject(response)) return null;
    this.out.lifecycle(response);
    // The engine's own response.failed is not kept either (see failure()).
    if (event.type === 'response.failed') response['store'] = false;
    this.snapshot = response;
    // The engine's bytes, with only the members the router owns spliced in.
    return frame(event.type, ownedInEvent(event.data, response), event.named);
  }
}

/** An event's sequence_number; -1 when it has none. */
function sequenceOf(data: string): number {
  try {
    const parsed: unknown = JSON.parse(data);
    const seq = isObject(parsed) ? parsed['sequence_number'] : null;
    return typeof seq === 'number' ? seq : -1;
  } catch {
    return -1;
  }
}

/** A Responses error (an `error` event's members, or response.failed's `error`) as engine-errors.ts reads one. */
function engineError(fields: Json): string {
  const code = typeof fields['code'] === 'string' ? fields['code'] : null;
  const message = typeof fields['message'] === 'string' ? fields['message'] : null;
  // In-stream, engine-errors.ts blames load on Anthropic-style types: a busy code is said in those terms.
  const type = code !== null && BUSY_CODES.has(code) ? 'rate_limit_error' : null;
  return JSON.stringify({ error: { message, type, code, param: typeof fields['param'] === 'string' ? fields['param'] : null } });
}
