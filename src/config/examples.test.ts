import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { DEFAULT_FLOORS } from '../classify/floors.js';
import { DEFAULT_MODEL_FILE } from '../classify/learned/model-file.js';
import { DEFAULT_HEURISTIC_SETTINGS } from '../classify/settings.js';
import { DEFAULTS } from './defaults.js';
import { loadConfigFile, loadConfigText } from './load.js';

const EXAMPLES = fileURLToPath(new URL('../../config/examples/', import.meta.url));
/** The environment variables the examples name in apiKeyEnv and budgets.redis.urlEnv. */
const ENV = { OPENAI_API_KEY: 'sk-example', REDIS_URL: 'redis://localhost:6379/0' };

const files = readdirSync(EXAMPLES).filter((name) => name.endsWith('.yaml'));

t.test('every example loads', async (t) => {
  t.ok(files.includes('vllm-tgi-openai.yaml'), 'the vLLM + TGI + OpenAI example exists');
  t.ok(files.includes('classify.yaml'), 'the classification example exists');
  t.ok(files.includes('keys-and-budgets.yaml'), 'the keys and budgets example exists');
  for (const name of files) {
    const result = await loadConfigFile(`${EXAMPLES}${name}`, { env: ENV });
    t.same(result.ok ? [] : result.errors, [], name);
  }
});

t.test('vllm-tgi-openai.yaml shows each engine and a named API key', async (t) => {
  const result = await loadConfigFile(`${EXAMPLES}vllm-tgi-openai.yaml`, { env: ENV });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const pools = Object.values(result.config.pools);
  t.same(new Set(pools.map((p) => p.engine)), new Set(['vllm', 'tgi', 'openai']));
  t.ok(pools.some((p) => p.engine === 'openai' && p.apiKeyEnv === 'OPENAI_API_KEY'));
  const missing = await loadConfigFile(`${EXAMPLES}vllm-tgi-openai.yaml`, { env: {} });
  t.same(missing.ok ? [] : missing.errors, ['pools.openai-fallback.apiKeyEnv: environment variable OPENAI_API_KEY is not set']);
});

t.test('vllm-tgi-openai.yaml shows balancing, health checks, outlier ejection and retries', async (t) => {
  const result = await loadConfigFile(`${EXAMPLES}vllm-tgi-openai.yaml`, { env: ENV });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const { pools, retry } = result.config;
  t.same(retry, { maxAttempts: 3, budgetPercent: 20, minRetriesPerSecond: 5, backoffBaseMs: 25, backoffMaxMs: 250 });
  t.same([pools['llama-70b']?.balance, pools['llama-70b']?.maxInFlight, pools['llama-70b']?.maxEngineQueue], ['load-aware', 128, 4]);
  t.same(pools['llama-70b']?.outlier, { consecutiveFailures: 3, baseEjectionMs: 10000, maxEjectionMs: 120000, maxEjectedPercent: 50 });
  t.same([pools['llama-8b']?.balance, pools['llama-8b']?.maxEngineQueue], ['least-in-flight', 16]);
  t.same(pools['llama-8b']?.healthCheck, { intervalMs: 20000, timeoutMs: 5000, unhealthyAfter: 3, healthyAfter: 2, path: '/health' }, 'a gentler TGI health check');
  t.same(pools['openai-fallback']?.healthCheck.intervalMs, 0, 'no active checks on the hosted API');
  t.same(pools['openai-fallback']?.engineMetrics.intervalMs, 0, 'no metrics scraping on the hosted API');
});

t.test('classify.yaml shows a classified alias, an explicit route, the tier header and the classifier', async (t) => {
  const result = await loadConfigFile(`${EXAMPLES}classify.yaml`, { env: {} });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const { models, classifier } = result.config;
  t.same(models.auto, {
    tiers: ['small', 'medium', 'large'],
    classify: true,
    route: { simple: 'small', moderate: 'small', complex: 'large' },
    allowTierHeader: true,
    description: 'Classified per request',
  });
  t.same(models.small, { tiers: ['small'], classify: false, route: { simple: 'small', moderate: 'small', complex: 'small' }, allowTierHeader: false });
  t.same(models.large, { tiers: ['large'], classify: false, route: { simple: 'large', moderate: 'large', complex: 'large' }, allowTierHeader: false });
  t.same(classifier, {
    mode: 'learned',
    heuristic: { ...DEFAULT_HEURISTIC_SETTINGS, thresholds: { ...DEFAULT_HEURISTIC_SETTINGS.thresholds, complexFrom: 3 } },
    learned: { weights: DEFAULT_MODEL_FILE, complexFrom: 0.4, simpleFrom: DEFAULTS.classifier.learned.simpleFrom, heuristicWeight: DEFAULTS.classifier.learned.heuristicWeight },
    floors: { ...DEFAULT_FLOORS, tools: 'moderate', longContextTokens: 16384 },
  });
  t.notOk('embeddings' in classifier || 'llm' in classifier, 'the alternatives are commented out');
});

