import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import type { EngineMetricsConfig } from '../config/types.js';
import { EngineMetricsScraper, freshLoad, readEngineLoad } from './engine-metrics.js';
import { ENGINES, type Engine, type LoadMetricNames } from './engines.js';
import { Replica, type EngineLoad } from './replica.js';

function namesOf(engine: Engine): LoadMetricNames {
  if (engine.loadMetrics === null) throw new Error(`${engine.name} has no load metrics`);
  return engine.loadMetrics;
}
const VLLM = namesOf(ENGINES.vllm);
const TGI = namesOf(ENGINES.tgi);
const MODEL = 'model_name="meta-llama/Llama-3.1-8B-Instruct"';

/** What a vLLM V1 server prints, trimmed: one series per engine index, histograms around the gauges. */
const vllmText = (kvName: string, extraKv = '') => `# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",${MODEL}} 3.0
vllm:num_requests_running{engine="1",${MODEL}} 2.0
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",${MODEL}} 1.0
vllm:num_requests_waiting{engine="1",${MODEL}} 4.0
# HELP ${kvName} KV-cache usage. 1 means 100 percent usage.
# TYPE ${kvName} gauge
${kvName}{engine="0",${MODEL}} 0.25
${kvName}{engine="1",${MODEL}} 6.5e-01
${extraKv}# HELP vllm:request_queue_time_seconds Histogram of time spent in WAITING phase for request.
# TYPE vllm:request_queue_time_seconds histogram
vllm:request_queue_time_seconds_bucket{engine="0",le="0.3",${MODEL}} 12.0
vllm:request_queue_time_seconds_count{engine="0",${MODEL}} 12.0
vllm:num_preemptions_total{engine="0",${MODEL}} 0.0
`;

const TGI_TEXT = `# TYPE tgi_queue_size gauge
tgi_queue_size 4
# TYPE tgi_batch_current_size gauge
tgi_batch_current_size 8
# TYPE tgi_batch_current_max_tokens gauge
tgi_batch_current_max_tokens 5120
`;

t.test('readEngineLoad', async (t) => {
  const cases: [what: string, text: string, names: LoadMetricNames, expected: Omit<EngineLoad, 'scrapedAt'> | null][] = [
    ['vLLM V1: series summed, fullest KV cache', vllmText('vllm:kv_cache_usage_perc'), VLLM, { waiting: 5, running: 5, kvCacheUse: 0.65 }],
    ['vLLM V0: only the old KV name', vllmText('vllm:gpu_cache_usage_perc'), VLLM, { waiting: 5, running: 5, kvCacheUse: 0.65 }],
    ['both KV names: the new one wins', vllmText('vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc{engine="0"} 0.99\n'), VLLM, { waiting: 5, running: 5, kvCacheUse: 0.65 }],
    ['TGI: no KV gauge', TGI_TEXT, TGI, { waiting: 4, running: 8, kvCacheUse: null }],
    ['waiting only', 'vllm:num_requests_waiting 2', VLLM, { waiting: 2, running: 0, kvCacheUse: null }],
    ['KV use out of range is clamped', 'vllm:num_requests_running 1\nvllm:kv_cache_usage_perc 1.2', VLLM, { waiting: 0, running: 1, kvCacheUse: 1 }],
    [
      'garbage lines around the samples',
      'not prometheus at all\n{}}\nvllm:num_requests_waiting{ 3\nvllm:num_requests_running 2\n\n',
      VLLM,
      { waiting: 0, running: 2, kvCacheUse: null },
    ],
    ['only KV use: no load', 'vllm:kv_cache_usage_perc 0.5', VLLM, null],
    ["another engine's page", TGI_TEXT, VLLM, null],
    ['empty page', '', VLLM, null],
  ];
  for (const [what, text, names, expected] of cases) {
    t.same(readEngineLoad(text, names, 42), expected === null ? null : { ...expected, scrapedAt: 42 }, what);
  }
});

