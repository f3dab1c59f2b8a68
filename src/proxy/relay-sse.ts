// Streaming responses: relayed event by event with backpressure, never buffered whole. Before the
// first content reaches the client (commit) a failure is thrown so the caller may try elsewhere;
// after it, a failure becomes one OpenAI-shaped error event and the stream ends without [DONE], so
// no client mistakes a broken answer for a complete one.
import { performance } from 'node:perf_hooks';
import { RouterError } from '../openai/errors.js';
import { SseByteSplitter, eventText, isCommentOnly, type SplitChunk } from '../openai/sse-buffer.js';
import { isErrorEvent } from '../openai/error-event.js';
import type { AttemptContext } from './attempt.js';
import { LinkedSwitch } from './abort-switch.js';
import { EventRelay } from './event-relay.js';
import { streamAttempt } from './forward.js';
import { failureFromStatus, failureFromStreamError, failureFromThrown } from './outcome.js';
import { ClientGone } from './request-lifetime.js';
import { retryAfterOf } from './retry-policy.js';
import { StallTimer } from './stall-timer.js';
import { SSE_HEADERS } from '../openai/response-head.js';
import { isObject } from '../json-object.js';

export async function relaySse(a: AttemptContext): Promise<void> {
  const { config } = a.pool;
  // A stream can stall between chunks, so it needs an abort of its own, linked to the request's.
  const attemptAbort = new LinkedSwitch(a.abort);
  const stall = new StallTimer(attemptAbort, a.replica.name, config.firstTokenTimeoutMs, () => a.res.writableNeedDrain);
  const relay = new EventRelay(a, attemptAbort);
  let committed = false;
  try {
    const response = streamAttempt(a, attemptAbort);
    await response.started;
    a.result.status = response.statusCode;
    if (response.statusCode < 200 || response.statusCode > 299) {
      const retryAfterMs = retryAfterOf(response.headers, Date.now());
      throw failureFromStatus(response.statusCode, await response.text(), a.replica.name, retryAfterMs, a.request.endpoint);
    }
    const contentType = response.headers['content-type'];
    if (typeof contentType !== 'string' || !contentType.includes('text/event-stream')) {
      await response.dump();
      throw new RouterError('upstream_error', `Replica ${a.replica.name} answered a stream request without a stream.`);
    }
    const splitter = new SseByteSplitter();
    // Engines that do not stream chat chunks (Anthropic) are rewritten into them before the relay reads them.
    const transcoder = a.pool.adapter.transcoder?.() ?? null;
    const held: SplitChunk[] = [];
    let heldBytes = 0;
    for (let chunk = await response.read(); chunk !== null; chunk = await response.read()) {
      // After [DONE] the client's answer is complete; what follows (normally nothing) is drained
      // rather than cut off, so the connection can be reused (cancelling the exchange closes it).
      if (relay.done) continue;
      const split = splitter.push(transcoder === null ? chunk : transcoder.push(chunk));
      if (split.events.length === 0) {
        // An event that never ends must not fill the heap: one event is bounded by MAX_EVENT_BYTES,
        // before commit as after (a first content event may be large: a 10 MB tool call); what is held
        // before the first token, complete events that are no content, by MAX_HELD_BYTES below.
        if (splitter.rest() > MAX_EVENT_BYTES) throw new RouterError('upstream_error', `Replica ${a.replica.name} sent one event of more than 16 MiB.`);
        continue;
      }
      if (!committed) {
        // The pre-commit window: role-only preamble chunks are held until the first content, so a
        // replica that fails before its first token is still a clean, retryable failure. Comments
        // (TGI's axum sends `:` as a keep-alive) carry no data and are no content either; they go
        // out with the rest once the stream commits. Only the events up to the first content are
        // read here; the relay reads the rest as it sends them.
        let content = false;
        for (const event of split.events) {
          const data = eventText(split.buffer, event);
          if (data === '') continue;
          // However the error is spelt (an `event: error` line says it whatever the data), as after commit.
          if (isErrorEvent(split.buffer, event)) throw failureFromStreamError(data, a.replica.name, a.request.endpoint);
          content = !isPreamble(data);
          if (content) break;
        }
        held.push(split);
        heldBytes += split.buffer.length;
        if (!content) {
          if (heldBytes > MAX_HELD_BYTES) throw tooMuchBeforeFirstToken(a);
          continue;
        }
        stall.switchToIdle(config.idleTimeoutMs);
        a.res.writeHead(200, SSE_HEADERS);
        committed = true;
        const now = performance.now();
        a.result.ttftMs = now - a.started.startedAt;
        a.result.firstByteMs = now - a.startedAt;
        for (const heldSplit of held.splice(0)) if (!relay.finished) await relay.send(heldSplit);
      } else {
        // A keep-alive is no progress: a replica that only sends those has gone silent all the same.
        if (carriesData(split)) stall.touch();
        await relay.send(split);
      }
      if (relay.done) {
        a.res.end();
        // The rest is drained so the connection can be reused, but not waited for long: an engine
        // that sent [DONE] and keeps its response open would hold the connection for idleTimeoutMs.
        stall.switchToIdle(Math.min(config.idleTimeoutMs, DRAIN_AFTER_DONE_MS));
      } else if (relay.finished) {
        // A failure (an engine error event, a spent budget) ends the stream and the upstream request.
        attemptAbort.abort(new RouterError('stream_interrupted', 'The relay ended the stream.'));
        break;
      }
    }
    if (!committed) {
      throw new RouterError('upstream_error', `Replica ${a.replica.name} closed the stream before sending anything.`);
    }
    if (!relay.finished) {
      relay.fail(new RouterError('stream_interrupted', `Replica ${a.replica.name} closed the stream before it finished.`));
    }
    if (!a.res.writableEnded) a.res.end();
  } catch (thrown) {
    const reason: unknown = attemptAbort.aborted ? attemptAbort.reason : thrown;
    if (!committed) throw reason;
    // The client already has its whole answer; trouble while draining the rest is no failure.
    if (a.res.writableEnded) return;
    if (reason instanceof ClientGone) {
      a.result.outcome = 'client_abort';
      return;
    }
    const cause = failureFromThrown(reason, a.replica.name);
    // The request's deadline, or the end of a shutdown's grace, cutting a long stream is no fault of the
    // replica's: the client is told so in its own words, and the replica is not held to account (the
    // outcome is not stream_interrupted).
    if (cause.kind === 'generation_timeout' || cause.kind === 'shutting_down') relay.fail(cause);
    else relay.fail(new RouterError('stream_interrupted', `The stream from replica ${a.replica.name} broke off: ${cause.message}`, { cause }));
    a.res.end();
  } finally {
    stall.stop();
    // Whatever ended the relay ends the upstream exchange too (a no-op once the engine's response has
    // ended): one left open, such as an error event before the first token and then silence, would
    // keep its connection busy with nobody reading it.
    attemptAbort.abort(RELAY_OVER);
    attemptAbort.release();
  }
}

