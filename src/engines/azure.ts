// Azure OpenAI's addresses. It speaks OpenAI's chat protocol; only the path and the key header differ.
//   deployments: {origin}/openai/deployments/{deployment-id}/chat/completions?api-version={v} (also
//     /completions, /embeddings), the body's model ignored — Azure/azure-rest-api-specs
//     specification/cognitiveservices/data-plane/AzureOpenAI/inference/stable/2024-10-21/inference.yaml @ea83a2a3
//     (servers https://{endpoint}/openai, api-version query required); openai/openai-node src/azure.ts @7b7d6ca7
//     adds /deployments/{model} for these same three paths.
//   v1: {origin}/openai/v1/chat/completions with the deployment name as `model`, no api-version
//     (https://learn.microsoft.com/en-us/azure/foundry/openai/api-version-lifecycle).
import type { AzureConfig } from '../config/types.js';
import type { Endpoint } from '../routing/endpoint.js';

const SUFFIXES: Readonly<Record<Endpoint, string>> = { chat: '/chat/completions', completions: '/completions', embeddings: '/embeddings' };

/** Each endpoint's upstream path for one Azure pool, built once at config load. */
export function azurePaths(azure: AzureConfig, deployment: string): Readonly<Record<Endpoint, string>> {
  const paths = {} as Record<Endpoint, string>;
  for (const endpoint of Object.keys(SUFFIXES) as Endpoint[]) {
    const suffix = SUFFIXES[endpoint];
    paths[endpoint] =
      azure.api === 'v1' ? `/openai/v1${suffix}` : `/openai/deployments/${encodeURIComponent(deployment)}${suffix}?api-version=${encodeURIComponent(azure.apiVersion ?? '')}`;
  }
  return paths;
}

/**
 * Whether the pool's API takes `stream_options`, through which the router asks for a stream's usage.
 * Azure's API versions before 2024-09-01-preview refuse it ("Unrecognized request argument supplied:
 * stream_options"; the 2024-10-21 GA spec, cited above, has it, and the 2024-06-01 one does not); the v1
 * API always takes it. Without it a stream's usage is estimated, as for a cancelled stream.
 */
export function takesStreamOptions(azure: AzureConfig): boolean {
  return azure.api === 'v1' || (azure.apiVersion ?? '').slice(0, 10) >= FIRST_WITH_STREAM_OPTIONS;
}

const FIRST_WITH_STREAM_OPTIONS = '2024-09-01';
