// Anthropic's Messages stream (https://docs.claude.com/en/docs/build-with-claude/streaming; event shapes
// in anthropics/anthropic-sdk-typescript src/resources/messages/messages.ts @bfa9197f, RawMessageStreamEvent)
// rewritten, event by event, as an OpenAI chat-completions stream, before the SSE relay reads it: the
// relay's pre-commit window, usage, budgets, cost and metrics then work as for any chat engine.
//   message_start        → a role-only chunk (preamble: the attempt stays retryable until content)
//   text_delta           → delta.content        thinking_delta → delta.reasoning_content
//   tool_use block start → tool_calls[k] with id, name and "" arguments; input_json_delta → its arguments;
//                          its stop, when no argument text came (a tool without parameters) → arguments "{}"
//   message_delta        → the finish_reason chunk (usage counts kept: they are cumulative, later overwrite)
//   message_stop         → the usage chunk (choices: []) and [DONE]
//   ping                 → an SSE comment (a keep-alive, no progress)
//   error                → {"error":{message,type}}, the relay's engine-error event (before or after commit)
// Server-tool blocks (server_tool_use, web_search_tool_result, …) and their deltas are Anthropic's own
// work and are skipped; signature_delta, citations_delta and any other content_block_stop carry nothing for chat.
import { SseByteSplitter, eventText } from '../../openai/sse-buffer.js';
import { isObject } from '../../json-object.js';
import { chatUsage, finishReasonOf } from './response.js';

type Json = Record<string, unknown>;

/**
 * A content block's role in the chat stream, by its index in the Message. A tool call notes the input
 * its start carried and whether any of its arguments were sent.
 */
type Block = { readonly kind: 'text' | 'thinking' | 'skip' } | { readonly kind: 'tool'; readonly call: number; readonly input: unknown; argued: boolean };

const PING = ': ping\n\n';

export class AnthropicStreamTranscoder {
  private readonly splitter = new SseByteSplitter();
  private readonly blocks = new Map<number, Block>();
  private calls = 0;
  /** `{"id":…,"object":…,"created":…,"model":…,` — every chunk's head, fixed at message_start. */
  private head = '{"id":"chatcmpl-","object":"chat.completion.chunk","created":0,"model":"",';
  private usage: Json = {};

  /** The chat SSE bytes for one read of the upstream body (empty while an event is incomplete). */
  push(chunk: Buffer): Buffer {
    const { buffer, events } = this.splitter.push(chunk);
    let out = '';
    for (const event of events) {
      const data = eventText(buffer, event);
      if (data === '') continue;
      out += this.translate(data);
    }
    return Buffer.from(out);
  }

  private translate(data: string): string {
    let event: Json;
    try {
      event = JSON.parse(data) as Json;
    } catch {
      return errorEvent('api_error', 'The Anthropic stream carried an event that is not JSON.');
    }
    switch (event['type']) {
      case 'message_start': {
        const message = (event['message'] ?? {}) as Json;
        const id = typeof message['id'] === 'string' ? message['id'] : '';
        this.head = `{"id":${JSON.stringify(`chatcmpl-${id}`)},"object":"chat.completion.chunk","created":${Math.floor(Date.now() / 1000)},"model":${JSON.stringify(message['model'] ?? '')},`;
        this.mergeUsage(message['usage']);
        return this.chunk('{"role":"assistant","content":""}', 'null');
      }
      case 'content_block_start':
        return this.start(event);
      case 'content_block_delta':
        return this.delta(event);
      case 'content_block_stop':
        return this.stop(event);
      case 'message_delta': {
        this.mergeUsage(event['usage']);
        const delta = (event['delta'] ?? {}) as Json;
        return this.chunk('{}', JSON.stringify(finishReasonOf(delta['stop_reason'])));
      }
      case 'message_stop':
        return `data: ${this.head}"choices":[],"usage":${JSON.stringify(chatUsage(this.usage))}}\n\ndata: [DONE]\n\n`;
      case 'ping':
        return PING;
      case 'error': {
        const error = (event['error'] ?? {}) as Json;
        return errorEvent(typeof error['type'] === 'string' ? error['type'] : 'api_error', typeof error['message'] === 'string' ? error['message'] : 'error');
      }
      default:
        // Event types added later: nothing for a chat client.
        return '';
    }
  }

  private start(event: Json): string {
    const index = event['index'] as number;
    const block = (event['content_block'] ?? {}) as Json;
    switch (block['type']) {
      case 'text':
        this.blocks.set(index, { kind: 'text' });
        return typeof block['text'] === 'string' && block['text'] !== '' ? this.chunk(`{"content":${JSON.stringify(block['text'])}}`, 'null') : '';
      case 'thinking':
        this.blocks.set(index, { kind: 'thinking' });
        return '';
      case 'tool_use': {
        const call = this.calls++;
        this.blocks.set(index, { kind: 'tool', call, input: block['input'], argued: false });
        const opened = { index: call, id: block['id'], type: 'function', function: { name: block['name'], arguments: '' } };
        return this.chunk(`{"tool_calls":[${JSON.stringify(opened)}]}`, 'null');
      }
      default:
        this.blocks.set(index, { kind: 'skip' });
        return '';
    }
  }

  private delta(event: Json): string {
    const block = this.blocks.get(event['index'] as number);
    const delta = (event['delta'] ?? {}) as Json;
    if (block === undefined || block.kind === 'skip') return '';
    if (delta['type'] === 'text_delta' && block.kind === 'text') return this.text('content', delta['text']);
    if (delta['type'] === 'thinking_delta' && block.kind === 'thinking') return this.text('reasoning_content', delta['thinking']);
    if (delta['type'] === 'input_json_delta' && block.kind === 'tool') {
      const json = delta['partial_json'];
      if (typeof json !== 'string' || json === '') return '';
      block.argued = true;
      return this.chunk(`{"tool_calls":[{"index":${block.call},"function":{"arguments":${JSON.stringify(json)}}}]}`, 'null');
    }
    return '';
  }

  /**
   * A tool call whose arguments never came as text is given its start's input, or {}: Anthropic streams a
   * tool without parameters as one empty partial_json, which its own SDK reads as {}
   * (anthropic-sdk-typescript src/internal/message-stream-utils.ts, withLazyInput), while a chat client
   * JSON.parses the arguments, which "" fails.
   */
  private stop(event: Json): string {
    const block = this.blocks.get(event['index'] as number);
    if (block?.kind !== 'tool' || block.argued) return '';
    block.argued = true;
    const json = isObject(block.input) ? JSON.stringify(block.input) : '{}';
    return this.chunk(`{"tool_calls":[{"index":${block.call},"function":{"arguments":${JSON.stringify(json)}}}]}`, 'null');
  }

  private text(field: string, text: unknown): string {
    return typeof text === 'string' && text !== '' ? this.chunk(`{"${field}":${JSON.stringify(text)}}`, 'null') : '';
  }

  private chunk(delta: string, finishReason: string): string {
    return `data: ${this.head}"choices":[{"index":0,"delta":${delta},"finish_reason":${finishReason}}]}\n\n`;
  }

  /** message_delta's counts are the whole message's so far: present ones overwrite, absent ones stay. */
  private mergeUsage(usage: unknown): void {
    if (typeof usage !== 'object' || usage === null) return;
    for (const [key, value] of Object.entries(usage as Json)) if (typeof value === 'number') this.usage[key] = value;
  }
}

function errorEvent(type: string, message: string): string {
  return `data: ${JSON.stringify({ error: { message, type } })}\n\n`;
}
