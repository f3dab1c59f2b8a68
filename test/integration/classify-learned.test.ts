// The learned classifier in a real router, through the official `openai` SDK: the bundled model
// decides (reasons start with "model"), floors send an image or a high reasoning effort with trivial
// words to the large tier, missing weights fall back to the heuristic without failing a request, and
// a reload that points at other weights, or finds the same file changed, changes decisions.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type OpenAI from 'openai';
import t, { type Test } from 'tap';
import { stringify } from 'yaml';
import { DEFAULT_MODEL_FILE } from '../../src/classify/learned/model-file.js';
import { startFakeEngine } from '../fixtures/fake-engine.js';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';
import { ADMIN_TOKEN } from '../fixtures/wait.js';

const [small, large] = await Promise.all([startFakeEngine(), startFakeEngine()]);
t.teardown(() => Promise.all([small.close(), large.close()]));
const dir = await mkdtemp(join(tmpdir(), 'switchyard-learned-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const env = { ...process.env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN };

const pool = (name: string, url: string) => ({
  engine: 'vllm',
  servedModel: `served-${name}`,
  healthCheck: { intervalMs: 0 },
  engineMetrics: { intervalMs: 0 },
  replicas: [{ name: `${name}-r0`, url }],
});

/** The shipped route: simple and moderate to small, complex to large. */
function config(classifier: Record<string, unknown> = {}) {
  return {
    logging: { level: 'info' },
    classifier,
    models: { auto: { tiers: ['small', 'large'], classify: true, route: { simple: 'small', moderate: 'small', complex: 'large' } } },
    tiers: { small: { pools: ['small'] }, large: { pools: ['large'] } },
    pools: { small: pool('small', small.url), large: pool('large', large.url) },
  };
}

async function router(tt: Test, cfg: unknown, configPath?: string): Promise<TestRouter> {
  const test = await startTestRouter(cfg, env, configPath === undefined ? {} : { configPath, watchConfig: false });
  tt.teardown(() => test.close());
  return test;
}

type Body = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;

async function ask(test: TestRouter, content: Body['messages'][number]['content'], extra: Partial<Body> = {}) {
  const { response } = await test.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content } as Body['messages'][number]], ...extra }).withResponse();
  return {
    status: response.status,
    tier: response.headers.get('x-switchyard-tier'),
    complexity: response.headers.get('x-switchyard-complexity'),
    reason: response.headers.get('x-switchyard-reason') ?? '',
  };
}

const TRIVIAL = 'hi there!';
const IMAGE: Body['messages'][number]['content'] = [
  { type: 'text', text: 'hi' },
  { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
];

const adminReload = async (test: TestRouter) => {
  const res = await fetch(`${test.url}/admin/config/reload`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** The bundled weights with every weight set to 0: every class equally likely, so every request is moderate (0.5/0.5). */
function zeroedWeights(path: string): void {
  const file = JSON.parse(readFileSync(DEFAULT_MODEL_FILE, 'utf8')) as { weights: string };
  file.weights = Buffer.alloc(Buffer.from(file.weights, 'base64').length).toString('base64');
  writeFileSync(path, JSON.stringify(file));
}

t.test('learned by default: the model decides, and its reasons start with "model"', async (t) => {
  const test = await router(t, config());
  const easy = await ask(test, TRIVIAL);
  t.match(easy, { status: 200, complexity: 'simple', tier: 'small' });
  t.match(easy.reason, /^simple: model(\+[a-z-]+)*$/);
  t.match(test.logs, [{ msg: 'classifier model loaded', weights: DEFAULT_MODEL_FILE }]);
});

t.test('an image or a high reasoning effort with trivial words is complex and goes to the large tier', async (t) => {
  for (const mode of ['learned', 'heuristic']) {
    const test = await router(t, config({ mode }));
    const image = await ask(test, IMAGE);
    t.match(image, { status: 200, complexity: 'complex', tier: 'large' }, `${mode}: image`);
    t.match(image.reason, /^complex: .*\+image$/);
    const effort = await ask(test, TRIVIAL, { reasoning_effort: 'high' });
    t.match(effort, { status: 200, complexity: 'complex', tier: 'large' }, `${mode}: reasoning_effort high`);
    t.match(effort.reason, /^complex: .*\+reasoning-high$/);
    t.equal(large.requests.at(-1)?.body?.['reasoning_effort'], 'high', 'the field still reaches the engine');
    const plain = await ask(test, TRIVIAL);
    t.match(plain, { complexity: 'simple', tier: 'small' }, `${mode}: the same words without them stay small`);
  }
  const off = await router(t, config({ floors: { image: null } }));
  t.match(await ask(off, IMAGE), { tier: 'small' }, 'floors.image: null leaves the image to the model');
});

t.test('weights that cannot be read: the router starts, warns once, and every request is served by the heuristic', async (t) => {
  const missing = join(dir, 'missing.json');
  const test = await router(t, config({ learned: { weights: missing } }));
  const answers = [await ask(test, TRIVIAL), await ask(test, 'Prove that the square root of 2 is irrational, step by step.')];
  for (const answer of answers) {
    t.equal(answer.status, 200);
    t.match(answer.reason, /^[a-z]+: heuristic-fallback(\+|$)/);
  }
  const warnings = test.logs.filter((line) => line['msg'] === 'classifier weights could not be read; classifying with the heuristic');
  t.equal(warnings.length, 1);
  t.match(warnings[0], { level: 'warn', weights: missing, reason: /not found/ });
});

t.test('reload: other weights, the same file changed, and a broken file each take effect', async (t) => {
  const configPath = join(dir, 'router.yaml');
  const first = join(dir, 'first.json');
  copyFileSync(DEFAULT_MODEL_FILE, first);
  // The model alone (heuristicWeight 0), so that what a reload changes is the weights' verdict.
  const test = await router(t, config({ learned: { weights: first, heuristicWeight: 0 } }), configPath);
  t.match(await ask(test, TRIVIAL), { complexity: 'simple', reason: /^simple: model/ });

  // A relative path, resolved against the config file's directory.
  zeroedWeights(join(dir, 'zeroed.json'));
  writeFileSync(configPath, stringify(config({ learned: { weights: 'zeroed.json', heuristicWeight: 0 } })));
  t.match(await adminReload(test), { status: 200 });
  t.match(await ask(test, TRIVIAL), { complexity: 'moderate', reason: /^moderate: model/ }, 'the new weights decide');

  // The same config, the file's content replaced: a reload reads it again.
  copyFileSync(DEFAULT_MODEL_FILE, join(dir, 'zeroed.json'));
  t.match(await adminReload(test), { status: 200 });
  t.match(await ask(test, TRIVIAL), { complexity: 'simple', reason: /^simple: model/ }, 'the replaced content decides');

  // A broken file: the reload applies, the heuristic serves, and the log says why.
  writeFileSync(join(dir, 'zeroed.json'), '{ not json');
  t.match(await adminReload(test), { status: 200 });
  const fallback = await ask(test, TRIVIAL);
  t.match(fallback, { status: 200, reason: /^[a-z]+: heuristic-fallback/ });
  t.match(
    test.logs.filter((line) => line['level'] === 'warn' && line['msg'] === 'classifier weights could not be read; classifying with the heuristic'),
    [{ weights: join(dir, 'zeroed.json'), reason: /not valid JSON/ }],
  );
});
