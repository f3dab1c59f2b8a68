// Serving a stored answer (entry.ts) to a client, in the shape it asked for: plain JSON or an SSE
// stream in OpenAI's chunk shapes, whichever shape the answer was stored in (convert.ts). A stream's
// usage chunk goes out only when the client asked for it (stream_options.include_usage), as the
// event relay does for live streams. The body is prepared once per entry and shape (replay-template.ts)
// and written in one write, waiting for the socket to drain, and stopped as soon as the client is gone.
import type { OutgoingHttpHeaders } from 'node:http';
import type { ClientResponse } from '../protocols/client-response.js';
import type { AbortSwitch } from '../proxy/abort-switch.js';
import { jsonToSse, sseToJson } from './convert.js';
import type { CacheEntry } from './entry.js';
import { render, TemplateBuilder, templateFor, type BodyTemplate, type Identity } from './replay-template.js';
import { writeHeadWith, writeSseHead } from '../openai/response-head.js';
import { writeWhole } from '../proxy/write-whole.js';
import { usdToNano } from '../cost/money.js';

const DONE_EVENT = 'data: [DONE]\n\n';
/** An event as encodeEvent (src/openai/sse.ts) writes it: the payload between these two. */
const EVENT_START = 'data: ';
const EVENT_END = '\n\n';
/** What writeError (src/http/render-errors.ts) sends an error with. */
const ERROR_TYPE = 'application/json; charset=utf-8';

export interface ReplayOptions {
  readonly stream: boolean;
  readonly clientWantsUsage: boolean;
  /**
   * A cache hit is a new response: its own id and created (Unix seconds). Null keeps the stored ones,
   * for an idempotent replay, which is the same response again.
   */
  readonly identity: Identity;
  /**
   * What this response cost in USD, put in a stream's usage chunk as `usage.cost` (OpenRouter's name,
   * as live streams carry it): 0 for a cache hit. Null leaves the stored usage as it was.
   */
  readonly usageCost?: number | null;
  /** Sent with the status line (x-switchyard-cache, age, …). */
  readonly headers: OutgoingHttpHeaders;
  /** The request's lifetime: its abort ends the replay (the client left, or the deadline passed). */
  readonly abort: AbortSwitch;
}

/**
 * Writes the whole answer and ends the response. Rejects with the abort's reason (ClientGone when the
 * client left) if it could not; nothing is written after that. An entry whose body cannot be read in
 * the shape asked for rejects with an Error before anything is written: the caller serves a miss.
 */
export async function replay(res: ClientResponse, entry: CacheEntry, options: ReplayOptions): Promise<void> {
  if (entry.status !== 200 || !options.stream) {
    const body = plainBody(entry, options.identity);
    // A stored error is the same error again: with the content type render-errors.ts gave the original.
    const type = entry.status === 200 ? 'application/json' : ERROR_TYPE;
    writeHeadWith(res, entry.status, options.headers, { 'content-type': type, 'content-length': body.length });
    res.end(body);
    return;
  }
  // Built (and checked) before anything is written: an entry that cannot be read is a miss.
  const events = render(streamTemplate(entry, options), options.identity);
  writeSseHead(res, options.headers);
  // The whole stream is in memory already (the entry): one write, then wait for the socket to take it.
  await writeWhole(res, events, options.abort);
  res.end();
}

/** The JSON body to send: the stored one (rewritten only for a new identity), or a stream folded into one. */
function plainBody(entry: CacheEntry, identity: Identity): Buffer {
  if (entry.kind === 'json') {
    const stored = entry.parts[0] ?? Buffer.alloc(0);
    // Embeddings have no id; an error body is the same error again.
    if (identity === null || entry.endpoint === 'embeddings' || entry.status !== 200) return stored;
  }
  const template = templateFor(entry, identity === null ? 'json' : 'json+identity', identity, (fill) => {
    const builder = new TemplateBuilder();
    builder.object(plainObject(entry), fill);
    return builder.build();
  });
  return render(template, identity);
}

