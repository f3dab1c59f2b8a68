// Active health checks: a GET on each replica's health path every intervalMs. The checker is the only
// writer of `replica.health`. Replicas start healthy; `unhealthyAfter` failed checks in a row take one
// out, `healthyAfter` passed checks in a row bring it back. A 2xx passes; any other status, a
// timeout or a connection error fails. Also home of `probe`, the one way background work GETs from a
// replica (the metrics scraper uses it too).
import type { HealthCheckConfig } from '../config/types.js';
import { Repeater, systemClock, type Clock } from './clock.js';
import type { Replica } from './replica.js';

export interface HealthCheckHooks {
  /** Called once per transition; `reason` is short text for a log line (never a URL). */
  onChange?(replica: Replica, healthy: boolean, reason: string): void;
}

export class HealthChecker {
  private readonly repeaters: readonly Repeater[];

  constructor(
    replicas: readonly Replica[],
    private readonly config: HealthCheckConfig,
    private readonly hooks: HealthCheckHooks = {},
    private readonly now: Clock = systemClock,
  ) {
    this.repeaters = replicas.map((replica) => new Repeater(config.intervalMs, (signal) => this.check(replica, signal)));
  }

  /** Starts the periodic checks; does nothing when intervalMs is 0. */
  start(): void {
    for (const repeater of this.repeaters) repeater.start();
  }

  /** Stops the checks and aborts those in flight; an aborted check records nothing. */
  stop(): void {
    for (const repeater of this.repeaters) repeater.stop();
  }

  /** Checks every replica once (joining checks already in flight); for tests and startup. */
  async checkOnce(): Promise<void> {
    await Promise.all(this.repeaters.map((repeater) => repeater.runNow()));
  }

  private async check(replica: Replica, signal: AbortSignal): Promise<void> {
    const result = await probe(replica, this.config.path, this.config.timeoutMs, signal, false);
    if (result.stopped) return;
    const health = replica.health;
    health.lastCheckAt = this.now();
    if (result.ok) {
      health.consecutivePasses += 1;
      health.consecutiveFailures = 0;
      if (!health.healthy && health.consecutivePasses >= this.config.healthyAfter) {
        health.healthy = true;
        this.hooks.onChange?.(replica, true, `${health.consecutivePasses} checks passed`);
      }
      // Kept while unhealthy so operators see why; cleared once it no longer explains anything (a
      // healthy replica passing again, after a failure too few to take it out).
      if (health.healthy) health.lastError = null;
    } else {
      health.consecutiveFailures += 1;
      health.consecutivePasses = 0;
      health.lastError = result.error;
      if (health.healthy && health.consecutiveFailures >= this.config.unhealthyAfter) {
        health.healthy = false;
        this.hooks.onChange?.(replica, false, result.error);
      }
    }
  }
}

/** The most a probe reads of a body. */
export const MAX_PROBE_BYTES = 4 * 1024 * 1024;

export type ProbeResult =
  { readonly ok: true; readonly stopped: false; readonly status: number; readonly text: string } | { readonly ok: false; readonly stopped: boolean; readonly error: string };

/**
 * GET `path` from the replica within `timeoutMs` (connecting included). A 2xx is ok, with the body as
 * text when `readBody` (otherwise it is discarded, so the connection can be reused). `stopped` marks
 * a probe aborted by `stop`: its result means nothing. Never throws; errors are short text without
 * the URL, fit for logs and status pages. A body is read up to MAX_PROBE_BYTES: past that the probe
 * fails (an engine's /metrics is tens of KB; an endless one must not fill the router's memory).
 */
export async function probe(replica: Replica, path: string, timeoutMs: number, stop: AbortSignal, readBody: boolean): Promise<ProbeResult> {
  // One controller per probe, fed by the timeout and by stop(), both unhooked afterwards: a
  // long-lived stop signal must not collect a listener per probe.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs).unref();
  const onStop = (): void => controller.abort();
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  try {
    const { statusCode, body } = await replica.probes.request({
      path,
      method: 'GET',
      headers: { ...(replica.authorization === null ? {} : { authorization: replica.authorization }), ...replica.headers },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: controller.signal,
    });
    if (statusCode < 200 || statusCode > 299) {
      await body.dump();
      return { ok: false, stopped: false, error: `status ${statusCode}` };
    }
    if (!readBody) {
      await body.dump();
      return { ok: true, stopped: false, status: statusCode, text: '' };
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > MAX_PROBE_BYTES) {
        controller.abort();
        return { ok: false, stopped: false, error: `body over ${MAX_PROBE_BYTES / 1024 / 1024} MiB` };
      }
      chunks.push(chunk);
    }
    return { ok: true, stopped: false, status: statusCode, text: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    if (stop.aborted) return { ok: false, stopped: true, error: 'stopped' };
    return { ok: false, stopped: false, error: timedOut ? `timeout after ${timeoutMs}ms` : describe(error, timeoutMs) };
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
  }
}

/** Node's and undici's own messages carry the address; the stable error code does not. */
function describe(error: unknown, timeoutMs: number): string {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : null;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect timeout';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return `timeout after ${timeoutMs}ms`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'DNS lookup failed';
    case null:
      return 'request failed';
    default:
      return /^[A-Z0-9_]{1,40}$/.test(code) ? `connection error ${code}` : 'request failed';
  }
}
