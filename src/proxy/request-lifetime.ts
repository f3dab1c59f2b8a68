// One abort switch per request, thrown when the client goes away (GPU time is money: the upstream
// request is cancelled at once) or when the request's single deadline passes.
import type { ServerResponse } from 'node:http';
import { RouterError } from '../openai/errors.js';
import type { Roster } from '../roster.js';
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
  /** Throws the abort's reason (the client left, or the deadline passed) once it has happened. */
  throwIfAborted(): void;
  /**
   * Settles as `work` does, or rejects with the abort's reason the moment the request is aborted:
   * for steps with nothing to undo (classification), whose result no one would wait for.
   */
  unlessAborted<T>(work: Promise<T>): Promise<T>;
  /** Stops the deadline timer and the disconnect watch; call once the response is finished. */
  dispose(): void;
}

/** `inFlight`: the router's requests in flight, which the lifetime is in until the response ends. */
export function watchRequest(res: ServerResponse, timeoutMs: number, inFlight: Roster<AbortSwitch>): RequestLifetime {
  const abort = new AbortSwitch();
  const entry = inFlight.add(abort);
  const onClose = (): void => {
    inFlight.remove(entry);
    // The response is over either way: the deadline has nothing left to cut, even when a step before
    // the attempts (classification, reservation) failed and dispose() was never reached.
    clearTimeout(timer);
    if (!res.writableFinished) abort.abort(new ClientGone());
  };
  res.once('close', onClose);
  const timer = setTimeout(() => {
    abort.abort(new RouterError('generation_timeout', `The request did not finish within ${timeoutMs} ms.`));
  }, timeoutMs);
  timer.unref();
  // The client may have left already (while its key was looked up): 'close' will not come again.
  if (res.destroyed) onClose();
  return {
    abort,
    throwIfAborted() {
      if (abort.aborted) throw abort.reason ?? new ClientGone();
    },
    unlessAborted<T>(work: Promise<T>): Promise<T> {
      if (abort.aborted) {
        work.catch(() => undefined);
        return Promise.reject(abort.reason ?? new ClientGone());
      }
      return new Promise<T>((resolve, reject) => {
        const onAbort = (): void => reject(abort.reason ?? new ClientGone());
        abort.once('abort', onAbort);
        work.then(
          (value) => {
            abort.off('abort', onAbort);
            resolve(value);
          },
          (error: unknown) => {
            abort.off('abort', onAbort);
            reject(error);
          },
        );
      });
    },
    dispose() {
      clearTimeout(timer);
      res.off('close', onClose);
      inFlight.remove(entry);
    },
  };
}
