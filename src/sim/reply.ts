// Writing whole responses. Every non-streaming answer goes through here with an exact
// Content-Length, so clients and the router's keep-alive pool never see chunked bodies for JSON.

import type { ServerResponse } from 'node:http';
import type { SimFlavour } from '../config/types.js';
import { renderError, type SimError } from './errors.js';

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};

export function sendBody(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: string): void {
  sendBody(res, status, 'application/json', body);
}

export function sendError(res: ServerResponse, error: SimError, flavour: SimFlavour): void {
  const { status, body } = renderError(error, flavour);
  res.writeHead(status, {
    ...error.headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
