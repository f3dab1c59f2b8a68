import t from 'tap';
import { DEFAULT_FLOORS } from '../classify/floors.js';
import { DEFAULT_MODEL_FILE } from '../classify/learned/model-file.js';
import { DEFAULT_HEURISTIC_SETTINGS } from '../classify/settings.js';
import { DEFAULTS, SIM_DEFAULTS as SIM_DEFAULTS_CONST, SIM_FAULT_DEFAULTS } from './defaults.js';
import { loadConfigFile, loadConfigText, parseConfigObject, type LoadResult } from './load.js';
import type { Config } from './types.js';

// ---- helpers ----

/** A valid config exercising every section; each case patches it. */
function base(): Record<string, unknown> {
  return {
    models: {
      small: { tiers: ['small'] },
      large: { tiers: ['large', 'small'], description: 'big' },
    },
    tiers: {
      small: { pools: ['gpu'] },
      large: { pools: ['llama-70b', 'openai-fallback'], spillTo: 'small' },
    },
    pools: {
      gpu: { engine: 'vllm', servedModel: 'm-8b', replicas: [{ url: 'http://gpu-0:8000' }] },
      'llama-70b': {
        engine: 'vllm',
        servedModel: 'm-70b',
        replicas: [{ url: 'http://gpu-1:8000' }, { url: 'http://gpu-2:8000', weight: 2 }],
      },
      'openai-fallback': {
        engine: 'openai',
        servedModel: 'gpt-4o-mini',
        apiKeyEnv: 'OPENAI_API_KEY',
        replicas: [{ url: 'https://api.openai.com' }],
      },
      sim: { engine: 'sim', servedModel: 's', replicas: [{}] },
    },
  };
}

const ENV = { OPENAI_API_KEY: 'sk-test' };
const DELETE = Symbol('delete');

/** Sets (or deletes) values at dotted paths; numeric segments index lists. */
function patch(target: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop() ?? '';
    let node: unknown = target;
    for (const key of keys) {
      if (node === null || typeof node !== 'object') throw new Error(`bad patch path ${path}`);
      const record = node as Record<string, unknown>;
      if (record[key] === undefined) record[key] = {};
      node = record[key];
    }
    if (node === null || typeof node !== 'object') throw new Error(`bad patch path ${path}`);
    const record = node as Record<string, unknown>;
    if (value === DELETE) delete record[last];
    else record[last] = value;
  }
  return target;
}

function errorsOf(result: LoadResult): string[] {
  return result.ok ? [] : result.errors;
}

/** The config of a valid result; an invalid one fails the test with its messages. */
function configOf(result: LoadResult): Config {
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.errors.join('\n')}`);
  return result.config;
}

// ---- resolution ----

t.test('a minimal config resolves with every default', async (t) => {
  const result = parseConfigObject(
    {
      models: { chat: { tiers: ['small'] } },
      tiers: { small: { pools: ['gpu'] } },
      pools: { gpu: { engine: 'vllm', servedModel: 'm', replicas: [{ url: 'http://gpu-0:8000/' }] } },
    },
    { env: {} },
  );
  t.same(configOf(result), {
    server: {
      host: '127.0.0.1',
      port: 8080,
      maxBodyBytes: 4194304,
      requestTimeoutMs: 600000,
      shutdownGraceMs: 10000,
      headersTimeoutMs: 10000,
      bodyTimeoutMs: 30000,
      maxHeaderBytes: 16384,
      maxConnections: 4096,
      metricsPort: null,
      metricsHost: null,
    },
    logging: { level: 'info' },
    retry: { maxAttempts: 3, budgetPercent: 20, minRetriesPerSecond: 5, backoffBaseMs: 25, backoffMaxMs: 250 },
    classifier: {
      mode: 'learned',
      heuristic: {
        weights: {
          length: 0.5,
          sentences: 0.15,
          questions: 0.2,
          explain: 1,
          givenText: 0.6,
          lists: 0.15,
          code: 1.2,
          math: 1.2,
          multiStep: 1,
          constraints: 0.4,
          creative: 1,
          longOutput: 1.2,
          shortOutput: -1,
          shortChat: -3,
          tools: 1.2,
          jsonSchema: 1,
          context: 1,
        },
        thresholds: { simpleBelow: 1, complexFrom: 2.5, effortCap: 1.5 },
        length: { floorChars: 40, capDoublings: 3 },
        maxTokens: { short: 64, long: 4096 },
        window: { headChars: 6144, tailChars: 2048, contextChars: 4096, contextMessages: 6 },
      },
      learned: { weights: DEFAULT_MODEL_FILE, complexFrom: 0.47, simpleFrom: 0.43, heuristicWeight: 0.5 },
      floors: {
        image: 'complex',
        audio: 'complex',
        reasoningHigh: 'complex',
        reasoningMedium: 'moderate',
        tools: 'moderate',
        jsonSchema: 'moderate',
        longContext: 'complex',
        longContextTokens: 32768,
      },
    },
    auth: { required: false, keys: [] },
    budgets: {
      store: 'memory',
      budgetMode: 'strict',
      onStoreError: 'fail-closed',
      degradeAt: 0.8,
      maxOutputTokens: 4096,
      imageTokens: 16384,
      audioTokens: 1500,
      topUpTokens: 256,
      reservationTtlMs: 900000,
    },
    cache: { store: 'memory', maxBytes: 67108864, lockWaitMs: 30000 },
    idempotency: { store: 'memory', ttlMs: 86400000, waitMs: 600000, maxEntryBytes: 4194304, maxBytes: 67108864 },
    responses: { store: 'memory', ttlMs: 2592000000, maxBytes: 268435456, maxEntryBytes: 8388608, maxChainDepth: 100 },
    defaultModel: null,
    models: { chat: { tiers: ['small'], classify: false, route: { simple: 'small', moderate: 'small', complex: 'small' }, allowTierHeader: false } },
    tiers: { small: { pools: ['gpu'] } },
    pools: {
      gpu: {
        engine: 'vllm',
        servedModel: 'm',
        connectTimeoutMs: 2000,
        firstTokenTimeoutMs: 60000,
        idleTimeoutMs: 30000,
        responseTimeoutMs: null,
        maxConnections: 1_024,
        balance: 'load-aware',
        maxInFlight: 256,
        maxEngineQueue: 8,
        contextLength: null,
        healthCheck: { intervalMs: 5000, timeoutMs: 2000, unhealthyAfter: 2, healthyAfter: 2, path: '/health' },
        outlier: { consecutiveFailures: 5, baseEjectionMs: 10000, maxEjectionMs: 300000, maxEjectedPercent: 50 },
        engineMetrics: { intervalMs: 1000, timeoutMs: 1000, staleAfterMs: 5000 },
        price: null,
        apis: [],
        replicas: [{ name: 'gpu-0', url: 'http://gpu-0:8000', weight: 1 }],
      },
    },
  });
  // t.same ignores missing-vs-undefined; the resolved objects must not carry absent optional keys.
  const config = configOf(result);
  t.notOk('sim' in (config.pools.gpu ?? {}), 'a non-sim pool has no sim settings');
  t.notOk('spillTo' in (config.tiers.small ?? {}));
  t.notOk('description' in (config.models.chat ?? {}));
  t.notOk('embeddings' in config.classifier, 'no embeddings settings unless given');
  t.notOk('llm' in config.classifier, 'no llm settings unless given');
  t.notOk('redis' in config.budgets, 'no redis settings unless given or the store is redis');
});

t.test('given values replace defaults', async (t) => {
  const raw = patch(base(), {
    server: {
      host: '0.0.0.0',
      port: 0,
      maxBodyBytes: 1,
      requestTimeoutMs: 5,
      shutdownGraceMs: 6,
      headersTimeoutMs: 21,
      bodyTimeoutMs: 22,
      maxHeaderBytes: 2048,
      maxConnections: 23,
      metricsPort: 9464,
      metricsHost: '127.0.0.2',
    },
    'logging.level': 'debug',
    'pools.gpu.connectTimeoutMs': 7,
    'pools.gpu.firstTokenTimeoutMs': 8,
    'pools.gpu.idleTimeoutMs': 9,
    'pools.gpu.responseTimeoutMs': 20,
    'pools.gpu.maxConnections': 10,
    'pools.gpu.balance': 'round-robin',
    'pools.gpu.maxInFlight': 11,
    'pools.gpu.maxEngineQueue': 0,
    'pools.gpu.contextLength': 8192,
    'pools.gpu.healthCheck': { intervalMs: 0, timeoutMs: 12, unhealthyAfter: 13, healthyAfter: 14, path: '/ready' },
    'pools.gpu.outlier': { consecutiveFailures: 15, baseEjectionMs: 16, maxEjectionMs: 17, maxEjectedPercent: 0 },
    'pools.gpu.engineMetrics': { intervalMs: 0, timeoutMs: 18, staleAfterMs: 19 },
    'pools.gpu.replicas.0.name': 'box.a_1',
    'pools.gpu.replicas.0.weight': 0.5,
    retry: { maxAttempts: 1, budgetPercent: 0, minRetriesPerSecond: 0, backoffBaseMs: 0, backoffMaxMs: 0 },
  });
  const config = configOf(parseConfigObject(raw, { env: ENV }));
  t.same(config.server, {
    host: '0.0.0.0',
    port: 0,
    maxBodyBytes: 1,
    requestTimeoutMs: 5,
    shutdownGraceMs: 6,
    headersTimeoutMs: 21,
    bodyTimeoutMs: 22,
    maxHeaderBytes: 2048,
    maxConnections: 23,
    metricsPort: 9464,
    metricsHost: '127.0.0.2',
  });
  t.equal(config.logging.level, 'debug');
  t.same(config.retry, { maxAttempts: 1, budgetPercent: 0, minRetriesPerSecond: 0, backoffBaseMs: 0, backoffMaxMs: 0 });
  t.same(config.pools.gpu, {
    engine: 'vllm',
    servedModel: 'm-8b',
    connectTimeoutMs: 7,
    firstTokenTimeoutMs: 8,
    idleTimeoutMs: 9,
    responseTimeoutMs: 20,
    maxConnections: 10,
    balance: 'round-robin',
    maxInFlight: 11,
    maxEngineQueue: 0,
    contextLength: 8192,
    healthCheck: { intervalMs: 0, timeoutMs: 12, unhealthyAfter: 13, healthyAfter: 14, path: '/ready' },
    outlier: { consecutiveFailures: 15, baseEjectionMs: 16, maxEjectionMs: 17, maxEjectedPercent: 0 },
    engineMetrics: { intervalMs: 0, timeoutMs: 18, staleAfterMs: 19 },
    price: null,
    apis: [],
    replicas: [{ name: 'box.a_1', url: 'http://gpu-0:8000', weight: 0.5 }],
  });
  t.equal(config.pools['openai-fallback']?.apiKeyEnv, 'OPENAI_API_KEY');
  t.notOk(JSON.stringify(config).includes('sk-test'), 'the secret itself is never in the config');
  t.same(config.models.large, {
    tiers: ['large', 'small'],
    classify: false,
    route: { simple: 'large', moderate: 'large', complex: 'small' },
    allowTierHeader: false,
    description: 'big',
  });
  t.same(config.tiers.large, { pools: ['llama-70b', 'openai-fallback'], spillTo: 'small' });
  t.same(
    config.pools['llama-70b']?.replicas.map((r) => [r.name, r.weight]),
    [
      ['llama-70b-0', 1],
      ['llama-70b-1', 2],
    ],
  );
});

const NO_FAULTS = { slowFactor: 1, errorRate: 0, hang: false, dieAfterRequests: 0, dropMidStreamRate: 0 };
const SIM_DEFAULTS = {
  flavour: 'vllm',
  ttftMs: 40,
  tokensPerSecond: 80,
  defaultMaxTokens: 48,
  embeddingDimensions: 64,
  maxRunning: 32,
  kvCacheTokens: 131072,
  maxModelLen: 32768,
  faults: NO_FAULTS,
};

t.test('sim settings: defaults, then pool, then replica', async (t) => {
  const raw = patch(base(), {
    'pools.sim.sim': { ttftMs: 5, tokensPerSecond: 7, flavour: 'tgi', maxRunning: 4 },
    'pools.sim.replicas': [{ sim: { tokensPerSecond: 9, embeddingDimensions: 3, kvCacheTokens: 1000, maxModelLen: 4096, flavour: 'vllm' } }, { name: 'plain' }],
  });
  const pool = configOf(parseConfigObject(raw, { env: ENV })).pools.sim;
  const poolSim = { ...SIM_DEFAULTS, ttftMs: 5, tokensPerSecond: 7, flavour: 'tgi', maxRunning: 4 };
  t.same(pool?.sim, poolSim);
  t.same(pool?.replicas, [
    { name: 'sim-0', weight: 1, sim: { ...poolSim, tokensPerSecond: 9, embeddingDimensions: 3, kvCacheTokens: 1000, maxModelLen: 4096, flavour: 'vllm' } },
    { name: 'plain', weight: 1, sim: poolSim },
  ]);
  t.notOk(
    pool?.replicas.some((r) => 'url' in r),
    'sim replicas have no url',
  );

  const bare = configOf(parseConfigObject(base(), { env: ENV })).pools.sim;
  t.same(bare?.sim, SIM_DEFAULTS);
  t.same(bare?.replicas[0]?.sim, bare?.sim);
});

t.test('sim faults: defaults, then pool, then replica, one key at a time', async (t) => {
  const faultCases: { name: string; pool?: object; replica?: object; poolFaults: object; replicaFaults: object }[] = [
    { name: 'none given', poolFaults: NO_FAULTS, replicaFaults: NO_FAULTS },
    {
      name: 'pool only',
      pool: { errorRate: 0.25, hang: true },
      poolFaults: { ...NO_FAULTS, errorRate: 0.25, hang: true },
      replicaFaults: { ...NO_FAULTS, errorRate: 0.25, hang: true },
    },
    {
      name: 'replica only',
      replica: { dieAfterRequests: 10 },
      poolFaults: NO_FAULTS,
      replicaFaults: { ...NO_FAULTS, dieAfterRequests: 10 },
    },
    {
      name: "a replica overriding one fault keeps the pool's others",
      pool: { slowFactor: 3, errorRate: 0.5, dropMidStreamRate: 0.1 },
      replica: { errorRate: 0 },
      poolFaults: { ...NO_FAULTS, slowFactor: 3, errorRate: 0.5, dropMidStreamRate: 0.1 },
      replicaFaults: { ...NO_FAULTS, slowFactor: 3, errorRate: 0, dropMidStreamRate: 0.1 },
    },
    {
      name: 'every fault overridden',
      pool: { slowFactor: 2, errorRate: 1, hang: true, dieAfterRequests: 1, dropMidStreamRate: 1 },
      replica: { slowFactor: 1.5, errorRate: 0.1, hang: false, dieAfterRequests: 0, dropMidStreamRate: 0 },
      poolFaults: { slowFactor: 2, errorRate: 1, hang: true, dieAfterRequests: 1, dropMidStreamRate: 1 },
      replicaFaults: { slowFactor: 1.5, errorRate: 0.1, hang: false, dieAfterRequests: 0, dropMidStreamRate: 0 },
    },
  ];
  for (const c of faultCases) {
    const raw = patch(base(), {
      ...(c.pool === undefined ? {} : { 'pools.sim.sim.faults': c.pool }),
      'pools.sim.replicas': [c.replica === undefined ? {} : { sim: { faults: c.replica } }, { name: 'plain' }],
    });
    const pool = configOf(parseConfigObject(raw, { env: ENV })).pools.sim;
    t.same(pool?.sim?.faults, c.poolFaults, `${c.name}: pool`);
    t.same(pool?.replicas[0]?.sim?.faults, c.replicaFaults, `${c.name}: replica`);
    t.same(pool?.replicas[1]?.sim?.faults, c.poolFaults, `${c.name}: a replica without faults has the pool's`);
  }
});

