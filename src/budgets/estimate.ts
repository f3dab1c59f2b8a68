// How many tokens a request may cost, before it runs. Two answers for the two budget modes:
// - an upper bound (strict): byte-level BPE tokenizers (GPT, Llama 3, Qwen, Mistral...) never make more
//   tokens than the text has UTF-8 bytes, so bytes plus a per-message allowance for the chat template
//   (and an allowance per image and audio part) bound the prompt whatever the model; the output is
//   bounded per generation (output-plan.ts), and there are prompts × n generations.
// - a realistic estimate (tight, and how full a budget is about to be): a real tokenizer (cl100k) over
//   a bounded sample, extrapolated, so a 4 MB prompt costs no more than a 16 KB one.
import type { InferenceRequest } from '../routing/inference-request.js';

/** Chat templates wrap each message in a few special tokens. */
const PER_MESSAGE_TOKENS = 8;
const PER_REQUEST_TOKENS = 16;
/** Text tokenized exactly; beyond it the token/char ratio of samples is extrapolated. */
const SAMPLE_CHARS = 16_384;
/** A longer text is sampled in this many windows, spread from its start to its end. */
const SAMPLE_WINDOWS = 4;
/**
 * The fewest tokens per character a longer text is taken to hold: English prose holds about 0.2 to
 * 0.25 (code and other languages more), so prose reads at its own rate, and text built to sample
 * cheap (runs of spaces where the windows fall) reads under its count by a bounded factor: 2.5 for
 * ` !` repeated, 5 for text of one token per character (15 for characters split into their bytes).
 */
const MIN_TOKENS_PER_CHAR = 0.2;

type CountTokens = (text: string) => number;
let countTokens: CountTokens | null = null;

let loading: Promise<void> | null = null;

/**
 * Loads the tokenizer (~0.1 s, and about 11 MB of live heap): once, and only when
 * something will count with it — tight budgets (at start, or on a reload into tight mode), a strict
 * settle whose engine reported no usage (meter.ts settlesOnEstimate), count_tokens. A router whose
 * engines report usage never holds it.
 */
