// The Redis connection of the budget store (and of every other Redis-backed store), set up to fail
// fast: while Redis is away every call rejects at once (no offline queue) or within the command
// timeout, so the router can choose fail-open or fail-closed per request instead of hanging. The client
// reconnects by itself, and its error events are handled so a Redis outage never crashes the process.
// One factory for every topology: a single node (url), Redis Cluster (seed nodes; the client follows
// the slot map and MOVED redirections), and Sentinel (the client asks the sentinels for the master);
// TLS for rediss:// URLs, with the CA and client certificate given as PEM text, and ACL credentials.
// Scripts registered with defineCommand run as EVALSHA on all three: on a cluster, on the node that
// owns the slot of their keys, so every script must keep its keys in one slot (its key's hash tag).
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'node:tls';
import { StoreUnavailableError } from './store.js';

/** Every topology's client has the same commands (RedisCommander), defineCommand, multi and events. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: exactly one of a URL, a cluster's seed nodes, or sentinels. */
export type RedisTarget =
  | {
      /** redis://[user:password@]host:port[/db], or rediss:// for TLS */
      readonly url: string;
    }
  | {
      /** Seed nodes, redis://host:port (rediss:// for TLS, on every node then). */
      readonly cluster: { readonly nodes: readonly string[] };
    }
  | {
      readonly sentinel: {
        readonly masterName: string;
        /** redis://host:port of each sentinel (rediss:// for TLS, to the sentinels and to the master). */
        readonly sentinels: readonly string[];
        readonly db?: number;
        /** The sentinels' own ACL credentials, when they have any. */
        readonly username?: string;
        readonly password?: string;
      };
    };

