// What a self-hosted token really costs at the pool's recent load: the GPUs' cost over a sliding
// window divided by the tokens the engines served in it, by their own counters (vLLM's
// vllm:prompt_tokens / vllm:generation_tokens, TGI's request length histograms' sums), so every
// router computes the same price without sharing state, and traffic from other clients of the same
// engines rightly shares the bill. GKE's inference recommender splits the cost between directions:
// "$/output token = GPU $/s / (1/output-to-input-cost-ratio × input tokens/s + output tokens/s)",
// "$/input token = ($/output token) / output-to-input-cost-ratio"
// (https://cloud.google.com/python/docs/reference/google-cloud-gkerecommender/latest/google.cloud.gkerecommender_v1.types.Cost).
// Idle and ejected replicas are still paid for: the cost counts every configured replica.

const MINUTE_MS = 60_000;
/** Below this many output-equivalent tokens in the window the price says nothing (an idle pool's would be absurd). */
const MIN_TOKENS = 10_000;

export interface EffectivePriceSettings {
  readonly gpuUsdPerHour: number;
  /** Configured replicas: each is paid for, busy or not. */
  readonly replicas: number;
  readonly outputInputCostRatio: number;
  readonly windowMs: number;
}

export interface EffectiveReading {
  /** NaN while the window holds too few tokens. */
  readonly inputUsdPerMillion: number;
  readonly outputUsdPerMillion: number;
}

export class EffectivePrice {
  /** Per replica: the counters last seen, so each sample adds only what was served since. */
  private readonly last = new Map<string, { prompt: number; generation: number }>();
  /** Tokens served per minute, a ring over the window: minute number → [prompt, generation]. */
  private readonly minutes: { minute: number; prompt: number; generation: number }[];

  constructor(
    private readonly settings: EffectivePriceSettings,
    /** When measuring began: until the window has passed, the GPU cost is for the time observed. */
    private readonly startedAt: number,
  ) {
    const slots = Math.max(1, Math.ceil(settings.windowMs / MINUTE_MS));
    this.minutes = Array.from({ length: slots }, () => ({ minute: -1, prompt: 0, generation: 0 }));
  }

  /** One scrape of one replica's cumulative counters at `at`. */
  observe(replica: string, prompt: number, generation: number, at: number): void {
    const before = this.last.get(replica);
    this.last.set(replica, { prompt, generation });
    if (before === undefined) return;
    // A counter that went down is an engine that restarted: everything it counts is new.
    const dp = prompt >= before.prompt ? prompt - before.prompt : prompt;
    const dg = generation >= before.generation ? generation - before.generation : generation;
    if (dp === 0 && dg === 0) return;
    const minute = Math.floor(at / MINUTE_MS);
    const slot = this.minutes[minute % this.minutes.length]!;
    if (slot.minute !== minute) {
      slot.minute = minute;
      slot.prompt = 0;
      slot.generation = 0;
    }
    slot.prompt += dp;
    slot.generation += dg;
  }

  /** The price at `now`, per million tokens by direction. */
  read(now: number): EffectiveReading {
    const { gpuUsdPerHour, replicas, outputInputCostRatio: k, windowMs } = this.settings;
    const oldest = Math.floor((now - windowMs) / MINUTE_MS);
    let prompt = 0;
    let generation = 0;
    for (const slot of this.minutes) {
      if (slot.minute > oldest && slot.minute * MINUTE_MS <= now) {
        prompt += slot.prompt;
        generation += slot.generation;
      }
    }
    const work = prompt / k + generation;
    if (work < MIN_TOKENS) return { inputUsdPerMillion: Number.NaN, outputUsdPerMillion: Number.NaN };
    const spanMs = Math.min(windowMs, Math.max(MINUTE_MS, now - this.startedAt));
    const cost = (gpuUsdPerHour * replicas * spanMs) / 3_600_000;
    const output = (cost / work) * 1_000_000;
    return { inputUsdPerMillion: output / k, outputUsdPerMillion: output };
  }
}
