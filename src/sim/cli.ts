// `npm run sim -- --port 9001 ...`: a standalone simulated vLLM replica for load tests and benchmarks.
// Prints one line once listening, closes cleanly on SIGINT/SIGTERM, exits 2 on bad arguments.

import { parseArgs } from 'node:util';
import { startSim, type SimServerOptions } from './server.js';

const USAGE =
  'usage: sim [--host 127.0.0.1] [--port 9001] [--model sim-model] [--ttft-ms 40]\n' +
  '           [--tokens-per-second 80] [--max-tokens 48] [--embedding-dimensions 64]\n' +
  '  --ttft-ms 0 --tokens-per-second 0 answers with no delay at all (benchmark backend mode).';

class UsageError extends Error {}

function parseOptions(args: readonly string[]): SimServerOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '9001' },
        model: { type: 'string', default: 'sim-model' },
        'ttft-ms': { type: 'string', default: '40' },
        'tokens-per-second': { type: 'string', default: '80' },
        'max-tokens': { type: 'string', default: '48' },
        'embedding-dimensions': { type: 'string', default: '64' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  if (values.model === '') throw new UsageError('--model must not be empty');
  return {
    host: values.host,
    port: readNumber('--port', values.port, { integer: true, min: 0, max: 65_535 }),
    servedModel: values.model,
    ttftMs: readNumber('--ttft-ms', values['ttft-ms'], { integer: false, min: 0 }),
    tokensPerSecond: readNumber('--tokens-per-second', values['tokens-per-second'], { integer: false, min: 0 }),
    defaultMaxTokens: readNumber('--max-tokens', values['max-tokens'], { integer: true, min: 1 }),
    embeddingDimensions: readNumber('--embedding-dimensions', values['embedding-dimensions'], {
      integer: true,
      min: 1,
      max: 65_536,
    }),
  };
}

function readNumber(flag: string, raw: string, rule: { integer: boolean; min: number; max?: number }): number {
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  const max = rule.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isFinite(value) || (rule.integer && !Number.isInteger(value)) || value < rule.min || value > max) {
    const kind = rule.integer ? 'an integer' : 'a number';
    const range = rule.max === undefined ? `>= ${rule.min}` : `from ${rule.min} to ${rule.max}`;
    throw new UsageError(`${flag} must be ${kind} ${range}, got "${raw}"`);
  }
  return value;
}

async function main(): Promise<void> {
  let options: SimServerOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sim: ${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sim = await startSim(options);
  process.stdout.write(`sim listening on ${sim.url}\n`);
  const shutdown = (): void => {
    process.off('SIGINT', shutdown);
    process.off('SIGTERM', shutdown);
    void sim.close();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
