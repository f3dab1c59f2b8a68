// npm run bench — what the router itself costs, next to the cheapest correct Node proxy (the floor).
// A zero-delay simulator is the backend; the bare proxy and Switchyard (budgets off, in memory, in
// Redis; classification, metrics and the access log always on; the response cache answering every
// request, and the cache on with every request new beside the same setup with it off) each run in their own process, so
// CPU per request is that process's own CPU time (/proc) over the requests it served: robust on a
// noisy 2-core machine, where req/s and latency also reflect the load generator and the neighbours.
// Prints numbers; never passes or fails.
//   --quick (smoke run)  --only <modes and setups, comma-separated: selection.ts>  --soak N (RSS of one router over N requests)
//   --paced: the simulator sends each token as its own event, PACED_TOKENS_PER_SECOND a stream, as
//   engines do, instead of a whole answer in one read (what the proxies pay per event, not per answer;
//   not with --wrk)
//   --wrk: the independent-style mode instead (bench/independent.ts: wrk, a mock engine, pinned cores),
//   with --tail (GC trace, CPU profile and event-loop delay at saturation) and the same --quick, --only, --soak
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { checkCache } from './cache-check.js';
import { independent } from './independent.js';
import { closedLoop, fixedRate, percentile, target } from './load.js';
import { cpuMicros, rssMb, stopAll, type ServerProcess } from './processes.js';
import { select, type Mode } from './selection.js';
import {
  API_END_MARKS,
  API_PATHS,
  SECRET,
  SIM_MODEL,
  apiBodies,
  bodies,
  build,
  startBareProxy,
  startRedis,
  startSim,
  startSwitchyard,
  type Api,
  type Budgets,
  type CacheStore,
  type Traffic,
} from './servers.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    soak: { type: 'string' },
    wrk: { type: 'boolean', default: false },
    tail: { type: 'boolean', default: false },
    paced: { type: 'boolean', default: false },
  },
});
const SELECTION = select(values.only);
const MODES = SELECTION.modes;
const [WARMUP, REQUESTS, ROUNDS, LATENCY_S] = values.quick ? [200, 3000, 2, 3] : [1000, 20_000, 5, 10];
const CONCURRENCY = 32;
const RATE = 500;
const SOAK = Number(values.soak ?? 0);
/**
 * The --paced engine's rate per stream: a token every 0.5 ms, so a 20-token answer takes 10 ms. Slower
 * than that the runs get long (32 connections wait on the engine); faster, a stream's events start to
 * share reads. GPUs decode 30-200 tokens/s per stream, so real events are further apart still.
 */
const PACED_TOKENS_PER_SECOND = 2000;
const MODE_NAME: Record<Mode, string> = values.paced
  ? { nonstream: 'non-streaming (paced engine)', stream: '20-chunk stream, paced' }
  : { nonstream: 'non-streaming', stream: '20-chunk stream' };

process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));

interface Row {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  cpuUs: number;
  ratio: number;
  rssMb: number;
  failed: number;
  redisCpuUs: number;
  /** CPU per request over the baseline's (the same setup with the cache off), the median of the rounds' ratios. */
  baselineRatio: number;
}

interface Setup {
  label: string;
  model: string;
  key: boolean;
  server: ServerProcess;
  redis?: ServerProcess;
  traffic: Traffic;
  /**
   * The setup this one's CPU is compared with beside the floor: for the cache on with all misses, the
   * same with the cache off; for a request in another API, the same router asked through chat completions.
   */
  baseline?: Setup;
  /** The API the requests are asked in (default chat completions). */
  api?: Api;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function targetOf(setup: Setup, mode: Mode) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(setup.key ? { authorization: `Bearer ${SECRET}` } : {}) };
  const stream = mode === 'stream';
  const api = setup.api ?? 'chat';
  const sent = api === 'chat' ? bodies(setup.model, stream, setup.traffic) : apiBodies(api, setup.model, stream);
  return target(setup.server.url, { path: API_PATHS[api], headers, bodies: sent, stream, endMarks: API_END_MARKS[api] });
}

