// One upstream server and the live state the router keeps about it.
import { Pool as Dispatcher } from 'undici';
import type { Engine } from './engines.js';

export interface ReplicaOptions {
  readonly name: string;
  readonly poolName: string;
  readonly url: string;
  readonly weight: number;
  readonly engine: Engine;
  /** `Bearer …` for hosted APIs; built once here so no request formats it. */
  readonly authorization: string | null;
  readonly connectTimeoutMs: number;
  readonly maxConnections: number;
}

export class Replica {
  readonly name: string;
  readonly poolName: string;
  readonly url: string;
  readonly weight: number;
  readonly engine: Engine;
  readonly authorization: string | null;
  /** Keep-alive connections to this replica; one dispatcher per replica. */
  readonly dispatcher: Dispatcher;
  /** Requests the router currently has open against this replica. */
  inFlight = 0;
  /** Whether the replica may be picked; health checking maintains it. */
  healthy = true;

  constructor(options: ReplicaOptions) {
    this.name = options.name;
    this.poolName = options.poolName;
    this.url = options.url;
    this.weight = options.weight;
    this.engine = options.engine;
    this.authorization = options.authorization;
    this.dispatcher = new Dispatcher(options.url, {
      connections: options.maxConnections,
      connect: { timeout: options.connectTimeoutMs },
      // Timeouts are enforced per attempt by the proxy, which knows whether a response streams.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  /** Drops every connection at once (shutdown after the grace period). */
  destroy(): Promise<void> {
    return this.dispatcher.destroy();
  }
}
