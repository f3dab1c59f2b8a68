// How many tokens a request may cost, before it runs. Two answers for the two budget modes:
// - an upper bound (strict): byte-level BPE tokenizers (GPT, Llama 3, Qwen, Mistral...) never make more
//   tokens than the text has UTF-8 bytes, so bytes plus a per-message allowance for the chat template
//   bound the prompt whatever the model; the output is bounded by max_tokens × n.
// - a realistic estimate (tight, and how full a budget is about to be): a real tokenizer (cl100k) over
//   a bounded sample, extrapolated, so a 4 MB prompt costs no more than a 16 KB one.
import type { InferenceRequest } from '../routing/inference-request.js';

/** Chat templates wrap each message in a few special tokens. */
const PER_MESSAGE_TOKENS = 8;
const PER_REQUEST_TOKENS = 16;
/** Text tokenized exactly; beyond it the token/char ratio of the sample is extrapolated. */
const SAMPLE_CHARS = 16_384;

type CountTokens = (text: string) => number;
let countTokens: CountTokens | null = null;

/** Loads the tokenizer (42 MB, ~0.1 s): once, and only when budgets are in use. */
export async function loadTokenizer(): Promise<void> {
  if (countTokens !== null) return;
  const module = await import('gpt-tokenizer/encoding/cl100k_base');
  countTokens = (text) => module.countTokens(text);
}

export interface CostEstimate {
  /** Prompt tokens, by the tokenizer (counted when first read). */
  readonly promptTokens: number;
  /** Prompt tokens no tokenizer can exceed. */
  readonly promptUpperBound: number;
  /** Output tokens the request may produce (max_tokens × n, or the configured cap × n). */
  readonly outputAllowance: number;
  /** Whether the request set its own max_tokens (else strict mode caps it). */
  readonly hasMaxTokens: boolean;
}

export function estimateCost(request: InferenceRequest, maxOutputTokens: number): CostEstimate {
  const texts: string[] = [];
  const messages = collectText(request.body, texts);
  let bytes = 0;
  let chars = 0;
  for (const text of texts) {
    bytes += Buffer.byteLength(text, 'utf8');
    chars += text.length;
  }
  const overhead = PER_REQUEST_TOKENS + PER_MESSAGE_TOKENS * messages;
  const given = request.body['max_tokens'] ?? request.body['max_completion_tokens'];
  const hasMaxTokens = typeof given === 'number';
  const choices = typeof request.body['n'] === 'number' ? request.body['n'] : 1;
  const outputAllowance = request.endpoint === 'embeddings' ? 0 : (hasMaxTokens ? (given as number) : maxOutputTokens) * choices;
  // Tokenizing is the one costly step, and strict mode needs it only when an engine reports no usage:
  // counted on first read, then remembered.
  let promptTokens: number | null = null;
  return {
    get promptTokens() {
      promptTokens ??= tokensOf(texts, chars) + overhead;
      return promptTokens;
    },
    promptUpperBound: bytes + overhead,
    outputAllowance,
    hasMaxTokens,
  };
}

function tokensOf(texts: readonly string[], chars: number): number {
  const count = countTokens ?? ((text: string) => Math.ceil(text.length / 4));
  if (chars <= SAMPLE_CHARS) return texts.reduce((sum, text) => sum + count(text), 0);
  let sample = '';
  for (const text of texts) {
    sample += text.slice(0, SAMPLE_CHARS - sample.length);
    if (sample.length >= SAMPLE_CHARS) break;
  }
  return Math.ceil((count(sample) / Math.max(1, sample.length)) * chars);
}

/** Every piece of text the model will read; returns the number of messages. */
function collectText(body: Readonly<Record<string, unknown>>, into: string[]): number {
  const messages = body['messages'];
  if (Array.isArray(messages)) {
    for (const message of messages) {
      if (typeof message !== 'object' || message === null) continue;
      const content = (message as { content?: unknown }).content;
      if (typeof content === 'string') into.push(content);
      else if (Array.isArray(content)) for (const part of content) pushText(part, into);
      const calls = (message as { tool_calls?: unknown }).tool_calls;
      if (calls !== undefined) into.push(JSON.stringify(calls));
    }
  }
  for (const field of ['prompt', 'input'] as const) {
    const value = body[field];
    if (typeof value === 'string') into.push(value);
    else if (Array.isArray(value)) for (const item of value) into.push(typeof item === 'string' ? item : JSON.stringify(item));
  }
  for (const field of ['tools', 'functions', 'response_format'] as const) {
    if (body[field] !== undefined) into.push(JSON.stringify(body[field]));
  }
  return Array.isArray(messages) ? messages.length : 1;
}

function pushText(part: unknown, into: string[]): void {
  if (typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string') {
    into.push((part as { text: string }).text);
  }
}
