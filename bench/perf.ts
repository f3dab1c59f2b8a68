// npm run bench — what the router itself costs, next to the cheapest correct Node proxy (the floor).
// A zero-delay simulator is the backend; the bare proxy and Switchyard (budgets off, in memory, in
// Redis; classification, metrics and the access log always on) each run in their own process, so
// CPU per request is that process's own CPU time (/proc) over the requests it served: robust on a
// noisy 2-core machine, where req/s and latency also reflect the load generator and the neighbours.
// Prints numbers; never passes or fails.
//   --quick (smoke run)  --only nonstream|stream  --soak N (RSS of one router over N requests)
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { closedLoop, fixedRate, percentile, target } from './load.js';
import { cpuMicros, rssMb, stopAll, type ServerProcess } from './processes.js';
import { SECRET, SIM_MODEL, bodies, build, startBareProxy, startRedis, startSim, startSwitchyard, type Budgets } from './servers.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, soak: { type: 'string' } } });
type Mode = 'nonstream' | 'stream';
const MODES: Mode[] = values.only === 'nonstream' || values.only === 'stream' ? [values.only] : ['nonstream', 'stream'];
const [WARMUP, REQUESTS, LATENCY_S] = values.quick ? [200, 3000, 3] : [1000, 20_000, 10];
const CONCURRENCY = 32;
const RATE = 500;
const SOAK = Number(values.soak ?? 0);
const MODE_NAME: Record<Mode, string> = { nonstream: 'non-streaming', stream: '20-chunk stream' };

process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));

interface Row { label: string; rps: number; p50: number; p99: number; cpuUs: number; rssMb: number; failed: number; redisCpuUs: number }

/** `redis`: also the redis-server's CPU per request, the part of the Redis store's cost the router's own CPU leaves out. */
async function measure(server: ServerProcess, label: string, mode: Mode, model: string, key: boolean, redis?: ServerProcess): Promise<Row> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${SECRET}` } : {}) };
  const t = target(server.url, { path: '/v1/chat/completions', headers, bodies: bodies(model, mode === 'stream'), stream: mode === 'stream' });
  try {
    const warm = await closedLoop(t, WARMUP, CONCURRENCY);
    const [before, redisBefore] = [cpuMicros(server.pid), redis ? cpuMicros(redis.pid) : NaN];
    const run = await closedLoop(t, REQUESTS, CONCURRENCY);
    const served = Math.max(1, run.ok + run.errors);
    const cpuUs = (cpuMicros(server.pid) - before) / served;
    const redisCpuUs = redis ? (cpuMicros(redis.pid) - redisBefore) / served : NaN;
    const lat = await fixedRate(t, RATE, LATENCY_S);
    const failed = warm.errors + run.errors + lat.errors + lat.skipped;
    const row = { label, rps: run.ok / run.seconds, p50: percentile(lat.latenciesMs, 50), p99: percentile(lat.latenciesMs, 99), cpuUs, rssMb: NaN, failed, redisCpuUs };
    process.stderr.write(`  ${MODE_NAME[mode]}: ${label}: ${Math.round(row.rps)} req/s, ${cpuUs.toFixed(0)} µs CPU/req, p50 ${row.p50.toFixed(2)} / p99 ${row.p99.toFixed(2)} ms; ` +
      `load generator ${(run.clientCpuMicros / Math.max(1, run.ok)).toFixed(0)} µs CPU/req; ${failed} failed\n`);
    return row;
  } finally {
    await t.pool.close();
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

function printTable(rows: Map<Mode, Row[]>): void {
  const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  console.log(`\nnpm run bench — ${new Date().toISOString()}, node ${process.version}, nproc ${nproc}`);
  console.log(`Each row: ${WARMUP} warm-up requests; ${REQUESTS} requests over ${CONCURRENCY} connections (req/s; CPU µs/req = the server ` +
    `process's own CPU time ÷ requests, for "direct" the simulator's); then ${RATE} req/s for ${LATENCY_S} s (latency to the last byte).\n` +
    'Switchyard and the simulator run the compiled dist/; the bare proxy runs under tsx, whose loader thread is about 25 MB of its RSS.\n');
  console.log('| setup | req/s | p50 ms | p99 ms | added p50/p99 ms (vs direct) | CPU µs/req | × floor | RSS MB |\n|---|---|---|---|---|---|---|---|');
  const notes: string[] = [];
  for (const [mode, list] of rows) {
    const [direct, floor] = [list[0]!, list[1]!];
    for (const r of list) {
      const added = r === direct ? '—' : `${num(r.p50 - direct.p50, 2)} / ${num(r.p99 - direct.p99, 2)}`;
      const ratio = r === direct ? '—' : num(r.cpuUs / floor.cpuUs, 2);
      console.log(`| ${MODE_NAME[mode]}: ${r.label} | ${num(r.rps)} | ${num(r.p50, 2)} | ${num(r.p99, 2)} | ${added} | ${num(r.cpuUs)} | ${ratio} | ${num(r.rssMb, 1)} |`);
      if (Number.isFinite(r.redisCpuUs)) notes.push(`${MODE_NAME[mode]}, ${r.label}: redis-server's own CPU adds ${num(r.redisCpuUs)} µs/req (not in the table).`);
      if (r.failed > 0) notes.push(`${MODE_NAME[mode]}, ${r.label}: ${r.failed} requests failed or were skipped.`);
    }
  }
  if (notes.length > 0) console.log(`\n${notes.join('\n')}`);
}

async function main(): Promise<void> {
  build();
  const sim = await startSim();
  const redis = await startRedis();
  const setups: { label: string; model: string; key: boolean; redis?: ServerProcess; start: () => Promise<ServerProcess> }[] = [
    { label: 'direct (sim only)', model: SIM_MODEL, key: false, start: async () => sim },
    { label: 'bare proxy (floor)', model: SIM_MODEL, key: false, start: () => startBareProxy(sim.url) },
    ...(['off', 'memory', 'redis'] as const).map((b: Budgets) => ({
      label: `Switchyard, budgets ${{ off: 'off', memory: 'in memory', redis: 'in Redis' }[b]}`,
      model: 'bench',
      key: b !== 'off',
      ...(b === 'redis' ? { redis } : {}),
      start: () => startSwitchyard(b, sim.url, redis.url),
    })),
  ];
  const rows = new Map<Mode, Row[]>(MODES.map((m) => [m, []]));
  for (const setup of setups) {
    const server = await setup.start();
    for (const mode of MODES) rows.get(mode)!.push(await measure(server, setup.label, mode, setup.model, setup.key, setup.redis));
    const rss = rssMb(server.pid); // after all of this server's runs
    for (const list of rows.values()) list[list.length - 1]!.rssMb = rss;
    if (server !== sim) await server.stop();
  }
  printTable(rows);
  if (SOAK > 0) await soak(sim.url, redis.url);
}

try {
  await main();
} finally {
  await stopAll();
}
