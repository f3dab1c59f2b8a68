// One request's budget: reserved before forwarding, topped up during a stream (tight mode), settled
// to the engine's own usage afterwards, always. The reservation size is what makes each mode's
// promise, and the request plan decides it (output-plan.ts): strict reserves an upper bound (prompt
// bytes + the most the output can be on any pool that may serve it), so spend never exceeds a limit;
// tight reserves the tokenizer's estimate plus one top-up step, and grows it as the stream goes.
import type { ServerResponse } from 'node:http';
import { RouterError } from '../openai/errors.js';
import type { AttemptResult, RequestResult } from '../proxy/results.js';
import type { StreamGuard } from '../proxy/stream-guard.js';
import type { InferenceRequest } from '../routing/inference-request.js';
import { formatUsd, usdToNano } from '../cost/money.js';
import { tokensCostNano, type TokenPrices } from '../cost/usage-cost.js';
import type { PlannedReservation, PlannedTier } from '../routing/plan.js';
import type { CostEstimate } from './estimate.js';
import { duration, rateLimitHeaders } from './rate-limit-headers.js';
import type { BudgetService } from './service.js';
import type { KeyLimits, KeyRecord, Reservation, ReserveRejected } from './types.js';

/** A pool as settling reads it: its name and the prices its answers are charged at. */
export interface PricedPool {
  readonly name: string;
  readonly pricing: { readonly prices: TokenPrices | null };
}

export interface Meter {
  readonly reservation: Reservation;
  readonly estimate: CostEstimate;
  /** Null unless tight mode meters a stream. */
  readonly guard: StreamGuard | null;
}

export async function openMeter(
  service: BudgetService,
  key: KeyRecord,
  request: InferenceRequest,
  /** What to reserve: the plan's reservation (src/budgets/output-plan.ts decides it in both modes). */
  planned: PlannedReservation,
  res: ServerResponse,
): Promise<Meter | null> {
  const { budgetMode, topUpTokens } = service.settings;
  const { tokens, estimate, topUpNanoUsd } = planned;
  const tooLarge = overAnyLimit(key.limits, tokens, planned.nanoUsd);
  if (tooLarge !== null) throw tooLarge;
  let outcome;
  try {
    outcome = await service.reserve(key, tokens, planned.nanoUsd);
  } catch {
    throw new RouterError('budget_store_unavailable', 'Usage limits cannot be checked right now; try again shortly.', {
      headers: { 'retry-after': '1' },
    });
  }
  if (outcome === null) return null;
  if (!outcome.ok) {
    const refusal = rejection(outcome);
    throw refusal.withHeaders(refusedLimitHeaders(outcome));
  }
  for (const [name, value] of Object.entries(rateLimitHeaders(outcome.snapshot, Date.now()))) res.setHeader(name, value);
  const reservation = outcome.reservation;
  if (budgetMode !== 'tight' || !request.stream) return { reservation, estimate, guard: null };
  // Output tokens the stream may send before the next top-up.
  let allowed = tokens - estimate.promptTokens;
  const guard: StreamGuard = {
    get allowed() {
      return allowed;
    },
    promptTokens: estimate.promptTokens,
    async extend() {
      if (!(await service.topUp(reservation, topUpTokens, topUpNanoUsd))) return false;
      allowed += topUpTokens;
      return true;
    },
  };
  return { reservation, estimate, guard };
}

/**
 * What the request used: the engine's own usage when it reported it; otherwise, once an engine worked
 * on it (engineWorked), the estimated prompt plus the tokens streamed to the client, or, for a whole
 * answer cut short while the engine generated it (cutWhileGenerating), all that was reserved for it;
 * otherwise nothing. Only the answer can carry usage or streamed tokens: an attempt that failed before
 * commit sent the client nothing.
 */
export function usedTokens(result: RequestResult, estimate: CostEstimate, reserved: Pick<Reservation, 'tokens'> | null = null): number {
  const answer = result.answer;
  if (answer !== null && answer.promptTokens !== null) return answer.promptTokens + (answer.completionTokens ?? 0);
  if (!result.attempts.some(engineWorked)) return 0;
  const seen = estimate.promptTokens + (answer?.streamedTokens ?? 0);
  return reserved !== null && cutWhileGenerating(result) ? Math.max(seen, reserved.tokens) : seen;
}

/**
 * A whole (non-streaming) answer the client left, or whose time ran out, while the engine generated
 * it: it sends nothing before it ends, so no count of what was made reaches the router, and the
 * engine (a hosted API bills it) made up to all of it. Charged as reserved (strict: the request's
 * worst case, which the engine cannot pass; tight: the estimate and one top-up step), so giving up on
 * long answers is no way to have them made for the price of their prompts.
 */
