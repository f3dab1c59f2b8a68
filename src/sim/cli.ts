// `npm run sim -- --port 9001 ...`: a standalone simulated vLLM (or TGI) replica for load tests and
// benchmarks. Prints one line once listening, closes cleanly on SIGINT/SIGTERM, exits 2 on bad
// arguments. Defaults come from SIM_DEFAULTS, so the CLI and router.yaml agree.

import { parseArgs } from 'node:util';
import { SIM_DEFAULTS } from '../config/defaults.js';
import { SIM_FLAVOURS } from '../config/schema-parts.js';
import type { SimFlavour } from '../config/types.js';
import { startSim, type SimServerOptions } from './server.js';

const D = SIM_DEFAULTS;
const F = SIM_DEFAULTS.faults;
const USAGE =
  `usage: sim [--host 127.0.0.1] [--port 9001] [--model sim-model] [--flavour ${SIM_FLAVOURS.join('|')}]\n` +
  `           [--ttft-ms ${D.ttftMs}] [--tokens-per-second ${D.tokensPerSecond}] [--max-tokens ${D.defaultMaxTokens}]\n` +
  `           [--embedding-dimensions ${D.embeddingDimensions}] [--max-running ${D.maxRunning}]\n` +
  `           [--kv-cache-tokens ${D.kvCacheTokens}] [--max-model-len ${D.maxModelLen}]\n` +
  `  faults:  [--slow-factor ${F.slowFactor}] [--error-rate ${F.errorRate}] [--hang] [--die-after ${F.dieAfterRequests}]\n` +
  `           [--drop-mid-stream-rate ${F.dropMidStreamRate}]\n` +
  '  --ttft-ms 0 --tokens-per-second 0 answers with no delay at all (benchmark backend mode).';

class UsageError extends Error {}

const text = (value: string | number) => ({ type: 'string', default: String(value) }) as const;

function parseOptions(args: readonly string[]): SimServerOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        host: text('127.0.0.1'),
        port: text(9001),
        model: text('sim-model'),
        flavour: text(D.flavour),
        'ttft-ms': text(D.ttftMs),
        'tokens-per-second': text(D.tokensPerSecond),
        'max-tokens': text(D.defaultMaxTokens),
        'embedding-dimensions': text(D.embeddingDimensions),
        'max-running': text(D.maxRunning),
        'kv-cache-tokens': text(D.kvCacheTokens),
        'max-model-len': text(D.maxModelLen),
        'slow-factor': text(F.slowFactor),
        'error-rate': text(F.errorRate),
        hang: { type: 'boolean', default: F.hang },
        'die-after': text(F.dieAfterRequests),
        'drop-mid-stream-rate': text(F.dropMidStreamRate),
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  if (values.model === '') throw new UsageError('--model must not be empty');
  const integer = (flag: string, raw: string, min: number, max?: number): number => readNumber(flag, raw, { integer: true, min, ...(max === undefined ? {} : { max }) });
  const number = (flag: string, raw: string, min: number, max?: number): number => readNumber(flag, raw, { integer: false, min, ...(max === undefined ? {} : { max }) });
  return {
    host: values.host,
    port: integer('--port', values.port, 0, 65_535),
    servedModel: values.model,
    flavour: readFlavour(values.flavour),
    ttftMs: number('--ttft-ms', values['ttft-ms'], 0),
    tokensPerSecond: number('--tokens-per-second', values['tokens-per-second'], 0),
    defaultMaxTokens: integer('--max-tokens', values['max-tokens'], 1),
    embeddingDimensions: integer('--embedding-dimensions', values['embedding-dimensions'], 1, 65_536),
    maxRunning: integer('--max-running', values['max-running'], 1),
    kvCacheTokens: integer('--kv-cache-tokens', values['kv-cache-tokens'], 1),
    maxModelLen: integer('--max-model-len', values['max-model-len'], 1),
    faults: {
      slowFactor: number('--slow-factor', values['slow-factor'], 1),
      errorRate: number('--error-rate', values['error-rate'], 0, 1),
      hang: values.hang,
      dieAfterRequests: integer('--die-after', values['die-after'], 0),
      dropMidStreamRate: number('--drop-mid-stream-rate', values['drop-mid-stream-rate'], 0, 1),
    },
  };
}

function readFlavour(raw: string): SimFlavour {
  const flavour = SIM_FLAVOURS.find((known) => known === raw);
  if (flavour === undefined) throw new UsageError(`--flavour must be one of ${SIM_FLAVOURS.join(', ')}, got "${raw}"`);
  return flavour;
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
