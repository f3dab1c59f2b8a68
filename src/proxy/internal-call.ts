// The router's own requests to a pool (the embeddings and llm classifier modes): one attempt on the
// replica the balancer picks, a tight timeout, no retries — the caller has a fallback.
import type { Pool } from '../pools/pool.js';
import { ENDPOINT_PATHS, type Endpoint } from '../routing/inference-request.js';
import { failureFromStatus, failureFromThrown } from './outcome.js';

const ENDPOINT_BY_PATH = new Map(Object.entries(ENDPOINT_PATHS).map(([endpoint, path]) => [path, endpoint as Endpoint]));

export async function callPool(pool: Pool, path: string, body: Readonly<Record<string, unknown>>, timeoutMs: number): Promise<unknown> {
  const pick = pool.pick(new Set());
  if (pick === null) throw new Error(`pool ${pool.name} has no replica`);
  const { replica } = pick;
  // An inference path goes through the pool's engine adapter (Azure's addresses, Anthropic's Messages);
  // for chat engines it is the same path and the same bytes.
  const endpoint = ENDPOINT_BY_PATH.get(path);
  const { adapter } = pool;
  const upstreamPath = endpoint === undefined ? path : adapter.paths[endpoint];
  if (upstreamPath === null) throw new Error(`pool ${pool.name} (engine ${pool.config.engine}) does not serve ${path}`);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (replica.authorization !== null) headers['authorization'] = replica.authorization;
  if (replica.headers !== null) Object.assign(headers, replica.headers);
  replica.inFlight++;
  try {
    const response = await replica.dispatcher.request({
      path: upstreamPath,
      method: 'POST',
      headers,
      body: endpoint === undefined ? JSON.stringify({ ...body, model: pool.config.servedModel }) : adapter.payload(body, pool.config.servedModel, false),
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await response.body.text();
    if (response.statusCode < 200 || response.statusCode > 299) throw failureFromStatus(response.statusCode, text, replica.name);
    const translate = endpoint === undefined ? null : adapter.translateJson;
    return JSON.parse(translate === null ? text : translate(Buffer.from(text), replica.name).toString('utf8')) as unknown;
  } catch (thrown) {
    throw failureFromThrown(thrown, replica.name);
  } finally {
    replica.inFlight--;
  }
}
