// The floor for `npm run bench`: the cheapest correct HTTP pass-through proxy in Node — node:http in
// front, ONE undici Pool to the backend, the request body piped up and the response piped back with
// backpressure. Whatever Switchyard costs above this is the router's own work.
// Run: PORT=0 BACKEND=http://127.0.0.1:9001 node --import tsx bench/bare-proxy.ts
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { Pool } from 'undici';

const backend = process.env['BACKEND'];
if (!backend) {
  process.stderr.write('bare-proxy: set BACKEND=http://host:port\n');
  process.exit(2);
}
const pool = new Pool(backend, { connections: 256 });

// Hop-by-hop headers belong to one connection, not to the message (RFC 9110 §7.6.1); undici also
// refuses some of them outright. `host` is the backend's, set by undici.
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

function endToEnd(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP.has(name)) out[name] = value;
  return out;
}

const server = createServer((req, res) => {
  const method = req.method ?? 'GET';
  // pool.stream writes the upstream body straight into `res`: no intermediate Readable.
  pool
    .stream({ method, path: req.url ?? '/', headers: endToEnd(req.headers), body: method === 'GET' || method === 'HEAD' ? null : req }, ({ statusCode, headers }) => {
      res.writeHead(statusCode, endToEnd(headers));
      return res;
    })
    .catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway\n');
      else res.destroy(error instanceof Error ? error : undefined);
    });
});

server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`bare proxy listening on http://127.0.0.1:${port}\n`);
});

const shutdown = (): void => {
  server.close();
  server.closeAllConnections();
  void pool.close().finally(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