/**
 * CPU per request, in ROUNDS rounds that visit every setup in turn: this machine's speed drifts by
 * ±15% over minutes (shared cores), so each setup's ratio to the floor is taken within one round,
 * where both saw the same machine, and the median round is reported.
 */
async function measureCpu(setups: readonly Setup[], mode: Mode): Promise<Row[]> {
  const cpu = setups.map(() => [] as number[]);
  const ratios = setups.map(() => [] as number[]);
  const baselineRatios = setups.map(() => [] as number[]);
  const rps = setups.map(() => [] as number[]);
  const redisCpu = setups.map(() => [] as number[]);
  const failed = setups.map(() => 0);
  const floorIndex = setups.findIndex((s) => s.label.includes('floor'));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, setup] of setups.entries()) {
      const t = targetOf(setup, mode);
      try {
        if (round === 0) failed[i]! += (await closedLoop(t, WARMUP, CONCURRENCY)).errors;
        const [before, redisBefore] = [cpuMicros(setup.server.pid), setup.redis ? cpuMicros(setup.redis.pid) : NaN];
        const run = await closedLoop(t, REQUESTS / ROUNDS, CONCURRENCY);
        const served = Math.max(1, run.ok + run.errors);
        cpu[i]!.push((cpuMicros(setup.server.pid) - before) / served);
        redisCpu[i]!.push(setup.redis ? (cpuMicros(setup.redis.pid) - redisBefore) / served : NaN);
        rps[i]!.push(run.ok / run.seconds);
        failed[i]! += run.errors;
      } finally {
        await t.pool.close();
      }
    }
    for (const [i, setup] of setups.entries()) {
      ratios[i]!.push(cpu[i]![round]! / cpu[floorIndex]![round]!);
      if (setup.baseline !== undefined) baselineRatios[i]!.push(cpu[i]![round]! / cpu[setups.indexOf(setup.baseline)]![round]!);
    }
    process.stderr.write(`  ${MODE_NAME[mode]}, round ${round + 1}/${ROUNDS}: ${setups.map((s, i) => `${s.label} ${cpu[i]![round]!.toFixed(0)} µs`).join(', ')}\n`);
  }
  return setups.map((setup, i) => ({
    label: setup.label,
    rps: median(rps[i]!),
    p50: NaN,
    p99: NaN,
    cpuUs: median(cpu[i]!),
    ratio: median(ratios[i]!),
    rssMb: NaN,
    failed: failed[i]!,
    redisCpuUs: setup.redis ? median(redisCpu[i]!) : NaN,
    baselineRatio: setup.baseline !== undefined ? median(baselineRatios[i]!) : NaN,
  }));
}

/** Latency to the last byte at a fixed rate, one setup after the other. */
async function measureLatency(setups: readonly Setup[], mode: Mode, rows: Row[]): Promise<void> {
  for (const [i, setup] of setups.entries()) {
    const t = targetOf(setup, mode);
    try {
      const lat = await fixedRate(t, RATE, LATENCY_S);
      const row = rows[i]!;
      row.p50 = percentile(lat.latenciesMs, 50);
      row.p99 = percentile(lat.latenciesMs, 99);
      row.failed += lat.errors + lat.skipped;
      process.stderr.write(`  ${MODE_NAME[mode]}: ${setup.label}: ${RATE} req/s, p50 ${row.p50.toFixed(2)} / p99 ${row.p99.toFixed(2)} ms\n`);
    } finally {
      await t.pool.close();
    }
  }
}

