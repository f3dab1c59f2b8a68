// The simulator's errors, rendered in the envelope of the engine it imitates, so the router's error
// normalisation is exercised against the same bodies a real replica sends.
//   vLLM: {"error":{"message":"...","type":"BadRequestError","param":null,"code":400}}
//         `type` is vLLM's exception name for API errors and the HTTP reason phrase for routing and
//         request-schema errors (vLLM renders FastAPI's 404/405 and pydantic's errors that way);
//         `code` is the HTTP status as a number.
//   TGI:  {"error":"...","error_type":"validation"} (router/src/server.rs, From<InferError>): the
//         caller's mistakes are 422 "Input validation error: …", a failed generation is 424
//         "Request failed during generation: …". Inside a 200 stream (TGI validates and generates in
//         the stream) the same message goes out as data:{"error":{"message","http_status_code":422}}
//         followed by data:[DONE] (InferError::into_openai_event, TGI ≥ 2.4.1; axum writes `data:`
//         without a space). A 503 would be "overloaded" (TGI's queue-full answer), but the
//         simulator's queue has no cap today.

import type { SimFlavour } from '../config/types.js';

/** How TGI words and delivers an error, where that differs from vLLM. */
export interface TgiView {
  /** TGI's own wording (its validation messages differ from vLLM's). */
  readonly message?: string;
  /** A failure while generating: TGI's 424 with error_type "generation". */
  readonly generation?: boolean;
  /** TGI finds it inside the stream of a streaming request (its validation and generation run there). */
  readonly inStream?: boolean;
}

export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param: string | null = null,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly tgi: TgiView = {},
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
  return new SimError(
    500,
    'InternalServerError',
    'Injected fault: the engine failed to generate a response.',
    null,
    {},
    {
      generation: true,
      inStream: true,
    },
  );
}

/** vLLM's answer to a request its pydantic schema refused: FastAPI's errors, as Python prints them. */
export function schemaError(errors: string): SimError {
  return new SimError(400, 'Bad Request', errors);
}

export interface RenderedError {
  readonly status: number;
  readonly body: string;
}

export function renderError(error: SimError, flavour: SimFlavour): RenderedError {
  if (flavour === 'tgi') {
    const { status, errorType, message } = tgiForm(error);
    return { status, body: JSON.stringify({ error: message, error_type: errorType }) };
  }
  const body = { error: { message: error.message, type: error.type, param: error.param, code: error.status } };
  return { status: error.status, body: JSON.stringify(body) };
}

/** Whether TGI would report this error inside the 200 stream of a streaming request. */
export function tgiReportsInStream(error: unknown): error is SimError {
  return error instanceof SimError && error.tgi.inStream === true;
}

/** TGI's error event and the [DONE] it still sends after it: the whole body of such a stream. */
export function renderTgiStreamError(error: SimError): string {
  const event = { error: { message: tgiForm(error).message, http_status_code: 422 } };
  return `data:${JSON.stringify(event)}\n\ndata:[DONE]\n\n`;
}

interface TgiForm {
  readonly status: number;
  readonly errorType: string;
  /** InferError's Display: its kind's prefix, then the detail. */
  readonly message: string;
}

function tgiForm(error: SimError): TgiForm {
  const detail = error.tgi.message ?? error.message;
  if (error.tgi.generation === true) {
    return { status: 424, errorType: 'generation', message: `Request failed during generation: ${detail}` };
  }
  if (error.status === 400) return { status: 422, errorType: 'validation', message: `Input validation error: ${detail}` };
  const errorType = error.status === 503 ? 'overloaded' : error.status >= 500 ? 'generation' : 'validation';
  return { status: error.status, errorType, message: detail };
}