/** The example with the commented-out `key:` block of the classifier uncommented and `mode` set to it. */
function withAlternative(text: string, key: 'embeddings' | 'llm'): string {
  const lines = text.split('\n');
  const start = lines.indexOf(`  # ${key}:`);
  if (start < 0) throw new Error(`no commented-out ${key} block`);
  let end = start + 1;
  while (lines[end]?.startsWith('  #   ')) end += 1;
  const block = lines.slice(start, end).map((line) => line.replace(/^ {2}# /, '  '));
  return [...lines.slice(0, start), ...block, ...lines.slice(end)].join('\n').replace('  mode: learned ', `  mode: ${key} `);
}

t.test('classify.yaml: the commented-out alternatives load once uncommented', async (t) => {
  const text = readFileSync(`${EXAMPLES}classify.yaml`, 'utf8');
  const embeddings = loadConfigText(withAlternative(text, 'embeddings'), { env: {} });
  if (!embeddings.ok) throw new Error(embeddings.errors.join('\n'));
  t.equal(embeddings.config.classifier.mode, 'embeddings');
  t.same(embeddings.config.classifier.embeddings, {
    pool: 'sim-small',
    timeoutMs: 300,
    examples: {
      simple: ['hi!', 'What is the capital of France?'],
      moderate: ['Summarise this article in five bullet points.', 'Explain how HTTPS works.'],
      complex: ['Design a sharded rate limiter and prove it never over-admits.', 'Refactor this module to async and add tests.'],
    },
  });
  const llm = loadConfigText(withAlternative(text, 'llm'), { env: {} });
  if (!llm.ok) throw new Error(llm.errors.join('\n'));
  t.equal(llm.config.classifier.mode, 'llm');
  t.same(llm.config.classifier.llm, { pool: 'sim-small', timeoutMs: 1500 });
  t.equal(llm.config.classifier.heuristic.thresholds.complexFrom, 3, 'the heuristic override stays for the fallback');
});

t.test('keys-and-budgets.yaml shows required keys, a limited and an unlimited key, and Redis budgets', async (t) => {
  const result = await loadConfigFile(`${EXAMPLES}keys-and-budgets.yaml`, { env: ENV });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const { auth, budgets, models } = result.config;
  t.same(auth, {
    required: true,
    keys: [
      {
        id: 'alice',
        name: 'Alice (support team)',
        hash: 'e8a80ed7d49482e466adbf20e69d654ea3c00f187d7901621ee352b9a9f6a5da',
        prefix: 'sy-demo-alice',
        enabled: true,
        models: ['chat'],
        tiers: ['small', 'medium'],
        maxTokensPerRequest: 2048,
        limits: {
          tokensPerMinute: 20000,
          tokensPerDay: 500000,
          tokensPerMonth: 10000000,
          tokensLifetime: null,
          requestsPerMinute: 60,
          maxConcurrent: 4,
          usdPerDay: null,
          usdPerMonth: null,
          usdLifetime: null,
        },
        metadata: { team: 'support' },
      },
      {
        id: 'batch-pipeline',
        name: 'batch-pipeline',
        hash: '8509e599573e781abd1a5ae85c680bb4e94edeb9255ffd7257a9ad286ee7504a',
        prefix: '',
        enabled: true,
        models: null,
        tiers: null,
        maxTokensPerRequest: null,
        limits: {
          tokensPerMinute: null,
          tokensPerDay: null,
          tokensPerMonth: null,
          tokensLifetime: null,
          requestsPerMinute: null,
          maxConcurrent: null,
          usdPerDay: null,
          usdPerMonth: null,
          usdLifetime: null,
        },
        metadata: { owner: 'data-eng' },
      },
    ],
  });
  t.same(budgets, {
    store: 'redis',
    redis: { urlEnv: 'REDIS_URL', keyPrefix: 'sy', commandTimeoutMs: 1000 },
    budgetMode: 'strict',
    onStoreError: 'fail-closed',
    degradeAt: 0.8,
    maxOutputTokens: 4096,
    imageTokens: 16384,
    audioTokens: 1500,
    topUpTokens: 256,
    reservationTtlMs: 900000,
  });
  t.notOk('url' in (budgets.redis ?? {}), 'the URL comes from the environment, not the file');
  t.equal(models.chat?.classify, true, 'degradeAt has classified requests to act on');

  // The comment names the made-up secrets and how to hash them: the hashes must match.
  const text = readFileSync(`${EXAMPLES}keys-and-budgets.yaml`, 'utf8');
  t.match(text, 'printf %s "$SECRET" | sha256sum');
  const sha256 = (secret: string) => createHash('sha256').update(secret).digest('hex');
  const secrets = ['sy-demo-alice-7Qm2xV9pK4', 'sy-demo-batch-Lk4rT8wzN3'];
  for (const secret of secrets) t.ok(text.includes(secret), `the comment names ${secret}`);
  t.same(
    secrets.map(sha256),
    auth.keys.map((key) => key.hash),
    'each hash is the SHA-256 of the secret the comment names',
  );
  t.ok(secrets[0]?.startsWith(auth.keys[0]?.prefix ?? '-'), 'the prefix is the start of the secret');

  const missing = await loadConfigFile(`${EXAMPLES}keys-and-budgets.yaml`, { env: {} });
  t.same(missing.ok ? [] : missing.errors, ['budgets.redis.urlEnv: environment variable REDIS_URL is not set']);
});
