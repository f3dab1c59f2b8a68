// The classifier's public surface, for the router (runtime, decide) and the CLIs.
export { COMPLEXITIES, formatReason, isComplexity, type Classification, type Complexity } from './classification.js';
export { DEFAULT_PRICES, DEFAULT_ROUTE, evaluate, type Evaluation, type Outcome, type Prices, type Route } from './evaluate.js';
export { classifyHeuristic } from './heuristic.js';
export { parseLabelledSet, type LabelledItem, type LabelledSet } from './labelled-set.js';
export {
  DEFAULT_HEURISTIC_SETTINGS,
  resolveHeuristicSettings,
  SIGNAL_REASONS,
  type HeuristicOverrides,
  type HeuristicSettings,
  type HeuristicWeights,
  type SignalName,
} from './settings.js';
