// The simulator's errors, rendered in vLLM's current envelope so the router's error normalisation is
// exercised against the same bodies a real vLLM replica sends:
//   {"error":{"message":"...","type":"BadRequestError","param":null,"code":400}}
// `type` is vLLM's exception name for API errors and the HTTP reason phrase for routing errors
// (vLLM renders FastAPI's 404/405 that way); `code` is the HTTP status as a number.

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

export function errorBody(error: SimError): string {
  return JSON.stringify({
    error: { message: error.message, type: error.type, param: error.param, code: error.status },
  });
}