t.test('per-engine defaults: health checks and engine metrics', async (t) => {
  const engines: { engine: string; url?: string; intervalMs: number; path: string; metricsIntervalMs: number }[] = [
    { engine: 'vllm', url: 'http://gpu-0:8000', intervalMs: 5000, path: '/health', metricsIntervalMs: 1000 },
    { engine: 'tgi', url: 'http://gpu-0:8080', intervalMs: 15000, path: '/health', metricsIntervalMs: 1000 },
    { engine: 'openai', url: 'https://api.openai.com', intervalMs: 0, path: '/v1/models', metricsIntervalMs: 0 },
    { engine: 'sim', intervalMs: 5000, path: '/health', metricsIntervalMs: 1000 },
  ];
  for (const e of engines) {
    const replica = e.url === undefined ? {} : { url: e.url };
    const raw = {
      models: { chat: { tiers: ['t'] } },
      tiers: { t: { pools: ['p'] } },
      pools: { p: { engine: e.engine, servedModel: 'm', replicas: [replica] } },
    };
    const pool = configOf(parseConfigObject(raw, { env: {} })).pools.p;
    t.same(pool?.healthCheck, { intervalMs: e.intervalMs, timeoutMs: 2000, unhealthyAfter: 2, healthyAfter: 2, path: e.path }, `${e.engine}: healthCheck`);
    t.same(pool?.engineMetrics, { intervalMs: e.metricsIntervalMs, timeoutMs: 1000, staleAfterMs: 5000 }, `${e.engine}: engineMetrics`);
    t.same(pool?.outlier, { consecutiveFailures: 5, baseEjectionMs: 10000, maxEjectionMs: 300000, maxEjectedPercent: 50 }, `${e.engine}: outlier`);
    t.same([pool?.balance, pool?.maxInFlight, pool?.maxEngineQueue], ['load-aware', 256, 8], `${e.engine}: balancing`);

    // Given values win over the engine's defaults, key by key.
    const given = patch(structuredClone(raw), {
      'pools.p.healthCheck': { intervalMs: 30000, path: '/ping' },
      'pools.p.engineMetrics': { intervalMs: 250 },
    });
    const overridden = configOf(parseConfigObject(given, { env: {} })).pools.p;
    t.same(overridden?.healthCheck, { intervalMs: 30000, timeoutMs: 2000, unhealthyAfter: 2, healthyAfter: 2, path: '/ping' }, `${e.engine}: healthCheck given`);
    t.same(overridden?.engineMetrics, { intervalMs: 250, timeoutMs: 1000, staleAfterMs: 5000 }, `${e.engine}: engineMetrics given`);
  }
});

t.test('values override defaults one key at a time', async (t) => {
  const overrides: { name: string; patch: Record<string, unknown>; pick: (c: Config) => unknown; expected: unknown }[] = [
    { name: 'balance', patch: { 'pools.gpu.balance': 'least-in-flight' }, pick: (c) => c.pools.gpu?.balance, expected: 'least-in-flight' },
    { name: 'maxInFlight', patch: { 'pools.gpu.maxInFlight': 1 }, pick: (c) => c.pools.gpu?.maxInFlight, expected: 1 },
    { name: 'maxEngineQueue', patch: { 'pools.gpu.maxEngineQueue': 100 }, pick: (c) => c.pools.gpu?.maxEngineQueue, expected: 100 },
    {
      name: 'healthCheck.unhealthyAfter',
      patch: { 'pools.gpu.healthCheck.unhealthyAfter': 5 },
      pick: (c) => c.pools.gpu?.healthCheck,
      expected: { intervalMs: 5000, timeoutMs: 2000, unhealthyAfter: 5, healthyAfter: 2, path: '/health' },
    },
    {
      name: 'healthCheck.intervalMs 0 turns checks off',
      patch: { 'pools.gpu.healthCheck.intervalMs': 0 },
      pick: (c) => c.pools.gpu?.healthCheck.intervalMs,
      expected: 0,
    },
    {
      name: 'outlier.maxEjectedPercent (fractional)',
      patch: { 'pools.gpu.outlier.maxEjectedPercent': 33.3 },
      pick: (c) => c.pools.gpu?.outlier,
      expected: { consecutiveFailures: 5, baseEjectionMs: 10000, maxEjectionMs: 300000, maxEjectedPercent: 33.3 },
    },
    {
      name: 'outlier.maxEjectedPercent 100',
      patch: { 'pools.gpu.outlier.maxEjectedPercent': 100 },
      pick: (c) => c.pools.gpu?.outlier.maxEjectedPercent,
      expected: 100,
    },
    {
      name: 'engineMetrics.staleAfterMs',
      patch: { 'pools.gpu.engineMetrics.staleAfterMs': 2000 },
      pick: (c) => c.pools.gpu?.engineMetrics,
      expected: { intervalMs: 1000, timeoutMs: 1000, staleAfterMs: 2000 },
    },
    {
      name: 'retry.maxAttempts',
      patch: { 'retry.maxAttempts': 5 },
      pick: (c) => c.retry,
      expected: { maxAttempts: 5, budgetPercent: 20, minRetriesPerSecond: 5, backoffBaseMs: 25, backoffMaxMs: 250 },
    },
    {
      name: 'retry.budgetPercent above 100',
      patch: { 'retry.budgetPercent': 150.5 },
      pick: (c) => c.retry.budgetPercent,
      expected: 150.5,
    },
    { name: 'an empty retry section', patch: { retry: {} }, pick: (c) => c.retry.backoffMaxMs, expected: 250 },
    { name: 'other pools keep their defaults', patch: { 'pools.gpu.balance': 'round-robin' }, pick: (c) => c.pools['llama-70b']?.balance, expected: 'load-aware' },
  ];
  for (const o of overrides) {
    t.same(o.pick(configOf(parseConfigObject(patch(base(), o.patch), { env: ENV }))), o.expected, o.name);
  }
});

t.test('model classification keys: defaults, and a route derived from the tiers', async (t) => {
  const tierCases: { name: string; tiers: string[]; route: Record<string, string> }[] = [
    { name: 'one tier serves every class', tiers: ['a'], route: { simple: 'a', moderate: 'a', complex: 'a' } },
    { name: 'two tiers: simple and moderate first, complex last', tiers: ['a', 'b'], route: { simple: 'a', moderate: 'a', complex: 'b' } },
    { name: 'three tiers: one each', tiers: ['a', 'b', 'c'], route: { simple: 'a', moderate: 'b', complex: 'c' } },
    { name: 'four tiers: moderate second, complex last', tiers: ['a', 'b', 'c', 'd'], route: { simple: 'a', moderate: 'b', complex: 'd' } },
    { name: 'the order of tiers, not their names, decides', tiers: ['c', 'a'], route: { simple: 'c', moderate: 'c', complex: 'a' } },
  ];
  for (const c of tierCases) {
    const raw = {
      models: { auto: { tiers: c.tiers } },
      tiers: Object.fromEntries(['a', 'b', 'c', 'd'].map((name) => [name, { pools: ['p'] }])),
      pools: { p: { engine: 'sim', servedModel: 'm', replicas: [{}] } },
    };
    const model = configOf(parseConfigObject(raw, { env: {} })).models.auto;
    t.same(model, { tiers: c.tiers, classify: false, route: c.route, allowTierHeader: false }, c.name);
  }
});

t.test('model classification keys: given values', async (t) => {
  const three = { 'tiers.mid': { pools: ['gpu'] } };
  const modelCases: { name: string; patch: Record<string, unknown>; alias: string; expected: unknown }[] = [
    {
      name: 'classify and allowTierHeader',
      patch: { 'models.large.classify': true, 'models.large.allowTierHeader': true },
      alias: 'large',
      expected: { tiers: ['large', 'small'], classify: true, route: { simple: 'large', moderate: 'large', complex: 'small' }, allowTierHeader: true, description: 'big' },
    },
    {
      name: 'classify false and allowTierHeader false written out',
      patch: { 'models.small.classify': false, 'models.small.allowTierHeader': false },
      alias: 'small',
      expected: { tiers: ['small'], classify: false, route: { simple: 'small', moderate: 'small', complex: 'small' }, allowTierHeader: false },
    },
    {
      name: 'a full route',
      patch: { 'models.large.route': { simple: 'small', moderate: 'small', complex: 'large' } },
      alias: 'large',
      expected: { tiers: ['large', 'small'], classify: false, route: { simple: 'small', moderate: 'small', complex: 'large' }, allowTierHeader: false, description: 'big' },
    },
    {
      name: 'a partial route keeps the derived classes',
      patch: { ...three, 'models.auto': { tiers: ['small', 'mid', 'large'], route: { moderate: 'small' } } },
      alias: 'auto',
      expected: { tiers: ['small', 'mid', 'large'], classify: false, route: { simple: 'small', moderate: 'small', complex: 'large' }, allowTierHeader: false },
    },
    {
      name: 'an empty route is the derived one',
      patch: { ...three, 'models.auto': { tiers: ['small', 'mid', 'large'], route: {} } },
      alias: 'auto',
      expected: { tiers: ['small', 'mid', 'large'], classify: false, route: { simple: 'small', moderate: 'mid', complex: 'large' }, allowTierHeader: false },
    },
    {
      name: 'a route may send a harder class to a cheaper tier',
      patch: { 'models.large.route': { simple: 'small', complex: 'small' } },
      alias: 'large',
      expected: { tiers: ['large', 'small'], classify: false, route: { simple: 'small', moderate: 'large', complex: 'small' }, allowTierHeader: false, description: 'big' },
    },
  ];
  for (const c of modelCases) {
    const config = configOf(parseConfigObject(patch(base(), c.patch), { env: ENV }));
    t.same(config.models[c.alias], c.expected, c.name);
  }
});

/** learned and floors are always resolved; src/config/classifier-config.test.ts tests them. */
const LEARNED = { weights: DEFAULT_MODEL_FILE, complexFrom: 0.47, simpleFrom: 0.43, heuristicWeight: 0.5 };

t.test('classifier: defaults', async (t) => {
  const withoutSection = configOf(parseConfigObject(base(), { env: ENV })).classifier;
  const emptySection = configOf(parseConfigObject(patch(base(), { classifier: {} }), { env: ENV })).classifier;
  const emptyHeuristic = configOf(parseConfigObject(patch(base(), { classifier: { heuristic: {} } }), { env: ENV })).classifier;
  for (const [name, classifier] of [
    ['no classifier section', withoutSection],
    ['an empty classifier section', emptySection],
    ['an empty heuristic section', emptyHeuristic],
  ] as const) {
    t.same(classifier, { mode: 'learned', heuristic: DEFAULT_HEURISTIC_SETTINGS, learned: LEARNED, floors: DEFAULT_FLOORS }, name);
    t.notOk('embeddings' in classifier, `${name}: no embeddings key`);
    t.notOk('llm' in classifier, `${name}: no llm key`);
  }
  t.equal(DEFAULTS.classifier.embeddingsTimeoutMs, 300);
  t.equal(DEFAULTS.classifier.llmTimeoutMs, 1500);
});

t.test('classifier: given values, merged key by key', async (t) => {
  const H = DEFAULT_HEURISTIC_SETTINGS;
  const EXAMPLES = { simple: ['hi'], moderate: ['summarise this'], complex: ['prove it', 'design a system'] };
  const classifierCases: { name: string; classifier: unknown; expected: unknown }[] = [
    {
      name: 'a partial weights override keeps the other weights',
      classifier: { heuristic: { weights: { code: 2, shortChat: -5 } } },
      expected: { mode: 'learned', learned: LEARNED, floors: DEFAULT_FLOORS, heuristic: { ...H, weights: { ...H.weights, code: 2, shortChat: -5 } } },
    },
    {
      name: 'a weight of 0 turns a signal off',
      classifier: { heuristic: { weights: { length: 0 } } },
      expected: { mode: 'learned', learned: LEARNED, floors: DEFAULT_FLOORS, heuristic: { ...H, weights: { ...H.weights, length: 0 } } },
    },
    {
      name: 'one threshold',
      classifier: { heuristic: { thresholds: { complexFrom: 3 } } },
      expected: { mode: 'learned', learned: LEARNED, floors: DEFAULT_FLOORS, heuristic: { ...H, thresholds: { simpleBelow: 1, complexFrom: 3, effortCap: 1.5 } } },
    },
    {
      name: 'length, maxTokens and window, one key each',
      classifier: { heuristic: { length: { capDoublings: 5 }, maxTokens: { long: 8192 }, window: { contextMessages: 2 } } },
      expected: {
        mode: 'learned',
        learned: LEARNED,
        floors: DEFAULT_FLOORS,
        heuristic: {
          ...H,
          length: { floorChars: 40, capDoublings: 5 },
          maxTokens: { short: 64, long: 8192 },
          window: { headChars: 6144, tailChars: 2048, contextChars: 4096, contextMessages: 2 },
        },
      },
    },
    {
      name: 'embeddings with the default timeout',
      classifier: { mode: 'embeddings', embeddings: { pool: 'sim', examples: EXAMPLES } },
      expected: { mode: 'embeddings', learned: LEARNED, floors: DEFAULT_FLOORS, heuristic: H, embeddings: { pool: 'sim', timeoutMs: 300, examples: EXAMPLES } },
    },
    {
      name: 'embeddings with a timeout',
      classifier: { mode: 'embeddings', embeddings: { pool: 'gpu', timeoutMs: 50, examples: EXAMPLES } },
      expected: { mode: 'embeddings', learned: LEARNED, floors: DEFAULT_FLOORS, heuristic: H, embeddings: { pool: 'gpu', timeoutMs: 50, examples: EXAMPLES } },
    },
    {
      name: 'llm with the default timeout',
      classifier: { mode: 'llm', llm: { pool: 'gpu' } },
      expected: { mode: 'llm', learned: LEARNED, floors: DEFAULT_FLOORS, heuristic: H, llm: { pool: 'gpu', timeoutMs: 1500 } },
    },
    {
      name: 'llm with a timeout, and heuristic overrides for the fallback',
      classifier: { mode: 'llm', llm: { pool: 'openai-fallback', timeoutMs: 800 }, heuristic: { thresholds: { simpleBelow: 0.5 } } },
      expected: {
        mode: 'llm',
        learned: LEARNED,
        floors: DEFAULT_FLOORS,
        heuristic: { ...H, thresholds: { simpleBelow: 0.5, complexFrom: 2.5, effortCap: 1.5 } },
        llm: { pool: 'openai-fallback', timeoutMs: 800 },
      },
    },
    {
      name: 'sections of modes not selected are kept',
      classifier: { mode: 'heuristic', llm: { pool: 'gpu' }, embeddings: { pool: 'sim', examples: EXAMPLES } },
      expected: {
        mode: 'heuristic',
        learned: LEARNED,
        floors: DEFAULT_FLOORS,
        heuristic: H,
        embeddings: { pool: 'sim', timeoutMs: 300, examples: EXAMPLES },
        llm: { pool: 'gpu', timeoutMs: 1500 },
      },
    },
  ];
  for (const c of classifierCases) {
    const classifier = configOf(parseConfigObject(patch(base(), { classifier: structuredClone(c.classifier) }), { env: ENV })).classifier;
    t.same(classifier, c.expected, c.name);
  }
  // The merge must build new objects: the shared defaults stay as they were.
  t.same(DEFAULT_HEURISTIC_SETTINGS.weights.code, 1.2, 'DEFAULT_HEURISTIC_SETTINGS is not changed by an override');
  t.same(DEFAULT_HEURISTIC_SETTINGS.thresholds.complexFrom, 2.5);
});

