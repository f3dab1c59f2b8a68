// Idempotent retries as the inference handler uses them, built once per router: read the key, then
// either replay the stored answer (no reservation, no engine, no charge) or run the request with a
// recorder and store what it answered (stored-answer.ts says what is kept). Every step is a few lines
// in handlers/inference.ts; the rules live here and in guard.ts.
import type { Waits } from '../observability/request-record.js';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { idempotencyScope } from '../budgets/owner.js';
import { formatUsd } from '../cost/money.js';
import type { KeyRecord } from '../budgets/types.js';
import type { ClientResponse } from '../protocols/client-response.js';
import { entryAgeSeconds } from '../cache/entry.js';
import type { HitCopy } from '../cache/hit.js';
import { Recorder } from '../cache/recorder.js';
import { replay } from '../cache/replay.js';
import type { IdempotencyConfig } from '../config/types.js';
import type { Logger } from '../observability/logger.js';
import type { Api, AnswerFormat } from '../protocols/protocol.js';
import { TranslatedResponse } from '../protocols/translated-response.js';
import type { AbortSwitch } from '../proxy/abort-switch.js';
import { NativeRecording } from '../proxy/native/native-recording.js';
import type { RequestResult } from '../proxy/results.js';
import type { InferenceRequest } from '../routing/inference-request.js';
import { fingerprint, idempotencyId } from './fingerprint.js';
import { IdempotencyGuard, type Ticket } from './guard.js';
import { decodeKept, type KeptAnswer } from './kept-answer.js';
import { readIdempotencyKey } from './key-header.js';
import type { IdempotencyMetrics, IdempotencyResult } from './metrics.js';
import { replayNative } from './native-replay.js';
import { answerToStore, hitToStore, type Recorded } from './stored-answer.js';
import type { IdempotencyStore } from './store.js';
import { isObject } from '../json-object.js';

/** How long a pending record outlives the request deadline: time to store the answer. */
const PENDING_MARGIN_MS = 10_000;

export interface BeginRequest {
  /** The key's text, as readKey returned it. */
  readonly key: string;
  /** The caller's API key; null without one (scope `anon`). Its records are under idempotencyScope(caller). */
  readonly caller: KeyRecord | null;
  /** The API the client spoke, and its body as it sent it (parsed): a Responses or Messages retry must repeat that. */
  readonly api: Api;
  readonly body: unknown;
  readonly request: InferenceRequest;
  /** The configured alias the model resolved to. */
  readonly alias: string;
  readonly requestId: string;
  readonly abort: AbortSwitch;
  /** Where the wait for a first request still running is added. */
  readonly waits: Waits;
  /** The config in force for this request. */
  readonly config: IdempotencyConfig;
  readonly requestTimeoutMs: number;
}

/**
 * A request with an Idempotency-Key, once claimed: either a replay (`replay` serves it) or a run whose
 * answer `end` stores. The handler holds one per keyed request; every method is safe to call in any state.
 */
export class KeyedRequest {
  /** The running request's answer format: its replay state is kept with a chat answer. */
  private answerAs: AnswerFormat | null = null;
  /** Where a native answer of the running request is copied, and its API. */
  private native: Recorded['native'] = null;

  constructor(
    /** What idempotency did with the request, for the access line. */
    private result: IdempotencyResult,
    /** The stored answer to replay; null: the request runs. */
    private readonly kept: KeptAnswer | null,
    private readonly ticket: Ticket | null,
    /** The copy of the answer to store, when the response cache does not keep one already. */
    readonly recorder: Recorder | null,
    /** The largest answer kept (idempotency.maxEntryBytes): a recorder shared with the cache keeps at least this much. */
    readonly maxEntryBytes: number,
  ) {}

  /**
   * Serves the stored answer, if there is one, and returns the request's result (`base`: what was known
   * before); null when the request is to run, its answer then copied through `res` for end() (a native
   * answer is written past the chat recorder). A client that leaves during the replay ends it as such.
   */
  async replay(res: ClientResponse, request: InferenceRequest, abort: AbortSwitch, base: RequestResult): Promise<RequestResult | null> {
    const { kept } = this;
    if (kept === null) {
      if (this.ticket !== null) this.record(res, request);
      return null;
    }
    const tier = kept.kind === 'chat' ? kept.entry.tier : kept.meta.tier;
    // Nothing is charged: the answer was paid for when it was made.
    const result = { ...base, tier, costNanoUsd: 0, served: 'replay' as const, idempotency: this.result };
    try {
      if (await serveReplay(res, kept, request, abort)) return result;
      // Stored by another version of the router in a shape this one cannot serve: it runs, unkept.
      this.result = 'unavailable';
      return null;
    } catch (error) {
      return { ...result, error };
    }
  }

  /** Stores the answer `recorder` (or the native recording) kept, when `result` may be replayed, or lets the key go. Never throws. */
  async end(result: RequestResult | null, recorder: Recorder | null): Promise<void> {
    if (this.ticket === null) return;
    if (result === null || (recorder === null && this.native === null)) return this.ticket.end(null);
    const state = result.answer === null ? null : ((await this.answerAs?.replayState?.().catch(() => null)) ?? null);
    return this.ticket.end(answerToStore(result, { recorder, native: this.native, state }, Date.now(), this.maxEntryBytes));
  }

