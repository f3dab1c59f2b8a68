// How each hosted engine takes the pool's API key, as headers built once per config load. Engines not
// listed take it as `Authorization: Bearer` (src/pools/replica-set.ts builds that one).
//   azure:     `api-key` (Azure/azure-rest-api-specs …/AzureOpenAI/inference/stable/2024-10-21/inference.yaml
//              @ea83a2a3, securitySchemes apiKey: header "api-key"; openai/openai-node src/azure.ts @7b7d6ca7
//              sends the same header).
//   anthropic: `x-api-key` and `anthropic-version`, both required by the Messages API
//              (https://docs.claude.com/en/api/versioning; anthropics/anthropic-sdk-typescript src/client.ts
//              @bfa9197f sends X-Api-Key and anthropic-version).
import type { PoolConfig } from '../config/types.js';

/** The headers carrying the key (and fixed protocol headers) for `pool`; null for bearer-token engines. */
export function keyHeaders(pool: PoolConfig, apiKey: string | undefined): Readonly<Record<string, string>> | null {
  if (pool.engine === 'azure') return apiKey === undefined ? {} : { 'api-key': apiKey };
  if (pool.engine === 'anthropic') {
    const version = pool.anthropic?.version ?? '2023-06-01';
    return apiKey === undefined ? { 'anthropic-version': version } : { 'x-api-key': apiKey, 'anthropic-version': version };
  }
  return null;
}
