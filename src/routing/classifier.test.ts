// RequestClassifier in learned mode with a hand-made model: the weights are read once per build, a
// missing file falls back to the heuristic (and says so in every reason), the thresholds come from
// the config, and the floors apply after every mode.
import t from 'tap';
import type { ClassProbabilities, LearnedClassifierModel } from '../classify/learned/contract.js';
import { parseConfigObject } from '../config/load.js';
import type { ClassifierConfig } from '../config/types.js';
import { createLogger } from '../observability/logger.js';
import { RequestClassifier, type ModelReader } from './classifier.js';

function classifierConfig(classifier: Record<string, unknown>): ClassifierConfig {
  const loaded = parseConfigObject({
    classifier,
    models: { m: { tiers: ['t'] } },
    tiers: { t: { pools: ['p'] } },
    pools: { p: { engine: 'vllm', servedModel: 's', replicas: [{ url: 'http://127.0.0.1:1' }] } },
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.config.classifier;
}

/** A model whose probabilities depend only on whether the last turn mentions "hard". */
function fakeModel(version = 'fake-v1'): LearnedClassifierModel & { calls: number } {
  return {
    version,
    calls: 0,
    predict(body) {
      this.calls += 1;
      const hard = JSON.stringify(body).includes('hard');
      const probabilities: ClassProbabilities = hard ? [0.1, 0.2, 0.7] : [0.8, 0.15, 0.05];
      return { probabilities, evidence: hard ? ['words'] : ['short'] };
    },
  };
}

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

const ask = (content: unknown, extra: Record<string, unknown> = {}) => ({ messages: [{ role: 'user', content }], ...extra });
const IMAGE = [
  { type: 'text', text: 'what is this?' },
  { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
];

t.test('learned mode: the model decides with the configured thresholds; reasons start with "model"', async (t) => {
  const model = fakeModel();
  const reads: string[] = [];
  const reader: ModelReader = (path) => {
    reads.push(path);
    return model;
  };
  const { logger, lines } = capture();
  const classifier = new RequestClassifier(classifierConfig({ mode: 'learned', learned: { weights: '/models/a.json', heuristicWeight: 0 } }), new Map(), logger, Date.now, reader);
  const hard = await classifier.classify(ask('a hard one'));
  const easy = await classifier.classify(ask('hi'));
  t.equal(hard.complexity, 'complex');
  t.equal(easy.complexity, 'simple');
  t.equal(hard.reasons[0], 'model');
  t.equal(easy.reasons[0], 'model');
  t.strictSame(reads, ['/models/a.json'], 'the weights are read once, when the classifier is built');
  t.equal(model.calls, 2);
  t.equal(classifier.modelVersion, 'fake-v1');
  t.match(lines, [{ level: 'info', msg: 'classifier model loaded', weights: '/models/a.json', version: 'fake-v1' }]);

  const strict = new RequestClassifier(
    classifierConfig({ learned: { weights: '/m.json', complexFrom: 0.9, simpleFrom: 0.9, heuristicWeight: 0 } }),
    new Map(),
    undefined,
    Date.now,
    () => fakeModel(),
  );
  t.equal((await strict.classify(ask('a hard one'))).complexity, 'moderate', 'complexFrom 0.9: P(complex) 0.7 is not enough');
  t.equal((await strict.classify(ask('hi'))).complexity, 'moderate', 'simpleFrom 0.9: P(simple) 0.8 is not enough');
});

t.test("learned mode blends in the heuristic's vote by classifier.learned.heuristicWeight", async (t) => {
  const model = fakeModel();
  const blended = new RequestClassifier(classifierConfig({ learned: { weights: '/m.json', heuristicWeight: 0.5 } }), new Map(), undefined, Date.now, () => model);
  // The model says [0.1, 0.2, 0.7]; the heuristic calls "a hard one" simple: 0.5 × model + 0.5 × [0.8, 0.1, 0.1]
  // = [0.45, 0.15, 0.4]: below complexFrom 0.47, and P(simple) 0.45 ≥ simpleFrom 0.43.
  t.strictSame(await blended.classify(ask('a hard one')), { complexity: 'simple', score: 0.7, reasons: ['model', 'heuristic'] });
  // A proof the heuristic calls complex: [0.05, 0.1, 0.35 + 0.4] → complex, the model's own evidence.
  t.strictSame(await blended.classify(ask('a hard one: prove that the square root of 2 is irrational, step by step, with a full proof.')), {
    complexity: 'complex',
    score: 0.7,
    reasons: ['model', 'words'],
  });
});

t.test('learned is the default mode, with the bundled weights', async (t) => {
  const config = classifierConfig({});
  t.equal(config.mode, 'learned');
  const reads: string[] = [];
  new RequestClassifier(config, new Map(), undefined, Date.now, (path) => {
    reads.push(path);
    return fakeModel();
  });
  t.equal(reads.length, 1);
  t.match(reads[0], /models[/\\]complexity\.json$/);
});

t.test('weights that cannot be read: one warning, then the heuristic, every reason led by heuristic-fallback', async (t) => {
  const { logger, lines } = capture();
  const reader: ModelReader = (path) => {
    throw new Error(`${path}: cannot read the weights (ENOENT)`);
  };
  const classifier = new RequestClassifier(classifierConfig({ learned: { weights: '/nowhere/w.json' } }), new Map(), logger, Date.now, reader);
  t.equal(classifier.modelVersion, null);
  const results = [await classifier.classify(ask('hi there!')), await classifier.classify(ask('Prove that there are infinitely many primes, step by step.'))];
  for (const result of results) t.equal(result.reasons[0], 'heuristic-fallback');
  t.ok(results.every((r) => r.reasons.length <= 3));
  const warnings = lines.filter((line) => line['level'] === 'warn');
  t.equal(warnings.length, 1, 'warned once, at load, not per request');
  t.match(warnings[0], { weights: '/nowhere/w.json', reason: '/nowhere/w.json: cannot read the weights (ENOENT)', msg: /classifying with the heuristic/ });
});

t.test('a model that throws on a request: the heuristic answers, as learned-failed', async (t) => {
  const broken: LearnedClassifierModel = {
    version: 'broken',
    predict() {
      throw new Error('bug');
    },
  };
  const classifier = new RequestClassifier(classifierConfig({}), new Map(), undefined, Date.now, () => broken);
  const result = await classifier.classify(ask('hi'));
  t.equal(result.reasons[0], 'learned-failed');
});

t.test('other modes never read weights', async (t) => {
  let reads = 0;
  const reader: ModelReader = () => {
    reads += 1;
    return fakeModel();
  };
  new RequestClassifier(classifierConfig({ mode: 'heuristic' }), new Map(), undefined, Date.now, reader);
  t.equal(reads, 0);
});

t.test('the floors apply after every mode, fallbacks included', async (t) => {
  const configs: [string, ClassifierConfig, ModelReader][] = [
    ['learned', classifierConfig({}), () => fakeModel()],
    ['heuristic', classifierConfig({ mode: 'heuristic' }), () => fakeModel()],
    [
      'learned, fallen back',
      classifierConfig({}),
      () => {
        throw new Error('no weights');
      },
    ],
  ];
  for (const [name, config, reader] of configs) {
    const classifier = new RequestClassifier(config, new Map(), undefined, Date.now, reader);
    t.equal((await classifier.classify(ask('hi'))).complexity, 'simple', `${name}: trivial words are simple`);
    const image = await classifier.classify(ask(IMAGE));
    t.equal(image.complexity, 'complex', `${name}: an image is complex`);
    t.equal(image.reasons.at(-1), 'image', name);
    const effort = await classifier.classify(ask('hi', { reasoning_effort: 'high' }));
    t.strictSame([effort.complexity, effort.reasons.at(-1)], ['complex', 'reasoning-high'], `${name}: high effort is complex`);
  }
  const off = new RequestClassifier(classifierConfig({ floors: { image: null } }), new Map(), undefined, Date.now, () => fakeModel());
  t.equal((await off.classify(ask(IMAGE))).complexity, 'simple', 'floors.image: null turns it off');
});

t.test('a body classified with its digest is recalled by it: the model is not asked again', async (t) => {
  const model = fakeModel();
  const classifier = new RequestClassifier(classifierConfig({ learned: { weights: '/m.json', heuristicWeight: 0 } }), new Map(), undefined, Date.now, () => model);
  t.equal(classifier.recall('d1'), undefined, 'nothing before it was classified');
  const first = await classifier.classify(ask('a hard one'), 'd1');
  t.equal(classifier.recall('d1'), first, 'the same classification');
  t.equal(classifier.recall('d2'), undefined);
  await classifier.classify(ask('hi'));
  t.equal(model.calls, 2);
  t.equal(classifier.recall('d2'), undefined, 'without a digest nothing is remembered');
  const heuristic = new RequestClassifier(classifierConfig({ mode: 'heuristic' }), new Map(), undefined);
  t.strictSame(heuristic.recall('h'), undefined);
  t.equal(heuristic.recall('h') ?? (await heuristic.classify(ask('hi'), 'h')), heuristic.recall('h'), 'the heuristic mode remembers too');
});

t.test('the modes that ask a pool remember nothing: their answer, or their fallback, may differ next time', async (t) => {
  const { logger } = capture();
  const classifier = new RequestClassifier(classifierConfig({ mode: 'llm', llm: { pool: 'p' } }), new Map(), logger);
  const result = await classifier.classify(ask('hi'), 'd');
  t.equal(result.reasons[0], 'llm-failed', 'the labeller could not be asked (no such pool): the heuristic answered');
  t.equal(classifier.recall('d'), undefined);
});