/** One router (budgets in memory: the store that keeps state in the process) over SOAK requests, RSS at checkpoints. */
async function soak(simUrl: string, redisUrl: string): Promise<void> {
  const router = await startSwitchyard('memory', simUrl, redisUrl);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` };
  const ts = [false, true].map((stream) => target(router.url, { path: '/v1/chat/completions', headers, bodies: bodies('bench', stream), stream }));
  console.log(`\nSoak: ${SOAK} requests (non-streaming and 20-chunk streams in turn), Switchyard with budgets in memory, ${CONCURRENCY} connections\n`);
  console.log(`| requests | RSS MB | req/s | failed |\n|---|---|---|---|\n| 0 | ${rssMb(router.pid).toFixed(1)} | | |`);
  const step = Math.max(1, Math.ceil(SOAK / 10));
  for (let done = 0, i = 0; done < SOAK; i++) {
    const n = Math.min(step, SOAK - done);
    const run = await closedLoop(ts[i % 2]!, n, CONCURRENCY); // each checkpoint hard-stops at 60 s
    done += n;
    console.log(`| ${done} | ${rssMb(router.pid).toFixed(1)} | ${Math.round(run.ok / run.seconds)} | ${run.errors} |`);
  }
  await Promise.all(ts.map((t) => t.pool.close()));
  await router.stop();
}

const num = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '—');

function printTable(setups: readonly Setup[], rows: Map<Mode, Row[]>): void {
  const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  console.log(`\nnpm run bench — ${new Date().toISOString()}, node ${process.version}, nproc ${nproc}`);
  console.log(
    `Each row: ${WARMUP} warm-up requests; ${REQUESTS} requests over ${CONCURRENCY} connections in ${ROUNDS} rounds that visit every ` +
      `setup in turn (req/s and CPU µs/req = the server process's own CPU time ÷ requests, for "direct" the simulator's: medians of the rounds; ` +
      `× floor = the median of each round's ratio; × baseline = the same against its baseline: for the cache on, the setup run just before it, the cache off and the same ` +
      `unique prompts; for another API, the router with budgets off asked through chat completions); then ${RATE} req/s for ${LATENCY_S} s (latency to the last byte). Cache hits: temperature 0 and the same three prompts ` +
      `throughout; all misses: temperature 0 and a new number in every prompt. Setups of one configuration share a process (and its RSS).\n` +
      'Switchyard and the simulator run the compiled dist/; the bare proxy runs under tsx, whose loader thread is about 25 MB of its RSS.\n',
  );
  console.log('| setup | req/s | p50 ms | p99 ms | added p50/p99 ms (vs direct) | CPU µs/req | × floor | × baseline | RSS MB |\n|---|---|---|---|---|---|---|---|---|');
  const notes: string[] = [];
  for (const [mode, list] of rows) {
    const direct = list[0]!;
    const floor = list.find((r) => r.label.includes('floor'))!;
    for (const [i, r] of list.entries()) {
      const added = r === direct ? '—' : `${num(r.p50 - direct.p50, 2)} / ${num(r.p99 - direct.p99, 2)}`;
      const ratio = r === direct ? '—' : num(r.ratio, 2);
      const baseline = num(r.baselineRatio, 2);
      console.log(
        `| ${MODE_NAME[mode]}: ${r.label} | ${num(r.rps)} | ${num(r.p50, 2)} | ${num(r.p99, 2)} | ${added} | ${num(r.cpuUs)} | ${ratio} | ${baseline} | ${num(r.rssMb, 1)} |`,
      );
      if (setups[i]!.traffic === 'repeated') {
        notes.push(
          `${MODE_NAME[mode]}, ${r.label}: ${num(r.cpuUs)} µs/req against the floor's ${num(floor.cpuUs)} (× floor ${ratio}; target below 1), ` +
            `p50 ${num(r.p50, 2)} / p99 ${num(r.p99, 2)} ms against the floor's ${num(floor.p50, 2)} / ${num(floor.p99, 2)} ms.`,
        );
      }
      if (setups[i]!.api !== undefined) notes.push(`${MODE_NAME[mode]}, ${r.label}: × the same router over chat completions ${baseline} (target at most 1.3).`);
      else if (setups[i]!.baseline !== undefined) notes.push(`${MODE_NAME[mode]}, ${r.label}: × cache off ${baseline} (target at most 1.10).`);
      if (Number.isFinite(r.redisCpuUs)) notes.push(`${MODE_NAME[mode]}, ${r.label}: redis-server's own CPU adds ${num(r.redisCpuUs)} µs/req (not in the table).`);
      if (r.failed > 0) notes.push(`${MODE_NAME[mode]}, ${r.label}: ${r.failed} requests failed or were skipped.`);
    }
  }
  if (notes.length > 0) console.log(`\n${notes.join('\n')}`);
}

