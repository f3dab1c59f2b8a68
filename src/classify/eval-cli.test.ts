// The eval-classifier CLI (src/cli/eval-classifier.ts), driven through its exported function. The
// learned model is a stand-in (a keyword rule, "trained" instantly), so these tests check the harness,
// not the model.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import type { Complexity } from './classification.js';
import { evalClassifier } from '../cli/eval-classifier.js';
import type { LearnedKit } from '../cli/eval-setup.js';
import type { ClassProbabilities, LearnedClassifierModel } from './learned/contract.js';

/** Complex for "code" or "prove", simple for "hi"/"thanks", moderate otherwise; the version counts trainings. */
function standInModel(version: string): LearnedClassifierModel {
  return {
    version,
    predict(body) {
      const text = JSON.stringify(body['messages']).toLowerCase();
      const p: ClassProbabilities = /code|prove/.test(text) ? [0.1, 0.2, 0.7] : /\bhi\b|thanks/.test(text) ? [0.8, 0.15, 0.05] : [0.2, 0.6, 0.2];
      return { probabilities: p, evidence: ['words'] };
    },
  };
}

function standInKit(trained: number[] = []): LearnedKit {
  return {
    train: (examples) => {
      trained.push(examples.length);
      return standInModel(`stand-in-${trained.length}`);
    },
    load: (path) => {
      if (path.endsWith('missing.json')) throw new Error('ENOENT: no such file');
      return standInModel('stand-in-committed');
    },
    defaultWeights: '/nonexistent/missing.json',
  };
}

async function run(args: readonly string[], kit: LearnedKit = standInKit()): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await evalClassifier(args, { stdout: (line) => out.push(line), stderr: (line) => err.push(line) }, kit);
  return { code, out, err };
}

t.test('evaluates a labelled file and prints the metrics', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'set.jsonl');
  await writeFile(
    file,
    [
      '{"messages":[{"role":"user","content":"hi there"}],"label":"simple"}',
      '{"messages":[{"role":"user","content":"Can you explain how vaccines work?"}],"label":"moderate"}',
      '{"messages":[{"role":"user","content":"Write a Python function that parses ISO dates."}],"label":"complex"}',
      '{"messages":[{"role":"user","content":"thanks"}],"label":"complex"}',
    ].join('\n'),
  );
  const { code, out, err } = await run([file, '--classifier', 'heuristic', '--price-small', '2', '--price-large=8', '--errors']);
  t.equal(code, 0);
  t.same(err, []);
  const text = out.join('\n');
  t.match(text, /accuracy 75\.0%/);
  t.match(text, /complex\s+1\s+0\s+1/, 'confusion row for complex');
  t.match(text, /under-routing\): 50\.0% \(1 of 2\)/);
  t.match(text, /over-routing\):\s+0\.0% \(0 of 1\)/);
  t.match(text, /prices: small 2, large 8/);
  t.match(text, /line 4: complex → simple: short-chat \(score -3\)/, '--errors lists the misclassified items');
});

t.test('bad lines: each reported with its line number, exit 1', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'bad.jsonl');
  await writeFile(file, '{"messages":[],"label":"simple"}\n{oops\n{"messages":[],"label":"easy"}\n');
  const { code, out, err } = await run([file]);
  t.equal(code, 1);
  t.same(out, []);
  t.match(err[0], /bad\.jsonl: line 2: not valid JSON/);
  t.match(err[1], /bad\.jsonl: line 3: "label" must be one of simple, moderate, complex, got "easy"/);
  t.equal((await run([join(dir, 'missing.jsonl')])).code, 1, 'an unreadable file exits 1');
});

t.test('usage errors exit 2', async (t) => {
  for (const args of [
    ['--price-small', 'x'],
    ['--bogus'],
    ['a.jsonl', 'b.jsonl'],
    ['--classifier', 'llm'],
    ['--no-loso', '--only-loso'],
    ['--no-loso', '--svg', 'x.svg'],
    ['a.jsonl', '--corpus', 'c.jsonl'],
    ['--sources'],
  ]) {
    const { code, err } = await run(args);
    t.equal(code, 2, args.join(' '));
    t.match(err.at(-1), /usage: eval-classifier/);
  }
});

