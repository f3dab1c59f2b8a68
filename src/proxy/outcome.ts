// Judging an attempt: every way an exchange with a replica can fail becomes a RouterError whose kind
// says whose fault it was. Messages name the replica, never its URL or credentials.
import { errors as undiciErrors } from 'undici';
import { RouterError } from '../openai/errors.js';
import { isOpenAIType, openAITypeFor, readEngineError } from './engine-errors.js';

const OVERLOADED = /overload/i;

/** An engine answered with a non-2xx status; `bodyText` is its error body. */
export function failureFromStatus(status: number, bodyText: string, replicaName: string, retryAfterMs: number | null = null): RouterError {
  const engine = readEngineError(bodyText);
  if (status === 401 || status === 403) {
    return new RouterError(
      'upstream_auth_failed',
      `Replica ${replicaName} refused the router's credentials (HTTP ${status}); check the pool's apiKeyEnv.`,
    );
  }
  // A 429, or a 503 that says it is overloaded (TGI's error_type, hosted APIs' messages), is a busy
  // replica, not a broken one; any other 503 is a failure like other 5xx.
  const overloaded = status === 503 && (OVERLOADED.test(engine.code ?? '') || OVERLOADED.test(engine.message ?? ''));
  if (status === 429 || overloaded) {
    const kind = status === 429 ? 'upstream_rejected' : 'upstream_overloaded';
    return new RouterError(kind, engine.message ?? `Replica ${replicaName} is overloaded (HTTP ${status}).`, {
      status,
      type: isOpenAIType(engine.type) ? engine.type : openAITypeFor(status),
      code: engine.code ?? (status === 429 ? 'rate_limit_exceeded' : 'upstream_overloaded'),
      retryAfterMs,
    });
  }
  if (status >= 400 && status < 500) {
    // The engine judged the request itself: keep its status and message so clients see the real reason.
    return new RouterError('upstream_rejected', engine.message ?? `Replica ${replicaName} rejected the request (HTTP ${status}).`, {
      status,
      type: isOpenAIType(engine.type) ? engine.type : openAITypeFor(status),
      param: engine.param,
      code: engine.code,
    });
  }
  // An engine's 5xx text may carry its internals; clients get a plain statement, the log gets the body.
  return new RouterError('upstream_error', `Replica ${replicaName} failed (HTTP ${status}).`, {
    cause: new Error(bodyText.slice(0, 2000)),
    retryAfterMs,
  });
}

/** The request to a replica threw: it could not connect, was reset, or timed out. */
export function failureFromThrown(thrown: unknown, replicaName: string): RouterError {
  if (thrown instanceof RouterError) return thrown;
  const timedOut = thrown instanceof Error && thrown.name === 'TimeoutError'; // AbortSignal.timeout()
  if (timedOut || thrown instanceof undiciErrors.HeadersTimeoutError || thrown instanceof undiciErrors.BodyTimeoutError) {
    return new RouterError('upstream_timeout', `Replica ${replicaName} did not answer in time.`, { cause: thrown });
  }
  if (thrown instanceof undiciErrors.ConnectTimeoutError) {
    return new RouterError('upstream_unreachable', `Could not connect to replica ${replicaName} (timed out).`, {
      cause: thrown,
    });
  }
  const code = errorCode(thrown);
  const reason = code === undefined ? 'connection failed' : code;
  return new RouterError('upstream_unreachable', `Could not reach replica ${replicaName} (${reason}).`, {
    cause: thrown,
  });
}

function errorCode(thrown: unknown): string | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const direct = (thrown as { code?: unknown }).code;
  if (typeof direct === 'string' && !direct.startsWith('UND_ERR')) return direct;
  const cause = (thrown as { cause?: unknown }).cause;
  if (typeof cause === 'object' && cause !== null) {
    const inner = (cause as { code?: unknown }).code;
    if (typeof inner === 'string') return inner;
  }
  return typeof direct === 'string' ? direct : undefined;
}
