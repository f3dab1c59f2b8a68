// The attempts of one request: which replica is tried, and with which relay.
import type { ServerResponse } from 'node:http';
import type { RequestRecord } from '../observability/request-record.js';
import { RouterError } from '../openai/errors.js';
import type { Pool } from '../pools/pool.js';
import type { Replica } from '../pools/replica.js';
import type { Decision } from '../routing/decide.js';
import { ENDPOINT_PATHS, type InferenceRequest } from '../routing/inference-request.js';
import { runAttempt } from './attempt.js';
import { upstreamPayload } from './forward.js';
import { relayJson } from './relay-json.js';
import { relaySse } from './relay-sse.js';

export interface ProxyInput {
  readonly request: InferenceRequest;
  readonly decision: Decision<Pool>;
  readonly res: ServerResponse;
  readonly record: RequestRecord;
  /** The request's lifetime: aborted by client disconnect or the deadline. */
  readonly signal: AbortSignal;
}

export async function runAttempts(input: ProxyInput): Promise<void> {
  const { request, decision, res, record } = input;
  const pool = decision.pools[0];
  const replica = pool?.pick(new Set<Replica>()) ?? null;
  if (pool === undefined || replica === null) {
    throw new RouterError('no_replica', `No replica is available for tier ${decision.tier}.`);
  }
  record.pool = pool.name;
  record.replica = replica.name;
  res.setHeader('x-switchyard-pool', pool.name);
  res.setHeader('x-switchyard-replica', replica.name);
  await runAttempt(
    {
      request,
      res,
      record,
      pool,
      replica,
      path: ENDPOINT_PATHS[request.endpoint],
      payload: upstreamPayload(request.body, pool.config.servedModel, request.stream),
    },
    input.signal,
    request.stream ? relaySse : relayJson,
  );
}