/** The answer as one JSON object: the stored body, or a stored stream folded into one. */
function plainObject(entry: CacheEntry): Record<string, unknown> {
  if (entry.kind === 'json') return parseObject((entry.parts[0] ?? Buffer.alloc(0)).toString('utf8'));
  const folded = sseToJson(
    entry.endpoint,
    entry.parts.map((part) => part.toString('utf8')),
  );
  if (folded === null) throw new Error('The stored stream cannot be read as chunks.');
  return folded;
}

/** The whole SSE body ([DONE] included), without the usage chunk unless the client asked for it. */
function streamTemplate(entry: CacheEntry, options: ReplayOptions): BodyTemplate {
  const { clientWantsUsage, identity } = options;
  const usageCost = options.usageCost ?? null;
  return templateFor(entry, `sse ${clientWantsUsage} ${usageCost} ${identity !== null}`, identity, (fill) => {
    const builder = new TemplateBuilder();
    for (const chunk of streamChunks(entry)) {
      const usageChunk = isUsageChunk(chunk);
      if (usageChunk && !clientWantsUsage) continue;
      builder.add(EVENT_START);
      builder.object(usageChunk ? priced(chunk, usageCost) : chunk, fill);
      builder.add(EVENT_END);
    }
    builder.add(DONE_EVENT);
    return builder.build();
  });
}

/**
 * The entry as one response served it (`options` as replay() was given them): its parts carry that
 * response's id and created (and a usage chunk its cost), in the shape it was written, so replaying it
 * with no identity and no cost writes the same bytes again. What an Idempotency-Key keeps of a cache
 * hit. Throws, as replay() does, for an entry that cannot be read.
 */
export function servedEntry(entry: CacheEntry, options: Pick<ReplayOptions, 'stream' | 'identity' | 'usageCost'>, nowMs: number): CacheEntry {
  const { identity } = options;
  const fields = {
    endpoint: entry.endpoint,
    status: entry.status,
    createdMs: nowMs,
    alias: entry.alias,
    tier: entry.tier,
    pool: entry.pool,
    usage: entry.usage,
    // What this response cost (a hit: nothing), which a replay of it states again.
    costNanoUsd: options.usageCost === undefined || options.usageCost === null ? entry.costNanoUsd : usdToNano(options.usageCost),
    finish: entry.finish,
  };
  if (entry.status !== 200 || !options.stream) return { ...fields, kind: 'json', parts: [plainBody(entry, identity)] };
  const usageCost = options.usageCost ?? null;
  const parts = streamChunks(entry).map((chunk) => {
    const builder = new TemplateBuilder();
    builder.object(isUsageChunk(chunk) ? priced(chunk, usageCost) : chunk, identity);
    return render(builder.build(), null);
  });
  return { ...fields, kind: 'sse', parts };
}

/** The stream's chunks, parsed: the stored ones, or a stored JSON answer cut into chunks. */
function streamChunks(entry: CacheEntry): Record<string, unknown>[] {
  return entry.kind === 'json'
    ? jsonToSse(entry.endpoint, parseObject((entry.parts[0] ?? Buffer.alloc(0)).toString('utf8'))).map((text) => parseObject(text))
    : entry.parts.map((part) => parseObject(part.toString('utf8')));
}

/** The chunk that carries only the usage (`choices` empty): the one a client gets only when it asks. */
function isUsageChunk(chunk: Record<string, unknown>): boolean {
  const choices = chunk['choices'];
  const usage = chunk['usage'];
  return Array.isArray(choices) && choices.length === 0 && typeof usage === 'object' && usage !== null;
}

/** The usage chunk with `usage.cost` (null: as stored). */
function priced(chunk: Record<string, unknown>, usageCost: number | null): Record<string, unknown> {
  return usageCost === null ? chunk : { ...chunk, usage: { ...(chunk['usage'] as Record<string, unknown>), cost: usageCost } };
}

function parseObject(text: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('A stored answer is not a JSON object.');
  return parsed as Record<string, unknown>;
}
