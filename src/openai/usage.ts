// Token usage as engines report it, found without parsing the whole response.

export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/**
 * Finds the last `"usage": {…}` object in a JSON text (a whole response or one SSE event) and reads
 * its token counts. Responses put usage at the top level after the choices or the embeddings, so
 * searching from the end skips the bulk of the body. Returns null for `"usage": null` or none.
 */
export function extractUsage(json: string): Usage | null {
  const key = json.lastIndexOf('"usage"');
  if (key < 0) return null;
  const open = json.indexOf('{', key);
  if (open < 0 || json.slice(key + 7, open).trim() !== ':') return null;
  let depth = 0;
  for (let i = open; i < json.length; i++) {
    const ch = json.charCodeAt(i);
    if (ch === 0x7b) depth++;
    else if (ch === 0x7d && --depth === 0) return readUsage(json.slice(open, i + 1));
  }
  return null;
}

function readUsage(text: string): Usage | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const usage = parsed as Record<string, unknown>;
  const prompt = usage['prompt_tokens'];
  const completion = usage['completion_tokens'];
  if (typeof prompt !== 'number') return null;
  return { promptTokens: prompt, completionTokens: typeof completion === 'number' ? completion : 0 };
}
