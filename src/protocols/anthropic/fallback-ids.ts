// The ids a Messages answer must have when the engine's chat answer gave none to derive them from (no
// chat id, a tool call without an id): drawn from one random seed per answer, so the JSON and the
// stream forms of one answer agree, and an idempotent replay, given the first answer's seed
// (answer.ts replayAs), has the first answer's ids again.
import { createHash, randomBytes } from 'node:crypto';

export class FallbackIds {
  private drawn: string | null = null;

  /** The seed, once an id needed it; null while none did (a replay then needs nothing). */
  get seed(): string | null {
    return this.drawn;
  }

  /** An idempotent replay: the first answer's seed. False when `seed` is not one. */
  resume(seed: unknown): boolean {
    if (typeof seed !== 'string' || !SEED.test(seed)) return false;
    this.drawn = seed;
    return true;
  }

  /** What the message id is a digest of, when the engine sent no chat id. */
  messageSeed(): string {
    return (this.drawn ??= randomBytes(16).toString('hex'));
  }

  /** The id of the `n`th tool call (the engine's index), when the engine sent none. */
  toolUse(n: number): string {
    return `toolu_${createHash('sha256').update(`${this.messageSeed()}:${n}`).digest('hex').slice(0, 24)}`;
  }
}

const SEED = /^[0-9a-f]{32}$/;
