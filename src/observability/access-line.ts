// The access log line, serialised by hand. One is written per request and its shape never changes,
// so building the JSON directly costs a fraction of a general logger's walk over an object. The line
// carries no headers and no client bodies, so nothing in it needs redacting; what an engine said when it
// failed (its error body, at most 2,000 characters, or the connection error) is kept as `engineError`,
// for the operator: clients get a plain statement instead. Its envelope (level, time, service, msg) is
// the same as every other log line's.
import { formatUsd } from '../cost/money.js';
import type { RouterError } from '../openai/errors.js';
import type { AttemptResult, RequestResult } from '../proxy/results.js';
import { LOG_SERVICE } from './logger.js';

const HEAD = `{"level":"info","time":"`;
const SERVICE = `","service":${JSON.stringify(LOG_SERVICE)}`;
const TAIL = `,"msg":"request"}\n`;

/** How the request went as the HTTP layer saw it. */
export interface AccessFacts {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  /** `ok`, `client_abort`, or the error kind the request ended with. */
  readonly outcome: string;
  /** That error: the one rendered, or the one a committed stream ended with. */
  readonly error: RouterError | null;
}

/** `result`: what an inference request did; null for any other request (no route, no attempts). */
export function formatAccessLine(facts: AccessFacts, result: RequestResult | null): string {
  let line = `${HEAD}${isoNow()}${SERVICE},"requestId":${text(facts.requestId)},"method":${text(facts.method)},"path":${text(facts.path)},"status":${facts.status},"durationMs":${round(facts.durationMs)}`;
  const answer = result?.answer ?? null;
  if (result !== null) {
    line += `,"endpoint":${text(result.endpoint)}`;
    if (result.model !== null) line += `,"model":${text(result.model)}`;
    if (result.tier !== null) line += `,"tier":${text(result.tier)}`;
    if (result.complexity !== null) line += `,"complexity":${text(result.complexity)}`;
    if (result.reason !== null) line += `,"reason":${text(result.reason)}`;
    const last = result.attempts[result.attempts.length - 1];
    if (last !== undefined) line += `,"pool":${text(last.pool)},"replica":${text(last.replica)}`;
    line += `,"stream":${result.stream}`;
    if (result.cache !== null) line += `,"cache":"${result.cache}"`;
    if (result.idempotency !== undefined) line += `,"idempotency":"${result.idempotency}"`;
  }
  line += `,"outcome":${text(facts.outcome)}`;
  const { error } = facts;
  if (error !== null) line += `,"errorKind":${text(error.kind)},"origin":${text(error.origin)},"error":${text(error.message)}${engineError(error)}`;
  if (answer !== null) {
    if (answer.ttftMs !== null) line += `,"ttftMs":${round(answer.ttftMs)}`;
    if (answer.promptTokens !== null) line += `,"promptTokens":${count(answer.promptTokens)}`;
    if (answer.completionTokens !== null) line += `,"completionTokens":${count(answer.completionTokens)}`;
    if (answer.cachedPromptTokens !== null) line += `,"cachedTokens":${count(answer.cachedPromptTokens)}`;
  }
  // Exact decimal text (a JSON number): what the answer cost at its pool's prices.
  if (result !== null && result.costNanoUsd !== null) line += `,"costUsd":${formatUsd(result.costNanoUsd)}`;
  // What the key's budget was charged: the engine's usage when it came, else the meter's estimate.
  const charged = result?.charged;
  if (charged !== undefined) line += `,"chargedTokens":${count(charged.tokens)},"chargedUsd":${formatUsd(charged.nanoUsd)}`;
  if (result !== null && result.attempts.length > 0) {
    line += `,"attempts":[`;
    for (const [i, attempt] of result.attempts.entries()) line += (i === 0 ? '' : ',') + attemptJson(attempt);
    line += ']';
  }
  return line + TAIL;
}

/** Lines written in the same millisecond share their time text (pino's isoTime, one Date per ms). */
let isoMs = NaN;
let isoText = '';

function isoNow(): string {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}

function attemptJson(attempt: AttemptResult): string {
  let json = `{"pool":${text(attempt.pool)},"replica":${text(attempt.replica)},"upstreamId":${text(attempt.upstreamId)},"outcome":${text(attempt.outcome)},"status":${attempt.status === null ? 'null' : attempt.status},"ms":${round(attempt.ms)}`;
  if (attempt.firstByteMs !== null) json += `,"firstByteMs":${round(attempt.firstByteMs)}`;
  if (attempt.panic) json += `,"panic":true`;
  if (attempt.error !== null) json += engineError(attempt.error);
  return json + '}';
}

/** `,"engineError":…` for a failure an engine caused, from what it said (the error's cause); '' otherwise. */
function engineError(error: RouterError): string {
  const cause: unknown = error.origin === 'upstream' ? error.cause : undefined;
  return cause instanceof Error && cause.message !== '' ? `,"engineError":${text(cause.message.slice(0, 2000))}` : '';
}

/** Text that needs no escaping: config names, kinds, ids and most paths. Testing for it beats JSON.stringify. */
const PLAIN = /^[\w .:/+-]*$/;

/** A JSON string literal: quotes and escapes whatever the text holds (paths and ids come from clients). */
function text(value: string): string {
  return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
}

/**
 * Milliseconds to two decimals, as JavaScript prints `Math.round(ms * 100) / 100` (the double nearest
 * a two-decimal number prints as that number), written from the integer hundredths: a small integer
 * prints from V8's cache, where a fractional double goes through the shortest-digits algorithm.
 */
function round(ms: number): string {
  const hundredths = Math.round(ms * 100);
  if (!(hundredths >= 0 && hundredths <= MAX_HUNDREDTHS)) return String(hundredths / 100);
  const whole = Math.floor(hundredths / 100);
  const cents = hundredths - whole * 100;
  if (cents === 0) return String(whole);
  if (cents % 10 === 0) return `${whole}.${cents / 10}`;
  return `${whole}.${cents < 10 ? '0' : ''}${cents}`;
}

/** Above this (about 28 hours), hundredths are left to the general path; -0 and NaN too. */
const MAX_HUNDREDTHS = 1e7;

/** Token counts come from engines' JSON: anything but a finite number is written as null. */
function count(tokens: number): string {
  return Number.isFinite(tokens) ? String(tokens) : 'null';
}