async function main(): Promise<void> {
  build();
  const sim = await startSim(values.paced ? PACED_TOKENS_PER_SECOND : 0);
  const redis = await startRedis();
  const setups: Setup[] = [
    { label: 'direct (sim only)', model: SIM_MODEL, key: false, server: sim, traffic: 'mixed' },
    { label: 'bare proxy (floor)', model: SIM_MODEL, key: false, server: await startBareProxy(sim.url), traffic: 'mixed' },
  ];
  const { groups } = SELECTION;
  const where = { off: 'off', memory: 'in memory', redis: 'in Redis' } as const;
  const routers = new Map<string, ServerProcess>();
  /** One process per configuration, shared by the setups that send it different traffic. */
  const router = async (b: Budgets, cache?: CacheStore): Promise<ServerProcess> => {
    const name = `${b}/${cache ?? 'off'}`;
    if (!routers.has(name)) routers.set(name, await startSwitchyard(b, sim.url, redis.url, undefined, cache));
    return routers.get(name)!;
  };
  const switchyard = async (label: string, b: Budgets, traffic: Traffic, cache?: CacheStore, baseline?: Setup): Promise<Setup> => {
    const setup: Setup = { label, model: 'bench', key: b !== 'off', server: await router(b, cache), traffic, ...(b === 'redis' ? { redis } : {}) };
    if (baseline !== undefined) setup.baseline = baseline;
    setups.push(setup);
    return setup;
  };
  const plain = new Map<Budgets, Setup>();
  if (groups.has('budgets')) for (const b of ['off', 'memory', 'redis'] as const) plain.set(b, await switchyard(`Switchyard, budgets ${where[b]}`, b, 'mixed'));
  if (groups.has('apis')) {
    // The translators' cost: the same prompts and output cap through each API, each against chat completions in the same round.
    const chat = plain.get('off') ?? (await switchyard('Switchyard, budgets off', 'off', 'mixed'));
    for (const [api, name] of [
      ['responses', 'Responses API (stored, the default)'],
      ['responses-unstored', 'Responses API, store: false'],
      ['messages', 'Messages API'],
    ] as const) {
      const setup = await switchyard(`Switchyard, budgets off, ${name}`, 'off', 'mixed', undefined, chat);
      setup.api = api;
    }
  }
  // The cache in Redis lives on budgets.redis's server, so its setups run with budgets in Redis too.
  for (const store of ['memory', 'redis'] as const) {
    const budgets = `budgets ${where[store]}`;
    if (groups.has('cache-hit')) await switchyard(`Switchyard, ${budgets}, cache ${where[store]}: hits`, store, 'repeated', store);
    if (groups.has('cache-miss')) {
      const off = await switchyard(`Switchyard, ${budgets}, unique prompts: cache off`, store, 'unique');
      await switchyard(`Switchyard, ${budgets}, unique prompts: cache ${where[store]}, all misses`, store, 'unique', store, off);
    }
  }
  for (const s of setups) {
    if (s.traffic !== 'mixed') await checkCache(s.label, s.server.url, s.model, s.traffic, s.key, s.traffic === 'repeated' ? 'hit' : s.baseline !== undefined ? 'miss' : null);
  }
  const rows = new Map<Mode, Row[]>();
  for (const mode of MODES) {
    const list = await measureCpu(setups, mode);
    await measureLatency(setups, mode, list);
    rows.set(mode, list);
  }
  for (const [i, setup] of setups.entries()) {
    const rss = rssMb(setup.server.pid); // after all of this server's runs
    for (const list of rows.values()) list[i]!.rssMb = rss;
  }
  printTable(setups, rows);
  for (const server of new Set(setups.map((s) => s.server))) if (server !== sim) await server.stop();
  if (SOAK > 0) await soak(sim.url, redis.url);
}

try {
  if (values.wrk) await independent({ quick: values.quick, modes: MODES, groups: SELECTION.groups, tail: values.tail, soak: SOAK });
  else await main();
} finally {
  await stopAll();
}
