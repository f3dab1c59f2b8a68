// The servers and the load of `npm run bench -- --wrk` (bench/independent.ts, bench/tail.ts): the
// mock engine and each server under test pinned to SERVER_CORE, wrk pinned to LOAD_CORE.
import { checkCache, sampleBody, type CacheExpectation } from './cache-check.js';
import { plainNode } from './plain-node.js';
import { startServer, type ServerProcess } from './processes.js';
import { SECRET, bodies, startBareProxy, startSwitchyard, type Launch, type Traffic } from './servers.js';
import { runWrk, type WrkResult } from './wrk.js';

export type Mode = 'nonstream' | 'stream';
export const MODE_NAME: Record<Mode, string> = { nonstream: 'non-streaming', stream: '20-event stream' };
export const LOAD_CORE = 0;
export const SERVER_CORE = 1;

export interface Setup {
  readonly label: string;
  readonly server: ServerProcess;
  readonly model: string;
  readonly keyed: boolean;
  /** What the bodies ask (servers.ts); default `mixed`. */
  readonly traffic?: Traffic;
  /** For cache traffic: what x-switchyard-cache must say (cache-check.ts). */
  readonly cache?: CacheExpectation;
}

export const load = (setup: Setup, mode: Mode, seconds: number, thinkMs = 0): Promise<WrkResult> =>
  runWrk({
    url: `${setup.server.url}/v1/chat/completions`,
    core: LOAD_CORE,
    bodies: bodies(setup.model, mode === 'stream', setup.traffic),
    ...(setup.keyed ? { authorization: `Bearer ${SECRET}` } : {}),
    seconds,
    thinkMs,
  });

/** One request of each mode through a setup, read whole, and the cache's answer for cache traffic: fails loudly before any numbers are taken. */
export async function checkWorks(setup: Setup): Promise<void> {
  for (const stream of [false, true]) {
    const response = await fetch(`${setup.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(setup.keyed ? { authorization: `Bearer ${SECRET}` } : {}) },
      body: sampleBody(setup.model, stream, setup.traffic ?? 'mixed'),
    });
    const text = await response.text();
    const events = text.split('\n\n').filter((event) => event.startsWith('data: ')).length;
    if (response.status !== 200 || (stream && (!text.includes('data: [DONE]') || events < 21))) {
      throw new Error(`${setup.label} does not answer a ${stream ? 'stream' : 'request'} (${response.status}, ${events} events): ${text.slice(0, 300)}`);
    }
  }
  const { traffic = 'mixed' } = setup;
  if (traffic !== 'mixed') await checkCache(setup.label, setup.server.url, setup.model, traffic, setup.keyed, setup.cache ?? null);
}

export const startMock = (core = SERVER_CORE): Promise<ServerProcess> =>
  startServer({
    name: `mock-engine-core${core}`,
    command: 'taskset',
    args: ['-c', String(core), process.execPath, plainNode('mock-engine')],
    env: { ...process.env, PORT: '0' },
    ready: (out) => /mock engine listening on (\S+)/.exec(out)?.[1],
  });

/** The floor and Switchyard (as shipped: auth with a declared key, budgets in memory, classification, access log, metrics). */
export async function startSetups(mockUrl: string, launch: (which: 'floor' | 'switchyard') => Launch = () => ({})): Promise<[Setup, Setup]> {
  const [floor, router] = await Promise.all([
    startBareProxy(mockUrl, { core: SERVER_CORE, ...launch('floor'), script: plainNode('bare-proxy') }),
    startSwitchyard('memory', mockUrl, '', { core: SERVER_CORE, ...launch('switchyard') }),
  ]);
  return [
    { label: 'bare proxy (floor)', server: floor, model: 'mock-model', keyed: false },
    { label: 'Switchyard', server: router, model: 'bench', keyed: true },
  ];
}

/**
 * The response cache's setups beside the floor and `router` (Switchyard as shipped, cache off): a
 * Switchyard with the cache on for the alias (memory store) answering every request from it; the
 * same router as shipped sent unique prompts; and the cached one sent unique prompts (all misses).
 */
export async function startCacheSetups(mockUrl: string, router: Setup, hits: boolean, misses: boolean): Promise<Setup[]> {
  const cached = await startSwitchyard('memory', mockUrl, '', { core: SERVER_CORE }, 'memory');
  const setups: Setup[] = [];
  if (hits) setups.push({ label: 'Switchyard, cache hits', server: cached, model: 'bench', keyed: true, traffic: 'repeated', cache: 'hit' });
  if (misses) {
    setups.push({ label: 'Switchyard, unique prompts, cache off', server: router.server, model: 'bench', keyed: true, traffic: 'unique', cache: null });
    setups.push({ label: 'Switchyard, unique prompts, cache on (all misses)', server: cached, model: 'bench', keyed: true, traffic: 'unique', cache: 'miss' });
  }
  return setups;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export const fmt = (v: number, digits = 0): string => (Number.isFinite(v) ? v.toFixed(digits) : '—');
