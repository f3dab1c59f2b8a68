// models/complexity.json: the trained weights as the repository keeps them. JSON with the feature
// layout and the training summary spelled out, and the weights as base64 of little-endian float32
// (a compact, exact and byte-stable encoding). Reading validates everything and says precisely what
// is wrong, so that the router can fall back to the heuristic with a useful log line.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LearnedClassifierModel } from './contract.js';
import { DENSE_NAMES } from './dense-features.js';
import { FEATURE_SET, HASHED_GROUPS, rowCount, type FeatureSpec } from './feature-layout.js';
import { modelFromWeights } from './model.js';
import { WEIGHTS_VERSION, type ModelWeights, type TrainOptions, type TrainingSummary } from './weights.js';

/** models/complexity.json at the repository root: three levels up from src/classify/learned/ and from dist/classify/learned/. */
export const DEFAULT_MODEL_FILE: string = fileURLToPath(new URL('../../../models/complexity.json', import.meta.url));

const FORMAT = 'switchyard-complexity-model';
const MIN_BITS = 4;
const MAX_BITS = 20;

/** The file's text: fixed key order, one weights line, a final newline; the same weights give the same bytes. */
export function serializeWeights(w: ModelWeights): string {
  const bytes = new DataView(new ArrayBuffer(w.weights.length * 4));
  w.weights.forEach((value, i) => bytes.setFloat32(i * 4, value, true));
  const { spec, training } = w;
  const options = training.options;
  const file = {
    format: FORMAT,
    version: w.version,
    spec: {
      featureSet: spec.featureSet,
      textBits: spec.textBits,
      contextBits: spec.contextBits,
      groupScales: [...spec.groupScales],
      signals: spec.signals,
      dense: [...spec.dense],
    },
    training: {
      examples: { simple: training.examples[0], moderate: training.examples[1], complex: training.examples[2] },
      options: {
        epochs: options.epochs,
        l2: options.l2,
        learningRate: options.learningRate,
        classBalance: options.classBalance,
        textBits: options.textBits,
        contextBits: options.contextBits,
        groupScales: [...options.groupScales],
        signals: options.signals,
      },
    },
    weights: Buffer.from(bytes.buffer).toString('base64'),
  };
  const text = JSON.stringify(file, null, 2);
  // Short arrays on one line each, so the file reads well; the layout is fixed, so the bytes are too.
  return text.replace(/\[\n\s+([^\]{}]*?)\n\s*\]/g, (_match, inner: string) => `[${inner.split(/,\n\s+/).join(', ')}]`) + '\n';
}

/** Loads and checks a model file; throws `model file PATH: what is wrong` when it cannot be used. */
export function readModelFile(path: string): LearnedClassifierModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`model file ${path}: ${code === 'ENOENT' ? 'not found' : `cannot be read (${error instanceof Error ? error.message : String(error)})`}`, { cause: error });
  }
  try {
    return modelFromWeights(parseWeights(text));
  } catch (error) {
    throw new Error(`model file ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** The weights in a model file's text; throws a one-line description of the first problem. */
export function parseWeights(text: string): ModelWeights {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const file = record(value, 'the file');
  if (file['format'] !== FORMAT) throw new Error(`not a complexity model (format ${describe(file['format'])}, expected "${FORMAT}")`);
  if (file['version'] !== WEIGHTS_VERSION) throw new Error(`version ${describe(file['version'])} is not supported (this router reads version ${WEIGHTS_VERSION})`);
  const spec = parseSpec(record(file['spec'], 'spec'));
  const training = parseTraining(record(file['training'], 'training'));
  const encoded = file['weights'];
  if (typeof encoded !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) throw new Error('weights must be a base64 string');
  const bytes = Buffer.from(encoded, 'base64');
  const expected = rowCount(spec) * 3;
  if (bytes.length !== expected * 4)
    throw new Error(
      `weights hold ${bytes.length / 4} numbers, expected ${expected} (${rowCount(spec)} rows × 3 classes for textBits ${spec.textBits}, contextBits ${spec.contextBits})`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const weights = new Float32Array(expected);
  for (let i = 0; i < expected; i++) {
    const w = view.getFloat32(i * 4, true);
    if (!Number.isFinite(w)) throw new Error(`weight ${i} is not a finite number`);
    weights[i] = w;
  }
  return { version: WEIGHTS_VERSION, spec, training, weights };
}

function parseSpec(spec: Readonly<Record<string, unknown>>): FeatureSpec {
  if (spec['featureSet'] !== FEATURE_SET) throw new Error(`feature set ${describe(spec['featureSet'])} is not this router's ("${FEATURE_SET}")`);
  const textBits = bits(spec['textBits'], 'spec.textBits');
  const contextBits = bits(spec['contextBits'], 'spec.contextBits');
  const groupScales = numbers(spec['groupScales'], 'spec.groupScales', HASHED_GROUPS.length);
  const signals = spec['signals'];
  if (typeof signals !== 'boolean') throw new Error(`spec.signals must be true or false, got ${describe(signals)}`);
  const dense = spec['dense'];
  if (!Array.isArray(dense) || dense.length !== DENSE_NAMES.length || dense.some((name, i) => name !== DENSE_NAMES[i]))
    throw new Error(`spec.dense does not list this router's ${DENSE_NAMES.length} dense features in order`);
  return { featureSet: FEATURE_SET, textBits, contextBits, groupScales, signals, dense: DENSE_NAMES };
}

function parseTraining(training: Readonly<Record<string, unknown>>): TrainingSummary {
  const examples = record(training['examples'], 'training.examples');
  const count = (key: string) => {
    const n = examples[key];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new Error(`training.examples.${key} must be a count, got ${describe(n)}`);
    return n;
  };
  const options = record(training['options'], 'training.options');
  const number = (key: string) => {
    const n = options[key];
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`training.options.${key} must be a number, got ${describe(n)}`);
    return n;
  };
  const flag = (key: string) => {
    const value = options[key];
    if (typeof value !== 'boolean') throw new Error(`training.options.${key} must be true or false, got ${describe(value)}`);
    return value;
  };
  const parsed: TrainOptions = {
    epochs: number('epochs'),
    l2: number('l2'),
    learningRate: number('learningRate'),
    classBalance: flag('classBalance'),
    textBits: bits(options['textBits'], 'training.options.textBits'),
    contextBits: bits(options['contextBits'], 'training.options.contextBits'),
    groupScales: numbers(options['groupScales'], 'training.options.groupScales', HASHED_GROUPS.length),
    signals: flag('signals'),
  };
  return { examples: [count('simple'), count('moderate'), count('complex')], options: parsed };
}

function record(value: unknown, what: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} must be a JSON object, got ${describe(value)}`);
  return value as Readonly<Record<string, unknown>>;
}

function bits(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_BITS || value > MAX_BITS)
    throw new Error(`${what} must be an integer from ${MIN_BITS} to ${MAX_BITS}, got ${describe(value)}`);
  return value;
}

function numbers(value: unknown, what: string, length: number): number[] {
  if (!Array.isArray(value) || value.length !== length || value.some((n) => typeof n !== 'number' || !Number.isFinite(n)))
    throw new Error(`${what} must be ${length} numbers, got ${describe(value)}`);
  return value as number[];
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return value === null ? 'null' : 'an object';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return typeof value;
}