// ---- auth and budgets: resolution ----

/** SHA-256 digests (64 lowercase hex digits) of made-up secrets. */
const HASH_A = '0123456789abcdef'.repeat(4);
const HASH_B = 'fedcba9876543210'.repeat(4);
const NO_LIMITS = {
  tokensPerMinute: null,
  tokensPerDay: null,
  tokensPerMonth: null,
  tokensLifetime: null,
  requestsPerMinute: null,
  maxConcurrent: null,
  usdPerDay: null,
  usdPerMonth: null,
  usdLifetime: null,
};
const BUDGET_DEFAULTS = {
  store: 'memory',
  budgetMode: 'strict',
  onStoreError: 'fail-closed',
  degradeAt: 0.8,
  maxOutputTokens: 4096,
  imageTokens: 16384,
  audioTokens: 1500,
  topUpTokens: 256,
  reservationTtlMs: 900000,
};
const REDIS_DEFAULTS = { keyPrefix: 'sy', commandTimeoutMs: 1000 };
/** A declared key as written: an id and a hash, plus the given keys. */
const key = (extra: Record<string, unknown> = {}) => ({ id: 'alice', hash: HASH_A, ...extra });
/** A declared key with every default resolved. */
const KEY_DEFAULTS = {
  id: 'alice',
  name: 'alice',
  hash: HASH_A,
  prefix: '',
  enabled: true,
  models: null,
  tiers: null,
  maxTokensPerRequest: null,
  limits: NO_LIMITS,
  metadata: {},
};

t.test('auth and budgets: defaults, with or without their sections', async (t) => {
  const sections: { name: string; patch: Record<string, unknown> }[] = [
    { name: 'no auth or budgets section', patch: {} },
    { name: 'empty sections', patch: { auth: {}, budgets: {} } },
    { name: 'an empty key list', patch: { 'auth.keys': [] } },
    { name: 'the defaults written out', patch: { auth: { required: false, keys: [] }, budgets: structuredClone(BUDGET_DEFAULTS) } },
  ];
  for (const c of sections) {
    const config = configOf(parseConfigObject(patch(base(), c.patch), { env: ENV }));
    t.same(config.auth, { required: false, keys: [] }, `${c.name}: auth`);
    t.same(config.budgets, BUDGET_DEFAULTS, `${c.name}: budgets`);
    t.notOk('redis' in config.budgets, `${c.name}: no redis settings`);
  }
  t.same(DEFAULTS.budgets, BUDGET_DEFAULTS);
  t.same(DEFAULTS.redis, REDIS_DEFAULTS);
});

t.test('a declared key resolves with every default', async (t) => {
  const config = configOf(parseConfigObject(patch(base(), { 'auth.keys': [key()] }), { env: ENV }));
  t.same(config.auth, { required: false, keys: [KEY_DEFAULTS] });
  const resolved = config.auth.keys[0];
  // t.same treats null and undefined alike: the defaults must really be null.
  t.equal(resolved?.models, null, 'models: null is every alias');
  t.equal(resolved?.tiers, null, 'tiers: null is every tier');
  t.equal(resolved?.maxTokensPerRequest, null);
  t.ok(
    Object.values(resolved?.limits ?? { x: 0 }).every((limit) => limit === null),
    'every limit is null (unlimited)',
  );
  t.same(config.budgets, BUDGET_DEFAULTS, 'declaring keys changes no budget setting');
});

t.test('auth and budgets: given values, key by key', async (t) => {
  const FULL_KEY = {
    id: 'ci_bot-2',
    name: 'CI bot',
    hash: HASH_B,
    prefix: 'sy-ci',
    enabled: false,
    models: ['small'],
    tiers: ['small', 'large'],
    maxTokensPerRequest: 512,
    limits: { tokensPerMinute: 1, tokensPerDay: 2, tokensPerMonth: 3, tokensLifetime: 4, requestsPerMinute: 5, maxConcurrent: 6, usdPerDay: 7.5, usdPerMonth: 8, usdLifetime: 9 },
    metadata: { team: 'infra', ticket: 'OPS-1' },
  };
  const FULL_BUDGETS = {
    store: 'redis',
    redis: { url: 'rediss://cache:6380/2', keyPrefix: 'prod_1', commandTimeoutMs: 250 },
    budgetMode: 'tight',
    onStoreError: 'fail-open',
    degradeAt: 0.5,
    maxOutputTokens: 1024,
    imageTokens: 2000,
    audioTokens: 300,
    topUpTokens: 64,
    reservationTtlMs: 700000,
  };
  const givenCases: { name: string; patch: Record<string, unknown>; env?: NodeJS.ProcessEnv; pick: (c: Config) => unknown; expected: unknown }[] = [
    { name: 'auth.required', patch: { 'auth.required': true }, pick: (c) => c.auth, expected: { required: true, keys: [] } },
    { name: 'every key field', patch: { 'auth.keys': [structuredClone(FULL_KEY)] }, pick: (c) => c.auth.keys, expected: [FULL_KEY] },
    { name: 'name', patch: { 'auth.keys': [key({ name: 'Alice' })] }, pick: (c) => c.auth.keys[0], expected: { ...KEY_DEFAULTS, name: 'Alice' } },
    { name: 'enabled false', patch: { 'auth.keys': [key({ enabled: false })] }, pick: (c) => c.auth.keys[0], expected: { ...KEY_DEFAULTS, enabled: false } },
    {
      name: 'models without tiers: every tier of those aliases',
      patch: { 'auth.keys': [key({ models: ['large'] })] },
      pick: (c) => c.auth.keys[0],
      expected: { ...KEY_DEFAULTS, models: ['large'] },
    },
    {
      name: 'tiers without models: every alias, within those tiers',
      patch: { 'auth.keys': [key({ tiers: ['small'] })] },
      pick: (c) => c.auth.keys[0],
      expected: { ...KEY_DEFAULTS, tiers: ['small'] },
    },
    {
      name: 'one limit keeps the others unlimited',
      patch: { 'auth.keys': [key({ limits: { tokensPerDay: 100000 } })] },
      pick: (c) => c.auth.keys[0]?.limits,
      expected: { ...NO_LIMITS, tokensPerDay: 100000 },
    },
    { name: 'an empty limits mapping', patch: { 'auth.keys': [key({ limits: {} })] }, pick: (c) => c.auth.keys[0]?.limits, expected: NO_LIMITS },
    {
      name: 'keys keep their order',
      patch: { 'auth.keys': [key({ id: 'zed', hash: HASH_B }), key()] },
      pick: (c) => c.auth.keys.map((k) => [k.id, k.name, k.hash]),
      expected: [
        ['zed', 'zed', HASH_B],
        ['alice', 'alice', HASH_A],
      ],
    },
    { name: 'every budgets field', patch: { budgets: structuredClone(FULL_BUDGETS) }, pick: (c) => c.budgets, expected: FULL_BUDGETS },
    {
      name: 'store redis with a url: the redis defaults',
      patch: { budgets: { store: 'redis', redis: { url: 'redis://cache:6379' } } },
      pick: (c) => c.budgets,
      expected: { ...BUDGET_DEFAULTS, store: 'redis', redis: { url: 'redis://cache:6379', ...REDIS_DEFAULTS } },
    },
    {
      name: 'store redis with urlEnv',
      patch: { budgets: { store: 'redis', redis: { urlEnv: 'REDIS_URL' } } },
      env: { ...ENV, REDIS_URL: 'redis://:secret@cache:6379' },
      pick: (c) => c.budgets,
      expected: { ...BUDGET_DEFAULTS, store: 'redis', redis: { urlEnv: 'REDIS_URL', ...REDIS_DEFAULTS } },
    },
    {
      name: 'redis settings given with the memory store are kept',
      patch: { 'budgets.redis': { url: 'redis://cache:6379', commandTimeoutMs: 50 } },
      pick: (c) => c.budgets,
      expected: { ...BUDGET_DEFAULTS, redis: { url: 'redis://cache:6379', keyPrefix: 'sy', commandTimeoutMs: 50 } },
    },
    { name: 'budgetMode tight', patch: { 'budgets.budgetMode': 'tight' }, pick: (c) => c.budgets, expected: { ...BUDGET_DEFAULTS, budgetMode: 'tight' } },
    { name: 'onStoreError fail-open', patch: { 'budgets.onStoreError': 'fail-open' }, pick: (c) => c.budgets, expected: { ...BUDGET_DEFAULTS, onStoreError: 'fail-open' } },
    { name: 'degradeAt null turns degrading off', patch: { 'budgets.degradeAt': null }, pick: (c) => c.budgets.degradeAt, expected: null },
    { name: 'degradeAt 0', patch: { 'budgets.degradeAt': 0 }, pick: (c) => c.budgets.degradeAt, expected: 0 },
    { name: 'degradeAt 1', patch: { 'budgets.degradeAt': 1 }, pick: (c) => c.budgets.degradeAt, expected: 1 },
    { name: 'maxOutputTokens', patch: { 'budgets.maxOutputTokens': 8192 }, pick: (c) => c.budgets, expected: { ...BUDGET_DEFAULTS, maxOutputTokens: 8192 } },
    { name: 'topUpTokens', patch: { 'budgets.topUpTokens': 1 }, pick: (c) => c.budgets, expected: { ...BUDGET_DEFAULTS, topUpTokens: 1 } },
    {
      name: 'reservationTtlMs just above a given requestTimeoutMs',
      patch: { 'server.requestTimeoutMs': 1000, 'budgets.reservationTtlMs': 1001 },
      pick: (c) => [c.server.requestTimeoutMs, c.budgets.reservationTtlMs],
      expected: [1000, 1001],
    },
  ];
  for (const c of givenCases) {
    const config = configOf(parseConfigObject(patch(base(), c.patch), { env: c.env ?? ENV }));
    t.same(c.pick(config), c.expected, c.name);
  }
  // t.same ignores missing-vs-undefined and null-vs-undefined: check the exact shapes too.
  const viaEnv = configOf(parseConfigObject(patch(base(), { 'budgets.redis.urlEnv': 'REDIS_URL', 'budgets.store': 'redis' }), { env: { ...ENV, REDIS_URL: 'redis://x' } }));
  t.notOk('url' in (viaEnv.budgets.redis ?? {}), 'urlEnv alone: no url key');
  t.notOk(JSON.stringify(viaEnv).includes('redis://x'), 'the URL from the environment is not copied into the config');
  const viaUrl = configOf(parseConfigObject(patch(base(), { 'budgets.redis.url': 'redis://x' }), { env: ENV }));
  t.notOk('urlEnv' in (viaUrl.budgets.redis ?? {}), 'url alone: no urlEnv key');
  const off = configOf(parseConfigObject(patch(base(), { 'budgets.degradeAt': null }), { env: ENV }));
  t.equal(off.budgets.degradeAt, null, 'degradeAt: null stays null (not the default)');
});

t.test('model aliases: printable ASCII without spaces', async (t) => {
  for (const alias of ['gpt-4.1', 'meta-llama/Llama-3.3-70B-Instruct', 'a:b@c', '~', 'GPT_4o!']) {
    const raw = patch(base(), {});
    (raw.models as Record<string, unknown>)[alias] = { tiers: ['small'] };
    t.ok(configOf(parseConfigObject(raw, { env: ENV })).models[alias], `${alias} is allowed`);
  }
});

