// The token counters the effective price reads, from each engine's exposition format.
import t from 'tap';
import { ENGINES } from './engines.js';
import { readTokenCounters } from './engine-metrics.js';

t.test('vLLM: the prompt and generation counters (prometheus_client _total), summed over data-parallel engines', async (t) => {
  const names = ENGINES.vllm.loadMetrics;
  if (names === null) throw new Error('vllm exports metrics');
  const text = [
    '# HELP vllm:prompt_tokens_total Number of prefill tokens processed.',
    '# TYPE vllm:prompt_tokens_total counter',
    'vllm:prompt_tokens_total{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 120000.0',
    'vllm:prompt_tokens_total{engine="1",model_name="meta-llama/Llama-3.1-8B-Instruct"} 30000.0',
    '# HELP vllm:generation_tokens_total Number of generation tokens processed.',
    '# TYPE vllm:generation_tokens_total counter',
    'vllm:generation_tokens_total{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 4500.0',
    'vllm:generation_tokens_total{engine="1",model_name="meta-llama/Llama-3.1-8B-Instruct"} 500.0',
    '# HELP vllm:prompt_tokens_created Number of prefill tokens processed.',
    '# TYPE vllm:prompt_tokens_created gauge',
    'vllm:prompt_tokens_created{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 1.7e+09',
    '',
  ].join('\n');
  t.strictSame(readTokenCounters(text, names), { promptTokens: 150_000, generationTokens: 5_000 });
});

t.test("TGI: the sums of its request length histograms (metrics-exporter-prometheus's integer format)", async (t) => {
  const names = ENGINES.tgi.loadMetrics;
  if (names === null) throw new Error('tgi exports metrics');
  const text = [
    '# TYPE tgi_request_input_length histogram',
    'tgi_request_input_length_bucket{le="1024"} 3',
    'tgi_request_input_length_sum 2048',
    'tgi_request_input_length_count 3',
    '# TYPE tgi_request_generated_tokens histogram',
    'tgi_request_generated_tokens_bucket{le="64"} 3',
    'tgi_request_generated_tokens_sum 96',
    'tgi_request_generated_tokens_count 3',
    '',
  ].join('\n');
  t.strictSame(readTokenCounters(text, names), { promptTokens: 2048, generationTokens: 96 });
});

t.test('an exposition without token counters says nothing', async (t) => {
  const names = ENGINES.vllm.loadMetrics;
  if (names === null) throw new Error('vllm exports metrics');
  t.equal(readTokenCounters('vllm:num_requests_running{model_name="m"} 1.0\n', names), null);
});
