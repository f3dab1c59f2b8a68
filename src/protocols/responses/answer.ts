// How one Responses request is answered: what the translation needs, kept from its parse (the ids
// minted once, the echoed settings, whether and where to store it), and the end of every answer, where
// the finished Response is stored before its last bytes go out, so a client that continues or reads
// it right after finds it (on any router, with Redis).
import type { ServerResponse } from 'node:http';
import type { AnswerFormat } from '../protocol.js';
import type { Json } from './checks.js';
import { responseObject, type Ending, type ResponseFrame } from './response-object.js';
import { responseText } from './response-text.js';
import type { ResponsesService } from './service.js';
import type { StoredItem } from './stored-items.js';
import { ResponsesTranslator } from './translator.js';

/** Where a finished response is kept; null when the request said store: false. */
export interface Keeping {
  readonly service: ResponsesService;
  readonly owner: string;
  readonly prev: string | null;
  readonly input: readonly StoredItem[];
  readonly ttlMs: number;
}

export class ResponsesAnswer implements AnswerFormat {
  constructor(
    readonly frame: ResponseFrame,
    private readonly keeping: Keeping | null,
  ) {}

  open(res: ServerResponse): ResponsesTranslator {
    return new ResponsesTranslator(res, this);
  }

  /**
   * The finished Response's JSON text: stored when it completed or is incomplete and the request asked
   * for it; says `store: false` when it was not kept. Serialised once for the client and the store.
   */
  async finish(ending: Omit<Ending, 'stored'>): Promise<string> {
    const { keeping } = this;
    if (keeping === null || ending.status === 'failed') return responseText(this.frame, { ...ending, stored: false });
    const stored = { ...ending, stored: true };
    // One clock reading for the text and the object, so the record's two forms say the same.
    const completedAt = ending.status === 'completed' ? this.frame.now() : null;
    const text = responseText(this.frame, stored, completedAt);
    const object = { ...responseObject(this.frame, stored), completed_at: completedAt };
    const record = { owner: keeping.owner, prev: keeping.prev, response: object, responseText: text, input: keeping.input };
    if (await keeping.service.keep(this.frame.ids.response, record, keeping.ttlMs)) return text;
    return JSON.stringify({ ...object, store: false });
  }

  /**
   * A Response object written by an engine that serves Responses itself (src/proxy/native/), made this
   * response's in place: the router's id, and the client's store and previous_response_id (the engine
   * was sent store: false and the whole conversation instead).
   */
  identify(response: Json): void {
    response['id'] = this.frame.ids.response;
    response['store'] = this.frame.store;
    response['previous_response_id'] = this.frame.echo['previous_response_id'] ?? null;
  }

  /** A native answer's finished Response (after identify()), kept as finish() keeps a translated one. */
  async finishNative(object: Json): Promise<Json> {
    const { keeping } = this;
    if (keeping === null || object['status'] === 'failed') return object;
    return kept(keeping, this.frame.ids.response, object);
  }
}

/** The response as it must be sent: kept, or saying store: false when it could not be. */
async function kept(keeping: Keeping, id: string, object: Json): Promise<Json> {
  const record = { owner: keeping.owner, prev: keeping.prev, response: object, input: keeping.input };
  if (await keeping.service.keep(id, record, keeping.ttlMs)) return object;
  return { ...object, store: false };
}
