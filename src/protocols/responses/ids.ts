// The ids of one response, all derived from one 16-byte random seed drawn once per request: the
// response's own id and those of its items are the same in every event of its stream, in the JSON
// answer and in the stored object (LiteLLM's bridge minted new ones on the way and broke clients:
// https://github.com/BerriAI/litellm/pull/37956). OpenAI's look: a prefix and lowercase hex. Never
// derived from anything the client sent (x-request-id is the client's to choose).
import { randomFillSync } from 'node:crypto';

/** `call`: a function call's call_id, when the engine gave the call no id. */
export type ItemPrefix = 'msg' | 'fc' | 'fco' | 'rs' | 'call';

export class ResponseIds {
  /** `resp_` and 32 hex digits. */
  readonly response: string;

  /** `seed`: 32 hex digits; an idempotent replay passes the first answer's, so its ids are the first's (answer.ts). */
  constructor(readonly seed: string = randomHex()) {
    this.response = `resp_${seed}`;
  }

  /** The id of the `n`th item this response names (inputs and outputs share the count): unique within it, stable. */
  item(prefix: ItemPrefix, n: number): string {
    return `${prefix}_${this.seed}${n.toString(16).padStart(4, '0')}`;
  }
}

/** Random bytes drawn in blocks: one call to the system's generator per 256 responses, not one each. */
const POOL = Buffer.alloc(16 * 256);
let next = POOL.length;

function randomHex(): string {
  if (next === POOL.length) {
    randomFillSync(POOL);
    next = 0;
  }
  next += 16;
  return POOL.toString('hex', next - 16, next);
}

/** Whether `id` can be a response id at all: anything else is answered 404 without a store lookup. */
export function isResponseId(id: string): boolean {
  return RESPONSE_ID.test(id);
}

const RESPONSE_ID = /^resp_[0-9a-f]{32}$/;

/** Whether `seed` can be a ResponseIds seed (a stored replay state is read with care). */
export function isSeed(seed: unknown): seed is string {
  return typeof seed === 'string' && SEED.test(seed);
}

const SEED = /^[0-9a-f]{32}$/;
