// The process: read the config, start the router, stop gracefully on SIGTERM/SIGINT. The signals are
// handled before anything else is loaded: node as PID 1 (a container) ignores a signal it has no
// handler for, and loading the router takes about a second, so a SIGTERM sent meanwhile (a pod deleted
// as it starts) would leave it running until the orchestrator's kill. Only type imports and node's
// own modules are static here; the rest is imported once the handlers are in place.
import { parseArgs } from 'node:util';
import type { LogLevel } from './config/types.js';

const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

// SIGHUP ends a process that does not handle it: one sent while the router starts (a config
// sidecar, systemd's ExecReload) is kept, and carried out once it has.
let reload: (() => void) | null = null;
let reloadAsked = false;
process.on('SIGHUP', () => (reload === null ? (reloadAsked = true) : reload()));
// Before the router serves there is nothing to drain. After, the first SIGTERM or SIGINT drains it;
// a second one (Ctrl-C twice, an impatient supervisor) is the same drain, already under way: handled,
// so it cannot end the process by the signal and cut every request in flight without a word. A third
// is someone who means it: the process exits at once (1), with a line saying so.
let stop: ((signal: string) => void) | null = null;
let signals = 0;
const onStop = (signal: string): void => {
  if (stop === null) {
    process.stderr.write(`switchyard: ${signal} while starting: stopped before serving\n`);
    process.exit(0);
  }
  signals++;
  if (signals === 1) stop(signal);
  else if (signals >= 3) {
    process.stderr.write(`switchyard: ${signal} a third time: exiting without finishing the drain\n`);
    process.exit(1);
  }
};
process.on('SIGTERM', () => onStop('SIGTERM'));
process.on('SIGINT', () => onStop('SIGINT'));

let loadedModules = false;

async function main(): Promise<void> {
  const [{ loadConfigFile }, { createLogger, flushLogger }, { startRouter }] = await Promise.all([
    import('./config/load.js'),
    import('./observability/logger.js'),
    import('./router.js'),
  ]);
  loadedModules = true;
  const { values } = parseArgs({
    options: {
      config: { type: 'string', short: 'c' },
      // Reload only on SIGHUP or the admin call, for deployments that roll config changes explicitly.
      'no-watch': { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
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
  // A module that failed to load says where only in its stack; the router's own start errors say all in their message.
  const said = error instanceof Error ? (loadedModules ? error.message : (error.stack ?? error.message)) : String(error);
  process.stderr.write(`switchyard: failed to start: ${said}\n`);
  process.exit(1);
});
