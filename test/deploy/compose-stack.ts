// deploy/docker-compose.yml without Docker: each sim-* service's command run as a real simulator
// process on a loopback port (the same CLI and flags, host and port replaced), and the router started
// from deploy/compose/router.yaml with the replicas' service URLs pointed at those processes. Budgets
// stay in memory (compose puts them in its Redis; the metrics are the same either way).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { freePort } from '../fixtures/free-port.js';
import { startTestRouter, type TestRouter } from '../fixtures/start-router.js';

export const DEPLOY = new URL('../../deploy/', import.meta.url);
const SIM_CLI = fileURLToPath(new URL('../../src/sim/cli.ts', import.meta.url));

export type Yaml = Record<string, unknown>;

/** A YAML file under deploy/, with `<<` merge keys resolved as Compose resolves them. */
export const readYaml = (path: string): Yaml => parse(readFileSync(new URL(path, DEPLOY), 'utf8'), { merge: true }) as Yaml;

/** The compose services, by name. */
export function composeServices(): Record<string, Yaml> {
  return readYaml('docker-compose.yml')['services'] as Record<string, Yaml>;
}

/** A simulator service's CLI arguments: its command without `node dist/sim/cli.js`. */
export function simArgs(service: Yaml): string[] {
  const command = service['command'];
  if (!Array.isArray(command) || command[0] !== 'node' || command[1] !== 'dist/sim/cli.js') throw new Error(`not a simulator command: ${JSON.stringify(command)}`);
  return command.slice(2).map(String);
}

/** Replaces the value of a `--flag value` pair. */
function withFlag(args: readonly string[], flag: string, value: string): string[] {
  const index = args.indexOf(flag);
  if (index < 0) return [...args, flag, value];
  return [...args.slice(0, index + 1), value, ...args.slice(index + 2)];
}

interface Sim {
  readonly url: string;
  readonly child: ChildProcess;
}

async function startSimProcess(args: readonly string[]): Promise<Sim> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', SIM_CLI, ...withFlag(withFlag(args, '--host', '127.0.0.1'), '--port', String(port))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The CLI prints one line once it listens.
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`simulator ${args.join(' ')} exited with ${String(code)}`)));
    child.stdout?.once('data', () => resolve());
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

export interface ComposeStack {
  readonly router: TestRouter;
  /** http://127.0.0.1:PORT of the router's metrics listener. */
  readonly metricsUrl: string;
  close(): Promise<void>;
}

export async function startComposeStack(): Promise<ComposeStack> {
  const services = composeServices();
  const sims = new Map<string, Sim>();
  const stopSims = () => {
    for (const sim of sims.values()) sim.child.kill('SIGTERM');
  };
  try {
    for (const [name, service] of Object.entries(services)) if (name.startsWith('sim-')) sims.set(name, await startSimProcess(simArgs(service)));
    const config = readYaml('compose/router.yaml');
    const pools = config['pools'] as Record<string, { replicas: { url: string }[] }>;
    for (const pool of Object.values(pools)) {
      for (const replica of pool.replicas) {
        const host = new URL(replica.url).hostname;
        const sim = sims.get(host);
        if (sim === undefined) throw new Error(`compose/router.yaml: replica ${replica.url} is no sim-* service`);
        replica.url = sim.url;
      }
    }
    const server = { ...(config['server'] as Yaml), metricsPort: 0 };
    const router = await startTestRouter({ ...config, server, budgets: { store: 'memory' } });
    const metricsUrl = router.router.metricsUrl;
    if (metricsUrl === null) throw new Error('compose/router.yaml: no metrics listener');
    return {
      router,
      metricsUrl,
      close: async () => {
        await router.close();
        stopSims();
      },
    };
  } catch (error) {
    stopSims();
    throw error;
  }
}
