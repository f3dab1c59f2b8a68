// The cost/quality curve drawn as a small standalone SVG for the README: x is the share of traffic
// sent to the large tier, y is complex→small and accuracy, one point per threshold, labelled with
// its complexFrom; the shipped threshold (and optionally a recommended one) marked. Written by hand
// so the chart needs no plotting dependency and regenerates byte for byte.
import type { CurvePoint } from './curve.js';

export interface CurveSvgOptions {
  readonly title?: string;
  /** The shipped classifier.learned.complexFrom. */
  readonly marked?: number;
  /** A second threshold to mark, e.g. the one recommended for the targets. */
  readonly recommended?: number;
  /** Horizontal guides: the complex→small and accuracy targets. */
  readonly targets?: { readonly complexToSmall: number; readonly accuracy: number };
  /** The large tier's share when routing by the labels: drawn as the ideal point (no complex→small). */
  readonly ideal?: number;
}

const WIDTH = 760;
const HEIGHT = 510;
const PLOT = { left: 64, right: WIDTH - 24, top: 48, bottom: 380 };
const COLOURS = { complexToSmall: '#c0392b', accuracy: '#1f5fa8', grid: '#e3e3e3', axis: '#444', marked: '#2e7d32', recommended: '#8e44ad' };

/** Share of traffic → x pixel; the axis ends at `xMax`. */
type XScale = (share: number) => number;
const xScale =
  (xMax: number): XScale =>
  (share) =>
    PLOT.left + (share / xMax) * (PLOT.right - PLOT.left);
const y = (share: number) => PLOT.bottom - share * (PLOT.bottom - PLOT.top);
const n = (value: number) => String(Math.round(value * 10) / 10);
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function text(at: [number, number], content: string, attributes = ''): string {
  return `<text x="${n(at[0])}" y="${n(at[1])}"${attributes === '' ? '' : ` ${attributes}`}>${escape(content)}</text>`;
}

function series(x: XScale, points: readonly CurvePoint[], value: (p: CurvePoint) => number, colour: string, name: string): string[] {
  if (points.length === 0) return [];
  const coordinates = points.map((p) => `${n(x(p.largeShare))},${n(y(value(p)))}`).join(' ');
  return [
    `<polyline points="${coordinates}" fill="none" stroke="${colour}" stroke-width="2" data-series="${name}"/>`,
    ...points.map((p) => `<circle cx="${n(x(p.largeShare))}" cy="${n(y(value(p)))}" r="3" fill="${colour}"/>`),
  ];
}

