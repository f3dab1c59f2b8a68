// previous_response_id: the conversation a request continues, read from the store one response at a
// time back to its start, each hop checked against the caller's key (a chain cannot lead into another
// key's responses), bounded by responses.maxChainDepth. history(r) = history(prev(r)) + input(r) +
// output(r); instructions are not carried over (OAS CreateResponse.instructions).
import { RouterError } from '../../openai/errors.js';
import { readInput, type InputItem } from './input-items.js';
import type { ResponsesService } from './service.js';
import type { ResponseRecord } from './store.js';

/** `owner` null: a caller with no scope of its own (protocol.ts ownerOf), who finds no response. */
export async function conversationBefore(service: ResponsesService, previousId: string, owner: string | null, maxDepth: number): Promise<InputItem[]> {
  const turns: { input: readonly unknown[]; output: unknown }[] = [];
  for (let id: string | null = previousId; id !== null;) {
    if (turns.length === maxDepth) {
      throw new RouterError('invalid_request', `The conversation before previous_response_id is longer than ${maxDepth} responses (responses.maxChainDepth).`, {
        param: 'previous_response_id',
      });
    }
    const record: ResponseRecord | null = owner === null ? null : await service.find(id, owner);
    if (record === null) {
      const which = turns.length === 0 ? '' : ' (an earlier response of this conversation expired or was deleted)';
      throw new RouterError('previous_response_not_found', `Previous response with id '${clip(id)}' not found.${which}`, { param: 'previous_response_id' });
    }
    turns.push({ input: record.input, output: record.response['output'] });
    id = record.prev;
  }
  const items: InputItem[] = [];
  for (const turn of turns.reverse()) {
    items.push(...readInput([...turn.input, ...(Array.isArray(turn.output) ? (turn.output as unknown[]) : [])]));
  }
  return items;
}

function clip(id: string): string {
  return id.length > 64 ? `${id.slice(0, 64)}…` : id;
}
