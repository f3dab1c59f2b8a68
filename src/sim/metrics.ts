// /metrics in Prometheus text format with the imitated engine's metric names, so the router's
// engine-metrics scraper reads a simulated replica exactly as it reads a real one. This file holds
// vLLM's names; metrics-tgi.ts holds TGI's. Everything but the numbers is built once per server.

import type { SimFlavour } from '../config/types.js';
import { tgiMetrics } from './metrics-tgi.js';
import type { FinishedReason, SimState } from './state.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const FINISHED_REASONS: readonly FinishedReason[] = ['stop', 'length', 'abort'];

/** Name, type and vLLM's help text of every metric served, in exposition order. */
const METRICS = {
  running: ['vllm:num_requests_running', 'gauge', 'Number of requests in model execution batches.'],
  waiting: ['vllm:num_requests_waiting', 'gauge', 'Number of requests waiting to be processed.'],
  kvCache: ['vllm:kv_cache_usage_perc', 'gauge', 'KV-cache usage. 1 means 100 percent usage.'],
  prompt: ['vllm:prompt_tokens_total', 'counter', 'Number of prefill tokens processed.'],
  generation: ['vllm:generation_tokens_total', 'counter', 'Number of generation tokens processed.'],
  success: ['vllm:request_success_total', 'counter', 'Count of successfully processed requests.'],
} as const;

type MetricKey = keyof typeof METRICS;

export function metricsRenderer(flavour: SimFlavour, state: SimState, servedModel: string): () => string {
  return flavour === 'tgi' ? tgiMetrics(state) : vllmMetrics(state, servedModel);
}

function vllmMetrics(state: SimState, servedModel: string): () => string {
  const model = `model_name="${escapeLabelValue(servedModel)}"`;
  // "# HELP …\n# TYPE …\nname{model_name="…"} " for each single-series metric.
  const prefix = (key: MetricKey): string => {
    const [name, type, help] = METRICS[key];
    return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name}{${model}} `;
  };
  const running = prefix('running');
  const waiting = prefix('waiting');
  const kvCache = prefix('kvCache');
  const prompt = prefix('prompt');
  const generation = prefix('generation');
  const [successName, , successHelp] = METRICS.success;
  const successHeader = `# HELP ${successName} ${successHelp}\n# TYPE ${successName} counter\n`;
  const successLines = FINISHED_REASONS.map((reason) => [reason, `${successName}{finished_reason="${reason}",${model}} `] as const);

  return () => {
    let text =
      `${running}${sample(state.running)}\n` +
      `${waiting}${sample(state.waiting)}\n` +
      `${kvCache}${sample(state.kvCacheUsage)}\n` +
      `${prompt}${sample(state.promptTokensTotal)}\n` +
      `${generation}${sample(state.generationTokensTotal)}\n` +
      successHeader;
    for (const [reason, line] of successLines) text += `${line}${sample(state.finishedTotal[reason])}\n`;
    return text;
  };
}

/** Python's prometheus_client prints floats ("3.0"); matching it keeps scraper tests honest. */
function sample(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

function escapeLabelValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}