/**
 * What a stream may send before its first token (role chunks, keep-alive comments), held until it
 * commits: past this the replica is misbehaving, and it is a failure tried elsewhere, not a heap filled.
 */
export const MAX_HELD_BYTES = 1024 * 1024;

/** The largest single event relayed after commit (a whole tool call's arguments at most, in practice). */
export const MAX_EVENT_BYTES = 16 * 1024 * 1024;

function tooMuchBeforeFirstToken(a: AttemptContext): RouterError {
  return new RouterError('upstream_error', `Replica ${a.replica.name} sent more than 1 MiB before its first token.`);
}

/** How long the rest of a stream may take to end after [DONE] (normally it ends at once). */
export const DRAIN_AFTER_DONE_MS = 1000;

/** The reason the upstream exchange is cancelled with once its relay is over; made once (no stack per stream). */
export const RELAY_OVER = new RouterError('stream_interrupted', 'The relay is over.');

/** Whether any event of the chunk is more than a comment (an SSE comment line starts with a colon). */
export function carriesData({ buffer, events }: SplitChunk): boolean {
  for (const event of events) if (!isCommentOnly(buffer, event)) return true;
  return false;
}

const ROLE = /"role":\s*"assistant"/;
/** vLLM's and SGLang's opening delta, read without a parse (every stream has one). */
const VLLM_OPENING = /"delta":\s*\{\s*"role":\s*"assistant"\s*(,\s*"content":\s*"")?\s*\}/;
const FINISHED = /"finish_reason":\s*"/;

const NO_CHOICES = /^\{"choices":\s*\[\s*\]/;
const USAGE_OBJECT = /"usage":\s*\{/;

/**
 * The first chat chunk, which only announces the assistant's role; or Azure's opening chunk, which
 * has no choices and only the prompt's content-filter results
 * (`{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[…]}`,
 * https://github.com/microsoft/autogen/issues/6465), so Azure streams stay retryable until content.
 */
function isPreamble(data: string): boolean {
  if (NO_CHOICES.test(data)) return !USAGE_OBJECT.test(data);
  if (VLLM_OPENING.test(data)) return !FINISHED.test(data);
  return ROLE.test(data) && isRoleOnly(data);
}

/**
 * Whether every choice's delta is the assistant's role and nothing else said, in any order and with any
 * empty members: vLLM's `{"role":"assistant","content":""}`, OpenAI's `{"role":"assistant","content":"",
 * "refusal":null}`, Azure's members in another order beside its content_filter_results. Parsed: only the
 * first events of a stream come here, until one commits it.
 */
function isRoleOnly(data: string): boolean {
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    return false;
  }
  const choices = isObject(chunk) ? chunk['choices'] : undefined;
  if (!Array.isArray(choices) || choices.length === 0) return false;
  for (const choice of choices as unknown[]) {
    if (!isObject(choice) || (choice['finish_reason'] !== null && choice['finish_reason'] !== undefined)) return false;
    const delta = choice['delta'];
    if (!isObject(delta) || delta['role'] !== 'assistant') return false;
    for (const [name, value] of Object.entries(delta)) {
      if (name !== 'role' && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0)) return false;
    }
  }
  return true;
}

/** An engine's error event before commit: judged by whose fault it is (outcome.ts), then thrown. */
