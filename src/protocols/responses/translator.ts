// A Responses answer written from chat-completions bytes (the relays', the cache's and idempotency's
// replays): a JSON completion becomes one Response object; a chat stream becomes the Responses event
// sequence (design-16 §1.3): response.created and response.in_progress at commit, per output item
// output_item.added → content_part.added → deltas → …done events, then response.completed (or
// .incomplete) with usage, or after a failure response.failed. Each chat event is parsed at most
// once (plain content, opening and closing chunks not at all: plain-delta.ts, plain-ends.ts); its
// Responses events go out in one write.
// Text is kept as JSON string literal bodies and decoded once, when its item is done.
import { TranslatedResponse, type TranslatedBody } from '../translated-response.js';
import type { ResponsesAnswer } from './answer.js';
import { type Json } from './checks.js';
import { event } from './events.js';
import { OutputItem, Sequence, type ItemKind } from './output-item.js';
import { plainContentLiteral } from './plain-delta.js';
import { isPlainOpening, plainFinishReason } from './plain-ends.js';
import { endingOf, responseObject, responseUsage, statusOf, usageText } from './response-object.js';
import { isObject } from '../../json-object.js';
import { ToolCallNumbers } from '../../openai/tool-call-numbers.js';

const JSON_TYPE = 'application/json';
const RATE_LIMITED = new Set(['insufficient_quota', 'rate_limit_exceeded']);

export class ResponsesTranslator extends TranslatedResponse {
  private readonly seq = new Sequence();
  private started = false;
  /** A terminal event (completed, incomplete, failed) is written or on its way. */
  private finished = false;
  private readonly items: OutputItem[] = [];
  private message: OutputItem | null = null;
  private reasoning: OutputItem | null = null;
  private readonly calls: (OutputItem | undefined)[] = [];
  /** Made by the first tool call: most streams have none. */
  private callNumbers: ToolCallNumbers | null = null;
  private finishReason: unknown = null;
  private usage: unknown = null;
  /** Events of the chat event being translated, written together. */
  private out = '';

  constructor(
    res: ConstructorParameters<typeof TranslatedResponse>[0],
    private readonly answer: ResponsesAnswer,
  ) {
    super(res);
  }

  protected chatEvent(data: string): void {
    if (this.finished) return;
    // The first content chunk too: it opens the message as its parse would.
    const literal = plainContentLiteral(data);
    if (literal !== null) {
      if (!this.started) this.start();
      this.textLiteral(literal);
      this.flush();
      return;
    }
    // The opening and closing chunks, likewise (plain-ends.ts).
    const reason = plainFinishReason(data);
    if (reason !== null || isPlainOpening(data)) {
      if (!this.started) this.start();
      if (reason !== null) this.finishReason = reason;
      this.flush();
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return;
    }
    if (!isObject(chunk)) return;
    if (!this.started) this.start();
    if (chunk['error'] !== undefined) this.fail(isObject(chunk['error']) ? chunk['error'] : {});
    else this.read(chunk);
    this.flush();
  }

  protected streamEnded(completed: boolean): Promise<void> | undefined {
    if (this.finished) return undefined;
    if (!this.started) this.start();
    if (!completed) {
      this.fail({ message: 'The stream ended before the answer was complete.', code: 'stream_interrupted' });
      this.flush();
      return undefined;
    }
    this.finished = true;
    const { status, reason } = statusOf(this.finishReason);
    this.closeAll(status === 'completed' ? 'completed' : 'incomplete');
    this.flush();
    const output = this.items.map((item) => item.json);
    // Each item's text is in its output_item.done event already: the list of them is not encoded again.
    const outputText = `[${this.items.map((item) => item.jsonText).join(',')}]`;
    const usage = responseUsage(this.usage);
    const ending = { status, output, outputText, usage, usageText: usageText(usage), error: null, incompleteReason: reason };
    return this.answer.finish(ending).then((text) => {
      this.send(event(status === 'completed' ? 'response.completed' : 'response.incomplete', `"response":${text}`, this.seq.next()));
    });
  }

  protected translateJson(body: Buffer): Promise<TranslatedBody> {
    let completion: unknown;
    try {
      completion = JSON.parse(body.toString('utf8'));
    } catch {
      completion = null;
    }
    if (!isObject(completion)) {
      const error = { error: { message: 'The engine answered with a body that is not a chat completion.', type: 'server_error', param: null, code: 'upstream_error' } };
      return Promise.resolve({ status: 502, contentType: JSON_TYPE, body: Buffer.from(JSON.stringify(error)) });
    }
    return this.answer.finish(endingOf(this.answer.frame, completion)).then((text) => ({ status: 200, contentType: JSON_TYPE, body: Buffer.from(text) }));
  }

  /** An engine that serves Responses itself answered (src/proxy/native/): its Response objects are made this response's. */
  protected override nativeLifecycle(response: Json): void {
    this.answer.identify(response);
  }

  /** …and its finished one kept, as a translated answer is. */
  protected override nativeFinished(answer: Json): Promise<Json> {
    return this.answer.finishNative(answer);
  }

  /** Errors are OpenAI's envelope in both APIs: passed on as they are. */
  protected translateError(status: number, body: Buffer): TranslatedBody {
    return { status, contentType: JSON_TYPE, body };
  }

