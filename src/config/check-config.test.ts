import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { checkConfig } from '../cli/check-config.js';

const VALID = `
models: { chat: { tiers: [small] }, big: { tiers: [small] } }
tiers: { small: { pools: [gpu, sim] } }
pools:
  gpu: { engine: vllm, servedModel: m, replicas: [ { url: "http://gpu-0:8000" }, { url: "http://gpu-1:8000" } ] }
  sim: { engine: sim, servedModel: s, replicas: [ {} ] }
`;
const INVALID = `
server: { port: "80a" }
models: { chat: { tiers: [small] } }
tiers: { small: { pools: [gpu] } }
pools:
  gpu: { engine: vllm, servedModel: m, replicas: [ { url: "http://gpu-0:8000/v1", wieght: 1 } ] }
`;

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await checkConfig(args, { env, stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { code, stdout, stderr };
}

t.test('check-config', async (t) => {
  const dir = t.testdir({ 'router.yaml': VALID, 'bad.yaml': INVALID, 'one.yaml': VALID.replace(', big: { tiers: [small] }', '') });
  const ok = `${dir}/router.yaml: ok — 2 models, 1 tier, 2 pools, 3 replicas`;
  t.same(await run([`${dir}/router.yaml`]), { code: 0, stdout: [ok], stderr: [] }, 'positional path');
  t.same(await run(['--config', `${dir}/router.yaml`]), { code: 0, stdout: [ok], stderr: [] }, '--config PATH');
  t.same(await run([`--config=${dir}/router.yaml`]), { code: 0, stdout: [ok], stderr: [] }, '--config=PATH');
  t.same(await run([], { SWITCHYARD_CONFIG: `${dir}/router.yaml` }), { code: 0, stdout: [ok], stderr: [] }, '$SWITCHYARD_CONFIG');
  t.same((await run([`${dir}/one.yaml`])).stdout, [`${dir}/one.yaml: ok — 1 model, 1 tier, 2 pools, 3 replicas`]);
  t.same(
    await run([`${dir}/bad.yaml`]),
    {
      code: 1,
      stdout: [],
      stderr: ['server.port: must be an integer from 0 to 65535 (got "80a")', 'pools.gpu.replicas[0].wieght: unknown key (allowed: name, url, weight, sim)'],
    },
    'every schema problem, one per line',
  );
  t.same(await run([`${dir}/missing.yaml`]), { code: 1, stdout: [], stderr: [`${dir}/missing.yaml: cannot read file (ENOENT)`] });
  const usage = await run(['--verbose']);
  t.equal(usage.code, 2);
  t.equal(usage.stderr[0], 'check-config: unknown option --verbose');
  t.equal((await run(['a.yaml', 'b.yaml'])).stderr[0], 'check-config: more than one config path given');
  t.equal((await run(['--config'])).stderr[0], 'check-config: --config needs a path');
});

t.test('check-config as a process: exit code, stderr, no stack trace', async (t) => {
  const dir = t.testdir({ 'bad.yaml': 'models: [\n' });
  const script = fileURLToPath(new URL('../cli/check-config.ts', import.meta.url));
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, `${dir}/bad.yaml`], { encoding: 'utf8', env: { ...process.env, SWITCHYARD_CONFIG: '' } });
  t.equal(result.status, 1);
  t.equal(result.stdout, '');
  t.match(result.stderr, new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/bad\\.yaml: line \\d+, column \\d+: `));
  t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
});
