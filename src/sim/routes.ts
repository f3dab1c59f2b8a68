// The simulated engine's endpoints: path → method → handler. Everything constant (pacing, the
// /v1/models body, metric names) is prepared here once per server; handlers only plan and write.

import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { SimConfig } from '../config/types.js';
import { planChat } from './chat-request.js';
import { planCompletion } from './completion-request.js';
import { embed } from './embeddings.js';
import { METRICS_CONTENT_TYPE, metricsRenderer } from './metrics.js';
import { paceOf } from './pacing.js';
import { MAX_MODEL_LEN } from './plan.js';
import { sendBody, sendJson } from './reply.js';
import { serveGeneration } from './serve-generation.js';
import type { SimState } from './state.js';
import { chatWire, completionWire, type ResponseIdentity } from './wire.js';

export interface Route {
  readonly method: 'GET' | 'POST';
  /** Receives the parsed JSON body for POST routes, undefined for GET. Throws SimError to refuse. */
  readonly handle: (res: ServerResponse, body: unknown) => void;
}

export interface RouteOptions extends SimConfig {
  readonly servedModel: string;
}

export function buildRoutes(options: RouteOptions, state: SimState): ReadonlyMap<string, Route> {
  const model = options.servedModel;
  const pace = paceOf(options);
  const renderMetrics = metricsRenderer(state, model);
  const identity = (prefix: string): ResponseIdentity => ({
    id: `${prefix}-${randomUUID().replaceAll('-', '')}`,
    created: nowSeconds(),
    model,
  });
  const modelCard = {
    id: model,
    object: 'model',
    created: nowSeconds(),
    owned_by: 'vllm',
    root: model,
    parent: null,
    max_model_len: MAX_MODEL_LEN,
  };
  const modelsBody = JSON.stringify({ object: 'list', data: [modelCard] });

  const chatCompletions = (res: ServerResponse, body: unknown): void => {
    const plan = planChat(body, options);
    serveGeneration(res, plan, chatWire(identity('chatcmpl'), plan.includeUsage), pace, state);
  };
  const completions = (res: ServerResponse, body: unknown): void => {
    const plan = planCompletion(body, options);
    serveGeneration(res, plan, completionWire(identity('cmpl'), plan.includeUsage), pace, state);
  };
  const embeddings = (res: ServerResponse, body: unknown): void => {
    const result = embed(body, options, nowSeconds());
    // Embedding is one forward pass: admitted and finished at once.
    state.release(state.admit(result.promptTokens, 0), 0, 'stop');
    sendJson(res, 200, result.body);
  };
  // vLLM answers /health with 200 and an empty body.
  const health = (res: ServerResponse): void => {
    res.writeHead(200, { 'content-length': 0 });
    res.end();
  };

  const metrics = (res: ServerResponse): void => sendBody(res, 200, METRICS_CONTENT_TYPE, renderMetrics());

  return new Map<string, Route>([
    ['/v1/chat/completions', { method: 'POST', handle: chatCompletions }],
    ['/v1/completions', { method: 'POST', handle: completions }],
    ['/v1/embeddings', { method: 'POST', handle: embeddings }],
    ['/v1/models', { method: 'GET', handle: (res) => sendJson(res, 200, modelsBody) }],
    ['/health', { method: 'GET', handle: health }],
    ['/metrics', { method: 'GET', handle: metrics }],
  ]);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
