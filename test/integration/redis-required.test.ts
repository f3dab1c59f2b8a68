// A fresh machine without redis-server: the Redis-backed test files skip with one message saying why,
// instead of failing with a wall of errors; in CI (CI=true) or with SWITCHYARD_REQUIRE_REDIS=1 a
// missing redis-server fails them, so it can never pass unnoticed. Each case runs a real Redis-backed
// test file as tap runs it (node --import tsx FILE), with REDIS_SERVER_BIN pointing nowhere.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FILES = ['src/budgets/redis-store.test.ts', 'src/budgets/store.contract.test.ts', 'test/integration/redis-budgets.test.ts'];

function run(file: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = { ...process.env };
  // The suite itself may run in CI; each case sets exactly the variables it is about.
  delete base['CI'];
  delete base['SWITCHYARD_REQUIRE_REDIS'];
  delete base['TAP'];
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env: { ...base, REDIS_SERVER_BIN: '/nonexistent/redis-server', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const REASON =
  '/nonexistent/redis-server not found (install redis-server, or set REDIS_SERVER_BIN): the Redis tests are skipped. CI=true or SWITCHYARD_REQUIRE_REDIS=1 makes this a failure.';

t.test('without redis-server, each Redis-backed file is skipped with one message', async (t) => {
  for (const file of FILES) {
    const { code, stdout, stderr } = await run(file, {});
    t.equal(code, 0, `${file}: passes`);
    // A file skipped whole plans no tests (`1..0 # reason`, which tap reports as a skip); the store contract skips its Redis half.
    t.ok(stdout.includes(`1..0 # ${REASON}`) || stdout.includes(`# SKIP ${REASON}`), `${file}: says it skipped, and why`);
    t.equal(stdout.match(/ECONNREFUSED|Error/g), null, `${file}: no errors`);
    t.equal(stderr, '', `${file}: nothing on stderr`);
    // The memory half of the store contract still runs.
    if (file.endsWith('store.contract.test.ts')) t.match(stdout, /^ok \d+ - memory: store contract/m, 'the memory store contract ran');
  }
});

t.test('in CI, or with SWITCHYARD_REQUIRE_REDIS=1, a missing redis-server fails them', async (t) => {
  const cases: [string, Record<string, string>][] = [
    ...FILES.map((file): [string, Record<string, string>] => [file, { CI: 'true' }]),
    [FILES[0]!, { SWITCHYARD_REQUIRE_REDIS: '1' }],
  ];
  for (const [file, env] of cases) {
    const { code, stdout, stderr } = await run(file, env);
    const where = `${file} with ${JSON.stringify(env)}`;
    t.not(code, 0, `${where}: fails`);
    t.match(
      stdout + stderr,
      '/nonexistent/redis-server not found, and the Redis tests are required here (CI=true or SWITCHYARD_REQUIRE_REDIS=1): install redis-server (apt-get install -y redis-server) or set REDIS_SERVER_BIN',
      `${where}: says why`,
    );
  }
});
