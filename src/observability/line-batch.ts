// Log lines gathered into batches before they reach sonic-boom, the asynchronous file writer pino
// uses. sonic-boom measures the UTF-8 length of the whole pending text on every write
// (`Buffer.byteLength(bufs[last])`, sonic-boom 4.2.1 index.js `write`), which flattens and scans up
// to its minLength of text per line (about 4% of a cache hit's CPU in a perf profile, at 8 KB batches). Here a line
// costs a concatenation, and sonic-boom sees one write per batch.
import { writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';

/** What pino's own asynchronous destination offers and this batcher needs of it. */
export interface FlushableDestination extends DestinationStream {
  flush(cb?: (error?: Error | null) => void): void;
  /** Writes what it holds at once (at exit, when no callback will run again). */
  flushSync(): void;
}

export class LineBatch implements DestinationStream {
  /** Lines not yet handed on, joined. */
  private pending = '';
  /** Their length in UTF-16 units: the bytes for ASCII, a bound within 3× otherwise; a threshold needs no more. */
  private pendingChars = 0;

  /** `fd`: where `next` writes, for the lines still pending here when the process exits. */
  constructor(
    private readonly next: FlushableDestination,
    private readonly batchChars: number,
    private readonly fd: number,
  ) {}

  write(line: string): void {
    this.pending += line;
    this.pendingChars += line.length;
    if (this.pendingChars >= this.batchChars) this.handOn();
  }

  /** Hands on what is pending and has the writer write everything out; `cb` when it has. */
  flush(cb?: (error?: Error | null) => void): void {
    this.handOn();
    this.next.flush(cb);
  }

  /**
   * At exit, with no event loop left: what the writer holds, then the lines pending here, written
   * synchronously and in order (pino's own exit hook flushes only what the writer holds).
   */
  writeOutSync(): void {
    try {
      this.next.flushSync();
    } catch {
      // A writer destroyed (stdout closed) or not open: nothing more can be written through it.
      return;
    }
    const text = this.take();
    if (text === '') return;
    try {
      writeSync(this.fd, text);
    } catch {
      // As above: the lines cannot be written anywhere now.
    }
  }

  /** Hands on what is pending, for the writer to write asynchronously. */
  handOn(): void {
    const text = this.take();
    if (text !== '') this.next.write(text);
  }

  /** The pending lines, now no longer pending. */
  private take(): string {
    const text = this.pending;
    this.pending = '';
    this.pendingChars = 0;
    return text;
  }
}
