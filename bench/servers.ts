// The servers `npm run bench` measures, each in its own process: the zero-delay simulator (the
// backend), a Redis for the shared budget store, the bare proxy (the floor) and Switchyard in its
// three budget configurations, always with classification, metrics and the access log on, and with
// the response cache on (in memory or in Redis) for the cache rows. The wrk
// mode starts the same servers through a `Launch`: pinned to a core, with extra node flags.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/fixtures/free-port.js';
import { entry, logDir, startServer, type ServerProcess } from './processes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SIM_MODEL = 'sim-model';
/** The client key of the keyed configurations; random per run, declared in the config by its hash. */
export const SECRET = `sy-bench-${randomBytes(16).toString('hex')}`;
export type Budgets = 'off' | 'memory' | 'redis';
/** The router runs as the Dockerfile and `npm start` run it (README, Deployment: memory). */
const ROUTER_HEAP = '--max-old-space-size=768';

// One prompt per class (simple, moderate, complex), so every classifier outcome and both tiers run.
const PROMPTS = [
  'Say hello.',
  'Explain why the sky is blue, step by step, then compare it with why sunsets are red.',
  'Write a Python function that merges two sorted lists, then test it.',
];

/** Where the load generators (load.ts, wrk-chat.lua) put a number no other request of the run has. */
export const NONCE = '@NONCE@';

/**
 * What the bodies ask: `mixed` the three prompts as they are; for the response cache, temperature 0
 * (cacheable) and either `repeated`, so after its first request every one is a hit (the streamed
 * prompts are tagged apart from the plain ones: each mode replays an answer stored in its own shape),
 * or `unique`, a NONCE in every prompt, so no request repeats and every one is a miss.
 */
export type Traffic = 'mixed' | 'repeated' | 'unique';

/** Pre-encoded request bodies. max_tokens is explicit: strict budgets would otherwise ask the sim for 4,096. */
export const bodies = (model: string, stream: boolean, traffic: Traffic = 'mixed'): Buffer[] =>
  PROMPTS.map((prompt) => {
    const content = traffic === 'mixed' ? prompt : `${prompt} (${traffic === 'unique' ? NONCE : stream ? 'streamed' : 'plain'})`;
    const sampling = traffic === 'mixed' ? {} : { temperature: 0 };
    return Buffer.from(JSON.stringify({ model, stream, max_tokens: 20, ...sampling, messages: [{ role: 'user', content }] }));
  });

/** The inbound APIs a request can be asked in: chat completions, OpenAI Responses, Anthropic Messages. */
/** `responses-unstored`: the Responses API with `store: false`, the translation alone, without the response store's work. */
export type Api = 'chat' | 'responses' | 'responses-unstored' | 'messages';

export const API_PATHS: Readonly<Record<Api, string>> = {
  chat: '/v1/chat/completions',
  responses: '/v1/responses',
  'responses-unstored': '/v1/responses',
  messages: '/v1/messages',
};

/** The events a complete stream of each API ends with (chat: `data: [DONE]`; a Responses answer cut at its max_output_tokens is incomplete, not failed). */
export const API_END_MARKS: Readonly<Record<Api, readonly string[]>> = {
  chat: ['data: [DONE]'],
  responses: ['event: response.completed', 'event: response.incomplete'],
  'responses-unstored': ['event: response.completed', 'event: response.incomplete'],
  messages: ['event: message_stop'],
};

/** The `mixed` prompts asked in another API: the same conversation and output cap, so the engine does the same work. */
export const apiBodies = (api: Api, model: string, stream: boolean): Buffer[] =>
  api === 'chat'
    ? bodies(model, stream)
    : PROMPTS.map((prompt) =>
        Buffer.from(
          JSON.stringify(
            api === 'messages'
              ? { model, stream, max_tokens: 20, messages: [{ role: 'user', content: prompt }] }
              : { model, stream, max_output_tokens: 20, input: prompt, ...(api === 'responses-unstored' ? { store: false } : {}) },
          ),
        ),
      );

/** Compiles dist/, what production runs. tsc still emits when a file someone is editing has type errors. */
export function build(): void {
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  } catch (error) {
    process.stderr.write(`warning: tsc reported errors (emitted anyway):\n${String((error as { stdout?: unknown }).stdout).slice(0, 1000)}\n`);
  }
}

/**
 * The simulator as the bench's engine. `tokensPerSecond` 0 (the default) is its zero-delay mode: a
 * whole answer at once, so a stream reaches the proxy in one read. Above 0 each token is its own SSE
 * event, written as it is made, as engines send them.
 */
