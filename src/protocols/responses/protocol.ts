// POST /v1/responses: OpenAI's Responses API, answered by chat-completions engines. The body becomes
// the neutral chat request (request.ts; the conversation of previous_response_id before it, read from
// the store with the caller's key), and the answer is translated back (translator.ts). Errors are
// OpenAI's envelope, as on the chat routes.
import { ownerScope } from '../../budgets/owner.js';
import type { KeyRecord } from '../../budgets/types.js';
import { bearerToken } from '../../http/bearer.js';
import { writeError } from '../../http/render-errors.js';
import { RouterError } from '../../openai/errors.js';
import type { InferenceRequest } from '../../routing/inference-request.js';
import type { InboundProtocol, NativeRequest, ParseContext } from '../protocol.js';
import { ResponsesAnswer } from './answer.js';
import { invalid, type Json } from './checks.js';
import { conversationBefore } from './conversation.js';
import { ResponseIds } from './ids.js';
import { requireAnsweredCalls, toChatMessages, type InputItem } from './input-items.js';
import { parseResponsesRequest } from './request.js';
import type { ResponsesService } from './service.js';
import { withIds } from './stored-items.js';
import { isObject } from '../../json-object.js';
import { rememberSource, serialiseWith, sourceOf } from '../../openai/body-source.js';

/**
 * Whose responses a caller reads and writes: its key (the id, and the generation of a key the admin API
 * created, so an id deleted and created again is another owner); every anonymous caller shares one scope.
 * None (null) for a caller let through unidentified where keys are required (the key store away,
 * onStoreError: fail-open): in the anonymous scope anyone with a made-up key would read, continue and
 * delete its responses, so it stores none and finds none, as the cache and idempotency skip it.
 */
export function ownerOf(key: KeyRecord | null, authRequired: boolean): string | null {
  return key === null && authRequired ? null : ownerScope(key);
}

export function responsesProtocol(service: ResponsesService): InboundProtocol {
  return {
    api: 'responses',
    endpoint: 'chat',
    credential: (headers) => bearerToken(headers.authorization),
    parse: (body, context) => parse(body, context, service),
    writeError: (res, error) => writeError(res, inResponsesTerms(error)),
  };
}

async function parse(body: unknown, { runtime, key, headers }: ParseContext, service: ResponsesService): Promise<InferenceRequest> {
  try {
    const { config } = runtime;
    const request = parseResponsesRequest(body, config.defaultModel);
    const owner = ownerOf(key, config.auth.required);
    const store = request.store && owner !== null;
    const messages: Record<string, unknown>[] = [];
    if (request.instructions !== null) messages.push({ role: 'system', content: request.instructions });
    let history: InputItem[] = [];
    let refusal: RouterError | undefined;
    try {
      if (request.previousResponseId !== null) history = await conversationBefore(service, request.previousResponseId, owner, config.responses.maxChainDepth);
    } catch (thrown) {
      // A retry with an Idempotency-Key gets its first answer even when the conversation is gone or
      // cannot be read now: the handler throws this only when there is no answer to replay.
      if (headers['idempotency-key'] === undefined || !(thrown instanceof RouterError)) throw thrown;
      refusal = thrown;
    }
    if (refusal === undefined) requireAnsweredCalls([...history, ...request.input]);
    toChatMessages(history, messages);
    toChatMessages(request.input, messages);
    if (messages.length === 0 && refusal === undefined) throw invalid("Invalid 'input': no items the model can read.", 'input');
    const ids = new ResponseIds();
    const frame = {
      ids,
      createdAt: Math.floor(Date.now() / 1000),
      echo: request.echo,
      metadata: request.metadata,
      store,
      firstOutputItem: request.input.length,
      now: () => Math.floor(Date.now() / 1000),
    };
    const keeping = store && owner !== null ? { service, owner, prev: request.previousResponseId, input: withIds(request.input, ids), ttlMs: config.responses.ttlMs } : null;
    return {
      endpoint: 'chat',
      model: request.model,
      stream: request.stream,
      // The translator needs the usage chunk for response.completed; it never passes it on as such.
      clientWantsUsage: true,
      body: withMessages(request.chat, messages),
      answerAs: new ResponsesAnswer(frame, keeping),
      native: new NativeResponsesRequest(body, history, request.input),
      ...(refusal === undefined ? {} : { refusal }),
    };
  } catch (thrown) {
    return toldInClientTerms(thrown);
  }
}

/** Fields of the neutral chat body the router's stages name in errors (key limits, context length), as Responses calls them. */
const RESPONSES_NAMES: ReadonlyMap<string, string> = new Map([
  ['max_tokens', 'max_output_tokens'],
  ['max_completion_tokens', 'max_output_tokens'],
  ['messages', 'input'],
]);

/** Errors of the parse: they name the client's own fields already (a `messages` it sent is refused as `messages`). */
const clientTerms = new WeakSet<object>();

function toldInClientTerms(thrown: unknown): never {
  if (typeof thrown === 'object' && thrown !== null) clientTerms.add(thrown);
  throw thrown;
}

/** An error about the chat body the request became (a key's output cap, the context length), told with the fields the client sent. */
function inResponsesTerms(error: RouterError): RouterError {
  const name = error.param === null || clientTerms.has(error) ? undefined : RESPONSES_NAMES.get(error.param);
  return name === undefined ? error : error.renamingParam(name);
}

/**
 * The chat body with `messages` last, the same members in the same order as `{ ...chat, messages }`,
 * copied member by member: V8 clones an object whose members outgrew its literal into a new hidden
 * class on every request, which a copy does not (request.test.ts holds the two to the same JSON).
 */
export function withMessages(chat: Json, messages: readonly Json[]): Json {
  const body: Json = {};
  for (const key of Object.keys(chat)) body[key] = chat[key];
  body['messages'] = messages;
  return body;
}

/**
 * The native request, its body made only when a pool that serves Responses itself is tried (most routes
 * never do), and once. A class: its getter is defined once, not on every request's object.
 */
class NativeResponsesRequest implements NativeRequest {
  readonly api = 'responses';
  readonly path = '/v1/responses';
  private made: Record<string, unknown> | null = null;

  constructor(
    private readonly client: unknown,
    private readonly history: readonly InputItem[],
    private readonly input: readonly InputItem[],
  ) {}

  get body(): Record<string, unknown> {
    return (this.made ??= nativeBody(this.client, [...this.history, ...this.input]));
  }
}

/**
 * The client's body for a pool that serves Responses itself (src/proxy/native/): the router keeps the
 * conversation for every pool, so the engine gets it whole as `input` (history, then this request's
 * items), no previous_response_id, and store: false. Its source is the client's text with those
 * changes spliced in (body-source.ts), so every other member reaches the engine as the client wrote it.
 */
function nativeBody(body: unknown, input: readonly InputItem[]): Record<string, unknown> {
  const client = isObject(body) ? body : {};
  const { previous_response_id: _previous, ...rest } = client;
  const native = { ...rest, input, store: false };
  if (sourceOf(client) !== undefined) rememberSource(native, serialiseWith(client, { input, store: false }, ['previous_response_id']));
  return native;
}
