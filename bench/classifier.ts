// How long classification takes per request, learned model and heuristic side by side: median and
// p99 in microseconds over a few thousand classifications of typical requests (the corpus's, else
// the dev set's), and for oversized inputs that must stay bounded (target: ≤ 1 ms for a 4 MB prompt);
// plus how long the weights take to load. Each learned timing is the router's whole path:
// predict, the heuristic's vote when it could change the class, thresholds, floors; the typical
// requests are also timed split by whether the vote is asked. Prints numbers only; no pass/fail
// (speed is reported, not asserted).
//   npm run bench:classifier [-- --runs N]
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Classification } from '../src/classify/classification.js';
import { applyFloors, DEFAULT_FLOORS } from '../src/classify/floors.js';
import { classifyHeuristic } from '../src/classify/heuristic.js';
import { parseLabelledSet } from '../src/classify/labelled-set.js';
import { classifyLearned } from '../src/classify/learned/classify-learned.js';
import type { LearnedClassifierModel } from '../src/classify/learned/contract.js';
import { parseCorpus } from '../src/classify/learned/loso.js';
import { DEFAULT_MODEL_FILE, readModelFile } from '../src/classify/learned/model-file.js';
import { modelFromWeights } from '../src/classify/learned/model.js';
import { trainModel } from '../src/classify/learned/train.js';
import { DEFAULTS } from '../src/config/defaults.js';

type Body = Readonly<Record<string, unknown>>;
type Classify = (body: Body) => Classification;

const DEV = fileURLToPath(new URL('../test/fixtures/complexity/complexity-dev.jsonl', import.meta.url));
const CORPUS = fileURLToPath(new URL('../data/complexity/corpus.jsonl', import.meta.url));
const MB = 1024 * 1024;

function timeEach(classify: Classify, bodies: readonly Body[], runs: number): number[] {
  const micros: number[] = [];
  for (let i = 0; i < runs; i++) {
    const body = bodies[i % bodies.length] ?? {};
    const start = process.hrtime.bigint();
    classify(body);
    micros.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return micros.sort((a, b) => a - b);
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const fmt = (n: number) => n.toFixed(1).padStart(10);

function row(name: string, classifier: string, runs: number, sorted: readonly number[]): string {
  return `${name.padEnd(42)}${classifier.padEnd(11)}${String(runs).padStart(7)}${fmt(quantile(sorted, 0.5))}${fmt(quantile(sorted, 0.99))}${fmt(sorted[sorted.length - 1] ?? NaN)}`;
}

/** Typical requests: the corpus when it is built, else the dev set. */
function typicalRequests(): { name: string; bodies: Body[] } {
  if (existsSync(CORPUS)) {
    const corpus = parseCorpus(readFileSync(CORPUS, 'utf8'));
    return { name: `corpus items (${corpus.items.length}, cycled)`, bodies: corpus.items.map((item) => item.body) };
  }
  const dev = parseLabelledSet(readFileSync(DEV, 'utf8'));
  return { name: `dev-set items (${dev.items.length}, cycled)`, bodies: dev.items.map((item) => item.body) };
}

/** The committed weights and their load time (first load, then the median of 20 reloads). */
function loadModel(): { model: LearnedClassifierModel; note: string } {
  if (!existsSync(DEFAULT_MODEL_FILE)) {
    // Timing depends on the feature layout, not on the weights' values: a stand-in trained on the dev set.
    const dev = parseLabelledSet(readFileSync(DEV, 'utf8'));
    return { model: modelFromWeights(trainModel(dev.items)), note: `${DEFAULT_MODEL_FILE} is missing: timing a model trained on the dev set` };
  }
  const times: number[] = [];
  let model: LearnedClassifierModel | null = null;
  for (let i = 0; i < 21; i++) {
    const start = process.hrtime.bigint();
    model = readModelFile(DEFAULT_MODEL_FILE);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const [first = NaN, ...rest] = times;
  rest.sort((a, b) => a - b);
  const size = (readFileSync(DEFAULT_MODEL_FILE).length / 1024).toFixed(0);
  if (model === null) throw new Error('unreachable');
  return { model, note: `weights ${model.version} (${size} KB): first load ${first.toFixed(1)} ms, then median ${quantile(rest, 0.5).toFixed(1)} ms` };
}

function main(): void {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 5000;
  const { model, note } = loadModel();
  const thresholds = DEFAULTS.classifier.learned;
  const heuristicWeight: number = thresholds.heuristicWeight;
  const classifiers: [string, Classify][] = [
    // As routing/classifier.ts runs it: the model, the heuristic's vote blended in, the floors.
    [
      'learned',
      (body) => {
        const vote = { weight: heuristicWeight, ask: () => classifyHeuristic(body).complexity };
        return applyFloors(body, classifyLearned(body, model, thresholds, vote), DEFAULT_FLOORS);
      },
    ],
    ['heuristic', (body) => applyFloors(body, classifyHeuristic(body), DEFAULT_FLOORS)],
  ];
  const typical = typicalRequests();
  // The two kinds of the requests timed above (the first `runs`): those the model decides alone, and
  // those whose class the heuristic's vote could change (it is asked for them).
  const voted: Body[] = [];
  const alone: Body[] = [];
  for (const body of typical.bodies.slice(0, runs)) {
    let asked = false;
    const ask = () => {
      asked = true;
      return classifyHeuristic(body).complexity;
    };
    classifyLearned(body, model, thresholds, { weight: heuristicWeight, ask });
    (asked ? voted : alone).push(body);
  }
  const user = (content: unknown): Body => ({ messages: [{ role: 'user', content }] });
  const prose = 'The quick brown fox jumps over the lazy dog; 12 + 30 = 42. '.repeat(Math.ceil((4 * MB) / 58)).slice(0, 4 * MB);
  const thread: Body = {
    messages: Array.from({ length: 2000 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: `turn ${i}: ${'lorem ipsum '.repeat(200)}` })),
  };
  const cases: [string, readonly Body[], number][] = [
    [typical.name, typical.bodies, runs],
    [`  of which the vote is asked (${voted.length})`, voted, runs],
    [`  of which the model decides (${alone.length})`, alone, runs],
    ['4 MB prompt, prose (one string)', [user(prose)], 200],
    ['4 MB prompt, one character repeated', [user('a'.repeat(4 * MB))], 200],
    ['4 MB prompt in 4096 content parts', [user(Array.from({ length: 4096 }, () => ({ type: 'text', text: prose.slice(0, 1024) })))], 200],
    ['2000-turn thread (~5 MB)', [thread], 200],
  ];
  // Warm up so the JIT and the regex tier-up are done before timing.
  for (const [, classify] of classifiers) for (const [, bodies] of cases) timeEach(classify, bodies, Math.min(2000, Math.max(500, bodies.length)));
  console.log(note);
  console.log(`${'case'.padEnd(42)}${'classifier'.padEnd(11)}${'runs'.padStart(7)}${'median µs'.padStart(10)}${'p99 µs'.padStart(10)}${'max µs'.padStart(10)}`);
  for (const [name, bodies, n] of cases) for (const [classifier, classify] of classifiers) console.log(row(name, classifier, n, timeEach(classify, bodies, n)));
}

main();
