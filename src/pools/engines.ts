// The protocol quirks of each kind of replica, as data. Code elsewhere never branches on an engine's
// name; it reads these fields.
import type { EngineName, SimFlavour } from '../config/types.js';
import { isObject } from '../json-object.js';

/** Where an engine's Prometheus exposition reports its load; names are tried in order. */
export interface LoadMetricNames {
  readonly waiting: readonly string[];
  readonly running: readonly string[];
  /** Empty when the engine does not export KV-cache use. */
  readonly kvCacheUse: readonly string[];
  /** Cumulative prompt and generated tokens the engine served (the effective price reads them). */
  readonly promptTokens: readonly string[];
  readonly generationTokens: readonly string[];
}

/** Where an engine says how many tokens (prompt and output together) its model takes. */
export interface ContextSource {
  readonly path: string;
  /** The context length in the JSON served at `path`, for the served model; null when it says none. */
  read(json: unknown, servedModel: string): number | null;
}

export interface Engine {
  readonly name: EngineName;
  /** Null when the engine exports no load metrics (hosted APIs). */
  readonly loadMetrics: LoadMetricNames | null;
  /** Null when the engine does not say (hosted APIs). */
  readonly context: ContextSource | null;
}

const VLLM_METRICS: LoadMetricNames = {
  waiting: ['vllm:num_requests_waiting'],
  running: ['vllm:num_requests_running'],
  // vLLM renamed the gauge (V1 engine); older servers only have the GPU-named one.
  kvCacheUse: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'],
  // prometheus_client Counters "vllm:prompt_tokens_total" ("Number of prefill tokens processed.") and
  // "vllm:generation_tokens_total" (vllm/v1/metrics/loggers.py @a6f0308c); later versions declare them
  // without the suffix, which prometheus_client adds back on exposition: the scraped name is the same.
  promptTokens: ['vllm:prompt_tokens_total'],
  generationTokens: ['vllm:generation_tokens_total'],
};

const TGI_METRICS: LoadMetricNames = {
  waiting: ['tgi_queue_size'],
  running: ['tgi_batch_current_size'],
  kvCacheUse: [],
  // TGI counts tokens only in its per-request histograms; their sums are the totals
  // (router/src/validation.rs and server.rs @db931fcf: tgi_request_input_length, tgi_request_generated_tokens).
  promptTokens: ['tgi_request_input_length_sum'],
  generationTokens: ['tgi_request_generated_tokens_sum'],
};

/** vLLM's model list: each ModelCard has max_model_len (vllm/entrypoints/openai/protocol.py). */
const VLLM_CONTEXT: ContextSource = {
  path: '/v1/models',
  read(json, servedModel) {
    const data = isObject(json) && Array.isArray(json['data']) ? json['data'] : [];
    const cards = data.filter(isObject);
    const card = cards.find((c) => c['id'] === servedModel) ?? (cards.length === 1 ? cards[0] : undefined);
    return positive(card?.['max_model_len']);
  },
};

/** TGI's GET /info: max_total_tokens, prompt and new tokens together (router/src/lib.rs Info). */
const TGI_CONTEXT: ContextSource = {
  path: '/info',
  read: (json) => (isObject(json) ? positive(json['max_total_tokens']) : null),
};

export const ENGINES: Readonly<Record<EngineName, Engine>> = {
  vllm: { name: 'vllm', loadMetrics: VLLM_METRICS, context: VLLM_CONTEXT },
  tgi: { name: 'tgi', loadMetrics: TGI_METRICS, context: TGI_CONTEXT },
  openai: { name: 'openai', loadMetrics: null, context: null },
  azure: { name: 'azure', loadMetrics: null, context: null },
  anthropic: { name: 'anthropic', loadMetrics: null, context: null },
  sim: { name: 'sim', loadMetrics: VLLM_METRICS, context: VLLM_CONTEXT },
};

/** A simulated replica exports the metric names of the engine it imitates; it lists its models as vLLM does. */
export function simEngine(flavour: SimFlavour): Engine {
  return { name: 'sim', loadMetrics: flavour === 'tgi' ? TGI_METRICS : VLLM_METRICS, context: VLLM_CONTEXT };
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
}
