// Non-streaming responses: read the engine's answer, then send it to the client byte for byte.
import { extractUsage, type Usage } from '../openai/usage.js';
import type { AttemptContext } from './attempt.js';
import { exchange } from './forward.js';
import { failureFromStatus } from './outcome.js';
import { parseRetryAfter } from './retry-policy.js';

/** Usage sits at the end of OpenAI-shaped bodies; looking there first skips large choices/vectors. */
const USAGE_TAIL_BYTES = 4096;

export async function relayJson(a: AttemptContext): Promise<void> {
  const { config } = a.pool;
  const response = await exchange(a.replica, {
    path: a.path,
    payload: a.payload,
    requestId: a.record.requestId,
    abort: a.abort,
    headersTimeoutMs: config.firstByteTimeoutMs,
    bodyTimeoutMs: config.idleTimeoutMs,
  });
  a.attempt.status = response.statusCode;
  a.attempt.firstByteMs = response.headersAt - a.startedAt;
  const { body } = response;
  if (response.statusCode < 200 || response.statusCode > 299) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], Date.now());
    throw failureFromStatus(response.statusCode, body.toString('utf8'), a.replica.name, retryAfterMs, a.request.endpoint);
  }
  const usage = findUsage(body);
  if (usage !== null) {
    a.record.promptTokens = usage.promptTokens;
    a.record.completionTokens = usage.completionTokens;
  }
  a.res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  a.res.end(body);
}

function findUsage(body: Buffer): Usage | null {
  if (body.length > USAGE_TAIL_BYTES) {
    const fromTail = extractUsage(body.toString('latin1', body.length - USAGE_TAIL_BYTES));
    if (fromTail !== null) return fromTail;
  }
  return extractUsage(body.toString('utf8'));
}
