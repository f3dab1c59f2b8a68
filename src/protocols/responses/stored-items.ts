// A request's input items as they are stored and listed (GET /v1/responses/{id}/input_items, OAS
// ResponseItemList): each with an id of the response's own series, since the SDK's cursor pages on
// the last item's id and stops at an item without one (openai 6.49.0 core/pagination.js CursorPage).
import type { ResponseIds } from './ids.js';
import type { ContentPart, InputItem } from './input-items.js';

export type StoredItem = InputItem & { readonly id: string; readonly status?: 'completed' };

/**
 * Each item with its id first (and a call's status last), member by member: the items are readInput's,
 * whose members are fixed, and a spread would make a new hidden class for every request's objects.
 * The same JSON as `{ id, ...item }` (stored-items.test.ts).
 */
export function withIds(items: readonly InputItem[], ids: ResponseIds): StoredItem[] {
  return items.map((item, n): StoredItem => {
    switch (item.type) {
      case 'message':
        // An assistant turn is listed as OpenAI lists one (OAS OutputMessage: a status; OutputTextContent:
        // annotations and logprobs), so the SDK's types hold for it; readInput reads it back the same.
        if (item.role === 'assistant') return { id: ids.item('msg', n), type: item.type, role: item.role, content: item.content.map(outputPart), status: 'completed' };
        return { id: ids.item('msg', n), type: item.type, role: item.role, content: item.content };
      case 'function_call':
        return { id: ids.item('fc', n), type: item.type, call_id: item.call_id, name: item.name, arguments: item.arguments, status: 'completed' };
      case 'function_call_output':
        return { id: ids.item('fco', n), type: item.type, call_id: item.call_id, output: item.output, status: 'completed' };
    }
  });
}

/** An assistant's text part with the members OAS OutputTextContent requires; a refusal part as it is. */
function outputPart(part: ContentPart): ContentPart {
  return part.type === 'output_text' ? { type: part.type, text: part.text, annotations: [], logprobs: [] } : part;
}
