// The access log line, serialised by hand. One is written per request and its shape never changes,
// so building the JSON directly costs a fraction of a general logger's walk over an object. The line
// carries no headers and no bodies, so nothing in it needs redacting. Its envelope (level, time,
// service, msg) is the same as every other log line's.
import type { AttemptRecord, RequestRecord } from './request-record.js';
import { LOG_SERVICE } from './logger.js';

const HEAD = `{"level":"info","time":"`;
const SERVICE = `","service":${JSON.stringify(LOG_SERVICE)}`;
const TAIL = `,"msg":"request"}\n`;

export interface AccessFacts {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
}

export function formatAccessLine(facts: AccessFacts, record: RequestRecord): string {
  let line = `${HEAD}${new Date().toISOString()}${SERVICE},"requestId":${text(record.requestId)},"method":${text(facts.method)},"path":${text(facts.path)},"status":${facts.status},"durationMs":${round(facts.durationMs)}`;
  if (record.endpoint !== null) line += `,"endpoint":${text(record.endpoint)}`;
  if (record.model !== null) line += `,"model":${text(record.model)}`;
  if (record.tier !== null) line += `,"tier":${text(record.tier)}`;
  if (record.complexity !== null) line += `,"complexity":${text(record.complexity)}`;
  if (record.reason !== null) line += `,"reason":${text(record.reason)}`;
  if (record.pool !== null) line += `,"pool":${text(record.pool)}`;
  if (record.replica !== null) line += `,"replica":${text(record.replica)}`;
  if (record.endpoint !== null) line += `,"stream":${record.stream}`;
  line += `,"outcome":${text(record.outcome)}`;
  if (record.errorKind !== null) line += `,"errorKind":${text(record.errorKind)}`;
  if (record.errorOrigin !== null) line += `,"origin":${text(record.errorOrigin)}`;
  if (record.errorMessage !== null) line += `,"error":${text(record.errorMessage)}`;
  if (record.ttftMs !== null) line += `,"ttftMs":${round(record.ttftMs)}`;
  if (record.promptTokens !== null) line += `,"promptTokens":${count(record.promptTokens)}`;
  if (record.completionTokens !== null) line += `,"completionTokens":${count(record.completionTokens)}`;
  if (record.attempts.length > 0) line += `,"attempts":[${record.attempts.map(attemptJson).join(',')}]`;
  return line + TAIL;
}

function attemptJson(attempt: AttemptRecord): string {
  let json = `{"pool":${text(attempt.pool)},"replica":${text(attempt.replica)},"upstreamId":${text(attempt.upstreamId)},"outcome":${text(attempt.outcome)},"status":${attempt.status === null ? 'null' : attempt.status},"ms":${round(attempt.ms)}`;
  if (attempt.firstByteMs !== null) json += `,"firstByteMs":${round(attempt.firstByteMs)}`;
  if (attempt.panic === true) json += `,"panic":true`;
  return json + '}';
}

/** Text that needs no escaping: config names, kinds, ids and most paths. Testing for it beats JSON.stringify. */
const PLAIN = /^[\w .:/+-]*$/;

/** A JSON string literal: quotes and escapes whatever the text holds (paths and ids come from clients). */
function text(value: string): string {
  return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
}

/** Milliseconds to two decimals. */
function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Token counts come from engines' JSON: anything but a finite number is written as null. */
function count(tokens: number): string {
  return Number.isFinite(tokens) ? String(tokens) : 'null';
}
