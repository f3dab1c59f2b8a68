// A running router: runtime + koa app + HTTP server, and the graceful way to stop it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from './app.js';
import type { Config } from './config/types.js';
import type { RouterState } from './http/state.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type ReplicaSnapshot, type RouterMetrics } from './observability/metrics.js';
import { RetryBudget } from './proxy/retry-budget.js';
import { buildRuntime, type Runtime } from './runtime.js';

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
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger(config.logging.level);
  let state: RouterState | null = null;
  const metrics = createMetrics(() => (state === null ? [] : replicaSnapshots(state.runtime)));
  const runtime = await buildRuntime(config, { env, logger, metrics });
  state = { runtime, draining: false };
  const proxy = { metrics, retryBudget: new RetryBudget(config.retry), random: Math.random };
  const adminToken = env['SWITCHYARD_ADMIN_TOKEN'] ?? null;
  if (adminToken === null || adminToken === '') logger.info('admin API disabled (SWITCHYARD_ADMIN_TOKEN is not set)');
  const handle = createApp({ state, logger, metrics, proxy, adminToken }).callback();

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
  runtime.start();
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let stopping: Promise<void> | null = null;
  const live = state;
  const shutdown = async (): Promise<void> => {
    live.draining = true;
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
    await live.runtime.destroy();
  };
  return {
    url,
    state: live,
    metrics,
    logger,
    shutdown: () => (stopping ??= shutdown()),
  };
}

function* replicaSnapshots(runtime: Runtime): Iterable<ReplicaSnapshot> {
  const now = Date.now();
  for (const replica of runtime.replicas) {
    yield {
      poolName: replica.poolName,
      name: replica.name,
      inFlight: replica.inFlight,
      inRotation: replica.health.healthy && replica.outlier.ejectedUntil <= now,
    };
  }
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
