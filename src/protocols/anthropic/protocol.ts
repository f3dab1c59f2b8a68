// Anthropic's Messages API as an inbound protocol: POST /v1/messages and /v1/messages/count_tokens.
// The key comes in x-api-key (curl, 0.x SDKs, Claude Code) or as a bearer token (@anthropic-ai/sdk 1.x,
// src/client.ts apiKeyAuth); with both, x-api-key is the one used, as Anthropic is reported to do
// (design-16 §0, unverified). Any anthropic-version is accepted, as is none: the body is read the same;
// it and anthropic-beta go on only to pools that serve Messages natively (client-headers.ts).
import type { IncomingHttpHeaders } from 'node:http';
import { bearerToken } from '../../http/bearer.js';
import type { InferenceRequest } from '../../routing/inference-request.js';
import type { InboundProtocol, NativeRequest, ParseContext } from '../protocol.js';
import { MessagesAnswer } from './answer.js';
import { writeAnthropicError } from './errors.js';
import { invalid } from './invalid.js';
import { aliasFor } from './models.js';
import { nativeHeaders } from './client-headers.js';
import { chatBodyOf, EXTENSION_FIELDS } from './request.js';

export function anthropicCredential(headers: IncomingHttpHeaders): string {
  const key = headers['x-api-key'];
  if (typeof key === 'string' && key.trim() !== '') return key.trim();
  return bearerToken(headers.authorization);
}

/** `countOnly`: the count_tokens endpoint's body (no max_tokens, never streamed, no answer format). */
export function messagesProtocol(countOnly = false): InboundProtocol {
  return {
    api: 'messages',
    endpoint: 'chat',
    credential: anthropicCredential,
    parse: (body, context) => parseMessages(body, context, countOnly),
    writeError: writeAnthropicError,
  };
}

function parseMessages(raw: unknown, { runtime, headers }: ParseContext, countOnly: boolean): InferenceRequest {
  const { model, stream, body } = chatBodyOf(raw, { countOnly });
  const named = model ?? runtime.config.defaultModel;
  if (named === null) throw invalid('model', 'Field required');
  const alias = aliasFor(runtime.config, named);
  body['model'] = alias;
  return {
    endpoint: 'chat',
    model: alias,
    stream,
    // The usage chunk is what message_delta.usage is made of; the translator never passes it on as such.
    clientWantsUsage: true,
    body,
    // top_k is vLLM's chat field, not OpenAI's: only engines that take it get it.
    extensionFields: EXTENSION_FIELDS,
    // count_tokens is answered by the router itself: no answer to format, no attempt to send natively.
    // Otherwise, for a pool that serves Messages natively (pools.<n>.apis): the client's body as it came,
    // with its anthropic-version and anthropic-beta.
    ...(countOnly ? {} : { answerAs: new MessagesAnswer(named), native: nativeRequest(raw as Readonly<Record<string, unknown>>, nativeHeaders(headers)) }),
  };
}

function nativeRequest(body: Readonly<Record<string, unknown>>, headers: Readonly<Record<string, string>> | undefined): NativeRequest {
  return headers === undefined ? { api: 'messages', path: '/v1/messages', body } : { api: 'messages', path: '/v1/messages', body, headers };
}
