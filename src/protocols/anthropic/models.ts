// Which alias a Messages request names: an alias itself, or an Anthropic model name an alias lists
// in `models.<alias>.anthropicModels` (clients such as Claude Code send claude-… names). The lookup
// table is built once per loaded config (a reload makes a new Config object) and only read per request.
import type { Config } from '../../config/types.js';

const TABLES = new WeakMap<Config, ReadonlyMap<string, string>>();

/** The alias for `name`; an unknown name is returned as it is, and the route lookup answers it with a 404. */
export function aliasFor(config: Config, name: string): string {
  if (Object.hasOwn(config.models, name)) return name;
  let table = TABLES.get(config);
  if (table === undefined) {
    const names = new Map<string, string>();
    for (const [alias, model] of Object.entries(config.models)) for (const listed of model.anthropicModels ?? []) names.set(listed, alias);
    table = names;
    TABLES.set(config, table);
  }
  return table.get(name) ?? name;
}
