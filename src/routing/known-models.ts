// The models an unknown-model 404 names: those the caller may use (a key limited to some models is
// told of those only), and no more than a message can carry (a config may hold thousands of aliases).

const NAMED = 20;

/** "a, b, c", or the first NAMED "and N more (GET /v1/models)". */
export function knownModels(ids: readonly string[]): string {
  if (ids.length <= NAMED) return ids.join(', ');
  return `${ids.slice(0, NAMED).join(', ')} and ${ids.length - NAMED} more (GET /v1/models)`;
}

/** The aliases a key may use, in the config's order; every alias for a caller without a key or a limit. */
export function visibleModels(all: readonly string[], allowed: readonly string[] | null): readonly string[] {
  return allowed === null ? all : all.filter((id) => allowed.includes(id));
}
