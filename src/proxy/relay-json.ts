// Non-streaming responses: read the engine's answer, then send it to the client byte for byte.
import { chargeUsage } from '../cost/charge.js';
import { formatUsd } from '../cost/money.js';
import { extractUsage, type Usage } from '../openai/usage.js';
import { RouterError } from '../openai/errors.js';
import type { Endpoint } from '../routing/endpoint.js';
import { LinkedSwitch } from './abort-switch.js';
import type { AttemptContext } from './attempt.js';
import { exchange } from './forward.js';
import type { WholeResponse } from './whole-response.js';
import { failureFromStatus } from './outcome.js';
import { retryAfterOf } from './retry-policy.js';
import { skipJsonSpace } from '../json-whitespace.js';

/** Usage sits at the end of OpenAI-shaped bodies; looking there first skips large choices/vectors. */
const USAGE_TAIL_BYTES = 4096;

/**
 * The array every answer of an endpoint holds: what its clients read (and the translators to other
 * APIs). Found as bytes, in any spacing (OpenAI indents its bodies).
 */
const ANSWER_ARRAY: Readonly<Record<Endpoint, Buffer>> = {
  chat: Buffer.from('"choices"'),
  completions: Buffer.from('"choices"'),
  embeddings: Buffer.from('"data"'),
};
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Said with the timeout's 504: retrying would only run the same long generation again. */
const NO_RETRY = { 'x-should-retry': 'false' } as const;

export async function relayJson(a: AttemptContext): Promise<void> {
  const response = await readWholeAnswer(a);
  // Engines that do not speak chat (Anthropic) have their answer translated before anything reads it.
  const { translateJson } = a.pool.adapter;
  const body = translateJson === null ? response.body : translateJson(response.body, a.replica.name);
  // A 2xx that is not an answer (an engine's error object sent as 200, a proxy's page) is this
  // replica's failure, retried elsewhere before anything is written: passed on, a translated API
  // would make an empty "successful" answer of it, and the cache would keep it.
  if (!hasArrayMember(body, ANSWER_ARRAY[a.request.endpoint])) throw notAnAnswer(a, body);
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

/**
 * Whether the body is an object in which `name` (a quoted member name) is followed by a colon and an array that is not empty,
 * whitespace allowed (an answer with no choices answers nothing): a raw quote is never inside a
 * string, so that is structure.
 */
function hasArrayMember(body: Buffer, name: Buffer): boolean {
  // An answer is a JSON object: a stream sent to a request that asked for none (`data: {…"choices":…}`) is not one.
  if (body[skipJsonSpace(body, 0)] !== OPEN_BRACE) return false;
  for (let at = body.indexOf(name); at >= 0; at = body.indexOf(name, at + 1)) {
    let next = skipJsonSpace(body, at + name.length);
    if (body[next] !== COLON) continue;
    next = skipJsonSpace(body, next + 1);
    if (body[next] === OPEN_BRACKET) return body[skipJsonSpace(body, next + 1)] !== CLOSE_BRACKET;
  }
  return false;
}

function notAnAnswer(a: AttemptContext, body: Buffer): RouterError {
  return new RouterError(
    'upstream_error',
    `Replica ${a.replica.name} answered with a body that is not a ${a.request.endpoint === 'embeddings' ? 'list of embeddings' : 'completion'}.`,
    {
      cause: new Error(body.toString('utf8', 0, 2000)),
    },
  );
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
