// `npm run train:classifier [-- --corpus PATH] [--out PATH]`: trains the learned complexity classifier
// on the corpus (data/complexity/corpus.jsonl; never the dev set) and writes its weights
// (models/complexity.json). Deterministic: the same corpus gives the same bytes on every run.
// Exit 0 when written; 1 when the corpus cannot be read; 2 for usage errors.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { DEFAULT_MODEL_FILE, readModelFile, serializeWeights } from '../classify/learned/model-file.js';
import { trainModel } from '../classify/learned/train.js';
import { DEFAULT_CORPUS_FILE, readTrainingSet } from '../classify/learned/training-set.js';

const USAGE = 'usage: train-classifier [--corpus PATH] [--out PATH]';

export function trainClassifierCli(args: readonly string[], stdout: (line: string) => void, stderr: (line: string) => void): number {
  let corpus = DEFAULT_CORPUS_FILE;
  let out = DEFAULT_MODEL_FILE;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const named = /^--(corpus|out)(?:=(.*))?$/.exec(arg);
    const value = named === null ? undefined : (named[2] ?? args[++i]);
    if (named === null || value === undefined || value === '') {
      stderr(named === null ? `unknown argument ${arg}` : `--${named[1]} needs a path`);
      stderr(USAGE);
      return 2;
    }
    if (named[1] === 'corpus') corpus = value;
    else out = value;
  }
  let examples;
  try {
    examples = readTrainingSet(corpus);
  } catch (error) {
    stderr(`cannot read the corpus: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const started = process.hrtime.bigint();
  const weights = trainModel(examples);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const text = serializeWeights(weights);
  writeFileSync(out, text);
  // Read back through the router's own loader: a file the router would refuse fails here, not at start.
  const model = readModelFile(out);
  const [simple, moderate, complex] = weights.training.examples;
  const { options } = weights.training;
  stdout(`trained on ${examples.length} examples (simple ${simple}, moderate ${moderate}, complex ${complex}) from ${corpus} in ${seconds.toFixed(1)} s`);
  stdout(
    `options: ${options.epochs} epochs, l2 ${options.l2}, learning rate ${options.learningRate}, class balance ${options.classBalance}, ` +
      `2^${options.textBits} text + 2^${options.contextBits} context buckets, group scales ${options.groupScales.join('/')}`,
  );
  stdout(`wrote ${out}: ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB, ${weights.weights.length} weights, ${model.version}`);
  return 0;
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) process.exitCode = trainClassifierCli(process.argv.slice(2), console.log, console.error);
