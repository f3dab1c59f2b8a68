import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { LineBatch, type FlushableDestination } from './line-batch.js';

/** A writer that records what it is handed and when it is asked to flush. */
function recorder(): FlushableDestination & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    write: (text: string) => void events.push(`write ${text}`),
    flush: (cb) => {
      events.push('flush');
      cb?.();
    },
    flushSync: () => void events.push('flushSync'),
  };
}

t.test('lines are handed on in order, a batch at a time, once the batch is full', async (t) => {
  const next = recorder();
  const batch = new LineBatch(next, 6, -1);
  batch.write('ab\n');
  batch.write('cd\n');
  batch.write('ef\n');
  t.strictSame(next.events, ['write ab\ncd\n'], 'the first two lines fill the batch; the third waits');
  batch.write('gh\n');
  t.strictSame(next.events, ['write ab\ncd\n', 'write ef\ngh\n']);
});

t.test('flush hands on what is pending before the writer flushes, and nothing twice', async (t) => {
  const next = recorder();
  const batch = new LineBatch(next, 1000, -1);
  batch.write('one\n');
  let flushed = false;
  batch.flush(() => (flushed = true));
  batch.flush();
  t.strictSame(next.events, ['write one\n', 'flush', 'flush']);
  t.ok(flushed, 'the callback ran when the writer had flushed');
});

/** Runs `body` after a logger on stdout has logged two lines; what the process wrote to stdout, and its exit code. */
async function loggingProcess(body: string): Promise<{ code: number | null; lines: [string, string][] }> {
  const logger = new URL('./logger.ts', import.meta.url).pathname;
  const script = `import { createLogger, flushLogger } from ${JSON.stringify(logger)};
const logger = createLogger('info');
logger.info('first');
logger.warn({ n: 2 }, 'second');
${body}`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  const [code] = (await once(child, 'close')) as [number | null];
  const lines = out
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { msg: string; level: string })
    .map((line): [string, string] => [line.level, line.msg]);
  return { code, lines };
}

const BOTH = [
  ['info', 'first'],
  ['warn', 'second'],
];

t.test("a process's log lines, short of a batch, are all on stdout however it ends", async (t) => {
  t.strictSame(await loggingProcess('await flushLogger(logger);\nprocess.exit(0);'), { code: 0, lines: BOTH }, 'after flushLogger');
  t.strictSame(await loggingProcess('process.exit(3);'), { code: 3, lines: BOTH }, 'at process.exit, without flushLogger');
  t.strictSame(await loggingProcess("setImmediate(() => { throw new Error('boom'); });"), { code: 1, lines: BOTH }, 'after an uncaught exception');
  t.strictSame(await loggingProcess(''), { code: 0, lines: BOTH }, 'when the event loop runs out');
});
