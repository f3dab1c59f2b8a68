// The heuristic on the public labelled dev set (test/fixtures/complexity, see its README). The
// floors are the numbers achieved when the defaults were set, minus a small margin for accuracy and
// none for under-routing, so a change that makes the classifier worse fails here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { evaluate } from './evaluate.js';
import { classifyHeuristic } from './heuristic.js';
import { parseLabelledSet } from './labelled-set.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/complexity/complexity-dev.jsonl', import.meta.url));

/** Achieved: 96.0% accuracy, 0.959 macro-F1, 1 of 100 complex items under-routed. */
const MIN_ACCURACY = 0.94;
const MIN_MACRO_F1 = 0.93;
const MAX_UNDER_ROUTED = 0.01;
const MAX_OVER_ROUTED = 0.02;

t.test('dev set: accuracy and routing errors stay at what was achieved', async (t) => {
  const set = parseLabelledSet(readFileSync(FIXTURE, 'utf8'));
  t.same(set.errors, [], 'the fixture parses');
  t.equal(set.items.length, 300);
  const result = evaluate(set.items.map((item) => ({ label: item.label, predicted: classifyHeuristic(item.body).complexity })));
  t.comment(
    `accuracy ${(100 * result.accuracy).toFixed(1)}%, macro-F1 ${result.macroF1.toFixed(3)}, ` +
      `complex→small ${(100 * result.underRouted.share).toFixed(1)}%, simple→large ${(100 * result.overRouted.share).toFixed(1)}%, ` +
      `saving ${(100 * result.saving).toFixed(1)}% (prices small 1, large 10)`,
  );
  t.comment(`confusion (label → predicted): ${JSON.stringify(result.confusion)}`);
  t.ok(result.accuracy >= MIN_ACCURACY, `accuracy ${result.accuracy} ≥ ${MIN_ACCURACY}`);
  t.ok(result.macroF1 >= MIN_MACRO_F1, `macro-F1 ${result.macroF1} ≥ ${MIN_MACRO_F1}`);
  t.ok(result.underRouted.share <= MAX_UNDER_ROUTED, `complex→small ${result.underRouted.share} ≤ ${MAX_UNDER_ROUTED}`);
  t.ok(result.overRouted.share <= MAX_OVER_ROUTED, `simple→large ${result.overRouted.share} ≤ ${MAX_OVER_ROUTED}`);
});
