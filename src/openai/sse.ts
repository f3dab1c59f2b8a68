// Writing server-sent events the way OpenAI-compatible servers do: `data: <json>` and a blank line.

export function encodeEvent(data: string): string {
  return `data: ${data}\n\n`;
}