t.test('freshLoad: unknown without a sample or when older than staleAfterMs', async (t) => {
  const load: EngineLoad = { waiting: 1, running: 2, kvCacheUse: null, scrapedAt: 10_000 };
  const cases: [what: string, sample: EngineLoad | null, now: number, fresh: boolean][] = [
    ['no sample yet', null, 10_000, false],
    ['just scraped', load, 10_000, true],
    ['exactly staleAfterMs old', load, 15_000, true],
    ['older', load, 15_001, false],
  ];
  for (const [what, sample, now, fresh] of cases) {
    t.equal(freshLoad({ engineLoad: sample }, now, 5_000), fresh ? sample : null, what);
  }
});

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A loopback engine serving whatever status and body the test sets. */
async function engineServer(t: Teardown) {
  const state = { status: 200, body: '', requests: [] as IncomingMessage[], url: '' };
  const server = createServer((req, res) => {
    state.requests.push(req);
    res.writeHead(state.status, { 'content-type': 'text/plain; version=0.0.4' }).end(state.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

function replica(t: Teardown, url: string, engine: Engine = ENGINES.vllm): Replica {
  const r = new Replica({ name: 'r0', poolName: 'p', url, weight: 1, engine, authorization: null, connectTimeoutMs: 1_000, maxConnections: 2 });
  t.teardown(() => r.destroy());
  return r;
}

const CONFIG: EngineMetricsConfig = { intervalMs: 0, timeoutMs: 2_000, staleAfterMs: 5_000 };

t.test('scrapeOnce stores the sample; a failed scrape keeps the old one until it goes stale', async (t) => {
  const server = await engineServer(t);
  const r = replica(t, server.url);
  const clock = { now: 1_000 };
  const scrapes: [EngineLoad | null, string | undefined][] = [];
  const scraper = new EngineMetricsScraper([r], CONFIG, { onScrape: (_r, load, error) => scrapes.push([load, error]) }, () => clock.now);

  server.body = vllmText('vllm:kv_cache_usage_perc');
  await scraper.scrapeOnce();
  const first = { waiting: 5, running: 5, kvCacheUse: 0.65, scrapedAt: 1_000 };
  t.same(r.engineLoad, first);
  t.equal(server.requests[0]?.url, '/metrics');

  clock.now = 2_000;
  server.status = 500;
  await scraper.scrapeOnce();
  t.same(r.engineLoad, first, 'an error status keeps the old sample');
  server.status = 200;
  server.body = '# nothing here\n';
  await scraper.scrapeOnce();
  t.same(r.engineLoad, first, 'a page without load metrics keeps it too');
  t.same(scrapes, [
    [first, undefined],
    [null, 'status 500'],
    [null, 'no load metrics in the response'],
  ]);

  t.same(freshLoad(r, 6_000, CONFIG.staleAfterMs), first);
  t.equal(freshLoad(r, 6_001, CONFIG.staleAfterMs), null, 'stale: unknown');

  clock.now = 7_000;
  server.body = TGI_TEXT + 'vllm:num_requests_waiting 9\n';
  await scraper.scrapeOnce();
  t.same(freshLoad(r, 7_000, CONFIG.staleAfterMs), { waiting: 9, running: 0, kvCacheUse: null, scrapedAt: 7_000 });
});

t.test('replicas of engines without load metrics are never scraped', async (t) => {
  const server = await engineServer(t);
  const hosted = replica(t, server.url, ENGINES.openai);
  const scraper = new EngineMetricsScraper([hosted], CONFIG);
  await scraper.scrapeOnce();
  t.equal(server.requests.length, 0);
  t.equal(hosted.engineLoad, null);
});

t.test('start() scrapes on its own; stop() ends it', async (t) => {
  const server = await engineServer(t);
  server.body = TGI_TEXT;
  const r = replica(t, server.url, ENGINES.tgi);
  const scraped = new Promise<EngineLoad | null>((resolve) => {
    const scraper = new EngineMetricsScraper(
      [r],
      { ...CONFIG, intervalMs: 10 },
      {
        onScrape: (_r, load) => {
          scraper.stop();
          resolve(load);
        },
      },
    );
    scraper.start();
  });
  t.match(await scraped, { waiting: 4, running: 8, kvCacheUse: null });
});
