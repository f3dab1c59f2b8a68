// A running router: runtime + koa app + HTTP server, and the graceful way to stop it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from './app.js';
import type { Config } from './config/types.js';
import type { RouterState } from './http/state.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type RouterMetrics } from './observability/metrics.js';
import { buildRuntime } from './runtime.js';

export interface StartOptions {
  readonly config: Config;
  /** Override `server.host` / `server.port` (the PORT and HOST variables, tests' port 0). */
  readonly host?: string;
  readonly port?: number;
  readonly logger?: Logger;
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunningRouter {
  /** http://host:port of the listening server. */
  readonly url: string;
  readonly state: RouterState;
  readonly metrics: RouterMetrics;
  readonly logger: Logger;
  /** Readiness turns 503, no new connections, in-flight requests get the grace period, then it stops. */
  shutdown(): Promise<void>;
}

export async function startRouter(options: StartOptions): Promise<RunningRouter> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logging.level);
  const metrics = createMetrics();
  const runtime = await buildRuntime(config, options.env);
  const state: RouterState = { runtime, draining: false };
  const handle = createApp({ state, logger, metrics }).callback();

  let active = 0;
  let onIdle: (() => void) | null = null;
  const server = createServer((req, res) => {
    active++;
    res.once('close', () => {
      if (--active === 0 && onIdle !== null) onIdle();
    });
    void handle(req, res);
  });
  const host = options.host ?? config.server.host;
  try {
    await listen(server, host, options.port ?? config.server.port);
  } catch (error) {
    await runtime.destroy();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let stopping: Promise<void> | null = null;
  const shutdown = async (): Promise<void> => {
    state.draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (active > 0) {
      const drained = new Promise<void>((resolve) => (onIdle = resolve));
      const grace = sleep(config.server.shutdownGraceMs, undefined, { ref: false });
      await Promise.race([drained, grace]);
    }
    if (active > 0) logger.warn({ active }, 'grace period over; closing the remaining connections');
    server.closeAllConnections();
    await closed;
    await state.runtime.destroy();
  };
  return {
    url,
    state,
    metrics,
    logger,
    shutdown: () => (stopping ??= shutdown()),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
