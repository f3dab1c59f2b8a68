// The memory store's figures reach Prometheus as the gauge and counter they always were, read at scrape time.
import { Registry } from 'prom-client';
import t from 'tap';
import { createCacheMetrics } from './metrics.js';

t.test("the memory store's bytes and evictions are read when scraped, and absent until reported", async (t) => {
  const registry = new Registry();
  const metrics = createCacheMetrics(registry);
  const before = await registry.metrics();
  t.notMatch(before, /switchyard_cache_bytes\{/, 'no bytes series before the store reports');
  t.notMatch(before, /switchyard_cache_evictions_total\{/, 'no evictions series before the first eviction');
  metrics.memoryStore.bytes = 1234;
  metrics.memoryStore.evicted += 2;
  metrics.memoryStore.evicted += 3;
  const after = await registry.metrics();
  t.match(after, /\nswitchyard_cache_bytes\{store="memory"\} 1234\n/);
  t.match(after, /\nswitchyard_cache_evictions_total\{store="memory"\} 5\n/);
  metrics.memoryStore.bytes = 0;
  t.match(await registry.metrics(), /\nswitchyard_cache_evictions_total\{store="memory"\} 5\n/, 'scraping twice counts nothing twice');
  t.match(await registry.metrics(), /\nswitchyard_cache_bytes\{store="memory"\} 0\n/);
});

t.test("the memory store's page bytes are read from it when scraped, and absent without one", async (t) => {
  const registry = new Registry();
  const metrics = createCacheMetrics(registry);
  t.notMatch(await registry.metrics(), /switchyard_cache_page_bytes\{/);
  let pages = 65536;
  metrics.memoryStore.pageBytes = () => pages;
  t.match(await registry.metrics(), /\nswitchyard_cache_page_bytes\{store="memory"\} 65536\n/);
  pages = 0;
  t.match(await registry.metrics(), /\nswitchyard_cache_page_bytes\{store="memory"\} 0\n/);
});
