// The protocol quirks of each kind of replica, as data. Code elsewhere never branches on an engine's
// name; it reads these fields.
import type { EngineName } from '../config/types.js';

export interface Engine {
  readonly name: EngineName;
  /** Path probed by health checks. */
  readonly healthPath: string;
  /** Path of the Prometheus exposition, where the engine has one. */
  readonly metricsPath: string | null;
}

export const ENGINES: Readonly<Record<EngineName, Engine>> = {
  vllm: { name: 'vllm', healthPath: '/health', metricsPath: '/metrics' },
  tgi: { name: 'tgi', healthPath: '/health', metricsPath: '/metrics' },
  openai: { name: 'openai', healthPath: '/v1/models', metricsPath: null },
  sim: { name: 'sim', healthPath: '/health', metricsPath: '/metrics' },
};
