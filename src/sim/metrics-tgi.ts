// /metrics with TGI's names. TGI exports through the Rust metrics-exporter-prometheus crate: TYPE
// lines without HELP, no model label (one model per server) and integers printed without ".0".
// The router reads tgi_queue_size as waiting and tgi_batch_current_size as running; TGI has no
// KV-cache gauge, so none is served.

import type { SimState } from './state.js';

export function tgiMetrics(state: SimState): () => string {
  return () =>
    '# TYPE tgi_request_count counter\n' +
    `tgi_request_count ${state.acceptedTotal}\n` +
    '# TYPE tgi_request_success counter\n' +
    `tgi_request_success ${state.finishedTotal.stop + state.finishedTotal.length}\n` +
    '# TYPE tgi_request_failure counter\n' +
    `tgi_request_failure{err="generation"} ${state.failedTotal}\n` +
    '# TYPE tgi_queue_size gauge\n' +
    `tgi_queue_size ${state.waiting}\n` +
    '# TYPE tgi_batch_current_size gauge\n' +
    `tgi_batch_current_size ${state.running}\n`;
}
