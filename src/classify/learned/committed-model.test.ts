// The committed weights are what `npm run train:classifier` makes from the committed corpus, byte
// for byte: a fresh clone reproduces them, and nobody can commit weights the corpus does not give.
import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { DEFAULT_MODEL_FILE, readModelFile, serializeWeights } from './model-file.js';
import { trainModel } from './train.js';
import { DEFAULT_CORPUS_FILE, readTrainingSet } from './training-set.js';

const TITLE = 're-training on the corpus reproduces models/complexity.json byte for byte';
if (!existsSync(DEFAULT_CORPUS_FILE)) {
  t.test(TITLE, { skip: `${DEFAULT_CORPUS_FILE} does not exist yet (scripts/corpus/build.ts builds it); nothing to compare the weights with` }, () => {});
} else {
  t.test(TITLE, async (t) => {
    t.ok(existsSync(DEFAULT_MODEL_FILE), `${DEFAULT_MODEL_FILE} is committed beside the corpus`);
    const trained = serializeWeights(trainModel(readTrainingSet(DEFAULT_CORPUS_FILE)));
    const committed = readFileSync(DEFAULT_MODEL_FILE, 'utf8');
    t.ok(trained === committed, 'identical bytes (run `npm run train:classifier` and commit models/complexity.json if the corpus changed)');
    t.ok(Buffer.byteLength(committed) < 2 * 1024 * 1024, 'under 2 MB');
    t.match(readModelFile(DEFAULT_MODEL_FILE).version, /^complexity-v1\+[0-9a-f]{12}$/);
  });
}
