// The three-router budget tests (redis-budgets.test.ts) on a real three-node Redis Cluster: the same
// file, run with SWITCHYARD_TEST_REDIS=cluster, so a test added there later runs here too. Its keys'
// slots are spread over the three nodes (startTestRedis's `spread`); the last test checks that the
// keys did land on every node. The single-server outage tests are skipped here: a cluster node's
// crash and restart is redis-cluster.test.ts.
import t from 'tap';
import { liveClusters } from '../fixtures/redis-cluster.js';
import { skipFileWithoutRedis } from '../fixtures/redis-server.js';

skipFileWithoutRedis(t);
process.env['SWITCHYARD_TEST_REDIS'] = 'cluster';
await import('./redis-budgets.test.js');

t.test('the keys of the three-router tests landed on every node of the cluster', async (t) => {
  t.equal(liveClusters.size, 1, 'one cluster ran the file');
  for (const cluster of liveClusters) {
    const keys = await cluster.keysPerNode();
    t.ok(
      keys.every((n) => n > 0),
      `keys per node: ${keys.join(', ')}`,
    );
  }
});
