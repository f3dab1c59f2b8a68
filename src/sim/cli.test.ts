// The standalone CLI as a real child process: it announces its URL, serves, and exits 0 on SIGTERM;
// bad arguments exit 2 with a message naming the flag.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

function runCli(args: readonly string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

t.test('prints its URL, serves, and closes cleanly on SIGTERM', async (t) => {
  const cli = runCli(['--port', '0', '--model', 'cli-model', '--ttft-ms', '0', '--tokens-per-second', '0']);
  t.teardown(() => {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  });
  while (!cli.stdout().includes('\n')) await once(cli.child.stdout, 'data');
  const match = /^sim listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(cli.stdout());
  t.ok(match, `one line with the URL, got ${JSON.stringify(cli.stdout())}`);
  const url = match?.[1] ?? '';
  const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string }> };
  t.equal(models.data[0]?.id, 'cli-model');
  cli.child.kill('SIGTERM');
  t.equal(await cli.exited, 0);
  t.equal(cli.stderr(), '');
});

t.test('engine and fault flags reach the server', async (t) => {
  const cli = runCli([
    '--port',
    '0',
    '--model',
    'm',
    '--ttft-ms',
    '0',
    '--tokens-per-second',
    '0',
    '--flavour',
    'tgi',
    '--max-running',
    '3',
    '--kv-cache-tokens',
    '1000',
    '--slow-factor',
    '2',
    '--error-rate',
    '1',
    '--die-after',
    '2',
    '--drop-mid-stream-rate',
    '0.5',
    '--max-model-len',
    '4096',
  ]);
  t.teardown(() => {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  });
  while (!cli.stdout().includes('\n')) await once(cli.child.stdout, 'data');
  const url = /(http:\/\/\S+)/.exec(cli.stdout())?.[1] ?? '';
  t.match(await (await fetch(`${url}/metrics`)).text(), /^tgi_queue_size 0$/m, 'TGI flavour');
  t.match(await (await fetch(`${url}/v1/models`)).json(), { data: [{ max_model_len: 4096 }] }, '--max-model-len');
  const post = () => fetch(`${url}/v1/completions`, { method: 'POST', body: '{"prompt":"x"}' });
  const failed = await post();
  t.equal(failed.status, 424, "error rate 1: TGI's generation failure");
  t.match(await failed.json(), { error_type: 'generation' });
  await (await post()).text();
  // The second request was the last: the replica stops listening, and the process has nothing left.
  t.equal(await cli.exited, 0, 'the process ends once the replica has died');
});

t.test('--hang accepts and never answers', async (t) => {
  const cli = runCli(['--port', '0', '--hang']);
  t.teardown(() => {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  });
  while (!cli.stdout().includes('\n')) await once(cli.child.stdout, 'data');
  const url = /(http:\/\/\S+)/.exec(cli.stdout())?.[1] ?? '';
  const request = fetch(`${url}/v1/completions`, { method: 'POST', body: '{"prompt":"x"}', signal: AbortSignal.timeout(300) });
  await t.rejects(request, { name: 'TimeoutError' });
  cli.child.kill('SIGTERM');
  t.equal(await cli.exited, 0);
});

t.test('bad arguments exit 2 with a message', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--port', 'abc'], /--port must be an integer from 0 to 65535, got "abc"/],
    [['--tokens-per-second=-1'], /--tokens-per-second must be a number >= 0/],
    [['--max-tokens', '1.5'], /--max-tokens must be an integer >= 1/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--flavour', 'sglang'], /--flavour must be one of vllm, tgi, got "sglang"/],
    [['--max-running', '0'], /--max-running must be an integer >= 1, got "0"/],
    [['--kv-cache-tokens', 'lots'], /--kv-cache-tokens must be an integer >= 1, got "lots"/],
    [['--slow-factor', '0.5'], /--slow-factor must be a number >= 1, got "0.5"/],
    [['--error-rate', '1.5'], /--error-rate must be a number from 0 to 1, got "1.5"/],
    [['--drop-mid-stream-rate=-0.1'], /--drop-mid-stream-rate must be a number from 0 to 1/],
    [['--die-after', '2.5'], /--die-after must be an integer >= 0, got "2.5"/],
    [['--hang=yes'], /--hang' does not take an argument/],
  ];
  for (const [args, message] of cases) {
    const cli = runCli(args);
    t.equal(await cli.exited, 2, args.join(' '));
    t.match(cli.stderr(), message);
    t.match(cli.stderr(), /^usage: sim/m);
    t.equal(cli.stdout(), '');
  }
});
