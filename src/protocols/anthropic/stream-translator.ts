// A chat-completions stream, event by event, as Anthropic's Messages stream (event order and bytes:
// https://platform.claude.com/docs/build-with-claude/streaming and anthropics/anthropic-sdk-typescript
// @bfa9197f tests/lib/fixtures/tool_use_response.txt):
//   first chunk      → message_start (usage 0: the real counts come with message_delta) and a ping
//   reasoning delta  → a thinking block's thinking_delta     content (or refusal) delta → a text block's text_delta
//   tool call k      → its own tool_use block (content_block_start with id and name), input_json_delta per fragment
//   finish_reason    → kept for message_delta                usage chunk → kept for message_delta.usage
//   [DONE]           → content_block_stop of the open block, message_delta, message_stop
//   error event      → `event: error` (after a budget's closing chunk: the block closed and message_delta first)
// Every event has its `event:` line: @anthropic-ai/sdk 1.x skips events without one (src/core/streaming.ts),
// and its MessageStream requires message_delta.usage, whose present counts overwrite message_start's.
// One JSON.parse per chat chunk; each block's delta prefix is built once, when the block opens.
import { streamErrorFromChat } from './errors.js';
import { type Json } from './invalid.js';
import { FallbackIds } from './fallback-ids.js';
import { literalEnd } from '../../openai/string-literal.js';
import { ToolCallNumbers } from '../../openai/tool-call-numbers.js';
import { messageId, stopReasonOf, toolInput, toolUseId, usageJson, type StopReason } from './message-object.js';
import { isObject } from '../../json-object.js';

type Block = 'text' | 'thinking' | 'tool';

const PING = 'event: ping\ndata: {"type": "ping"}\n\n';
const STOP = 'event: message_stop\ndata: {"type":"message_stop"}\n\n';
const DELTA_HEAD = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":';
const START_HEAD = 'event: content_block_start\ndata: {"type":"content_block_start","index":';
const FIELD: Readonly<Record<Block, string>> = { text: '"text_delta","text":', thinking: '"thinking_delta","thinking":', tool: '"input_json_delta","partial_json":' };
const NO_STOP: StopReason = stopReasonOf(null, null);
/** A delta that opens with content (the no-space spelling every engine the relay reads writes); its last character opens the literal. */
const CONTENT_DELTA = '"delta":{"content":"';
const CLOSE_BRACE = 0x7d;
const SPACE = 0x20;

export class StreamTranslator {
  private started = false;
  private failed = false;
  /** The open block's kind and index (-1: none yet); blocks are numbered in the order they open. */
  private open: Block | null = null;
  private index = -1;
  /** `…"index":N,"delta":{"type":"text_delta","text":` of the open text or thinking block. */
  private deltaPrefix = '';
  /** Chat tool call index → its block's index (calls are numbered by the engine, blocks by us). */
  private readonly tools = new Map<number, number>();
  /**
   * What began while a tool call's block was open, in order: other calls, text, thinking. Anthropic's
   * blocks run one at a time (start, deltas, stop), and an engine may still send fragments of the open
   * call, so these wait, gathered, and follow as whole blocks when it closes.
   */
  private readonly held: HeldBlock[] = [];
  private finish: StopReason | null = null;
  private usage: unknown = null;
  /** Made by the first tool call: most streams have none. */
  private callNumbers: ToolCallNumbers | null = null;
  /**
   * The open tool block's arguments so far: sent, checked, when it stops. Anthropic's input is always
   * a JSON object, and @anthropic-ai/sdk parses the fragments joined when the block is read: an engine's
   * arguments that end invalid (a small model's broken JSON) would make finalMessage() throw and lose
   * the whole answer, so they become `{}` as the whole Message's do (message-object.ts toolInput).
   */
  private openArgs = '';

  /** `model`: the name the client asked for, echoed as Anthropic does; `ids`: the answer's ids where the engine gave none. */
  constructor(
    private readonly model: string,
    private readonly ids: FallbackIds = new FallbackIds(),
  ) {}

