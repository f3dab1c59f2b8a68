// Judging an attempt: every way an exchange with a replica can fail becomes a RouterError whose kind
// says whose fault it was. Messages name the replica, never its URL or credentials.
import { errors as undiciErrors } from 'undici';
import { RouterError } from '../openai/errors.js';
import type { Endpoint } from '../routing/inference-request.js';
import { blameOf, isContextLengthError, isOpenAIType, openAITypeFor, readEngineError, type EngineError } from './engine-errors.js';

/**
 * An engine answered with a non-2xx status; `bodyText` is its error body. `endpoint` names the
 * request's prompt field for context-length errors (null for the router's own internal calls).
 */
export function failureFromStatus(status: number, bodyText: string, replicaName: string, retryAfterMs: number | null = null, endpoint: Endpoint | null = null): RouterError {
  if (status === 401 || status === 403) {
    return new RouterError('upstream_auth_failed', `Replica ${replicaName} refused the router's credentials (HTTP ${status}); check the pool's apiKeyEnv.`);
  }
  const engine = readEngineError(bodyText);
  if (status === 404 && namesTheModel(engine)) {
    return new RouterError(
      'upstream_misconfigured',
      `Replica ${replicaName} does not serve the pool's model (HTTP 404); check the pool's servedModel (an azure pool's deployment).`,
      {
        cause: new Error(bodyText.slice(0, 2000)),
      },
    );
  }
  switch (blameOf(engine, status)) {
    case 'request':
      return rejected(engine, status, replicaName, endpoint);
    case 'load':
      // A 429, or an "overloaded" answer (TGI's error_type, hosted APIs' messages): a busy replica,
      // not a broken one.
      return busy(engine, status, replicaName, retryAfterMs);
    case 'replica':
      // An engine's 5xx (or TGI's 424) text may carry its internals; clients get a plain statement,
      // the log gets the body.
      return new RouterError('upstream_error', `Replica ${replicaName} failed (HTTP ${status}).`, {
        cause: new Error(bodyText.slice(0, 2000)),
        retryAfterMs,
      });
  }
}

/**
 * An engine's error event in a 200 stream before anything reached the client (TGI validates,
 * queues and generates inside its stream). Judged like a status: the caller's mistake is its 400,
 * a busy replica's is tried elsewhere, a failed replica's is tried elsewhere and counted.
 */
export function failureFromStreamError(data: string, replicaName: string, endpoint: Endpoint): RouterError {
  const engine = readEngineError(data);
  switch (blameOf(engine, null)) {
    case 'request':
      return rejected(engine, streamedStatus(engine), replicaName, endpoint);
    case 'load':
      return new RouterError('upstream_overloaded', engine.message ?? `Replica ${replicaName} is overloaded.`, {
        code: engine.code ?? 'upstream_overloaded',
      });
    case 'replica':
      return new RouterError('upstream_error', `Replica ${replicaName} failed (${failureDetail(engine)}).`, {
        cause: new Error(data.slice(0, 2000)),
      });
  }
}

/**
 * An engine's error event after the stream was committed: it ends the stream as one error event.
 * The caller's mistakes keep their message and are not held against the replica; anything else is
 * `stream_interrupted` (counted), with the engine's text only in the log.
 */
export function streamErrorAfterCommit(data: string, replicaName: string, endpoint: Endpoint): RouterError {
  const engine = readEngineError(data);
  if (blameOf(engine, null) === 'request') return rejected(engine, streamedStatus(engine), replicaName, endpoint);
  // Anthropic's overload cut the stream: the service was busy, the replica not broken (not held against it).
  if (engine.type === 'overloaded_error') {
    return new RouterError('upstream_overloaded', `Replica ${replicaName} was overloaded mid-stream.`, { cause: new Error(data.slice(0, 2000)) });
  }
  return new RouterError('stream_interrupted', `Replica ${replicaName} failed mid-stream (${failureDetail(engine)}).`, {
    cause: new Error(data.slice(0, 2000)),
  });
}

/**
 * The engine judged the request itself: its message reaches the client, in OpenAI's terms. 422
 * (TGI's and FastAPI's validation status) becomes 400, so SDKs raise BadRequestError as with OpenAI;
 * a context-length error gets OpenAI's code and names the prompt field.
 */
function rejected(engine: EngineError, status: number, replicaName: string, endpoint: Endpoint | null): RouterError {
  const contextLength = isContextLengthError(engine.message);
  const clientStatus = status === 422 ? 400 : status;
  return new RouterError('upstream_rejected', engine.message ?? `Replica ${replicaName} rejected the request (HTTP ${status}).`, {
    status: clientStatus,
    type: isOpenAIType(engine.type) ? engine.type : openAITypeFor(clientStatus),
    param: contextLength && endpoint !== null ? PROMPT_FIELDS[endpoint] : engine.param,
    code: contextLength ? 'context_length_exceeded' : engine.code,
    members: engine.members,
  });
}

function busy(engine: EngineError, status: number, replicaName: string, retryAfterMs: number | null): RouterError {
  const kind = status === 429 ? 'upstream_rejected' : 'upstream_overloaded';
  return new RouterError(kind, engine.message ?? `Replica ${replicaName} is overloaded (HTTP ${status}).`, {
    status: status === 429 ? 429 : 503,
    type: isOpenAIType(engine.type) ? engine.type : openAITypeFor(status),
    code: engine.code ?? (status === 429 ? 'rate_limit_exceeded' : 'upstream_overloaded'),
    retryAfterMs,
  });
}

/** The status an error event states for itself when it is a 4xx (vLLM's `code`), else 400. */
function streamedStatus(engine: EngineError): number {
  return engine.status !== null && engine.status >= 400 && engine.status < 500 ? engine.status : 400;
}

/** What kind of failure, for the client's message: never the engine's own text. */
function failureDetail(engine: EngineError): string {
  if (engine.tgiKind !== null) return `${engine.tgiKind.replaceAll('_', ' ')} error`;
  return engine.status !== null ? `HTTP ${engine.status}` : 'engine error';
}

/** Where the prompt is in each endpoint's request: OpenAI's `param` for context-length errors. */
const PROMPT_FIELDS: Readonly<Record<Endpoint, string>> = { chat: 'messages', completions: 'prompt', embeddings: 'input' };

/**
 * A 404 about the model itself: OpenAI's code model_not_found, Azure's DeploymentNotFound, vLLM's "The model
 * `x` does not exist.", Anthropic's not_found_error "model: x". The router chose that model (the pool's
 * servedModel), so the pool is misconfigured; other 404s (an unknown stored response) stay the client's.
 */
function namesTheModel(engine: EngineError): boolean {
  if (engine.code === 'model_not_found' || engine.code === 'DeploymentNotFound') return true;
  return engine.message !== null && /^model: |\bmodel `[^`]*` does not exist|\bdeployment\b/i.test(engine.message);
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
