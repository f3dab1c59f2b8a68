// Injected faults, decided per request with a seeded PRNG so a run is reproducible: the same config
// started in the same order fails the same requests. Errors and drops draw from separate generators,
// so changing one rate does not reshuffle which requests the other one hits.

import type { SimFaults } from '../config/types.js';
import { hashNumber, hashString, seededRandom } from './seed.js';

/**
 * What happens to one inference request once it is valid:
 *   serve — answered normally;
 *   fail  — answered at once with an engine error (500), without queueing;
 *   hang  — admitted (it occupies a batch slot, or waits for one) and never answered;
 *   drop  — a stream whose connection is destroyed after half its tokens (no [DONE]).
 */
export type Fate = 'serve' | 'fail' | 'hang' | 'drop';

/** Where an accepted request stands against dieAfterRequests. */
export type Turn = 'alive' | 'last' | 'dead';

/** Servers started by this process: keeps replicas with identical settings from failing in lockstep. */
let serversStarted = 0;

/** The default seed: the served model, the configured (not the ephemeral) port, and the start order. */
export function defaultSeed(servedModel: string, configuredPort: number): number {
  return hashNumber(serversStarted++, hashNumber(configuredPort, hashString(servedModel)));
}

export class Faults {
  private readonly errorDraw: () => number;
  private readonly dropDraw: () => number;
  private accepted = 0;

  constructor(
    private readonly config: SimFaults,
    seed: number,
  ) {
    this.errorDraw = seededRandom(seed);
    this.dropDraw = seededRandom(hashNumber(0xd7, seed));
  }

  /**
   * Counts an accepted inference request against dieAfterRequests: the Nth is 'last' (the server
   * stops listening and dies once it is answered), any later one on a still-open connection 'dead'.
   */
  admit(): Turn {
    const limit = this.config.dieAfterRequests;
    if (limit <= 0) return 'alive';
    this.accepted++;
    if (this.accepted < limit) return 'alive';
    return this.accepted === limit ? 'last' : 'dead';
  }

  fateOf(stream: boolean): Fate {
    if (this.config.hang) return 'hang';
    // Draw for every request (and every stream), whatever the outcome, so the sequence stays aligned.
    // random() is in [0, 1): rate 0 never fires and rate 1 always does.
    const fail = this.errorDraw() < this.config.errorRate;
    const drop = stream && this.dropDraw() < this.config.dropMidStreamRate;
    if (fail) return 'fail';
    return drop ? 'drop' : 'serve';
  }
}
