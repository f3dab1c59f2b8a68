// The families /metrics exposes: every name is the router's (switchyard_…), and Node's process metrics
// keep prom-client's own names under that one prefix, not a doubled one.
import t from 'tap';
import { createMetrics } from './metrics.js';

t.test("process metrics carry the router's prefix once", async (t) => {
  const { registry } = createMetrics();
  const names = (await registry.getMetricsAsJSON()).map((family) => family.name);
  t.same(
    names.filter((name) => !name.startsWith('switchyard_')),
    [],
    'every family is prefixed',
  );
  t.same(
    names.filter((name) => /process_process|_process_nodejs/.test(name)),
    [],
    'no doubled prefix',
  );
  for (const name of [
    'switchyard_process_cpu_seconds_total',
    'switchyard_process_resident_memory_bytes',
    'switchyard_nodejs_eventloop_lag_p99_seconds',
    'switchyard_nodejs_heap_size_used_bytes',
  ])
    t.ok(names.includes(name), name);
});