t.test('the resolved config is deeply frozen and shares nothing with the input', async (t) => {
  const raw = base();
  const config = configOf(parseConfigObject(raw, { env: ENV }));
  const nodes: unknown[] = [
    config,
    config.server,
    config.logging,
    config.models,
    config.models.large,
    config.models.large?.tiers,
    config.models.large?.route,
    config.classifier,
    config.classifier.heuristic,
    config.classifier.heuristic.weights,
    config.classifier.heuristic.thresholds,
    config.classifier.heuristic.length,
    config.classifier.heuristic.maxTokens,
    config.classifier.heuristic.window,
    config.tiers.large,
    config.tiers.large?.pools,
    config.pools,
    config.pools['llama-70b'],
    config.pools['llama-70b']?.replicas,
    config.pools['llama-70b']?.replicas[1],
    config.pools.sim?.sim,
    config.pools.sim?.replicas[0]?.sim,
    config.retry,
    config.pools.gpu?.healthCheck,
    config.pools.gpu?.outlier,
    config.pools.gpu?.engineMetrics,
    config.pools.sim?.sim?.faults,
    config.pools.sim?.replicas[0]?.sim?.faults,
  ];
  nodes.forEach((node, i) => t.ok(node !== undefined && Object.isFrozen(node), `node ${i} is frozen`));
  t.throws(() => {
    (config.server as { port: number }).port = 1;
  }, TypeError);
  t.throws(() => {
    (config.models.large?.tiers as string[]).push('x');
  }, TypeError);
  t.notOk(Object.isFrozen(raw), 'the input is not frozen');
  // Freezing the result must not reach the shared default objects (a later load would break).
  t.notOk(Object.isFrozen(DEFAULTS.outlier) || Object.isFrozen(DEFAULTS.retry), 'DEFAULTS is not frozen');
  t.notOk(Object.isFrozen(SIM_DEFAULTS_CONST) || Object.isFrozen(SIM_FAULT_DEFAULTS), 'SIM_DEFAULTS is not frozen');
  patch(raw, { 'models.large.tiers.0': 'changed' });
  t.same(config.models.large?.tiers, ['large', 'small'], 'later changes to the input do not leak in');

  const withClassifier = patch(base(), {
    'models.large.route': { complex: 'small' },
    classifier: {
      heuristic: { weights: { code: 2 } },
      embeddings: { pool: 'sim', examples: { simple: ['a'], moderate: ['b'], complex: ['c'] } },
      llm: { pool: 'gpu' },
    },
  });
  const classified = configOf(parseConfigObject(withClassifier, { env: ENV }));
  for (const [name, node] of [
    ['route', classified.models.large?.route],
    ['embeddings', classified.classifier.embeddings],
    ['embeddings.examples', classified.classifier.embeddings?.examples],
    ['embeddings.examples.simple', classified.classifier.embeddings?.examples.simple],
    ['llm', classified.classifier.llm],
  ] as const) {
    t.ok(node !== undefined && Object.isFrozen(node), `${name} is frozen`);
  }
  const input = withClassifier as { models: { large: { route: object } }; classifier: { heuristic: { weights: object }; embeddings: { examples: { simple: string[] } } } };
  t.notOk(Object.isFrozen(input.models.large.route), 'the input route is not frozen');
  t.notOk(Object.isFrozen(input.classifier.heuristic.weights), 'the input weights are not frozen');
  t.notOk(Object.isFrozen(input.classifier.embeddings.examples.simple), 'the input examples are not frozen');

  const withKeys = patch(base(), {
    'auth.keys': [key({ models: ['small'], tiers: ['small'], limits: { tokensPerDay: 10 }, metadata: { team: 'a' } })],
    'budgets.redis.url': 'redis://cache:6379',
  });
  const keyed = configOf(parseConfigObject(withKeys, { env: ENV }));
  for (const [name, node] of [
    ['auth', keyed.auth],
    ['auth.keys', keyed.auth.keys],
    ['auth.keys[0]', keyed.auth.keys[0]],
    ['auth.keys[0].models', keyed.auth.keys[0]?.models],
    ['auth.keys[0].tiers', keyed.auth.keys[0]?.tiers],
    ['auth.keys[0].limits', keyed.auth.keys[0]?.limits],
    ['auth.keys[0].metadata', keyed.auth.keys[0]?.metadata],
    ['budgets', keyed.budgets],
    ['budgets.redis', keyed.budgets.redis],
  ] as const) {
    t.ok(node !== undefined && node !== null && Object.isFrozen(node), `${name} is frozen`);
  }
  const keyInput = (withKeys as { auth: { keys: { models: string[]; metadata: object }[] } }).auth.keys[0];
  t.notOk(Object.isFrozen(keyInput?.models) || Object.isFrozen(keyInput?.metadata), 'the input key is not frozen');
  t.notOk(Object.isFrozen(DEFAULTS.budgets) || Object.isFrozen(DEFAULTS.redis), 'DEFAULTS.budgets is not frozen');
});

// ---- error messages, one problem at a time ----

interface Case {
  name: string;
  patch: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  errors: string[];
}

