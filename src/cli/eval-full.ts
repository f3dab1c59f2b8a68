// The full evaluation of the learned classifier (eval-classifier without FILE), in three sections
// printed in this order: leave-one-source-out on the corpus, the cost/quality curve over its pooled
// held-out probabilities, and the two unseen sets (the dev set; the held-out sources) with the
// committed weights. The heuristic's numbers on the
// same sets are shown beside the learned ones.
import { writeFile } from 'node:fs/promises';
import { COMPLEXITIES } from '../classify/classification.js';
import { evaluate, type Evaluation } from '../classify/evaluate.js';
import { parseLabelledSet } from '../classify/labelled-set.js';
import { curveSvg } from '../classify/learned/curve-svg.js';
import { costQualityCurve, decideScored, evaluateAt, ISSUE_TARGETS, recommendThresholds, thresholdSteps, type Scored } from '../classify/learned/curve.js';
import { losoFolds, parseCorpus, runLoso } from '../classify/learned/loso.js';
import type { LearnedThresholds } from '../classify/learned/thresholds.js';
import { classifyWith, floorOf, loadModel, readText, routedProbabilities, type EvalClassifierIo, type LearnedKit, type Options, type Setup } from './eval-setup.js';
import { confusionTable, curveTable, groupTable, pct, summaryTable, type Judged } from './eval-tables.js';

function print(io: EvalClassifierIo, ...lines: string[]): void {
  lines.forEach((line) => io.stdout(line));
}

/** The full evaluation: leave-one-source-out, the curve, the dev set. Returns the exit code. */
export async function evalFull(options: Options, setup: Setup, kit: LearnedKit, io: EvalClassifierIo): Promise<number> {
  const started = Date.now();
  const { complexFrom, simpleFrom } = setup.thresholds;
  print(
    io,
    `# Complexity classifier evaluation`,
    '',
    `route: ${COMPLEXITIES.map((c) => `${c} → ${setup.route[c]}`).join(', ')}; prices: ${Object.entries(setup.prices)
      .map(([t, p]) => `${t} ${p}`)
      .join(', ')} (${setup.source});` + ` learned thresholds: complexFrom ${complexFrom}, simpleFrom ${simpleFrom}; heuristic weight ${setup.heuristicWeight}; floors applied`,
  );

  let pooled: Scored[] | null = null;
  if (options.loso) {
    const held = await leaveOneSourceOut(options, setup, kit, io, started);
    if (typeof held === 'number') return held;
    pooled = held;
  }
  const recommended = pooled === null ? null : await curveSection(pooled, options, setup, io);
  if (options.devSet) {
    const dev = await unseenSetSection(options.dev, 'Dev set', 'never in the corpus', 'heuristic (tuned on it)', setup, kit, io, recommended);
    if (dev !== 0) return dev;
    const held = await unseenSetSection(
      options.heldout,
      'Held-out set',
      'its authors ask that it not be trained on: never in the corpus',
      'heuristic',
      setup,
      kit,
      io,
      recommended,
    );
    if (held !== 0) return held;
  }
  io.stderr(`eval-classifier: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

/**
 * Every source predicted by a model trained on the others, pooled and scored overall and per source,
 * language and single/multi-turn. Returns the pooled held-out probabilities, or an exit code.
 */
async function leaveOneSourceOut(options: Options, setup: Setup, kit: LearnedKit, io: EvalClassifierIo, started: number): Promise<Scored[] | number> {
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
  const scored = predictions.map(({ item, probabilities }) => ({
    label: item.label,
    probabilities: routedProbabilities(setup, item.body, probabilities),
    floor: floorOf(setup, item.body),
  }));
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
  print(
    io,
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
  return scored;
}

/**
 * The cost/quality curve over complexFrom from the pooled held-out probabilities (a table, and an SVG
 * with --svg), and the thresholds that best meet the issue's targets, which it returns.
 */
async function curveSection(pooled: readonly Scored[], options: Options, setup: Setup, io: EvalClassifierIo): Promise<LearnedThresholds> {
  const { complexFrom, simpleFrom } = setup.thresholds;
  const recommendation = recommendThresholds(pooled, ISSUE_TARGETS, 0.01, setup.route, setup.prices);
  const steps = [...new Set([...thresholdSteps(0.05), complexFrom, recommendation.complexFrom])].sort((a, b) => a - b);
  const points = costQualityCurve(pooled, steps, simpleFrom, setup.route, setup.prices);
  const at = recommendation.point;
  print(
    io,
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
    print(
      io,
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
      ideal: evaluate(
        pooled.map(({ label }) => ({ label, predicted: label })),
        setup.route,
        setup.prices,
      ).toComplexTier.share,
    });
    await writeFile(options.svg, svg);
    io.stderr(`eval-classifier: wrote ${options.svg}`);
  }
  return { complexFrom: recommendation.complexFrom, simpleFrom: recommendation.simpleFrom };
}

/**
 * A labelled set the committed weights were never trained on (the dev set; the held-out sources), at
 * the configured thresholds and, when the curve chose them, the recommended ones. Returns the exit code.
 */
async function unseenSetSection(
  path: string,
  title: string,
  why: string,
  heuristicName: string,
  setup: Setup,
  kit: LearnedKit,
  io: EvalClassifierIo,
  recommended: LearnedThresholds | null,
): Promise<number> {
  const text = await readText(path, io);
  if (text === null) return 1;
  const set = parseLabelledSet(text);
  if (set.errors.length > 0) {
    for (const error of set.errors) io.stderr(`${path}: ${error}`);
    return 1;
  }
  const model = loadModel(kit, setup.weights, io);
  if (model === null) return 1;
  const scored = set.items.map((item) => ({
    label: item.label,
    probabilities: routedProbabilities(setup, item.body, model.predict(item.body).probabilities),
    floor: floorOf(setup, item.body),
  }));
  const heuristic = evaluate(
    set.items.map((item) => ({ label: item.label, predicted: classifyWith(setup, 'heuristic', null, item.body).complexity })),
    setup.route,
    setup.prices,
  );
  const learned = evaluateAt(scored, setup.thresholds, setup.route, setup.prices);
  const columns: [string, Evaluation][] = [[`learned ${model.version}`, learned]];
  if (recommended !== null) columns.push([`learned, recommended thresholds`, evaluateAt(scored, recommended, setup.route, setup.prices)]);
  columns.push([heuristicName, heuristic]);
  print(
    io,
    '',
    `## ${title}: ${path}, ${set.items.length} items, ${why}; weights ${setup.weights.replace(`${process.cwd()}/`, '')}`,
    '',
    ...summaryTable(columns),
    '',
    'Confusion, learned (shipped thresholds):',
    '',
    ...confusionTable(learned),
  );
  return 0;
}
