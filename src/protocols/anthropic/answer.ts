// How a Messages request's answer is written: the relays, the cache and idempotent replays write chat
// completions bytes (src/protocols/translated-response.ts) and this turns them into Anthropic's
// Message, its event stream, or its error envelope, with the request-id header the SDK reads
// (@anthropic-ai/sdk 1.16.0 src/core/error.ts APIError.requestID).
import type { ServerResponse } from 'node:http';
import type { ClientResponse } from '../client-response.js';
import type { AnswerContext, AnswerFormat, ReplayState } from '../protocol.js';
import { TranslatedResponse, type TranslatedBody } from '../translated-response.js';
import { anthropicErrorBody, errorFromChat } from './errors.js';
import { FallbackIds } from './fallback-ids.js';
import { messageFromChat } from './message-object.js';
import { StreamTranslator } from './stream-translator.js';

const JSON_TYPE = 'application/json';

export class MessagesAnswer implements AnswerFormat {
  /** The ids the engine's answer gives nothing to derive from: kept for an idempotent replay. */
  private readonly ids = new FallbackIds();

  /** `model`: the name the client asked for, which every answer echoes. */
  constructor(private readonly model: string) {}

  open(res: ServerResponse, context: AnswerContext): ClientResponse {
    res.setHeader('request-id', context.requestId);
    return new MessagesResponse(res, this.model, context.requestId, this.ids);
  }

  /** The fallback ids' seed, when the answer needed one (an engine that sent no chat id or tool call ids). */
  replayState(): Promise<ReplayState | null> {
    const { seed } = this.ids;
    return Promise.resolve(seed === null ? null : { seed });
  }

  replayAs(state: ReplayState): boolean {
    return this.ids.resume(state['seed']);
  }
}

class MessagesResponse extends TranslatedResponse {
  private readonly stream: StreamTranslator;

  constructor(
    res: ServerResponse,
    private readonly model: string,
    private readonly requestId: string,
    private readonly ids: FallbackIds,
  ) {
    super(res);
    this.stream = new StreamTranslator(model, ids);
  }

  protected chatEvent(data: string): void {
    const out = this.stream.event(data);
    if (out !== '') this.send(out);
  }

  protected streamEnded(completed: boolean): void {
    const out = this.stream.end(completed);
    if (out !== '') this.send(out);
  }

  protected translateJson(body: Buffer): TranslatedBody {
    const message = messageFromChat(body.toString('utf8'), this.model, this.ids);
    if (message !== null) return { status: 200, contentType: JSON_TYPE, body: Buffer.from(message) };
    const error = anthropicErrorBody({ type: 'api_error', message: 'The engine answered with something other than a chat completion.' }, this.requestId);
    return { status: 502, contentType: JSON_TYPE, body: Buffer.from(error) };
  }

  protected translateError(status: number, body: Buffer): TranslatedBody {
    const error = errorFromChat(body.toString('utf8'), status);
    // Overload is 529 in Anthropic's API, whatever status the chat answer carried.
    const anthropicStatus = error.type === 'overloaded_error' ? 529 : status;
    return { status: anthropicStatus, contentType: JSON_TYPE, body: Buffer.from(anthropicErrorBody(error, this.requestId)) };
  }
}