const cases: Case[] = [
  // the examples from the brief
  {
    name: 'unknown spillTo',
    patch: { 'tiers.large.spillTo': 'smal' },
    errors: ['tiers.large.spillTo: unknown tier "smal" (known: small, large)'],
  },
  {
    name: 'replica url with a path',
    patch: { 'pools.llama-70b.replicas.1.url': 'http://gpu-1:8000/v1' },
    errors: ['pools.llama-70b.replicas[1].url: must be an origin like http://host:port without a path (got "http://gpu-1:8000/v1"); the router adds /v1/...'],
  },
  {
    name: 'port is not a number',
    patch: { 'server.port': '80a' },
    errors: ['server.port: must be an integer from 0 to 65535 (got "80a")'],
  },
  {
    name: 'misspelt replica key',
    patch: { 'pools.gpu.replicas.0.wieght': 2 },
    errors: ['pools.gpu.replicas[0].wieght: unknown key (allowed: name, url, weight, sim)'],
  },
  { name: 'no models', patch: { models: {} }, errors: ['models: must define at least one model'] },
  { name: 'models missing', patch: { models: DELETE }, errors: ['models: must define at least one model'] },
  { name: 'no tiers', patch: { tiers: {} }, errors: ['tiers: must define at least one tier'] },
  { name: 'no pools', patch: { pools: DELETE }, errors: ['pools: must define at least one pool'] },

  // unknown keys at every level
  {
    name: 'unknown top-level key',
    patch: { budget: {} },
    errors: ['budget: unknown key (allowed: server, logging, retry, classifier, auth, budgets, cache, idempotency, responses, defaultModel, models, tiers, pools)'],
  },
  {
    name: 'unknown server key',
    patch: { 'server.hots': 'x' },
    errors: [
      'server.hots: unknown key (allowed: host, port, maxBodyBytes, requestTimeoutMs, shutdownGraceMs, headersTimeoutMs, bodyTimeoutMs, maxHeaderBytes, maxConnections, metricsPort, metricsHost)',
    ],
  },
  { name: 'unknown logging key', patch: { 'logging.format': 'json' }, errors: ['logging.format: unknown key (allowed: level)'] },
  {
    name: 'unknown model key',
    patch: { 'models.small.clasify': true },
    errors: ['models.small.clasify: unknown key (allowed: tiers, classify, route, allowTierHeader, description, cache, anthropicModels)'],
  },
  { name: 'unknown tier key', patch: { 'tiers.small.spill': 'large' }, errors: ['tiers.small.spill: unknown key (allowed: pools, spillTo, price)'] },
  {
    name: 'unknown pool key',
    patch: { 'pools.gpu.timeoutMs': 1 },
    errors: [
      'pools.gpu.timeoutMs: unknown key (allowed: engine, servedModel, apiKeyEnv, connectTimeoutMs, firstTokenTimeoutMs, idleTimeoutMs, responseTimeoutMs, maxConnections, balance, maxInFlight, maxEngineQueue, contextLength, healthCheck, outlier, engineMetrics, price, sim, anthropic, azure, apis, replicas)',
    ],
  },
  {
    name: 'the renamed firstByteTimeoutMs',
    patch: { 'pools.gpu.firstByteTimeoutMs': 120000 },
    errors: [
      "pools.gpu.firstByteTimeoutMs: renamed: use firstTokenTimeoutMs (a stream's time to its first token); a non-streaming answer arrives whole when generation ends, and only responseTimeoutMs (default: none, server.requestTimeoutMs) bounds it",
    ],
  },
  {
    name: 'anthropic settings on another engine',
    patch: { 'pools.gpu.anthropic': { version: '2023-06-01' } },
    errors: ['pools.gpu.anthropic: only valid when engine is "anthropic"'],
  },
  {
    name: 'azure deployments without an api-version',
    patch: { 'pools.gpu.engine': 'azure', 'pools.gpu.azure': { api: 'deployments' } },
    errors: ['pools.gpu.azure.apiVersion: required when api is "deployments" (e.g. 2024-10-21)'],
  },
  {
    name: 'unknown pool sim key',
    patch: { 'pools.sim.sim.ttft': 1 },
    errors: ['pools.sim.sim.ttft: unknown key (allowed: flavour, maxRunning, kvCacheTokens, maxModelLen, faults, ttftMs, tokensPerSecond, defaultMaxTokens, embeddingDimensions)'],
  },
  {
    name: 'unknown replica sim key',
    patch: { 'pools.sim.replicas.0.sim': { speed: 1 } },
    errors: [
      'pools.sim.replicas[0].sim.speed: unknown key (allowed: flavour, maxRunning, kvCacheTokens, maxModelLen, faults, ttftMs, tokensPerSecond, defaultMaxTokens, embeddingDimensions)',
    ],
  },

  // types, ranges, enums, patterns
  {
    name: 'port out of range',
    patch: { 'server.port': 70000 },
    errors: ['server.port: must be an integer from 0 to 65535 (got 70000)'],
  },
  {
    name: 'fractional negative port (type and minimum, reported once)',
    patch: { 'server.port': -1.5 },
    errors: ['server.port: must be an integer from 0 to 65535 (got -1.5)'],
  },
  {
    name: 'zero timeout',
    patch: { 'server.requestTimeoutMs': 0 },
    errors: ['server.requestTimeoutMs: must be an integer from 1 to 2147483647 (got 0)'],
  },
  {
    name: "a timeout past node's timers (2^31 ms would fire after 1 ms)",
    patch: {
      'server.requestTimeoutMs': 3_000_000_000,
      'pools.gpu.idleTimeoutMs': 2_147_483_648,
      'pools.gpu.healthCheck.intervalMs': 100_000_000_000,
      'retry.backoffMaxMs': 2_147_483_648,
    },
    errors: [
      'server.requestTimeoutMs: must be an integer from 1 to 2147483647 (got 3000000000)',
      'retry.backoffMaxMs: must be an integer from 0 to 2147483647 (got 2147483648)',
      'pools.gpu.idleTimeoutMs: must be an integer from 1 to 2147483647 (got 2147483648)',
      'pools.gpu.healthCheck.intervalMs: must be an integer from 0 to 2147483647 (got 100000000000)',
    ],
  },
  {
    name: "YAML's .nan and .inf are named as written, not as JSON's null",
    patch: { 'server.port': Number.NaN, 'pools.gpu.replicas': [{ url: 'http://gpu-0:8000', weight: Number.NEGATIVE_INFINITY }] },
    errors: ['server.port: must be an integer from 0 to 65535 (got .nan)', 'pools.gpu.replicas[0].weight: must be a number greater than 0 (got -.inf)'],
  },
  {
    name: 'timeout as a string with a unit',
    patch: { 'pools.gpu.idleTimeoutMs': '30s' },
    errors: ['pools.gpu.idleTimeoutMs: must be an integer from 1 to 2147483647 (got "30s")'],
  },
  { name: 'empty host', patch: { 'server.host': '' }, errors: ['server.host: must not be empty'] },
  {
    name: 'server is not a mapping',
    patch: { server: 8080 },
    errors: ['server: must be a mapping (got 8080)'],
  },
  {
    name: 'unknown log level',
    patch: { 'logging.level': 'verbose' },
    errors: ['logging.level: must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")'],
  },
  {
    name: 'unknown engine',
    patch: { 'pools.gpu.engine': 'vLLM' },
    errors: ['pools.gpu.engine: must be one of vllm, tgi, openai, azure, anthropic, sim (got "vLLM")'],
  },
  { name: 'missing engine', patch: { 'pools.gpu.engine': DELETE }, errors: ['pools.gpu.engine: required key is missing'] },
  { name: 'empty servedModel', patch: { 'pools.gpu.servedModel': '' }, errors: ['pools.gpu.servedModel: must not be empty'] },
  { name: 'model tiers missing', patch: { 'models.small.tiers': DELETE }, errors: ['models.small.tiers: required key is missing'] },
  { name: 'model tiers not a list', patch: { 'models.small.tiers': 'small' }, errors: ['models.small.tiers: must be a list (got "small")'] },
  { name: 'model entry not a mapping', patch: { 'models.small': ['small'] }, errors: ['models.small: must be a mapping (got a list)'] },
  { name: 'empty model tiers', patch: { 'models.small.tiers': [] }, errors: ['models.small.tiers: must list at least one tier'] },
  {
    name: 'duplicate model tiers',
    patch: { 'models.large.tiers': ['large', 'small', 'large'] },
    errors: ['models.large.tiers: "large" is listed twice (entries 0 and 2)'],
  },
  { name: 'empty tier pools', patch: { 'tiers.small.pools': [] }, errors: ['tiers.small.pools: must list at least one pool'] },
  {
    name: 'duplicate tier pools',
    patch: { 'tiers.small.pools': ['gpu', 'gpu'] },
    errors: ['tiers.small.pools: "gpu" is listed twice (entries 0 and 1)'],
  },
  { name: 'no replicas', patch: { 'pools.gpu.replicas': [] }, errors: ['pools.gpu.replicas: must list at least one replica'] },
  {
    name: 'zero weight',
    patch: { 'pools.gpu.replicas.0.weight': 0 },
    errors: ['pools.gpu.replicas[0].weight: must be a number greater than 0 (got 0)'],
  },
  {
    name: 'bad replica name',
    patch: { 'pools.gpu.replicas.0.name': 'gpu 0' },
    errors: ['pools.gpu.replicas[0].name: must start with a letter or digit and contain only letters, digits, ".", "_" and "-" (got "gpu 0")'],
  },
  {
    name: 'bad pool name',
    patch: { 'pools.-gpu': { engine: 'sim', servedModel: 's', replicas: [{}] } },
    errors: ['pools: invalid pool name "-gpu": must start with a letter or digit and contain only letters, digits, ".", "_" and "-"'],
  },
  {
    name: 'bad apiKeyEnv name',
    patch: { 'pools.openai-fallback.apiKeyEnv': 'openai-key' },
    errors: ['pools.openai-fallback.apiKeyEnv: must be an environment variable name such as OPENAI_API_KEY (got "openai-key")'],
  },
  {
    name: 'sim embeddingDimensions of 0',
    patch: { 'pools.sim.sim.embeddingDimensions': 0 },
    errors: ['pools.sim.sim.embeddingDimensions: must be an integer of at least 1 (got 0)'],
  },
  {
    name: 'negative replica sim ttft',
    patch: { 'pools.sim.replicas.0.sim': { ttftMs: -1 } },
    errors: ['pools.sim.replicas[0].sim.ttftMs: must be an integer from 0 to 2147483647 (got -1)'],
  },

  // model aliases are echoed in a response header
  {
    name: 'model alias with a space',
    patch: { 'models.my model': { tiers: ['small'] } },
    errors: ['models: invalid model name "my model": must be printable ASCII without spaces (it is echoed in a response header)'],
  },
  {
    name: 'model alias with a non-ASCII letter',
    patch: { 'models.modèle': { tiers: ['small'] } },
    errors: ['models: invalid model name "modèle": must be printable ASCII without spaces (it is echoed in a response header)'],
  },
  {
    name: 'model alias with a tab',
    patch: { 'models.a\tb': { tiers: ['small'] } },
    errors: ['models: invalid model name "a\\tb": must be printable ASCII without spaces (it is echoed in a response header)'],
  },
  {
    name: 'empty model alias',
    patch: { 'models.': { tiers: ['small'] } },
    errors: ['models: invalid model name "": must be printable ASCII without spaces (it is echoed in a response header)'],
  },

  // balancing, health checks, outlier ejection, engine metrics, retries: unknown keys
  {
    name: 'unknown healthCheck key',
    patch: { 'pools.gpu.healthCheck.interval': 1000 },
    errors: ['pools.gpu.healthCheck.interval: unknown key (allowed: intervalMs, timeoutMs, unhealthyAfter, healthyAfter, path)'],
  },
  {
    name: 'unknown outlier key',
    patch: { 'pools.gpu.outlier.failures': 3 },
    errors: ['pools.gpu.outlier.failures: unknown key (allowed: consecutiveFailures, baseEjectionMs, maxEjectionMs, maxEjectedPercent)'],
  },
  {
    name: 'unknown engineMetrics key',
    patch: { 'pools.gpu.engineMetrics.path': '/metrics' },
    errors: ['pools.gpu.engineMetrics.path: unknown key (allowed: intervalMs, timeoutMs, staleAfterMs)'],
  },
  {
    name: 'unknown retry key',
    patch: { 'retry.attempts': 2 },
    errors: ['retry.attempts: unknown key (allowed: maxAttempts, budgetPercent, minRetriesPerSecond, backoffBaseMs, backoffMaxMs)'],
  },
  {
    name: 'unknown pool sim faults key',
    patch: { 'pools.sim.sim.faults.crash': true },
    errors: ['pools.sim.sim.faults.crash: unknown key (allowed: slowFactor, errorRate, hang, dieAfterRequests, dropMidStreamRate)'],
  },
  {
    name: 'unknown replica sim faults key',
    patch: { 'pools.sim.replicas.0.sim': { faults: { errorrate: 0.1 } } },
    errors: ['pools.sim.replicas[0].sim.faults.errorrate: unknown key (allowed: slowFactor, errorRate, hang, dieAfterRequests, dropMidStreamRate)'],
  },

  // ... enums, ranges, types
  {
    name: 'unknown balance strategy',
    patch: { 'pools.gpu.balance': 'random' },
    errors: ['pools.gpu.balance: must be one of load-aware, least-in-flight, round-robin (got "random")'],
  },
  { name: 'maxInFlight of 0', patch: { 'pools.gpu.maxInFlight': 0 }, errors: ['pools.gpu.maxInFlight: must be an integer of at least 1 (got 0)'] },
  {
    name: 'negative maxEngineQueue',
    patch: { 'pools.gpu.maxEngineQueue': -1 },
    errors: ['pools.gpu.maxEngineQueue: must be an integer of at least 0 (got -1)'],
  },
  { name: 'healthCheck not a mapping', patch: { 'pools.gpu.healthCheck': true }, errors: ['pools.gpu.healthCheck: must be a mapping (got true)'] },
  {
    name: 'negative healthCheck interval',
    patch: { 'pools.gpu.healthCheck.intervalMs': -1 },
    errors: ['pools.gpu.healthCheck.intervalMs: must be an integer from 0 to 2147483647 (got -1)'],
  },
  {
    name: 'zero healthCheck timeout',
    patch: { 'pools.gpu.healthCheck.timeoutMs': 0 },
    errors: ['pools.gpu.healthCheck.timeoutMs: must be an integer from 1 to 2147483647 (got 0)'],
  },
  {
    name: 'zero unhealthyAfter',
    patch: { 'pools.gpu.healthCheck.unhealthyAfter': 0 },
    errors: ['pools.gpu.healthCheck.unhealthyAfter: must be an integer of at least 1 (got 0)'],
  },
  {
    name: 'healthCheck.path not starting with "/"',
    patch: { 'pools.gpu.healthCheck.path': 'health' },
    errors: ['pools.gpu.healthCheck.path: must start with "/" (got "health")'],
  },
  {
    name: 'healthCheck.path a full URL',
    patch: { 'pools.gpu.healthCheck.path': 'http://gpu-0:8000/health' },
    errors: ['pools.gpu.healthCheck.path: must start with "/" (got "http://gpu-0:8000/health")'],
  },
  {
    name: 'zero consecutiveFailures',
    patch: { 'pools.gpu.outlier.consecutiveFailures': 0 },
    errors: ['pools.gpu.outlier.consecutiveFailures: must be an integer of at least 1 (got 0)'],
  },
  {
    name: 'maxEjectedPercent above 100',
    patch: { 'pools.gpu.outlier.maxEjectedPercent': 101 },
    errors: ['pools.gpu.outlier.maxEjectedPercent: must be a number from 0 to 100 (got 101)'],
  },
  {
    name: 'negative engineMetrics interval',
    patch: { 'pools.gpu.engineMetrics.intervalMs': -5 },
    errors: ['pools.gpu.engineMetrics.intervalMs: must be an integer from 0 to 2147483647 (got -5)'],
  },
  {
    name: 'zero staleAfterMs',
    patch: { 'pools.gpu.engineMetrics.staleAfterMs': 0 },
    errors: ['pools.gpu.engineMetrics.staleAfterMs: must be an integer from 1 to 2147483647 (got 0)'],
  },
  { name: 'retry not a mapping', patch: { retry: 3 }, errors: ['retry: must be a mapping (got 3)'] },
  { name: 'zero maxAttempts', patch: { 'retry.maxAttempts': 0 }, errors: ['retry.maxAttempts: must be an integer of at least 1 (got 0)'] },
  { name: 'negative budgetPercent', patch: { 'retry.budgetPercent': -1 }, errors: ['retry.budgetPercent: must be a number of at least 0 (got -1)'] },
  {
    name: 'fractional minRetriesPerSecond',
    patch: { 'retry.minRetriesPerSecond': 0.5 },
    errors: ['retry.minRetriesPerSecond: must be an integer of at least 0 (got 0.5)'],
  },
  {
    name: 'negative backoffBaseMs',
    patch: { 'retry.backoffBaseMs': -1 },
    errors: ['retry.backoffBaseMs: must be an integer from 0 to 2147483647 (got -1)'],
  },

  // ... sim batching and faults
  {
    name: 'unknown sim flavour',
    patch: { 'pools.sim.sim.flavour': 'sglang' },
    errors: ['pools.sim.sim.flavour: must be one of vllm, tgi (got "sglang")'],
  },
  { name: 'zero maxRunning', patch: { 'pools.sim.sim.maxRunning': 0 }, errors: ['pools.sim.sim.maxRunning: must be an integer of at least 1 (got 0)'] },
  {
    name: 'zero kvCacheTokens on a replica',
    patch: { 'pools.sim.replicas.0.sim': { kvCacheTokens: 0 } },
    errors: ['pools.sim.replicas[0].sim.kvCacheTokens: must be an integer of at least 1 (got 0)'],
  },
  {
    name: 'errorRate above 1',
    patch: { 'pools.sim.sim.faults.errorRate': 1.5 },
    errors: ['pools.sim.sim.faults.errorRate: must be a number from 0 to 1 (got 1.5)'],
  },
  {
    name: 'errorRate as a percentage string',
    patch: { 'pools.sim.replicas.0.sim': { faults: { errorRate: '10%' } } },
    errors: ['pools.sim.replicas[0].sim.faults.errorRate: must be a number from 0 to 1 (got "10%")'],
  },
  {
    name: 'negative dropMidStreamRate',
    patch: { 'pools.sim.sim.faults.dropMidStreamRate': -0.1 },
    errors: ['pools.sim.sim.faults.dropMidStreamRate: must be a number from 0 to 1 (got -0.1)'],
  },
  {
    name: 'slowFactor below 1',
    patch: { 'pools.sim.sim.faults.slowFactor': 0.5 },
    errors: ['pools.sim.sim.faults.slowFactor: must be a number of at least 1 (got 0.5)'],
  },
  { name: 'hang as a string', patch: { 'pools.sim.sim.faults.hang': 'yes' }, errors: ['pools.sim.sim.faults.hang: must be true or false (got "yes")'] },
  {
    name: 'fractional dieAfterRequests',
    patch: { 'pools.sim.sim.faults.dieAfterRequests': 1.5 },
    errors: ['pools.sim.sim.faults.dieAfterRequests: must be an integer of at least 0 (got 1.5)'],
  },

  // references
  {
    name: 'unknown tier in a model',
    patch: { 'models.large.tiers': ['large', 'smal'] },
    errors: ['models.large.tiers[1]: unknown tier "smal" (known: small, large)'],
  },
  {
    name: 'unknown pool in a tier',
    patch: { 'tiers.small.pools': ['gpu', 'gpu2'] },
    errors: ['tiers.small.pools[1]: unknown pool "gpu2" (known: gpu, llama-70b, openai-fallback, sim)'],
  },
  { name: 'spill to itself', patch: { 'tiers.large.spillTo': 'large' }, errors: ['tiers.large.spillTo: a tier cannot spill to itself'] },
  {
    name: 'spill cycle',
    patch: { 'tiers.small.spillTo': 'large' },
    errors: ['tiers.small.spillTo: spill cycle small → large → small'],
  },
  {
    name: 'longer spill cycle, reported once, with a tier leading into it',
    patch: {
      'tiers.small.spillTo': 'large',
      'tiers.large.spillTo': 'mid',
      'tiers.mid': { pools: ['gpu'], spillTo: 'small' },
      'tiers.edge': { pools: ['gpu'], spillTo: 'mid' },
    },
    errors: ['tiers.small.spillTo: spill cycle small → large → mid → small'],
  },
  {
    name: 'duplicate replica names across pools',
    patch: { 'pools.gpu.replicas.0.name': 'a', 'pools.llama-70b.replicas.1.name': 'a' },
    errors: ['pools.llama-70b.replicas[1].name: duplicate replica name "a", also used by pools.gpu.replicas[0]; replica names must be unique across the config'],
  },
  {
    name: 'an explicit name that collides with a default one',
    patch: { 'pools.llama-70b.replicas.0.name': 'llama-70b-1' },
    errors: [
      'pools.llama-70b.replicas[1].name: duplicate replica name "llama-70b-1" (the default name), also used by pools.llama-70b.replicas[0]; replica names must be unique across the config',
    ],
  },
  {
    name: 'duplicate replica URLs (trailing slash and case normalised)',
    patch: { 'pools.llama-70b.replicas.1.url': 'http://GPU-0:8000/' },
    errors: ['pools.llama-70b.replicas[1].url: duplicate replica URL "http://GPU-0:8000", also used by pools.gpu.replicas[0]'],
  },
  {
    name: 'url on a sim replica',
    patch: { 'pools.sim.replicas.0.url': 'http://localhost:9000' },
    errors: ['pools.sim.replicas[0].url: not allowed when engine is "sim" (the router starts sim replicas itself)'],
  },
  { name: 'missing url', patch: { 'pools.gpu.replicas.0.url': DELETE }, errors: ['pools.gpu.replicas[0].url: required when engine is "vllm"'] },
  {
    name: 'unparseable url',
    patch: { 'pools.gpu.replicas.0.url': 'gpu-0:8000' },
    errors: ['pools.gpu.replicas[0].url: must use http: or https: (got "gpu-0:8000")'],
  },
  {
    name: 'not a url at all',
    patch: { 'pools.gpu.replicas.0.url': 'gpu 0' },
    errors: ['pools.gpu.replicas[0].url: not a valid URL (got "gpu 0"); expected an origin like http://host:port'],
  },
  {
    name: 'wrong protocol',
    patch: { 'pools.gpu.replicas.0.url': 'ws://gpu-0:8000' },
    errors: ['pools.gpu.replicas[0].url: must use http: or https: (got "ws://gpu-0:8000")'],
  },
  {
    name: 'credentials in the url (not echoed)',
    patch: { 'pools.gpu.replicas.0.url': 'https://user:hunter2@gpu-0:8000' },
    errors: ['pools.gpu.replicas[0].url: must not contain a username or password (name the API key with apiKeyEnv instead)'],
  },
  {
    name: 'query in the url',
    patch: { 'pools.gpu.replicas.0.url': 'http://gpu-0:8000/?x=1' },
    errors: ['pools.gpu.replicas[0].url: must be an origin like http://host:port without a query or fragment (got "http://gpu-0:8000/?x=1")'],
  },
  {
    name: 'fragment in the url',
    patch: { 'pools.gpu.replicas.0.url': 'http://gpu-0:8000#a' },
    errors: ['pools.gpu.replicas[0].url: must be an origin like http://host:port without a query or fragment (got "http://gpu-0:8000#a")'],
  },
  {
    name: 'apiKeyEnv not set',
    patch: {},
    env: {},
    errors: ['pools.openai-fallback.apiKeyEnv: environment variable OPENAI_API_KEY is not set'],
  },
  {
    name: 'apiKeyEnv empty',
    patch: {},
    env: { OPENAI_API_KEY: '' },
    errors: ['pools.openai-fallback.apiKeyEnv: environment variable OPENAI_API_KEY is empty'],
  },
  {
    name: "apiKeyEnv with a secret file's trailing newline",
    patch: {},
    env: { OPENAI_API_KEY: 'sk-abc\n' },
    errors: [
      'pools.openai-fallback.apiKeyEnv: environment variable OPENAI_API_KEY holds whitespace or a control character (a trailing newline from a secret file?), which an HTTP header cannot carry',
    ],
  },
  {
    name: 'apiKeyEnv with a space inside',
    patch: {},
    env: { OPENAI_API_KEY: ' sk-abc' },
    errors: [
      'pools.openai-fallback.apiKeyEnv: environment variable OPENAI_API_KEY holds whitespace or a control character (a trailing newline from a secret file?), which an HTTP header cannot carry',
    ],
  },
  {
    name: 'sim settings on a non-sim pool',
    patch: { 'pools.gpu.sim': { ttftMs: 1 } },
    errors: ['pools.gpu.sim: only valid when engine is "sim"'],
  },
  {
    name: 'sim settings on a non-sim replica',
    patch: { 'pools.gpu.replicas.0.sim': {} },
    errors: ['pools.gpu.replicas[0].sim: only valid when engine is "sim"'],
  },
  {
    name: 'faults on a non-sim pool',
    patch: { 'pools.gpu.sim.faults.errorRate': 0.5 },
    errors: ['pools.gpu.sim: only valid when engine is "sim"'],
  },
  {
    name: 'faults on a non-sim replica',
    patch: { 'pools.openai-fallback.replicas.0.sim': { faults: { hang: true } } },
    errors: ['pools.openai-fallback.replicas[0].sim: only valid when engine is "sim"'],
  },

  // classification routing: models
  {
    name: 'unknown route key',
    patch: { 'models.large.route': { simple: 'small', hard: 'large' } },
    errors: ['models.large.route.hard: unknown key (allowed: simple, moderate, complex)'],
  },
  { name: 'route not a mapping', patch: { 'models.large.route': ['small'] }, errors: ['models.large.route: must be a mapping (got a list)'] },
  { name: 'empty route tier', patch: { 'models.large.route.complex': '' }, errors: ['models.large.route.complex: must not be empty'] },
  { name: 'route tier not a string', patch: { 'models.large.route.complex': 2 }, errors: ['models.large.route.complex: must be a string (got 2)'] },
  { name: 'classify as a string', patch: { 'models.large.classify': 'yes' }, errors: ['models.large.classify: must be true or false (got "yes")'] },
  {
    name: 'allowTierHeader as a number',
    patch: { 'models.large.allowTierHeader': 1 },
    errors: ['models.large.allowTierHeader: must be true or false (got 1)'],
  },
  {
    name: 'a route to a known tier the alias does not list',
    patch: { 'models.small.route.complex': 'large' },
    errors: ['models.small.route.complex: "large" is not one of the alias\'s tiers (small)'],
  },
  {
    name: 'a route to an unknown tier',
    patch: { 'models.large.route.moderate': 'mid' },
    errors: ['models.large.route.moderate: "mid" is not one of the alias\'s tiers (large, small)'],
  },
  {
    name: 'every bad route entry, in the order written',
    patch: { 'models.large.route': { complex: 'x', simple: 'y' } },
    errors: ['models.large.route.complex: "x" is not one of the alias\'s tiers (large, small)', 'models.large.route.simple: "y" is not one of the alias\'s tiers (large, small)'],
  },

  // classification routing: the classifier section
  { name: 'classifier not a mapping', patch: { classifier: 'heuristic' }, errors: ['classifier: must be a mapping (got "heuristic")'] },
  {
    name: 'unknown classifier key',
    patch: { 'classifier.model': 'x' },
    errors: ['classifier.model: unknown key (allowed: mode, learned, floors, heuristic, embeddings, llm)'],
  },
  {
    name: 'unknown classifier mode',
    patch: { 'classifier.mode': 'keywords' },
    errors: ['classifier.mode: must be one of learned, heuristic, embeddings, llm (got "keywords")'],
  },
  {
    name: 'unknown heuristic key',
    patch: { 'classifier.heuristic.threshold': { complexFrom: 3 } },
    errors: ['classifier.heuristic.threshold: unknown key (allowed: weights, thresholds, length, maxTokens, window)'],
  },
  {
    name: 'unknown signal in weights',
    patch: { 'classifier.heuristic.weights.multistep': 2 },
    errors: [
      'classifier.heuristic.weights.multistep: unknown key (allowed: length, sentences, questions, explain, givenText, lists, code, math, multiStep, constraints, creative, longOutput, shortOutput, shortChat, tools, jsonSchema, context)',
    ],
  },
  {
    name: 'signal reason word instead of its weight key',
    patch: { 'classifier.heuristic.weights.multi-step': 2 },
    errors: [
      'classifier.heuristic.weights.multi-step: unknown key (allowed: length, sentences, questions, explain, givenText, lists, code, math, multiStep, constraints, creative, longOutput, shortOutput, shortChat, tools, jsonSchema, context)',
    ],
  },
  {
    name: 'unknown thresholds key',
    patch: { 'classifier.heuristic.thresholds.moderateFrom': 1 },
    errors: ['classifier.heuristic.thresholds.moderateFrom: unknown key (allowed: simpleBelow, complexFrom, effortCap)'],
  },
  {
    name: 'unknown window key',
    patch: { 'classifier.heuristic.window.maxChars': 1 },
    errors: ['classifier.heuristic.window.maxChars: unknown key (allowed: headChars, tailChars, contextChars, contextMessages)'],
  },
  {
    name: 'weight as a string',
    patch: { 'classifier.heuristic.weights.code': 'high' },
    errors: ['classifier.heuristic.weights.code: must be a number (got "high")'],
  },
  {
    name: 'zero length floor',
    patch: { 'classifier.heuristic.length.floorChars': 0 },
    errors: ['classifier.heuristic.length.floorChars: must be an integer of at least 1 (got 0)'],
  },
  {
    name: 'fractional maxTokens',
    patch: { 'classifier.heuristic.maxTokens.short': 64.5 },
    errors: ['classifier.heuristic.maxTokens.short: must be an integer of at least 1 (got 64.5)'],
  },
  {
    name: 'unknown embeddings key',
    patch: { 'classifier.embeddings': { pool: 'sim', model: 'e5', examples: { simple: ['a'], moderate: ['b'], complex: ['c'] } } },
    errors: ['classifier.embeddings.model: unknown key (allowed: pool, timeoutMs, examples)'],
  },
  {
    name: 'embeddings without a pool',
    patch: { 'classifier.embeddings': { examples: { simple: ['a'], moderate: ['b'], complex: ['c'] } } },
    errors: ['classifier.embeddings.pool: required key is missing'],
  },
  {
    name: 'embeddings without examples',
    patch: { 'classifier.embeddings': { pool: 'sim' } },
    errors: ['classifier.embeddings.examples: required key is missing'],
  },
  {
    name: 'examples missing a class',
    patch: { 'classifier.embeddings': { pool: 'sim', examples: { simple: ['a'], complex: ['c'] } } },
    errors: ['classifier.embeddings.examples.moderate: required key is missing'],
  },
  {
    name: 'examples with an empty list',
    patch: { 'classifier.embeddings': { pool: 'sim', examples: { simple: ['a'], moderate: ['b'], complex: [] } } },
    errors: ['classifier.embeddings.examples.complex: must list at least one entry'],
  },
  {
    name: 'examples with an empty prompt',
    patch: { 'classifier.embeddings': { pool: 'sim', examples: { simple: ['a', ''], moderate: ['b'], complex: ['c'] } } },
    errors: ['classifier.embeddings.examples.simple[1]: must not be empty'],
  },
  {
    name: 'examples with an unknown class',
    patch: { 'classifier.embeddings': { pool: 'sim', examples: { simple: ['a'], moderate: ['b'], complex: ['c'], trivial: ['d'] } } },
    errors: ['classifier.embeddings.examples.trivial: unknown key (allowed: simple, moderate, complex)'],
  },
  {
    name: 'a single example instead of a list',
    patch: { 'classifier.embeddings': { pool: 'sim', examples: { simple: 'hi', moderate: ['b'], complex: ['c'] } } },
    errors: ['classifier.embeddings.examples.simple: must be a list (got "hi")'],
  },
  {
    name: 'zero embeddings timeout',
    patch: { 'classifier.embeddings': { pool: 'sim', timeoutMs: 0, examples: { simple: ['a'], moderate: ['b'], complex: ['c'] } } },
    errors: ['classifier.embeddings.timeoutMs: must be an integer from 1 to 2147483647 (got 0)'],
  },
  { name: 'llm without a pool', patch: { 'classifier.llm': { timeoutMs: 100 } }, errors: ['classifier.llm.pool: required key is missing'] },
  {
    name: 'unknown llm key',
    patch: { 'classifier.llm': { pool: 'gpu', prompt: 'x' } },
    errors: ['classifier.llm.prompt: unknown key (allowed: pool, timeoutMs)'],
  },
  {
    name: 'mode embeddings without its section',
    patch: { 'classifier.mode': 'embeddings' },
    errors: ['classifier.embeddings: required when classifier.mode is "embeddings"'],
  },
  {
    name: "mode llm without its section (another mode's section does not count)",
    patch: { classifier: { mode: 'llm', embeddings: { pool: 'sim', examples: { simple: ['a'], moderate: ['b'], complex: ['c'] } } } },
    errors: ['classifier.llm: required when classifier.mode is "llm"'],
  },
  {
    name: 'unknown embeddings pool',
    patch: { 'classifier.embeddings': { pool: 'e5', examples: { simple: ['a'], moderate: ['b'], complex: ['c'] } } },
    errors: ['classifier.embeddings.pool: unknown pool "e5" (known: gpu, llama-70b, openai-fallback, sim)'],
  },
  {
    name: 'unknown llm pool, checked even when another mode is selected',
    patch: { classifier: { mode: 'heuristic', llm: { pool: 'tiny' } } },
    errors: ['classifier.llm.pool: unknown pool "tiny" (known: gpu, llama-70b, openai-fallback, sim)'],
  },
  {
    name: 'simpleBelow above the default complexFrom',
    patch: { 'classifier.heuristic.thresholds.simpleBelow': 3 },
    errors: [
      'classifier.heuristic.thresholds.simpleBelow: must not exceed classifier.heuristic.thresholds.complexFrom (got 3; classifier.heuristic.thresholds.complexFrom is 2.5 by default)',
    ],
  },
  {
    name: 'simpleBelow above the given complexFrom',
    patch: { 'classifier.heuristic.thresholds': { simpleBelow: 2, complexFrom: 1.5 } },
    errors: [
      'classifier.heuristic.thresholds.simpleBelow: must not exceed classifier.heuristic.thresholds.complexFrom (got 2; classifier.heuristic.thresholds.complexFrom is 1.5)',
    ],
  },
  {
    name: 'complexFrom below the default simpleBelow',
    patch: { 'classifier.heuristic.thresholds.complexFrom': 0.5 },
    errors: [
      'classifier.heuristic.thresholds.complexFrom: must not be less than classifier.heuristic.thresholds.simpleBelow (got 0.5; classifier.heuristic.thresholds.simpleBelow is 1 by default)',
    ],
  },

  // ordered settings; the problem is reported at the key the file wrote, naming defaults as such
  {
    name: 'headers timeout above the default body timeout',
    patch: { 'server.headersTimeoutMs': 40000 },
    errors: ['server.headersTimeoutMs: must not exceed server.bodyTimeoutMs (got 40000; server.bodyTimeoutMs is 30000 by default)'],
  },
  {
    name: 'the metrics listener on the API port',
    patch: { server: { port: 9000, metricsPort: 9000 } },
    errors: ['server.metricsPort: must differ from server.port (both are 9000)'],
  },
  {
    name: 'retry backoff base above the default cap',
    patch: { 'retry.backoffBaseMs': 500 },
    errors: ['retry.backoffBaseMs: must not exceed retry.backoffMaxMs (got 500; retry.backoffMaxMs is 250 by default)'],
  },
  {
    name: 'retry backoff base above the given cap',
    patch: { retry: { backoffBaseMs: 300, backoffMaxMs: 200 } },
    errors: ['retry.backoffBaseMs: must not exceed retry.backoffMaxMs (got 300; retry.backoffMaxMs is 200)'],
  },
  {
    name: 'retry backoff cap below the default base',
    patch: { 'retry.backoffMaxMs': 10 },
    errors: ['retry.backoffMaxMs: must not be less than retry.backoffBaseMs (got 10; retry.backoffBaseMs is 25 by default)'],
  },
  {
    name: 'outlier base ejection above the default max',
    patch: { 'pools.gpu.outlier.baseEjectionMs': 400000 },
    errors: ['pools.gpu.outlier.baseEjectionMs: must not exceed pools.gpu.outlier.maxEjectionMs (got 400000; pools.gpu.outlier.maxEjectionMs is 300000 by default)'],
  },
  {
    name: 'outlier base ejection above the given max',
    patch: { 'pools.llama-70b.outlier': { baseEjectionMs: 2000, maxEjectionMs: 1000 } },
    errors: ['pools.llama-70b.outlier.baseEjectionMs: must not exceed pools.llama-70b.outlier.maxEjectionMs (got 2000; pools.llama-70b.outlier.maxEjectionMs is 1000)'],
  },
  {
    name: 'outlier max ejection below the default base',
    patch: { 'pools.gpu.outlier.maxEjectionMs': 5000 },
    errors: ['pools.gpu.outlier.maxEjectionMs: must not be less than pools.gpu.outlier.baseEjectionMs (got 5000; pools.gpu.outlier.baseEjectionMs is 10000 by default)'],
  },
  {
    name: 'health check timeout equal to the vLLM default interval',
    patch: { 'pools.gpu.healthCheck.timeoutMs': 5000 },
    errors: [
      'pools.gpu.healthCheck.timeoutMs: must be less than pools.gpu.healthCheck.intervalMs (got 5000; pools.gpu.healthCheck.intervalMs is 5000 by default for engine "vllm")',
    ],
  },
  {
    name: 'health check timeout equal to the TGI default interval',
    patch: {
      'pools.tgi': { engine: 'tgi', servedModel: 't', healthCheck: { timeoutMs: 15000 }, replicas: [{ url: 'http://gpu-9:8080' }] },
    },
    errors: [
      'pools.tgi.healthCheck.timeoutMs: must be less than pools.tgi.healthCheck.intervalMs (got 15000; pools.tgi.healthCheck.intervalMs is 15000 by default for engine "tgi")',
    ],
  },
  {
    name: 'health check timeout above the given interval',
    patch: { 'pools.sim.healthCheck': { intervalMs: 3000, timeoutMs: 4000 } },
    errors: ['pools.sim.healthCheck.timeoutMs: must be less than pools.sim.healthCheck.intervalMs (got 4000; pools.sim.healthCheck.intervalMs is 3000)'],
  },
  {
    name: 'health check interval below the default timeout',
    patch: { 'pools.gpu.healthCheck.intervalMs': 1000 },
    errors: ['pools.gpu.healthCheck.intervalMs: must be greater than pools.gpu.healthCheck.timeoutMs (got 1000; pools.gpu.healthCheck.timeoutMs is 2000 by default)'],
  },
  {
    name: 'scrapes further apart than they stay fresh',
    patch: { 'pools.gpu.engineMetrics': { intervalMs: 6000 } },
    errors: ['pools.gpu.engineMetrics.intervalMs: must be less than pools.gpu.engineMetrics.staleAfterMs (got 6000; pools.gpu.engineMetrics.staleAfterMs is 5000 by default)'],
  },
  {
    name: 'a staleness bound below the default scrape interval',
    patch: { 'pools.gpu.engineMetrics': { staleAfterMs: 1000 } },
    errors: [
      'pools.gpu.engineMetrics.staleAfterMs: must be greater than pools.gpu.engineMetrics.intervalMs (got 1000; pools.gpu.engineMetrics.intervalMs is 1000 by default for engine "vllm")',
    ],
  },
  {
    name: 'health checks turned on for openai with a timeout too long',
    patch: { 'pools.openai-fallback.healthCheck': { intervalMs: 1000, timeoutMs: 1000 } },
    errors: [
      'pools.openai-fallback.healthCheck.timeoutMs: must be less than pools.openai-fallback.healthCheck.intervalMs (got 1000; pools.openai-fallback.healthCheck.intervalMs is 1000)',
    ],
  },

  // auth: declared keys
  {
    name: 'key id with a space',
    patch: { 'auth.keys': [key({ id: 'alice smith' })] },
    errors: ['auth.keys[0].id: must be 1 to 64 letters, digits, "_" or "-" (got "alice smith")'],
  },
  {
    name: 'key id with a colon (ids name Redis hash tags)',
    patch: { 'auth.keys': [key({ id: 'team:alice' })] },
    errors: ['auth.keys[0].id: must be 1 to 64 letters, digits, "_" or "-" (got "team:alice")'],
  },
  {
    name: 'key id longer than 64',
    patch: { 'auth.keys': [key({ id: 'k'.repeat(65) })] },
    errors: [`auth.keys[0].id: must be 1 to 64 letters, digits, "_" or "-" (got "${'k'.repeat(65)}")`],
  },
  { name: 'empty key id', patch: { 'auth.keys': [key({ id: '' })] }, errors: ['auth.keys[0].id: must be 1 to 64 letters, digits, "_" or "-" (got "")'] },
  { name: 'key without an id', patch: { 'auth.keys': [{ hash: HASH_A }] }, errors: ['auth.keys[0].id: required key is missing'] },
  {
    name: 'hash in uppercase hex',
    patch: { 'auth.keys': [key({ hash: HASH_A.toUpperCase() })] },
    errors: [`auth.keys[0].hash: must be a SHA-256 digest: 64 lowercase hex digits (got "${HASH_A.toUpperCase()}")`],
  },
  {
    name: 'hash of 63 hex digits',
    patch: { 'auth.keys': [key({ hash: HASH_A.slice(1) })] },
    errors: [`auth.keys[0].hash: must be a SHA-256 digest: 64 lowercase hex digits (got "${HASH_A.slice(1)}")`],
  },
  {
    name: 'the secret itself instead of its hash',
    patch: { 'auth.keys': [key({ hash: 'sk-alice-secret' })] },
    errors: ['auth.keys[0].hash: must be a SHA-256 digest: 64 lowercase hex digits (got "sk-alice-secret")'],
  },
  { name: 'key without a hash', patch: { 'auth.keys': [{ id: 'alice' }] }, errors: ['auth.keys[0].hash: required key is missing'] },
  {
    name: 'unknown key inside a declared key',
    patch: { 'auth.keys': [key({ secret: 'sk-alice' })] },
    errors: ['auth.keys[0].secret: unknown key (allowed: id, name, hash, prefix, enabled, models, tiers, maxTokensPerRequest, limits, metadata)'],
  },
  {
    name: 'unknown limits key',
    patch: { 'auth.keys': [key({ limits: { tokensPerHour: 1000 } })] },
    errors: [
      'auth.keys[0].limits.tokensPerHour: unknown key (allowed: tokensPerMinute, tokensPerDay, tokensPerMonth, tokensLifetime, requestsPerMinute, maxConcurrent, usdPerDay, usdPerMonth, usdLifetime)',
    ],
  },
  { name: 'unknown auth key', patch: { 'auth.require': true }, errors: ['auth.require: unknown key (allowed: required, keys)'] },
  {
    name: 'a limit of 0',
    patch: { 'auth.keys': [key({ limits: { tokensPerDay: 0 } })] },
    errors: ['auth.keys[0].limits.tokensPerDay: must be an integer from 1 to 9007199254740991 (got 0)'],
  },
  {
    name: 'a fractional limit',
    patch: { 'auth.keys': [key({ limits: { maxConcurrent: 1.5 } })] },
    errors: ['auth.keys[0].limits.maxConcurrent: must be an integer from 1 to 9007199254740991 (got 1.5)'],
  },
  {
    name: 'a limit as a string',
    patch: { 'auth.keys': [key({ limits: { tokensPerMonth: '1M' } })] },
    errors: ['auth.keys[0].limits.tokensPerMonth: must be an integer from 1 to 9007199254740991 (got "1M")'],
  },
  {
    name: 'maxTokensPerRequest of 0',
    patch: { 'auth.keys': [key({ maxTokensPerRequest: 0 })] },
    errors: ['auth.keys[0].maxTokensPerRequest: must be an integer from 1 to 9007199254740991 (got 0)'],
  },
  {
    name: 'a model listed twice in a key',
    patch: { 'auth.keys': [key({ models: ['small', 'small'] })] },
    errors: ['auth.keys[0].models: "small" is listed twice (entries 0 and 1)'],
  },
  {
    name: 'a metadata value that is not a string',
    patch: { 'auth.keys': [key({ metadata: { cost_center: 42 } })] },
    errors: ['auth.keys[0].metadata.cost_center: must be a string (got 42)'],
  },
  { name: 'auth.required as a string', patch: { 'auth.required': 'yes' }, errors: ['auth.required: must be true or false (got "yes")'] },
  { name: 'keys as a mapping', patch: { 'auth.keys': { alice: HASH_A } }, errors: ['auth.keys: must be a list (got a mapping)'] },

  // budgets
  {
    name: 'unknown budgets key',
    patch: { 'budgets.mode': 'tight' },
    errors: ['budgets.mode: unknown key (allowed: store, redis, budgetMode, onStoreError, degradeAt, maxOutputTokens, imageTokens, audioTokens, topUpTokens, reservationTtlMs)'],
  },
  {
    name: 'unknown budgets.redis key',
    patch: { 'budgets.redis': { url: 'redis://cache:6379', password: 'hunter2' } },
    errors: ['budgets.redis.password: unknown key (allowed: url, urlEnv, cluster, sentinel, tls, usernameEnv, passwordEnv, keyPrefix, commandTimeoutMs)'],
  },
  { name: 'degradeAt 1.5', patch: { 'budgets.degradeAt': 1.5 }, errors: ['budgets.degradeAt: must be a number from 0 to 1 (got 1.5)'] },
  { name: 'negative degradeAt', patch: { 'budgets.degradeAt': -0.1 }, errors: ['budgets.degradeAt: must be a number from 0 to 1 (got -0.1)'] },
  { name: 'degradeAt as a percentage', patch: { 'budgets.degradeAt': '80%' }, errors: ['budgets.degradeAt: must be a number from 0 to 1 (got "80%")'] },
  { name: 'unknown store', patch: { 'budgets.store': 'postgres' }, errors: ['budgets.store: must be one of memory, redis (got "postgres")'] },
  { name: 'unknown budgetMode', patch: { 'budgets.budgetMode': 'loose' }, errors: ['budgets.budgetMode: must be one of strict, tight (got "loose")'] },
  {
    name: 'unknown onStoreError',
    patch: { 'budgets.onStoreError': 'fail-soft' },
    errors: ['budgets.onStoreError: must be one of fail-closed, fail-open (got "fail-soft")'],
  },
  {
    name: 'redis url that is not redis://',
    patch: { 'budgets.redis.url': 'http://cache:6379' },
    errors: ['budgets.redis.url: must be a redis:// or rediss:// URL (got "http://cache:6379")'],
  },
  {
    name: 'redis url without a scheme',
    patch: { budgets: { store: 'redis', redis: { url: 'cache:6379' } } },
    errors: ['budgets.redis.url: must be a redis:// or rediss:// URL (got "cache:6379")'],
  },
  {
    name: 'urlEnv that is not a variable name',
    patch: { 'budgets.redis.urlEnv': 'redis-url' },
    errors: ['budgets.redis.urlEnv: must be an environment variable name such as OPENAI_API_KEY (got "redis-url")'],
  },
  {
    name: 'keyPrefix with a colon',
    patch: { 'budgets.redis': { url: 'redis://cache:6379', keyPrefix: 'sy:prod' } },
    errors: ['budgets.redis.keyPrefix: must be 1 to 32 letters, digits, "_" or "-" (got "sy:prod")'],
  },
  {
    name: 'zero redis command timeout',
    patch: { 'budgets.redis': { url: 'redis://cache:6379', commandTimeoutMs: 0 } },
    errors: ['budgets.redis.commandTimeoutMs: must be an integer from 1 to 2147483647 (got 0)'],
  },
  { name: 'zero maxOutputTokens', patch: { 'budgets.maxOutputTokens': 0 }, errors: ['budgets.maxOutputTokens: must be an integer from 1 to 9007199254740991 (got 0)'] },
  { name: 'zero imageTokens', patch: { 'budgets.imageTokens': 0 }, errors: ['budgets.imageTokens: must be an integer from 1 to 9007199254740991 (got 0)'] },
  { name: 'zero contextLength', patch: { 'pools.gpu.contextLength': 0 }, errors: ['pools.gpu.contextLength: must be an integer of at least 1 (got 0)'] },
  { name: 'zero topUpTokens', patch: { 'budgets.topUpTokens': 0 }, errors: ['budgets.topUpTokens: must be an integer from 1 to 9007199254740991 (got 0)'] },

  // auth and budgets: cross-checks
  {
    name: 'duplicate key id',
    patch: { 'auth.keys': [key(), key({ hash: HASH_B })] },
    errors: ['auth.keys[1].id: duplicate key id "alice" (also auth.keys[0])'],
  },
  {
    name: 'duplicate key hash',
    patch: { 'auth.keys': [key(), key({ id: 'bob' })] },
    errors: ['auth.keys[1].hash: the same secret as auth.keys[0]'],
  },
  {
    name: "a third key repeating the first one's id and hash",
    patch: { 'auth.keys': [key(), key({ id: 'bob', hash: HASH_B }), key()] },
    errors: ['auth.keys[2].id: duplicate key id "alice" (also auth.keys[0])', 'auth.keys[2].hash: the same secret as auth.keys[0]'],
  },
  {
    name: 'unknown model and tier in a key',
    patch: { 'auth.keys': [key({ models: ['small', 'huge'], tiers: ['tiny', 'large'] })] },
    errors: ['auth.keys[0].models[1]: unknown model "huge" (known: small, large)', 'auth.keys[0].tiers[0]: unknown tier "tiny" (known: small, large)'],
  },
  {
    name: 'a pool name where a tier belongs',
    patch: { 'auth.keys': [key({ tiers: ['gpu'] })] },
    errors: ['auth.keys[0].tiers[0]: unknown tier "gpu" (known: small, large)'],
  },
  {
    name: 'store redis without a redis section',
    patch: { 'budgets.store': 'redis' },
    errors: ['budgets.redis: needs url, urlEnv, cluster or sentinel when budgets.store is "redis"'],
  },
  {
    name: 'store redis with redis settings but no url',
    patch: { budgets: { store: 'redis', redis: { keyPrefix: 'sy2' } } },
    errors: ['budgets.redis: needs url, urlEnv, cluster or sentinel when budgets.store is "redis"'],
  },
  {
    name: 'redis url and urlEnv both',
    patch: { budgets: { store: 'redis', redis: { url: 'redis://cache:6379', urlEnv: 'REDIS_URL' } } },
    env: { ...ENV, REDIS_URL: 'redis://cache:6379' },
    errors: ['budgets.redis: give only one of url, urlEnv, cluster and sentinel (got url and urlEnv)'],
  },
  {
    name: 'redis url and urlEnv both, with the memory store',
    patch: { 'budgets.redis': { url: 'redis://cache:6379', urlEnv: 'REDIS_URL' } },
    errors: ['budgets.redis: give only one of url, urlEnv, cluster and sentinel (got url and urlEnv)'],
  },
  {
    name: 'redis urlEnv not set',
    patch: { budgets: { store: 'redis', redis: { urlEnv: 'REDIS_URL' } } },
    errors: ['budgets.redis.urlEnv: environment variable REDIS_URL is not set'],
  },
  {
    name: 'redis urlEnv empty',
    patch: { budgets: { store: 'redis', redis: { urlEnv: 'REDIS_URL' } } },
    env: { ...ENV, REDIS_URL: '' },
    errors: ['budgets.redis.urlEnv: environment variable REDIS_URL is empty'],
  },
  {
    name: 'redis urlEnv holding something else than a URL',
    patch: { budgets: { store: 'redis', redis: { urlEnv: 'REDIS_URL' } } },
    env: { ...ENV, REDIS_URL: 'cache:6379' },
    errors: ['budgets.redis.urlEnv: environment variable REDIS_URL must hold a redis:// or rediss:// URL'],
  },
  {
    name: 'reservationTtlMs equal to the default requestTimeoutMs',
    patch: { 'budgets.reservationTtlMs': 600000 },
    errors: ['budgets.reservationTtlMs: must be greater than server.requestTimeoutMs (got 600000; server.requestTimeoutMs is 600000 by default)'],
  },
  {
    name: 'reservationTtlMs below the given requestTimeoutMs',
    patch: { 'server.requestTimeoutMs': 60000, 'budgets.reservationTtlMs': 30000 },
    errors: ['server.requestTimeoutMs: must be less than budgets.reservationTtlMs (got 60000; budgets.reservationTtlMs is 30000)'],
  },
  {
    name: 'reservationTtlMs equal to the given requestTimeoutMs',
    patch: { 'server.requestTimeoutMs': 60000, 'budgets.reservationTtlMs': 60000 },
    errors: ['server.requestTimeoutMs: must be less than budgets.reservationTtlMs (got 60000; budgets.reservationTtlMs is 60000)'],
  },
];

