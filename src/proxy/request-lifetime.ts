// One abort switch per request, thrown when the client goes away (GPU time is money: the upstream
// request is cancelled at once) or when the request's single deadline passes.
import type { ServerResponse } from 'node:http';
import { RouterError } from '../openai/errors.js';
import { AbortSwitch } from './abort-switch.js';

/** The abort reason when the client disconnected before the response was complete. */
export class ClientGone extends Error {
  constructor() {
    super('The client closed the connection.');
    this.name = 'ClientGone';
  }
}

export interface RequestLifetime {
  readonly abort: AbortSwitch;
  /** Stops the deadline timer and the disconnect watch; call once the response is finished. */
  dispose(): void;
}

export function watchRequest(res: ServerResponse, timeoutMs: number): RequestLifetime {
  const abort = new AbortSwitch();
  const onClose = (): void => {
    if (!res.writableFinished) abort.abort(new ClientGone());
  };
  res.once('close', onClose);
  const timer = setTimeout(() => {
    abort.abort(new RouterError('generation_timeout', `The request did not finish within ${timeoutMs} ms.`));
  }, timeoutMs);
  timer.unref();
  return {
    abort,
    dispose() {
      clearTimeout(timer);
      res.off('close', onClose);
    },
  };
}
