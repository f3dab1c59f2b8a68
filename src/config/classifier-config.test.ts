// router.yaml's classifier.learned and classifier.floors: defaults, given values, path-prefixed
// errors, relative weights paths, and what check-config says about weights it cannot read.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { checkConfig } from '../cli/check-config.js';
import { DEFAULT_FLOORS } from '../classify/floors.js';
import { DEFAULT_MODEL_FILE } from '../classify/learned/model-file.js';
import { loadConfigFile, loadConfigText, parseConfigObject } from './load.js';

const BASE = {
  models: { auto: { tiers: ['small', 'large'], classify: true } },
  tiers: { small: { pools: ['sim'] }, large: { pools: ['sim'] } },
  pools: { sim: { engine: 'sim', servedModel: 's', replicas: [{}] } },
};
const withClassifier = (classifier: unknown) => ({ ...structuredClone(BASE), classifier });
const yamlWith = (classifier: string) => `models: { auto: { tiers: [small, large], classify: true } }
tiers: { small: { pools: [sim] }, large: { pools: [sim] } }
pools: { sim: { engine: sim, servedModel: s, replicas: [ {} ] } }
classifier:
${classifier}
`;

function classifierOf(raw: unknown) {
  const loaded = parseConfigObject(raw);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.config.classifier;
}

function errorsOf(raw: unknown): string[] {
  const loaded = parseConfigObject(raw);
  return loaded.ok ? [] : loaded.errors;
}

t.test('defaults: learned mode, the bundled weights, the thresholds and heuristic weight chosen by leave-one-source-out, the default floors', async (t) => {
  for (const [name, raw] of [
    ['no classifier section', structuredClone(BASE)],
    ['an empty section', withClassifier({})],
    ['empty learned and floors blocks', withClassifier({ learned: {}, floors: {} })],
  ] as const) {
    const classifier = classifierOf(raw);
    t.equal(classifier.mode, 'learned', name);
    t.strictSame(classifier.learned, { weights: DEFAULT_MODEL_FILE, complexFrom: 0.47, simpleFrom: 0.43, heuristicWeight: 0.5 }, name);
    t.strictSame(classifier.floors, DEFAULT_FLOORS, name);
  }
  t.match(DEFAULT_MODEL_FILE, /[/\\]models[/\\]complexity\.json$/);
});

t.test('given values: thresholds, floors key by key, null turns a floor off', async (t) => {
  const classifier = classifierOf(
    withClassifier({
      mode: 'learned',
      learned: { weights: '/srv/models/v2.json', complexFrom: 0.3, simpleFrom: 0.7, heuristicWeight: 0 },
      floors: { tools: null, image: 'moderate', longContextTokens: 8192 },
    }),
  );
  t.strictSame(classifier.learned, { weights: '/srv/models/v2.json', complexFrom: 0.3, simpleFrom: 0.7, heuristicWeight: 0 });
  t.strictSame(classifier.floors, { ...DEFAULT_FLOORS, tools: null, image: 'moderate', longContextTokens: 8192 });
  t.equal(classifierOf(withClassifier({ mode: 'heuristic', floors: { audio: null } })).floors.audio, null, 'floors apply to every mode');
});

t.test("a relative weights path is resolved against the config file's directory", async (t) => {
  const dir = t.testdir({ conf: { 'router.yaml': yamlWith('  learned: { weights: models/mine.json }') } });
  const fromFile = await loadConfigFile(join(dir, 'conf', 'router.yaml'));
  if (!fromFile.ok) throw new Error(fromFile.errors.join('\n'));
  t.equal(fromFile.config.classifier.learned.weights, join(dir, 'conf', 'models', 'mine.json'));
  const fromText = loadConfigText(yamlWith('  learned: { weights: ../w.json }'), { source: join(dir, 'conf', 'router.yaml') });
  if (!fromText.ok) throw new Error(fromText.errors.join('\n'));
  t.equal(fromText.config.classifier.learned.weights, join(dir, 'w.json'), 'a reload reads the text with the file as its source');
  t.equal(classifierOf(withClassifier({ learned: { weights: 'w.json' } })).learned.weights, join(process.cwd(), 'w.json'), 'no file: the working directory');
});

