// GET and DELETE /v1/responses/{id}, GET /v1/responses/{id}/input_items: the stored responses of the
// OpenAI Responses API (OAS getResponse, deleteResponse, listInputItems; openai/openai-openapi
// openapi.yaml @f85dbe22). A response is the key's that made it: any other caller gets the same 404
// as for an id that never existed (no 403: that would tell them it exists).
import { clipClientText } from '../../openai/client-text.js';
import { RouterError } from '../../openai/errors.js';
import { ownerOf } from '../../protocols/responses/protocol.js';
import type { ResponseRecord } from '../../protocols/responses/store.js';
import type { ResponsesService } from '../../protocols/responses/service.js';
import type { AppContext, AppMiddleware, RouterState } from '../state.js';

export interface ResponsesStateRoutes {
  readonly get: AppMiddleware;
  readonly remove: AppMiddleware;
  readonly inputItems: AppMiddleware;
  readonly cancel: AppMiddleware;
}

export function responsesState(service: ResponsesService, state: RouterState): ResponsesStateRoutes {
  const ownerIn = (ctx: AppContext) => ownerOf(ctx.state.key, state.runtime.config.auth.required);
  return {
    async get(ctx) {
      if (ctx.query['stream'] === 'true') throw new RouterError('unsupported_parameter', 'Streaming a stored response again is not supported by this router.', { param: 'stream' });
      ctx.body = (await found(service, ctx, ownerIn(ctx))).response;
    },
    async remove(ctx) {
      const id = idOf(ctx);
      const owner = ownerIn(ctx);
      if (owner === null || !(await service.remove(id, owner))) throw notFound(id);
      ctx.body = { id, object: 'response', deleted: true };
    },
    // Only a response created with background: true can be cancelled (OAS cancelResponse), and this
    // router refuses background at create: an owner's response is a 400, anyone else's a 404.
    async cancel(ctx) {
      await found(service, ctx, ownerIn(ctx));
      throw new RouterError('invalid_request', 'Only responses created with background: true can be cancelled, and this router does not run responses in the background.');
    },
    async inputItems(ctx) {
      const record = await found(service, ctx, ownerIn(ctx));
      const { limit, order, after } = listQuery(ctx);
      const items = order === 'asc' ? [...record.input] : [...record.input].reverse();
      let start = 0;
      if (after !== null) {
        start = items.findIndex((item) => item.id === after) + 1;
        if (start === 0) throw new RouterError('invalid_request', `No input item with id '${clipClientText(after)}' in this response.`, { param: 'after' });
      }
      const data = items.slice(start, start + limit);
      ctx.body = { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + limit < items.length };
    },
  };
}

/** `owner` null: a caller with no scope of its own (protocol.ts ownerOf), who finds no response. */
async function found(service: ResponsesService, ctx: AppContext, owner: string | null): Promise<ResponseRecord> {
  const id = idOf(ctx);
  const record = owner === null ? null : await service.find(id, owner);
  if (record === null) throw notFound(id);
  return record;
}

function idOf(ctx: AppContext): string {
  const params = ctx.params as Readonly<Record<string, string | undefined>>;
  return params['id'] ?? '';
}

function notFound(id: string): RouterError {
  return new RouterError('response_not_found', `Response with id '${clipClientText(id)}' not found.`);
}

/** limit 1–100 (default 20), order asc|desc (default desc), after an item id. */
function listQuery(ctx: AppContext): { limit: number; order: 'asc' | 'desc'; after: string | null } {
  const { limit, order, after } = ctx.query;
  // Digits only: Number() would also take 1e1, 0x10, " 1" and "".
  const n = limit === undefined ? 20 : typeof limit === 'string' && /^[0-9]{1,3}$/.test(limit) ? Number(limit) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new RouterError('invalid_request', "Invalid value for 'limit': expected an integer from 1 to 100.", { param: 'limit' });
  if (order !== undefined && order !== 'asc' && order !== 'desc') throw new RouterError('invalid_request', "Invalid value for 'order': expected asc or desc.", { param: 'order' });
  if (typeof after === 'object') throw new RouterError('invalid_request', "Invalid value for 'after': expected one item id.", { param: 'after' });
  return { limit: n, order: order ?? 'desc', after: after ?? null };
}
