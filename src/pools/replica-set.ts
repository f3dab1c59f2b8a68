// The live replicas of one runtime. A reload builds a new set that adopts, from the previous one,
// every replica whose server did not change — same URL, engine and credentials — so its state (health,
// ejections, in-flight count, latency) carries over, new connection settings included (the replica
// opens its connections anew, and the old ones finish what they carry); the previous set then releases
// only what was not adopted.
import type { PoolConfig, SimConfig } from '../config/types.js';
import { startSim, type SimServer } from '../sim/server.js';
import { keyHeaders } from '../engines/key-headers.js';
import { ENGINES, simEngine } from './engines.js';
import { Replica } from './replica.js';

interface LiveReplica {
  readonly replica: Replica;
  /** The simulator the router runs for a `sim` replica; null for real ones. */
  readonly sim: SimServer | null;
}

export class ReplicaSet {
  private readonly live = new Map<string, LiveReplica>();

  /** The replicas of one pool, adopted from `previous` where possible, else started anew. */
  async build(poolName: string, pool: PoolConfig, env: NodeJS.ProcessEnv, previous: ReplicaSet | null): Promise<Replica[]> {
    const apiKey = pool.apiKeyEnv === undefined ? undefined : env[pool.apiKeyEnv];
    // Azure and Anthropic take the key in headers of their own (src/engines/key-headers.ts).
    const headers = keyHeaders(pool, apiKey);
    const authorization = apiKey === undefined || headers !== null ? null : `Bearer ${apiKey}`;
    const replicas: Replica[] = [];
    for (const config of pool.replicas) {
      const settings: SimConfig | undefined = config.sim ?? pool.sim;
      // A sim replica has no URL of its own: it is the same one while its pool, name and settings are.
      const key =
        config.url === undefined
          ? `sim ${poolName}/${config.name} ${pool.servedModel} ${JSON.stringify(settings)}`
          : `url ${config.url} ${pool.engine} ${authorization ?? ''} ${JSON.stringify(headers)}`;
      const adopted = previous?.live.get(key);
      if (adopted !== undefined) {
        adopted.replica.adopt({ name: config.name, poolName, weight: config.weight, connectTimeoutMs: pool.connectTimeoutMs, maxConnections: pool.maxConnections });
        this.live.set(key, adopted);
        replicas.push(adopted.replica);
        continue;
      }
      let url = config.url;
      let engine = ENGINES[pool.engine];
      let sim: SimServer | null = null;
      if (url === undefined) {
        if (settings === undefined) throw new Error(`pools.${poolName}: a sim pool needs sim settings`);
        // The router runs the simulated engine itself, on a loopback port of its own.
        sim = await startSim({ ...settings, servedModel: pool.servedModel });
        url = sim.url;
        engine = simEngine(settings.flavour);
      }
      const replica = new Replica({
        name: config.name,
        poolName,
        url,
        weight: config.weight,
        engine,
        authorization,
        headers,
        connectTimeoutMs: pool.connectTimeoutMs,
        maxConnections: pool.maxConnections,
      });
      this.live.set(key, { replica, sim });
      replicas.push(replica);
    }
    return replicas;
  }

  replicas(): Replica[] {
    return [...this.live.values()].map((entry) => entry.replica);
  }

  /**
   * Closes the replicas `next` did not adopt (all of them when there is no next). `close` lets their
   * requests in flight finish first; `destroy` drops connections at once.
   */
  async release(next: ReplicaSet | null, how: 'close' | 'destroy'): Promise<void> {
    const kept = new Set(next?.replicas());
    const leaving = [...this.live.values()].filter((entry) => !kept.has(entry.replica));
    await Promise.all(leaving.map((entry) => (how === 'close' ? entry.replica.close() : entry.replica.destroy())));
    await Promise.all(leaving.flatMap((entry) => (entry.sim === null ? [] : [entry.sim.close()])));
  }
}
