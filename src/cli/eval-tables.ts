// The tables eval-classifier prints: the single-file report, and the Markdown tables of the full
// evaluation (summary, confusion, per group, cost/quality curve), padded so that they read in a
// terminal and paste as is into the README.
import { COMPLEXITIES, type Complexity } from '../classify/classification.js';
import { DEFAULT_ROUTE, evaluateGroups, type Evaluation, type Prices, type Route } from '../classify/evaluate.js';
import type { CurvePoint } from '../classify/learned/curve.js';
import type { CorpusEntry } from '../classify/learned/loso.js';
import type { Setup } from './eval-setup.js';

export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function formatEvaluation(result: Evaluation, prices: Prices, route: Route = DEFAULT_ROUTE): string[] {
  const width = 10;
  const cells = (values: readonly (string | number)[]) => values.map((v) => String(v).padStart(width)).join('');
  const lines = [
    `accuracy ${pct(result.accuracy)}   macro-F1 ${result.macroF1.toFixed(3)}   (${result.total} items)`,
    '',
    'confusion matrix (rows: label, columns: predicted)',
    `${''.padEnd(width)}${cells(COMPLEXITIES)}`,
    ...COMPLEXITIES.map((label) => `${label.padEnd(width)}${cells(COMPLEXITIES.map((p) => result.confusion[label][p]))}`),
    '',
    `${''.padEnd(width)}${cells(['precision', 'recall', 'F1', 'items'])}`,
    ...COMPLEXITIES.map((c) => {
      const s = result.perClass[c];
      return `${c.padEnd(width)}${cells([s.precision.toFixed(3), s.recall.toFixed(3), s.f1.toFixed(3), s.support])}`;
    }),
    '',
    `routing: ${COMPLEXITIES.map((c) => `${c} → ${route[c]}`).join(', ')}; prices: ${Object.entries(prices)
      .map(([t, p]) => `${t} ${p}`)
      .join(', ')}`,
    `complex sent to the small tier (under-routing): ${pct(result.underRouted.share)} (${result.underRouted.count} of ${result.underRouted.of})`,
    `simple sent to the large tier (over-routing):   ${pct(result.overRouted.share)} (${result.overRouted.count} of ${result.overRouted.of})`,
    `cost per request: ${result.cost.predicted.toFixed(3)} vs ${result.cost.baseline} with everything on the large tier → saving ${pct(result.saving)}` +
      ` (routing by the labels: ${result.cost.baseline === 0 ? 'n/a' : pct(1 - result.cost.labelled / result.cost.baseline)})`,
  ];
  return lines;
}

/** A Markdown table with padded columns: readable in a terminal, pasted as is into the README. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned = true): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => (i > 0 && rightAligned ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i > 0 && rightAligned ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)];
}

const share = (s: { readonly share: number; readonly count: number; readonly of: number }) => `${pct(s.share)} (${s.count}/${s.of})`;

export function confusionTable(result: Evaluation): string[] {
  return markdownTable(
    ['label ↓ / predicted →', ...COMPLEXITIES],
    COMPLEXITIES.map((label) => [label, ...COMPLEXITIES.map((p) => String(result.confusion[label][p]))]),
  );
}

/** The headline numbers of several classifiers (or sets) side by side. */
export function summaryTable(columns: readonly [name: string, result: Evaluation][]): string[] {
  const row = (name: string, value: (e: Evaluation) => string) => [name, ...columns.map(([, e]) => value(e))];
  return markdownTable(
    ['', ...columns.map(([name]) => name)],
    [
      row('items', (e) => String(e.total)),
      row('3-class accuracy', (e) => pct(e.accuracy)),
      row('macro-F1', (e) => e.macroF1.toFixed(3)),
      row('complex → small tier', (e) => share(e.underRouted)),
      row('simple → large tier', (e) => share(e.overRouted)),
      row('traffic on the large tier', (e) => pct(e.toComplexTier.share)),
      row('saving vs all-large', (e) => pct(e.saving)),
    ],
  );
}

/** One corpus item with its label and a classifier's verdict. */
export interface Judged {
  readonly item: CorpusEntry;
  readonly label: Complexity;
  readonly predicted: Complexity;
}

/** Per group (source, language, turns): the learned model's held-out numbers and the heuristic's accuracy beside them. */
export function groupTable(title: string, learned: readonly Judged[], heuristic: readonly Judged[], group: (item: CorpusEntry) => string, setup: Setup): string[] {
  const heuristicBy = new Map(evaluateGroups(heuristic, (j) => group(j.item), setup.route, setup.prices));
  return markdownTable(
    // No macro-F1 here: a source or language often holds one or two classes, where it says little.
    [title, 'items', 's/m/c', 'accuracy', 'complex→small', 'simple→large', 'heuristic acc.'],
    evaluateGroups(learned, (j) => group(j.item), setup.route, setup.prices).map(([name, e]) => [
      name,
      String(e.total),
      COMPLEXITIES.map((c) => e.perClass[c].support).join('/'),
      pct(e.accuracy),
      e.underRouted.of === 0 ? '–' : share(e.underRouted),
      e.overRouted.of === 0 ? '–' : share(e.overRouted),
      pct(heuristicBy.get(name)?.accuracy ?? 0),
    ]),
  );
}

export function curveTable(points: readonly CurvePoint[], shipped: number, recommended: number): string[] {
  return markdownTable(
    ['complexFrom', 'large tier', 'complex→small', 'simple→large', 'accuracy', ''],
    points.map((p) => [
      String(p.complexFrom),
      pct(p.largeShare),
      pct(p.complexToSmall),
      pct(p.simpleToLarge),
      pct(p.accuracy),
      [p.complexFrom === shipped ? '← shipped' : '', p.complexFrom === recommended ? '← recommended' : ''].filter((s) => s !== '').join(' '),
    ]),
  );
}
