// Interchangeable replicas serving the same model, and how the next one is chosen.
import type { PoolConfig } from '../config/types.js';
import type { Replica } from './replica.js';

export class Pool {
  readonly name: string;
  readonly config: PoolConfig;
  readonly replicas: readonly Replica[];
  private cursor = 0;

  constructor(name: string, config: PoolConfig, replicas: readonly Replica[]) {
    this.name = name;
    this.config = config;
    this.replicas = replicas;
  }

  /** Round-robin over the replicas not yet tried by this request; null when all were tried. */
  pick(tried: ReadonlySet<Replica>): Replica | null {
    const count = this.replicas.length;
    for (let step = 0; step < count; step++) {
      const replica = this.replicas[(this.cursor + step) % count];
      if (replica !== undefined && !tried.has(replica)) {
        this.cursor = (this.cursor + step + 1) % count;
        return replica;
      }
    }
    return null;
  }
}
