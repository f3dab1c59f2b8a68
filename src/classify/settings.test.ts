import t from 'tap';
import { DEFAULT_HEURISTIC_SETTINGS, resolveHeuristicSettings, SIGNAL_REASONS } from './settings.js';

t.test('defaults: every signal has a weight and a reason word; thresholds are ordered', async (t) => {
  t.same(Object.keys(DEFAULT_HEURISTIC_SETTINGS.weights).sort(), Object.keys(SIGNAL_REASONS).sort());
  for (const reason of Object.values(SIGNAL_REASONS)) t.match(reason, /^[a-z][a-z-]*$/);
  const { simpleBelow, effortCap, complexFrom } = DEFAULT_HEURISTIC_SETTINGS.thresholds;
  t.ok(simpleBelow <= effortCap && effortCap < complexFrom, 'effort alone reaches moderate but never complex');
  t.ok(Object.isFrozen(DEFAULT_HEURISTIC_SETTINGS) && Object.isFrozen(DEFAULT_HEURISTIC_SETTINGS.weights));
});

t.test('overrides replace only the keys they set', async (t) => {
  const resolved = resolveHeuristicSettings({ weights: { code: 2, math: undefined }, thresholds: { complexFrom: 3 }, window: { headChars: 100 } });
  t.equal(resolved.weights.code, 2);
  t.equal(resolved.weights.math, DEFAULT_HEURISTIC_SETTINGS.weights.math, 'undefined keeps the default');
  t.equal(resolved.thresholds.complexFrom, 3);
  t.equal(resolved.thresholds.simpleBelow, DEFAULT_HEURISTIC_SETTINGS.thresholds.simpleBelow);
  t.equal(resolved.window.headChars, 100);
  t.equal(resolved.window.tailChars, DEFAULT_HEURISTIC_SETTINGS.window.tailChars);
  t.same(resolveHeuristicSettings(), DEFAULT_HEURISTIC_SETTINGS);
  t.ok(Object.isFrozen(resolved.weights));
});
