// Just enough of the Prometheus text exposition format to read a few gauges out of an engine's
// /metrics. An engine page runs to hundreds of lines (mostly histogram buckets) and is read every
// second per replica, so lines are only parsed when they start with a wanted name, and nothing is
// allocated for the others.

/** A metric's samples across all its label sets. */
export interface MetricTotal {
  readonly sum: number;
  readonly max: number;
}

/**
 * Totals for each name in `wanted` that has at least one finite sample. Comments (HELP, TYPE, EOF)
 * and malformed lines are skipped. NaN and ±Inf samples are skipped too: a NaN gauge is an engine
 * saying it does not know, and an infinity would swamp every other series in the sum.
 */
export function metricTotals(text: string, wanted: readonly string[]): Map<string, MetricTotal> {
  const totals = new Map<string, MetricTotal>();
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const sample = readSample(text, start, end, wanted);
    if (sample !== null && Number.isFinite(sample.value)) {
      const seen = totals.get(sample.name);
      // Finite samples can still add up past the largest double: held at it, so a total stays a number.
      const sum = seen === undefined ? sample.value : Math.min(Number.MAX_VALUE, Math.max(-Number.MAX_VALUE, seen.sum + sample.value));
      totals.set(sample.name, { sum, max: seen === undefined ? sample.value : Math.max(seen.max, sample.value) });
    }
    start = end + 1;
  }
  return totals;
}

/** The sample on text[start, end) when it is one of the wanted metrics; null otherwise. */
function readSample(text: string, start: number, end: number, wanted: readonly string[]): { name: string; value: number } | null {
  let at = skipBlanks(text, start, end);
  const name = wanted.find((candidate) => text.startsWith(candidate, at));
  if (name === undefined) return null;
  at += name.length;
  // `foo_total` must not be read as a sample of `foo`.
  if (text[at] === '{') {
    at = afterLabels(text, at + 1, end);
    if (at === -1) return null;
  } else if (!isBlank(text.charCodeAt(at))) {
    return null;
  }
  at = skipBlanks(text, at, end);
  let valueEnd = at;
  while (valueEnd < end && !isBlank(text.charCodeAt(valueEnd))) valueEnd += 1;
  // Anything after the value is an optional timestamp, which a gauge read now does not need.
  const value = parseValue(text.slice(at, valueEnd));
  return value === null ? null : { name, value };
}

/** The index after the `}` closing a label set opened before `at`; -1 when it never closes. */
function afterLabels(text: string, at: number, end: number): number {
  // Label values are quoted and may hold `}`, `,`, spaces and escaped quotes (`\"`).
  let quoted = false;
  for (; at < end; at++) {
    const char = text[at];
    if (quoted) {
      if (char === '\\') at += 1;
      else if (char === '"') quoted = false;
    } else if (char === '"') {
      quoted = true;
    } else if (char === '}') {
      return at + 1;
    }
  }
  return -1;
}

function parseValue(token: string): number | null {
  switch (token) {
    case '':
      return null;
    case 'NaN':
      return NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    default: {
      // Number() also reads hex and "Infinity", which the format does not produce; NaN means garbage.
      const value = Number(token);
      return Number.isNaN(value) ? null : value;
    }
  }
}

function skipBlanks(text: string, at: number, end: number): number {
  while (at < end && isBlank(text.charCodeAt(at))) at += 1;
  return at;
}

/** Space, tab or the CR of a CRLF line end. */
function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 13;
}
