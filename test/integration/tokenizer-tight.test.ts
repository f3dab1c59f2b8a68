// Tight budgets estimate every request with the tokenizer, so it is loaded before a config in tight mode
// serves: on a reload into tight mode (here) and at start (the second router). In a process of its
// own: the tokenizer, once loaded, stays (tokenizer-loading.test.ts covers the strict routers that never load it).
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { tokenizerLoaded } from '../../src/budgets/estimate.js';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { startTestRouter } from '../fixtures/start-router.js';

const SECRET = 'sy-test-secret-for-tight-mode';
const engine = await startFakeEngine();
const dir = await mkdtemp(join(tmpdir(), 'switchyard-tokenizer-'));
t.teardown(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

const config = (budgetMode: 'strict' | 'tight') => ({
  auth: { required: true, keys: [{ id: 'team', hash: createHash('sha256').update(SECRET).digest('hex'), prefix: SECRET.slice(0, 8), limits: { tokensPerDay: 100_000 } }] },
  budgets: { budgetMode },
  models: { small: { tiers: ['small'] } },
  tiers: { small: { pools: ['small'] } },
  pools: { small: { engine: 'vllm', servedModel: 'served', healthCheck: { intervalMs: 0 }, engineMetrics: { intervalMs: 0 }, replicas: [{ name: 'r0', url: engine.url }] } },
});

t.test('a reload into tight mode loads the tokenizer before the new config serves', async (t) => {
  const path = join(dir, 'router.yaml');
  const test = await startTestRouter(config('strict'), process.env, { configPath: path, watchConfig: false });
  t.teardown(() => test.close());
  t.equal(tokenizerLoaded(), false, 'strict: not at start');
  await writeFile(path, stringify(config('tight')));
  t.strictSame(await test.router.reload(), { ok: true, changed: true });
  t.equal(tokenizerLoaded(), true, 'loaded by the time the reload is applied');
});

t.test('a router that starts in tight mode has it loaded', async (t) => {
  const test = await startTestRouter(config('tight'));
  t.teardown(() => test.close());
  t.equal(tokenizerLoaded(), true);
});