t.test("--config: the route, the heuristic settings and the tiers' prices come from router.yaml", async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'set.jsonl');
  await writeFile(
    file,
    '{"messages":[{"role":"user","content":"hi there"}],"label":"simple"}\n{"messages":[{"role":"user","content":"Write a Python function that parses ISO dates."}],"label":"complex"}\n',
  );
  const config = join(dir, 'router.yaml');
  const pool = (name: string) => `  ${name}: { engine: sim, servedModel: ${name}, replicas: [ { name: ${name}-a } ] }`;
  await writeFile(
    config,
    [
      'models:',
      '  smart: { tiers: [cheap, mid, dear], classify: true }',
      'tiers:',
      '  cheap: { pools: [p1], price: 1 }',
      '  mid: { pools: [p2], price: 3 }',
      '  dear: { pools: [p3], price: 6 }',
      'pools:',
      pool('p1'),
      pool('p2'),
      pool('p3'),
    ].join('\n'),
  );
  const { code, out } = await run([file, '--config', config, '--model', 'smart', '--classifier', 'heuristic']);
  t.equal(code, 0);
  const text = out.join('\n');
  t.match(text, /route and prices: .*router\.yaml, model smart/);
  t.match(text, /routing: simple → cheap, moderate → mid, complex → dear; prices: cheap 1, mid 3, dear 6/);
  t.match(text, /cost per request: 3\.500 vs 6 with everything on the large tier → saving 41\.7%/);
  const missing = await run([file, '--config', config, '--model', 'nope']);
  t.equal(missing.code, 1);
  t.match(missing.err.join('\n'), /has no model alias "nope"/);
});

const corpusLine = (id: string, source: string, label: Complexity, content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id,
    messages: [{ role: 'user', content }],
    label,
    source: 'o/r:f@000000000000',
    source_name: source,
    source_category: 'c',
    language: 'en',
    license: 'MIT',
    ...extra,
  });

async function fullEvalFiles(): Promise<{ dir: string; corpus: string; dev: string }> {
  const dir = t.testdir();
  const corpus = join(dir, 'corpus.jsonl');
  const dev = join(dir, 'dev.jsonl');
  await writeFile(
    corpus,
    [
      corpusLine('a1', 'alpha', 'simple', 'hi there'),
      corpusLine('a2', 'alpha', 'complex', 'write code for a parser'),
      corpusLine('b1', 'beta', 'moderate', 'explain tides'),
      corpusLine('b2', 'beta', 'complex', 'explain tides, but harder', { language: 'de' }),
      corpusLine('c1', 'gamma', 'simple', 'thanks', {
        context_sources: ['alpha'],
        messages: [
          { role: 'user', content: 'write a parser' },
          { role: 'assistant', content: 'done' },
          { role: 'user', content: 'thanks' },
        ],
      }),
      corpusLine('c2', 'gamma', 'complex', 'prove it'),
    ].join('\n'),
  );
  await writeFile(dev, ['{"messages":[{"role":"user","content":"hi"}],"label":"simple"}', '{"messages":[{"role":"user","content":"prove that"}],"label":"complex"}'].join('\n'));
  return { dir, corpus, dev };
}

