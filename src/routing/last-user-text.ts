// The text of a request's last user turn (or its completions prompt), bounded: what a model-based
// classifier sends to be judged.

export function lastUserText(body: Readonly<Record<string, unknown>>, maxChars: number): string {
  const messages = body['messages'];
  if (Array.isArray(messages)) {
    for (let i = messages.length - 1; i >= 0; i--) {
      const message: unknown = messages[i];
      if (typeof message === 'object' && message !== null && (message as { role?: unknown }).role === 'user') {
        return bounded(contentText((message as { content?: unknown }).content), maxChars);
      }
    }
    return '';
  }
  const prompt = body['prompt'];
  if (typeof prompt === 'string') return bounded(prompt, maxChars);
  if (Array.isArray(prompt) && typeof prompt[0] === 'string') return bounded(prompt[0], maxChars);
  return '';
}

/** String content, or the text parts of a content array. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string') {
      text += (text.length > 0 ? '\n' : '') + (part as { text: string }).text;
      if (text.length > 1_000_000) break;
    }
  }
  return text;
}

function bounded(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : text.slice(0, maxChars);
}
