// `eval-classifier [FILE] [options]`: how well the complexity classifier routes requests it was not
// fitted to.
//
// Without FILE, the full evaluation of the learned classifier (README, "Complexity routing"):
//   1. leave-one-source-out on the corpus (data/complexity/corpus.jsonl): for every source, a model
//      trained on the other sources (and on no conversation built around the held-out one) predicts
//      that source's items; the held-out predictions are pooled and scored, overall and per source,
//      language and single/multi-turn;
//   2. the dev set (test/fixtures/complexity/) with the committed weights (trained on the whole
//      corpus, which never holds a dev item): a second unseen check;
//   3. the cost/quality curve over classifier.learned.complexFrom from the pooled held-out
//      probabilities (a table, and an SVG with --svg), and the thresholds that best meet the
//      issue's targets. The heuristic's numbers on the same sets are shown beside the learned ones.
// With FILE ({messages, label} JSON Lines), that file classified by the configured mode (or
// --classifier) with the configured thresholds: the old single-file report.
//
// Route, prices, thresholds, floors and weights come from router.yaml (--config, else ./router.yaml
// when present), else the built-in defaults. Output is deterministic (tables only; progress and
// timing go to stderr). Exit 0 when evaluated; 1 when a file cannot be read or is invalid; 2 for
// usage errors.
import { access, readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { COMPLEXITIES, formatReason, type Classification, type Complexity } from '../classify/classification.js';
import { DEFAULT_PRICES, DEFAULT_ROUTE, evaluate, evaluateGroups, type Evaluation, type Prices, type Route } from '../classify/evaluate.js';
import { applyFloors, DEFAULT_FLOORS, type ClassifierFloors } from '../classify/floors.js';
import { classifyHeuristic } from '../classify/heuristic.js';
import { parseLabelledSet } from '../classify/labelled-set.js';
import { classifyLearned } from '../classify/learned/classify-learned.js';
import type { LearnedClassifierModel } from '../classify/learned/contract.js';
import { curveSvg } from '../classify/learned/curve-svg.js';
import { costQualityCurve, decideScored, evaluateAt, ISSUE_TARGETS, recommendThresholds, thresholdSteps, type CurvePoint, type Scored } from '../classify/learned/curve.js';
import { losoFolds, parseCorpus, runLoso, type CorpusEntry, type Trainer } from '../classify/learned/loso.js';
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

const DEFAULT_KIT: LearnedKit = {
  train: (examples) => modelFromWeights(trainModel(examples)),
  load: readModelFile,
  defaultWeights: DEFAULT_MODEL_FILE,
};

const DEFAULT_CORPUS = 'data/complexity/corpus.jsonl';
const DEFAULT_DEV = 'test/fixtures/complexity/complexity-dev.jsonl';
const DEFAULT_CONFIG = 'router.yaml';
const USAGE = [
  'usage: eval-classifier [FILE] [--config PATH] [--model ALIAS] [--price-small N] [--price-large N]',
  '                       [--classifier heuristic|learned] [--weights PATH] [--errors]',
  '                       [--corpus PATH] [--dev PATH] [--no-loso] [--only-loso] [--sources A,B] [--svg PATH]',
  `  without FILE: leave-one-source-out on ${DEFAULT_CORPUS}, the dev set ${DEFAULT_DEV}, the cost/quality curve`,
].join('\n');

type ClassifierChoice = 'heuristic' | 'learned';

interface Options {
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
  readonly loso: boolean;
  readonly devSet: boolean;
  readonly sources: ReadonlySet<string> | null;
  readonly svg: string | null;
}

function parseArgs(args: readonly string[]): Options | string {
  let file: string | null = null;
  const prices: Record<string, number> = { ...DEFAULT_PRICES };
  const givenPrices: Record<string, number> = {};
  const named: Record<string, string> = {};
  let errors = false;
  let loso = true;
  let devSet = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const price = /^--price-(small|large)(?:=(.*))?$/.exec(arg);
    const withValue = /^--(config|model|classifier|weights|corpus|dev|sources|svg)(?:=(.*))?$/.exec(arg);
    if (withValue !== null) {
      const value = withValue[2] ?? args[++i];
      if (value === undefined || value === '') return `--${withValue[1]} needs a value`;
      named[withValue[1] ?? ''] = value;
    } else if (price !== null) {
      const raw = price[2] ?? args[++i];
      const value = Number(raw);
      if (raw === undefined || raw === '' || !Number.isFinite(value) || value < 0) return `${arg.split('=')[0]} needs a number ≥ 0`;
      prices[price[1] ?? ''] = value;
      givenPrices[price[1] ?? ''] = value;
    } else if (arg === '--errors') errors = true;
    else if (arg === '--no-loso') loso = false;
    else if (arg === '--only-loso') devSet = false;
    else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else if (file !== null) return 'more than one FILE given';
    else file = arg;
  }
  const classifier = named['classifier'];
  if (classifier !== undefined && classifier !== 'heuristic' && classifier !== 'learned') return '--classifier is heuristic or learned';
  if (!loso && !devSet) return '--no-loso and --only-loso leave nothing to evaluate';
  if (file !== null && (named['corpus'] ?? named['dev'] ?? named['sources'] ?? named['svg']) !== undefined) return '--corpus, --dev, --sources and --svg are for the full evaluation (no FILE)';
  if (named['svg'] !== undefined && !loso) return '--svg draws the leave-one-source-out curve: not with --no-loso';
  return {
    file,
    prices,
    givenPrices,
    errors,
    config: named['config'] ?? null,
    model: named['model'] ?? 'auto',
    classifier: classifier ?? null,
    weights: named['weights'] ?? null,
    corpus: named['corpus'] ?? DEFAULT_CORPUS,
    dev: named['dev'] ?? DEFAULT_DEV,
    loso,
    devSet,
    sources: named['sources'] === undefined ? null : new Set(named['sources'].split(',').filter((s) => s !== '')),
    svg: named['svg'] ?? null,
  };
}

