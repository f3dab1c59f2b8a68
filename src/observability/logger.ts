// Structured JSON logs. Secrets never reach a log line: the paths below are censored wherever they
// appear, and request bodies are never logged.
import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogLevel } from '../config/types.js';
import { LineBatch } from './line-batch.js';

export type { Logger };

/** The `service` field of every line. */
export const LOG_SERVICE = 'switchyard';

/** Each logger's destination, for lines serialised elsewhere (the access log) to join the same stream. */
const destinations = new WeakMap<Logger, DestinationStream>();

const REDACTED_PATHS = ['authorization', 'headers.authorization', 'req.headers.authorization', 'apiKey', 'key', 'secret'];

/** Lines are written in batches of this many bytes... */
const BATCH_BYTES = 8_192;
/** ...or after this long, whichever comes first, so a quiet router's lines do not wait. */
const FLUSH_EVERY_MS = 250;

/**
 * Without a destination, logs go to stdout asynchronously and in batches: the write leaves the event
 * loop and many lines share one write. Call `flushLogger` before the process exits.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: LOG_SERVICE },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const stream = destination ?? stdoutBatch();
  const logger = pino(options, stream);
  destinations.set(logger, stream);
  if (destination === undefined) setInterval(() => logger.flush(), FLUSH_EVERY_MS).unref();
  return logger;
}

/**
 * Stdout, written asynchronously by pino's writer in batches gathered in front of it (line-batch.ts
 * says why). Lines still pending when the process ends are written out first: before the event loop
 * stops (beforeExit), and synchronously at exit, ahead of pino's own exit hook.
 */
function stdoutBatch(): LineBatch {
  const batch = new LineBatch(pino.destination({ dest: STDOUT, sync: false, minLength: 1 }), BATCH_BYTES, STDOUT);
  process.prependListener('beforeExit', () => batch.handOn());
  process.prependListener('exit', () => batch.writeOutSync());
  return batch;
}

const STDOUT = 1;

/** Where `logger` writes: lines written here land between its own, in order. */
export function logDestination(logger: Logger): DestinationStream {
  const destination = destinations.get(logger);
  if (destination === undefined) throw new Error('this logger was not made by createLogger');
  return destination;
}

/** Writes out what the asynchronous destination still holds. */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
