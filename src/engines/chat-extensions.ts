// Chat-completions fields beyond OpenAI's that a translation may write (an Anthropic Messages client's
// top_k), and which engines take them. A translated request names the fields it may have added
// (InferenceRequest.extensionFields); an attempt on an engine that does not take one leaves it out,
// since OpenAI and Azure refuse any field they do not define (a 400 "Unrecognized request argument
// supplied: top_k"). A chat-completions client's own fields are never filtered: its request names none.
//   vllm:      top_k (vllm/entrypoints/openai/chat_completion/protocol.py ChatCompletionRequest; its own
//              Messages server passes top_k into it: vllm/entrypoints/anthropic/serving.py @82df3f49),
//              continue_final_message and add_generation_prompt (the same request: a Messages prefill).
//   sim:       top_k (src/sim/request-schema.ts, vLLM's schema).
//   anthropic: top_k, mapped by its own payload (src/engines/anthropic/request.ts) for 2023-06-01.
//   tgi:       none. Its ChatRequest has no top_k (huggingface/text-generation-inference router/src/lib.rs
//              @db931fcf l.829, and l.1017 sets the generation's top_k to None); serde would drop it.
//   openai, azure: none (openai/openai-openapi openapi.yaml @f85dbe22 CreateChatCompletionRequest).
import type { EngineName } from '../config/types.js';

type Json = Readonly<Record<string, unknown>>;

const NONE: ReadonlySet<string> = new Set();
const TOP_K: ReadonlySet<string> = new Set(['top_k']);
/** vLLM's own: top_k, and a prefill continued (continue_final_message, without add_generation_prompt). */
const VLLM: ReadonlySet<string> = new Set(['top_k', 'continue_final_message', 'add_generation_prompt']);

/** The extension fields each engine's chat payload takes; built once, at module load. */
export const CHAT_EXTENSIONS: Readonly<Record<EngineName, ReadonlySet<string>>> = {
  vllm: VLLM,
  sim: VLLM,
  // A last assistant turn is a prefill in Anthropic's own API: its payload continues it as it is.
  anthropic: TOP_K,
  tgi: NONE,
  openai: NONE,
  azure: NONE,
};

/**
 * The chat field an engine takes an output cap in. OpenAI's reasoning models (and Azure's deployments of
 * them) refuse max_tokens ("Unsupported parameter: 'max_tokens' … Use 'max_completion_tokens' instead"),
 * and every OpenAI chat model takes max_completion_tokens (openai/openai-openapi openapi.yaml
 * CreateChatCompletionRequest marks max_tokens deprecated); vLLM, TGI and the simulator read max_tokens
 * (TGI takes max_completion_tokens only as an alias), and the anthropic payload takes the smaller of the two.
 */
export const CAP_FIELD: Readonly<Record<EngineName, 'max_tokens' | 'max_completion_tokens'>> = {
  vllm: 'max_tokens',
  sim: 'max_tokens',
  anthropic: 'max_tokens',
  tgi: 'max_tokens',
  openai: 'max_completion_tokens',
  azure: 'max_completion_tokens',
};

/**
 * A translation's body (Responses' max_output_tokens, Messages' max_tokens, both written as max_tokens)
 * with its output cap in the field the engine takes: the body itself when that is max_tokens already.
 */
export function withCapField(body: Json, field: 'max_tokens' | 'max_completion_tokens'): Json {
  const cap = body['max_tokens'];
  if (field === 'max_tokens' || cap === undefined) return body;
  const { max_tokens: _written, ...rest } = body;
  return { ...rest, max_completion_tokens: cap };
}

/**
 * `body` without the `fields` it holds that `takes` does not: the body itself when nothing is left
 * out (the common case costs no copy).
 */
export function withTakenExtensions(body: Json, fields: readonly string[] | undefined, takes: ReadonlySet<string>): Json {
  if (fields === undefined) return body;
  let out: Record<string, unknown> | null = null;
  for (const field of fields) {
    if (takes.has(field) || !(field in body)) continue;
    out ??= { ...body };
    delete out[field];
  }
  return out ?? body;
}
