// A budget's say in a stream (tight mode): how many output tokens may still go out, and a way to ask
// for more. When more is refused the stream ends cleanly with finish_reason "length" and an error
// event, instead of overspending or breaking off silently.
export interface StreamGuard {
  /** Output tokens the stream may send in all before it must ask for more. */
  readonly allowed: number;
  /** The prompt's tokens as the budget counts them (the tokenizer's estimate): a cut stream's usage says it. */
  readonly promptTokens: number;
  /** Asks for more; false when the budget is spent. */
  extend(): Promise<boolean>;
}
