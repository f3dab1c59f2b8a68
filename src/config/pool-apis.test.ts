// pools.<n>.apis: the inbound APIs a pool's engine serves natively (src/proxy/native/). Default none,
// except engine anthropic, whose only protocol is Messages; an engine that has no such endpoint is refused.
import t from 'tap';
import { parseConfigObject } from './load.js';

function load(pool: Record<string, unknown>) {
  return parseConfigObject(
    {
      models: { chat: { tiers: ['small'] } },
      tiers: { small: { pools: ['gpu'] } },
      pools: { gpu: { servedModel: 'm', replicas: [pool['engine'] === 'sim' ? {} : { url: 'http://gpu-0:8000' }], ...pool } },
    },
    { env: { KEY: 'k' } },
  );
}

function apis(pool: Record<string, unknown>): readonly string[] {
  const result = load(pool);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config.pools['gpu']!.apis;
}

function errors(pool: Record<string, unknown>): string[] {
  const result = load(pool);
  return result.ok ? [] : result.errors;
}

t.test('no pool serves another API natively unless it says so; engine anthropic serves Messages', async (t) => {
  t.strictSame(apis({ engine: 'vllm' }), []);
  t.strictSame(apis({ engine: 'openai' }), []);
  t.strictSame(apis({ engine: 'anthropic', apiKeyEnv: 'KEY' }), ['messages']);
  t.strictSame(apis({ engine: 'anthropic', apiKeyEnv: 'KEY', apis: [] }), []);
});

t.test('each engine lists the APIs it serves', async (t) => {
  t.strictSame(apis({ engine: 'vllm', apis: ['responses', 'messages'] }), ['responses', 'messages']);
  t.strictSame(apis({ engine: 'openai', apis: ['responses'] }), ['responses']);
  t.strictSame(apis({ engine: 'azure', apis: ['responses'] }), ['responses']);
});

t.test('an API the engine does not serve, or an unknown one, is refused at its path', async (t) => {
  t.strictSame(errors({ engine: 'tgi', apis: ['responses'] }), [
    'pools.gpu.apis[0]: engine "tgi" does not serve the Responses API (/v1/responses); translated pools need no entry here',
  ]);
  t.strictSame(errors({ engine: 'openai', apis: ['responses', 'messages'] }), [
    'pools.gpu.apis[1]: engine "openai" does not serve the Messages API (/v1/messages); translated pools need no entry here',
  ]);
  t.strictSame(errors({ engine: 'anthropic', apiKeyEnv: 'KEY', apis: ['responses'] }), [
    'pools.gpu.apis[0]: engine "anthropic" does not serve the Responses API (/v1/responses); translated pools need no entry here',
  ]);
  t.strictSame(errors({ engine: 'azure', azure: { api: 'deployments', apiVersion: '2024-10-21' }, apis: ['responses'] }), [
    'pools.gpu.apis[0]: engine "azure" serves the Responses API only with azure.api "v1" (/openai/v1/responses)',
  ]);
  t.strictSame(errors({ engine: 'sim', apis: ['messages'] }), [
    'pools.gpu.apis[0]: engine "sim" does not serve the Messages API (/v1/messages); translated pools need no entry here',
  ]);
  t.match(errors({ engine: 'vllm', apis: ['chat'] }), [/^pools\.gpu\.apis\[0\]: /]);
  t.match(errors({ engine: 'vllm', apis: ['responses', 'responses'] }), [/^pools\.gpu\.apis: /]);
});