t.test('bad learned and floors blocks: every problem, path first', async (t) => {
  const cases: [string, unknown, string[]][] = [
    ['an unknown mode', { mode: 'neural' }, ['classifier.mode: must be one of learned, heuristic, embeddings, llm (got "neural")']],
    ['a threshold above 1', { learned: { complexFrom: 1.5 } }, ['classifier.learned.complexFrom: must be a number from 0 to 1 (got 1.5)']],
    ['a negative threshold', { learned: { simpleFrom: -0.1 } }, ['classifier.learned.simpleFrom: must be a number from 0 to 1 (got -0.1)']],
    ['an empty weights path', { learned: { weights: '' } }, ['classifier.learned.weights: must not be empty']],
    ['weights not a string', { learned: { weights: 3 } }, ['classifier.learned.weights: must be a string (got 3)']],
    ['a misspelt learned key', { learned: { weigths: 'a.json' } }, ['classifier.learned.weigths: unknown key (allowed: weights, complexFrom, simpleFrom, heuristicWeight)']],
    ['a heuristic weight above 1', { learned: { heuristicWeight: 2 } }, ['classifier.learned.heuristicWeight: must be a number from 0 to 1 (got 2)']],
    ['a floor that is not a class', { floors: { image: 'hard' } }, ['classifier.floors.image: must be one of simple, moderate, complex, null (got "hard")']],
    ['a floor given as a boolean', { floors: { tools: false } }, ['classifier.floors.tools: must be one of simple, moderate, complex, null (got false)']],
    ['a long-context threshold of 0', { floors: { longContextTokens: 0 } }, ['classifier.floors.longContextTokens: must be an integer of at least 1 (got 0)']],
    [
      'an unknown floor',
      { floors: { video: 'complex' } },
      ['classifier.floors.video: unknown key (allowed: image, audio, reasoningHigh, reasoningMedium, tools, jsonSchema, longContext, longContextTokens)'],
    ],
    [
      'two problems at once',
      { learned: { complexFrom: 'high' }, floors: { audio: 'loud' } },
      ['classifier.learned.complexFrom: must be a number from 0 to 1 (got "high")', 'classifier.floors.audio: must be one of simple, moderate, complex, null (got "loud")'],
    ],
  ];
  for (const [name, classifier, expected] of cases) t.strictSame(errorsOf(withClassifier(classifier)), expected, name);
});

async function check(path: string) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await checkConfig([path], { env: {}, stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { code, stdout, stderr };
}

t.test('check-config: weights it cannot read are an error at classifier.learned.weights; other modes do not read them', async (t) => {
  const dir = t.testdir({
    'missing.yaml': yamlWith('  learned: { weights: nowhere.json }'),
    'corrupt.yaml': yamlWith('  learned: { weights: corrupt.json }'),
    'heuristic.yaml': yamlWith('  mode: heuristic\n  learned: { weights: nowhere.json }'),
    'good.yaml': yamlWith('  learned: { weights: copy.json }'),
    'corrupt.json': '{"format": "something else"}',
  });
  const missing = await check(join(dir, 'missing.yaml'));
  t.equal(missing.code, 1);
  t.strictSame(missing.stdout, []);
  t.equal(missing.stderr.length, 1);
  t.match(missing.stderr[0], /^classifier\.learned\.weights: .*nowhere\.json.*not found.*the router would start and classify with the heuristic/);
  const corrupt = await check(join(dir, 'corrupt.yaml'));
  t.equal(corrupt.code, 1);
  t.match(corrupt.stderr[0], /^classifier\.learned\.weights: .*corrupt\.json: not a complexity model/);
  t.strictSame(await check(join(dir, 'heuristic.yaml')), { code: 0, stdout: [`${join(dir, 'heuristic.yaml')}: ok — 1 model, 2 tiers, 1 pool, 1 replica`], stderr: [] });
  copyFileSync(DEFAULT_MODEL_FILE, join(dir, 'copy.json'));
  t.strictSame(await check(join(dir, 'good.yaml')), { code: 0, stdout: [`${join(dir, 'good.yaml')}: ok — 1 model, 2 tiers, 1 pool, 1 replica`], stderr: [] });
  writeFileSync(join(dir, 'copy.json'), '');
  t.equal((await check(join(dir, 'good.yaml'))).code, 1, 'an empty weights file');
});
