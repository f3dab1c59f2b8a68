// What eval-classifier runs with: its options, the route, prices, thresholds and floors read from
// router.yaml (or the built-in defaults), the learned model's kit, and the helpers every part of the
// evaluation shares to classify a request and to read its inputs.
import { access, readFile } from 'node:fs/promises';
import type { Classification, Complexity } from '../classify/classification.js';
import { DEFAULT_ROUTE, type Prices, type Route } from '../classify/evaluate.js';
import { routePrices } from './eval-prices.js';
import { applyFloors, DEFAULT_FLOORS, type ClassifierFloors } from '../classify/floors.js';
import { classifyHeuristic } from '../classify/heuristic.js';
import { blendWithHeuristic } from '../classify/learned/blend.js';
import { classifyLearned, type HeuristicVote } from '../classify/learned/classify-learned.js';
import type { ClassProbabilities, LearnedClassifierModel } from '../classify/learned/contract.js';
import type { Trainer } from '../classify/learned/loso.js';
import { DEFAULT_MODEL_FILE, readModelFile } from '../classify/learned/model-file.js';
import { modelFromWeights } from '../classify/learned/model.js';
import type { LearnedThresholds } from '../classify/learned/thresholds.js';
import { trainModel } from '../classify/learned/train.js';
import { DEFAULT_HEURISTIC_SETTINGS, type HeuristicSettings } from '../classify/settings.js';
import { DEFAULTS } from '../config/defaults.js';
import { loadConfigFile } from '../config/load.js';

export interface EvalClassifierIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** What the evaluation needs of the learned model; tests pass a stand-in. */
export interface LearnedKit {
  readonly train: Trainer;
  /** Reads a weights file; throws an Error saying why it cannot. */
  readonly load: (path: string) => LearnedClassifierModel;
  readonly defaultWeights: string;
}

export const DEFAULT_KIT: LearnedKit = {
  train: (examples) => modelFromWeights(trainModel(examples)),
  load: readModelFile,
  defaultWeights: DEFAULT_MODEL_FILE,
};

const DEFAULT_CONFIG = 'router.yaml';

export type ClassifierChoice = 'heuristic' | 'learned';

export interface Options {
  readonly file: string | null;
  readonly prices: Prices;
  /** Prices given on the command line, which win over router.yaml's. */
  readonly givenPrices: Prices;
  readonly errors: boolean;
  readonly config: string | null;
  readonly model: string;
  readonly classifier: ClassifierChoice | null;
  readonly weights: string | null;
  readonly corpus: string;
  readonly dev: string;
  /** Items of sources never trained on (data/complexity/heldout.jsonl), read with the dev set. */
  readonly heldout: string;
  readonly loso: boolean;
  readonly devSet: boolean;
  readonly sources: ReadonlySet<string> | null;
  readonly svg: string | null;
}

export interface Setup {
  readonly source: string;
  readonly route: Route;
  readonly prices: Prices;
  readonly settings: HeuristicSettings;
  /** The configured mode when it is one this command can run offline; null for embeddings and llm. */
  readonly mode: ClassifierChoice | null;
  readonly thresholds: LearnedThresholds;
  /** classifier.learned.heuristicWeight: the heuristic's share of the vote (blend.ts). */
  readonly heuristicWeight: number;
  readonly weights: string;
  readonly floors: ClassifierFloors;
}

/** Route, prices, thresholds and the rest from router.yaml when there is one; the built-in defaults otherwise. */
export async function setupFrom(options: Options, kit: LearnedKit): Promise<Setup | string> {
  const path =
    options.config ??
    ((await access(DEFAULT_CONFIG).then(
      () => true,
      () => false,
    ))
      ? DEFAULT_CONFIG
      : null);
  if (path === null) {
    return {
      source: 'built-in defaults',
      route: DEFAULT_ROUTE,
      prices: options.prices,
      settings: DEFAULT_HEURISTIC_SETTINGS,
      mode: 'heuristic',
      thresholds: DEFAULTS.classifier.learned,
      heuristicWeight: DEFAULTS.classifier.learned.heuristicWeight,
      weights: options.weights ?? kit.defaultWeights,
      floors: DEFAULT_FLOORS,
    };
  }
  const loaded = await loadConfigFile(path);
  if (!loaded.ok) return `${path} is not a valid config:\n  ${loaded.errors.join('\n  ')}`;
  const model = loaded.config.models[options.model];
  if (model === undefined) return `${path} has no model alias ${JSON.stringify(options.model)} (use --model)`;
  const priced = routePrices(loaded.config, model.route, options.givenPrices);
  if (typeof priced === 'string') return `${path}: ${priced}`;
  const { classifier } = loaded.config;
  return {
    source: `${path}, model ${options.model}; prices: ${priced.basis}`,
    route: model.route,
    prices: priced.prices,
    settings: classifier.heuristic,
    mode: classifier.mode === 'learned' || classifier.mode === 'heuristic' ? classifier.mode : null,
    thresholds: { complexFrom: classifier.learned.complexFrom, simpleFrom: classifier.learned.simpleFrom },
    heuristicWeight: classifier.learned.heuristicWeight,
    weights: options.weights ?? classifier.learned.weights,
    floors: classifier.floors,
  };
}

export function classifyWith(setup: Setup, mode: ClassifierChoice, model: LearnedClassifierModel | null, body: Readonly<Record<string, unknown>>): Classification {
  const raw = mode === 'learned' && model !== null ? classifyLearned(body, model, setup.thresholds, heuristicVote(setup, body)) : classifyHeuristic(body, setup.settings);
  return applyFloors(body, raw, setup.floors);
}

/** The heuristic's vote on a request as the router casts it (routing/classifier.ts). */
function heuristicVote(setup: Setup, body: Readonly<Record<string, unknown>>): HeuristicVote {
  return { weight: setup.heuristicWeight, ask: () => classifyHeuristic(body, setup.settings).complexity };
}

/**
 * The model's probabilities for a request as the router decides on them: blended with the heuristic's
 * vote. (The router asks the heuristic only when its vote could change the class; the class is the same.)
 */
export function routedProbabilities(setup: Setup, body: Readonly<Record<string, unknown>>, model: ClassProbabilities): ClassProbabilities {
  return setup.heuristicWeight === 0 ? model : blendWithHeuristic(model, classifyHeuristic(body, setup.settings).complexity, setup.heuristicWeight);
}

/** The least class the floors allow for a request: what a `simple` verdict is lifted to. */
export function floorOf(setup: Setup, body: Readonly<Record<string, unknown>>): Complexity {
  return applyFloors(body, { complexity: 'simple', score: 0, reasons: [] }, setup.floors).complexity;
}

export async function readText(path: string, io: EvalClassifierIo): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    io.stderr(`eval-classifier: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

export function loadModel(kit: LearnedKit, path: string, io: EvalClassifierIo): LearnedClassifierModel | null {
  try {
    return kit.load(path);
  } catch (error) {
    io.stderr(`eval-classifier: cannot load the weights ${path}: ${error instanceof Error ? error.message : String(error)} (npm run train:classifier)`);
    return null;
  }
}
