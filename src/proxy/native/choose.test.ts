// Where a native attempt goes and the body it sends: the client's own, with the pool's model, a
// budget's cap in the API's own field, and what the pool's Anthropic version refuses left out.
import t from 'tap';
import { parseConfigObject } from '../../config/load.js';
import type { PoolConfig } from '../../config/types.js';
import { nativeTarget } from './choose.js';

function poolOf(raw: Record<string, unknown>): PoolConfig {
  const result = parseConfigObject(
    { models: { m: { tiers: ['t'] } }, tiers: { t: { pools: ['p'] } }, pools: { p: { servedModel: 'served', replicas: [{ url: 'http://engine:8000' }], ...raw } } },
    { env: { KEY: 'k' } },
  );
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config.pools['p']!;
}

const RESPONSES = { api: 'responses', path: '/v1/responses', body: { model: 'alias', input: [], store: false, max_output_tokens: 500 } } as const;
const MESSAGES = { api: 'messages', path: '/v1/messages', body: { model: 'alias', max_tokens: 50, temperature: 0.2, top_k: 5, messages: [] } } as const;

t.test("the client's body with the pool's model, at the API's path", async (t) => {
  const vllm = poolOf({ engine: 'vllm', apis: ['responses', 'messages'] });
  t.strictSame(nativeTarget(vllm, RESPONSES, undefined), {
    path: '/v1/responses',
    payload: '{"model":"served","input":[],"store":false,"max_output_tokens":500}',
  });
  t.strictSame(nativeTarget(vllm, MESSAGES, undefined), {
    path: '/v1/messages',
    payload: '{"model":"served","max_tokens":50,"temperature":0.2,"top_k":5,"messages":[]}',
  });
  t.equal(nativeTarget(poolOf({ engine: 'azure', apis: ['responses'] }), RESPONSES, undefined).path, '/openai/v1/responses');
});

t.test("a budget's cap bounds the API's own output field, never raising what the client asked", async (t) => {
  const vllm = poolOf({ engine: 'vllm', apis: ['responses', 'messages'] });
  t.match(nativeTarget(vllm, RESPONSES, { field: 'max_tokens', tokens: 100 }).payload, /"max_output_tokens":100/);
  t.match(nativeTarget(vllm, RESPONSES, { field: 'max_tokens', tokens: 900 }).payload, /"max_output_tokens":500/);
  t.match(nativeTarget(vllm, MESSAGES, { field: 'max_completion_tokens', tokens: 10 }).payload, /"max_tokens":10/);
  const open = { ...RESPONSES, body: { model: 'alias', input: [] } };
  t.match(nativeTarget(vllm, open, { field: 'max_tokens', tokens: 100 }).payload, /"max_output_tokens":100/);
});

t.test('Anthropic 2026-10-21 is sent no sampling fields; 2023-06-01 keeps them', async (t) => {
  const latest = poolOf({ engine: 'anthropic', apiKeyEnv: 'KEY', anthropic: { version: '2026-10-21' } });
  t.equal(nativeTarget(latest, MESSAGES, undefined).payload, '{"model":"served","max_tokens":50,"messages":[]}');
  const classic = poolOf({ engine: 'anthropic', apiKeyEnv: 'KEY' });
  t.match(nativeTarget(classic, MESSAGES, undefined).payload, /"temperature":0\.2,"top_k":5/);
});

t.test("the client's anthropic-version, when it sent one, decides what a native Messages body may carry", async (t) => {
  const classic = poolOf({ engine: 'anthropic', apiKeyEnv: 'KEY' });
  const latest = poolOf({ engine: 'anthropic', apiKeyEnv: 'KEY', anthropic: { version: '2026-10-21' } });
  const asking = (version: string) => ({ ...MESSAGES, headers: { 'anthropic-version': version } });
  t.equal(nativeTarget(classic, asking('2026-10-21'), undefined).payload, '{"model":"served","max_tokens":50,"messages":[]}');
  t.match(nativeTarget(latest, asking('2023-06-01'), undefined).payload, /"temperature":0\.2,"top_k":5/);
  t.match(nativeTarget(latest, { ...MESSAGES, headers: { 'anthropic-beta': 'x' } }, undefined).payload, /^\{"model":"served","max_tokens":50,"messages":\[\]\}$/);
  const vllm = poolOf({ engine: 'vllm', apis: ['messages'] });
  t.match(nativeTarget(vllm, asking('2026-10-21'), undefined).payload, /"top_k":5/, 'vLLM reads no version');
});
