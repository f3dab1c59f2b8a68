// What one attempt sends a pool that is asked in chat completions (or completions, embeddings): the
// neutral body with a budget's output cap, in the engine's own payload and path (src/engines/adapter.ts),
// relayed as JSON or SSE. The other kind, a pool asked in the client's own API, is src/proxy/native/.
import type { OutputCap } from '../budgets/output-plan.js';
import { CAP_FIELD, withCapField, withTakenExtensions } from '../engines/chat-extensions.js';
import { withMember } from '../openai/body-source.js';
import { RouterError } from '../openai/errors.js';
import type { Pool } from '../pools/pool.js';
import type { InferenceRequest } from '../routing/inference-request.js';
import type { AttemptTarget } from './native/choose.js';
import { relayJson } from './relay-json.js';
import { relaySse } from './relay-sse.js';

/** The attempt's path, payload and relay; throws when the pool's engine does not serve the endpoint. */
export function chatAttempt(request: InferenceRequest, pool: Pool, cap: OutputCap | undefined): AttemptTarget {
  const { adapter } = pool;
  // Fields a translation added beyond OpenAI's (a Messages client's top_k) go only to engines that take
  // them, and its output cap in the field the engine takes. A chat client's own fields are its choice.
  const taken = withTakenExtensions(request.body, request.extensionFields, adapter.extensions);
  const translated = request.answerAs === undefined ? taken : withCapField(taken, CAP_FIELD[pool.config.engine]);
  const body = cap === undefined ? translated : withMember(translated, cap.field, cap.tokens);
  const path = adapter.paths[request.endpoint];
  if (path === null) {
    const served = request.endpoint === 'chat' ? 'chat/completions' : request.endpoint;
    throw new RouterError('unsupported_endpoint', `Pool ${pool.name} (engine ${pool.config.engine}) does not serve /v1/${served}.`);
  }
  return { path, payload: adapter.payload(body, pool.config.servedModel, request.stream), headers: null, relay: request.stream ? relaySse : relayJson };
}