  private start(): void {
    this.started = true;
    const { frame } = this.answer;
    const skeleton = `"response":${this.answer.text({ status: 'in_progress', output: [], usage: null, error: null, incompleteReason: null, stored: frame.store })}`;
    this.out += event('response.created', skeleton, this.seq.next()) + event('response.in_progress', skeleton, this.seq.next());
  }

  private read(chunk: Json): void {
    if (isObject(chunk['usage'])) this.usage = chunk['usage'];
    const choices = chunk['choices'];
    const choice: unknown = Array.isArray(choices) ? choices[0] : undefined;
    if (!isObject(choice)) return;
    if (choice['finish_reason'] !== undefined && choice['finish_reason'] !== null) this.finishReason = choice['finish_reason'];
    // A choice without a delta (Azure's content-filter results) carries no output.
    const delta = choice['delta'];
    if (!isObject(delta)) return;
    const reasoning = delta['reasoning_content'] ?? delta['reasoning'];
    if (typeof reasoning === 'string' && reasoning !== '') this.delta(this.reasoning ?? (this.reasoning = this.openItem('reasoning')), reasoning);
    const content = delta['content'];
    if (typeof content === 'string' && content !== '') this.textLiteral(JSON.stringify(content).slice(1, -1));
    const refusal = delta['refusal'];
    if (typeof refusal === 'string' && refusal !== '') (this.message ?? (this.message = this.openItem('message'))).refusal += refusal;
    const calls = delta['tool_calls'];
    if (Array.isArray(calls)) calls.forEach((call: unknown, position) => isObject(call) && this.call(call, position));
  }

  /** Message text given as a JSON string literal's body. */
  private textLiteral(body: string): void {
    const item = this.message ?? (this.message = this.openItem('message'));
    if (!item.hasText) this.out += item.textPart(this.seq);
    this.literal(item, body);
  }

  private call(call: Json, position: number): void {
    const index = (this.callNumbers ??= new ToolCallNumbers()).of(call, position);
    const fn = isObject(call['function']) ? call['function'] : {};
    let item = this.calls[index];
    if (item === undefined) {
      const callId = typeof call['id'] === 'string' ? call['id'] : '';
      item = this.calls[index] = this.openItem('function_call', typeof fn['name'] === 'string' ? fn['name'] : '', callId);
    } else if (item.name === '' && typeof fn['name'] === 'string') {
      item.name = fn['name'];
    }
    const args = fn['arguments'];
    if (typeof args === 'string' && args !== '') this.delta(item, args);
  }

  private delta(item: OutputItem, text: string): void {
    this.literal(item, JSON.stringify(text).slice(1, -1));
  }

  private literal(item: OutputItem, body: string): void {
    this.out += item.delta(body, this.seq);
  }

  /** A new output item; the reasoning or message item before it is done (function calls stay open to the end: their deltas may interleave). */
  private openItem(kind: ItemKind, name = '', callId = ''): OutputItem {
    if (kind !== 'reasoning' && this.reasoning !== null) this.close(this.reasoning, 'completed');
    if (kind !== 'message' && this.message !== null) this.close(this.message, 'completed');
    const { frame } = this.answer;
    const n = frame.firstOutputItem + this.items.length;
    // A call the engine gave no id gets one as the unstreamed answer does (response-object.ts outputOf).
    const id = kind === 'function_call' && callId === '' ? frame.ids.item('call', n) : callId;
    const item = new OutputItem(kind, frame.ids.item(kind === 'message' ? 'msg' : kind === 'reasoning' ? 'rs' : 'fc', n), this.items.length, name, id);
    this.items.push(item);
    this.out += item.added(this.seq);
    return item;
  }

  private close(item: OutputItem, status: string): void {
    if (item === this.message) this.message = null;
    if (item === this.reasoning) this.reasoning = null;
    this.out += item.done(status, this.seq);
  }

  private closeAll(status: string): void {
    for (const item of this.items) if (item.open) this.close(item, status);
  }

  /**
   * After commit: the open items end as they are, then the terminal response.failed (nothing is
   * stored). No `error` event: openai 6's stream helper re-emits it as its own 'error', which rejects
   * finalResponse() and drops the response.failed after it (lib/responses/ResponseStream.js
   * maybeEmit(event.type), lib/EventStream.js _emit('error')); the failed response carries the error.
   */
  private fail(error: Json): void {
    this.finished = true;
    this.closeAll('incomplete');
    const code = typeof error['code'] === 'string' ? error['code'] : null;
    const message = typeof error['message'] === 'string' ? error['message'] : 'The answer failed.';
    const failed = responseObject(this.answer.frame, {
      status: 'failed',
      output: this.items.map((item) => item.json),
      usage: responseUsage(this.usage),
      error: { code: code !== null && RATE_LIMITED.has(code) ? 'rate_limit_exceeded' : 'server_error', message },
      incompleteReason: null,
      stored: false,
    });
    this.out += event('response.failed', `"response":${JSON.stringify(failed)}`, this.seq.next());
  }

  private flush(): void {
    if (this.out === '') return;
    this.send(this.out);
    this.out = '';
  }
}