  /** The Anthropic events for one chat event's data (a chunk, or an error event). */
  event(data: string): string {
    if (this.failed) return '';
    if (this.open === 'text') {
      const fast = this.textDelta(data);
      if (fast !== null) return fast;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return '';
    }
    if (!isObject(chunk)) return '';
    if (chunk['error'] !== undefined || chunk['object'] === 'error') return this.fail(data);
    let out = this.started ? '' : this.start(chunk['id']);
    const choices = chunk['choices'];
    const choice = Array.isArray(choices) ? (choices[0] as unknown) : undefined;
    if (isObject(choice)) {
      // Azure's content-filter annotations come as choices without a delta: nothing to say.
      const delta = choice['delta'];
      if (isObject(delta)) {
        const reasoning = delta['reasoning_content'] ?? delta['reasoning'];
        if (typeof reasoning === 'string' && reasoning !== '') out += this.text('thinking', reasoning);
        const content = delta['content'];
        if (typeof content === 'string' && content !== '') out += this.text('text', content);
        // A refusal is the answer's text, as the whole message says it (message-object.ts).
        const refusal = delta['refusal'];
        if (typeof refusal === 'string' && refusal !== '') out += this.text('text', refusal);
        const calls = delta['tool_calls'];
        if (Array.isArray(calls)) for (let k = 0; k < calls.length; k++) out += this.toolCall(calls[k], k);
      }
      const finish = choice['finish_reason'];
      if (typeof finish === 'string') this.finish = stopReasonOf(finish, choice['stop_reason']);
    }
    const usage = chunk['usage'];
    if (isObject(usage)) this.usage = usage;
    return out;
  }

  /** The end of the chat stream: with its [DONE] (`completed`), or cut short without an error event. */
  end(completed: boolean): string {
    if (this.failed) return '';
    let out = this.started ? '' : this.start(null);
    if (!completed) {
      this.failed = true;
      return out + streamErrorFromChat('{"error":{"message":"The stream ended before the answer was complete.","code":"stream_interrupted"}}');
    }
    out += this.close() + this.messageDelta(this.finish ?? NO_STOP);
    return out + STOP;
  }

  /**
   * The common chunk, read without parsing it: one choice whose delta is only non-empty content, no
   * finish_reason, no usage, while a text block is open. The content's JSON string literal is copied
   * as it came (a valid literal in the engine's JSON is one in ours); anything else returns null and
   * is parsed.
   */
  private textDelta(data: string): string | null {
    const at = data.indexOf(CONTENT_DELTA);
    if (at < 0) return null;
    const open = at + CONTENT_DELTA.length - 1;
    // Only a valid literal is copied (an engine's `\q` would be invalid JSON in ours); else the parse refuses it.
    const end = literalEnd(data, open + 1);
    if (end < 0 || end === open + 1 || data.charCodeAt(end + 1) !== CLOSE_BRACE) return null;
    const after = end + 2;
    if (data.includes('"delta"', after) || !nullOrAbsent(data, '"finish_reason":', after) || !nullOrAbsent(data, '"usage":', after) || data.startsWith('{"error"')) return null;
    return `${this.deltaPrefix}${data.slice(open, end + 1)}}}\n\n`;
  }

  private start(chatId: unknown): string {
    this.started = true;
    const id = JSON.stringify(messageId(chatId, this.ids));
    const message = `{"id":${id},"type":"message","role":"assistant","model":${JSON.stringify(this.model)},"content":[],"stop_reason":null,"stop_sequence":null,"stop_details":null,"container":null,"usage":${usageJson(null)}}`;
    return `event: message_start\ndata: {"type":"message_start","message":${message}}\n\n${PING}`;
  }

  private text(kind: 'text' | 'thinking', text: string): string {
    if (this.open === 'tool') {
      const last = this.held.at(-1);
      if (last?.kind === kind) last.text += text;
      else this.held.push({ kind, text });
      return '';
    }
    let out = '';
    if (this.open !== kind) {
      out = this.close() + this.openBlock(kind, kind === 'text' ? '{"type":"text","text":""}' : '{"type":"thinking","thinking":"","signature":""}');
      this.deltaPrefix = `${DELTA_HEAD}${this.index},"delta":{"type":${FIELD[kind]}`;
    }
    return `${out}${this.deltaPrefix}${JSON.stringify(text)}}}\n\n`;
  }

