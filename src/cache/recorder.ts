// A bounded copy of the answer a relay sends, for the response cache and idempotent retries to store.
// The relays feed it what they already hold (relay-json.ts the whole body, event-relay.ts each chunk's
// events); nothing is parsed here. An answer that grows past the bound is dropped whole — an entry is
// never truncated — and only a complete one becomes an entry: a JSON body, or a stream that reached
// [DONE] without an error event. Whether a complete answer may be kept (its status, finish reasons,
// the client's directives) is eligibility.ts's question.
import { dataStartsWith, eventText, isDoneEvent, type EventRange } from '../openai/sse-buffer.js';
import type { RequestResult } from '../proxy/results.js';
import type { CacheEntry } from './entry.js';
import { RecordedEntry } from './recorded-entry.js';

const ERROR_START = Buffer.from('{"error"');
const DATA = Buffer.from('data:');
const SPACE = 0x20;
const COLON = 0x3a;
const LF = 0x0a;
/**
 * A finish_reason member that is not null, in any spacing (Jackson writes `"finish_reason" : "stop"`):
 * its value when it is a plain string (group 1), else none (an escaped, unterminated or odd value: read
 * as UNREADABLE_REASON). The blanks are what \s matches among latin1 characters.
 */
const FINISH_REASON = /"finish_reason"[\t\n\v\f\r \xa0]*:[\t\n\v\f\r \xa0]*(?!null)(?:"([^"\\]*)"|)/g;

/** A finish reason that could not be read off the bytes (escapes, an odd value): no answer carrying one is kept (eligibility.ts). */
export const UNREADABLE_REASON = '\0unreadable';

export type RecorderState = 'recording' | 'complete' | 'oversized' | 'failed';

export class Recorder {
  state: RecorderState = 'recording';
  private kind: 'json' | 'sse' = 'sse';
  private status = 200;
  /** A JSON answer: its body. */
  private body: Buffer | null = null;
  /**
   * A stream's payloads, as where they are in the chunks the relay handed over (chunk i, bytes
   * [starts[i], ends[i])): the relay never changes a chunk it has passed on (it writes it to the
   * client as it is). They are copied once, into one buffer, when the entry is made: a Buffer per
   * event, and a search of each for its finish reason, were most of what the cache added to a
   * streamed miss.
   */
  private chunks: Buffer[] = [];
  private starts: number[] = [];
  private ends: number[] = [];
  private bytes = 0;
  /** The parts (or the one buffer they are views of) and finish reasons, made on the first entry() (the cache and idempotency may both ask). */
  private made: Made | null = null;

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
    this.body = body;
    this.bytes = body.length;
    this.state = 'complete';
  }

  /** One chunk's events as the stream relays them; comments are skipped, [DONE] completes the recording. */
  events(buffer: Buffer, events: readonly EventRange[]): void {
    if (this.state !== 'recording') return;
    for (const event of events) {
      if (buffer[event.start] === COLON) continue;
      if (isDoneEvent(buffer, event)) {
        this.state = 'complete';
        return;
      }
      if (dataStartsWith(buffer, event, ERROR_START)) return this.drop('failed');
      const end = event.end - 2;
      const start = singleLinePayload(buffer, event, end);
      if (start >= 0) this.keep(buffer, start, end);
      else {
        const text = Buffer.from(eventText(buffer, event));
        this.keep(text, 0, text.length);
      }
      if (this.state !== 'recording') return;
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
    const made = this.made ?? (this.made = this.make());
    const fields = {
      endpoint: result.endpoint,
      kind: this.kind,
      status: this.status,
      createdMs: nowMs,
      alias: result.model,
      tier: result.tier,
      pool: answer.pool,
      usage: answer.promptTokens === null ? null : { prompt: answer.promptTokens, cached: answer.cachedPromptTokens, completion: answer.completionTokens ?? 0 },
      costNanoUsd: answer.costNanoUsd,
      finish: made.finish,
    };
    return new RecordedEntry(fields, made.parts, made.whole, made.ends);
  }

  /** Keeps `source[start, end)` as the next payload, or drops the recording past the bound. */
  private keep(source: Buffer, start: number, end: number): void {
    this.bytes += end - start;
    if (this.bytes > this.maxBytes) return this.drop('oversized');
    this.chunks.push(source);
    this.starts.push(start);
    this.ends.push(end);
  }

  /** A stream's payloads copied into one buffer of exactly their bytes (what an entry holds, and what a store counts). */
  private make(): Made {
    if (this.kind === 'json') {
      // As the relay holds it (a body in one chunk is a view of the socket read): stores copy what they keep.
      const parts = this.body === null ? [] : [this.body];
      return { parts, whole: null, ends: [], finish: finishReasons(parts) };
    }
    const { chunks, starts, ends } = this;
    // The entry lives as long as the request (stores copy what they keep), so the shared slab serves it.
    const whole = Buffer.allocUnsafe(this.bytes);
    const bounds: number[] = [];
    let at = 0;
    for (let i = 0; i < chunks.length; i++) {
      at += chunks[i]!.copy(whole, at, starts[i], ends[i]);
      bounds.push(at);
    }
    // The chunks are the relay's: let them go with the recording.
    this.chunks = [];
    return { parts: [], whole, ends: bounds, finish: finishReasonsIn(whole, bounds) };
  }

  private drop(state: RecorderState): void {
    this.state = state;
    this.body = null;
    this.chunks = [];
    this.starts = [];
    this.ends = [];
    this.bytes = 0;
  }
}

