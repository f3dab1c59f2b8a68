// A native answer that is not streamed (a Response or a Message object, from an engine that speaks
// the client's API): read whole, its usage charged as the API states it (usage.ts), a Response made
// the router's and kept (native-out.ts), then sent with its own length. Failures before it are judged
// as src/proxy/relay-json.ts judges them, and the client gets them in its API's envelope; so is a 2xx
// body that is not the API's answer (isAnswer).
import { chargeUsage } from '../../cost/charge.js';
import { formatUsd } from '../../cost/money.js';
import { RouterError } from '../../openai/errors.js';
import type { Usage } from '../../openai/usage.js';
import type { AttemptContext } from '../attempt.js';
import { readWholeAnswer } from '../relay-json.js';
import { ownedInto, type NativeOut, type Json } from './native-out.js';
import { MessagesUsage, responsesUsage } from './usage.js';

export async function relayNativeJson(a: AttemptContext, out: NativeOut, api: 'responses' | 'messages'): Promise<void> {
  const response = await readWholeAnswer(a);
  const answer = parseObject(response.body);
  // Anything else is the replica's failure before commit, as a chat engine's answer that is not one
  // (src/engines/anthropic/response.ts): never relayed, stored or kept, and the next attempt may answer.
  if (answer === null || !isAnswer(answer, api)) throw new RouterError('upstream_error', `Replica ${a.replica.name} answered with a body that is not ${ANSWER_NAMES[api]}.`);
  // A Response that failed, or completed with nothing in it, is the replica's failure too, as the
  // same answer streamed is (its response.failed before commit): retried, never relayed as a success.
  if (api === 'responses' && (answer['status'] === 'failed' || (answer['status'] === 'completed' && (answer['output'] as unknown[]).length === 0))) {
    throw new RouterError('upstream_error', `Replica ${a.replica.name} answered with a Response that ${answer['status'] === 'failed' ? 'failed' : 'holds no output'}.`);
  }
  const usage = usageOf(answer, api);
  if (usage !== null) chargeUsage(a.result, usage, a.pool.pricing);
  // Native bytes are not chat completions: the chat recorder (the cache's) keeps translated answers only.
  a.recorder?.fail();
  let body = response.body;
  if (api === 'responses') {
    out.lifecycle(answer);
    // The engine's bytes, with only the members the router owns spliced in.
    body = Buffer.from(ownedInto(response.body.toString('utf8'), await out.finished(answer)));
  }
  // Kept for an idempotent retry as sent.
  out.recording?.json(body);
  const { res } = out;
  if (a.result.costNanoUsd !== null) res.setHeader('x-switchyard-cost-usd', formatUsd(a.result.costNanoUsd));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

const ANSWER_NAMES = { responses: 'a Response object', messages: 'an Anthropic Message' } as const;

/**
 * The members that make a body its API's answer, and that what follows reads: a Response (OAS Response:
 * `object: "response"`, `output` an array), a Message (`type: "message"`, `content` an array). A 2xx
 * body in another shape (an error object, a chat completion, the other API's answer) is no answer.
 */
function isAnswer(answer: Json, api: 'responses' | 'messages'): boolean {
  return api === 'responses' ? answer['object'] === 'response' && Array.isArray(answer['output']) : answer['type'] === 'message' && Array.isArray(answer['content']);
}

function usageOf(answer: Json, api: 'responses' | 'messages'): Usage | null {
  if (api === 'responses') return responsesUsage(answer);
  const counts = new MessagesUsage();
  counts.add(answer['usage']);
  return counts.usage();
}

function parseObject(body: Buffer): Json | null {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : null;
  } catch {
    return null;
  }
}