t.test('the default reservationTtlMs outlives a long request deadline', async (t) => {
  for (const [requestTimeoutMs, expected] of [
    [600_000, 900_000],
    [900_000, 960_000],
    [1_800_000, 1_860_000],
  ] as const) {
    const result = parseConfigObject(patch(base(), { 'server.requestTimeoutMs': requestTimeoutMs }), { env: ENV });
    t.equal(result.ok ? result.config.budgets.reservationTtlMs : null, expected, `requestTimeoutMs ${requestTimeoutMs}`);
  }
});

t.test('each problem gives its exact message', async (t) => {
  t.ok(parseConfigObject(base(), { env: ENV }).ok, 'the base config is valid');
  for (const c of cases) {
    const result = parseConfigObject(patch(base(), c.patch), { env: c.env ?? ENV });
    t.same(errorsOf(result), c.errors, c.name);
    t.equal(result.ok, false, `${c.name}: not ok`);
  }
});

t.test('ordered settings at their limits, and health checks that are off, are valid', async (t) => {
  const valid: { name: string; patch: Record<string, unknown> }[] = [
    { name: 'backoff base equal to the cap', patch: { retry: { backoffBaseMs: 100, backoffMaxMs: 100 } } },
    { name: 'no backoff at all', patch: { retry: { backoffBaseMs: 0, backoffMaxMs: 0 } } },
    { name: 'base ejection equal to the max', patch: { 'pools.gpu.outlier': { baseEjectionMs: 5000, maxEjectionMs: 5000 } } },
    { name: 'health check timeout just below the interval', patch: { 'pools.gpu.healthCheck': { intervalMs: 2001 } } },
    { name: 'a long timeout with checks off', patch: { 'pools.gpu.healthCheck': { intervalMs: 0, timeoutMs: 60000 } } },
    // openai: checks are off by default, so the default timeout is never compared to the 0 interval.
    { name: 'openai with a long health timeout and default (off) checks', patch: { 'pools.openai-fallback.healthCheck.timeoutMs': 60000 } },
    { name: 'openai with active health checks', patch: { 'pools.openai-fallback.healthCheck.intervalMs': 30000 } },
    { name: 'openai with metrics scraping', patch: { 'pools.openai-fallback.engineMetrics.intervalMs': 1000 } },
    { name: 'simpleBelow equal to complexFrom (no moderate class)', patch: { 'classifier.heuristic.thresholds': { simpleBelow: 2, complexFrom: 2 } } },
    { name: 'negative thresholds in order', patch: { 'classifier.heuristic.thresholds': { simpleBelow: -2, complexFrom: -1 } } },
    { name: 'a route naming every tier of the alias', patch: { 'models.large.route': { simple: 'small', moderate: 'large', complex: 'large' } } },
    { name: 'degradeAt: null', patch: { 'budgets.degradeAt': null } },
    { name: 'reservationTtlMs one above the default requestTimeoutMs', patch: { 'budgets.reservationTtlMs': 600001 } },
    { name: 'requestTimeoutMs one below the default reservationTtlMs', patch: { 'server.requestTimeoutMs': 899999 } },
    { name: 'a long requestTimeoutMs with a longer reservationTtlMs', patch: { 'server.requestTimeoutMs': 1800000, 'budgets.reservationTtlMs': 3600000 } },
    { name: 'store redis with a url', patch: { budgets: { store: 'redis', redis: { url: 'redis://cache:6379/0' } } } },
    { name: 'store redis with a TLS url', patch: { budgets: { store: 'redis', redis: { url: 'rediss://cache:6380' } } } },
    // The memory store never connects, so the variable is only required once the store is redis.
    { name: 'an unset urlEnv with the memory store', patch: { 'budgets.redis.urlEnv': 'REDIS_URL' } },
    {
      name: 'two keys restricted to real aliases and tiers',
      patch: { 'auth.keys': [key({ models: ['small', 'large'], tiers: ['large'] }), key({ id: 'bob', hash: HASH_B, models: ['large'] })] },
    },
    { name: 'the same name on two keys (only ids and hashes are unique)', patch: { 'auth.keys': [key({ name: 'Ops' }), key({ id: 'bob', hash: HASH_B, name: 'Ops' })] } },
    { name: 'a key id of 64 characters', patch: { 'auth.keys': [key({ id: 'K'.repeat(64) })] } },
  ];
  for (const v of valid) t.same(errorsOf(parseConfigObject(patch(base(), v.patch), { env: ENV })), [], v.name);

  const openai = configOf(
    parseConfigObject(patch(base(), { 'pools.openai-fallback.healthCheck.intervalMs': 30000, 'pools.openai-fallback.engineMetrics.intervalMs': 1000 }), { env: ENV }),
  ).pools['openai-fallback'];
  t.same(openai?.healthCheck, { intervalMs: 30000, timeoutMs: 2000, unhealthyAfter: 2, healthyAfter: 2, path: '/v1/models' });
  t.same(openai?.engineMetrics, { intervalMs: 1000, timeoutMs: 1000, staleAfterMs: 5000 });
});