t.test('full evaluation: leave-one-source-out tables, the curve, the SVG, the dev set; deterministic', async (t) => {
  const { dir, corpus, dev } = await fullEvalFiles();
  const svg = join(dir, 'curve.svg');
  const trained: number[] = [];
  const args = ['--corpus', corpus, '--dev', dev, '--heldout', dev, '--weights', join(dir, 'w.json'), '--svg', svg, '--config', 'router.yaml'];
  const { code, out, err } = await run(args, standInKit(trained));
  t.equal(code, 0, err.join('\n'));
  t.strictSame(trained, [3, 4, 4], 'alpha held out: beta and gamma minus c1 (built around alpha); beta: alpha + gamma; gamma: alpha + beta');
  const text = out.join('\n');
  t.match(text, /## Leave-one-source-out: .*corpus\.jsonl, 6 items, 3 folds/);
  // Stand-in: a1 simple ✓, a2 complex ✓, b1 moderate ✓, b2 moderate ✗ (complex → small), c1 simple ✓, c2 complex ✓.
  t.match(text, /\| 3-class accuracy +\| +83\.3% \|/);
  t.match(text, /\| complex → small tier +\| +33\.3% \(1\/3\) \|/);
  t.match(text, /\| alpha +\| +2 \| +1\/0\/1 \| +100\.0% \|/);
  t.match(text, /\| de +\| +1 \|/, 'per language');
  t.match(text, /\| multi-turn +\| +1 \|/, 'single vs multi-turn');
  t.match(text, /## Cost\/quality curve/);
  t.match(text, /\| 0\.47 +\| .*← shipped/, 'the threshold router.yaml ships');
  t.match(text, /Recommended \(grid 0\.01/);
  t.match(text, /## Dev set: .*dev\.jsonl, 2 items/);
  t.match(text, /learned stand-in-committed/);
  t.notMatch(text, /\d+\.\d s\b/, 'no timings on stdout');
  t.match(await readFile(svg, 'utf8'), /^<svg xmlns/);
  const again = await run(args, standInKit());
  t.strictSame(again.out, out, 'the same output on a second run');
});

t.test('full evaluation: --sources, --no-loso and --only-loso', async (t) => {
  const { dir, corpus, dev } = await fullEvalFiles();
  const trained: number[] = [];
  const only = await run(['--corpus', corpus, '--only-loso', '--sources', 'gamma'], standInKit(trained));
  t.equal(only.code, 0);
  t.strictSame(trained, [4]);
  t.match(only.out.join('\n'), /2 items, 1 folds \(only the sources gamma\)/);
  t.notMatch(only.out.join('\n'), /## Dev set/);
  const devOnly = await run(['--no-loso', '--dev', dev, '--heldout', dev, '--weights', join(dir, 'w.json')]);
  t.equal(devOnly.code, 0);
  t.notMatch(devOnly.out.join('\n'), /Leave-one-source-out|Cost\/quality/);
  t.match(devOnly.out.join('\n'), /\| 3-class accuracy +\| +100\.0% \|/);
  t.match(devOnly.out.join('\n'), /## Held-out set: .*dev\.jsonl, \d+ items, its authors ask that it not be trained on/, 'the held-out sources are a second unseen set');
  const noHeldout = await run(['--no-loso', '--dev', dev, '--heldout', join(dir, 'nope.jsonl'), '--weights', join(dir, 'w.json')]);
  t.equal(noHeldout.code, 1, 'an unreadable held-out set exits 1');
});

t.test('full evaluation: exit 1 for a missing or bad corpus, an unknown source, unreadable weights', async (t) => {
  const { dir, corpus, dev } = await fullEvalFiles();
  t.equal((await run(['--corpus', join(dir, 'nope.jsonl'), '--only-loso'])).code, 1);
  const bad = join(dir, 'bad.jsonl');
  await writeFile(bad, `${corpusLine('x', 'alpha', 'simple', 'hi')}\n{"messages":[],"label":"simple"}\n`);
  const badRun = await run(['--corpus', bad, '--only-loso']);
  t.equal(badRun.code, 1);
  t.match(badRun.err.join('\n'), /bad\.jsonl: line 2: "source_name" must be a non-empty string/);
  t.equal((await run(['--corpus', corpus, '--only-loso', '--sources', 'delta'])).code, 1);
  const noWeights = await run(['--no-loso', '--dev', dev, '--weights', join(dir, 'missing.json')]);
  t.equal(noWeights.code, 1);
  t.match(noWeights.err.join('\n'), /cannot load the weights .*missing\.json: ENOENT/);
});

t.test('one file through the learned classifier, with its thresholds from router.yaml', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'set.jsonl');
  await writeFile(file, ['{"messages":[{"role":"user","content":"hi"}],"label":"simple"}', '{"messages":[{"role":"user","content":"write code"}],"label":"complex"}'].join('\n'));
  const config = join(dir, 'router.yaml');
  const pool = (name: string) => `  ${name}: { engine: sim, servedModel: ${name}, replicas: [ { name: ${name}-a } ] }`;
  const yaml = (complexFrom: number) =>
    [
      'models:',
      '  auto: { tiers: [small, large], classify: true }',
      'tiers:',
      '  small: { pools: [p1], price: 1 }',
      '  large: { pools: [p2], price: 10 }',
      'classifier:',
      `  mode: learned`,
      `  learned: { weights: ${join(dir, 'w.json')}, complexFrom: ${complexFrom} }`,
      'pools:',
      pool('p1'),
      pool('p2'),
    ].join('\n');
  await writeFile(config, yaml(0.5));
  const learned = await run([file, '--config', config, '--errors']);
  t.equal(learned.code, 0, learned.err.join('\n'));
  t.match(learned.out[0], /learned classifier stand-in-committed \(complexFrom 0\.5, simpleFrom/);
  t.match(learned.out.join('\n'), /accuracy 100\.0%/);
  await writeFile(config, yaml(0.8));
  const strict = await run([file, '--config', config, '--errors']);
  t.match(strict.out.join('\n'), /accuracy 50\.0%/, 'P(complex) 0.7 < 0.8: the code request is no longer complex');
  t.match(strict.out.join('\n'), /under-routing\): 100\.0% \(1 of 1\)/);
  t.equal((await run([file, '--config', config, '--weights', join(dir, 'missing.json')])).code, 1, 'weights that do not load: exit 1');
});
