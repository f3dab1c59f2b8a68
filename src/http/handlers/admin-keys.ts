// /admin/keys: create client keys (the secret is shown once, then only its SHA-256 is kept), list,
// read with usage, change, delete, and zero a key's usage. Keys declared in router.yaml are read-only
// here: the file is their source of truth and would put them back on the next reload.
import type { RouterMiddleware } from '@koa/router';
import { generateKey, newGeneration, newKeyId } from '../../budgets/keys.js';
import type { BudgetService } from '../../budgets/service.js';
import { StoreUnavailableError, type BudgetStore } from '../../budgets/store.js';
import { UNLIMITED, isKeyId, type KeyRecord, type UsageSnapshot } from '../../budgets/types.js';
import { nanoToUsd } from '../../cost/money.js';
import { clipClientText } from '../../openai/client-text.js';
import { RouterError } from '../../openai/errors.js';
import { parseCreateBody, parsePatchBody } from '../admin-key-bodies.js';
import { readJsonBody } from '../read-json.js';
import type { AppState, RouterState } from '../state.js';

type Handler = RouterMiddleware<AppState>;

export interface AdminKeys {
  readonly create: Handler;
  readonly list: Handler;
  readonly get: Handler;
  readonly update: Handler;
  readonly remove: Handler;
  readonly reset: Handler;
}

export function adminKeys(state: RouterState, budgets: BudgetService | null): AdminKeys {
  if (budgets === null) {
    // Without budgets no key would ever be checked: creating one would only give a false sense of control.
    const off: Handler = () => {
      throw new RouterError('admin_disabled', 'The keys API is disabled: this router runs without keys and budgets.');
    };
    return { create: off, list: off, get: off, update: off, remove: off, reset: off };
  }
  const { store } = budgets;
  return {
    create: async (ctx) => {
      const config = state.runtime.config;
      const input = parseCreateBody(await readJsonBody(ctx.req, config.server.maxBodyBytes), config);
      const id = input.id ?? newKeyId();
      const { secret, hash, prefix } = generateKey();
      const record: KeyRecord = {
        id,
        name: input.name,
        hash,
        prefix,
        enabled: input.enabled ?? true,
        models: input.models ?? null,
        tiers: input.tiers ?? null,
        maxTokensPerRequest: input.maxTokensPerRequest ?? null,
        limits: { ...UNLIMITED, ...input.limits },
        metadata: input.metadata ?? {},
        createdAt: new Date().toISOString(),
        source: 'admin',
        // A new owner, even under an id used before (src/budgets/owner.ts).
        generation: newGeneration(),
      };
      // Only if the id is free, in the same atomic step: of two creates racing for one id, one gets the 409.
      if (!(await reach(store.putKey(record, { absent: true })))) {
        throw new RouterError('key_exists', `A key with id "${id}" already exists.`, { param: 'id' });
      }
      ctx.status = 201;
      // The one answer that holds the secret: no cache between here and the admin may keep a copy.
      ctx.set('cache-control', 'no-store');
      ctx.body = { key: publicKey(record), secret };
    },

    list: async (ctx) => {
      ctx.body = { object: 'list', data: (await reach(store.listKeys())).map(publicKey) };
    },

    get: async (ctx) => {
      const key = await find(store, ctx.params['id']);
      ctx.body = { ...publicKey(key), usage: await usageOf(store, key.id) };
    },

    update: async (ctx) => {
      const config = state.runtime.config;
      const patch = parsePatchBody(await readJsonBody(ctx.req, config.server.maxBodyBytes), config);
      // Applied to the record as read, and written only if it is still that record: a write made in
      // between (another PATCH, a DELETE) makes it read and apply again, so no update is lost and a
      // deleted key is not brought back (it is a 404 then).
      for (let attempt = 1; ; attempt++) {
        const key = writable(await find(store, ctx.params['id']));
        // The schema admits only editable fields, so the spread cannot touch id, hash, source or createdAt.
        // Limits merge one by one (null = unlimited, omitted = kept); metadata is replaced whole.
        const next: KeyRecord = { ...key, ...patch, limits: { ...key.limits, ...patch.limits } };
        if (await reach(store.putKey(next, { current: key }))) {
          // Limits and `enabled` are re-read at every reserve anyway; the lookup cache would keep a
          // disabled key authenticating for a few seconds more.
          budgets.forget(key.hash);
          ctx.body = publicKey(next);
          return;
        }
        if (attempt === PATCH_ATTEMPTS) {
          throw new RouterError('key_conflict', `The key "${key.id}" kept changing while this update was applied; send it again.`);
        }
      }
    },

    remove: async (ctx) => {
      const key = writable(await find(store, ctx.params['id']));
      if (!(await reach(store.deleteKey(key.id)))) throw notFound(key.id);
      budgets.deleted(key);
      ctx.body = { id: key.id, deleted: true };
    },

    reset: async (ctx) => {
      // Config keys too: router.yaml declares a key's limits, not its usage.
      const key = await find(store, ctx.params['id']);
      await reach(store.resetUsage(key.id));
      budgets.forget(key.hash, key);
      ctx.body = { ...publicKey(key), usage: await usageOf(store, key.id) };
    },
  };
}

