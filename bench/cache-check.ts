// Before the response cache's setups are measured, both bench modes check that they measure what
// their label says: two requests of the setup's traffic in each shape, and the second's
// x-switchyard-cache must read `hit` (the same prompt again), `miss` (a new prompt, the cache on) or
// be absent (the cache off). A wrong answer stops the bench before any numbers are taken.
import { randomUUID } from 'node:crypto';
import { NONCE, SECRET, bodies, type Traffic } from './servers.js';

/** What x-switchyard-cache must say on a setup's requests; null: the header is absent (no cache). */
export type CacheExpectation = 'hit' | 'miss' | null;

/** The first body of a setup's traffic, as the load generators send it (a NONCE replaced by a number of its own). */
export const sampleBody = (model: string, stream: boolean, traffic: Traffic): string => bodies(model, stream, traffic)[0]!.toString('utf8').replace(NONCE, `check-${randomUUID()}`);

export async function checkCache(label: string, url: string, model: string, traffic: Traffic, keyed: boolean, expected: CacheExpectation): Promise<void> {
  for (const stream of [false, true]) {
    const send = async (): Promise<string | null> => {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(keyed ? { authorization: `Bearer ${SECRET}` } : {}) },
        body: sampleBody(model, stream, traffic),
      });
      await response.text();
      if (response.status !== 200) throw new Error(`${label}: the cache check's request answered ${response.status}`);
      return response.headers.get('x-switchyard-cache');
    };
    await send();
    const second = await send();
    if (second !== expected) {
      throw new Error(`${label}: a second ${stream ? 'streamed' : 'plain'} request read x-switchyard-cache ${second ?? '(absent)'}, not ${expected ?? '(absent)'}`);
    }
  }
}
