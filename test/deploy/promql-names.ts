// The metric names a PromQL expression (or a Grafana variable query) reads, and whether a Prometheus
// exposition has them. Not a PromQL parser: enough of its lexical rules for the dashboard's queries,
// with its own tests (promql-names.test.ts).

// Words that are not metric names: aggregation operators, set and vector-matching keywords, and the
// literals PromQL knows. Functions are recognised by the parenthesis that follows them.
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan', 'atan2']);

/** Metric names in one expression, in order of appearance, without duplicates. */
export function metricNames(expr: string): string[] {
  // Grafana's label_values(metric, label) and label_values(label): the metric is the first argument
  // of the two-argument form; the label is not a metric.
  const labelValues = /^\s*label_values\(\s*([^,()]*?)\s*(?:,\s*[A-Za-z_][A-Za-z0-9_]*\s*)?\)\s*$/.exec(expr);
  if (labelValues !== null) {
    const inner = labelValues[1] ?? '';
    return /,/.test(expr) ? metricNames(inner) : [];
  }
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // string literals (label values, regexes)
    .replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, ' ') // Grafana variables: $__rate_interval, ${x}
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // label lists
  const names: string[] = [];
  for (const match of text.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = match[0];
    const start = match.index;
    if (start > 0 && /[0-9.]/.test(text[start - 1] ?? '')) continue; // 1e3, 5m inside a number or duration
    if (/^\s*\(/.test(text.slice(start + word.length))) continue; // a function or an aggregation
    if (KEYWORDS.has(word.toLowerCase())) continue;
    if (!names.includes(word)) names.push(word);
  }
  return names;
}

/** Metric families of a Prometheus text exposition, by name, with their TYPE. */
export function exposedFamilies(exposition: string): Map<string, string> {
  const families = new Map<string, string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) families.set(match[1] ?? '', match[2] ?? '');
  return families;
}

/**
 * Whether a name a query reads is served: a family itself, or one of the series a histogram
 * (`_bucket`, `_sum`, `_count`) or a summary (`_sum`, `_count`) family writes. A suffix counts only
 * for the family types that write it: `x_count` of a counter named `x` is not a series.
 */
export function isExposed(name: string, families: ReadonlyMap<string, string>): boolean {
  if (families.has(name)) return true;
  const suffixed = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (suffixed === null) return false;
  const type = families.get(suffixed[1] ?? '');
  return type === 'histogram' || (type === 'summary' && suffixed[2] !== 'bucket');
}
