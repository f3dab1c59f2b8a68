// npm run bench:balance — how each balancing strategy copes with a pool of four simulated replicas:
// one healthy, one three times slower, one failing 20% of requests, one that dies halfway through.
// Prints numbers; never passes or fails. Everything runs on loopback, bounded in count and time.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseConfigObject } from '../src/config/load.js';
import { SIM_DEFAULTS } from '../src/config/defaults.js';
import type { BalanceStrategy, SimFaults } from '../src/config/types.js';
import { createLogger } from '../src/observability/logger.js';
import { startRouter } from '../src/router.js';
import { startSim, type SimServer } from '../src/sim/server.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1500' },
    rate: { type: 'string', default: '90' },
    'max-in-flight': { type: 'string', default: '400' },
    'max-seconds': { type: 'string', default: '60' },
  },
});
const REQUESTS = Number(values.requests);
/** Open loop: requests arrive at this rate whatever the answers take, as real traffic does. */
const RATE = Number(values.rate);
/** A safety bound on requests open at once. */
const MAX_IN_FLIGHT = Number(values['max-in-flight']);
const MAX_MS = Number(values['max-seconds']) * 1000;
const STRATEGIES: BalanceStrategy[] = ['round-robin', 'least-in-flight', 'load-aware'];

/** The four replicas: what makes each one hard to balance over. */
const REPLICAS: { name: string; faults: Partial<SimFaults> }[] = [
  { name: 'healthy', faults: {} },
  { name: 'slow-3x', faults: { slowFactor: 3 } },
  { name: 'fails-20pct', faults: { errorRate: 0.2 } },
  // Round-robin would send it a quarter of the requests: it dies halfway through that share.
  { name: 'dies-halfway', faults: { dieAfterRequests: Math.round(REQUESTS / 8) } },
];

interface Outcome {
  replica: string;
  ttftMs: number | null;
  totalMs: number;
  /** The request failed before any byte: an HTTP error status. */
  failedBeforeCommit: boolean;
  /** The stream started and then broke (an SSE error event, or no [DONE]). */
  failedAfterCommit: boolean;
}

interface Run {
  readonly outcomes: Outcome[];
  /** Counters from the router's own metrics (what /metrics serves) at the end of the run. */
  readonly retries: number;
  readonly ejections: number;
}

async function runStrategy(strategy: BalanceStrategy): Promise<Run> {
  const sims: SimServer[] = [];
  for (const replica of REPLICAS) {
    sims.push(
      await startSim({
        ...SIM_DEFAULTS,
        servedModel: 'bench-model',
        ttftMs: 40,
        tokensPerSecond: 100,
        defaultMaxTokens: 16,
        maxRunning: 16,
        faults: { ...SIM_DEFAULTS.faults, ...replica.faults },
      }),
    );
  }
  const loaded = parseConfigObject({
    models: { bench: { tiers: ['bench'] } },
    tiers: { bench: { pools: ['bench'] } },
    pools: {
      bench: {
        engine: 'vllm',
        servedModel: 'bench-model',
        balance: strategy,
        firstTokenTimeoutMs: 5000,
        healthCheck: { intervalMs: 1000, timeoutMs: 500 },
        engineMetrics: { intervalMs: 200, staleAfterMs: 1000 },
        replicas: REPLICAS.map((replica, index) => ({ name: replica.name, url: sims[index]?.url })),
      },
    },
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const router = await startRouter({ config: loaded.config, port: 0, logger: createLogger('silent') });
  const outcomes: Outcome[] = [];
  const started = performance.now();
  const open = new Set<Promise<void>>();
  for (let sent = 0; sent < REQUESTS && performance.now() - started < MAX_MS; sent++) {
    // Arrivals on a fixed schedule; the wait absorbs the time spent sending.
    const due = started + (sent * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (open.size >= MAX_IN_FLIGHT) await Promise.race(open);
    const request: Promise<void> = streamOnce(router.url).then((outcome) => {
      outcomes.push(outcome);
      open.delete(request);
    });
    open.add(request);
  }
  await Promise.all(open);
  const metrics = await router.metrics.registry.metrics();
  await router.shutdown();
  await Promise.all(sims.map((sim) => sim.close()));
  return { outcomes, retries: counterSum(metrics, 'switchyard_retries_total'), ejections: counterSum(metrics, 'switchyard_ejections_total') };
}

function counterSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

async function streamOnce(url: string): Promise<Outcome> {
  const start = performance.now();
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content: 'Tell me a short story.' }] }),
  });
  const replica = res.headers.get('x-switchyard-replica') ?? 'none';
  if (res.status !== 200 || res.body === null) {
    await res.text();
    return { replica, ttftMs: null, totalMs: performance.now() - start, failedBeforeCommit: true, failedAfterCommit: false };
  }
  let ttftMs: number | null = null;
  let text = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body) {
      text += decoder.decode(chunk as Uint8Array, { stream: true });
      if (ttftMs === null && text.includes('"content":"') && /"content":"[^"]/.test(text)) ttftMs = performance.now() - start;
    }
  } catch {
    // A reset mid-stream shows below as a missing [DONE].
  }
  const broken = text.includes('"error"') || !text.includes('data: [DONE]');
  return { replica, ttftMs, totalMs: performance.now() - start, failedBeforeCommit: false, failedAfterCommit: broken };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const ms = (value: number) => (Number.isNaN(value) ? 'n/a' : `${Math.round(value)}`);
const pct = (part: number, whole: number) => `${((100 * part) / Math.max(1, whole)).toFixed(1)}%`;

console.log(`bench:balance — ${REQUESTS} streaming requests arriving at ${RATE}/s, 4 simulated replicas (TTFT 40 ms, 100 tok/s, 16 tokens, 16 running max)`);
console.log(`node ${process.version}, ${new Date().toISOString()}\n`);
console.log(
  '| strategy | p50 TTFT ms | p99 TTFT ms | p50 total ms | p99 total ms | errors before commit | errors after commit | retries | ejections | requests per replica (' +
    REPLICAS.map((r) => r.name).join(' / ') +
    ') | p99 TTFT per replica |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const strategy of STRATEGIES) {
  const { outcomes, retries, ejections } = await runStrategy(strategy);
  const ok = outcomes.filter((o) => !o.failedBeforeCommit);
  const ttfts = ok.flatMap((o) => (o.ttftMs === null ? [] : [o.ttftMs]));
  const totals = ok.filter((o) => !o.failedAfterCommit).map((o) => o.totalMs);
  const perReplica = REPLICAS.map((r) => outcomes.filter((o) => o.replica === r.name).length).join(' / ');
  const ttftPerReplica = REPLICAS.map((r) =>
    ms(
      percentile(
        ttfts.filter((_, i) => ok.filter((o) => o.ttftMs !== null)[i]?.replica === r.name),
        99,
      ),
    ),
  ).join(' / ');
  console.log(
    `| ${strategy} | ${ms(percentile(ttfts, 50))} | ${ms(percentile(ttfts, 99))} | ${ms(percentile(totals, 50))} | ${ms(percentile(totals, 99))} | ` +
      `${pct(outcomes.filter((o) => o.failedBeforeCommit).length, outcomes.length)} | ${pct(outcomes.filter((o) => o.failedAfterCommit).length, outcomes.length)} | ` +
      `${retries} | ${ejections} | ${perReplica} | ${ttftPerReplica} |`,
  );
}