/** A JSON answer's parts, or a stream's one buffer and where each part ends in it. */
interface Made {
  readonly parts: readonly Buffer[];
  readonly whole: Buffer | null;
  readonly ends: readonly number[];
  readonly finish: readonly string[];
}

/**
 * Where a one-line event's payload starts (after `data: `, or `data:` as TGI's axum writes it), or -1
 * for any other event, whose data is read by eventText.
 */
function singleLinePayload(buffer: Buffer, event: EventRange, end: number): number {
  const { start } = event;
  // Compared byte by byte: two Buffer.compare calls per event were a tenth of what a streamed miss's recording cost.
  for (let i = 0; i < DATA.length; i++) if (buffer[start + i] !== DATA[i]) return -1;
  if (buffer.indexOf(LF, start) < end) return -1;
  return buffer[start + DATA.length] === SPACE ? start + DATA.length + 1 : start + DATA.length;
}

/**
 * The finish reasons in the parts, in order, as FINISH_REASON reads each part's latin1 text, matched on
 * the bytes: no text is made of a part. In valid JSON the quoted key cannot occur inside a string value
 * (its quotes would be escaped there), so a match is always a real member. A JSON answer's one part
 * holds the key once per choice: found with Buffer.indexOf, where the pattern needed the whole body as
 * a string first (a kilobyte of garbage per stored answer).
 */
export function finishReasons(parts: readonly Buffer[]): string[] {
  const reasons: string[] = [];
  for (const part of parts) {
    for (let at = part.indexOf(FINISH_KEY); at !== -1;) {
      let colon = at + FINISH_KEY.length;
      while (colon < part.length && BLANKS.has(part[colon]!)) colon++;
      if (part[colon] !== COLON) {
        at = part.indexOf(FINISH_KEY, at + 1);
        continue;
      }
      let open = colon + 1;
      while (open < part.length && BLANKS.has(part[open]!)) open++;
      if (part[open] === N && part[open + 1] === U && part[open + 2] === L && part[open + 3] === L) {
        at = part.indexOf(FINISH_KEY, open);
        continue;
      }
      let close = open + 1;
      while (close < part.length && part[close] !== QUOTE && part[close] !== BACKSLASH) close++;
      const matched = part[open] === QUOTE && part[close] === QUOTE;
      reasons.push(matched ? part.toString('latin1', open + 1, close) : UNREADABLE_REASON);
      // As the pattern goes on: from the end of what it matched.
      at = part.indexOf(FINISH_KEY, matched ? close + 1 : open);
    }
  }
  return reasons;
}

const FINISH_KEY = Buffer.from('"finish_reason"');
/** The letters of null. */
const [N, U, L] = [0x6e, 0x75, 0x6c];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** What \s matches among latin1 bytes. */
const BLANKS: ReadonlySet<number> = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0]);

/**
 * The same over parts laid back to back in `buffer` (part i ends at `ends[i]`), found with one search
 * of the whole buffer rather than one per part: a key that runs over a part's end, or a value whose
 * closing quote is not inside the part, is no match, exactly as when each part is searched alone. The
 * search is one compiled pattern over the buffer's latin1 text: a stream has the key in every chunk
 * (`"finish_reason":null`), and a Buffer.indexOf per occurrence cost 8x as much (4.8 against 0.6 µs
 * for a 20-chunk stream).
 */
export function finishReasonsIn(buffer: Buffer, ends: readonly number[]): string[] {
  const reasons: string[] = [];
  const total = ends.length === 0 ? 0 : ends[ends.length - 1]!;
  const text = buffer.toString('latin1', 0, total);
  let part = 0;
  FINISH_REASON.lastIndex = 0;
  for (let match = FINISH_REASON.exec(text); match !== null; match = FINISH_REASON.exec(text)) {
    while (match.index >= ends[part]!) part++;
    const value = match[1];
    const keyEnd = FINISH_REASON.lastIndex - (value === undefined ? 0 : value.length + 2);
    // A key that runs over its part's end is none; the search goes on from the next byte, as it would
    // after a failed match at this place within the part alone. A value that runs over it is one the
    // part alone could not read.
    if (keyEnd > ends[part]!) FINISH_REASON.lastIndex = match.index + 1;
    else if (FINISH_REASON.lastIndex <= ends[part]!) reasons.push(value ?? UNREADABLE_REASON);
    else {
      // The rest of the part has no quote, so no key either: the search goes on in the next part.
      reasons.push(UNREADABLE_REASON);
      FINISH_REASON.lastIndex = ends[part]!;
    }
  }
  return reasons;
}
