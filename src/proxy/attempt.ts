// One attempt against one replica: what its relay needs, the bookkeeping around it (in-flight count,
// timing), and its result, which the relay fills in and runAttempt hands back.
import type { Waits } from '../observability/request-record.js';
import type { ClientResponse } from '../protocols/client-response.js';
import { performance } from 'node:perf_hooks';
import type { Recorder } from '../cache/recorder.js';
import type { Pool } from '../pools/pool.js';
import type { Replica } from '../pools/replica.js';
import type { AbortSwitch } from './abort-switch.js';
import type { InferenceRequest } from '../routing/inference-request.js';
import type { AttemptTarget } from './native/choose.js';
import { ClientGone } from './request-lifetime.js';
import { failureFromThrown } from './outcome.js';
import type { AttemptResult, Draft } from './results.js';
import type { StreamGuard } from './stream-guard.js';
import { upstreamRequestId } from './upstream-id.js';

/** What every attempt of a request shares. */
export interface AttemptInput {
  readonly request: InferenceRequest;
  readonly res: ClientResponse;
  /** The request's id (x-request-id) and when it arrived (performance.now()). */
  /** The request's id and start, and where a backoff adds the time it waited. */
  readonly started: { readonly requestId: string; readonly startedAt: number } & Waits;
  /** The request's lifetime: aborted by the client leaving or the deadline. */
  readonly abort: AbortSwitch;
  /** A budget's limit on a stream's output (tight mode); null when unmetered. */
  readonly guard: StreamGuard | null;
  /** Whether streamed output is counted: a guard or a settle reads the count. */
  readonly metered: boolean;
  /** Keeps a copy of the answer for the response cache or an idempotent retry (src/cache/recorder.ts); null: none. */
  readonly recorder: Recorder | null;
}

export interface AttemptContext extends AttemptInput {
  readonly pool: Pool;
  readonly replica: Replica;
  readonly payload: string;
  readonly path: string;
  /** The client's headers sent with this attempt (a native Messages attempt's anthropic-beta); null: none. */
  readonly headers: Readonly<Record<string, string>> | null;
  /** This attempt's result, filled in by the relay as it goes. */
  readonly result: Draft<AttemptResult>;
  /** performance.now() when the attempt was sent. */
  readonly startedAt: number;
}

export type Relay = (attempt: AttemptContext) => Promise<void>;

/**
 * Runs one relay against one replica and returns what happened. Before commit a failure ends up in
 * the result (`error`, or outcome `client_abort`) for the caller to judge; after commit the relay
 * handles failures itself, and the result says how the stream ended.
 */
export async function runAttempt(input: AttemptInput, pool: Pool, replica: Replica, sent: AttemptTarget, panic: boolean): Promise<AttemptResult> {
  const result: Draft<AttemptResult> = {
    pool: pool.name,
    replica: replica.name,
    upstreamId: upstreamRequestId(input.started.requestId),
    panic,
    outcome: 'ok',
    status: null,
    ms: 0,
    firstByteMs: null,
    committed: false,
    error: null,
    ttftMs: null,
    promptTokens: null,
    completionTokens: null,
    cachedPromptTokens: null,
    costNanoUsd: null,
    streamedTokens: 0,
  };
  const { request, res, started, abort, guard, metered, recorder } = input;
  const startedAt = performance.now();
  replica.inFlight++;
  try {
    const { payload, path, headers, relay } = sent;
    await relay({ request, res, started, abort, guard, metered, recorder, pool, replica, payload, path, headers, result, startedAt });
    result.committed = true;
  } catch (thrown) {
    const reason: unknown = abort.aborted ? abort.reason : thrown;
    if (reason instanceof ClientGone) {
      result.outcome = 'client_abort';
    } else {
      const failure = failureFromThrown(reason, replica.name);
      result.outcome = failure.kind;
      result.error = failure;
    }
  } finally {
    replica.inFlight--;
    result.ms = performance.now() - startedAt;
  }
  return result;
}
