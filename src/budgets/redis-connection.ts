// The Redis connection of the budget store, set up to fail fast: while Redis is away every call rejects
// at once (no offline queue) or within the command timeout, always with StoreUnavailableError, so the
// router can choose fail-open or fail-closed per request instead of hanging. The client reconnects by
// itself, and its 'error' events are handled so a Redis outage never crashes the process.
import { Redis } from 'ioredis';
import { StoreUnavailableError } from './store.js';

export interface RedisStoreOptions {
  /** redis://[user:password@]host:port[/db] */
  readonly url: string;
  /** Namespace of every key the store writes; default `sy`. */
  readonly keyPrefix?: string;
  /** Longest a command may take before it fails; default 1000. */
  readonly commandTimeoutMs?: number;
  /** Connection errors, for the log; the store keeps reconnecting regardless. Must not throw. */
  readonly onError?: (error: Error) => void;
  /** Every time the connection becomes usable (first connect and each reconnect). Must not throw. */
  readonly onReady?: () => void;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 1000;

export function createRedisClient(options: RedisStoreOptions): Redis {
  const timeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const client = new Redis(options.url, {
    // Queueing commands while disconnected is what makes callers hang; fail them instead.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A command cut off by a disconnect is not sent again: reserve and top-up are not idempotent, and
    // the caller has already been told it failed.
    autoResendUnfulfilledCommands: false,
    commandTimeout: timeout,
    connectTimeout: Math.max(timeout, 1000),
    // Exponential backoff to 2 s, with jitter so many routers do not reconnect in lockstep.
    retryStrategy: (times: number) => Math.round(Math.min(2000, 50 * 2 ** Math.min(times, 6)) * (0.5 + Math.random() / 2)),
  });
  client.on('ready', () => {
    try {
      options.onReady?.();
    } catch {
      // Same as below: a hook must not take the connection down.
    }
  });
  client.on('error', (error: Error) => {
    try {
      options.onError?.(error);
    } catch {
      // A faulty log hook must not turn a Redis outage into a crash.
    }
  });
  return client;
}

/** Runs one store call; any failure of the client or of Redis becomes StoreUnavailableError. */
export async function attempt<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreUnavailableError(`budget store unavailable (${what}): ${reason}`, { cause: error });
  }
}

/** Resolves once the client is connected; rejects after `timeoutMs` (the client keeps trying). */
export function whenReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new StoreUnavailableError(`budget store unavailable: not connected after ${timeoutMs} ms (status ${client.status})`));
    }, timeoutMs);
    client.once('ready', onReady);
  });
}

/** Closes politely when Redis answers, and stops reconnecting in any case. */
export async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  try {
    if (client.status === 'ready') await client.quit();
  } catch {
    // Already gone: disconnect below is all that is left to do.
  }
  client.disconnect();
}
