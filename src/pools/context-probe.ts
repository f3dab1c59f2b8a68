// The context length each engine reports (vLLM's GET /v1/models max_model_len, TGI's GET /info
// max_total_tokens), read in the background at the health checks' pace, never per request. The probe
// is the only writer of `replica.contextLength`; a failed read keeps the last value (an engine's
// context changes only with a restart, which a later read picks up).
import type { PoolConfig } from '../config/types.js';
import { Repeater } from './clock.js';
import type { ContextSource } from './engines.js';
import { probe } from './health-check.js';
import type { Replica } from './replica.js';

export class ContextProbe {
  private readonly repeaters: readonly Repeater[];

  constructor(replicas: readonly Replica[], config: PoolConfig) {
    // A configured contextLength is not asked again; with health checks and scrapes both off, nothing runs.
    const intervalMs = config.contextLength !== null ? 0 : config.healthCheck.intervalMs || config.engineMetrics.intervalMs;
    const timeoutMs = config.healthCheck.timeoutMs;
    const read: Repeater[] = [];
    for (const replica of replicas) {
      const source = replica.engine.context;
      if (source !== null) read.push(new Repeater(intervalMs, (signal) => this.read(replica, source, config.servedModel, timeoutMs, signal)));
    }
    this.repeaters = read;
  }

  start(): void {
    for (const repeater of this.repeaters) repeater.start();
  }

  stop(): void {
    for (const repeater of this.repeaters) repeater.stop();
  }

  private async read(replica: Replica, source: ContextSource, servedModel: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const result = await probe(replica, source.path, timeoutMs, signal, true);
    if (!result.ok) return;
    let json: unknown;
    try {
      json = JSON.parse(result.text);
    } catch {
      return;
    }
    const length = source.read(json, servedModel);
    if (length !== null) replica.contextLength = length;
  }
}
