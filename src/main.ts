// The process: read the config, start the router, stop gracefully on SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { loadConfigFile } from './config/load.js';
import type { LogLevel } from './config/types.js';
import { createLogger, flushLogger } from './observability/logger.js';
import { startRouter } from './router.js';

const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', short: 'c' },
      // Reload only on SIGHUP or the admin call, for deployments that roll config changes explicitly.
      'no-watch': { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  // SIGHUP ends a process that does not handle it: one sent while the router starts (a config
  // sidecar, systemd's ExecReload) is kept, and carried out once it has.
  let reload: (() => void) | null = null;
  let reloadAsked = false;
  process.on('SIGHUP', () => (reload === null ? (reloadAsked = true) : reload()));
  // SIGTERM and SIGINT are handled from the start too: node as PID 1 (a container) ignores a signal it
  // has no handler for, so one sent while the router starts (waiting up to 5 s for a Redis) would leave
  // it running until the orchestrator's kill. Before it serves there is nothing to drain.
  let stop: ((signal: string) => void) | null = null;
  const onStop = (signal: string): void => {
    if (stop !== null) return stop(signal);
    process.stderr.write(`switchyard: ${signal} while starting: stopped before serving\n`);
    process.exit(0);
  };
  process.once('SIGTERM', () => onStop('SIGTERM'));
  process.once('SIGINT', () => onStop('SIGINT'));
  // An empty SWITCHYARD_CONFIG (a template that left it blank) names no file.
  const path = values.config ?? (process.env['SWITCHYARD_CONFIG'] || './router.yaml');
  const loaded = await loadConfigFile(path);
  if (!loaded.ok) {
    process.stderr.write(`switchyard: ${path} is not a valid config:\n${loaded.errors.map((e) => `  ${e}\n`).join('')}`);
    process.exit(1);
  }
  const { config } = loaded;
  const level = parseLogLevel(process.env['LOG_LEVEL']) ?? config.logging.level;
  const logger = createLogger(level);
  const port = parsePort(process.env['PORT']);
  const router = await startRouter({
    config,
    logger,
    port,
    host: process.env['HOST'] || undefined,
    configPath: path,
    configText: loaded.text,
    watchConfig: !values['no-watch'],
  });
  reload = () => void router.reload('signal');
  if (reloadAsked) reload();
  logger.info({ url: router.url, config: path, models: Object.keys(config.models) }, 'switchyard listening');

  stop = (signal: string): void => {
    logger.info({ signal, graceMs: config.server.shutdownGraceMs }, 'shutting down');
    router.shutdown().then(
      async () => {
        await flushLogger(logger);
        process.exit(0);
      },
      async (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        await flushLogger(logger);
        process.exit(1);
      },
    );
  };
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
}

/** LOG_LEVEL, which overrides logging.level (and a reload's); a misspelt one is refused rather than ignored. */
function parseLogLevel(value: string | undefined): LogLevel | undefined {
  if (value === undefined || value === '') return undefined;
  if (!LOG_LEVELS.includes(value)) {
    process.stderr.write(`switchyard: LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${value}")\n`);
    process.exit(1);
  }
  return value as LogLevel;
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  // Digits only: Number() would also take " 8080", "0x1F90" and "1e3".
  if (!/^\d+$/.test(value) || port > 65535) {
    process.stderr.write(`switchyard: PORT must be an integer from 0 to 65535 (got "${value}")\n`);
    process.exit(1);
  }
  return port;
}

main().catch((error: unknown) => {
  process.stderr.write(`switchyard: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
