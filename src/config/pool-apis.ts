// Which engines serve which inbound API themselves (`pools.<n>.apis`), checked at config load so a
// pool never sends a client's own body to an engine that would answer it with a 404:
//   vLLM:      POST /v1/responses (vllm/entrypoints/openai/responses/api_router.py @f6e93254) and
//              POST /v1/messages (vllm/entrypoints/anthropic/api_router.py @01540b75).
//   openai:    POST /v1/responses, OpenAI's own API (openai/openai-openapi openapi.yaml @f85dbe22);
//              it has no /v1/messages.
//   azure:     POST /openai/v1/responses in its v1 API only
//              (https://learn.microsoft.com/en-us/azure/foundry/openai/api-version-lifecycle).
//   anthropic: /v1/messages is all it serves (src/engines/anthropic/).
//   tgi:       neither: its router serves /v1/chat/completions, /v1/completions and /v1/models only
//              (huggingface/text-generation-inference router/src/server.rs @db931fcf, l.2207-2244).
//   sim:       the simulator speaks chat completions only.
import type { EngineName, NativeApi, PoolConfig } from './types.js';

const SERVED: Readonly<Record<EngineName, readonly NativeApi[]>> = {
  vllm: ['responses', 'messages'],
  openai: ['responses'],
  azure: ['responses'],
  anthropic: ['messages'],
  tgi: [],
  sim: [],
};

const NAMES: Readonly<Record<NativeApi, string>> = { responses: 'the Responses API (/v1/responses)', messages: 'the Messages API (/v1/messages)' };

/** Each listed API the pool's engine cannot serve, as [path, message]. */
export function apiProblems(poolName: string, pool: PoolConfig): [readonly (string | number)[], string][] {
  const problems: [readonly (string | number)[], string][] = [];
  pool.apis.forEach((api, index) => {
    const path = ['pools', poolName, 'apis', index];
    if (!SERVED[pool.engine].includes(api)) {
      problems.push([path, `engine "${pool.engine}" does not serve ${NAMES[api]}; translated pools need no entry here`]);
    } else if (pool.engine === 'azure' && pool.azure?.api !== 'v1') {
      problems.push([path, 'engine "azure" serves the Responses API only with azure.api "v1" (/openai/v1/responses)']);
    }
  });
  return problems;
}
