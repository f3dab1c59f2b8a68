// `npm run bench -- --wrk --tail`: what sets the latency tail at saturation, for the floor and for
// Switchyard, in two passes of fresh servers under the same wrk load as the table:
//   1. observed: --trace-gc and the event-loop-delay histogram (bench/loop-delay.ts, 1 ms timer),
//      both cheap, with the CPU of the main thread and of the other threads (GC helpers, libuv pool);
//   2. profiled: --cpu-prof at 500 µs, cut to the load window, with the server ALONE on its core (a
//      second mock engine runs beside wrk on the load core). V8's sampler records the main thread's
//      stack when it next runs, so time the thread spends preempted counts as self time of wherever
//      it stopped: in pass 1's layout, every socket write that wakes the mock on the same core would
//      be charged for the mock's work. The sampler thread also costs CPU, so latency, GC and thread
//      numbers are taken from pass 1 only.
// Profiles and logs (with the GC trace) are kept in node_modules/.cache/switchyard-bench/tail.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { plainNode } from './plain-node.js';
import { cpuMicros, logDir } from './processes.js';
import {
  accessBetween,
  fileSize,
  gcBetween,
  monotonicUs,
  profileIn,
  summariseProfile,
  takeLoopDelay,
  threadCpu,
  type AccessSummary,
  type GcSummary,
  type LoopDelay,
  type ProfileSummary,
} from './tail-diagnosis.js';
import type { WrkResult } from './wrk.js';
import { LOAD_CORE, MODE_NAME, fmt, load, startMock, startSetups, type Mode, type Setup } from './wrk-setups.js';

const KEEP = fileURLToPath(new URL('../node_modules/.cache/switchyard-bench/tail', import.meta.url));
const NAMES = ['floor', 'switchyard'] as const;

interface Observed {
  readonly wrk: WrkResult;
  readonly cpuUs: number;
  readonly mainUs: number;
  readonly otherThreadsUs: number;
  readonly gc: GcSummary;
  readonly loop: LoopDelay;
  readonly access: AccessSummary;
}

interface Profiled {
  /** Latency with the server alone on its core (and the profiler on): against pass 1, what sharing the core with the engine costs. */
  readonly wrk: WrkResult;
  /** The process's CPU per request in the profiled window (all threads, the sampler's included). */
  readonly cpuUs: number;
  readonly profile: ProfileSummary;
}

