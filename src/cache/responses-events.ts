// A whole Response written as the Responses event stream, for a cache hit that asks for a stream when
// the answer was stored whole by an engine that serves Responses itself. The sequence is the one OpenAI
// streams (OAS ResponseStreamEvent, openai/openai-openapi openapi.yaml @f85dbe22; the order of
// openai/openai-node tests/lib/__snapshots__/ResponseStream.test.ts.snap @7b7d6ca7): response.created
// and response.in_progress with the Response in progress and no output; per output item,
// output_item.added (the item in progress, empty), its parts (content_part.added empty, one delta with
// the whole text or refusal, its .done, content_part.done), a function call's arguments as one delta
// and its .done, and output_item.done with the item as stored; then response.completed (or
// response.incomplete) with the Response itself. Sequence numbers count from 0; framed with the event
// line, as the router's translated streams are (src/protocols/responses/events.ts). Items of other
// types (reasoning, built-in tools) are added and done whole: openai 6's accumulator takes them so
// (lib/responses/ResponseAccumulator.js), and integration tests hold finalResponse() to the Response.
import { isObject } from '../json-object.js';

type Json = Record<string, unknown>;

export function responseEvents(response: Json): string {
  let seq = 0;
  let out = '';
  const add = (type: string, members: Json): void => {
    out += `event: ${type}\ndata: ${JSON.stringify({ type, ...members, sequence_number: seq++ })}\n\n`;
  };
  const skeleton: Json = { ...response, status: 'in_progress', output: [], usage: null, error: null, incomplete_details: null };
  if ('completed_at' in response) skeleton['completed_at'] = null;
  add('response.created', { response: skeleton });
  add('response.in_progress', { response: skeleton });
  const output = Array.isArray(response['output']) ? (response['output'] as unknown[]) : [];
  output.forEach((value, index) => {
    const item = isObject(value) ? value : {};
    const itemId = typeof item['id'] === 'string' ? item['id'] : '';
    const where = { item_id: itemId, output_index: index };
    if (item['type'] === 'message' && Array.isArray(item['content'])) {
      add('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', content: [] } });
      (item['content'] as unknown[]).forEach((part, contentIndex) => parts(add, where, contentIndex, isObject(part) ? part : {}));
    } else if (item['type'] === 'function_call' && typeof item['arguments'] === 'string') {
      add('response.output_item.added', { output_index: index, item: { ...item, arguments: '', status: 'in_progress' } });
      add('response.function_call_arguments.delta', { ...where, delta: item['arguments'] });
      add('response.function_call_arguments.done', { ...where, arguments: item['arguments'] });
    } else {
      add('response.output_item.added', { output_index: index, item });
    }
    add('response.output_item.done', { output_index: index, item });
  });
  add(response['status'] === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
  return out;
}

type Add = (type: string, members: Json) => void;

/** One content part of a message item: added empty, its text or refusal in one delta, then done. */
function parts(add: Add, where: Json, contentIndex: number, part: Json): void {
  const at = { ...where, content_index: contentIndex };
  if (part['type'] === 'output_text' && typeof part['text'] === 'string') {
    const empty: Json = { ...part, text: '' };
    if (Array.isArray(part['annotations'])) empty['annotations'] = [];
    if (Array.isArray(part['logprobs'])) empty['logprobs'] = [];
    add('response.content_part.added', { ...at, part: empty });
    const logprobs = Array.isArray(part['logprobs']) ? part['logprobs'] : [];
    if (part['text'] !== '') add('response.output_text.delta', { ...at, delta: part['text'], logprobs });
    const annotations = Array.isArray(part['annotations']) ? (part['annotations'] as unknown[]) : [];
    annotations.forEach((annotation, annotationIndex) => add('response.output_text.annotation.added', { ...at, annotation_index: annotationIndex, annotation }));
    add('response.output_text.done', { ...at, text: part['text'], logprobs });
  } else if (part['type'] === 'refusal' && typeof part['refusal'] === 'string') {
    add('response.content_part.added', { ...at, part: { ...part, refusal: '' } });
    if (part['refusal'] !== '') add('response.refusal.delta', { ...at, delta: part['refusal'] });
    add('response.refusal.done', { ...at, refusal: part['refusal'] });
  } else {
    add('response.content_part.added', { ...at, part });
  }
  add('response.content_part.done', { ...at, part });
}