interface Setup {
  readonly source: string;
  readonly route: Route;
  readonly prices: Prices;
  readonly settings: HeuristicSettings;
  /** The configured mode when it is one this command can run offline; null for embeddings and llm. */
  readonly mode: ClassifierChoice | null;
  readonly thresholds: LearnedThresholds;
  readonly weights: string;
  readonly floors: ClassifierFloors;
}

/** Route, prices, thresholds and the rest from router.yaml when there is one; the built-in defaults otherwise. */
async function setupFrom(options: Options, kit: LearnedKit): Promise<Setup | string> {
  const path = options.config ?? ((await access(DEFAULT_CONFIG).then(() => true, () => false)) ? DEFAULT_CONFIG : null);
  if (path === null) {
    return {
      source: 'built-in defaults',
      route: DEFAULT_ROUTE,
      prices: options.prices,
      settings: DEFAULT_HEURISTIC_SETTINGS,
      mode: 'heuristic',
      thresholds: DEFAULTS.classifier.learned,
      weights: options.weights ?? kit.defaultWeights,
      floors: DEFAULT_FLOORS,
    };
  }
  const loaded = await loadConfigFile(path);
  if (!loaded.ok) return `${path} is not a valid config:\n  ${loaded.errors.join('\n  ')}`;
  const model = loaded.config.models[options.model];
  if (model === undefined) return `${path} has no model alias ${JSON.stringify(options.model)} (use --model)`;
  const prices: Record<string, number> = {};
  for (const tier of new Set(Object.values(model.route))) {
    const price = options.givenPrices[tier] ?? loaded.config.tiers[tier]?.price;
    if (price === undefined) return `${path}: tiers.${tier}.price is needed to estimate the cost saving`;
    prices[tier] = price;
  }
  const { classifier } = loaded.config;
  return {
    source: `${path}, model ${options.model}`,
    route: model.route,
    prices,
    settings: classifier.heuristic,
    mode: classifier.mode === 'learned' || classifier.mode === 'heuristic' ? classifier.mode : null,
    thresholds: { complexFrom: classifier.learned.complexFrom, simpleFrom: classifier.learned.simpleFrom },
    weights: options.weights ?? classifier.learned.weights,
    floors: classifier.floors,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function formatEvaluation(result: Evaluation, prices: Prices, route: Route = DEFAULT_ROUTE): string[] {
  const width = 10;
  const cells = (values: readonly (string | number)[]) => values.map((v) => String(v).padStart(width)).join('');
  const lines = [
    `accuracy ${pct(result.accuracy)}   macro-F1 ${result.macroF1.toFixed(3)}   (${result.total} items)`,
    '',
    'confusion matrix (rows: label, columns: predicted)',
    `${''.padEnd(width)}${cells(COMPLEXITIES)}`,
    ...COMPLEXITIES.map((label) => `${label.padEnd(width)}${cells(COMPLEXITIES.map((p) => result.confusion[label][p]))}`),
    '',
    `${''.padEnd(width)}${cells(['precision', 'recall', 'F1', 'items'])}`,
    ...COMPLEXITIES.map((c) => {
      const s = result.perClass[c];
      return `${c.padEnd(width)}${cells([s.precision.toFixed(3), s.recall.toFixed(3), s.f1.toFixed(3), s.support])}`;
    }),
    '',
    `routing: ${COMPLEXITIES.map((c) => `${c} → ${route[c]}`).join(', ')}; prices: ${Object.entries(prices).map(([t, p]) => `${t} ${p}`).join(', ')}`,
    `complex sent to the small tier (under-routing): ${pct(result.underRouted.share)} (${result.underRouted.count} of ${result.underRouted.of})`,
    `simple sent to the large tier (over-routing):   ${pct(result.overRouted.share)} (${result.overRouted.count} of ${result.overRouted.of})`,
    `cost per request: ${result.cost.predicted.toFixed(3)} vs ${result.cost.baseline} with everything on the large tier → saving ${pct(result.saving)}` +
      ` (routing by the labels: ${result.cost.baseline === 0 ? 'n/a' : pct(1 - result.cost.labelled / result.cost.baseline)})`,
  ];
  return lines;
}

/** A Markdown table with padded columns: readable in a terminal, pasted as is into the README. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned = true): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => (i > 0 && rightAligned ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i > 0 && rightAligned ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)];
}

const share = (s: { readonly share: number; readonly count: number; readonly of: number }) => `${pct(s.share)} (${s.count}/${s.of})`;

function confusionTable(result: Evaluation): string[] {
  return markdownTable(
    ['label ↓ / predicted →', ...COMPLEXITIES],
    COMPLEXITIES.map((label) => [label, ...COMPLEXITIES.map((p) => String(result.confusion[label][p]))]),
  );
}

/** The headline numbers of several classifiers (or sets) side by side. */
function summaryTable(columns: readonly [name: string, result: Evaluation][]): string[] {
  const row = (name: string, value: (e: Evaluation) => string) => [name, ...columns.map(([, e]) => value(e))];
  return markdownTable(
    ['', ...columns.map(([name]) => name)],
    [
      row('items', (e) => String(e.total)),
      row('3-class accuracy', (e) => pct(e.accuracy)),
      row('macro-F1', (e) => e.macroF1.toFixed(3)),
      row('complex → small tier', (e) => share(e.underRouted)),
      row('simple → large tier', (e) => share(e.overRouted)),
      row('traffic on the large tier', (e) => pct(e.toComplexTier.share)),
      row('saving vs all-large', (e) => pct(e.saving)),
    ],
  );
}

interface Judged {
  readonly item: CorpusEntry;
  readonly label: Complexity;
  readonly predicted: Complexity;
}

/** Per group (source, language, turns): the learned model's held-out numbers and the heuristic's accuracy beside them. */
function groupTable(title: string, learned: readonly Judged[], heuristic: readonly Judged[], group: (item: CorpusEntry) => string, setup: Setup): string[] {
  const heuristicBy = new Map(evaluateGroups(heuristic, (j) => group(j.item), setup.route, setup.prices));
  return markdownTable(
    // No macro-F1 here: a source or language often holds one or two classes, where it says little.
    [title, 'items', 's/m/c', 'accuracy', 'complex→small', 'simple→large', 'heuristic acc.'],
    evaluateGroups(learned, (j) => group(j.item), setup.route, setup.prices).map(([name, e]) => [
      name,
      String(e.total),
      COMPLEXITIES.map((c) => e.perClass[c].support).join('/'),
      pct(e.accuracy),
      e.underRouted.of === 0 ? '–' : share(e.underRouted),
      e.overRouted.of === 0 ? '–' : share(e.overRouted),
      pct(heuristicBy.get(name)?.accuracy ?? 0),
    ]),
  );
}

function curveTable(points: readonly CurvePoint[], shipped: number, recommended: number): string[] {
  return markdownTable(
    ['complexFrom', 'large tier', 'complex→small', 'simple→large', 'accuracy', ''],
    points.map((p) => [
      String(p.complexFrom),
      pct(p.largeShare),
      pct(p.complexToSmall),
      pct(p.simpleToLarge),
      pct(p.accuracy),
      [p.complexFrom === shipped ? '← shipped' : '', p.complexFrom === recommended ? '← recommended' : ''].filter((s) => s !== '').join(' '),
    ]),
  );
}

function classifyWith(setup: Setup, mode: ClassifierChoice, model: LearnedClassifierModel | null, body: Readonly<Record<string, unknown>>): Classification {
  const raw = mode === 'learned' && model !== null ? classifyLearned(body, model, setup.thresholds) : classifyHeuristic(body, setup.settings);
  return applyFloors(body, raw, setup.floors);
}

/** The least class the floors allow for a request: what a `simple` verdict is lifted to. */
function floorOf(setup: Setup, body: Readonly<Record<string, unknown>>): Complexity {
  return applyFloors(body, { complexity: 'simple', score: 0, reasons: [] }, setup.floors).complexity;
}

async function readText(path: string, io: EvalClassifierIo): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    io.stderr(`eval-classifier: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

function loadModel(kit: LearnedKit, path: string, io: EvalClassifierIo): LearnedClassifierModel | null {
  try {
    return kit.load(path);
  } catch (error) {
    io.stderr(`eval-classifier: cannot load the weights ${path}: ${error instanceof Error ? error.message : String(error)} (npm run train:classifier)`);
    return null;
  }
}

/** The old report: one labelled file through one classifier. */
async function evalFile(file: string, options: Options, setup: Setup, kit: LearnedKit, io: EvalClassifierIo): Promise<number> {
  const text = await readText(file, io);
  if (text === null) return 1;
  const set = parseLabelledSet(text);
  if (set.errors.length > 0) {
    for (const error of set.errors) io.stderr(`${file}: ${error}`);
    return 1;
  }
  if (set.items.length === 0) {
    io.stderr(`${file}: no items`);
    return 1;
  }
  const mode = options.classifier ?? setup.mode;
  if (mode === null) {
    io.stderr('eval-classifier: the configured classifier mode needs a running pool; choose --classifier heuristic or learned');
    return 1;
  }
  const model = mode === 'learned' ? loadModel(kit, setup.weights, io) : null;
  if (mode === 'learned' && model === null) return 1;
  const outcomes = set.items.map((item) => ({ item, result: classifyWith(setup, mode, model, item.body) }));
  const what =
    model === null ? 'heuristic classifier' : `learned classifier ${model.version} (complexFrom ${setup.thresholds.complexFrom}, simpleFrom ${setup.thresholds.simpleFrom})`;
  io.stdout(`${file}: ${what} (route and prices: ${setup.source})`);
  const evaluation = evaluate(outcomes.map(({ item, result }) => ({ label: item.label, predicted: result.complexity })), setup.route, setup.prices);
  for (const line of formatEvaluation(evaluation, setup.prices, setup.route)) io.stdout(line);
  if (options.errors) {
    io.stdout('');
    for (const { item, result } of outcomes) {
      if (result.complexity === item.label) continue;
      const text = JSON.stringify(item.body['messages']).slice(0, 100);
      io.stdout(`line ${item.line}${item.id === undefined ? '' : ` ${item.id}`}: ${item.label} → ${formatReason(result)} (score ${result.score}) ${text}`);
    }
  }
  return 0;
}

/** The full evaluation: leave-one-source-out, the dev set, the curve. */
async function evalFull(options: Options, setup: Setup, kit: LearnedKit, io: EvalClassifierIo): Promise<number> {
  const started = Date.now();
  const out = (...lines: string[]) => lines.forEach((line) => io.stdout(line));
  const { complexFrom, simpleFrom } = setup.thresholds;
  out(
    `# Complexity classifier evaluation`,
    '',
    `route: ${COMPLEXITIES.map((c) => `${c} → ${setup.route[c]}`).join(', ')}; prices: ${Object.entries(setup.prices).map(([t, p]) => `${t} ${p}`).join(', ')} (${setup.source});` +
      ` learned thresholds: complexFrom ${complexFrom}, simpleFrom ${simpleFrom}; floors applied`,
  );

  let pooled: Scored[] | null = null;
  if (options.loso) {
    const text = await readText(options.corpus, io);
    if (text === null) return 1;
    const corpus = parseCorpus(text);
    if (corpus.errors.length > 0) {
      for (const error of corpus.errors) io.stderr(`${options.corpus}: ${error}`);
      return 1;
    }
    const folds = losoFolds(corpus.items, options.sources ?? undefined);
    if (folds.length === 0) {
      io.stderr(`${options.corpus}: no items${options.sources === null ? '' : ` from the sources ${[...options.sources].join(', ')}`}`);
      return 1;
    }
    const predictions = runLoso(folds, kit.train, (fold, index) =>
      io.stderr(`loso: fold ${index + 1}/${folds.length}: ${fold.heldOut} (train ${fold.train.length}, test ${fold.test.length}) at ${((Date.now() - started) / 1000).toFixed(1)} s`),
    );
    const scored = predictions.map(({ item, probabilities }) => ({ label: item.label, probabilities, floor: floorOf(setup, item.body) }));
    pooled = scored;
    const learned: Judged[] = predictions.map(({ item }, i) => ({
      item,
      label: item.label,
      predicted: decideScored(scored[i] ?? { label: item.label, probabilities: [1, 0, 0] }, setup.thresholds),
    }));
    const tested = predictions.map(({ item }) => item);
    const heuristic: Judged[] = tested.map((item) => ({ item, label: item.label, predicted: classifyWith(setup, 'heuristic', null, item.body).complexity }));
    const learnedAll = evaluate(learned, setup.route, setup.prices);
    const heuristicAll = evaluate(heuristic, setup.route, setup.prices);
    const partial = options.sources === null ? '' : ` (only the sources ${folds.map((f) => f.heldOut).join(', ')})`;
    out(
      '',
      `## Leave-one-source-out: ${options.corpus}, ${tested.length} items, ${folds.length} folds${partial}`,
      '',
      'Each source predicted by a model trained on the other sources (conversations built around its text excluded); predictions pooled.',
      'The heuristic is not trained: its column is the corpus read by the shipped heuristic.',
      '',
      ...summaryTable([
        ['learned (held out)', learnedAll],
        ['heuristic', heuristicAll],
      ]),
      '',
      'Confusion, learned (held out):',
      '',
      ...confusionTable(learnedAll),
      '',
      ...groupTable('held-out source', learned, heuristic, (item) => item.sourceName, setup),
      '',
      ...groupTable('language', learned, heuristic, (item) => item.language, setup),
      '',
      ...groupTable('turns', learned, heuristic, (item) => (item.multiTurn ? 'multi-turn' : 'single-turn'), setup),
    );
  }

  let recommended: LearnedThresholds | null = null;
  if (pooled !== null) {
    const recommendation = recommendThresholds(pooled, ISSUE_TARGETS, 0.01, setup.route, setup.prices);
    recommended = { complexFrom: recommendation.complexFrom, simpleFrom: recommendation.simpleFrom };
    const steps = [...new Set([...thresholdSteps(0.05), complexFrom, recommendation.complexFrom])].sort((a, b) => a - b);
    const points = costQualityCurve(pooled, steps, simpleFrom, setup.route, setup.prices);
    const at = recommendation.point;
    out(
      '',
      `## Cost/quality curve: held-out probabilities, simpleFrom ${simpleFrom}`,
      '',
      'Each row: the pooled held-out predictions decided with that complexFrom. Accuracy is at the simpleFrom above;',
      'when simple and moderate go to the same tier, the other columns do not depend on simpleFrom.',
      '',
      ...curveTable(points, complexFrom, recommendation.complexFrom),
      '',
      `Targets (issue 13): accuracy ≥ ${pct(ISSUE_TARGETS.accuracy)}, complex→small ≤ ${pct(ISSUE_TARGETS.complexToSmall)}, simple→large ≤ ${pct(ISSUE_TARGETS.simpleToLarge)}.`,
      `Recommended (grid 0.01 on both thresholds, chosen on these same held-out predictions): complexFrom ${recommendation.complexFrom}, simpleFrom ${recommendation.simpleFrom}:` +
        ` accuracy ${pct(at.accuracy)}, complex→small ${pct(at.complexToSmall)}, simple→large ${pct(at.simpleToLarge)}, large tier ${pct(at.largeShare)}` +
        (recommendation.meetsTargets ? ' (meets every target)' : ` (misses: ${recommendation.missed.join('; ')}; the pair that misses them by the least in total)`),
    );
    if (!recommendation.meetsTargets) {
      // The other end of the trade: hold complex→small to its target whatever it costs.
      const qualityFirst = recommendThresholds(pooled, { accuracy: 0, complexToSmall: ISSUE_TARGETS.complexToSmall, simpleToLarge: 1 }, 0.01, setup.route, setup.prices);
      const q = qualityFirst.point;
      out(
        `Quality first (the most accurate pair with complex→small ≤ ${pct(ISSUE_TARGETS.complexToSmall)}): complexFrom ${qualityFirst.complexFrom}, simpleFrom ${qualityFirst.simpleFrom}:` +
          ` accuracy ${pct(q.accuracy)}, complex→small ${pct(q.complexToSmall)}, simple→large ${pct(q.simpleToLarge)}, large tier ${pct(q.largeShare)}` +
          (qualityFirst.meetsTargets ? '' : ' (not reachable on this grid)'),
      );
    }
    if (options.svg !== null) {
      const svg = curveSvg(points, {
        title: `Held-out cost/quality curve (${pooled.length} corpus items, leave-one-source-out, simpleFrom ${simpleFrom})`,
        marked: complexFrom,
        recommended: recommendation.complexFrom,
        targets: { complexToSmall: ISSUE_TARGETS.complexToSmall, accuracy: ISSUE_TARGETS.accuracy },
        ideal: evaluate(pooled.map(({ label }) => ({ label, predicted: label })), setup.route, setup.prices).toComplexTier.share,
      });
      await writeFile(options.svg, svg);
      io.stderr(`eval-classifier: wrote ${options.svg}`);
    }
  }

  if (options.devSet) {
    const text = await readText(options.dev, io);
    if (text === null) return 1;
    const set = parseLabelledSet(text);
    if (set.errors.length > 0) {
      for (const error of set.errors) io.stderr(`${options.dev}: ${error}`);
      return 1;
    }
    const model = loadModel(kit, setup.weights, io);
    if (model === null) return 1;
    const scored = set.items.map((item) => ({ label: item.label, probabilities: model.predict(item.body).probabilities, floor: floorOf(setup, item.body) }));
    const heuristic = evaluate(
      set.items.map((item) => ({ label: item.label, predicted: classifyWith(setup, 'heuristic', null, item.body).complexity })),
      setup.route,
      setup.prices,
    );
    const learned = evaluateAt(scored, setup.thresholds, setup.route, setup.prices);
    const columns: [string, Evaluation][] = [[`learned ${model.version}`, learned]];
    if (recommended !== null) columns.push([`learned, recommended thresholds`, evaluateAt(scored, recommended, setup.route, setup.prices)]);
    columns.push(['heuristic (tuned on it)', heuristic]);
    out(
      '',
      `## Dev set: ${options.dev}, ${set.items.length} items, never in the corpus; weights ${setup.weights.replace(`${process.cwd()}/`, '')}`,
      '',
      ...summaryTable(columns),
      '',
      'Confusion, learned (shipped thresholds):',
      '',
      ...confusionTable(learned),
    );
  }
  io.stderr(`eval-classifier: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

/** Returns the exit code. */
export async function evalClassifier(args: readonly string[], io: EvalClassifierIo, kit: LearnedKit = DEFAULT_KIT): Promise<number> {
  const options = parseArgs(args);
  if (typeof options === 'string') {
    io.stderr(`eval-classifier: ${options}`);
    io.stderr(USAGE);
    return 2;
  }
  const setup = await setupFrom(options, kit);
  if (typeof setup === 'string') {
    io.stderr(`eval-classifier: ${setup}`);
    return 1;
  }
  return options.file === null ? evalFull(options, setup, kit, io) : evalFile(options.file, options, setup, kit, io);
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) {
  evalClassifier(process.argv.slice(2), {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`eval-classifier: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
