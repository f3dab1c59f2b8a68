// POST /admin/config/reload: re-read router.yaml now. A refused config answers 400 with every problem;
// the config in force keeps serving either way.
import type { ReloadResult, ReloadTrigger } from '../../reload.js';
import { RouterError } from '../../openai/errors.js';
import type { AppMiddleware } from '../state.js';

export function reloadConfig(reload: (trigger: ReloadTrigger) => Promise<ReloadResult>): AppMiddleware {
  return async (ctx) => {
    const result = await reload('admin');
    if (!result.ok) {
      const count = result.errors.length;
      const error = new RouterError('config_invalid', `The config was not reloaded (${count} problem${count === 1 ? '' : 's'}); the previous config keeps serving.`);
      ctx.status = error.status;
      ctx.body = { error: { message: error.message, type: error.type, param: null, code: error.code }, problems: result.errors };
      return;
    }
    ctx.body = { status: result.changed ? 'reloaded' : 'unchanged' };
  };
}