  private toolCall(raw: unknown, position: number): string {
    if (!isObject(raw)) return '';
    const call = (this.callNumbers ??= new ToolCallNumbers()).of(raw, position);
    const fn: Json = isObject(raw['function']) ? raw['function'] : {};
    const args = typeof fn['arguments'] === 'string' ? fn['arguments'] : '';
    const waiting = this.held.find((held): held is HeldCall => held.kind === 'tool' && held.call === call);
    if (waiting !== undefined) {
      waiting.args += args;
      return '';
    }
    let out = '';
    let block = this.tools.get(call);
    if (block === undefined) {
      const name = typeof fn['name'] === 'string' ? fn['name'] : '';
      const shape = `{"type":"tool_use","id":${JSON.stringify(toolUseId(raw['id'], call, this.ids))},"name":${JSON.stringify(name)},"input":{}}`;
      if (this.open === 'tool') {
        this.held.push({ kind: 'tool', call, block: shape, args });
        return '';
      }
      out = this.close() + this.openBlock('tool', shape);
      block = this.index;
      this.tools.set(call, block);
    }
    if (block === this.index && this.open === 'tool') this.openArgs += args;
    // A fragment of a call whose block was closed since (text came between) still goes to that call's
    // block: the SDK's accumulator finds blocks by index.
    else if (args !== '') out += this.inputDelta(block, args);
    return out;
  }

  /** The open tool block's arguments as one checked delta (none when there were none). */
  private argsDelta(args: string): string {
    return args === '' ? '' : this.inputDelta(this.index, toolInput(args));
  }

  private inputDelta(block: number, args: string): string {
    return `${DELTA_HEAD}${block},"delta":{"type":${FIELD.tool}${JSON.stringify(args)}}}\n\n`;
  }

  private openBlock(kind: Block, block: string): string {
    this.open = kind;
    this.index++;
    return `${START_HEAD}${this.index},"content_block":${block}}\n\n`;
  }

  /** Stops the open block; what was held behind it follows, each a whole block. */
  private close(): string {
    if (this.open === null) return '';
    let out = this.open === 'tool' ? this.argsDelta(this.openArgs) : '';
    this.openArgs = '';
    this.open = null;
    out += this.stop();
    for (const held of this.held.splice(0)) {
      if (held.kind === 'tool') {
        out += this.openBlock('tool', held.block);
        this.tools.set(held.call, this.index);
        out += this.argsDelta(held.args);
      } else {
        out += this.text(held.kind, held.text);
      }
      out += this.stop();
      this.open = null;
    }
    return out;
  }

  private stop(): string {
    return `event: content_block_stop\ndata: {"type":"content_block_stop","index":${this.index}}\n\n`;
  }

  private messageDelta(stop: StopReason): string {
    const delta = `{"stop_reason":"${stop.reason}","stop_sequence":${JSON.stringify(stop.sequence)},"stop_details":null}`;
    return `event: message_delta\ndata: {"type":"message_delta","delta":${delta},"usage":${usageJson(this.usage)}}\n\n`;
  }

  /**
   * A failure after commit. A budget's cut comes as a closing chunk (finish_reason "length") and
   * then the error: the partial answer is closed as a max_tokens answer before the error is told.
   */
  private fail(data: string): string {
    this.failed = true;
    let out = this.started ? '' : this.start(null);
    if (this.finish !== null) out += this.close() + this.messageDelta(this.finish);
    return out + streamErrorFromChat(data);
  }
}

/** Whether `key` is absent after `from`, or its value is null (in any spacing). */
function nullOrAbsent(data: string, key: string, from: number): boolean {
  let at = data.indexOf(key, from);
  if (at < 0) return true;
  at += key.length;
  while (data.charCodeAt(at) === SPACE) at++;
  return data.startsWith('null', at);
}

type HeldCall = { readonly kind: 'tool'; readonly call: number; readonly block: string; args: string };
type HeldBlock = HeldCall | { readonly kind: 'text' | 'thinking'; text: string };
