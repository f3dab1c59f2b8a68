// The router's own requests to a pool (the embeddings and llm classifier modes): one attempt on the
// replica the balancer picks, a tight timeout, no retries — the caller has a fallback.
import type { Pool } from '../pools/pool.js';
import { failureFromStatus, failureFromThrown } from './outcome.js';

export async function callPool(pool: Pool, path: string, body: Readonly<Record<string, unknown>>, timeoutMs: number): Promise<unknown> {
  const pick = pool.pick(new Set());
  if (pick === null) throw new Error(`pool ${pool.name} has no replica`);
  const { replica } = pick;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (replica.authorization !== null) headers['authorization'] = replica.authorization;
  if (replica.headers !== null) Object.assign(headers, replica.headers);
  replica.inFlight++;
  try {
    const response = await replica.dispatcher.request({
      path,
      method: 'POST',
      headers,
      body: JSON.stringify({ ...body, model: pool.config.servedModel }),
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await response.body.text();
    if (response.statusCode < 200 || response.statusCode > 299) throw failureFromStatus(response.statusCode, text, replica.name);
    return JSON.parse(text) as unknown;
  } catch (thrown) {
    throw failureFromThrown(thrown, replica.name);
  } finally {
    replica.inFlight--;
  }
}
