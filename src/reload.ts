// Reloading router.yaml without a restart, on a file change, SIGHUP or the admin call. A new config
// goes through the whole load pipeline first; an invalid one is refused (logged, counted, returned to
// the caller) and the old one keeps serving. A valid one becomes a runtime that adopts the unchanged
// replicas, and is swapped in with one assignment: requests in flight keep the runtime they started
// with, and the old runtime closes what was not adopted once those requests are done.
import { createHash } from 'node:crypto';
import { unwatchFile, watch, watchFile, type FSWatcher, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { loadConfigText } from './config/load.js';
import type { Config } from './config/types.js';
import type { RouterState } from './http/state.js';
import type { Logger } from './observability/logger.js';
import type { RouterMetrics } from './observability/metrics.js';
import type { Runtime } from './runtime.js';

export type ReloadTrigger = 'file' | 'signal' | 'admin';

export type ReloadResult = { readonly ok: true; readonly changed: boolean } | { readonly ok: false; readonly errors: readonly string[] };

export interface ReloaderOptions {
  readonly path: string;
  readonly state: RouterState;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly metrics: RouterMetrics;
  /** Builds a runtime for a new config, adopting what it can from the one in force. */
  readonly build: (config: Config, previous: Runtime) => Promise<Runtime>;
  /** Called after a swap, so settings read outside the runtime (log level, retry budget) follow. */
  readonly onApplied?: (config: Config) => void;
}

/** Editors and ConfigMaps write files in several steps; changes closer together are one reload. */
const SETTLE_MS = 150;
/**
 * How often the file itself is looked at, beside the folder's events: a file reached through a
 * symlink edited where it lives, a symlinked folder switched, a folder replaced (which ends its
 * watcher) change nothing the folder's watcher sees. A stat every few seconds does.
 */
const POLL_MS = 2000;

export class ConfigReloader {
  private queue: Promise<unknown> = Promise.resolve();
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastText: string | null = null;

  constructor(private readonly options: ReloaderOptions) {}

  /** Reloads now; reloads never overlap (a second waits for the first). */
  reload(trigger: ReloadTrigger): Promise<ReloadResult> {
    const run = this.queue.then(() => this.apply(trigger));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Watches the file's folder rather than the file: editors replace files by renaming, and
   * Kubernetes swaps a ConfigMap's symlink; a change of content is what counts.
   */
  async watch(runningText?: string): Promise<void> {
    // Touching the file without changing its text reloads nothing. `runningText` is what the config
    // in force was loaded from; without it, what is on disk now is taken to be.
    const onDisk = await readFile(this.options.path, 'utf8').catch(() => '');
    this.lastText = digest(runningText ?? onDisk);
    const file = basename(this.options.path);
    this.watcher = watch(dirname(this.options.path), (_event, name) => {
      if (name !== null && name !== file && !name.startsWith('..')) return;
      this.schedule();
    });
    this.watcher.unref();
    this.watcher.on('error', (error) => this.options.logger.warn({ err: error }, 'config watch failed; reload with SIGHUP'));
    // stat follows symlinks: a change of the file at the end of them, or of which file that is.
    watchFile(this.options.path, { interval: POLL_MS, persistent: false }, this.polled);
    // Written while the router was starting, before anything watched: applied now.
    if (digest(onDisk) !== this.lastText) this.schedule();
  }

  /** A file reload once the changes have settled. */
  private schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.reload('file');
    }, SETTLE_MS);
    this.timer.unref();
  }

  /** A change the poll saw; the reload compares the text, so a touch reloads nothing. */
  private readonly polled = (current: Stats, previous: Stats): void => {
    if (current.mtimeMs !== previous.mtimeMs || current.ino !== previous.ino || current.size !== previous.size) this.schedule();
  };

  close(): void {
    unwatchFile(this.options.path, this.polled);
    this.watcher?.close();
    if (this.timer !== null) clearTimeout(this.timer);
  }

  private async apply(trigger: ReloadTrigger): Promise<ReloadResult> {
    const { path, state, logger, metrics } = this.options;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
      return this.refuse(trigger, [`${path}: cannot read file (${code})`]);
    }
    if (digest(text) === this.lastText && trigger === 'file') return { ok: true, changed: false };
    const loaded = loadConfigText(text, { env: this.options.env, source: path });
    if (!loaded.ok) return this.refuse(trigger, loaded.errors);
    const previous = state.runtime;
    let next: Runtime;
    try {
      next = await this.options.build(loaded.config, previous);
    } catch (error) {
      return this.refuse(trigger, [`${path}: ${error instanceof Error ? error.message : String(error)}`]);
    }
    // A shutdown that began while it was built: never swapped in (c4416cb refuses a reload asked then).
    if (state.draining) {
      await next.discard(previous);
      return this.refuse(trigger, ['the router is shutting down; the config is not reloaded']);
    }
    warnRestartOnly(previous.config, loaded.config, logger);
    state.runtime = next;
    next.start();
    this.lastText = digest(text);
    this.options.onApplied?.(loaded.config);
    metrics.configReloads.inc({ trigger, result: 'applied' });
    logger.info({ trigger, config: path, models: Object.keys(loaded.config.models) }, 'config reloaded');
    previous.retire(next).catch((error: unknown) => logger.warn({ err: error }, 'closing the replaced runtime failed'));
    return { ok: true, changed: true };
  }

  private refuse(trigger: ReloadTrigger, errors: readonly string[]): ReloadResult {
    this.options.metrics.configReloads.inc({ trigger, result: 'rejected' });
    this.options.logger.error({ trigger, config: this.options.path, problems: errors }, 'config reload refused; the previous config keeps serving');
    return { ok: false, errors };
  }
}

/**
 * The server settings read once, when the listeners are made: a change waits for a restart. The others
 * (requestTimeoutMs, maxBodyBytes) are read per request from the config in force.
 */
const SERVER_AT_START = ['host', 'port', 'metricsHost', 'metricsPort', 'shutdownGraceMs', 'headersTimeoutMs', 'bodyTimeoutMs', 'maxHeaderBytes', 'maxConnections'] as const;

function warnRestartOnly(before: Config, after: Config, logger: Logger): void {
  const settings = SERVER_AT_START.filter((name) => before.server[name] !== after.server[name]).map((name) => `server.${name}`);
  if (settings.length > 0) logger.warn({ settings }, 'these server settings take effect only after a restart');
  // The stores are opened at start: the running ones keep serving until a restart.
  const stores = (['budgets', 'cache', 'idempotency', 'responses'] as const).filter((section) => before[section].store !== after[section].store);
  if (JSON.stringify(before.budgets.redis) !== JSON.stringify(after.budgets.redis)) stores.push('budgets');
  for (const section of new Set(stores)) logger.warn({ section }, `${section}.store and its connection take effect only after a restart`);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