function marker(x: XScale, points: readonly CurvePoint[], threshold: number | undefined, colour: string, label: string, row: number): string[] {
  if (threshold === undefined) return [];
  const point = points.find((p) => Math.abs(p.complexFrom - threshold) < 1e-9);
  if (point === undefined) return [];
  const at = x(point.largeShare);
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  return [
    `<line x1="${n(at)}" y1="${PLOT.top}" x2="${n(at)}" y2="${PLOT.bottom}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    `<circle cx="${n(at)}" cy="${n(y(point.complexToSmall))}" r="6" fill="none" stroke="${colour}" stroke-width="2"/>`,
    `<circle cx="${n(at)}" cy="${n(y(point.accuracy))}" r="6" fill="none" stroke="${colour}" stroke-width="2"/>`,
    text(
      [PLOT.left, PLOT.bottom + 64 + 18 * row],
      `${label} ${threshold}: large tier ${pct(point.largeShare)}, complex→small ${pct(point.complexToSmall)}, simple→large ${pct(point.simpleToLarge)}, accuracy ${pct(point.accuracy)}`,
      `fill="${colour}" font-size="12"`,
    ),
  ];
}

export function curveSvg(points: readonly CurvePoint[], options: CurveSvgOptions): string {
  const widest = Math.max(0, options.ideal ?? 0, ...points.map((p) => p.largeShare));
  // The x axis ends at the next 10% past the points: the curve lives in a narrow band of shares.
  const xMax = points.length === 0 ? 1 : Math.min(1, Math.max(0.1, Math.ceil((widest + 0.02) * 10) / 10));
  const x = xScale(xMax);
  const xTicks = Array.from({ length: Math.round(xMax * 20) + 1 }, (_, i) => i / 20);
  const ticks = Array.from({ length: 11 }, (_, i) => i / 10);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    text([WIDTH / 2, 24], options.title ?? 'Cost/quality curve', 'text-anchor="middle" font-size="15" font-weight="bold"'),
  ];
  for (const tick of xTicks) {
    parts.push(
      `<line x1="${n(x(tick))}" y1="${PLOT.top}" x2="${n(x(tick))}" y2="${PLOT.bottom}" stroke="${COLOURS.grid}"/>`,
      text([x(tick), PLOT.bottom + 16], `${Math.round(tick * 100)}%`, 'text-anchor="middle"'),
    );
  }
  for (const tick of ticks) {
    parts.push(
      `<line x1="${PLOT.left}" y1="${n(y(tick))}" x2="${PLOT.right}" y2="${n(y(tick))}" stroke="${COLOURS.grid}"/>`,
      text([PLOT.left - 6, y(tick) + 4], `${Math.round(tick * 100)}%`, 'text-anchor="end"'),
    );
  }
  parts.push(
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="${COLOURS.axis}"/>`,
    text([(PLOT.left + PLOT.right) / 2, PLOT.bottom + 36], 'share of requests sent to the large tier (cost)', 'text-anchor="middle"'),
    text([16, (PLOT.top + PLOT.bottom) / 2], 'complex→small, accuracy', `text-anchor="middle" transform="rotate(-90 16 ${n((PLOT.top + PLOT.bottom) / 2)})"`),
  );
  if (options.targets !== undefined) {
    const guide = (value: number, colour: string, label: string) => [
      `<line x1="${PLOT.left}" y1="${n(y(value))}" x2="${PLOT.right}" y2="${n(y(value))}" stroke="${colour}" stroke-width="1" stroke-dasharray="2 3"/>`,
      text([PLOT.left + 4, y(value) - 4], label, `fill="${colour}" font-size="11"`),
    ];
    parts.push(
      ...guide(options.targets.complexToSmall, COLOURS.complexToSmall, `target complex→small ≤ ${Math.round(options.targets.complexToSmall * 100)}%`),
      ...guide(options.targets.accuracy, COLOURS.accuracy, `target accuracy ≥ ${Math.round(options.targets.accuracy * 100)}%`),
    );
  }
  if (options.ideal !== undefined) {
    const [ix, iy] = [x(options.ideal), y(0)];
    parts.push(
      `<path d="M ${n(ix)} ${n(iy - 7)} L ${n(ix + 7)} ${n(iy)} L ${n(ix)} ${n(iy + 7)} L ${n(ix - 7)} ${n(iy)} Z" fill="#000000"/>`,
      text([ix - 10, iy - 6], 'routing by the labels', 'text-anchor="end" font-size="11"'),
    );
  }
  parts.push(...series(x, points, (p) => p.complexToSmall, COLOURS.complexToSmall, 'complex-to-small'), ...series(x, points, (p) => p.accuracy, COLOURS.accuracy, 'accuracy'));
  // Threshold labels under the complex→small points; every other one when they would crowd.
  const every = points.length > 12 ? 2 : 1;
  points.forEach((p, i) => {
    if (i % every === 0) parts.push(text([x(p.largeShare), y(p.complexToSmall) - 8], String(p.complexFrom), `text-anchor="middle" font-size="10" fill="${COLOURS.axis}"`));
  });
  parts.push(
    ...marker(x, points, options.marked, COLOURS.marked, 'shipped complexFrom', 0),
    ...marker(x, points, options.recommended === options.marked ? undefined : options.recommended, COLOURS.recommended, 'recommended complexFrom', 1),
  );
  const legendY = HEIGHT - 20;
  parts.push(
    `<line x1="${PLOT.left}" y1="${legendY}" x2="${PLOT.left + 24}" y2="${legendY}" stroke="${COLOURS.complexToSmall}" stroke-width="2"/>`,
    text([PLOT.left + 30, legendY + 4], 'complex requests sent to the small tier'),
    `<line x1="${PLOT.left + 290}" y1="${legendY}" x2="${PLOT.left + 314}" y2="${legendY}" stroke="${COLOURS.accuracy}" stroke-width="2"/>`,
    text([PLOT.left + 320, legendY + 4], '3-class accuracy (labels: complexFrom)'),
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
