// A running router: runtime + request listener + HTTP server, and the graceful way to stop it.
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp, createMetricsApp } from './app.js';
import type { Config, ServerConfig } from './config/types.js';
import { answerUnreadRequest, clientErrorHandler, connectRefusal, requiringHost, unmeetableExpectation } from './http/client-error.js';
import type { RouterState } from './http/state.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type ReplicaSnapshot, type RouterMetrics } from './observability/metrics.js';
import { effectiveSamples } from './cost/metrics.js';
import { RetryBudget } from './proxy/retry-budget.js';
import { createStore } from './budgets/create-store.js';
import { createResponseCache } from './cache/create-store.js';
import { readAdminToken } from './http/admin-auth.js';
import { createIdempotencyStore } from './idempotency/create-store.js';
import { Idempotency } from './idempotency/service.js';
import { createResponsesService } from './protocols/responses/create-store.js';
import { loadTokenizer } from './budgets/estimate.js';
import { BudgetService } from './budgets/service.js';
import { ConfigReloader, type ReloadResult, type ReloadTrigger } from './reload.js';
import { Roster } from './roster.js';
import { buildRuntime, type Runtime } from './runtime.js';
import { RouterError } from './openai/errors.js';

/** How long the error events of requests cut at the end of the shutdown grace have to go out. */
const CUT_FLUSH_MS = 100;

export interface StartOptions {
  readonly config: Config;
  /** Override `server.host` / `server.port` (the PORT and HOST variables, tests' port 0). */
  readonly host?: string;
  readonly port?: number;
  readonly logger?: Logger;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * The file `config` came from. With it the router reloads on change (when `watchConfig` is not
   * false), on `reload()` and on POST /admin/config/reload.
   */
  readonly configPath?: string;
  /**
   * The text `config` was loaded from: the watch compares the file with it, so a change written while
   * the router was starting is applied, not taken for the config in force. Default: the file as the
   * watch starts.
   */
  readonly configText?: string;
  readonly watchConfig?: boolean;
  /** The retry backoff's jitter, uniform in [0, 1) (Math.random unless a test fixes it). */
  readonly random?: () => number;
}

export interface RunningRouter {
  /** http://host:port of the listening server. */
  readonly url: string;
  /** http://host:port of the metrics listener (server.metricsPort); null when there is none. */
  readonly metricsUrl: string | null;
  readonly state: RouterState;
  readonly metrics: RouterMetrics;
  readonly logger: Logger;
  /** Re-reads the config file (SIGHUP does this); refused with every problem when invalid. */
  reload(trigger?: ReloadTrigger): Promise<ReloadResult>;
  /** Readiness turns 503, no new connections, in-flight requests get the grace period, then it stops. */
  shutdown(): Promise<void>;
}

