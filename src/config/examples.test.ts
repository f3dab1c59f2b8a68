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
