import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { DENSE_NAMES } from './dense-features.js';
import { DEFAULT_MODEL_FILE, parseWeights, readModelFile, serializeWeights } from './model-file.js';
import { modelFromWeights } from './model.js';
import { TEST_EXAMPLES } from './test-support.js';
import { trainModel } from './train.js';

const weights = trainModel(TEST_EXAMPLES, { textBits: 10, contextBits: 6 });
const text = serializeWeights(weights);
const dir = mkdtempSync(join(tmpdir(), 'switchyard-model-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const fileWith = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const edited = (edit: (file: Record<string, unknown>) => void) => {
  const file = JSON.parse(text) as Record<string, unknown>;
  edit(file);
  return JSON.stringify(file);
};

t.test('the default model file is models/complexity.json at the repository root', async (t) => {
  t.equal(DEFAULT_MODEL_FILE, fileURLToPath(new URL('../../../models/complexity.json', import.meta.url)));
  t.match(DEFAULT_MODEL_FILE, /[/\\]models[/\\]complexity\.json$/);
});

t.test('written and read back, a model predicts exactly as before', async (t) => {
  const original = modelFromWeights(weights);
  const loaded = readModelFile(fileWith('round-trip.json', text));
  t.equal(loaded.version, original.version);
  t.match(loaded.version, /^complexity-v1\+[0-9a-f]{12}$/);
  for (const example of TEST_EXAMPLES) t.strictSame(loaded.predict(example.body), original.predict(example.body));
  t.equal(serializeWeights(parseWeights(text)), text, 'reading and writing again gives the same bytes');
});

t.test('the weights are float32, so serializing rounds nothing further', async (t) => {
  const parsed = parseWeights(text);
  t.strictSame([...parsed.weights.slice(0, 50)], [...weights.weights.slice(0, 50)]);
  t.ok(text.endsWith('\n'));
});

t.test('a missing, corrupt or incompatible file is refused with a precise message', async (t) => {
  const missing = join(dir, 'absent.json');
  t.throws(() => readModelFile(missing), { message: `model file ${missing}: not found` });
  const cases: [string, string, string][] = [
    ['bad-json.json', '{"format": ', 'not valid JSON ('],
    ['array.json', '[]', 'the file must be a JSON object, got an array of 0'],
    ['format.json', edited((f) => (f['format'] = 'onnx')), 'not a complexity model (format "onnx", expected "switchyard-complexity-model")'],
    ['version.json', edited((f) => (f['version'] = 2)), 'version 2 is not supported (this router reads version 1)'],
    [
      'feature-set.json',
      edited((f) => ((f['spec'] as Record<string, unknown>)['featureSet'] = 'complexity-features-v0')),
      'feature set "complexity-features-v0" is not this router\'s ("complexity-features-v2")',
    ],
    ['bits.json', edited((f) => ((f['spec'] as Record<string, unknown>)['textBits'] = 31)), 'spec.textBits must be an integer from 4 to 20, got 31'],
    [
      'dense.json',
      edited((f) => ((f['spec'] as Record<string, unknown>)['dense'] = DENSE_NAMES.slice(1))),
      `spec.dense does not list this router's ${DENSE_NAMES.length} dense features in order`,
    ],
    [
      'sizes.json',
      edited((f) => ((f['spec'] as Record<string, unknown>)['textBits'] = 11)),
      `weights hold ${weights.weights.length} numbers, expected ${((1 << 11) + (1 << 6) + DENSE_NAMES.length) * 3} (${(1 << 11) + (1 << 6) + DENSE_NAMES.length} rows × 3 classes for textBits 11, contextBits 6)`,
    ],
    [
      'truncated.json',
      edited((f) => (f['weights'] = String(f['weights']).slice(0, 400))),
      `weights hold 75 numbers, expected ${weights.weights.length} (${weights.weights.length / 3} rows × 3 classes for textBits 10, contextBits 6)`,
    ],
    ['not-base64.json', edited((f) => (f['weights'] = 'not base64!')), 'weights must be a base64 string'],
    [
      'options.json',
      edited((f) => ((f['training'] as Record<string, Record<string, unknown>>)['options']!['l2'] = 'strong')),
      'training.options.l2 must be a number, got "strong"',
    ],
  ];
  for (const [name, content, message] of cases) {
    const path = fileWith(name, content);
    const thrown = t.throws(() => readModelFile(path)) as Error;
    if (message.endsWith('(')) t.ok(thrown.message.startsWith(`model file ${path}: ${message}`), thrown.message);
    else t.equal(thrown.message, `model file ${path}: ${message}`, name);
  }
});

t.test('a weight that is not a finite number is refused', async (t) => {
  const bytes = Buffer.from(String((JSON.parse(text) as Record<string, unknown>)['weights']), 'base64');
  bytes.writeFloatLE(Number.NaN, 8);
  const path = fileWith(
    'nan.json',
    edited((f) => (f['weights'] = bytes.toString('base64'))),
  );
  t.throws(() => readModelFile(path), { message: `model file ${path}: weight 2 is not a finite number` });
});
