// Non-streaming responses: read the engine's answer, then send it to the client byte for byte.
import { chargeUsage } from '../cost/charge.js';
import { formatUsd } from '../cost/money.js';
import { extractUsage, type Usage } from '../openai/usage.js';
import { RouterError } from '../openai/errors.js';
import { LinkedSwitch } from './abort-switch.js';
import type { AttemptContext } from './attempt.js';
import { exchange } from './forward.js';
import type { WholeResponse } from './whole-response.js';
import { failureFromStatus } from './outcome.js';
import { retryAfterOf } from './retry-policy.js';

/** Usage sits at the end of OpenAI-shaped bodies; looking there first skips large choices/vectors. */
const USAGE_TAIL_BYTES = 4096;

/** Said with the timeout's 504: retrying would only run the same long generation again. */
const NO_RETRY = { 'x-should-retry': 'false' } as const;

export async function relayJson(a: AttemptContext): Promise<void> {
  const response = await readWholeAnswer(a);
  // Engines that do not speak chat (Anthropic) have their answer translated before anything reads it.
  const { translateJson } = a.pool.adapter;
  const body = translateJson === null ? response.body : translateJson(response.body, a.replica.name);
  const usage = findUsage(body);
  if (usage !== null) chargeUsage(a.result, usage, a.pool.pricing);
  // The answer is read whole before its head is written, so its cost can go in a header.
  if (a.result.costNanoUsd !== null) a.res.setHeader('x-switchyard-cost-usd', formatUsd(a.result.costNanoUsd));
  a.recorder?.json(response.statusCode, body);
  a.res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  a.res.end(body);
}

/**
 * The engine's whole answer, within the pool's responseTimeoutMs when set; a failure status is thrown
 * as the failure it is (retryable or not). Shared with the native relay (src/proxy/native/relay-json.ts).
 */
export async function readWholeAnswer(a: AttemptContext): Promise<WholeResponse> {
  const { config } = a.pool;
  // Engines send a non-streaming answer whole, status line included, once generation has ended
  // (vLLM builds its JSONResponse from the finished result), so the wait for it is as long as the
  // generation: there is no first byte to time, only the pool's responseTimeoutMs when set, and the
  // request's deadline. Either running out is a long generation, not a broken replica.
  const limitMs = config.responseTimeoutMs;
  let limited: LinkedSwitch | null = null;
  let timer: NodeJS.Timeout | null = null;
  if (limitMs !== null) {
    const own = (limited = new LinkedSwitch(a.abort));
    timer = setTimeout(() => own.abort(tooLong(a, limitMs)), limitMs);
    timer.unref();
  }
  let response: WholeResponse;
  try {
    response = await exchange(a.replica, {
      path: a.path,
      payload: a.payload,
      headers: a.headers,
      requestId: a.result.upstreamId,
      abort: limited ?? a.abort,
      headersTimeoutMs: 0,
      bodyTimeoutMs: config.idleTimeoutMs,
    });
  } finally {
    if (timer !== null) clearTimeout(timer);
    limited?.release();
  }
  a.result.status = response.statusCode;
  a.result.firstByteMs = response.headersAt - a.startedAt;
  if (response.statusCode < 200 || response.statusCode > 299) {
    const retryAfterMs = retryAfterOf(response.headers, Date.now());
    throw failureFromStatus(response.statusCode, response.body.toString('utf8'), a.replica.name, retryAfterMs, a.request.endpoint);
  }
  return response;
}

function tooLong(a: AttemptContext, ms: number): RouterError {
  return new RouterError('generation_timeout', `Replica ${a.replica.name} did not finish its answer within ${ms} ms (the pool's responseTimeoutMs).`, {
    headers: NO_RETRY,
  });
}

function findUsage(body: Buffer): Usage | null {
  if (body.length > USAGE_TAIL_BYTES) {
    const fromTail = extractUsage(body.toString('latin1', body.length - USAGE_TAIL_BYTES));
    if (fromTail !== null) return fromTail;
  }
  return extractUsage(body.toString('utf8'));
}
