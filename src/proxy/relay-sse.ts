// Streaming responses: relayed event by event with backpressure, never buffered whole. Before the
// first event reaches the client (commit) a failure is thrown so the caller may try elsewhere; after
// it, a failure becomes one OpenAI-shaped error event and the stream ends without [DONE], so no
// client mistakes a broken answer for a complete one.
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { RouterError, errorBody } from '../openai/errors.js';
import { DONE_EVENT, SseSplitter, encodeEvent, eventData } from '../openai/sse.js';
import { extractUsage } from '../openai/usage.js';
import type { AttemptContext } from './attempt.js';
import { readEngineError } from './engine-errors.js';
import { forward } from './forward.js';
import { failureFromStatus, failureFromThrown } from './outcome.js';
import { parseRetryAfter } from './retry-policy.js';
import { ClientGone } from './request-lifetime.js';
import { StallTimer } from './stall-timer.js';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

export async function relaySse(a: AttemptContext): Promise<void> {
  const { config } = a.pool;
  const stall = new StallTimer(a.controller, a.replica.name, config.firstByteTimeoutMs);
  let committed = false;
  try {
    const response = await forward(a.replica, {
      path: a.path,
      payload: a.payload,
      requestId: a.record.requestId,
      signal: a.controller.signal,
      headersTimeoutMs: 0,
      bodyTimeoutMs: 0,
    });
    a.attempt.status = response.statusCode;
    if (response.statusCode < 200 || response.statusCode > 299) {
      const retryAfterMs = parseRetryAfter(response.headers['retry-after'], Date.now());
      throw failureFromStatus(response.statusCode, await response.body.text(), a.replica.name, retryAfterMs);
    }
    const contentType = response.headers['content-type'];
    if (typeof contentType !== 'string' || !contentType.includes('text/event-stream')) {
      await response.body.dump();
      throw new RouterError('upstream_error', `Replica ${a.replica.name} answered a stream request without a stream.`);
    }
    const relay = new EventRelay(a);
    const splitter = new SseSplitter();
    let held: string[] = [];
    for await (const chunk of response.body) {
      // After [DONE] the client's answer is complete; what follows (normally nothing) is drained
      // rather than cut off: destroying the body would cost an AbortError with a stack per stream.
      if (relay.done) continue;
      let events = splitter.push(chunk as Buffer);
      if (events.length === 0) continue;
      if (!committed) {
        // The pre-commit window: role-only preamble chunks are held until the first content, so a
        // replica that fails before its first token is still a clean, retryable failure.
        for (const event of events) throwIfError(event, a.replica.name);
        held = held.concat(events);
        if (held.every(isPreamble)) continue;
        events = held;
        stall.switchToIdle(config.idleTimeoutMs);
        a.res.writeHead(200, SSE_HEADERS);
        committed = true;
        const now = performance.now();
        a.record.ttftMs = now - a.record.startedAt;
        a.attempt.firstByteMs = now - a.startedAt;
      } else {
        stall.touch();
      }
      await relay.send(events);
      if (relay.done) a.res.end();
      // A failure (an engine error event, a spent budget) ends the stream and the upstream request.
      else if (relay.finished) break;
    }
    if (!committed) {
      throw new RouterError('upstream_error', `Replica ${a.replica.name} closed the stream before sending anything.`);
    }
    if (!relay.finished) {
      relay.fail(new RouterError('stream_interrupted', `Replica ${a.replica.name} closed the stream before it finished.`));
    }
    if (!a.res.writableEnded) a.res.end();
  } catch (thrown) {
    if (!committed) throw thrown;
    // The client already has its whole answer; trouble while draining the rest is no failure.
    if (a.res.writableEnded) return;
    const reason: unknown = a.controller.signal.aborted ? a.controller.signal.reason : thrown;
    if (reason instanceof ClientGone) {
      a.attempt.outcome = 'client_abort';
      a.record.outcome = 'client_abort';
      return;
    }
    const cause = failureFromThrown(reason, a.replica.name);
    const failure = new RouterError('stream_interrupted', `The stream from replica ${a.replica.name} broke off: ${cause.message}`, { cause });
    new EventRelay(a).fail(failure);
    a.res.end();
  } finally {
    stall.stop();
  }
}

/** Passes events to the client, reads usage on the way, and notes how the stream ended. */
class EventRelay {
  /** Saw [DONE] or an engine error event: nothing more is relayed. */
  finished = false;
  /** Saw [DONE]: the stream completed. */
  done = false;
  /** The last content event's data, from which a closing chunk is made when a budget runs out. */
  private lastContent = '';

  constructor(private readonly a: AttemptContext) {}

