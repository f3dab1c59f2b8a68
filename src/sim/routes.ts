// The simulated engine's endpoints: path → method → handler. Everything constant (latency model,
// the /v1/models body, metric names) is prepared here once per server; handlers only plan, ask the
// fault injector for the request's fate, and write. Validation comes first, so an invalid request
// gets its 400 (422 for TGI) whatever the faults say. TGI validates and generates inside the stream
// of a streaming request, so there its context-length errors and failed generations arrive as an
// error event in a 200 stream (errors.ts), as they do from a real TGI.

import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { SimConfig } from '../config/types.js';
import { planChat } from './chat-request.js';
import { planCompletion } from './completion-request.js';
import { embed } from './embeddings.js';
import { engineFailure, renderTgiStreamError, tgiReportsInStream } from './errors.js';
import type { Faults } from './faults.js';
import { METRICS_CONTENT_TYPE, metricsRenderer } from './metrics.js';
import { latencyOf } from './pacing.js';

import type { GenerationPlan } from './plan.js';
import { sendBody, sendJson, SSE_HEADERS } from './reply.js';
import { serveGeneration } from './serve-generation.js';
import type { SimState } from './state.js';
import { chatWire, completionWire, type ResponseIdentity, type WireFormat } from './wire.js';
import { isObject } from '../json-object.js';

export interface Route {
  readonly method: 'GET' | 'POST';
  /** Inference requests count against faults.dieAfterRequests and tgi_request_count. */
  readonly inference: boolean;
  /** Receives the parsed JSON body for POST routes, undefined for GET. Throws SimError to refuse. */
  readonly handle: (res: ServerResponse, body: unknown) => void;
}

export interface RouteOptions extends SimConfig {
  readonly servedModel: string;
}

export function buildRoutes(options: RouteOptions, state: SimState, faults: Faults): ReadonlyMap<string, Route> {
  const model = options.servedModel;
  const batch = { state, latency: latencyOf(options) };
  const renderMetrics = metricsRenderer(options.flavour, state, model);
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
    max_model_len: options.maxModelLen,
  };
  const modelsBody = JSON.stringify({ object: 'list', data: [modelCard] });

  const tgi = options.flavour === 'tgi';
  /** Plans the request; a TGI stream gets the errors TGI finds inside its stream as a 200 stream. */
  const plan = (res: ServerResponse, body: unknown, planner: (body: unknown) => GenerationPlan): GenerationPlan | null => {
    try {
      return planner(body);
    } catch (error) {
      if (!(tgi && tgiReportsInStream(error) && isObject(body) && body['stream'] === true)) throw error;
      res.writeHead(200, SSE_HEADERS);
      res.end(renderTgiStreamError(error));
      return null;
    }
  };
  const generate = (res: ServerResponse, plan: GenerationPlan, wire: WireFormat): void => {
    const fate = faults.fateOf(plan.stream);
    if (fate === 'fail') {
      state.failedTotal++;
      const failure = engineFailure();
      if (!(tgi && plan.stream)) throw failure;
      res.writeHead(200, SSE_HEADERS);
      res.end(renderTgiStreamError(failure));
      return;
    }
    serveGeneration(res, plan, wire, batch, fate);
  };
  const planChatRequest = (body: unknown): GenerationPlan => planChat(body, options);
  const planCompletionRequest = (body: unknown): GenerationPlan => planCompletion(body, options);
  const chatCompletions = (res: ServerResponse, body: unknown): void => {
    const planned = plan(res, body, planChatRequest);
    if (planned !== null) generate(res, planned, chatWire(identity('chatcmpl'), planned.includeUsage));
  };
  const completions = (res: ServerResponse, body: unknown): void => {
    const planned = plan(res, body, planCompletionRequest);
    if (planned !== null) generate(res, planned, completionWire(identity('cmpl'), planned.includeUsage));
  };
  const embeddings = (res: ServerResponse, body: unknown): void => {
    const result = embed(body, options, nowSeconds());
    const fate = faults.fateOf(false);
    // A hung embedding request is simply never answered; it takes no batch slot.
    if (fate === 'hang') return;
    if (fate === 'fail') {
      state.failedTotal++;
      throw engineFailure();
    }
    // Embedding is one forward pass: it never queues and finishes at once.
    state.record(result.promptTokens);
    sendJson(res, 200, result.body);
  };
  // vLLM answers /health with 200 and an empty body.
  const health = (res: ServerResponse): void => {
    res.writeHead(200, { 'content-length': 0 });
    res.end();
  };

  const metrics = (res: ServerResponse): void => sendBody(res, 200, METRICS_CONTENT_TYPE, renderMetrics());

  return new Map<string, Route>([
    ['/v1/chat/completions', { method: 'POST', inference: true, handle: chatCompletions }],
    ['/v1/completions', { method: 'POST', inference: true, handle: completions }],
    ['/v1/embeddings', { method: 'POST', inference: true, handle: embeddings }],
    ['/v1/models', { method: 'GET', inference: false, handle: (res) => sendJson(res, 200, modelsBody) }],
    // Always 200 while listening, even when hanging: a dead replica is simply not listening.
    ['/health', { method: 'GET', inference: false, handle: health }],
    ['/metrics', { method: 'GET', inference: false, handle: metrics }],
  ]);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
