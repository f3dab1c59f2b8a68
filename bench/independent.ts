// `npm run bench -- --wrk`: the router's cost measured the way an outside reviewer measures it, with
// nothing of the project's own in the load path. Debian's wrk (1 thread, 64 connections) pinned by
// taskset to core 0 (with this bench process, idle while wrk runs); an independent mock engine
// (bench/mock-engine.ts, one socket write per SSE event) on core 1 with the server under test: the
// bare node:http + undici Pool proxy (the floor) and Switchyard as shipped (--max-old-space-size=768,
// auth with a declared key, budgets in memory, classification, access log, metrics). Servers run as
// plain JavaScript (dist/, or bench helpers transpiled by plain-node.ts), never under tsx. With the
// response cache's setups (--only cache-hit, cache-miss, cache; all by default), a second table:
// cache hits against the floor, and the cache on with every prompt new against the same router off.
//   --tail     then diagnoses the tail at saturation (bench/tail.ts)
//   --soak N   then sends about N requests to a fresh Switchyard (non-streaming and streams in turn)
//              and prints its RSS at every tenth
// Prints numbers; never passes or fails. Every wrk run is bounded by its -d and a timeout.
import { execFileSync } from 'node:child_process';
import { cpuMicros, rssMb } from './processes.js';
import type { Group } from './selection.js';
import { build, startSwitchyard } from './servers.js';
import { tail } from './tail.js';
import { CONNECTIONS, WRK_BIN, thinkTimeFor } from './wrk.js';
import { LOAD_CORE, MODE_NAME, SERVER_CORE, checkWorks, fmt, load, startCacheSetups, startMock, startSetups, type Mode, type Setup } from './wrk-setups.js';
import { printColumns, type Column, type Round } from './wrk-table.js';

const RATE = 500;

export interface IndependentOptions {
  readonly quick: boolean;
  readonly modes: readonly Mode[];
  /** budgets: Switchyard as shipped beside the floor; cache-hit, cache-miss: the response cache's setups. */
  readonly groups: ReadonlySet<Group>;
  readonly tail: boolean;
  readonly soak: number;
}

interface Timing {
  readonly rounds: number;
  readonly saturationS: number;
  readonly rateS: number;
  readonly warmupS: number;
}

function describeMachine(): string {
  const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  const model = /^Model name:\s*(.*)$/m.exec(execFileSync('lscpu', { encoding: 'utf8' }))?.[1] ?? '?';
  return `node ${process.version}, nproc ${nproc} (${model})`;
}

