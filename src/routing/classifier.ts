// Classifying a request in the mode router.yaml asks for. `learned` runs the trained model, whose
// weights are read once, when this classifier is built (at start and at every reload); without
// readable weights it classifies with the heuristic and says so (`heuristic-fallback`).
// `heuristic` needs nothing but the request. `embeddings` embeds the last user turn with an
// embeddings pool and takes the class of the nearest centroid of the configured examples (nearest
// prototype). `llm` asks a small chat pool for the label. Both fall back to the heuristic on any
// error or timeout, and say so in the reasons. Whatever the mode, the floors (classify/floors.ts)
// then lift the class for what the request asks besides its words.
import { isComplexity, type Classification, type Complexity } from '../classify/classification.js';
import { applyFloors } from '../classify/floors.js';
import { classifyHeuristic } from '../classify/heuristic.js';
import { classifyLearned } from '../classify/learned/classify-learned.js';
import type { LearnedClassifierModel } from '../classify/learned/contract.js';
import { readModelFile } from '../classify/learned/model-file.js';
import type { ClassifierConfig } from '../config/types.js';
import type { Logger } from '../observability/logger.js';
import { RouterError } from '../openai/errors.js';
import type { Pool } from '../pools/pool.js';
import { callPool } from '../proxy/internal-call.js';
import { ClassificationMemo } from './classification-memo.js';
import { lastUserText } from './last-user-text.js';

/** The text a model-based mode sends: enough to judge, never a whole huge prompt. */
const MAX_TEXT_CHARS = 4000;
/** After a failed attempt to embed the examples, wait this long before trying again. */
const PROTOTYPE_RETRY_MS = 10_000;

const LABEL_PROMPT =
  'Rate how hard the following request is for an AI assistant. Answer with exactly one word: ' +
  'simple (greetings, chit-chat, single facts, yes/no), moderate (explanations, summaries, comparisons, ' +
  'extraction from a given text) or complex (multi-step math, code, multi-step reasoning, long constrained writing).';

/** Reads a weights file; throws an Error saying why it cannot. */
export type ModelReader = (path: string) => LearnedClassifierModel;

export class RequestClassifier {
  private prototypes: { readonly complexity: Complexity; readonly centroid: Float64Array }[] | null = null;
  private prototypesTriedAt = -Infinity;
  private loadingPrototypes: Promise<void> | null = null;
  /** The learned model, in learned mode when its weights could be read. */
  private readonly model: LearnedClassifierModel | null = null;
  /**
   * Classifications of cacheable bodies by their digest, in the modes that are a function of the body
   * alone (learned, heuristic); null in the modes that ask a pool, whose answer (or fallback) may change.
   */
  private readonly memo: ClassificationMemo | null;

  constructor(
    private readonly config: ClassifierConfig,
    private readonly pools: ReadonlyMap<string, Pool>,
    private readonly logger: Logger | undefined,
    private readonly now: () => number = Date.now,
    readModel: ModelReader = readModelFile,
  ) {
    this.memo = config.mode === 'learned' || config.mode === 'heuristic' ? new ClassificationMemo() : null;
    if (config.mode !== 'learned') return;
    const { weights } = config.learned;
    try {
      this.model = readModel(weights);
      logger?.info({ weights, version: this.model.version }, 'classifier model loaded');
    } catch (error) {
      // The router serves on: the heuristic classifies, and every reason says so.
      const reason = error instanceof Error ? error.message : String(error);
      logger?.warn({ weights, reason }, 'classifier weights could not be read; classifying with the heuristic');
    }
  }

  /** The loaded model's version, or null (not learned mode, or its weights could not be read). */
  get modelVersion(): string | null {
    return this.model?.version ?? null;
  }

  /**
   * Never throws: every failure of a model-based mode becomes a heuristic classification. `digest`:
   * the body's (bodyDigest, src/cache/request-key.ts) when it may come again; the result is then
   * remembered for recall().
   */
  async classify(body: Readonly<Record<string, unknown>>, digest: string | null = null): Promise<Classification> {
    const classification = applyFloors(body, await this.byMode(body), this.config.floors);
    if (digest !== null) this.memo?.set(digest, classification);
    return classification;
  }

  /** The classification of a body with this digest, made by classify() earlier, if it is still remembered. */
  recall(digest: string): Classification | undefined {
    return this.memo?.get(digest);
  }

  private async byMode(body: Readonly<Record<string, unknown>>): Promise<Classification> {
    switch (this.config.mode) {
      case 'learned':
        return this.byModel(body);
      case 'heuristic':
        return classifyHeuristic(body, this.config.heuristic);
      case 'embeddings':
        return this.withFallback(body, 'embeddings', () => this.byEmbeddings(body));
      case 'llm':
        return this.withFallback(body, 'llm', () => this.byLabel(body));
    }
  }

  private byModel(body: Readonly<Record<string, unknown>>): Classification {
    if (this.model === null) return this.heuristicWith(body, 'heuristic-fallback');
    try {
      const { heuristicWeight } = this.config.learned;
      const vote = { weight: heuristicWeight, ask: () => classifyHeuristic(body, this.config.heuristic).complexity };
      return classifyLearned(body, this.model, this.config.learned, vote);
    } catch (error) {
      this.logger?.warn({ mode: 'learned', err: error }, 'classifier fell back to the heuristic');
      return this.heuristicWith(body, 'learned-failed');
    }
  }

