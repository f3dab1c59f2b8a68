// GET /v1/models and /v1/models/{id}: the aliases clients may put in "model".
import { clipClientText } from '../../openai/client-text.js';
import { RouterError } from '../../openai/errors.js';
import type { AppMiddleware, RouterState } from '../state.js';

export function listModels(state: RouterState): AppMiddleware {
  return (ctx) => {
    ctx.body = { object: 'list', data: state.runtime.modelCards };
  };
}

export function getModel(state: RouterState): AppMiddleware {
  return (ctx) => {
    const id = decodedId(ctx.path.slice('/v1/models/'.length));
    const card = state.runtime.modelCards.find((model) => model.id === id);
    if (card === undefined) {
      const known = state.runtime.modelCards.map((model) => model.id).join(', ');
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
