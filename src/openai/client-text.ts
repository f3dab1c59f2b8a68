// Client text the router repeats (in an error message, a log line): bounded, so a megabyte-long
// `model` costs neither a megabyte-long response nor a megabyte-long log line.

/** Long enough for any real model name or id; anything longer is shown cut, with how much was cut. */
export const CLIENT_TEXT_MAX_CHARS = 256;

export function clipClientText(text: string, maxChars: number = CLIENT_TEXT_MAX_CHARS): string {
  if (text.length <= maxChars) return text;
  // Never split a surrogate pair: half of one is not valid UTF-8 once written out.
  const end = isHighSurrogate(text.charCodeAt(maxChars - 1)) ? maxChars - 1 : maxChars;
  return `${text.slice(0, end)}…(${text.length - end} more characters)`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
