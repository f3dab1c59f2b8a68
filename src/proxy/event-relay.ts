// Passing a committed stream's events to the client. Runs of events go out as slices of the bytes
// received; only the events the router must read are decoded: the usage chunk (kept in the attempt's
// result, and dropped when the client did not ask for it), an engine's error event, and [DONE].
import { once } from 'node:events';
import type { ClientResponse } from '../protocols/client-response.js';
import { RouterError, errorBody } from '../openai/errors.js';
import { NeedleCursor, eventText, isDoneEvent, type EventRange, type SplitChunk } from '../openai/sse-buffer.js';
import { encodeEvent } from '../openai/sse.js';
import { isErrorEvent } from '../openai/error-event.js';
import { extractUsage, withUsageMember } from '../openai/usage.js';
import { outputTokens } from '../budgets/estimate.js';
import type { StreamGuard } from './stream-guard.js';
import { chargeUsage } from '../cost/charge.js';
import { chunkOutputText } from '../openai/chunk-output.js';
import { formatUsd } from '../cost/money.js';
import type { AbortSwitch } from './abort-switch.js';
import type { AttemptContext } from './attempt.js';
import { streamErrorAfterCommit } from './outcome.js';
import { skipJsonSpace } from '../json-whitespace.js';

const USAGE_KEY = Buffer.from('"usage":');
const OPEN_BRACE = 0x7b;
// Reasoning deltas are output too: `reasoning_content` (vLLM's DeltaMessage until it was renamed) and
// `reasoning` (vllm/entrypoints/openai/engine/protocol.py DeltaMessage). Keys only: their values are
// read in place, after any JSON whitespace (Python's json.dumps writes `"content": "…"`).
const CONTENT = [Buffer.from('"content":'), Buffer.from('"text":'), Buffer.from('"reasoning_content":'), Buffer.from('"reasoning":')];
const TOOL_CALLS = Buffer.from('"tool_calls":');
const QUOTE = 0x22;
const OPEN_BRACKET = 0x5b;
const USAGE_ONLY_CHUNK = /"choices":\s*\[\s*\]/;

export class EventRelay {
  /** Saw [DONE] or failed: nothing more is relayed. */
  finished = false;
  /** Saw [DONE]: the stream completed. */
  done = false;
  /** The last content event, from which a closing chunk is made when a budget runs out. */
  private lastContent: string | null = null;
  private readonly res: ClientResponse;
  /** Output is counted only where something needs it: a budget's guard or a metered settle. */
  private readonly countTokens: boolean;

  constructor(
    private readonly a: AttemptContext,
    /** Aborted with the attempt: a client that stops reading must not hold the relay forever. */
    private readonly abort: AbortSwitch,
  ) {
    this.res = a.res;
    this.countTokens = a.guard !== null || a.metered;
  }

  async send({ buffer, events }: SplitChunk): Promise<void> {
    // Every event as the engine sent it, the usage chunk included: a replay decides what the client gets.
    this.a.recorder?.events(buffer, events);
    const find = new ChunkSearch(buffer);
    // The run of events passed on as they came: events[runFrom, runTo), none while runFrom is -1.
    let runFrom = -1;
    let runTo = -1;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (isDoneEvent(buffer, event)) {
        this.finished = this.done = true;
        runFrom = runFrom < 0 ? i : runFrom;
        runTo = i + 1;
        break;
      }
      if (isErrorEvent(buffer, event)) {
        await this.write(buffer, events, runFrom, runTo);
        this.fail(streamErrorAfterCommit(eventText(buffer, event), this.a.replica.name, this.a.request.endpoint));
        return;
      }
      const usage = find.usage(event) ? eventText(buffer, event) : null;
      if (usage !== null && this.readUsage(usage)) {
        const priced = this.a.request.clientWantsUsage ? this.pricedUsage(usage) : null;
        if (!this.a.request.clientWantsUsage || priced !== null) {
          // The router asked for usage and the client did not: this event is not passed on. Or it
          // is, with its cost added (one rewrite per stream).
          await this.write(buffer, events, runFrom, runTo);
          runFrom = runTo = -1;
          if (priced !== null && !this.res.write(encodeEvent(priced))) await once(this.res, 'drain', { signal: this.abort.signal });
          continue;
        }
      } else if (this.countTokens && find.content(event)) {
        const guard = this.a.guard;
        if (guard === null) {
          this.a.result.streamedTokens++;
        } else {
          // A budget's guard counts what the chunk holds: one chunk may carry many tokens.
          const data = eventText(buffer, event);
          const tokens = outputTokens(chunkOutputText(data)) || 1;
          // The closing chunk of a cut is made from the last content chunk, this one if it is the first.
          this.lastContent ??= data;
          if (this.a.result.streamedTokens + tokens > guard.allowed) {
            await this.write(buffer, events, runFrom, runTo);
            runFrom = -1;
            while (this.a.result.streamedTokens + tokens > guard.allowed) {
              if (!(await guard.extend())) {
                this.cutForBudget(guard);
                return;
              }
            }
          }
          this.a.result.streamedTokens += tokens;
          this.lastContent = data;
        }
      }
      runFrom = runFrom < 0 ? i : runFrom;
      runTo = i + 1;
    }
    await this.write(buffer, events, runFrom, runTo);
  }

  /** Ends the stream with one error event and no [DONE]. */
  fail(error: RouterError): void {
    this.finished = true;
    this.a.result.outcome = error.kind;
    this.a.result.error = error;
    if (!this.res.destroyed) this.res.write(encodeEvent(JSON.stringify(errorBody(error))));
  }

  /**
   * The key's budget ran out mid-stream (tight mode): a closing chunk with finish_reason "length",
   * so clients see a cut answer as such; the usage chunk when the client asked for one (a translator
   * always does: it makes the answer's usage of it), with what the key is charged for the cut stream
   * (meter.ts usedTokens: the estimated prompt and the tokens streamed), since the engine's own never
   * comes; then the error event. The upstream request is closed.
   */
  private cutForBudget(guard: StreamGuard): void {
    const last = this.lastContent;
    const closing = last === null ? null : closingChunk(last);
    if (closing !== null && !this.res.destroyed) this.res.write(encodeEvent(closing));
    const usage = last === null || !this.a.request.clientWantsUsage ? null : usageChunk(last, guard.promptTokens, this.a.result.streamedTokens);
    if (usage !== null && !this.res.destroyed) this.res.write(encodeEvent(usage));
    this.fail(new RouterError('insufficient_quota', "The stream was ended because this key's budget (tokens or dollars) is spent."));
  }

  /** Keeps the usage an event carries; true when it is the usage-only chunk (no choices). */
  private readUsage(data: string): boolean {
    const usage = extractUsage(data);
    if (usage === null) return false;
    chargeUsage(this.a.result, usage, this.a.pool.pricing);
    return USAGE_ONLY_CHUNK.test(data);
  }

  /** The usage chunk with its cost in USD as `usage.cost` (OpenRouter's name); null when the cost is unknown. */
  private pricedUsage(data: string): string | null {
    const cost = this.a.result.costNanoUsd;
    return cost === null ? null : withUsageMember(data, 'cost', formatUsd(cost));
  }

  /** A translator takes the events as they were found here (ClientResponse.writeEvents); anything else their bytes. */
  private async write(buffer: Buffer, events: readonly EventRange[], from: number, to: number): Promise<void> {
    if (from < 0) return;
    const { res } = this;
    const written = res.writeEvents !== undefined ? res.writeEvents(buffer, events, from, to) : res.write(buffer.subarray(events[from]!.start, events[to - 1]!.end));
    if (written) return;
    await once(res, 'drain', { signal: this.abort.signal });
  }
}