export async function startRouter(options: StartOptions): Promise<RunningRouter> {
  const { config } = options;
  const env = options.env ?? process.env;
  // Before anything is started: a token no client could send is a refusal to start.
  const adminToken = readAdminToken(env);
  const logger = options.logger ?? createLogger(config.logging.level);
  let state: RouterState | null = null;
  const metrics = createMetrics(
    () => (state === null ? [] : replicaSnapshots(state.runtime)),
    () => (state === null ? [] : effectiveSamples(state.runtime.pools.values())),
  );
  const runtime = await buildRuntime(config, { env, logger, metrics });
  state = { runtime, draining: false, inFlight: new Roster() };
  const live = state;
  const proxy = { metrics, retryBudget: new RetryBudget(), random: options.random ?? Math.random };
  const budgets = await startBudgets(config, adminToken, env, logger, metrics);
  const cache = await createResponseCache(config, env, logger, metrics.registry);
  // The store is chosen at start; a reload changes idempotency's ttlMs and waitMs, not its store.
  const idempotency = new Idempotency(await createIdempotencyStore(config, env, logger), metrics.idempotency, logger);
  const responses = await createResponsesService(config, env, logger);
  const reloader =
    options.configPath === undefined
      ? null
      : new ConfigReloader({
          path: options.configPath,
          state: live,
          env,
          logger,
          metrics,
          build: async (next, previous) => {
            // A router started open checks no keys at all (no budget service): a file that turns
            // authentication on must not be swapped in as if it had.
            if (budgets === null && (next.auth.required || next.auth.keys.length > 0)) {
              throw new Error('auth: this router started with no keys and no admin token, so it checks no keys; turning authentication on takes a restart');
            }
            if (budgets !== null) await budgets.checkDeclaredIds(next.auth.keys);
            // Tight budgets estimate every request with the tokenizer: loaded before the config that needs it serves.
            if (budgets !== null && next.budgets.budgetMode === 'tight') await loadTokenizer();
            return buildRuntime(next, { env, logger, metrics }, previous);
          },
          onApplied: (next) => {
            if (!env['LOG_LEVEL']) logger.level = next.logging.level;
            budgets?.configure(next.budgets);
            budgets?.syncDeclaredKeys(next.auth.keys).catch((error: unknown) => logger.error({ err: error }, 'declared keys could not be stored'));
          },
        });
  const reload = (trigger: ReloadTrigger = 'signal'): Promise<ReloadResult> => {
    if (reloader === null) return Promise.resolve({ ok: false, errors: ['this router was not started from a config file'] });
    // A drain is under way: a new runtime now would start health checks and engines the exit then cuts.
    if (live.draining) return Promise.resolve({ ok: false, errors: ['the router is shutting down; the config is not reloaded'] });
    return reloader.reload(trigger);
  };
  const metricsListener = config.server.metricsPort !== null;
  const handle = createApp({ state: live, logger, metrics, proxy, adminToken, reload, budgets, cache, idempotency, responses, metricsListener });

  // The responses in flight: counted for the drain, and told to close their connection once it starts.
  const open = new Roster<ServerResponse>();
  let onIdle: (() => void) | null = null;
  const server = httpServer(config.server, metrics, logger, (req, res) => {
    const entry = open.add(res);
    // A request on a kept-alive connection while draining: answered, then the connection closes.
    if (live.draining) res.shouldKeepAlive = false;
    res.once('close', () => {
      open.remove(entry);
      if (open.size === 0 && onIdle !== null) onIdle();
    });
    handle(req, res);
  });
  const metricsServer = metricsListener ? httpServer(config.server, metrics, logger, createMetricsApp({ state: live, logger, metrics })) : null;
  const host = options.host ?? config.server.host;
  const metricsHost = config.server.metricsHost ?? host;
  try {
    await listen(server, host, options.port ?? config.server.port, 'server.port');
    if (metricsServer !== null) await listen(metricsServer, metricsHost, config.server.metricsPort ?? 0, 'server.metricsPort');
  } catch (error) {
    server.close();
    await runtime.destroy();
    throw error;
  }
  runtime.start();
  if (reloader !== null && options.watchConfig !== false) await reloader.watch(options.configText);
  const url = urlOf(server, host);
  const metricsUrl = metricsServer === null ? null : urlOf(metricsServer, metricsHost);

  let stopping: Promise<void> | null = null;
  const shutdown = async (): Promise<void> => {
    live.draining = true;
    reloader?.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Answers not yet begun say `Connection: close`, so no client sends another request on a
    // connection about to close (one that raced its close would be reset).
    for (const res of open.values()) if (!res.headersSent) res.shouldKeepAlive = false;
    if (open.size > 0) {
      const drained = new Promise<void>((resolve) => (onIdle = resolve));
      const grace = sleep(config.server.shutdownGraceMs, undefined, { ref: false });
      await Promise.race([drained, grace]);
    }
    if (open.size > 0) {
      logger.warn({ active: open.size }, 'grace period over; closing the remaining connections');
      // Ended as what they are: cut by the shutdown (an error event on a stream), not failed by their
      // replicas or left by their clients; a moment lets those last events go out.
      const cut = new RouterError('shutting_down', 'The router is shutting down and its grace period for requests in flight is over.');
      for (const lifetime of live.inFlight.values()) lifetime.abort(cut);
      // An upload still under way has no lifetime yet (it begins once the body is read): answered
      // now, its read fails with the same cut, so it ends as shut down too, not as a client that left.
      for (const res of open.values()) if (!res.headersSent && !res.req.complete) answerUnreadRequest(res, cut.withHeaders({ connection: 'close' }));
      await sleep(CUT_FLUSH_MS, undefined, { ref: false });
    }
    server.closeAllConnections();
    await closed;
    // Last, so probes on the metrics port see /readyz turn 503 through the drain.
    if (metricsServer !== null) {
      const metricsClosed = new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      metricsServer.closeAllConnections();
      await metricsClosed;
    }
    await live.runtime.destroy();
    await budgets?.close();
    await cache.close();
    await idempotency.close();
    await responses.close();
  };
  return {
    url,
    metricsUrl,
    state: live,
    metrics,
    logger,
    reload,
    shutdown: () => (stopping ??= shutdown()),
  };
}