/** Reads and writes a PATCH makes while other writes to the same key keep winning, before it gives up. */
const PATCH_ATTEMPTS = 16;

/** What the API shows of a key: everything but its hash, named field by field so no new field leaks. */
function publicKey(key: KeyRecord) {
  const { id, name, prefix, enabled, models, tiers, maxTokensPerRequest, limits, metadata, createdAt, source } = key;
  return { id, name, prefix, enabled, models, tiers, maxTokensPerRequest, limits, metadata, createdAt, source };
}

async function usageOf(store: BudgetStore, id: string) {
  const snapshot = await reach(store.usage(id, Date.now()));
  if (snapshot === null) throw notFound(id);
  return publicUsage(snapshot);
}

/**
 * Token and dollar periods by name, times as ISO strings (null: lifetime never resets, or the limit is
 * off). Dollars are decimal USD, as limits are given; the store counts nano-USD.
 */
function publicUsage(snapshot: UsageSnapshot) {
  const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
  const tokens = Object.fromEntries(
    snapshot.tokens.map(({ period, limit, used, reserved, remaining, resetAt }) => [period, { limit, used, reserved, remaining, resetAt: iso(resetAt) }]),
  );
  const usd = (nano: number | null) => (nano === null ? null : nanoToUsd(nano));
  const spend = Object.fromEntries(
    snapshot.usd.map(({ period, limit, used, reserved, remaining, resetAt }) => [
      period,
      { limit: usd(limit), used: usd(used), reserved: usd(reserved), remaining: usd(remaining), resetAt: iso(resetAt) },
    ]),
  );
  const { requests, concurrency } = snapshot;
  return {
    tokens,
    usd: spend,
    requests: requests === null ? null : { limit: requests.limit, used: requests.used, remaining: requests.remaining, resetAt: iso(requests.resetAt) },
    concurrency: concurrency === null ? null : { limit: concurrency.limit, active: concurrency.active, remaining: concurrency.remaining },
  };
}

async function find(store: BudgetStore, id: string | undefined): Promise<KeyRecord> {
  // An id that could never have been created is not looked up: ids become parts of Redis key names.
  const key = id !== undefined && isKeyId(id) ? await reach(store.getKey(id)) : null;
  if (key === null) throw notFound(id ?? '');
  return key;
}

function writable(key: KeyRecord): KeyRecord {
  if (key.source === 'config') {
    throw new RouterError('key_read_only', `The key "${key.id}" is declared in router.yaml and is read-only here: edit auth.keys in router.yaml, then reload.`);
  }
  return key;
}

function notFound(id: string): RouterError {
  return new RouterError('key_not_found', `No key with id ${JSON.stringify(clipClientText(id))}.`);
}

/** The store's one infrastructure failure becomes a 503; anything else is a bug and stays a 500. */
async function reach<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    throw new RouterError('budget_store_unavailable', 'The key store cannot be reached right now; try again shortly.', {
      headers: { 'retry-after': '1' },
      cause: error,
    });
  }
}
