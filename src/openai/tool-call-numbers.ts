// Which call of a stream a chat chunk's tool_calls entry belongs to. OpenAI numbers them (`index`, the
// same number on every fragment of one call); some OpenAI-compatible servers leave the number out and
// send each call whole with an id of its own. Read by position alone, their calls would all be call 0
// and fold into one (two calls' arguments run together, `{"a":1}{}`): a new id is a new call there, and
// a fragment with neither number nor id continues the last call.
export class ToolCallNumbers {
  /** Made by the first call without a number: most engines number theirs. */
  private byId: Map<string, number> | null = null;
  private last: number | null = null;

  /** The call `entry` (the `position`-th of its chunk's tool_calls) belongs to. */
  of(entry: Readonly<Record<string, unknown>>, position: number): number {
    const index = entry['index'];
    if (typeof index === 'number') return index;
    const id = entry['id'];
    if (typeof id === 'string' && id !== '') {
      const byId = (this.byId ??= new Map<string, number>());
      let call = byId.get(id);
      if (call === undefined) {
        call = byId.size;
        byId.set(id, call);
      }
      this.last = call;
      return call;
    }
    return this.last ?? position;
  }
}