function cutWhileGenerating(result: RequestResult): boolean {
  if (result.stream) return false;
  return result.attempts.some((attempt) => attempt.firstByteMs === null && (attempt.outcome === 'client_abort' || attempt.outcome === 'generation_timeout'));
}

/** Whether settling reads the estimated prompt (no usage came, but an engine worked): the tokenizer must be loaded first. */
export function settlesOnEstimate(result: RequestResult): boolean {
  if (result.answer !== null && result.answer.promptTokens !== null) return false;
  return result.attempts.some(engineWorked);
}

/**
 * Whether an attempt had an engine work for it: the replica started answering (any first byte: a
 * server error is work too, and TGI's 424, but not a 4xx refusal, which the engine gives before it
 * prefills or generates anything: a prompt over its context, a field it rejects, a 429), or it was
 * still generating when the client left or a limit on the answer's time ran out. A non-streaming answer sends nothing before generation ends, so a client
 * that gives up on one, or a deadline that cuts it, leaves no first byte behind the prefill and
 * decoding it cost (a hosted API bills it all the same). A replica that never answered in time
 * (upstream_timeout) or could not be reached did no work the caller should pay for.
 */
function engineWorked(attempt: AttemptResult): boolean {
  if (attempt.firstByteMs !== null) return !refused(attempt.status);
  return attempt.outcome === 'client_abort' || attempt.outcome === 'generation_timeout';
}

/** A 4xx an engine gives before any work; TGI's 424 is a generation that failed (work done), 408 one its time ran out on. */
function refused(status: number | null): boolean {
  return status !== null && status >= 400 && status <= 499 && status !== 424 && status !== 408;
}

/**
 * What the request cost: the engines' usage at their pools' prices (the result's cost); when no usage
 * came but an engine worked (see usedTokens), the estimate at the serving pool's prices; else nothing.
 */
export function usedNanoUsd(
  result: RequestResult,
  estimate: CostEstimate,
  tokens: number,
  chain: readonly PlannedTier<PricedPool>[],
  reserved: Pick<Reservation, 'tokens' | 'nanoUsd'> | null = null,
): number {
  if (result.costNanoUsd !== null) return result.costNanoUsd;
  if (tokens === 0) return 0;
  // As usedTokens charges the tokens reserved: the dollars reserved with them, when any were.
  if (reserved !== null && reserved.nanoUsd > 0 && cutWhileGenerating(result)) return reserved.nanoUsd;
  const served = result.answer?.pool ?? result.attempts[result.attempts.length - 1]?.pool;
  for (const tier of chain) {
    for (const pool of tier.pools) {
      if (pool.name !== served) continue;
      const prices = pool.pricing.prices;
      return prices === null ? 0 : tokensCostNano(prices, estimate.promptTokens, Math.max(result.answer?.streamedTokens ?? 0, tokens - estimate.promptTokens));
    }
  }
  return 0;
}

/** What a settle charged: tokens, and nano-USD. */
export interface Charged {
  readonly tokens: number;
  readonly nanoUsd: number;
}

export function closeMeter(service: BudgetService, meter: Meter, result: RequestResult, chain: readonly PlannedTier<PricedPool>[]): Charged {
  const tokens = usedTokens(result, meter.estimate, meter.reservation);
  const nanoUsd = usedNanoUsd(result, meter.estimate, tokens, chain, meter.reservation);
  service.settle(meter.reservation, tokens, nanoUsd);
  return { tokens, nanoUsd };
}

/** The limit that refused the request, in OpenAI's x-ratelimit-* headers. */
function refusedLimitHeaders(outcome: ReserveRejected): Record<string, string> {
  // OpenAI's x-ratelimit-* headers count requests and tokens only.
  if (outcome.limit === null || outcome.unit === 'usd') return {};
  const what = outcome.reason === 'requests_per_minute' ? 'requests' : outcome.reason === 'concurrency' ? null : 'tokens';
  if (what === null) return {};
  const headers: Record<string, string> = {
    [`x-ratelimit-limit-${what}`]: String(outcome.limit),
    [`x-ratelimit-remaining-${what}`]: String(outcome.remaining ?? 0),
  };
  if (outcome.retryAfterMs !== null) headers[`x-ratelimit-reset-${what}`] = duration(outcome.retryAfterMs);
  return headers;
}

