// A copy of a native answer (src/proxy/native/) as the client got it, for an idempotent retry to be
// given again: the JSON body, or every byte of the event stream from its commit to its end. Native
// bytes are in the client's API, not chat completions, so the chat recorder (src/cache/recorder.ts)
// cannot keep them. Only an answer the relay completed is kept: a stream that failed, was cut by a
// budget or left by its client is not, nor a Response whose status is `failed`. Past `maxBytes` the
// copy is dropped whole, never truncated.
import { keptJoin } from '../../cache/kept-bytes.js';

export type NativeRecordingState = 'recording' | 'complete' | 'dropped';

export class NativeRecording {
  state: NativeRecordingState = 'recording';
  /** Whether the answer is an event stream (set by the relay that records it). */
  stream = false;
  /** The copy was dropped for growing past maxBytes (not for a failure). */
  overflowed = false;
  private parts: Buffer[] = [];
  private bytes = 0;

  constructor(private maxBytes: number) {}

  /**
   * Keeps at least `maxBytes` (before anything is written): the response cache shares idempotency's
   * recording with the larger of the two bounds, and each skips an answer over its own (src/cache/service.ts).
   */
  widen(maxBytes: number): void {
    if (maxBytes > this.maxBytes) this.maxBytes = maxBytes;
  }

  /** A whole JSON answer, as sent. */
  json(body: Buffer): void {
    if (this.state !== 'recording') return;
    this.stream = false;
    this.add(body);
    this.complete();
  }

  /** Bytes of a stream, as written to the client (after its commit: nothing is written before). */
  write(bytes: Buffer | string): void {
    if (this.state !== 'recording') return;
    this.stream = true;
    // A copy: a relay's bytes may be views of buffers its SSE splitter goes on using.
    this.add(Buffer.from(bytes));
  }

  /** The stream reached its end: what was written is the whole answer. */
  complete(): void {
    if (this.state === 'recording') this.state = 'complete';
  }

  /** The answer failed, or is not to be kept: nothing is. */
  fail(): void {
    this.drop();
  }

  /** The complete answer's bytes; null when it is not complete. */
  body(): Buffer | null {
    // Joined into bytes of their own (kept-bytes.ts): a store may keep them for hours.
    return this.state === 'complete' ? keptJoin(this.parts, this.bytes) : null;
  }

  private add(bytes: Buffer): void {
    this.bytes += bytes.length;
    if (this.bytes > this.maxBytes) {
      this.overflowed = true;
      return this.drop();
    }
    this.parts.push(bytes);
  }

  private drop(): void {
    this.state = 'dropped';
    this.parts = [];
    this.bytes = 0;
  }
}