export const startSim = (tokensPerSecond = 0): Promise<ServerProcess> =>
  startServer({
    name: 'sim',
    // --max-running: the sim's batch queue must never be what limits a proxy's numbers.
    args: [
      ...entry(join(ROOT, 'src/sim/cli.ts'), join(ROOT, 'dist/sim/cli.js')),
      '--port',
      '0',
      '--model',
      SIM_MODEL,
      '--ttft-ms',
      '0',
      '--tokens-per-second',
      String(tokensPerSecond),
      '--max-tokens',
      '20',
      '--max-running',
      '1024',
    ],
    ready: (out) => /sim listening on (\S+)/.exec(out)?.[1],
  });

/** A throwaway redis-server (no persistence) on a free port; `url` is its redis:// URL. */
export async function startRedis(): Promise<ServerProcess> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  return startServer({
    name: 'redis',
    command: process.env['REDIS_SERVER_BIN'] ?? 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    ready: (out) => (out.includes('Ready to accept connections') ? url : undefined),
  });
}

/** How the wrk mode starts a server: pinned to one core (taskset execs node, so the PID is node's), with node flags and env. */
export interface Launch {
  readonly core?: number;
  readonly nodeFlags?: readonly string[];
  readonly env?: Record<string, string>;
  /** Run this JavaScript file instead of the script's default (bench helpers transpiled by plain-node.ts). */
  readonly script?: string;
  /** Appended to the process name, which names its log file. */
  readonly tag?: string;
}

function launched(launch: Launch | undefined, script: string[], env: Record<string, string | undefined>) {
  const node = [...(launch?.nodeFlags ?? []), ...(launch?.script !== undefined ? [launch.script] : script)];
  return {
    ...(launch?.core !== undefined ? { command: 'taskset', args: ['-c', String(launch.core), process.execPath, ...node] } : { args: node }),
    env: { ...env, ...launch?.env },
  };
}

export const startBareProxy = (backend: string, launch?: Launch): Promise<ServerProcess> =>
  startServer({
    name: `bare-proxy${launch?.tag ?? ''}`,
    ...launched(launch, ['--import', 'tsx', join(ROOT, 'bench/bare-proxy.ts')], { ...process.env, PORT: '0', BACKEND: backend }),
    ready: (out) => /bare proxy listening on (\S+)/.exec(out)?.[1],
  });

/** The response cache of the benchmarked alias (router.yaml `models.bench.cache` with its defaults, and `cache.store`); Redis needs budgets in Redis. */
export type CacheStore = 'memory' | 'redis';

export function startSwitchyard(budgets: Budgets, simUrl: string, redisUrl: string, launch?: Launch, cache?: CacheStore): Promise<ServerProcess> {
  const keyed =
    budgets === 'off'
      ? {}
      : {
          auth: {
            required: true,
            keys: [
              {
                id: 'bench',
                hash: createHash('sha256').update(SECRET).digest('hex'),
                // Generous, but set: every limit check runs and none refuses.
                limits: { tokensPerMinute: 1e9, tokensPerDay: 1e10, requestsPerMinute: 1e8, maxConcurrent: 10_000 },
              },
            ],
          },
          budgets: budgets === 'memory' ? { store: 'memory' } : { store: 'redis', redis: { url: redisUrl } },
        };
  const config = {
    server: { host: '127.0.0.1', port: 0 },
    logging: { level: 'info' },
    models: {
      bench: { tiers: ['small', 'large'], classify: true, route: { simple: 'small', moderate: 'small', complex: 'large' }, ...(cache !== undefined ? { cache: {} } : {}) },
    },
    ...(cache !== undefined ? { cache: { store: cache } } : {}),
    // The validator refuses two pools with one replica URL, so both tiers share the one pool on the sim.
    tiers: { small: { pools: ['sim'] }, large: { pools: ['sim'] } },
    pools: { sim: { engine: 'vllm', servedModel: SIM_MODEL, replicas: [{ name: 'sim', url: simUrl }] } },
    ...keyed,
  };
  const name = `${budgets}${cache !== undefined ? `-cache-${cache}` : ''}`;
  const file = join(logDir, `router-${name}.yaml`);
  writeFileSync(file, JSON.stringify(config, null, 2)); // JSON is YAML.
  const env: Record<string, string | undefined> = { ...process.env, PORT: '0', LOG_LEVEL: 'info' };
  delete env['SWITCHYARD_ADMIN_TOKEN']; // "budgets off" means no keys and no admin token
  return startServer({
    name: `switchyard-${name}${launch?.tag ?? ''}`,
    // The access log goes to a file (processes.ts), never the terminal.
    ...launched({ ...launch, nodeFlags: [ROUTER_HEAP, ...(launch?.nodeFlags ?? [])] }, [...entry(join(ROOT, 'src/main.ts'), join(ROOT, 'dist/main.js')), '--config', file], env),
    ready: (out) => /"url":"([^"]+)"[^\n]*"msg":"switchyard listening"/.exec(out)?.[1],
  });
}
