// The eval-classifier CLI (src/cli/eval-classifier.ts), driven through its exported function.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { evalClassifier } from '../cli/eval-classifier.js';

async function run(args: readonly string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await evalClassifier(args, { stdout: (line) => out.push(line), stderr: (line) => err.push(line) });
  return { code, out, err };
}

t.test('evaluates a labelled file and prints the metrics', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'eval-classifier-'));
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
  const { code, out, err } = await run([file, '--price-small', '2', '--price-large=8', '--errors']);
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
  const dir = await mkdtemp(join(tmpdir(), 'eval-classifier-'));
  const file = join(dir, 'bad.jsonl');
  await writeFile(file, '{"messages":[],"label":"simple"}\n{oops\n{"messages":[],"label":"easy"}\n');
  const { code, out, err } = await run([file]);
  t.equal(code, 1);
  t.same(out, []);
  t.match(err[0], /bad\.jsonl: line 2: not valid JSON/);
  t.match(err[1], /bad\.jsonl: line 3: "label" must be one of simple, moderate, complex, got "easy"/);
  t.equal((await run([join(dir, 'missing.jsonl')])).code, 1, 'an unreadable file exits 1');
});

t.test('usage errors exit 2; the default file is the dev fixture', async (t) => {
  t.equal((await run(['--price-small', 'x'])).code, 2);
  t.equal((await run(['--bogus'])).code, 2);
  t.equal((await run(['a.jsonl', 'b.jsonl'])).code, 2);
  const { code, out } = await run([]);
  t.equal(code, 0);
  t.match(out[0], /complexity-dev\.jsonl/);
});

t.test('--config: the route, the heuristic settings and the tiers\' prices come from router.yaml', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'eval-classifier-'));
  const file = join(dir, 'set.jsonl');
  await writeFile(file, '{"messages":[{"role":"user","content":"hi there"}],"label":"simple"}\n{"messages":[{"role":"user","content":"Write a Python function that parses ISO dates."}],"label":"complex"}\n');
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
  const { code, out } = await run([file, '--config', config, '--model', 'smart']);
  t.equal(code, 0);
  const text = out.join('\n');
  t.match(text, /route and prices: .*router\.yaml, model smart/);
  t.match(text, /routing: simple → cheap, moderate → mid, complex → dear; prices: cheap 1, mid 3, dear 6/);
  t.match(text, /cost per request: 3\.500 vs 6 with everything on the large tier → saving 41\.7%/);
  const missing = await run([file, '--config', config, '--model', 'nope']);
  t.equal(missing.code, 1);
  t.match(missing.err.join('\n'), /has no model alias "nope"/);
});
