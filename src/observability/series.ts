// Metric families for what every request updates. prom-client hashes a label object on every inc and
// observe, even through a child from `labels()`, and one request touches half a dozen series. Here a
// label combination is resolved once to a series whose updates are a few additions on plain numbers,
// and prom-client reads those numbers, through its own registry and text format, when Prometheus scrapes.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface FamilyConfig<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly registers: Registry[];
}

export class CounterSeries {
  value = 0;

  inc(by = 1): void {
    this.value += by;
  }
}

export class HistogramSeries {
  /** Observations per bucket, not cumulative; the last slot counts those above every bound. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

/** The series of one family, by their label values joined; few (labels are config names and outcome kinds). */
class SeriesTable<L extends string, S> {
  readonly rows = new Map<string, { readonly labels: Record<L, string>; readonly series: S }>();

  constructor(
    private readonly labelNames: readonly L[],
    private readonly create: () => S,
  ) {}

  get(values: readonly string[]): S {
    const key = values.length === 1 ? values[0]! : values.join('\u0000');
    let row = this.rows.get(key);
    if (row === undefined) {
      const labels = {} as Record<L, string>;
      this.labelNames.forEach((name, i) => (labels[name] = values[i] ?? ''));
      row = { labels, series: this.create() };
      this.rows.set(key, row);
    }
    return row.series;
  }
}

/** The families with a `key` label, per registry: a deleted key's series leave them all (forgetKeySeries). */
const keyFamilies = new WeakMap<Registry, CounterFamily<string>[]>();

/** Drops every series of `keyId` from the families of `registry` with a `key` label: a deleted key's counters stop being exported. */
export function forgetKeySeries(registry: Registry, keyId: string): void {
  for (const family of keyFamilies.get(registry) ?? []) family.forget('key', keyId);
}

export class CounterFamily<L extends string> {
  readonly #table: SeriesTable<L, CounterSeries>;

  constructor(config: FamilyConfig<L>) {
    const table = (this.#table = new SeriesTable(config.labelNames, () => new CounterSeries()));
    if ((config.labelNames as readonly string[]).includes('key')) {
      for (const registry of config.registers) keyFamilies.set(registry, [...(keyFamilies.get(registry) ?? []), this]);
    }
    new Counter<L>({
      name: config.name,
      help: config.help,
      labelNames: config.labelNames,
      registers: config.registers,
      collect() {
        this.reset();
        for (const { labels, series } of table.rows.values()) this.inc(labels, series.value);
      },
    });
  }

  /** The series for these label values, in the order of `labelNames`. */
  series(...values: string[]): CounterSeries {
    return this.#table.get(values);
  }

  /** Drops the series whose `label` is `value`. */
  forget(label: L, value: string): void {
    for (const [id, row] of this.#table.rows) if (row.labels[label] === value) this.#table.rows.delete(id);
  }
}

export class HistogramFamily<L extends string> {
  readonly #table: SeriesTable<L, HistogramSeries>;

  constructor(config: FamilyConfig<L> & { readonly buckets: readonly number[] }) {
    const bounds = [...config.buckets].sort((a, b) => a - b);
    this.#table = new SeriesTable(config.labelNames, () => new HistogramSeries(bounds));
    new HistogramExport<L>(config, bounds, this.#table);
  }

  /** The series for these label values, in the order of `labelNames`. */
  series(...values: string[]): HistogramSeries {
    return this.#table.get(values);
  }
}

/** What prom-client's Histogram reads to report itself, with series labels kept apart as `sharedLabels`. */
interface HistogramReport {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  readonly aggregator: 'sum';
  readonly values: { metricName: string; labels: Record<string, string | number>; sharedLabels: Record<string, string>; value: number }[];
}

/**
 * prom-client's Histogram, used for its registration and its output only. Both its `get` (JSON) and its
 * registry's text output start from `getForPromString`, which here reads the family's series instead of
 * the internal map: cumulative `_bucket` counts with `le`, then `_sum` and `_count`, as its own does.
 */
class HistogramExport<L extends string> extends Histogram<L> {
  constructor(
    private readonly config: FamilyConfig<L>,
    private readonly bounds: readonly number[],
    private readonly table: SeriesTable<L, HistogramSeries>,
  ) {
    super({ name: config.name, help: config.help, labelNames: config.labelNames, buckets: [...bounds], registers: config.registers });
  }

  getForPromString(): Promise<HistogramReport> {
    const { name, help } = this.config;
    const values: HistogramReport['values'] = [];
    for (const { labels, series } of this.table.rows.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += series.counts[i]!;
        values.push({ metricName: `${name}_bucket`, labels: { le: bound }, sharedLabels: labels, value: cumulative });
      });
      values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf' }, sharedLabels: labels, value: series.count });
      values.push({ metricName: `${name}_sum`, labels: {}, sharedLabels: labels, value: series.sum });
      values.push({ metricName: `${name}_count`, labels: {}, sharedLabels: labels, value: series.count });
    }
    return Promise.resolve({ name, help, type: 'histogram', aggregator: 'sum', values });
  }
}
