// A cacheable request is classified once: its repeats (hits, and equal bodies in other bytes) take the
// classification made for it (src/routing/classification-memo.ts), with the same class, tier and reason
// in their headers. What bypasses the cache is classified as before, a pinned tier not at all, and a
// reload starts a new memo, so a changed classifier decides again.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { RequestClassifier } from '../../src/routing/classifier.js';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { configFor, startTestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN } from '../fixtures/wait.js';

const small = await startFakeEngine();
const large = await startFakeEngine();
t.teardown(() => Promise.all([small.close(), large.close()]));

// Every classification the router makes, counted where it is made.
let classified = 0;
type Classify = (this: RequestClassifier, ...args: Parameters<RequestClassifier['classify']>) => ReturnType<RequestClassifier['classify']>;
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with its own `this` (apply) below
const classify: Classify = RequestClassifier.prototype.classify;
RequestClassifier.prototype.classify = function (...args) {
  classified += 1;
  return classify.apply(this, args);
};
t.teardown(() => {
  RequestClassifier.prototype.classify = classify;
});

function config(complexFrom: number) {
  return {
    ...configFor({ small: [small.url], large: [large.url] }),
    classifier: { mode: 'heuristic', heuristic: { thresholds: { simpleBelow: 1, complexFrom } } },
    models: {
      gpu: {
        tiers: ['small', 'large'],
        classify: true,
        route: { simple: 'small', moderate: 'small', complex: 'large' },
        allowTierHeader: true,
        cache: { deterministicOnly: true },
      },
    },
  };
}

const PROOF = 'Prove that there are infinitely many primes, step by step, with a rigorous argument.';
const BODY = { model: 'gpu', temperature: 0, messages: [{ role: 'user', content: PROOF }] };

t.test('repeats of a cacheable body are classified once; bypasses are classified; a pin is not; a reload decides again', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-cache-classify-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'router.yaml');
  const test = await startTestRouter(config(2.5), { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN }, { configPath: path, watchConfig: false });
  t.teardown(() => test.close());
  const post = async (body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${test.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await res.text();
    const read = (name: string) => res.headers.get(name);
    return { status: res.status, cache: read('x-switchyard-cache'), decided: [read('x-switchyard-complexity'), read('x-switchyard-tier'), read('x-switchyard-reason')] };
  };

  const first = await post(JSON.stringify(BODY));
  t.equal(first.cache, 'miss');
  t.equal(first.decided[1], 'large', 'a proof is complex at complexFrom 2.5');
  t.equal(classified, 1);
  const hit = await post(JSON.stringify(BODY));
  t.strictSame([hit.cache, hit.decided], ['hit', first.decided], 'the hit says what the first request was decided as');
  // Equal JSON in other bytes: the same canonical body, so the same digest.
  const reordered = await post(`{ "messages": [{"content": ${JSON.stringify(PROOF)}, "role": "user"}], "temperature": -0.0, "model": "gpu", "stream": false }`);
  t.strictSame([reordered.cache, reordered.decided], ['hit', first.decided]);
  t.equal(classified, 1, 'neither repeat was classified again');

  const bypassed = await post(JSON.stringify(BODY), { 'cache-control': 'no-store' });
  t.strictSame([bypassed.cache, bypassed.decided], ['bypass', first.decided]);
  t.equal(classified, 2, 'a request that bypasses the cache is classified');
  const varied = await post(JSON.stringify({ ...BODY, temperature: 0.7 }));
  t.equal(varied.cache, 'bypass', 'not deterministic');
  t.equal(classified, 3);
  const pinned = await post(JSON.stringify(BODY), { 'x-switchyard-tier': 'small' });
  t.strictSame([pinned.cache, pinned.decided], ['miss', [null, 'small', 'pinned: small']]);
  t.equal(classified, 3, 'a pinned tier is not classified');

  // The same body under a classifier that now calls it moderate (complexFrom 100): decided anew, on small.
  await writeFile(path, stringify(config(100)));
  const reload = await fetch(`${test.url}/admin/config/reload`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  t.equal(reload.status, 200, await reload.text());
  const after = await post(JSON.stringify(BODY));
  t.equal(classified, 4, 'the new classifier has not seen it');
  t.strictSame([after.cache, after.decided[0], after.decided[1]], ['hit', 'moderate', 'small'], "small's entry, stored by the pinned request");
  t.equal(small.requests.length + large.requests.length, 4, 'the engines saw the first request, the two bypasses and the pin; the rest were hits');
});
