// GET /v1/models and /v1/models/{model_id} as Anthropic's Models API answers them, for an Anthropic
// client: its SDK sends anthropic-version on every call, OpenAI's never does, so that header picks the
// shape on the shared paths. The models are the aliases and the Anthropic names they list
// (`anthropicModels`), each answered as a ModelInfo (@anthropic-ai/sdk 1.16.0
// resources/models.d.ts: ModelInfo, ModelListParams; the list is its Page: data, first_id, last_id,
// has_more, paged by after_id / before_id and limit 1-1000, default 20).
import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../../config/types.js';
import { clipClientText } from '../../openai/client-text.js';
import { RouterError } from '../../openai/errors.js';

/** Whether a request on the shared models paths comes from an Anthropic client. */
export function asksAnthropicModels(headers: IncomingHttpHeaders): boolean {
  return headers['anthropic-version'] !== undefined;
}

/** The paths Anthropic's Models API shares with OpenAI's. */
export function isModelsPath(path: string): boolean {
  return path === '/v1/models' || path.startsWith('/v1/models/');
}

interface ModelInfo {
  readonly type: 'model';
  readonly id: string;
  readonly display_name: string;
  readonly created_at: string;
  // Facts about Anthropic's own models that a router serving other engines does not have.
  readonly capabilities: null;
  readonly deprecated_at: null;
  readonly lifecycle: 'active';
  readonly line: null;
  readonly max_input_tokens: null;
  readonly max_tokens: null;
  readonly retires_at: null;
}

/** A model a caller may name, with the alias that serves it (its own id for an alias). */
interface Listed {
  readonly info: ModelInfo;
  readonly alias: string;
}

const LISTS = new WeakMap<Config, readonly Listed[]>();

/** Every alias, then each Anthropic name right after the alias that lists it; made once per loaded config. */
function listed(config: Config, createdSeconds: number): readonly Listed[] {
  let list = LISTS.get(config);
  if (list === undefined) {
    const createdAt = new Date(createdSeconds * 1000).toISOString();
    const info = (id: string): ModelInfo => ({
      type: 'model',
      id,
      display_name: id,
      created_at: createdAt,
      capabilities: null,
      deprecated_at: null,
      lifecycle: 'active',
      line: null,
      max_input_tokens: null,
      max_tokens: null,
      retires_at: null,
    });
    list = Object.entries(config.models).flatMap(([alias, model]) => [alias, ...(model.anthropicModels ?? [])].map((id) => ({ info: info(id), alias })));
    LISTS.set(config, list);
  }
  return list;
}

/** What a caller limited to `allowed` aliases may see (null: every model). */
function visible(all: readonly Listed[], allowed: readonly string[] | null): readonly Listed[] {
  return allowed === null ? all : all.filter((model) => allowed.includes(model.alias));
}

/** The list page the query asks for. */
export function anthropicModelPage(config: Config, createdSeconds: number, allowed: readonly string[] | null, query: Readonly<Record<string, string | string[] | undefined>>) {
  const models = visible(listed(config, createdSeconds), allowed);
  const limit = readLimit(query['limit']);
  const after = readId(query, 'after_id');
  const before = readId(query, 'before_id');
  let start = 0;
  let end = models.length;
  if (after !== null) start = positionOf(models, after, 'after_id') + 1;
  if (before !== null) end = positionOf(models, before, 'before_id');
  // Paging back (before_id) takes the last `limit` before it, as paging forward takes the first.
  const from = before !== null && after === null ? Math.max(start, end - limit) : start;
  const to = Math.min(end, from + limit);
  const data = models.slice(from, Math.max(from, to)).map((model) => model.info);
  const hasMore = before !== null && after === null ? from > start : to < end;
  return { data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore };
}

/** One model by id (an alias or an Anthropic name an alias lists), or the 404 Anthropic gives. */
export function anthropicModel(config: Config, createdSeconds: number, allowed: readonly string[] | null, id: string): ModelInfo {
  const found = visible(listed(config, createdSeconds), allowed).find((model) => model.info.id === id);
  if (found === undefined) throw new RouterError('model_not_found', `model: ${clipClientText(id)}`, { param: 'model' });
  return found.info;
}

function readLimit(value: string | string[] | undefined): number {
  if (value === undefined) return 20;
  // Digits only: Number() would also take 1e1, 0x10 and ' 1'.
  const n = typeof value === 'string' && /^[0-9]{1,4}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 1000)) throw new RouterError('invalid_request', 'limit: Input should be an integer from 1 to 1000', { param: 'limit' });
  return n;
}

function readId(query: Readonly<Record<string, string | string[] | undefined>>, name: 'after_id' | 'before_id'): string | null {
  const value = query[name];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw new RouterError('invalid_request', `${name}: Input should be one model id`, { param: name });
  return value;
}

function positionOf(models: readonly Listed[], id: string, name: string): number {
  const at = models.findIndex((model) => model.info.id === id);
  if (at < 0) throw new RouterError('invalid_request', `${name}: no model with id '${clipClientText(id)}'`, { param: name });
  return at;
}
