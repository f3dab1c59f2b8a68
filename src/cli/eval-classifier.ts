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
//
// This file is the command: its arguments and the single-file report. What it runs with is in
// eval-setup.ts, the tables in eval-tables.ts, the full evaluation in eval-full.ts.
import { pathToFileURL } from 'node:url';
import { formatReason } from '../classify/classification.js';
import { DEFAULT_PRICES, evaluate } from '../classify/evaluate.js';
import { parseLabelledSet } from '../classify/labelled-set.js';
import { evalFull } from './eval-full.js';
import { classifyWith, DEFAULT_KIT, loadModel, readText, setupFrom, type EvalClassifierIo, type LearnedKit, type Options, type Setup } from './eval-setup.js';
import { formatEvaluation } from './eval-tables.js';

const DEFAULT_CORPUS = 'data/complexity/corpus.jsonl';
const DEFAULT_DEV = 'test/fixtures/complexity/complexity-dev.jsonl';
const DEFAULT_HELDOUT = 'data/complexity/heldout.jsonl';
const USAGE = [
  'usage: eval-classifier [FILE] [--config PATH] [--model ALIAS] [--price-small N] [--price-large N]',
  '                       [--classifier heuristic|learned] [--weights PATH] [--errors]',
  '                       [--corpus PATH] [--dev PATH] [--heldout PATH] [--no-loso] [--only-loso] [--sources A,B] [--svg PATH]',
  `  without FILE: leave-one-source-out on ${DEFAULT_CORPUS}, the dev set ${DEFAULT_DEV}, the held-out set ${DEFAULT_HELDOUT}, the cost/quality curve`,
].join('\n');

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
    const withValue = /^--(config|model|classifier|weights|corpus|dev|heldout|sources|svg)(?:=(.*))?$/.exec(arg);
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
  if (file !== null && (named['corpus'] ?? named['dev'] ?? named['heldout'] ?? named['sources'] ?? named['svg']) !== undefined)
    return '--corpus, --dev, --heldout, --sources and --svg are for the full evaluation (no FILE)';
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
    heldout: named['heldout'] ?? DEFAULT_HELDOUT,
    loso,
    devSet,
    sources: named['sources'] === undefined ? null : new Set(named['sources'].split(',').filter((s) => s !== '')),
    svg: named['svg'] ?? null,
  };
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
  const evaluation = evaluate(
    outcomes.map(({ item, result }) => ({ label: item.label, predicted: result.complexity })),
    setup.route,
    setup.prices,
  );
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
