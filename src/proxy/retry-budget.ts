// A cap on retries as a share of traffic, so an outage does not multiply the load on the replicas
// that are left. Counts requests and retries over a sliding window of two half-window buckets: cheap
// (two counters, no per-request allocation) and smooth enough for a budget.
import type { RetryConfig } from '../config/types.js';

const WINDOW_MS = 10_000;
const HALF = WINDOW_MS / 2;

export class RetryBudget {
  private bucketStart = 0;
  private requests = 0;
  private retries = 0;
  private previousRequests = 0;
  private previousRetries = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Every request that reaches the attempt loop counts toward the base the budget is a share of. */
  recordRequest(): void {
    this.roll();
    this.requests++;
  }

  /** Takes one retry from the budget; false when the budget is spent. The config is the one in force. */
  tryRetry(config: Pick<RetryConfig, 'budgetPercent' | 'minRetriesPerSecond'>): boolean {
    this.roll();
    const requests = this.requests + this.previousRequests;
    const retries = this.retries + this.previousRetries;
    const allowed = Math.max((config.minRetriesPerSecond * WINDOW_MS) / 1000, (requests * config.budgetPercent) / 100);
    if (retries >= allowed) return false;
    this.retries++;
    return true;
  }

  private roll(): void {
    const now = this.now();
    const elapsed = now - this.bucketStart;
    if (elapsed < HALF) return;
    // One bucket ago: the current bucket becomes the previous one. Longer ago: both are empty.
    this.previousRequests = elapsed < WINDOW_MS ? this.requests : 0;
    this.previousRetries = elapsed < WINDOW_MS ? this.retries : 0;
    this.requests = 0;
    this.retries = 0;
    this.bucketStart = now - (elapsed % HALF);
  }
}
