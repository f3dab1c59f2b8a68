// `node dist/cli/check-config.js [PATH | --config PATH]`: loads router.yaml exactly as the router
// would and prints either a one-line summary (exit 0) or every problem, one per line (exit 1).
// PATH defaults to $SWITCHYARD_CONFIG, then ./router.yaml. Usage errors exit 2. Never a stack trace.
// Stricter than the router in one place: learned-mode weights that cannot be read are an error here
// (exit 1), while the router starts anyway and classifies with the heuristic. A deploy check should
// stop a missing or corrupt weights file; a running router should not go down for one.

import { pathToFileURL } from 'node:url';
import { readModelFile } from '../classify/learned/model-file.js';
import { loadConfigFile } from '../config/load.js';
import type { Config } from '../config/types.js';

export interface CheckConfigIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

const USAGE = 'usage: check-config [PATH | --config PATH]   (default: $SWITCHYARD_CONFIG or ./router.yaml)';

type Args = { ok: true; path: string | undefined; help: boolean } | { ok: false; error: string };

function parseArgs(args: readonly string[]): Args {
  let path: string | undefined;
  const setPath = (value: string | undefined): string | undefined => {
    if (value === undefined || value === '') return '--config needs a path';
    if (path !== undefined) return 'more than one config path given';
    path = value;
    return undefined;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    let error: string | undefined;
    if (arg === '-h' || arg === '--help') return { ok: true, path, help: true };
    if (arg === '--config') error = setPath(args[++i]);
    else if (arg.startsWith('--config=')) error = setPath(arg.slice('--config='.length));
    else if (arg.startsWith('-') && arg !== '-') error = `unknown option ${arg}`;
    else error = setPath(arg);
    if (error !== undefined) return { ok: false, error };
  }
  return { ok: true, path, help: false };
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export function summarize(config: Config): string {
  const pools = Object.values(config.pools);
  const replicas = pools.reduce((sum, pool) => sum + pool.replicas.length, 0);
  return [count(Object.keys(config.models).length, 'model'), count(Object.keys(config.tiers).length, 'tier'), count(pools.length, 'pool'), count(replicas, 'replica')].join(', ');
}

/** Why learned mode's weights cannot be used, or null (readable, or another mode). */
function learnedWeightsProblem(config: Config): string | null {
  if (config.classifier.mode !== 'learned') return null;
  try {
    readModelFile(config.classifier.learned.weights);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Returns the exit code. */
export async function checkConfig(args: readonly string[], io: CheckConfigIo): Promise<number> {
  const parsed = parseArgs(args);
  if (!parsed.ok) {
    io.stderr(`check-config: ${parsed.error}`);
    io.stderr(USAGE);
    return 2;
  }
  if (parsed.help) {
    io.stdout(USAGE);
    return 0;
  }
  const envPath = io.env.SWITCHYARD_CONFIG;
  const path = parsed.path ?? (envPath !== undefined && envPath !== '' ? envPath : './router.yaml');
  const result = await loadConfigFile(path, { env: io.env });
  if (!result.ok) {
    for (const error of result.errors) io.stderr(error);
    return 1;
  }
  const weightsProblem = learnedWeightsProblem(result.config);
  if (weightsProblem !== null) {
    io.stderr(`classifier.learned.weights: ${weightsProblem} (the router would start and classify with the heuristic)`);
    return 1;
  }
  io.stdout(`${path}: ok — ${summarize(result.config)}`);
  return 0;
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) {
  checkConfig(process.argv.slice(2), {
    env: process.env,
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`check-config: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
