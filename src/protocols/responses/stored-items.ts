// A request's input items as they are stored and listed (GET /v1/responses/{id}/input_items, OAS
// ResponseItemList): each with an id of the response's own series, since the SDK's cursor pages on
// the last item's id and stops at an item without one (openai 6.49.0 core/pagination.js CursorPage).
import type { ResponseIds } from './ids.js';
import type { InputItem } from './input-items.js';

export type StoredItem = InputItem & { readonly id: string; readonly status?: 'completed' };

export function withIds(items: readonly InputItem[], ids: ResponseIds): StoredItem[] {
  return items.map((item, n) => {
    if (item.type === 'message') return { id: ids.item('msg', n), ...item };
    return { id: ids.item(item.type === 'function_call' ? 'fc' : 'fco', n), ...item, status: 'completed' };
  });
}