/**
 * Keys and budgets are on when there can be keys: declared in router.yaml, required, or creatable
 * through the admin API. Without any, the router runs open, and says so loudly.
 */
async function startBudgets(config: Config, adminToken: string | null, env: NodeJS.ProcessEnv, logger: Logger, metrics: RouterMetrics): Promise<BudgetService | null> {
  const adminEnabled = adminToken !== null && adminToken !== '';
  if (!adminEnabled) logger.info('admin API disabled (SWITCHYARD_ADMIN_TOKEN is not set)');
  if (!config.auth.required && config.auth.keys.length === 0 && !adminEnabled) {
    logger.warn('NO AUTHENTICATION: no API keys and no admin token, so anyone who can reach this router can use it without limits');
    return null;
  }
  if (config.budgets.budgetMode === 'tight') await loadTokenizer();
  let service: BudgetService | null = null;
  // A Redis that comes back may have lost the declared keys: write them again on every (re)connect.
  const store = await createStore(config.budgets, env, logger, () => void service?.resyncDeclaredKeys());
  service = new BudgetService(store, config.budgets, logger, metrics);
  await service.syncDeclaredKeys(config.auth.keys).catch((error: unknown) => logger.error({ err: error }, 'declared keys could not be stored'));
  return service;
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

/**
 * A listener that does not wait on slow or hostile clients: the head and the body must arrive within
 * their timeouts, the head is capped, connections are counted, and what node:http refuses is answered
 * in OpenAI's envelope (src/http/client-error.ts).
 */
function httpServer(settings: ServerConfig, metrics: RouterMetrics, logger: Logger, listener: RequestListener): Server {
  const server = createServer(
    {
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.bodyTimeoutMs,
      // Node checks those timeouts on this period (30 s by default, which would stretch a 10 s limit to 40 s).
      connectionsCheckingInterval: Math.min(1000, Math.ceil(settings.headersTimeoutMs / 4)),
      maxHeaderSize: settings.maxHeaderBytes,
      // Checked by requiringHost instead, which answers in the envelope.
      requireHostHeader: false,
    },
    requiringHost(listener, metrics, logger),
  );
  server.maxConnections = settings.maxConnections;
  // A connection over maxConnections is closed by node:http as it arrives: counted, so a router at its
  // limit shows (a log line each would flood the log exactly when it is busiest).
  server.on('drop', () => metrics.errors.inc({ kind: 'too_many_connections', origin: 'router' }));
  server.on('clientError', clientErrorHandler(settings.maxHeaderBytes, metrics, logger));
  server.on('connect', connectRefusal(metrics, logger));
  server.on('checkExpectation', unmeetableExpectation(metrics, logger));
  return server;
}

function urlOf(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Listens; a failure (a port in use, a host that does not resolve) names the setting behind it. */
function listen(server: Server, host: string, port: number, setting: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error & { code?: string }): void => {
      const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
      reject(new Error(`${setting}: cannot listen on ${where} (${error.code ?? error.message})`, { cause: error }));
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}