export interface RedisTls {
  /** PEM text (not paths: the config step reads the files). */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

/** How to connect: where (the target), as whom, with which certificates, how patiently. */
export type RedisConnectionOptions = RedisTarget & {
  /** ACL user and password (AUTH); a URL's own credentials win over these. */
  readonly username?: string;
  readonly password?: string;
  /** Certificates for rediss:// connections; without them TLS verifies against Node's trusted CAs. */
  readonly tls?: RedisTls;
  /** Longest a command may take before it fails; default 1000. */
  readonly commandTimeoutMs?: number;
};

export type RedisStoreOptions = RedisConnectionOptions & {
  /** Namespace of every key the store writes; default `sy`. */
  readonly keyPrefix?: string;
  /** Connection errors, for the log; the store keeps reconnecting regardless. Must not throw. */
  readonly onError?: (error: Error) => void;
  /** Every time the connection becomes usable (first connect and each reconnect). Must not throw. */
  readonly onReady?: () => void;
};

export const DEFAULT_COMMAND_TIMEOUT_MS = 1000;

/** A write refused by a replica, alone or inside a script's error. */
export const READONLY = /\bREADONLY\b/;

/** Exponential backoff to 2 s, with jitter so many routers do not reconnect in lockstep. */
const backoff = (times: number): number => Math.round(Math.min(2000, 50 * 2 ** Math.min(times, 6)) * (0.5 + Math.random() / 2));

export function createRedisClient(options: RedisStoreOptions): RedisClient {
  const timeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const connection = {
    // Queueing commands while disconnected is what makes callers hang; fail them instead.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A command cut off by a disconnect is not sent again: reserve and top-up are not idempotent, and
    // the caller has already been told it failed.
    autoResendUnfulfilledCommands: false,
    commandTimeout: timeout,
    connectTimeout: Math.max(timeout, 1000),
    retryStrategy: backoff,
    // A primary demoted in place (a managed Redis whose failover moves a DNS name, not the clients)
    // keeps our connection open and answers every write READONLY. Reconnecting finds the address's new
    // primary; the failed command is not sent again (1, not 2), as above. Redis 7 answers a script's
    // write with READONLY too; Redis 6 wraps it ("ERR Error running script …: -READONLY You can't …").
    reconnectOnError: (error: Error) => (READONLY.test(error.message) ? 1 : false),
  } satisfies RedisOptions;
  const client = connect(options, connection);
  client.on('ready', () => {
    try {
      options.onReady?.();
    } catch {
      // Same as below: a hook must not take the connection down.
    }
  });
  const report = (error: Error): void => {
    try {
      options.onError?.(error);
    } catch {
      // A faulty log hook must not turn a Redis outage into a crash.
    }
  };
  client.on('error', report);
  if (client instanceof Cluster) {
    // A cluster reports a lost node separately (its slots fail while the others keep working).
    client.on('node error', (error: Error, node: string) => report(new Error(`cluster node ${node}: ${error.message}`, { cause: error })));
  }
  return client;
}

function connect(options: RedisStoreOptions, connection: RedisOptions): RedisClient {
  const auth = {
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
  };
  if ('url' in options) {
    // Exactly what a plain url always got, plus TLS files and credentials only when they are given.
    const extra = { ...auth, ...(options.tls === undefined || !options.url.startsWith('rediss://') ? {} : { tls: tlsOptions(options.tls) }) };
    return new Redis(options.url, Object.keys(extra).length === 0 ? connection : { ...connection, ...extra });
  }
  if ('cluster' in options) {
    const nodes = options.cluster.nodes;
    // The cluster client does not read the scheme of its seed nodes: TLS is asked for explicitly.
    const secure = nodes.every((node) => node.startsWith('rediss://'));
    const { enableOfflineQueue, retryStrategy, ...perNode } = connection;
    const clusterOptions: ClusterOptions = {
      enableOfflineQueue,
      clusterRetryStrategy: retryStrategy,
      // A command whose connection closed is failed, not sent again after a slot refresh (as
      // autoResendUnfulfilledCommands: reserve is not idempotent); MOVED and ASK are still followed.
      retryDelayOnFailover: 0,
      slotsRefreshTimeout: connection.connectTimeout,
      redisOptions: { ...perNode, ...auth, ...(secure ? { tls: tlsOptions(options.tls ?? {}) } : {}) },
      // With TLS, node names are kept as given (not resolved to addresses) so certificates match them.
      ...(secure ? { dnsLookup: (address: string, callback: (error: null, address: string) => void) => callback(null, address) } : {}),
    };
    return new Cluster(
      nodes.map((node) => hostAndPort(node)),
      clusterOptions,
    );
  }
  const { sentinel } = options;
  const secure = sentinel.sentinels.every((url) => url.startsWith('rediss://'));
  const tls = secure ? tlsOptions(options.tls ?? {}) : undefined;
  return new Redis({
    ...connection,
    ...auth,
    name: sentinel.masterName,
    sentinels: sentinel.sentinels.map((url) => hostAndPort(url)),
    ...(sentinel.db === undefined ? {} : { db: sentinel.db }),
    ...(sentinel.username === undefined ? {} : { sentinelUsername: sentinel.username }),
    ...(sentinel.password === undefined ? {} : { sentinelPassword: sentinel.password }),
    sentinelCommandTimeout: connection.commandTimeout,
    sentinelRetryStrategy: backoff,
    ...(tls === undefined ? {} : { tls, sentinelTLS: tls, enableTLSForSentinelMode: true }),
  });
}

function hostAndPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port === '' ? 6379 : Number(parsed.port) };
}

function tlsOptions(tls: RedisTls): ConnectionOptions {
  return {
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
  };
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

/**
 * Resolves once the client is connected (a cluster: to every master it knows of); rejects after
 * `timeoutMs` (the client keeps trying).
 */
export function whenReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client instanceof Cluster) return clusterReady(client, timeoutMs);
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

async function clusterReady(cluster: Cluster, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const masters = (): Redis[] => cluster.nodes('master');
  while (cluster.status !== 'ready' || masters().length === 0 || masters().some((node) => node.status !== 'ready')) {
    if (Date.now() > deadline) {
      const nodes = masters().map((node) => `${node.options.host ?? '?'}:${node.options.port ?? '?'} ${node.status}`);
      throw new StoreUnavailableError(`budget store unavailable: not connected after ${timeoutMs} ms (cluster ${cluster.status}; masters: ${nodes.join(', ') || 'none yet'})`);
    }
    // A node's connection opens on its first command, and without an offline queue the commands that
    // meet it still connecting are refused: open them all before the first burst of requests. Not
    // before the cluster is ready: its own ready check must find the nodes idle, not connecting.
    // (Startup only: a short poll is simpler than following the cluster's and each node's events.)
    if (cluster.status === 'ready') for (const node of masters()) if (node.status === 'wait') node.connect().catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Closes politely when Redis answers, and stops reconnecting in any case. */
export async function closeClient(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  try {
    if (client.status === 'ready') await client.quit();
  } catch {
    // Already gone: disconnect below is all that is left to do.
  }
  client.disconnect();
}
