// What differs between engines on the way to a replica and back, chosen once per pool at config load:
// the upstream path of each endpoint, the body sent, and (Anthropic only) how the answer is turned
// back into OpenAI's chat format. Chat engines (vllm, tgi, openai, sim) get CHAT: today's paths,
// today's payload, no translation — their bytes are unchanged.
import type { PoolConfig } from '../config/types.js';
import { upstreamPayload } from '../proxy/forward.js';
import { ENDPOINT_PATHS, type Endpoint } from '../routing/inference-request.js';
import { AnthropicStreamTranscoder } from './anthropic/stream.js';
import { CHAT_EXTENSIONS } from './chat-extensions.js';
import { messagesPayload } from './anthropic/request.js';
import { chatCompletionFromMessage } from './anthropic/response.js';
import { azurePaths, takesStreamOptions } from './azure.js';

/** Rewrites a streamed answer into chat SSE bytes, one upstream read at a time. */
export interface StreamTranscoder {
  push(chunk: Buffer): Buffer;
}

export interface EngineAdapter {
  /** Upstream path of each endpoint; null where the engine does not serve it. */
  readonly paths: Readonly<Record<Endpoint, string | null>>;
  /** The upstream body for one attempt; throws the caller's 400 for what the engine cannot take. */
  payload(body: Readonly<Record<string, unknown>>, servedModel: string, stream: boolean): string;
  /** A non-streaming answer as a chat completion; null: relayed as received. */
  readonly translateJson: ((body: Buffer, replicaName: string) => Buffer) | null;
  /** A new transcoder per stream; null: relayed as received. */
  readonly transcoder: (() => StreamTranscoder) | null;
  /** The chat fields beyond OpenAI's that `payload` takes when a translation wrote them (top_k). */
  readonly extensions: ReadonlySet<string>;
}

const CHAT: Omit<EngineAdapter, 'extensions'> = { paths: ENDPOINT_PATHS, payload: upstreamPayload, translateJson: null, transcoder: null };

export function adapterFor(pool: PoolConfig): EngineAdapter {
  const { azure, anthropic } = pool;
  const extensions = CHAT_EXTENSIONS[pool.engine];
  if (pool.engine === 'azure' && azure !== undefined) {
    // Older API versions refuse stream_options: the body goes as the client wrote it (its model replaced).
    const payload = takesStreamOptions(azure) ? upstreamPayload : (body: Readonly<Record<string, unknown>>, servedModel: string) => upstreamPayload(body, servedModel, false);
    return { ...CHAT, paths: azurePaths(azure, pool.servedModel), payload, extensions };
  }
  if (pool.engine === 'anthropic' && anthropic !== undefined) {
    return {
      // Messages answers chat only: completions and embeddings have no Anthropic equivalent.
      paths: { chat: '/v1/messages', completions: null, embeddings: null },
      payload: (body, servedModel, stream) => messagesPayload(body, servedModel, stream, anthropic),
      translateJson: chatCompletionFromMessage,
      transcoder: () => new AnthropicStreamTranscoder(),
      extensions,
    };
  }
  return { ...CHAT, extensions };
}
