// The tables of `npm run bench -- --wrk` (bench/independent.ts): one column per setup, cells the
// median of the rounds with their min–max, and after a column that is read against another, the
// median of each round's ratio to it ("× floor" for Switchyard and for cache hits, "× cache off" for
// the cache's misses).
import { fmt, median, type Mode, type Setup, MODE_NAME } from './wrk-setups.js';

export interface Round {
  cpuUs: number;
  rps: number;
  p99: number;
  p999: number;
  rateP99: number;
  achievedRate: number;
  errors: number;
}

export interface Column {
  /** Index into the setups and their rounds. */
  readonly setup: number;
  /** Followed by a "× <name>" column: the median of each round's ratio to that setup. */
  readonly ratioTo?: { readonly setup: number; readonly name: string };
}

/** "median (min–max)" over the rounds. */
function spread(values: readonly number[], digits = 0): string {
  if (values.length === 1) return fmt(values[0]!, digits);
  return `${fmt(median(values), digits)} (${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)})`;
}

export interface TableData {
  readonly modes: readonly Mode[];
  readonly setups: readonly Setup[];
  readonly rounds: Map<Mode, Round[][]>;
  /** The mock alone's p99 at the fixed rate, per round. */
  readonly directP99: Map<Mode, number[]>;
  readonly rss: readonly number[];
  readonly rate: number;
}

export function printColumns(data: TableData, columns: readonly Column[]): void {
  const { modes, setups, rounds, directP99, rss, rate } = data;
  const header = columns.flatMap((c) => [setups[c.setup]!.label, ...(c.ratioTo ? [`× ${c.ratioTo.name}`] : [])]);
  console.log(`| | ${header.join(' | ')} |\n|---|${header.map(() => '---|').join('')}`);
  for (const mode of modes) {
    const all = rounds.get(mode)!;
    const direct = directP99.get(mode)!;
    const row = (name: string, pick: (x: Round) => number, digits: number, withRatio = true): void => {
      const cells = columns.flatMap((c) => {
        const own = all[c.setup]!;
        const cell = spread(own.map(pick), digits);
        if (c.ratioTo === undefined) return [cell];
        const base = all[c.ratioTo.setup]!;
        return [cell, withRatio ? fmt(median(base.map((x, i) => pick(own[i]!) / pick(x))), 2) : ''];
      });
      console.log(`| ${name} | ${cells.join(' | ')} |`);
    };
    const name = MODE_NAME[mode];
    row(`CPU µs per ${name} request`, (x) => x.cpuUs, 0);
    row(`req/s at saturation, ${name}`, (x) => x.rps, 0);
    row(`p99 ms at saturation, ${name}`, (x) => x.p99, 1);
    row(`p99.9 ms at saturation, ${name}`, (x) => x.p999, 1);
    const added = columns.flatMap((c) => [
      spread(
        all[c.setup]!.map((x, i) => x.rateP99 - direct[i]!),
        2,
      ),
      ...(c.ratioTo ? [''] : []),
    ]);
    console.log(`| added p99 ms at ${rate} req/s, ${name} (mock alone: p99 ${spread(direct, 2)}) | ${added.join(' | ')} |`);
    row(`req/s reached in the ${rate} req/s run, ${name}`, (x) => x.achievedRate, 0, false);
    const errors = columns.map((c) => all[c.setup]!.reduce((n, x) => n + x.errors, 0));
    if (errors.some((n) => n > 0)) console.log(`| failed requests, ${name} | ${columns.flatMap((c, i) => [String(errors[i]), ...(c.ratioTo ? [''] : [])]).join(' | ')} |`);
  }
  console.log(`| RSS MB after load | ${columns.flatMap((c) => [fmt(rss[c.setup]!, 1), ...(c.ratioTo ? [''] : [])]).join(' | ')} |`);
}
