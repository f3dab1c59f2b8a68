// A streamed message's JSON texts, the bytes JSON.stringify makes of its shapes (itemShapes in
// response-object.ts), from templates made of those shapes at module load. A message is written whole
// three times (added, its part done, the item done, which the Response then lists): its text is encoded
// once and spliced, not encoded again inside every object that holds it (item-text.test.ts).
import type { Json } from './checks.js';
import { itemShapes } from './response-object.js';

/** Stands for a value in a shape; no id, status or text the router writes holds it. */
const MARK = '\u0000';
const MARK_JSON = JSON.stringify(MARK);

/** The shape's JSON text cut where its marks are. */
function template(shape: Json): readonly string[] {
  return JSON.stringify(shape).split(MARK_JSON);
}

// The message's content list is marked as one string where its parts' texts go (a cast: it holds objects).
const MESSAGE = template(itemShapes.message(MARK, [MARK as unknown as Json], MARK));
const TEXT_PART = template(itemShapes.outputText(MARK));

/** JSON.stringify(itemShapes.outputText('')): the part a message's first delta opens. */
export const EMPTY_TEXT_PART = JSON.stringify(itemShapes.outputText(''));

/** JSON.stringify(itemShapes.outputText(text)), given JSON.stringify(text). */
export function textPartText(textJson: string): string {
  return `${TEXT_PART[0]}${textJson}${TEXT_PART[1]}`;
}

/** JSON.stringify(itemShapes.message(id, parts, status)), given the parts' JSON texts. */
export function messageText(id: string, status: string, partTexts: readonly string[]): string {
  return `${MESSAGE[0]}${JSON.stringify(id)}${MESSAGE[1]}${JSON.stringify(status)}${MESSAGE[2]}${partTexts.join(',')}${MESSAGE[3]}`;
}