  async send(events: readonly string[]): Promise<void> {
    let out = '';
    for (const event of events) {
      const data = eventData(event);
      if (CONTENT.test(data)) {
        const guard = this.a.guard;
        if (guard !== null && this.a.record.streamedTokens + 1 > guard.allowed) {
          if (out.length > 0) await this.write(out);
          out = '';
          if (!(await guard.extend())) {
            this.cutForBudget();
            return;
          }
        }
        this.a.record.streamedTokens++;
        this.lastContent = data;
      }
      if (data === '[DONE]') {
        out += DONE_EVENT;
        this.finished = true;
        this.done = true;
        break;
      }
      if (isErrorData(data)) {
        if (out.length > 0) await this.write(out);
        this.fail(engineStreamError(data, this.a.replica.name));
        return;
      }
      if (this.a.request.clientWantsUsage) {
        if (data.includes('"usage"')) this.readUsage(data);
        out += event;
      } else if (data.endsWith(UNASKED_USAGE_FIELD) && event.length === data.length + 6) {
        // `"usage":null` is there only because the router asked for usage; the client did not.
        out += `data: ${data.slice(0, -UNASKED_USAGE_FIELD.length)}}`;
      } else {
        if (data.includes('"usage"') && this.readUsage(data)) continue;
        out += event;
      }
      out += '\n\n';
    }
    if (out.length > 0) await this.write(out);
  }

  /**
   * The key's budget ran out mid-stream (tight mode): a closing chunk with finish_reason "length",
   * so clients see a cut answer as such, then the error event; the upstream request is closed.
   */
  private cutForBudget(): void {
    const closing = closingChunk(this.lastContent);
    if (closing !== null && !this.a.res.destroyed) this.a.res.write(encodeEvent(closing));
    this.fail(new RouterError('insufficient_quota', "The stream was ended because this key's token budget is spent."));
  }

  /** Ends the stream with one error event and no [DONE]. */
  fail(error: RouterError): void {
    this.finished = true;
    this.a.attempt.outcome = error.kind;
    this.a.record.outcome = error.kind;
    this.a.record.errorKind = error.kind;
    this.a.record.errorOrigin = error.origin;
    this.a.record.errorMessage = error.message;
    if (!this.a.res.destroyed) this.a.res.write(encodeEvent(JSON.stringify(errorBody(error))));
  }

  /** Records the usage an event carries; true when it is the usage-only chunk (no choices). */
  private readUsage(data: string): boolean {
    const usage = extractUsage(data);
    if (usage === null) return false;
    this.a.record.promptTokens = usage.promptTokens;
    this.a.record.completionTokens = usage.completionTokens;
    return USAGE_ONLY_CHUNK.test(data);
  }

  private async write(text: string): Promise<void> {
    if (this.a.res.write(text)) return;
    await once(this.a.res, 'drain', { signal: this.a.controller.signal });
  }
}

const ROLE_ONLY_DELTA = /"delta":\s*\{\s*"role":\s*"assistant"\s*(,\s*"content":\s*"")?\s*\}/;
const FINISHED = /"finish_reason":\s*"/;

/** The first chat chunk, which only announces the assistant's role. */
function isPreamble(event: string): boolean {
  const data = eventData(event);
  return ROLE_ONLY_DELTA.test(data) && !FINISHED.test(data);
}

/** An event carrying generated output: text, a content delta or a tool call. */
const CONTENT = /"(?:content|text)":"[^"]|"tool_calls":\[/;

/** The last content chunk with its output emptied and finish_reason "length". */
function closingChunk(lastContent: string): string | null {
  try {
    const chunk = JSON.parse(lastContent) as { choices?: Record<string, unknown>[] };
    if (!Array.isArray(chunk.choices)) return null;
    chunk.choices = chunk.choices.map((choice) => {
      const closed: Record<string, unknown> = { index: choice['index'] ?? 0, finish_reason: 'length' };
      if ('delta' in choice) closed['delta'] = {};
      if ('text' in choice) closed['text'] = '';
      return closed;
    });
    return JSON.stringify(chunk);
  } catch {
    return null;
  }
}

const UNASKED_USAGE_FIELD = ',"usage":null}';
const USAGE_ONLY_CHUNK = /"choices":\s*\[\s*\]/;
const LEGACY_ERROR_OBJECT = /"object":\s*"error"/;

function isErrorData(data: string): boolean {
  // The substring test first: it rules out nearly every event without running the regex.
  return data.startsWith('{"error"') || (data.includes('"error"') && LEGACY_ERROR_OBJECT.test(data));
}

function engineStreamError(data: string, replicaName: string): RouterError {
  const engine = readEngineError(data);
  return new RouterError('stream_interrupted', engine.message ?? `Replica ${replicaName} reported an error mid-stream.`, {
    code: engine.code ?? 'stream_interrupted',
  });
}

function throwIfError(event: string, replicaName: string): void {
  const data = eventData(event);
  if (!isErrorData(data)) return;
  const engine = readEngineError(data);
  throw new RouterError('upstream_error', engine.message ?? `Replica ${replicaName} reported an error.`);
}