t.test('several structural problems are all reported', async (t) => {
  const raw = patch(base(), {
    'server.port': '80a',
    'server.hots': 'x',
    'logging.level': 'loud',
    'models.small.tiers': [],
    'pools.gpu.engine': DELETE,
    'pools.gpu.replicas.0.weight': -1,
  });
  t.same(errorsOf(parseConfigObject(raw, { env: ENV })), [
    'server.hots: unknown key (allowed: host, port, maxBodyBytes, requestTimeoutMs, shutdownGraceMs, headersTimeoutMs, bodyTimeoutMs, maxHeaderBytes, maxConnections, metricsPort, metricsHost)',
    'server.port: must be an integer from 0 to 65535 (got "80a")',
    'logging.level: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    'models.small.tiers: must list at least one tier',
    'pools.gpu.engine: required key is missing',
    'pools.gpu.replicas[0].weight: must be a number greater than 0 (got -1)',
  ]);
});

t.test('several cross-check problems are all reported', async (t) => {
  const raw = patch(base(), {
    'models.small.tiers': ['tiny'],
    'tiers.small.pools': ['gpu', 'cpu'],
    'tiers.small.spillTo': 'large',
    'pools.gpu.replicas.0.url': 'http://gpu-0:8000/v1',
    'pools.gpu.sim': { faults: { hang: true } },
    'pools.gpu.outlier': { baseEjectionMs: 20000, maxEjectionMs: 10000 },
    'pools.gpu.healthCheck.timeoutMs': 9000,
    'pools.llama-70b.healthCheck.intervalMs': 500,
    'pools.sim.replicas': [{ name: 'gpu-0' }],
    'pools.sim.outlier.maxEjectionMs': 1,
    retry: { backoffBaseMs: 1000, backoffMaxMs: 100 },
    'models.large.route.complex': 'tiny',
    classifier: { mode: 'embeddings', llm: { pool: 'cpu' }, heuristic: { thresholds: { simpleBelow: 9 } } },
  });
  t.same(errorsOf(parseConfigObject(raw, { env: {} })), [
    'retry.backoffBaseMs: must not exceed retry.backoffMaxMs (got 1000; retry.backoffMaxMs is 100)',
    'models.small.tiers[0]: unknown tier "tiny" (known: small, large)',
    'models.large.route.complex: "tiny" is not one of the alias\'s tiers (large, small)',
    'classifier.embeddings: required when classifier.mode is "embeddings"',
    'classifier.llm.pool: unknown pool "cpu" (known: gpu, llama-70b, openai-fallback, sim)',
    'classifier.heuristic.thresholds.simpleBelow: must not exceed classifier.heuristic.thresholds.complexFrom (got 9; classifier.heuristic.thresholds.complexFrom is 2.5 by default)',
    'tiers.small.pools[1]: unknown pool "cpu" (known: gpu, llama-70b, openai-fallback, sim)',
    'tiers.small.spillTo: spill cycle small → large → small',
    'pools.gpu.sim: only valid when engine is "sim"',
    'pools.gpu.outlier.baseEjectionMs: must not exceed pools.gpu.outlier.maxEjectionMs (got 20000; pools.gpu.outlier.maxEjectionMs is 10000)',
    'pools.gpu.healthCheck.timeoutMs: must be less than pools.gpu.healthCheck.intervalMs (got 9000; pools.gpu.healthCheck.intervalMs is 5000 by default for engine "vllm")',
    'pools.gpu.replicas[0].url: must be an origin like http://host:port without a path (got "http://gpu-0:8000/v1"); the router adds /v1/...',
    'pools.llama-70b.healthCheck.intervalMs: must be greater than pools.llama-70b.healthCheck.timeoutMs (got 500; pools.llama-70b.healthCheck.timeoutMs is 2000 by default)',
    'pools.openai-fallback.apiKeyEnv: environment variable OPENAI_API_KEY is not set',
    'pools.sim.outlier.maxEjectionMs: must not be less than pools.sim.outlier.baseEjectionMs (got 1; pools.sim.outlier.baseEjectionMs is 10000 by default)',
    'pools.sim.replicas[0].name: duplicate replica name "gpu-0", also used by pools.gpu.replicas[0]; replica names must be unique across the config',
  ]);
});

