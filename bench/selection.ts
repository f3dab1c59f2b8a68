// `--only`, for both modes of `npm run bench`: a comma-separated list of modes (nonstream, stream)
// and groups of setups (budgets: the router with budgets off, in memory, in Redis; cache-hit: the
// response cache answering every request; cache-miss: the cache on with every request new, beside
// the same setup with the cache off; cache: both; apis: the same prompts asked through the Responses and
// Messages APIs, beside the router with budgets off asked through chat completions). Nothing named of a
// kind means all of that kind.
// The baselines a group is read against (the direct backend, the floor) always run.

export type Mode = 'nonstream' | 'stream';
export type Group = 'budgets' | 'cache-hit' | 'cache-miss' | 'apis';

const MODES: readonly Mode[] = ['nonstream', 'stream'];
const GROUPS: Record<string, readonly Group[]> = {
  budgets: ['budgets'],
  'cache-hit': ['cache-hit'],
  'cache-miss': ['cache-miss'],
  cache: ['cache-hit', 'cache-miss'],
  apis: ['apis'],
};

export interface Selection {
  readonly modes: readonly Mode[];
  readonly groups: ReadonlySet<Group>;
}

export function select(only: string | undefined): Selection {
  const names = (only ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const modes: Mode[] = [];
  const groups = new Set<Group>();
  for (const name of names) {
    if ((MODES as readonly string[]).includes(name)) modes.push(name as Mode);
    else if (GROUPS[name] !== undefined) for (const group of GROUPS[name]) groups.add(group);
    else throw new Error(`--only: unknown "${name}" (modes: ${MODES.join(', ')}; setups: ${Object.keys(GROUPS).join(', ')})`);
  }
  return {
    modes: modes.length > 0 ? modes : MODES,
    groups: groups.size > 0 ? groups : new Set<Group>(['budgets', 'cache-hit', 'cache-miss', 'apis']),
  };
}
