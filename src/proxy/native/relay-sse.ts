// A native stream (Responses or Messages, from an engine that speaks it): relayed event by event as
// the engine wrote it, as src/proxy/relay-sse.ts relays chat. Before commit the preamble is held (its
// dialect says which events are), so a replica that fails before its first output is still a clean,
// retryable failure; an engine's error event is judged by engine-errors.ts and thrown. After commit a
// failure is written as the API's own error event(s). Usage is read from the events that carry it.
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { chargeUsage } from '../../cost/charge.js';
import { RouterError } from '../../openai/errors.js';
import { isCommentOnly, SseByteSplitter } from '../../openai/sse-buffer.js';
import { LinkedSwitch } from '../abort-switch.js';
import type { AttemptContext } from '../attempt.js';
import { streamAttempt } from '../forward.js';
import { failureFromStatus, failureFromStreamError, failureFromThrown, streamErrorAfterCommit } from '../outcome.js';
import { ClientGone } from '../request-lifetime.js';
import { retryAfterOf } from '../retry-policy.js';
import { carriesData, DRAIN_AFTER_DONE_MS, MAX_EVENT_BYTES, MAX_HELD_BYTES, RELAY_OVER } from '../relay-sse.js';
import { StallTimer } from '../stall-timer.js';
import type { NativeStream } from './dialect.js';
import type { NativeOut } from './native-out.js';
import { readEvent } from './sse-event.js';
import { SSE_HEADERS } from '../../openai/response-head.js';

