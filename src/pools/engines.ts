// The protocol quirks of each kind of replica, as data. Code elsewhere never branches on an engine's
// name; it reads these fields.
import type { EngineName, SimFlavour } from '../config/types.js';

/** Where an engine's Prometheus exposition reports its load; names are tried in order. */
export interface LoadMetricNames {
  readonly waiting: readonly string[];
  readonly running: readonly string[];
  /** Empty when the engine does not export KV-cache use. */
  readonly kvCacheUse: readonly string[];
}

export interface Engine {
  readonly name: EngineName;
  /** Null when the engine exports no load metrics (hosted APIs). */
  readonly loadMetrics: LoadMetricNames | null;
}

const VLLM_METRICS: LoadMetricNames = {
  waiting: ['vllm:num_requests_waiting'],
  running: ['vllm:num_requests_running'],
  // vLLM renamed the gauge (V1 engine); older servers only have the GPU-named one.
  kvCacheUse: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'],
};

const TGI_METRICS: LoadMetricNames = {
  waiting: ['tgi_queue_size'],
  running: ['tgi_batch_current_size'],
  kvCacheUse: [],
};

export const ENGINES: Readonly<Record<EngineName, Engine>> = {
  vllm: { name: 'vllm', loadMetrics: VLLM_METRICS },
  tgi: { name: 'tgi', loadMetrics: TGI_METRICS },
  openai: { name: 'openai', loadMetrics: null },
  sim: { name: 'sim', loadMetrics: VLLM_METRICS },
};

/** A simulated replica exports the metric names of the engine it imitates. */
export function simEngine(flavour: SimFlavour): Engine {
  return { name: 'sim', loadMetrics: flavour === 'tgi' ? TGI_METRICS : VLLM_METRICS };
}