  /**
   * Keeps what a response-cache hit wrote as the key's answer (hit.ts's copy; null: the hit did not
   * reach its end, and the key is let go). Never throws.
   */
  async endHit(result: RequestResult, copy: HitCopy | null): Promise<void> {
    if (this.ticket === null) return;
    if (copy === null || result.error !== null) return this.ticket.end(null);
    const state = copy.kind === 'chat' ? ((await this.answerAs?.replayState?.().catch(() => null)) ?? null) : null;
    return this.ticket.end(hitToStore(copy, state, Date.now(), this.maxEntryBytes));
  }

  /** Prepares the copies of the running request's answer: its format's replay state, and a native answer's bytes. */
  private record(res: ClientResponse, request: InferenceRequest): void {
    this.answerAs = request.answerAs ?? null;
    if (request.native === undefined || !(res instanceof TranslatedResponse)) return;
    const recording = new NativeRecording(this.maxEntryBytes);
    res.nativeRecording = recording;
    this.native = { recording, api: request.native.api };
  }

  /** The result with what idempotency did. */
  tag(result: RequestResult): RequestResult {
    return { ...result, idempotency: this.result };
  }
}

export class Idempotency {
  private readonly guard: IdempotencyGuard;

  constructor(
    private readonly store: IdempotencyStore,
    metrics: IdempotencyMetrics,
    private readonly logger: Logger,
    routerId: string = randomUUID(),
  ) {
    this.guard = new IdempotencyGuard({ store, metrics, logger, routerId });
  }

  /** The request's Idempotency-Key, or null; throws the 400 for a malformed one. */
  readKey(req: IncomingMessage): string | null {
    try {
      return readIdempotencyKey(req.headers['idempotency-key'], req.rawHeaders);
    } catch (error) {
      this.guard.countInvalid();
      throw error;
    }
  }

  /** Claims the key (waiting for a duplicate in flight): replay, or run. Throws the 409, the 422, or the abort's reason. */
  async begin(input: BeginRequest): Promise<KeyedRequest> {
    const { config } = input;
    const settings = { ttlMs: config.ttlMs, waitMs: config.waitMs, pendingTtlMs: input.requestTimeoutMs + PENDING_MARGIN_MS };
    const id = idempotencyId(idempotencyScope(input.caller), input.key);
    const { api, body } = input;
    const print =
      api === 'openai' || !isObject(body) ? fingerprint(input.request.endpoint, input.alias, input.request.body) : fingerprint(api, input.alias, body, input.request.native);
    const begun = await this.guard.begin({ id, fingerprint: print, requestId: input.requestId, abort: input.abort, waits: input.waits }, settings);
    const max = config.maxEntryBytes;
    if (begun.kind === 'run') {
      if (begun.ticket === null) return new KeyedRequest('unavailable', null, null, null, max);
      return new KeyedRequest('new', null, begun.ticket, new Recorder(max), max);
    }
    const kept = decodeKept(begun.answer.bytes);
    if (kept !== null) return new KeyedRequest(begun.result, kept, null, null, max);
    // Written by another version of the router: answered as if no key was sent, never as an error.
    this.logger.warn({ requestId: input.requestId }, 'a stored idempotent answer could not be read; the request runs without idempotency');
    return new KeyedRequest('unavailable', null, null, null, max);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/**
 * Writes the stored answer as the client asked for it now (a stream or not, its usage chunk or not),
 * with its original id and created (and, in another API, the ids its translation minted first: the
 * answer format's replay state). False, with nothing written, when the answer cannot be served in that
 * shape: the caller runs the request instead. Rejects with the abort's reason if the client left, or
 * with the 422 of a native answer asked for in a shape it cannot be replayed in.
 */
async function serveReplay(res: ClientResponse, kept: KeptAnswer, request: InferenceRequest, abort: AbortSwitch): Promise<boolean> {
  const { tier, pool, createdMs } = kept.kind === 'chat' ? kept.entry : kept.meta;
  res.setHeader('x-switchyard-tier', tier);
  if (pool !== '') res.setHeader('x-switchyard-pool', pool);
  const headers = { 'x-switchyard-idempotent-replay': 'true', age: String(entryAgeSeconds({ createdMs }, Date.now())), 'x-switchyard-cost-usd': '0' };
  if (kept.kind === 'native') return replayNative(res, kept.meta, kept.body, request.stream, headers, abort);
  // A state the format does not read (another version's) replays with new ids, as a version 1 record does.
  if (kept.state !== null) request.answerAs?.replayAs?.(kept.state);
  try {
    // The same response: its usage chunk says what the answer cost when it was made, as the first one
    // did (x-switchyard-cost-usd: 0 says that this retry was not charged).
    const { costNanoUsd } = kept.entry;
    const usageCost = costNanoUsd === null ? null : Number(formatUsd(costNanoUsd));
    await replay(res, kept.entry, { stream: request.stream, clientWantsUsage: request.clientWantsUsage, identity: null, usageCost, headers, abort });
    return true;
  } catch (error) {
    if (res.headersSent || abort.aborted) throw error;
    return false;
  }
}