  /** The heuristic's classification, its reasons led by why the configured mode did not decide. */
  private heuristicWith(body: Readonly<Record<string, unknown>>, reason: string): Classification {
    const fallback = classifyHeuristic(body, this.config.heuristic);
    return { ...fallback, reasons: [reason, ...fallback.reasons].slice(0, 3) };
  }

  /** Embeds the examples ahead of the first request (embeddings mode only). */
  warmUp(): void {
    if (this.config.mode === 'embeddings') void this.ensurePrototypes().catch(() => undefined);
  }

  private async withFallback(body: Readonly<Record<string, unknown>>, mode: string, run: () => Promise<Classification>): Promise<Classification> {
    try {
      return await run();
    } catch (error) {
      const reason = error instanceof RouterError && error.kind === 'upstream_timeout' ? `${mode}-timeout` : `${mode}-failed`;
      this.logger?.warn({ mode, err: error }, 'classifier fell back to the heuristic');
      return this.heuristicWith(body, reason);
    }
  }

  private async byEmbeddings(body: Readonly<Record<string, unknown>>): Promise<Classification> {
    const settings = this.config.embeddings;
    if (settings === undefined) throw new Error('embeddings mode without settings');
    await this.ensurePrototypes();
    const prototypes = this.prototypes;
    if (prototypes === null) throw new Error('the examples could not be embedded');
    const [vector] = await this.embed([lastUserText(body, MAX_TEXT_CHARS)]);
    if (vector === undefined) throw new Error('no embedding returned');
    let best: { complexity: Complexity; similarity: number } = { complexity: 'moderate', similarity: -Infinity };
    for (const prototype of prototypes) {
      const similarity = cosine(vector, prototype.centroid);
      if (similarity > best.similarity) best = { complexity: prototype.complexity, similarity };
    }
    return { complexity: best.complexity, score: best.similarity, reasons: ['embeddings'] };
  }

  private async byLabel(body: Readonly<Record<string, unknown>>): Promise<Classification> {
    const settings = this.config.llm;
    if (settings === undefined) throw new Error('llm mode without settings');
    const answer = await callPool(
      mustGet(this.pools, settings.pool),
      '/v1/chat/completions',
      {
        messages: [
          { role: 'system', content: LABEL_PROMPT },
          { role: 'user', content: lastUserText(body, MAX_TEXT_CHARS) },
        ],
        max_tokens: 3,
        temperature: 0,
        stream: false,
      },
      settings.timeoutMs,
    );
    const content = readPath(answer, ['choices', 0, 'message', 'content']);
    const word =
      typeof content === 'string'
        ? content
            .trim()
            .toLowerCase()
            .replace(/[^a-z]/g, ' ')
            .trim()
            .split(/\s+/)[0]
        : undefined;
    if (!isComplexity(word)) throw new Error(`the labeller answered ${JSON.stringify(content)}`);
    return { complexity: word, score: 1, reasons: ['llm'] };
  }

  private async ensurePrototypes(): Promise<void> {
    if (this.prototypes !== null) return;
    if (this.loadingPrototypes !== null) return this.loadingPrototypes;
    // Failures are not retried on every request: a dead embeddings pool would double every request's latency.
    if (this.now() - this.prototypesTriedAt < PROTOTYPE_RETRY_MS) return;
    this.prototypesTriedAt = this.now();
    this.loadingPrototypes = (async () => {
      const examples = this.config.embeddings?.examples;
      if (examples === undefined) return;
      const classes: Complexity[] = ['simple', 'moderate', 'complex'];
      const vectors = await Promise.all(classes.map((complexity) => this.embed(examples[complexity])));
      this.prototypes = classes.map((complexity, i) => ({ complexity, centroid: centroid(vectors[i] ?? []) }));
    })().finally(() => {
      this.loadingPrototypes = null;
    });
    return this.loadingPrototypes;
  }

  private async embed(texts: readonly string[]): Promise<Float64Array[]> {
    const settings = this.config.embeddings;
    if (settings === undefined) throw new Error('embeddings mode without settings');
    const answer = await callPool(mustGet(this.pools, settings.pool), '/v1/embeddings', { input: texts, encoding_format: 'float' }, settings.timeoutMs);
    const data = readPath(answer, ['data']);
    if (!Array.isArray(data) || data.length !== texts.length) throw new Error('unexpected embeddings response');
    return data.map((item: unknown) => {
      const embedding = readPath(item, ['embedding']);
      if (!Array.isArray(embedding) || !embedding.every((x) => typeof x === 'number')) throw new Error('unexpected embedding');
      return Float64Array.from(embedding);
    });
  }
}

function centroid(vectors: readonly Float64Array[]): Float64Array {
  const length = vectors[0]?.length ?? 0;
  const sum = new Float64Array(length);
  for (const vector of vectors) for (let i = 0; i < length; i++) sum[i] = (sum[i] ?? 0) + (vector[i] ?? 0) / norm(vector);
  return sum;
}

function cosine(a: Float64Array, b: Float64Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot / (norm(a) * norm(b) || 1);
}

function norm(vector: Float64Array): number {
  let sum = 0;
  for (const x of vector) sum += x * x;
  return Math.sqrt(sum) || 1;
}

function readPath(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function mustGet(pools: ReadonlyMap<string, Pool>, name: string): Pool {
  const pool = pools.get(name);
  if (pool === undefined) throw new Error(`unknown pool ${name}`);
  return pool;
}