/**
 * A request whose reservation alone is more than one of the key's limits: it can never be admitted, so
 * it is refused as OpenAI refuses a request over a per-minute limit ("Request too large … The input or
 * output tokens must be reduced"), with no Retry-After and `x-should-retry: false`, rather than told to
 * try again in a while, or that a budget it may never have touched is spent. Null when it fits every limit.
 */
function overAnyLimit(limits: KeyLimits, tokens: number, nanoUsd: number): RouterError | null {
  const headers = { 'x-should-retry': 'false' };
  for (const [field, period] of TOKEN_LIMITS) {
    const limit = limits[field];
    if (limit === null || tokens <= limit) continue;
    const message = `Request too large for this key's ${period} token limit: limit ${limit}, this request may use up to ${tokens} (its prompt and its output cap). Lower max_tokens or shorten the prompt.`;
    // OpenAI's own "Request too large" over a per-minute limit is a rate_limit_exceeded; over a budget, the quota is what falls short.
    return period === 'per-minute' ? new RouterError('rate_limit_exceeded', message, { type: 'tokens', headers }) : new RouterError('insufficient_quota', message, { headers });
  }
  for (const [field, period] of USD_LIMITS) {
    const limit = limits[field];
    if (limit === null || nanoUsd <= usdToNano(limit)) continue;
    const message = `Request too large for this key's ${period} budget: limit ${formatUsd(usdToNano(limit))} USD, this request may cost up to ${formatUsd(nanoUsd)} USD (its prompt and its output cap). Lower max_tokens or shorten the prompt.`;
    return new RouterError('insufficient_quota', message, { headers });
  }
  return null;
}

const TOKEN_LIMITS = [
  ['tokensPerMinute', 'per-minute'],
  ['tokensPerDay', 'day'],
  ['tokensPerMonth', 'month'],
  ['tokensLifetime', 'lifetime'],
] as const;
const USD_LIMITS = [
  ['usdPerDay', 'day'],
  ['usdPerMonth', 'month'],
  ['usdLifetime', 'lifetime'],
] as const;

/**
 * OpenAI's two 429s: a rate limit (retry after a moment) or a spent quota (do not retry). A budget
 * held only by other requests' reservations is the first kind: they settle as those requests end.
 */
function rejection(outcome: ReserveRejected): RouterError {
  const limit = outcome.limit ?? 0;
  switch (outcome.reason) {
    case 'unknown_key':
      return new RouterError('invalid_api_key', 'Incorrect API key provided.');
    case 'disabled':
      return new RouterError('key_disabled', 'This API key is disabled.');
    case 'quota':
      if (outcome.unit === 'usd') {
        return new RouterError('insufficient_quota', `You exceeded this key's ${outcome.period ?? ''} budget of ${formatUsd(limit)} USD.`.replace('  ', ' '), {
          headers: { 'x-should-retry': 'false' },
        });
      }
      return new RouterError('insufficient_quota', `You exceeded this key's ${outcome.period ?? ''} token budget of ${limit}.`.replace('  ', ' '), {
        headers: { 'x-should-retry': 'false' },
      });
    case 'in_flight':
      if (outcome.unit === 'usd') {
        return new RouterError(
          'rate_limit_exceeded',
          `Rate limit reached for USD: this key's ${outcome.period ?? ''} budget of ${formatUsd(limit)} USD is held by requests in flight. Please try again in 1s.`.replace(
            '  ',
            ' ',
          ),
          { type: 'usd', headers: { 'retry-after': String(Math.ceil((outcome.retryAfterMs ?? 1000) / 1000)) } },
        );
      }
      return new RouterError(
        'rate_limit_exceeded',
        `Rate limit reached for tokens: this key's ${outcome.period ?? ''} token budget of ${limit} is held by requests in flight. Please try again in 1s.`.replace('  ', ' '),
        { type: 'tokens', headers: { 'retry-after': String(Math.ceil((outcome.retryAfterMs ?? 1000) / 1000)) } },
      );
    case 'concurrency':
      return new RouterError('rate_limit_exceeded', `Too many requests in flight for this key: limit ${limit}. Wait for one to finish.`, {
        headers: { 'retry-after': '1' },
      });
    case 'requests_per_minute':
    case 'tokens_per_minute': {
      const what = outcome.reason === 'requests_per_minute' ? 'requests' : 'tokens';
      const seconds = Math.max(1, Math.ceil((outcome.retryAfterMs ?? 1000) / 1000));
      return new RouterError('rate_limit_exceeded', `Rate limit reached for ${what} per minute: limit ${limit}. Please try again in ${seconds}s.`, {
        type: what,
        headers: { 'retry-after': String(seconds) },
      });
    }
  }
}
