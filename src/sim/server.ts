// The simulated engine: a real HTTP server speaking vLLM's (or TGI's) OpenAI-compatible API on
// loopback, one per `sim` replica, or standalone through cli.ts. node:http only, because the
// zero-delay benchmark runs it as the backend and per-request work must stay small. This file is the
// HTTP plumbing: dispatch by path and method, JSON bodies, and the one place errors become responses.
// Dying after N requests (faults.dieAfterRequests) is in die.ts.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SimConfig, SimFlavour } from '../config/types.js';
import { badRequest, internalError, methodNotAllowed, pathNotFound, payloadTooLarge, SimError } from './errors.js';
import { acceptor } from './die.js';
import { defaultSeed, Faults } from './faults.js';
import { sendError } from './reply.js';
import { buildRoutes, type Route } from './routes.js';
import { SimState } from './state.js';

export interface SimServerOptions extends SimConfig {
  servedModel: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Seeds the fault PRNG; by default derived from servedModel, port and the start order. */
  seed?: number;
}

export interface SimServer {
  /** http://HOST:PORT of the bound socket. */
  readonly url: string;
  /** Stops listening, destroys open sockets and so ends in-progress streams. */
  close(): Promise<void>;
}

/** Far above any real prompt; bounds the memory one request can take. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** What handling a request needs, built once per server. */
interface Engine {
  readonly routes: ReadonlyMap<string, Route>;
  readonly flavour: SimFlavour;
  /** Counts an accepted inference request; false when the replica is already dead. */
  readonly accept: (res: ServerResponse) => boolean;
}

export async function startSim(options: SimServerOptions): Promise<SimServer> {
  const state = new SimState(options.maxRunning, options.kvCacheTokens);
  const faults = new Faults(options.faults, options.seed ?? defaultSeed(options.servedModel, options.port ?? 0));
  const server = createServer((req, res) => handleRequest(engine, req, res));
  const engine: Engine = {
    routes: buildRoutes(options, state, faults),
    flavour: options.flavour,
    accept: acceptor(server, faults, state),
  };
  // 'close' fires once, when the listener is closed and the last connection has ended, whether by
  // close() or by dying; close() waits for it.
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('sim: server has no TCP address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () => {
      // Closing twice, or after dying, is harmless; the 'close' event tells when it is all over.
      if (server.listening) server.close();
      // Destroying the sockets fires each response's 'close', which cancels its timers.
      server.closeAllConnections();
      return closed;
    },
  };
}

function handleRequest(engine: Engine, req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  const route = engine.routes.get(queryStart === -1 ? url : url.slice(0, queryStart));
  if (route === undefined || req.method !== route.method) {
    req.resume(); // drain an unread body so the connection stays usable
    const error = route === undefined ? pathNotFound() : methodNotAllowed(route.method);
    return sendError(res, error, engine.flavour);
  }
  if (route.method === 'GET') return dispatch(engine, route, res, undefined);
  readJsonBody(
    req,
    (body) => {
      if (!route.inference || engine.accept(res)) dispatch(engine, route, res, body);
    },
    (error) => sendError(res, error, engine.flavour),
  );
}

function dispatch(engine: Engine, route: Route, res: ServerResponse, body: unknown): void {
  try {
    route.handle(res, body);
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, error instanceof SimError ? error : internalError(), engine.flavour);
  }
}

function readJsonBody(req: IncomingMessage, onBody: (body: unknown) => void, onError: (error: SimError) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('data', (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      refused = true;
      onError(payloadTooLarge(MAX_BODY_BYTES));
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (refused) return;
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
    } catch {
      onError(badRequest('Request body is not valid JSON.'));
      return;
    }
    onBody(body);
  });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
