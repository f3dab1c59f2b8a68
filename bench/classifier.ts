// How long the heuristic classifier takes per request: median and p99 in microseconds over a few
// thousand classifications of the dev-set items, and for oversized inputs that must stay bounded.
// Prints a table; no pass/fail (speed is reported, not asserted).
//   npx tsx bench/classifier.ts [--runs N]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { classifyHeuristic } from '../src/classify/heuristic.js';
import { parseLabelledSet } from '../src/classify/labelled-set.js';

type Body = Readonly<Record<string, unknown>>;

const FIXTURE = fileURLToPath(new URL('../test/fixtures/complexity/complexity-dev.jsonl', import.meta.url));
const MB = 1024 * 1024;

function timeEach(bodies: readonly Body[], runs: number): number[] {
  const micros: number[] = [];
  for (let i = 0; i < runs; i++) {
    const body = bodies[i % bodies.length] ?? {};
    const start = process.hrtime.bigint();
    classifyHeuristic(body);
    micros.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return micros.sort((a, b) => a - b);
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function row(name: string, runs: number, sorted: readonly number[]): string {
  const fmt = (n: number) => n.toFixed(1).padStart(10);
  return `${name.padEnd(44)}${String(runs).padStart(7)}${fmt(quantile(sorted, 0.5))}${fmt(quantile(sorted, 0.99))}${fmt(sorted[sorted.length - 1] ?? NaN)}`;
}

function main(): void {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 5000;
  const parsed = parseLabelledSet(readFileSync(FIXTURE, 'utf8'));
  const items: Body[] = parsed.items.map((item) => ({ messages: item.messages }));
  const user = (content: unknown): Body => ({ messages: [{ role: 'user', content }] });
  const prose = 'The quick brown fox jumps over the lazy dog; 12 + 30 = 42. '.repeat(Math.ceil((4 * MB) / 58)).slice(0, 4 * MB);
  const thread: Body = {
    messages: Array.from({ length: 2000 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: `turn ${i}: ${'lorem ipsum '.repeat(200)}` })),
  };
  const cases: [string, readonly Body[], number][] = [
    [`dev-set items (${items.length}, cycled)`, items, runs],
    ['4 MB prompt, prose (one string)', [user(prose)], 200],
    ['4 MB prompt, one character repeated', [user('a'.repeat(4 * MB))], 200],
    ['4 MB prompt in 4096 content parts', [user(Array.from({ length: 4096 }, () => ({ type: 'text', text: prose.slice(0, 1024) })))], 200],
    ['2000-turn thread (~5 MB)', [thread], 200],
  ];
  // Warm up so the JIT and the regex tier-up are done before timing.
  for (const [, bodies] of cases) timeEach(bodies, 500);
  console.log(`${'case'.padEnd(44)}${'runs'.padStart(7)}${'median µs'.padStart(10)}${'p99 µs'.padStart(10)}${'max µs'.padStart(10)}`);
  for (const [name, bodies, n] of cases) console.log(row(name, n, timeEach(bodies, n)));
}

main();
