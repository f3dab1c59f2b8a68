// The curve drawn as SVG: well-formed, one point per threshold, the shipped threshold marked.
import t from 'tap';
import { curveSvg } from './curve-svg.js';
import type { CurvePoint } from './curve.js';

const point = (complexFrom: number, largeShare: number, complexToSmall: number, accuracy: number): CurvePoint => ({
  complexFrom,
  largeShare,
  complexToSmall,
  simpleToLarge: largeShare / 2,
  accuracy,
});
const CURVE = [point(0.1, 0.8, 0.01, 0.7), point(0.3, 0.5, 0.05, 0.8), point(0.5, 0.35, 0.12, 0.82), point(0.9, 0.1, 0.6, 0.6)];

/** Tags balanced and properly nested; returns the element names in document order. */
function elements(svg: string): string[] {
  const names: string[] = [];
  const open: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^<>]*?)(\/?)>/g)) {
    const [, closing, name = '', , selfClosing] = match;
    if (closing === '/') {
      if (open.pop() !== name) throw new Error(`</${name}> does not close the open element`);
    } else {
      names.push(name);
      if (selfClosing !== '/') open.push(name);
    }
  }
  if (open.length > 0) throw new Error(`unclosed: ${open.join(', ')}`);
  return names;
}

t.test('well-formed SVG with the points, axes and the marked threshold', async (t) => {
  const svg = curveSvg(CURVE, { marked: 0.5, title: 'Held-out <pooled> & co' });
  t.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*viewBox="0 0 \d+ \d+"/);
  t.ok(svg.trimEnd().endsWith('</svg>'));
  const names = elements(svg);
  t.equal(names[0], 'svg');
  t.equal(names.filter((n) => n === 'svg').length, 1);
  t.match(svg, /Held-out &lt;pooled&gt; &amp; co/, 'text is escaped');
  t.notMatch(svg.replace(/<[^>]*>/g, ''), /[<>]/, 'no stray angle brackets in text');
  const polylines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1] ?? '');
  t.equal(polylines.length, 2, 'complex→small and accuracy');
  for (const points of polylines) {
    const pairs = points.trim().split(/\s+/);
    t.equal(pairs.length, CURVE.length);
    for (const pair of pairs)
      t.ok(
        pair.split(',').every((n) => Number.isFinite(Number(n))),
        pair,
      );
  }
  t.match(svg, /shipped complexFrom 0\.5/);
  t.notMatch(svg, /NaN|undefined|Infinity/);
});

t.test('no marked threshold: no marker; an empty curve still draws the axes', async (t) => {
  t.notMatch(curveSvg(CURVE, {}), /shipped/);
  const empty = curveSvg([], {});
  t.doesNotThrow(() => elements(empty));
  t.notMatch(empty, /NaN/);
});
