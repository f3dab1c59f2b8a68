// Serving a cache hit: the stored answer replayed as a new response (its own id and created), with
// x-switchyard-cache: hit and its age; the request's result, and what the hit saved. A hit reserves
// and settles nothing: its tokens are not charged to the key's budget (LiteLLM replayed a hit's
// tokens into its spend reports, BerriAI/litellm issue 39057); they are counted apart, per key.
import type { NativeApi } from '../config/types.js';
import type { RequestResult } from '../proxy/results.js';
import { entryAgeSeconds, type CacheEntry } from './entry.js';
import type { CacheMetrics } from './metrics.js';
import { replayNativeEntry } from './native-hit.js';
import { replay, type ReplayOptions } from './replay.js';
import type { CacheRequest } from './service.js';

const ID_PREFIX = { chat: 'chatcmpl-', completions: 'cmpl-', embeddings: '' } as const;

/**
 * What a hit wrote, for an Idempotency-Key sent with it to keep (idempotency/service.ts endHit): a retry
 * must get this response again, its id included, not another hit.
 */
export type HitCopy =
  /** A chat-completions entry and how it was replayed: replay.ts servedEntry() makes it again. */
  | { readonly kind: 'chat'; readonly entry: CacheEntry; readonly replayed: Pick<ReplayOptions, 'stream' | 'identity' | 'usageCost'> }
  /** A native entry's answer (native-hit.ts), as written. */
  | { readonly kind: 'native'; readonly api: NativeApi; readonly stream: boolean; readonly body: string; readonly tier: string; readonly pool: string };

export interface ServedHit {
  readonly result: RequestResult;
  /** Null when the hit did not reach its end (the client left). */
  readonly copy: HitCopy | null;
}

/** The hit's result; null when the entry could not be read in the shape asked for (nothing was written). */
export async function serveHit(call: CacheRequest, entry: CacheEntry, metrics: CacheMetrics): Promise<ServedHit | null> {
  const { plan, request, res } = call;
  let error: unknown = null;
  let copy: HitCopy | null = null;
  const id = `${ID_PREFIX[request.endpoint]}${call.requestId}`;
  // A hit costs nothing: the answer was paid for when it was made.
  const headers = { 'x-switchyard-cache': 'hit', age: String(entryAgeSeconds(entry, Date.now())), 'x-switchyard-tier': entry.tier, 'x-switchyard-cost-usd': '0' };
  try {
    if (entry.native !== undefined) {
      // The bytes of an engine that serves the client's API itself (native-hit.ts): for a client of that API only.
      const hit = { api: request.native?.api, stream: request.stream, chatId: id, headers, abort: call.abort };
      const body = await replayNativeEntry(res, entry, hit);
      if (body === null) return null;
      copy = { kind: 'native', api: entry.native, stream: request.stream, body, tier: entry.tier, pool: entry.pool };
    } else {
      const identity = { id, created: Math.floor(Date.now() / 1000) };
      const { stream } = request;
      await replay(res, entry, { stream, clientWantsUsage: request.clientWantsUsage, identity, usageCost: 0, headers, abort: call.abort });
      copy = { kind: 'chat', entry, replayed: { stream, identity, usageCost: 0 } };
    }
  } catch (thrown) {
    if (!res.headersSent) return null;
    error = thrown;
  }
  countSaved(call, entry, metrics);
  return {
    copy,
    result: {
      endpoint: request.endpoint,
      stream: request.stream,
      model: plan.alias,
      complexity: plan.complexity,
      tier: entry.tier,
      reason: plan.reason,
      attempts: [],
      answer: null,
      costNanoUsd: 0,
      error,
      served: 'cache',
      cache: 'hit',
    },
  };
}

function countSaved(call: CacheRequest, entry: CacheEntry, metrics: CacheMetrics): void {
  const { usage } = entry;
  const alias = call.plan.alias;
  if (usage !== null) {
    metrics.savedTokens.series(alias, entry.tier, 'prompt').inc(usage.prompt);
    metrics.savedTokens.series(alias, entry.tier, 'completion').inc(usage.completion);
    if (call.key !== null) {
      metrics.keyTokens.series(call.key.id, entry.tier, 'prompt').inc(usage.prompt);
      metrics.keyTokens.series(call.key.id, entry.tier, 'completion').inc(usage.completion);
    }
  }
  if (entry.costNanoUsd !== null) metrics.savedUsd.series(alias, entry.tier).inc(entry.costNanoUsd / 1e9);
}
