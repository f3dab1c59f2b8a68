// Token counting without a tokenizer. Counts only have to be deterministic, cheap and roughly
// proportional to text, so budgets and usage accounting behave plausibly: one token per run of word
// characters, one per punctuation character, whitespace free. A single pass, no allocation.

/** Chat-template overhead per message (role markers, separators), as OpenAI's cookbook counts it. */
export const TOKENS_PER_MESSAGE = 4;
/** Tokens of the template that primes the assistant's reply at the end of every chat prompt. */
export const REPLY_PRIMING_TOKENS = 3;

export function countTextTokens(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isWhitespace(code)) {
      inWord = false;
    } else if (isWordCharacter(code)) {
      if (!inWord) count++;
      inWord = true;
    } else {
      count++;
      inWord = false;
    }
  }
  return count;
}

function isWhitespace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0;
}

/** ASCII letters, digits, underscore; anything non-ASCII counts as a letter (most of it is). */
function isWordCharacter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code > 0x7f;
}