/** The searches the relay makes in one chunk's events, each scanning the chunk once. */
class ChunkSearch {
  /** One search for the key, its value checked in place after any whitespace: `"usage":{` and `"usage": {` in one scan. */
  private readonly usageKey: NeedleCursor;
  private readonly contents: readonly NeedleCursor[];
  private readonly toolCalls: NeedleCursor;

  constructor(private readonly buffer: Buffer) {
    this.usageKey = new NeedleCursor(buffer, USAGE_KEY);
    this.contents = CONTENT.map((needle) => new NeedleCursor(buffer, needle));
    this.toolCalls = new NeedleCursor(buffer, TOOL_CALLS);
  }

  /** Whether the event carries a usage object (engines that stream `"usage":null` in every chunk do not). */
  usage(event: EventRange): boolean {
    const at = this.usageKey.find(event);
    return at >= 0 && this.buffer[skipJsonSpace(this.buffer, at + USAGE_KEY.length)] === OPEN_BRACE;
  }

  /** Whether the event carries generated output: non-empty text, content or reasoning, or a tool call. */
  content(event: EventRange): boolean {
    const { buffer } = this;
    for (let i = 0; i < CONTENT.length; i++) {
      const at = this.contents[i]!.find(event);
      if (at < 0) continue;
      // A string that is not empty: its opening quote, then anything but the closing one.
      const value = skipJsonSpace(buffer, at + CONTENT[i]!.length);
      if (buffer[value] === QUOTE && buffer[value + 1] !== QUOTE) return true;
    }
    const calls = this.toolCalls.find(event);
    return calls >= 0 && buffer[skipJsonSpace(buffer, calls + TOOL_CALLS.length)] === OPEN_BRACKET;
  }
}

/** The usage-only chunk (no choices) of the stream `lastContent` belongs to, with these counts. */
function usageChunk(lastContent: string, promptTokens: number, completionTokens: number): string | null {
  try {
    const chunk = JSON.parse(lastContent) as Record<string, unknown>;
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    return JSON.stringify({ id: chunk['id'], object: chunk['object'], created: chunk['created'], model: chunk['model'], choices: [], usage });
  } catch {
    return null;
  }
}

/** The last content chunk with its output emptied and finish_reason "length". */
function closingChunk(lastContent: string): string | null {
  try {
    const chunk = JSON.parse(lastContent) as { choices?: Record<string, unknown>[] };
    if (!Array.isArray(chunk.choices)) return null;
    chunk.choices = chunk.choices.map((choice) => {
      const closed: Record<string, unknown> = { index: choice['index'] ?? 0, finish_reason: 'length' };
      if ('delta' in choice) closed['delta'] = {};
      if ('text' in choice) closed['text'] = '';
      return closed;
    });
    return JSON.stringify(chunk);
  } catch {
    return null;
  }
}
