// What a relay needs for one attempt, and the bookkeeping around it (in-flight count, timing,
// linking the request's abort signal to the attempt's).
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RequestRecord, AttemptRecord } from '../observability/request-record.js';
import type { Pool } from '../pools/pool.js';
import type { Replica } from '../pools/replica.js';
import type { AbortSwitch } from './abort-switch.js';
import type { InferenceRequest } from '../routing/inference-request.js';
import { ClientGone } from './request-lifetime.js';
import { failureFromThrown } from './outcome.js';
import type { StreamGuard } from './stream-guard.js';
import { upstreamRequestId } from './upstream-id.js';

export interface AttemptContext {
  readonly request: InferenceRequest;
  readonly res: ServerResponse;
  readonly record: RequestRecord;
  readonly pool: Pool;
  readonly replica: Replica;
  readonly payload: string;
  readonly path: string;
  /** The request's lifetime: aborted by the client leaving or the deadline. */
  readonly abort: AbortSwitch;
  readonly attempt: AttemptRecord;
  /** A budget's limit on the stream's output (tight mode); null when unmetered. */
  readonly guard: StreamGuard | null;
  /** performance.now() when the attempt was sent. */
  readonly startedAt: number;
}

export type Relay = (attempt: AttemptContext) => Promise<void>;

/**
 * Runs one relay against one replica. Before commit a failure is thrown as a RouterError (or
 * ClientGone); after commit the relay handles failures itself and returns.
 */
export async function runAttempt(
  base: Omit<AttemptContext, 'abort' | 'attempt' | 'startedAt'>,
  abort: AbortSwitch,
  relay: Relay,
): Promise<AttemptRecord> {
  const { replica, record } = base;
  const attempt: AttemptRecord = {
    pool: base.pool.name,
    replica: replica.name,
    upstreamId: upstreamRequestId(record.requestId),
    outcome: 'ok',
    status: null,
    ms: 0,
    firstByteMs: null,
  };
  record.attempts.push(attempt);
  const startedAt = performance.now();
  replica.inFlight++;
  try {
    await relay({ ...base, abort, attempt, startedAt });
    return attempt;
  } catch (thrown) {
    const reason: unknown = abort.aborted ? abort.reason : thrown;
    if (reason instanceof ClientGone) {
      attempt.outcome = 'client_abort';
      throw reason;
    }
    const failure = failureFromThrown(reason, replica.name);
    attempt.outcome = failure.kind;
    throw failure;
  } finally {
    replica.inFlight--;
    attempt.ms = performance.now() - startedAt;
    record.upstreamMs += attempt.ms;
  }
}
