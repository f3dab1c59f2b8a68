// A native Messages stream (https://platform.claude.com/docs/build-with-claude/streaming; bytes as in
// anthropics/anthropic-sdk-typescript tests/lib/fixtures/*.txt @bfa9197f): message_start,
// content_block_start and ping (the preamble), content_block_delta (output), content_block_stop,
// message_delta (stop reason, cumulative usage), message_stop (the end); `error` is the engine's error
// event. Its errors never pass through as the engine typed them (vLLM's Anthropic endpoint copies
// OpenAI-style types such as "internal_error", vllm/entrypoints/anthropic/api_router.py @01540b75):
// the router's judgement of them is written in Anthropic's terms (src/protocols/anthropic/errors.ts).
import type { RouterError } from '../../openai/errors.js';
import type { Usage } from '../../openai/usage.js';
import { anthropicError } from '../../protocols/anthropic/errors.js';
import { CONTENT, DELTA, MARKER, PREAMBLE_PASSED, type NativeStream, type Step } from './dialect.js';
import { frame, parse, type NativeEvent } from './sse-event.js';
import { MessagesUsage } from './usage.js';

const DONE: Step = { kind: 'done', answer: null, text: null };
const FOREIGN: Step = { kind: 'foreign', api: 'Messages' };

export class MessagesStream implements NativeStream {
  private readonly counts = new MessagesUsage();
  /** The content block started and not yet stopped, closed before a budget's cut. */
  private openBlock: number | null = null;
  /** message_start (with its Message) came: before it, only ping and error are Anthropic's, anything else is another dialect. */
  private started = false;

  step(event: NativeEvent): Step {
    if (!this.started && event.type !== 'message_start' && event.type !== 'ping' && event.type !== 'error') return FOREIGN;
    switch (event.type) {
      case 'content_block_delta':
        return DELTA;
      case 'ping':
        return PREAMBLE_PASSED;
      case 'message_start': {
        const message = parse(event)?.['message'];
        if (typeof message !== 'object' || message === null) return FOREIGN;
        this.started = true;
        if ('usage' in message) this.counts.add(message.usage);
        return PREAMBLE_PASSED;
      }
      case 'content_block_start': {
        const index = parse(event)?.['index'];
        this.openBlock = typeof index === 'number' ? index : null;
        return PREAMBLE_PASSED;
      }
      case 'content_block_stop':
        this.openBlock = null;
        return CONTENT;
      case 'message_delta':
        this.counts.add(parse(event)?.['usage']);
        return CONTENT;
      case 'message_stop':
        return DONE;
      case 'error':
        // {"type":"error","error":{"type":…,"message":…}}: engine-errors.ts reads its `error` member as is.
        return { kind: 'error', engineError: event.data };
      case '':
        return MARKER;
      default:
        return CONTENT;
    }
  }

  terminal(event: NativeEvent): string {
    return frame(event.type, event.data, event.named);
  }

  usage(): Usage | null {
    return this.counts.usage();
  }

  /**
   * `event: error` (the SDK throws APIError with its type), no message_stop. A budget's cut first
   * closes the open block and says max_tokens, so what was streamed reads as a cut answer.
   */
  failure(error: RouterError, streamed: number): string {
    let text = '';
    if (error.kind === 'insufficient_quota') {
      if (this.openBlock !== null) text += frame('content_block_stop', JSON.stringify({ type: 'content_block_stop', index: this.openBlock }), true);
      const delta = { type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: streamed } };
      text += frame('message_delta', JSON.stringify(delta), true);
    }
    const { type, message } = anthropicError(error);
    return text + frame('error', JSON.stringify({ type: 'error', error: { type, message } }), true);
  }
}