t.test('auth and budgets: several cross-check problems are all reported, in order', async (t) => {
  const raw = patch(base(), {
    'server.requestTimeoutMs': 900000,
    'auth.keys': [key({ models: ['huge'] }), key({ tiers: ['tiny'] })],
    budgets: { store: 'redis', redis: { urlEnv: 'REDIS_URL', url: 'redis://cache:6379' }, reservationTtlMs: 900000 },
    'tiers.small.spillTo': 'smal',
  });
  t.same(errorsOf(parseConfigObject(raw, { env: ENV })), [
    'auth.keys[0].models[0]: unknown model "huge" (known: small, large)',
    'auth.keys[1].id: duplicate key id "alice" (also auth.keys[0])',
    'auth.keys[1].hash: the same secret as auth.keys[0]',
    'auth.keys[1].tiers[0]: unknown tier "tiny" (known: small, large)',
    'budgets.redis: give only one of url, urlEnv, cluster and sentinel (got url and urlEnv)',
    'budgets.redis.urlEnv: environment variable REDIS_URL is not set',
    'server.requestTimeoutMs: must be less than budgets.reservationTtlMs (got 900000; budgets.reservationTtlMs is 900000)',
    'tiers.small.spillTo: unknown tier "smal" (known: small, large)',
  ]);
  // Schema problems in the new sections come first, alone.
  const structural = patch(base(), { 'auth.keys': [key({ id: 'a b', models: ['huge'] })], 'budgets.store': 'redis', 'budgets.degradeAt': 2 });
  t.same(errorsOf(parseConfigObject(structural, { env: ENV })), [
    'auth.keys[0].id: must be 1 to 64 letters, digits, "_" or "-" (got "a b")',
    'budgets.degradeAt: must be a number from 0 to 1 (got 2)',
  ]);
});

t.test('structural problems come first: cross-checks need a valid shape', async (t) => {
  const raw = patch(base(), { 'server.port': -1, 'tiers.large.spillTo': 'smal' });
  t.same(errorsOf(parseConfigObject(raw, { env: ENV })), ['server.port: must be an integer from 0 to 65535 (got -1)']);
  const classifier = patch(base(), { 'classifier.mode': 'llm', 'classifier.heuristic.weights.cod': 1, 'models.large.route.complex': 'x' });
  t.same(errorsOf(parseConfigObject(classifier, { env: ENV })), [
    'classifier.heuristic.weights.cod: unknown key (allowed: length, sentences, questions, explain, givenText, lists, code, math, multiStep, constraints, creative, longOutput, shortOutput, shortChat, tools, jsonSchema, context)',
  ]);
});

t.test('keys that are not plain words are quoted in paths', async (t) => {
  const raw = patch(base(), {});
  (raw.models as Record<string, unknown>)['gpt-4.1'] = { tiers: ['small'], temperature: 1 };
  (raw.models as Record<string, unknown>)['a/b'] = { tiers: ['nope'] };
  t.same(errorsOf(parseConfigObject(raw, { env: ENV })), [
    'models["gpt-4.1"].temperature: unknown key (allowed: tiers, classify, route, allowTierHeader, description, cache, anthropicModels)',
  ]);
  delete (raw.models as Record<string, unknown>)['gpt-4.1'];
  t.same(errorsOf(parseConfigObject(raw, { env: ENV })), ['models["a/b"].tiers[0]: unknown tier "nope" (known: small, large)']);
});

t.test('process.env is the default environment', async (t) => {
  const saved = process.env.SWITCHYARD_TEST_KEY;
  const raw = patch(base(), { 'pools.openai-fallback.apiKeyEnv': 'SWITCHYARD_TEST_KEY' });
  delete process.env.SWITCHYARD_TEST_KEY;
  t.teardown(() => {
    if (saved === undefined) delete process.env.SWITCHYARD_TEST_KEY;
    else process.env.SWITCHYARD_TEST_KEY = saved;
  });
  t.same(errorsOf(parseConfigObject(raw)), ['pools.openai-fallback.apiKeyEnv: environment variable SWITCHYARD_TEST_KEY is not set']);
  process.env.SWITCHYARD_TEST_KEY = 'k';
  t.ok(parseConfigObject(raw).ok);
});

// ---- YAML text and files ----

const VALID_YAML = `
models:
  chat: { tiers: [small] }
tiers:
  small: { pools: [gpu] }
pools:
  gpu:
    engine: vllm
    servedModel: m
    replicas: [ { url: "http://gpu-0:8000" } ]
`;

t.test('YAML text', async (t) => {
  const yamlCases: { name: string; text: string; source?: string; errors: string[] }[] = [
    {
      name: 'syntax error with line and column',
      text: 'models:\n  chat: { tiers: [small] }\n tiers: {}\n',
      source: 'router.yaml',
      errors: ['router.yaml: line 3, column 1: All mapping items must start at the same column'],
    },
    {
      name: 'unclosed flow sequence',
      text: 'models:\n  chat: { tiers: [small }\n',
      source: 'conf/r.yaml',
      errors: [
        'conf/r.yaml: line 2, column 25: Flow sequence in block collection must be sufficiently indented and end with a ]',
        'conf/r.yaml: line 2, column 26: Flow map in block collection must be sufficiently indented and end with a }',
      ],
    },
    {
      name: 'duplicate keys',
      text: 'models: {}\ntiers: {}\nmodels: {}\n',
      errors: ['router.yaml: line 3, column 1: Map keys must be unique'],
    },
    {
      name: 'unknown tag',
      text: 'models: !secret x\n',
      errors: ['router.yaml: line 1, column 9: Unresolved tag: !secret'],
    },
    { name: 'empty file', text: '', errors: ['router.yaml: the file is empty; expected a mapping with models, tiers and pools'] },
    { name: 'only comments', text: '# nothing\n\n', errors: ['router.yaml: the file is empty; expected a mapping with models, tiers and pools'] },
    {
      name: 'top level is a list',
      text: '- models\n',
      errors: ['router.yaml: the top level must be a mapping with models, tiers and pools (got a list)'],
    },
    {
      name: 'top level is a scalar',
      text: 'hello\n',
      source: 'x.yaml',
      errors: ['x.yaml: the top level must be a mapping with models, tiers and pools (got "hello")'],
    },
    {
      name: 'unresolved alias',
      text: 'models: *m\ntiers: &m {}\n',
      errors: ['router.yaml: line 1, column 9: unknown alias *m'],
    },
    {
      name: 'schema errors after parsing',
      text: VALID_YAML.replace('servedModel: m', 'servedModel: m\n    maxConnections: lots'),
      errors: ['pools.gpu.maxConnections: must be an integer of at least 1 (got "lots")'],
    },
  ];
  for (const c of yamlCases) {
    const options = c.source === undefined ? { env: {} } : { env: {}, source: c.source };
    t.same(errorsOf(loadConfigText(c.text, options)), c.errors, c.name);
  }
  const config = configOf(loadConfigText(VALID_YAML, { env: {} }));
  t.equal(config.pools.gpu?.replicas[0]?.name, 'gpu-0');
  t.ok(Object.isFrozen(config.pools.gpu?.replicas[0]));
});

t.test('YAML anchors work; YAML 1.2 keeps yes/no as strings', async (t) => {
  const text = `
x-replica: &replica { weight: 3 }
models: { chat: { tiers: [small], description: yes } }
tiers: { small: { pools: [gpu] } }
pools:
  gpu: { engine: sim, servedModel: m, replicas: [ *replica ] }
`;
  // The anchor holder is an unknown key: the config has no place for shared snippets yet.
  t.same(errorsOf(loadConfigText(text, { env: {} })), [
    'x-replica: unknown key (allowed: server, logging, retry, classifier, auth, budgets, cache, idempotency, responses, defaultModel, models, tiers, pools)',
  ]);
  const config = configOf(loadConfigText(text.replace('x-replica: &replica { weight: 3 }\n', '').replace('*replica', '&r { weight: 3 }'), { env: {} }));
  t.equal(config.pools.gpu?.replicas[0]?.weight, 3);
  t.equal(config.models.chat?.description, 'yes');
});

t.test('loadConfigFile', async (t) => {
  const dir = t.testdir({
    'good.yaml': VALID_YAML,
    'bad.yaml': 'models: [\n',
  });
  const good = configOf(await loadConfigFile(`${dir}/good.yaml`, { env: {} }));
  t.equal(good.pools.gpu?.replicas[0]?.url, 'http://gpu-0:8000');
  const bad = errorsOf(await loadConfigFile(`${dir}/bad.yaml`, { env: {} }));
  t.ok(bad.length > 0 && bad.every((e) => e.startsWith(`${dir}/bad.yaml: line `)), 'YAML errors name the file');
  t.same(errorsOf(await loadConfigFile(`${dir}/missing.yaml`)), [`${dir}/missing.yaml: cannot read file (ENOENT)`]);
  t.same(errorsOf(await loadConfigFile(dir)), [`${dir}: cannot read file (EISDIR)`]);
});
