// GET /v1/models and /v1/models/{id}: the aliases clients may put in "model".
import { clipClientText } from '../../openai/client-text.js';
import { RouterError } from '../../openai/errors.js';
import { anthropicModel, anthropicModelPage, asksAnthropicModels } from '../../protocols/anthropic/model-list.js';
import { knownModels, visibleModels } from '../../routing/known-models.js';
import type { AppMiddleware, RouterState } from '../state.js';

// A key limited to some models sees those only, as OpenAI lists the models a caller can use. An
// Anthropic client (anthropic-version) gets Anthropic's Models API (model-list.ts).
export function listModels(state: RouterState): AppMiddleware {
  return (ctx) => {
    const allowed = ctx.state.key?.models ?? null;
    const { runtime } = state;
    if (asksAnthropicModels(ctx.req.headers)) {
      ctx.body = anthropicModelPage(runtime.config, runtime.loadedAt, allowed, ctx.query);
      return;
    }
    const cards = runtime.modelCards;
    ctx.body = { object: 'list', data: allowed === null ? cards : cards.filter((card) => allowed.includes(card.id)) };
  };
}

export function getModel(state: RouterState): AppMiddleware {
  return (ctx) => {
    const id = decodedId(ctx.path.slice('/v1/models/'.length));
    const allowed = ctx.state.key?.models ?? null;
    if (asksAnthropicModels(ctx.req.headers)) {
      ctx.body = anthropicModel(state.runtime.config, state.runtime.loadedAt, allowed, id);
      return;
    }
    const card = allowed === null || allowed.includes(id) ? state.runtime.modelCards.find((model) => model.id === id) : undefined;
    if (card === undefined) {
      const known = knownModels(
        visibleModels(
          state.runtime.modelCards.map((model) => model.id),
          allowed,
        ),
      );
      throw new RouterError('model_not_found', `The model \`${clipClientText(id)}\` does not exist. Known models: ${known}.`, {
        param: 'model',
      });
    }
    ctx.body = card;
  };
}

/**
 * The id as the client meant it. Bytes that are not valid percent-encoding (`%zz`, a cut-off UTF-8
 * sequence) name no model: the id is kept as written, so the answer is the same 404 as any unknown id.
 */
function decodedId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
