import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { loadConfigFile } from './load.js';

const EXAMPLES = fileURLToPath(new URL('../../config/examples/', import.meta.url));
/** The environment variables the examples name in apiKeyEnv. */
const ENV = { OPENAI_API_KEY: 'sk-example' };

const files = readdirSync(EXAMPLES).filter((name) => name.endsWith('.yaml'));

t.test('every example loads', async (t) => {
  t.ok(files.includes('vllm-tgi-openai.yaml'), 'the vLLM + TGI + OpenAI example exists');
  for (const name of files) {
    const result = await loadConfigFile(`${EXAMPLES}${name}`, { env: ENV });
    t.same(result.ok ? [] : result.errors, [], name);
  }
});

t.test('vllm-tgi-openai.yaml shows each engine and a named API key', async (t) => {
  const result = await loadConfigFile(`${EXAMPLES}vllm-tgi-openai.yaml`, { env: ENV });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const pools = Object.values(result.config.pools);
  t.same(new Set(pools.map((p) => p.engine)), new Set(['vllm', 'tgi', 'openai']));
  t.ok(pools.some((p) => p.engine === 'openai' && p.apiKeyEnv === 'OPENAI_API_KEY'));
  const missing = await loadConfigFile(`${EXAMPLES}vllm-tgi-openai.yaml`, { env: {} });
  t.same(missing.ok ? [] : missing.errors, ['pools.openai-fallback.apiKeyEnv: environment variable OPENAI_API_KEY is not set']);
});

t.test('vllm-tgi-openai.yaml shows balancing, health checks, outlier ejection and retries', async (t) => {
  const result = await loadConfigFile(`${EXAMPLES}vllm-tgi-openai.yaml`, { env: ENV });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const { pools, retry } = result.config;
  t.same(retry, { maxAttempts: 3, budgetPercent: 20, minRetriesPerSecond: 5, backoffBaseMs: 25, backoffMaxMs: 250 });
  t.same([pools['llama-70b']?.balance, pools['llama-70b']?.maxInFlight, pools['llama-70b']?.maxEngineQueue], ['load-aware', 128, 4]);
  t.same(pools['llama-70b']?.outlier, { consecutiveFailures: 3, baseEjectionMs: 10000, maxEjectionMs: 120000, maxEjectedPercent: 50 });
  t.same([pools['llama-8b']?.balance, pools['llama-8b']?.maxEngineQueue], ['least-in-flight', 16]);
  t.same(pools['llama-8b']?.healthCheck, { intervalMs: 20000, timeoutMs: 5000, unhealthyAfter: 3, healthyAfter: 2, path: '/health' }, 'a gentler TGI health check');
  t.same(pools['openai-fallback']?.healthCheck.intervalMs, 0, 'no active checks on the hosted API');
  t.same(pools['openai-fallback']?.engineMetrics.intervalMs, 0, 'no metrics scraping on the hosted API');
});