export async function independent(options: IndependentOptions): Promise<void> {
  try {
    execFileSync(WRK_BIN, ['--version'], { stdio: 'ignore' });
  } catch (error) {
    // wrk --version exits 1 after printing its version; only a missing binary is an error.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('wrk not found: apt-get install wrk (or set WRK_BIN)', { cause: error });
  }
  const machine = describeMachine(); // before pinning, which would make nproc read 1
  // This process only waits on wrk: keep it (all its threads) off the servers' core.
  execFileSync('taskset', ['-a', '-p', '-c', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
  build();
  const timing: Timing = options.quick ? { rounds: 1, saturationS: 3, rateS: 4, warmupS: 2 } : { rounds: 3, saturationS: 10, rateS: 15, warmupS: 3 };

  const mock = await startMock();
  const [floor, router] = await startSetups(mock.url);
  const { groups } = options;
  const cache = groups.has('cache-hit') || groups.has('cache-miss') ? await startCacheSetups(mock.url, router, groups.has('cache-hit'), groups.has('cache-miss')) : [];
  const setups: Setup[] = [floor, ...(groups.has('budgets') ? [router] : []), ...cache];
  for (const setup of setups) await checkWorks(setup);
  const direct: Setup = { label: 'mock engine alone', server: mock, model: 'mock-model', keyed: false };

  process.stderr.write(`warm-up: ${timing.warmupS} s of saturation per setup and mode\n`);
  for (const mode of options.modes) for (const setup of setups) await load(setup, mode, timing.warmupS);

  const rounds = new Map<Mode, Round[][]>(options.modes.map((mode) => [mode, setups.map(() => [])]));
  const directP99 = new Map<Mode, number[]>(options.modes.map((mode) => [mode, []]));
  const think = thinkTimeFor(RATE);
  for (let round = 0; round < timing.rounds; round++) {
    for (const mode of options.modes) {
      const results: Round[] = [];
      for (const setup of setups) {
        const before = cpuMicros(setup.server.pid);
        const saturated = await load(setup, mode, timing.saturationS);
        const cpuUs = (cpuMicros(setup.server.pid) - before) / Math.max(1, saturated.requests);
        results.push({
          cpuUs,
          rps: saturated.requests / saturated.seconds,
          p99: saturated.p99Ms,
          p999: saturated.p999Ms,
          rateP99: NaN,
          achievedRate: NaN,
          errors: saturated.errors,
        });
      }
      const alone = await load(direct, mode, timing.rateS, think);
      directP99.get(mode)!.push(alone.p99Ms);
      for (const [i, setup] of setups.entries()) {
        const paced = await load(setup, mode, timing.rateS, think);
        Object.assign(results[i]!, { rateP99: paced.p99Ms, achievedRate: paced.requests / paced.seconds, errors: results[i]!.errors + paced.errors });
      }
      results.forEach((r, i) => rounds.get(mode)![i]!.push(r));
      process.stderr.write(
        `  round ${round + 1}/${timing.rounds}, ${MODE_NAME[mode]}: ${setups
          .map(
            (s, i) =>
              `${s.label} ${fmt(results[i]!.cpuUs)} µs/req, ${fmt(results[i]!.rps)} req/s, p99 ${fmt(results[i]!.p99, 1)} ms, ` +
              `at ${RATE}/s p99 ${fmt(results[i]!.rateP99, 2)} ms`,
          )
          .join('; ')}; mock alone at ${RATE}/s p99 ${fmt(alone.p99Ms, 2)} ms\n`,
      );
    }
  }
  const rss = setups.map((s) => rssMb(s.server.pid));
  const data = { modes: options.modes, setups, rounds, directP99, rss, rate: RATE };
  describe(machine, timing);
  const floorRatio = { setup: 0, name: 'floor' };
  if (groups.has('budgets')) printColumns(data, [{ setup: 0 }, { setup: setups.indexOf(router), ratioTo: floorRatio }]);
  if (cache.length > 0) {
    const at = (label: string): number => setups.findIndex((s) => s.label === label);
    const hits = at('Switchyard, cache hits');
    const off = at('Switchyard, unique prompts, cache off');
    const columns: Column[] = [
      { setup: 0 },
      ...(hits >= 0 ? [{ setup: hits, ratioTo: floorRatio }] : []),
      ...(off >= 0 ? [{ setup: off }, { setup: at('Switchyard, unique prompts, cache on (all misses)'), ratioTo: { setup: off, name: 'cache off' } }] : []),
    ];
    console.log(
      "\nThe response cache (memory store; the alias's cache block at its defaults): hits send temperature 0 and the same three prompts " +
        'throughout (every request after the first of each is a hit; target: less CPU and latency than the floor forwarding a miss); ' +
        'unique prompts send temperature 0 and a new number in every prompt (every request a miss; target: at most 1.10× the cache off). ' +
        'Setups of one router share its process (and RSS).\n',
    );
    printColumns(data, columns);
  }
  for (const server of new Set(setups.map((s) => s.server))) await server.stop();
  if (!setups.some((s) => s.server === router.server)) await router.server.stop();

  if (options.tail) await tail(mock.url, options.modes, timing.saturationS, timing.warmupS);
  if (options.soak > 0) await soak(mock.url, options.soak);
  await mock.stop();
}

function describe(machine: string, t: Timing): void {
  console.log(`\nnpm run bench -- --wrk — ${new Date().toISOString()}, ${machine}`);
  console.log(
    `wrk -t1 -c${CONNECTIONS} on core ${LOAD_CORE}; the mock engine and the server under test on core ${SERVER_CORE}. ` +
      `${t.warmupS} s warm-up per setup and mode, then ${t.rounds} rounds, each visiting every setup: ${t.saturationS} s at saturation ` +
      `(CPU µs = the server's /proc utime+stime ÷ requests served; p99/p99.9 from wrk's histogram), then ${t.rateS} s at ~${RATE} req/s ` +
      `(bench/wrk-chat.lua: exponential think times, mean ${fmt(thinkTimeFor(RATE))} ms per connection; added p99 = p99 − the mock alone's p99 in the same round). ` +
      "Cells: median of the rounds (min–max); × floor = the median of each round's ratio.\n",
  );
}

/**
 * A fresh Switchyard over at least `total` requests at saturation, in 5 s wrk runs that alternate
 * non-streaming and streams (wrk runs for a duration, not a count); RSS is printed after the run
 * that crosses each tenth of the total.
 */
async function soak(mockUrl: string, total: number): Promise<void> {
  const router = await startSwitchyard('memory', mockUrl, '', { core: SERVER_CORE, tag: '-soak' });
  const setup: Setup = { label: 'Switchyard', server: router, model: 'bench', keyed: true };
  await checkWorks(setup);
  console.log(`\nSoak (--soak ${total}): a fresh Switchyard, wrk -t1 -c${CONNECTIONS} at saturation, non-streaming and 20-event streams in turn, 5 s each\n`);
  console.log(`| requests | RSS MB | req/s since the last row | failed |\n|---|---|---|---|\n| 0 | ${fmt(rssMb(router.pid), 1)} | | |`);
  const step = Math.max(1, Math.ceil(total / 10));
  let [done, sinceRow, secondsSinceRow, errors, nextRow] = [0, 0, 0, 0, step];
  for (let i = 0; done < total; i++) {
    const run = await load(setup, i % 2 === 0 ? 'nonstream' : 'stream', 5);
    [done, sinceRow, secondsSinceRow, errors] = [done + run.requests, sinceRow + run.requests, secondsSinceRow + run.seconds, errors + run.errors];
    if (done >= nextRow || done >= total) {
      console.log(`| ${done} | ${fmt(rssMb(router.pid), 1)} | ${fmt(sinceRow / secondsSinceRow)} | ${errors} |`);
      [sinceRow, secondsSinceRow, errors] = [0, 0, 0];
      while (nextRow <= done) nextRow += step;
    }
  }
  await router.stop();
}
