// Azure's two addressings, and which of its API versions take the stream_options the router asks usage
// with: the 2024-06-01 stable version refuses it ("Unrecognized request argument supplied: stream_options"),
// 2024-09-01-preview and the 2024-10-21 stable version take it, and so does the v1 API.
import t from 'tap';
import type { PoolConfig } from '../config/types.js';
import { adapterFor } from './adapter.js';
import { azurePaths, takesStreamOptions } from './azure.js';

t.test('paths: the deployment and api-version, or v1', async (t) => {
  t.equal(azurePaths({ api: 'deployments', apiVersion: '2024-10-21' }, 'my gpt').chat, '/openai/deployments/my%20gpt/chat/completions?api-version=2024-10-21');
  t.equal(azurePaths({ api: 'v1', apiVersion: null }, 'my gpt').embeddings, '/openai/v1/embeddings');
});

t.test('stream_options: only from 2024-09-01(-preview) on, and always on v1', async (t) => {
  const versions = ['2024-02-01', '2024-06-01', '2024-08-01-preview', '2024-09-01-preview', '2024-10-21', '2025-04-01-preview'];
  t.strictSame(
    versions.map((apiVersion) => takesStreamOptions({ api: 'deployments', apiVersion })),
    [false, false, false, true, true, true],
  );
  t.equal(takesStreamOptions({ api: 'v1', apiVersion: null }), true);
});

t.test("an older version's stream goes without stream_options; a newer one's asks for usage", async (t) => {
  const pool = (apiVersion: string) => ({ engine: 'azure', servedModel: 'dep', azure: { api: 'deployments', apiVersion } }) as unknown as PoolConfig;
  const body = { model: 'alias', stream: true, messages: [{ role: 'user', content: 'hi' }] };
  t.strictSame(JSON.parse(adapterFor(pool('2024-06-01')).payload(body, 'dep', true)), { ...body, model: 'dep' });
  t.strictSame(JSON.parse(adapterFor(pool('2024-10-21')).payload(body, 'dep', true)), { ...body, model: 'dep', stream_options: { include_usage: true } });
});
