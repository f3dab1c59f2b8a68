// One output item of a streamed Response (a message, a reasoning item, a function call) and the events
// that open it, add to it and finish it. Its text is kept as JSON string literal bodies (escapes as
// they came) and decoded once, when it is done; the finished item is what the Response lists.
import type { Json } from './checks.js';
import { deltaFrame, event, type DeltaKind } from './events.js';
import { EMPTY_TEXT_PART, messageText, textPartText } from './item-text.js';
import { itemShapes } from './response-object.js';

export type ItemKind = 'message' | 'reasoning' | 'function_call';

/** The stream's sequence numbers, from 0, one per event. */
export class Sequence {
  private n = 0;

  next(): number {
    return this.n++;
  }
}

const DELTAS: Readonly<Record<ItemKind, DeltaKind>> = { message: 'text', reasoning: 'reasoning', function_call: 'arguments' };

export class OutputItem {
  /** The text so far (arguments for a call), as JSON string literal bodies. */
  private readonly pieces: string[] = [];
  /** A message's refusal text, sent whole when the message is done. */
  refusal = '';
  /** Whether a message's output_text part has been added. */
  hasText = false;
  open = true;
  /** The finished item, once done, and its JSON text. */
  json: Json = {};
  jsonText = '{}';
  private readonly head: string;
  private readonly tail: string;
  /** `"item_id":…,"output_index":…` */
  private readonly at: string;

  constructor(
    readonly kind: ItemKind,
    readonly id: string,
    readonly index: number,
    public name = '',
    readonly callId = '',
  ) {
    ({ head: this.head, tail: this.tail } = deltaFrame(DELTAS[kind], id, index));
    this.at = `"item_id":${JSON.stringify(id)},"output_index":${index}`;
  }

  /** output_item.added (and a reasoning item's one part). */
  added(seq: Sequence): string {
    const shape =
      this.kind === 'message'
        ? messageText(this.id, 'in_progress', [])
        : JSON.stringify(
            this.kind === 'reasoning' ? itemShapes.reasoning(this.id, null, 'in_progress') : itemShapes.functionCall(this.id, this.callId, this.name, '', 'in_progress'),
          );
    const added = event('response.output_item.added', `"output_index":${this.index},"item":${shape}`, seq.next());
    if (this.kind !== 'reasoning') return added;
    return added + event('response.content_part.added', `${this.at},"content_index":0,"part":{"type":"reasoning_text","text":""}`, seq.next());
  }

  /** A message's output_text part, added before its first delta (openai 6's accumulator needs it there). */
  textPart(seq: Sequence): string {
    this.hasText = true;
    return event('response.content_part.added', `${this.at},"content_index":0,"part":${EMPTY_TEXT_PART}`, seq.next());
  }

  /** One delta event, the text given as a JSON string literal's body. */
  delta(body: string, seq: Sequence): string {
    this.pieces.push(body);
    return `${this.head}"${body}"${this.tail}${seq.next()}}\n\n`;
  }

  /** The events that finish the item with `status`; its finished form is then `json`. */
  done(status: string, seq: Sequence): string {
    this.open = false;
    const literal = `"${this.pieces.join('')}"`;
    const text = JSON.parse(literal) as string;
    const { at } = this;
    let out = '';
    if (this.kind === 'function_call') {
      out += event('response.function_call_arguments.done', `${at},"name":${JSON.stringify(this.name)},"arguments":${literal}`, seq.next());
      this.json = itemShapes.functionCall(this.id, this.callId, this.name, text, status);
    } else if (this.kind === 'reasoning') {
      out += event('response.reasoning_text.done', `${at},"content_index":0,"text":${literal}`, seq.next());
      out += event('response.content_part.done', `${at},"content_index":0,"part":{"type":"reasoning_text","text":${literal}}`, seq.next());
      this.json = itemShapes.reasoning(this.id, text, status);
    } else {
      const content: Json[] = [];
      // The parts' texts: the message's text is encoded once for its part and the item (item-text.ts).
      const partTexts: string[] = [];
      if (this.hasText) {
        const partText = textPartText(JSON.stringify(text));
        out += event('response.output_text.done', `${at},"content_index":0,"text":${literal},"logprobs":[]`, seq.next());
        out += event('response.content_part.done', `${at},"content_index":0,"part":${partText}`, seq.next());
        content.push(itemShapes.outputText(text));
        partTexts.push(partText);
      }
      if (this.refusal !== '') {
        // Refusals are rare and short: sent whole (part added, done), without deltas.
        const part = itemShapes.refusal(this.refusal);
        const ci = content.length;
        out += event('response.content_part.added', `${at},"content_index":${ci},"part":${JSON.stringify(itemShapes.refusal(''))}`, seq.next());
        out += event('response.refusal.done', `${at},"content_index":${ci},"refusal":${JSON.stringify(this.refusal)}`, seq.next());
        const partText = JSON.stringify(part);
        out += event('response.content_part.done', `${at},"content_index":${ci},"part":${partText}`, seq.next());
        content.push(part);
        partTexts.push(partText);
      }
      this.json = itemShapes.message(this.id, content, status);
      this.jsonText = messageText(this.id, status, partTexts);
    }
    if (this.kind !== 'message') this.jsonText = JSON.stringify(this.json);
    return out + event('response.output_item.done', `"output_index":${this.index},"item":${this.jsonText}`, seq.next());
  }
}
