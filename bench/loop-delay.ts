// Bench-only diagnostic, loaded into a server under test with `--import` (never part of src/): an
// event-loop delay histogram (perf_hooks.monitorEventLoopDelay). On SIGUSR2 it writes the histogram
// since the previous SIGUSR2 to $BENCH_LOOP_DELAY_FILE as one JSON object (with a sequence number,
// so the bench knows the write is new), then starts a fresh one. The bench sends SIGUSR2 before and
// after a load run, so the histogram covers the run alone. Resolution 1 ms: the sampling timer then
// wakes an idle loop 1,000 times a second, a cost only the diagnostic run pays. Node records the
// whole interval between two timer runs, so an idle loop reads about 1 ms, not 0.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env['BENCH_LOOP_DELAY_FILE'];
if (file !== undefined && file !== '') {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let sequence = 0;
  process.on('SIGUSR2', () => {
    const ms = (ns: number): number => Math.round(ns / 1e3) / 1e3;
    const snapshot = {
      sequence: ++sequence,
      count: histogram.count,
      minMs: ms(histogram.min),
      meanMs: ms(histogram.mean),
      p50Ms: ms(histogram.percentile(50)),
      p90Ms: ms(histogram.percentile(90)),
      p99Ms: ms(histogram.percentile(99)),
      p999Ms: ms(histogram.percentile(99.9)),
      maxMs: ms(histogram.max),
    };
    writeFileSync(file, `${JSON.stringify(snapshot)}\n`);
    histogram.reset();
  });
}