export async function tail(mockUrl: string, modes: readonly Mode[], seconds: number, warmupS: number): Promise<void> {
  mkdirSync(KEEP, { recursive: true });
  const loopFiles = NAMES.map((name) => join(logDir, `loop-delay-${name}.json`));
  const observed = new Map<string, Observed>();
  {
    const setups = await startSetups(mockUrl, (which) => ({
      nodeFlags: ['--trace-gc', '--import', plainNode('loop-delay')],
      env: { BENCH_LOOP_DELAY_FILE: loopFiles[NAMES.indexOf(which)]! },
      tag: '-observed',
    }));
    const sequence = [0, 0];
    for (const mode of modes) {
      for (const [i, setup] of setups.entries()) {
        await load(setup, mode, warmupS);
        sequence[i] = (await takeLoopDelay(setup.server.pid, loopFiles[i]!, sequence[i]!)).sequence; // a fresh histogram from here
        const [logFrom, cpuFrom, threadsFrom] = [fileSize(setup.server.logFile), cpuMicros(setup.server.pid), threadCpu(setup.server.pid)];
        const wrk = await load(setup, mode, seconds);
        const loop = await takeLoopDelay(setup.server.pid, loopFiles[i]!, sequence[i]);
        sequence[i] = loop.sequence;
        const threadsTo = threadCpu(setup.server.pid);
        const logTo = fileSize(setup.server.logFile);
        const served = Math.max(1, wrk.requests);
        observed.set(`${i}/${mode}`, {
          wrk,
          loop,
          cpuUs: (cpuMicros(setup.server.pid) - cpuFrom) / served,
          mainUs: (threadsTo.main - threadsFrom.main) / served,
          otherThreadsUs: (threadsTo.other - threadsFrom.other) / served,
          gc: gcBetween(setup.server.logFile, logFrom, logTo),
          access: accessBetween(setup.server.logFile, logFrom, logTo),
        });
      }
    }
    for (const [i, setup] of setups.entries()) {
      await setup.server.stop();
      copyFileSync(setup.server.logFile, join(KEEP, `${NAMES[i]}-trace-gc.log`));
    }
  }

  const profiled = new Map<string, Profiled>();
  {
    const dirs = NAMES.map((name) => join(logDir, `profile-${name}`));
    for (const dir of dirs) mkdirSync(dir, { recursive: true });
    const mock = await startMock(LOAD_CORE);
    const setups = await startSetups(mock.url, (which) => ({
      nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dirs[NAMES.indexOf(which)]}`, '--cpu-prof-interval=500'],
      tag: '-profiled',
    }));
    const windows: { i: number; mode: Mode; wrk: WrkResult; cpuUs: number; fromUs: number; toUs: number }[] = [];
    for (const mode of modes) {
      for (const [i, setup] of setups.entries()) {
        await load(setup, mode, warmupS);
        const [fromUs, cpuFrom] = [monotonicUs(), cpuMicros(setup.server.pid)];
        const wrk = await load(setup, mode, seconds);
        const cpuUs = (cpuMicros(setup.server.pid) - cpuFrom) / Math.max(1, wrk.requests);
        windows.push({ i, mode, wrk, cpuUs, fromUs, toUs: monotonicUs() });
      }
    }
    for (const setup of setups) await setup.server.stop(); // SIGTERM: each writes its profile as it exits
    await mock.stop();
    const files = dirs.map((dir, i) => {
      const kept = join(KEEP, `${NAMES[i]}.cpuprofile`);
      copyFileSync(profileIn(dir), kept);
      return kept;
    });
    for (const w of windows) profiled.set(`${w.i}/${w.mode}`, { wrk: w.wrk, cpuUs: w.cpuUs, profile: summariseProfile(files[w.i]!, w.fromUs, w.toUs) });
  }

  console.log(`\nTail at saturation (--tail), ${seconds} s per window after ${warmupS} s warm-up. Profiles and GC traces kept in ${KEEP}.\n`);
  const labels: readonly Setup['label'][] = ['bare proxy (floor)', 'Switchyard'];
  for (const mode of modes) {
    for (const [i, label] of labels.entries()) printWindow(`${label}, ${MODE_NAME[mode]}`, observed.get(`${i}/${mode}`)!, profiled.get(`${i}/${mode}`)!);
  }
}

function printWindow(title: string, o: Observed, p: Profiled): void {
  const n = Math.max(1, o.wrk.requests);
  const wallMs = o.wrk.seconds * 1000;
  const gcMs = o.gc.scavengeMs + o.gc.markCompactMs + o.gc.markingStepsMs;
  console.log(`### ${title}`);
  console.log(
    `- wrk (pass 1): ${n} requests, ${fmt(n / o.wrk.seconds)} req/s, p50 ${fmt(o.wrk.p50Ms, 1)} / p90 ${fmt(o.wrk.p90Ms, 1)} / ` +
      `p99 ${fmt(o.wrk.p99Ms, 1)} / p99.9 ${fmt(o.wrk.p999Ms, 1)} / max ${fmt(o.wrk.maxMs, 1)} ms, ${o.wrk.errors} errors`,
  );
  console.log(`- CPU ${fmt(o.cpuUs)} µs/req: main thread ${fmt(o.mainUs)}, other threads (GC helpers, libuv pool) ${fmt(o.otherThreadsUs)}`);
  console.log(
    `- GC: ${o.gc.scavenges} scavenges, ${fmt(o.gc.scavengeMs, 1)} ms (${fmt((o.gc.scavengeMs * 1000) / n, 1)} µs/req, ` +
      `mean ${fmt(o.gc.scavengeMs / Math.max(1, o.gc.scavenges), 2)} ms); ${o.gc.markCompacts} mark-compacts, ${fmt(o.gc.markCompactMs, 1)} ms ` +
      `+ ${fmt(o.gc.markingStepsMs, 1)} ms of incremental marking steps; main-thread GC ${fmt((gcMs / wallMs) * 100, 1)}% of wall time; ` +
      `longest ${o.gc.longest.map((x) => `${x.kind} ${fmt(x.ms, 2)}`).join(', ')} ms; heap after the last GC ${fmt(o.gc.heapAfterMb, 1)} MB`,
  );
  console.log(
    `- event-loop delay (1 ms timer: an idle loop reads ~1): p50 ${o.loop.p50Ms} / p90 ${o.loop.p90Ms} / p99 ${o.loop.p99Ms} / ` +
      `p99.9 ${o.loop.p999Ms} / max ${o.loop.maxMs} ms over ${o.loop.count} samples`,
  );
  if (o.access.lines > 0) {
    const ms = (values: readonly number[]): string => values.map((v) => fmt(v, 1)).join(' / ');
    console.log(
      `- access lines (${o.access.lines}), p50 / p90 / p99 / p99.9 ms: arrival to last byte ${ms(o.access.durationMs)}; ` +
        `in attempts (engine and the wait to read its answer) ${ms(o.access.upstreamMs)}; the rest ${ms(o.access.ownMs)}`,
    );
  }
  const m = Math.max(1, p.wrk.requests);
  const busy = p.profile.busyUs;
  console.log(
    `- profile (pass 2, server alone on its core: ${m} requests, ${fmt(busy / m)} µs/req sampled on the main thread, ` +
      `${fmt(p.cpuUs)} µs/req of process CPU), self time by area, µs/req: ${p.profile.byArea
        .slice(0, 10)
        .map((a) => `${a.area} ${fmt(a.us / m, 1)} (${fmt((a.us / busy) * 100)}%)`)
        .join(', ')}`,
  );
  console.log(
    `- wrk in pass 2 (server alone on its core, profiler on): ${fmt(m / p.wrk.seconds)} req/s, p50 ${fmt(p.wrk.p50Ms, 1)} / ` +
      `p99 ${fmt(p.wrk.p99Ms, 1)} / p99.9 ${fmt(p.wrk.p999Ms, 1)} ms`,
  );
  console.log(`- top functions, self µs/req: ${p.profile.top.map((f) => `${f.name} [${f.area}] ${fmt(f.us / m, 1)}`).join('; ')}`);
  console.log(`- top own functions, self µs/req: ${p.profile.topOwn.map((f) => `${f.name} ${fmt(f.us / m, 1)}`).join('; ')}\n`);
}
