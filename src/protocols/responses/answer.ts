// How one Responses request is answered: what the translation needs, kept from its parse (the ids
// minted once, the echoed settings, whether and where to store it), and the end of every answer, where
// the finished Response is stored before its last bytes go out, so a client that continues or reads
// it right after finds it (on any router, with Redis).
import type { ServerResponse } from 'node:http';
import type { AnswerFormat, ReplayState } from '../protocol.js';
import type { Json } from './checks.js';
import { isSeed, ResponseIds } from './ids.js';
import type { Ending, ResponseFrame } from './response-object.js';
import { echoText, responseText, type EchoText } from './response-text.js';
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

/** What a finished answer said beyond its chat bytes: the rest of its replay state. */
interface Finished {
  readonly completedAt: number | null;
  readonly stored: boolean;
}

export class ResponsesAnswer implements AnswerFormat {
  /** The first answer's ending, when this one is its idempotent replay (replayAs): said again, nothing stored. */
  private replaying: Finished | null = null;
  /** finish() has run (or runs): its ending, once it settles. */
  private finishing: Promise<Finished> | null = null;
  /** The echoed settings' text, made for the response's first object and spliced into the rest. */
  private echo: EchoText | null = null;

  constructor(
    /** Replaced only by replayAs, before anything is written. */
    private currentFrame: ResponseFrame,
    private readonly keeping: Keeping | null,
  ) {}

  get frame(): ResponseFrame {
    return this.currentFrame;
  }

  open(res: ServerResponse): ResponsesTranslator {
    return new ResponsesTranslator(res, this);
  }

  /** JSON.stringify(responseObject(frame, end)): see response-text.ts. */
  text(end: Ending, completedAt?: number | null): string {
    return responseText(this.frame, end, completedAt, (this.echo ??= echoText(this.frame)));
  }

  /**
   * The finished Response's JSON text: stored when it completed or is incomplete and the request asked
   * for it; says `store: false` when it was not kept. Serialised once for the client and the store.
   */
  finish(ending: Omit<Ending, 'stored'>): Promise<string> {
    const replaying = this.replaying;
    if (replaying !== null) {
      const completedAt = ending.status === 'completed' ? replaying.completedAt : null;
      return Promise.resolve(this.text(withStored(ending, replaying.stored), completedAt));
    }
    // One clock reading for the text, the stored object and the replay state, so all three say the same.
    const completedAt = ending.status === 'completed' ? this.frame.now() : null;
    const kept = this.keep(ending, completedAt);
    this.finishing = kept.then(({ stored }) => ({ completedAt, stored }));
    return kept.then(({ text }) => text);
  }

  /**
   * The state an idempotent replay needs to be this answer again: the id seed, created_at, completed_at
   * and whether it was stored (the chat bytes say the rest). Null when no answer was finished here.
   */
  async replayState(): Promise<ReplayState | null> {
    if (this.finishing === null) return null;
    const { completedAt, stored } = await this.finishing;
    return { seed: this.frame.ids.seed, createdAt: this.frame.createdAt, completedAt, stored };
  }

  /** This request is an idempotent replay of the answer whose replayState is `state`: the same ids and times, and nothing stored again. */
  replayAs(state: ReplayState): boolean {
    const { seed, createdAt, completedAt, stored } = state;
    if (!isSeed(seed) || !Number.isInteger(createdAt) || !(completedAt === null || Number.isInteger(completedAt)) || typeof stored !== 'boolean') return false;
    this.currentFrame = { ...this.currentFrame, ids: new ResponseIds(seed), createdAt: createdAt as number };
    this.echo = null;
    this.replaying = { completedAt: completedAt as number | null, stored };
    return true;
  }

  /** The Response's text, stored if it is to be; `stored`: whether it was. */
  private async keep(ending: Omit<Ending, 'stored'>, completedAt: number | null): Promise<{ readonly text: string; readonly stored: boolean }> {
    const { keeping } = this;
    if (keeping === null || ending.status === 'failed') return { text: this.text(withStored(ending, false), completedAt), stored: false };
    const text = this.text(withStored(ending, true), completedAt);
    // The store keeps the text the client gets: the Response is not made as an object again.
    const record = { owner: keeping.owner, prev: keeping.prev, responseText: text, input: keeping.input };
    if (await keeping.service.keep(this.frame.ids.response, record, keeping.ttlMs)) return { text, stored: true };
    return { text: this.text(withStored(ending, false), completedAt), stored: false };
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

/** `ending` saying whether it is stored: one object shape for every ending (a spread's copy takes V8's slow path). */
function withStored(ending: Omit<Ending, 'stored'>, stored: boolean): Ending {
  const { status, output, outputText, usage, usageText, error, incompleteReason } = ending;
  return { status, output, outputText, usage, usageText, error, incompleteReason, stored };
}

/** The response as it must be sent: kept, or saying store: false when it could not be. */
async function kept(keeping: Keeping, id: string, object: Json): Promise<Json> {
  const record = { owner: keeping.owner, prev: keeping.prev, response: object, input: keeping.input };
  if (await keeping.service.keep(id, record, keeping.ttlMs)) return object;
  return { ...object, store: false };
}