export async function relayNativeSse(a: AttemptContext, out: NativeOut, dialect: NativeStream): Promise<void> {
  const { config } = a.pool;
  const { res } = out;
  const attemptAbort = new LinkedSwitch(a.abort);
  const stall = new StallTimer(attemptAbort, a.replica.name, config.firstTokenTimeoutMs, () => res.writableNeedDrain);
  let committed = false;
  /** Ended: complete (`done`) or failed; what follows from the engine is drained. */
  let finished = false;
  let done = false;
  /** The client's bytes not yet written: the held preamble before commit, one upstream read's after. */
  let pending: (Buffer | string)[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
    out.recording?.write(bytes);
    const ok = res.write(bytes);
    pending = [];
    if (!ok) await once(res, 'drain', { signal: attemptAbort.signal });
  };
  /**
   * What the engine reported before its stream ended unfinished (Messages' message_start counts, a
   * Responses engine's response.failed usage) is charged rather than the estimate; the output is never
   * less than what was streamed.
   */
  const chargeReported = (): void => {
    const usage = dialect.usage();
    if (usage !== null) chargeUsage(a.result, { ...usage, completionTokens: Math.max(usage.completionTokens, a.result.streamedTokens) }, a.pool.pricing);
  };
  const fail = (error: RouterError): void => {
    finished = true;
    chargeReported();
    out.recording?.fail();
    a.result.outcome = error.kind;
    a.result.error = error;
    if (!res.destroyed) res.write(dialect.failure(error, a.result.streamedTokens));
  };
  try {
    const response = streamAttempt(a, attemptAbort);
    await response.started;
    a.result.status = response.statusCode;
    if (response.statusCode < 200 || response.statusCode > 299) {
      throw failureFromStatus(response.statusCode, await response.text(), a.replica.name, retryAfterOf(response.headers, Date.now()), a.request.endpoint);
    }
    const contentType = response.headers['content-type'];
    if (typeof contentType !== 'string' || !contentType.includes('text/event-stream')) {
      await response.dump();
      throw new RouterError('upstream_error', `Replica ${a.replica.name} answered a stream request without a stream.`);
    }
    const splitter = new SseByteSplitter();
    let heldBytes = 0;
    /** Complete events that are no content, held before commit (relay-sse.ts): not without bound. */
    const hold = (bytes: Buffer | string): void => {
      pending.push(bytes);
      if ((heldBytes += bytes.length) > MAX_HELD_BYTES) throw new RouterError('upstream_error', `Replica ${a.replica.name} sent more than 1 MiB before its first token.`);
    };
    for (let chunk = await response.read(); chunk !== null; chunk = await response.read()) {
      if (finished) continue;
      const split = splitter.push(chunk);
      const { buffer, events } = split;
      // One event is bounded, before commit as after (a first delta may be large: a 10 MB tool call's input).
      if (events.length === 0 && splitter.rest() > MAX_EVENT_BYTES) throw new RouterError('upstream_error', `Replica ${a.replica.name} sent one event of more than 16 MiB.`);
      // A keep-alive comment is no progress: a replica that only sends those has gone silent all the same.
      if (committed && carriesData(split)) stall.touch();
      for (const range of events) {
        const bytes = buffer.subarray(range.start, range.end);
        if (isCommentOnly(buffer, range)) {
          if (committed) pending.push(bytes);
          else hold(bytes);
          continue;
        }
        const event = readEvent(buffer, range);
        const step = dialect.step(event);
        if (step.kind === 'marker') {
          // OpenAI's [DONE] follows its end: passed when it comes with it, as the engine sent it.
          if (done && event.type === '[DONE]') pending.push(bytes);
          continue;
        }
        if (done) break;
        // Never after commit: the opening event is held, so nothing is committed before it.
        if (step.kind === 'foreign') throw new RouterError('upstream_error', `Replica ${a.replica.name} answered with a stream that is not the ${step.api} API's.`);
        if (step.kind === 'error') {
          if (!committed) throw failureFromStreamError(step.engineError, a.replica.name, a.request.endpoint);
          await flush();
          fail(streamErrorAfterCommit(step.engineError, a.replica.name, a.request.endpoint));
          break;
        }
        if (step.kind === 'failed' && !committed) throw failureFromStreamError(step.engineError, a.replica.name, a.request.endpoint);
        if (step.kind === 'preamble' && !committed) {
          hold(step.text ?? bytes);
          continue;
        }
        if (!committed) {
          committed = true;
          stall.switchToIdle(config.idleTimeoutMs);
          // Native bytes are not chat completions: the chat recorder (the cache's) keeps translated answers only.
          a.recorder?.fail();
          res.writeHead(200, SSE_HEADERS);
          const now = performance.now();
          a.result.ttftMs = now - a.started.startedAt;
          a.result.firstByteMs = now - a.startedAt;
        }
        if (step.kind === 'content' && step.delta && !(await counted(a, flush))) {
          fail(new RouterError('insufficient_quota', "The stream was ended because this key's budget (tokens or dollars) is spent."));
          break;
        }
        if (step.kind === 'done') {
          done = finished = true;
          const usage = dialect.usage();
          if (usage !== null) chargeUsage(a.result, usage, a.pool.pricing);
          pending.push(step.answer === null ? (step.text ?? bytes) : dialect.terminal(event, await out.finished(step.answer)));
          continue;
        }
        pending.push(step.text ?? bytes);
        if (step.kind === 'failed') {
          // The engine's own failure, in the client's API: passed, and the replica is held to it.
          finished = true;
          chargeReported();
          a.result.outcome = 'stream_interrupted';
          a.result.error = streamErrorAfterCommit(step.engineError, a.replica.name, a.request.endpoint);
          out.recording?.fail();
          break;
        }
      }
      if (committed) await flush();
      if (done) {
        out.recording?.complete();
        res.end();
        // Drained for connection reuse, but not waited for long (relay-sse.ts).
        stall.switchToIdle(Math.min(config.idleTimeoutMs, DRAIN_AFTER_DONE_MS));
      } else if (finished) {
        attemptAbort.abort(new RouterError('stream_interrupted', 'The relay ended the stream.'));
        break;
      }
    }
    if (!committed) throw new RouterError('upstream_error', `Replica ${a.replica.name} closed the stream before sending anything.`);
    if (!finished) fail(new RouterError('stream_interrupted', `Replica ${a.replica.name} closed the stream before it finished.`));
    if (!res.writableEnded) res.end();
  } catch (thrown) {
    const reason: unknown = attemptAbort.aborted ? attemptAbort.reason : thrown;
    if (!committed) throw reason;
    if (res.writableEnded) return;
    if (reason instanceof ClientGone) {
      a.result.outcome = 'client_abort';
      chargeReported();
      return;
    }
    const cause = failureFromThrown(reason, a.replica.name);
    if (cause.kind === 'generation_timeout' || cause.kind === 'shutting_down') fail(cause);
    else fail(new RouterError('stream_interrupted', `The stream from replica ${a.replica.name} broke off: ${cause.message}`, { cause }));
    res.end();
  } finally {
    stall.stop();
    // Whatever ended the relay ends the upstream exchange too (a no-op once the engine's response has
    // ended): one left open, such as an error event before the first token and then silence, would
    // keep its connection busy with nobody reading it.
    attemptAbort.abort(RELAY_OVER);
    attemptAbort.release();
  }
}

/** Counts one output delta against the budget's guard (tight mode); false when the budget is spent. */
async function counted(a: AttemptContext, flush: () => Promise<void>): Promise<boolean> {
  const { guard } = a;
  if (guard !== null && a.result.streamedTokens + 1 > guard.allowed) {
    await flush();
    if (!(await guard.extend())) return false;
  }
  if (a.guard !== null || a.metered) a.result.streamedTokens++;
  return true;
}
