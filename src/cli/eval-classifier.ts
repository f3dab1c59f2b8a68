// `eval-classifier [FILE] [--config PATH] [--model ALIAS] [--price-small N] [--price-large N] [--errors]`:
// runs the heuristic classifier over a labelled JSON Lines file ({messages, label} per line; default:
// the dev fixture) and prints accuracy, macro-F1, the confusion matrix, the routing errors and the
// cost saving. With a router.yaml (--config, else ./router.yaml when it exists) the alias's route,
// the heuristic settings and the tiers' prices come from it; otherwise simple+moderate → small,
// complex → large with the --price options. Exit 0 when evaluated; 1 when a file cannot be read or
// is invalid (bad lines reported with their line numbers); 2 for usage errors.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { COMPLEXITIES, formatReason } from '../classify/classification.js';
import { DEFAULT_PRICES, DEFAULT_ROUTE, evaluate, type Evaluation, type Prices } from '../classify/evaluate.js';
import { classifyHeuristic } from '../classify/heuristic.js';
import { parseLabelledSet } from '../classify/labelled-set.js';
import { DEFAULT_HEURISTIC_SETTINGS, type HeuristicSettings } from '../classify/settings.js';
import type { Route } from '../classify/evaluate.js';
import { loadConfigFile } from '../config/load.js';
import { access } from 'node:fs/promises';

export interface EvalClassifierIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

const DEFAULT_FILE = 'test/fixtures/complexity/complexity-dev.jsonl';
const DEFAULT_CONFIG = 'router.yaml';
const USAGE = `usage: eval-classifier [FILE] [--config PATH] [--model ALIAS] [--price-small N] [--price-large N] [--errors]   (default FILE: ${DEFAULT_FILE})`;

interface Options {
  readonly file: string;
  readonly prices: Prices;
  /** Prices given on the command line, which win over router.yaml's. */
  readonly givenPrices: Prices;
  readonly errors: boolean;
  readonly config: string | null;
  readonly model: string;
}

function parseArgs(args: readonly string[]): Options | string {
  let file: string | undefined;
  const prices: Record<string, number> = { ...DEFAULT_PRICES };
  const givenPrices: Record<string, number> = {};
  let errors = false;
  let config: string | null = null;
  let model = 'auto';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const price = /^--price-(small|large)(?:=(.*))?$/.exec(arg);
    const named = /^--(config|model)(?:=(.*))?$/.exec(arg);
    if (named !== null) {
      const value = named[2] ?? args[++i];
      if (value === undefined || value === '') return `--${named[1]} needs a value`;
      if (named[1] === 'config') config = value;
      else model = value;
    } else if (price !== null) {
      const raw = price[2] ?? args[++i];
      const value = Number(raw);
      if (raw === undefined || raw === '' || !Number.isFinite(value) || value < 0) return `${arg.split('=')[0]} needs a number ≥ 0`;
      prices[price[1] ?? ''] = value;
      givenPrices[price[1] ?? ''] = value;
    } else if (arg === '--errors') errors = true;
    else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else if (file !== undefined) return 'more than one FILE given';
    else file = arg;
  }
  return { file: file ?? DEFAULT_FILE, prices, givenPrices, errors, config, model };
}

interface Setup {
  readonly source: string;
  readonly route: Route;
  readonly prices: Prices;
  readonly settings: HeuristicSettings;
}

/** Route, prices and settings from router.yaml when there is one; the built-in defaults otherwise. */
async function setupFrom(options: Options): Promise<Setup | string> {
  const path = options.config ?? ((await access(DEFAULT_CONFIG).then(() => true, () => false)) ? DEFAULT_CONFIG : null);
  if (path === null) return { source: 'built-in defaults', route: DEFAULT_ROUTE, prices: options.prices, settings: DEFAULT_HEURISTIC_SETTINGS };
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
  return { source: `${path}, model ${options.model}`, route: model.route, prices, settings: loaded.config.classifier.heuristic };
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

/** Returns the exit code. */
export async function evalClassifier(args: readonly string[], io: EvalClassifierIo): Promise<number> {
  const options = parseArgs(args);
  if (typeof options === 'string') {
    io.stderr(`eval-classifier: ${options}`);
    io.stderr(USAGE);
    return 2;
  }
  let text: string;
  try {
    text = await readFile(options.file, 'utf8');
  } catch (error) {
    io.stderr(`eval-classifier: cannot read ${options.file}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const set = parseLabelledSet(text);
  if (set.errors.length > 0) {
    for (const error of set.errors) io.stderr(`${options.file}: ${error}`);
    return 1;
  }
  if (set.items.length === 0) {
    io.stderr(`${options.file}: no items`);
    return 1;
  }
  const setup = await setupFrom(options);
  if (typeof setup === 'string') {
    io.stderr(`eval-classifier: ${setup}`);
    return 1;
  }
  const outcomes = set.items.map((item) => ({ item, result: classifyHeuristic(item.body, setup.settings) }));
  io.stdout(`${options.file}: heuristic classifier (route and prices: ${setup.source})`);
  const evaluation = evaluate(outcomes.map(({ item, result }) => ({ label: item.label, predicted: result.complexity })), setup.route, setup.prices);
  for (const line of formatEvaluation(evaluation, setup.prices, setup.route)) {
    io.stdout(line);
  }
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
