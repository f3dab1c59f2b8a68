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
  };
}

t.test('lines are handed on in order, a batch at a time, once the batch is full', async (t) => {
  const next = recorder();
  const batch = new LineBatch(next, 6);
  batch.write('ab\n');
  batch.write('cd\n');
  batch.write('ef\n');
  t.strictSame(next.events, ['write ab\ncd\n'], 'the first two lines fill the batch; the third waits');
  batch.write('gh\n');
  t.strictSame(next.events, ['write ab\ncd\n', 'write ef\ngh\n']);
});

t.test('flush hands on what is pending before the writer flushes, and nothing twice', async (t) => {
  const next = recorder();
  const batch = new LineBatch(next, 1000);
  batch.write('one\n');
  let flushed = false;
  batch.flush(() => (flushed = true));
  batch.flush();
  t.strictSame(next.events, ['write one\n', 'flush', 'flush']);
  t.ok(flushed, 'the callback ran when the writer had flushed');
});

t.test("a process's log lines are all on stdout after flushLogger, short of a batch", async (t) => {
  const logger = new URL('./logger.ts', import.meta.url).pathname;
  const script = `import { createLogger, flushLogger } from ${JSON.stringify(logger)};
const logger = createLogger('info');
logger.info('first');
logger.warn({ n: 2 }, 'second');
await flushLogger(logger);
process.exit(0);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  const [code] = (await once(child, 'exit')) as [number | null];
  t.equal(code, 0);
  const lines = out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { msg: string; level: string });
  t.strictSame(
    lines.map((line) => [line.level, line.msg]),
    [
      ['info', 'first'],
      ['warn', 'second'],
    ],
  );
});