export function loadTokenizer(): Promise<void> {
  loading ??= import('gpt-tokenizer/encoding/cl100k_base').then(
    (module) => {
      countTokens = (text) => module.countTokens(text);
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/**
 * Tokens in a piece of output (tight mode's stream guard counts what went out with it): the tokenizer's
 * count once it is loaded, four characters a token before; at least one for any text.
 */
export function outputTokens(text: string): number {
  if (text === '') return 0;
  return Math.max(1, countTokens === null ? Math.ceil(text.length / 4) : countTokens(text));
}

/** Whether estimates count with the tokenizer yet (before it loads, they read four characters a token). */
export function tokenizerLoaded(): boolean {
  return countTokens !== null;
}

/** Prompt tokens reserved for parts that are not text (strict): per image, per audio clip. */
export interface MediaAllowance {
  readonly imageTokens: number;
  readonly audioTokens: number;
}

export interface CostEstimate {
  /** Prompt tokens, by the tokenizer (counted when first read); never above promptUpperBound. */
  readonly promptTokens: number;
  /** Prompt tokens no tokenizer can exceed (media parts at their allowance), all prompts together. */
  readonly promptUpperBound: number;
  /** Prompts the engine runs separately: the items of a batched /v1/completions prompt, else 1. */
  readonly prompts: number;
  /** Outputs the engine generates: prompts × n (or best_of, when larger); 0 for embeddings. */
  readonly generations: number;
  /**
   * The client's own output limit per generation: the larger of max_tokens and max_completion_tokens
   * when it sets both (vLLM takes max_completion_tokens, others max_tokens); null when it sets neither.
   */
  readonly maxOutput: number | null;
}

export function estimateCost(request: InferenceRequest, media: MediaAllowance): CostEstimate {
  const texts: string[] = [];
  const found = collectText(request.body, texts, media);
  let bytes = 0;
  let chars = 0;
  for (const text of texts) {
    bytes += Buffer.byteLength(text, 'utf8');
    chars += text.length;
  }
  const overhead = PER_REQUEST_TOKENS + PER_MESSAGE_TOKENS * found.messages;
  const upperBound = bytes + found.mediaTokens + overhead;
  const prompts = request.endpoint === 'completions' ? promptCount(request.body['prompt']) : 1;
  return new Estimate(texts, chars, found.mediaTokens + overhead, upperBound, prompts, generationsOf(request), maxOutput(request.body));
}

/** Outputs the engine generates for the request: prompts × n (or best_of, when larger); 0 for embeddings. */
export function generationsOf(request: InferenceRequest): number {
  if (request.endpoint === 'embeddings') return 0;
  const prompts = request.endpoint === 'completions' ? promptCount(request.body['prompt']) : 1;
  return prompts * Math.max(count(request.body['n']) ?? 1, count(request.body['best_of']) ?? 1);
}

/**
 * Tokenizing is the one costly step, and strict mode needs it only when an engine reports no usage:
 * counted on first read, then remembered. A class, so the lazy count is a getter on the prototype
 * rather than an accessor built into every request's estimate.
 */
class Estimate implements CostEstimate {
  #promptTokens: number | null = null;

  constructor(
    private readonly texts: readonly string[],
    private readonly chars: number,
    /** Tokens the tokenizer does not see: media allowances and the chat template's. */
    private readonly extraTokens: number,
    readonly promptUpperBound: number,
    readonly prompts: number,
    readonly generations: number,
    readonly maxOutput: number | null,
  ) {}

  get promptTokens(): number {
    this.#promptTokens ??= Math.min(this.promptUpperBound, tokensOf(this.texts, this.chars) + this.extraTokens);
    return this.#promptTokens;
  }
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function maxOutput(body: Readonly<Record<string, unknown>>): number | null {
  const tokens = count(body['max_tokens']);
  const completion = count(body['max_completion_tokens']);
  if (tokens === null) return completion;
  return completion === null ? tokens : Math.max(tokens, completion);
}

/** A completions prompt is one prompt (a string or one list of token ids) or a batch of them. */
function promptCount(prompt: unknown): number {
  if (!Array.isArray(prompt) || prompt.length === 0) return 1;
  return prompt.every((item) => typeof item === 'number') ? 1 : prompt.length;
}

function tokensOf(texts: readonly string[], chars: number): number {
  const count = countTokens ?? ((text: string) => Math.ceil(text.length / 4));
  if (chars <= SAMPLE_CHARS) return texts.reduce((sum, text) => sum + count(text), 0);
  // Windows from the start to the end, the densest one's rate for the whole: a text that starts with
  // what tokenizes cheap (16 KiB of spaces) and goes on with what does not is no longer read by its start.
  const width = SAMPLE_CHARS / SAMPLE_WINDOWS;
  let rate = MIN_TOKENS_PER_CHAR;
  for (let i = 0; i < SAMPLE_WINDOWS; i++) {
    const window = textAt(texts, Math.floor(((chars - width) * i) / (SAMPLE_WINDOWS - 1)), width);
    if (window.length > 0) rate = Math.max(rate, count(window) / window.length);
  }
  return Math.ceil(rate * chars);
}

/** `length` characters of the texts taken as one, from `from`. */
function textAt(texts: readonly string[], from: number, length: number): string {
  let out = '';
  let skip = from;
  for (const text of texts) {
    if (skip >= text.length) {
      skip -= text.length;
      continue;
    }
    out += text.slice(skip, skip + length - out.length);
    skip = 0;
    if (out.length >= length) break;
  }
  return out;
}

const PROMPT_FIELDS = ['prompt', 'input'] as const;
/** Roles whose word the per-message allowance covers; any other role's text is counted. */
const STANDARD_ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
/**
 * Request fields an engine turns into prompt text besides the messages: tool and output schemas, and
 * what chat templates render (vLLM's documents, its template and template arguments) or append (a
 * completion's suffix). Counted as their JSON: never fewer bytes than the text they hold.
 */
const RENDERED_FIELDS = ['tools', 'functions', 'response_format', 'documents', 'chat_template', 'chat_template_kwargs', 'suffix'] as const;

/** Every piece of text the model will read, and the tokens reserved for its images and audio. */
function collectText(body: Readonly<Record<string, unknown>>, into: string[], media: MediaAllowance): { messages: number; mediaTokens: number } {
  let mediaTokens = 0;
  const messages = body['messages'];
  if (Array.isArray(messages)) {
    for (const message of messages as unknown[]) {
      if (typeof message !== 'object' || message === null) continue;
      const content = (message as { content?: unknown }).content;
      if (typeof content === 'string') into.push(content);
      else if (Array.isArray(content)) for (const part of content) mediaTokens += pushPart(part, into, media);
      // Every other member may be rendered too (name, tool_call_id, reasoning_content, a legacy
      // function_call, tool_calls): a member the bound skipped would be prompt no budget saw.
      for (const [key, value] of Object.entries(message as Record<string, unknown>)) {
        if (key === 'content' || value === null || value === undefined || (key === 'role' && STANDARD_ROLES.has(value as string))) continue;
        into.push(typeof value === 'string' ? value : JSON.stringify(value));
      }
    }
  }
  for (const field of PROMPT_FIELDS) {
    const value = body[field];
    if (typeof value === 'string') into.push(value);
    else if (Array.isArray(value)) for (const item of value) into.push(typeof item === 'string' ? item : JSON.stringify(item));
  }
  for (const field of RENDERED_FIELDS) {
    const value = body[field];
    if (value !== undefined && value !== null) into.push(typeof value === 'string' ? value : JSON.stringify(value));
  }
  return { messages: Array.isArray(messages) ? messages.length : 1, mediaTokens };
}

/**
 * A content part: its text, or the tokens reserved for it. An image costs what the model's processor
 * makes of its pixels, unrelated to its bytes: the configured allowance. An audio clip costs tokens
 * per second, and no codec carries a second of audio in fewer base64 characters than an audio encoder
 * makes tokens of it (50 a second at most), so inline audio is bounded by its length; a linked clip
 * gets the allowance.
 */
function pushPart(part: unknown, into: string[], media: MediaAllowance): number {
  if (typeof part !== 'object' || part === null) return 0;
  const { type, text } = part as { type?: unknown; text?: unknown };
  if (type === 'image_url' || type === 'input_image') return media.imageTokens;
  if (type === 'input_audio') {
    const data = (part as { input_audio?: { data?: unknown } }).input_audio?.data;
    return Math.max(media.audioTokens, typeof data === 'string' ? data.length : 0);
  }
  if (type === 'audio_url') return media.audioTokens;
  // A text part is its text; any other part is counted whole (a refusal part's `refusal`, a part type
  // the engine knows and the router does not): what a template renders of it is in its JSON.
  if (typeof text === 'string' && (type === 'text' || type === 'input_text' || type === 'output_text')) into.push(text);
  else into.push(JSON.stringify(part));
  return 0;
}
