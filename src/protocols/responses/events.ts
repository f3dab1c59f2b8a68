// Responses stream events as bytes: `event: <type>` and one `data:` line, sequence numbers counted by
// the caller from 0 (the shape of openai/openai-node tests/lib/__snapshots__/ResponseStream.test.ts.snap
// @7b7d6ca7, plus the event line OpenAI and vLLM send). Only OAS event types: openai 6's accumulator
// throws on any other (lib/responses/ResponseAccumulator.js). The frequent events (deltas) are
// written from prefixes made once per item, so a delta costs one string escape and a concatenation.

/** One event whose members (without braces, type and sequence number) are given as JSON text. */
export function event(type: string, members: string, seq: number): string {
  return `event: ${type}\ndata: {"type":"${type}",${members},"sequence_number":${seq}}\n\n`;
}

export type DeltaKind = 'text' | 'reasoning' | 'arguments';

const DELTA_TYPES: Readonly<Record<DeltaKind, string>> = {
  text: 'response.output_text.delta',
  reasoning: 'response.reasoning_text.delta',
  arguments: 'response.function_call_arguments.delta',
};

/** Everything of an item's delta event before the delta's text, and after it before the sequence number. */
export function deltaFrame(kind: DeltaKind, itemId: string, outputIndex: number): { readonly head: string; readonly tail: string } {
  const type = DELTA_TYPES[kind];
  const where = `"item_id":${JSON.stringify(itemId)},"output_index":${outputIndex}`;
  const content = kind === 'arguments' ? '' : ',"content_index":0';
  return {
    head: `event: ${type}\ndata: {"type":"${type}",${where}${content},"delta":`,
    tail: kind === 'text' ? ',"logprobs":[],"sequence_number":' : ',"sequence_number":',
  };
}
