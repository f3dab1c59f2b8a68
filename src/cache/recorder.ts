// A bounded copy of the answer a relay sends, for the response cache and idempotent retries to store.
// The relays feed it what they already hold (relay-json.ts the whole body, event-relay.ts each chunk's
// events); nothing is parsed here. An answer that grows past the bound is dropped whole — an entry is
// never truncated — and only a complete one becomes an entry: a JSON body, or a stream that reached
// [DONE] without an error event. Whether a complete answer may be kept (its status, finish reasons,
// the client's directives) is eligibility.ts's question.
import { dataStartsWith, eventText, type EventRange } from '../openai/sse-buffer.js';
import type { RequestResult } from '../proxy/results.js';
import type { CacheEntry } from './entry.js';

const DONE = Buffer.from('[DONE]');
const ERROR_START = Buffer.from('{"error"');
const DATA_SPACE = Buffer.from('data: ');
const DATA = Buffer.from('data:');
const COLON = 0x3a;
const LF = 0x0a;
const FINISH_KEY = Buffer.from('"finish_reason":');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** What \s matches among latin1 characters: tab, LF, VT, FF, CR, space, no-break space. */
const BLANKS: ReadonlySet<number> = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0]);

export type RecorderState = 'recording' | 'complete' | 'oversized' | 'failed';

export class Recorder {
  state: RecorderState = 'recording';
  private kind: 'json' | 'sse' = 'sse';
  private status = 200;
  private parts: Buffer[] = [];
  private bytes = 0;

  /** `maxBytes`: the largest answer kept (its parts' bytes); past it the recording is dropped. */
  constructor(private readonly maxBytes: number) {}

  /** The bytes kept so far: a store with a smaller bound than the recorder's skips the entry (service.ts, stored-answer.ts). */
  get recordedBytes(): number {
    return this.bytes;
  }

  /** A whole response body, as the engine sent it: the body is kept as is (relay-json owns no other use of it). */
  json(status: number, body: Buffer): void {
    if (this.state !== 'recording') return;
    this.kind = 'json';
    this.status = status;
    if (body.length > this.maxBytes) return this.drop('oversized');
    this.parts = [body];
    this.bytes = body.length;
    this.state = 'complete';
  }

  /** One chunk's events as the stream relays them; comments are skipped, [DONE] completes the recording. */
  events(buffer: Buffer, events: readonly EventRange[]): void {
    if (this.state !== 'recording') return;
    for (const event of events) {
      if (buffer[event.start] === COLON) continue;
      if (dataStartsWith(buffer, event, DONE)) {
        this.state = 'complete';
        return;
      }
      if (dataStartsWith(buffer, event, ERROR_START)) return this.drop('failed');
      const part = payload(buffer, event);
      this.bytes += part.length;
      if (this.bytes > this.maxBytes) return this.drop('oversized');
      this.parts.push(part);
    }
  }

  /** The stream ended some other way (an error event, a budget's cut, the client leaving): nothing to keep. */
  fail(): void {
    if (this.state === 'recording') this.drop('failed');
  }

  /**
   * The entry for a request whose answer completed, else null: the recording must be complete and the
   * answering attempt `ok` (a stream cut after [DONE] was relayed is still not `ok` when the relay failed it).
   */
  entry(result: RequestResult, nowMs: number): CacheEntry | null {
    const answer = result.answer;
    if (this.state !== 'complete' || answer === null || answer.outcome !== 'ok' || result.model === null || result.tier === null) return null;
    return {
      endpoint: result.endpoint,
      kind: this.kind,
      status: this.status,
      createdMs: nowMs,
      alias: result.model,
      tier: result.tier,
      pool: answer.pool,
      usage: answer.promptTokens === null ? null : { prompt: answer.promptTokens, cached: answer.cachedPromptTokens, completion: answer.completionTokens ?? 0 },
      costNanoUsd: answer.costNanoUsd,
      finish: finishReasons(this.parts),
      parts: this.parts,
    };
  }

  private drop(state: RecorderState): void {
    this.state = state;
    this.parts = [];
    this.bytes = 0;
  }
}

/** The event's data as its own copy: the chunk it arrived in is not kept alive by the entry. */
function payload(buffer: Buffer, event: EventRange): Buffer {
  const end = event.end - 2;
  const single = buffer.indexOf(LF, event.start) >= end;
  if (single && DATA_SPACE.compare(buffer, event.start, event.start + DATA_SPACE.length) === 0) {
    return Buffer.from(buffer.subarray(event.start + DATA_SPACE.length, end));
  }
  if (single && DATA.compare(buffer, event.start, event.start + DATA.length) === 0) return Buffer.from(buffer.subarray(event.start + DATA.length, end));
  return Buffer.from(eventText(buffer, event));
}

/**
 * The finish reasons in the parts, in order: each `"finish_reason":`, blanks, then a string without
 * quotes or backslashes (the pattern /"finish_reason":\s*"([^"\\]*)"/ read over latin1 text, matched
 * on the bytes: no text is made of a part without a reason in it). In valid JSON the quoted key cannot
 * occur inside a string value (its quotes would be escaped there), so a match is always a real member.
 */
export function finishReasons(parts: readonly Buffer[]): string[] {
  const reasons: string[] = [];
  for (const part of parts) {
    let at = part.indexOf(FINISH_KEY);
    while (at >= 0) {
      let start = at + FINISH_KEY.length;
      while (start < part.length && BLANKS.has(part[start]!)) start++;
      let end = -1;
      if (part[start] === QUOTE) {
        start++;
        end = start;
        while (end < part.length && part[end] !== QUOTE && part[end] !== BACKSLASH) end++;
        if (part[end] !== QUOTE) end = -1;
      }
      if (end >= 0) reasons.push(part.toString('latin1', start, end));
      // After a match the search goes on past it, as a global pattern's would; else from the next byte.
      at = part.indexOf(FINISH_KEY, end >= 0 ? end + 1 : at + 1);
    }
  }
  return reasons;
}
