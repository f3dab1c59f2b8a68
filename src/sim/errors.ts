// The simulator's errors, rendered in the envelope of the engine it imitates, so the router's error
// normalisation is exercised against the same bodies a real replica sends.
//   vLLM: {"error":{"message":"...","type":"BadRequestError","param":null,"code":400}}
//         `type` is vLLM's exception name for API errors and the HTTP reason phrase for routing errors
//         (vLLM renders FastAPI's 404/405 that way); `code` is the HTTP status as a number.
//   TGI:  {"error":"...","error_type":"validation"}
//         TGI answers invalid requests with 422 (so our 400s become 422) and engine failures with
//         error_type "generation"; a 503 would be "overloaded" (TGI's queue-full answer), but the
//         simulator's queue has no cap today.

import type { SimFlavour } from '../config/types.js';

export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param: string | null = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'SimError';
  }
}

export function badRequest(message: string, param: string | null = null): SimError {
  return new SimError(400, 'BadRequestError', message, param);
}

export function modelNotFound(model: string): SimError {
  return new SimError(404, 'NotFoundError', `The model \`${model}\` does not exist.`, 'model');
}

export function pathNotFound(): SimError {
  return new SimError(404, 'Not Found', 'Not Found');
}

export function methodNotAllowed(allowed: string): SimError {
  return new SimError(405, 'Method Not Allowed', 'Method Not Allowed', null, { allow: allowed });
}

export function payloadTooLarge(limitBytes: number): SimError {
  return new SimError(413, 'Request Entity Too Large', `Request body exceeds ${limitBytes} bytes.`);
}

/** Anything unexpected: the message is generic on purpose, as vLLM's is. */
export function internalError(): SimError {
  return new SimError(500, 'InternalServerError', 'Internal server error');
}

/** An injected fault (faults.errorRate): the engine failed while serving the request. */
export function engineFailure(): SimError {
  return new SimError(500, 'InternalServerError', 'Injected fault: the engine failed to generate a response.');
}

export interface RenderedError {
  readonly status: number;
  readonly body: string;
}

export function renderError(error: SimError, flavour: SimFlavour): RenderedError {
  if (flavour === 'tgi') {
    const status = error.status === 400 ? 422 : error.status;
    const errorType = status === 503 ? 'overloaded' : status >= 500 ? 'generation' : 'validation';
    return { status, body: JSON.stringify({ error: error.message, error_type: errorType }) };
  }
  const body = { error: { message: error.message, type: error.type, param: error.param, code: error.status } };
  return { status: error.status, body: JSON.stringify(body) };
}
