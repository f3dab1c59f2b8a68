// The message texts made from templates are JSON.stringify's bytes of the same shapes, escapes and all.
import t from 'tap';
import { EMPTY_TEXT_PART, messageText, textPartText } from './item-text.js';
import { itemShapes } from './response-object.js';

const TEXTS = ['', 'plain', 'a\n"b"\\ \u2028 é 😀', '\u0000 looks like the mark'];

t.test('parts and messages are the bytes JSON.stringify makes', (t) => {
  t.equal(EMPTY_TEXT_PART, JSON.stringify(itemShapes.outputText('')));
  // Named by position: a test name must not hold a line break (U+2028 is one to TAP).
  TEXTS.forEach((text, i) => {
    const part = itemShapes.outputText(text);
    t.equal(textPartText(JSON.stringify(text)), JSON.stringify(part), `part ${i}`);
    const refusal = itemShapes.refusal(text);
    for (const status of ['in_progress', 'completed', 'incomplete']) {
      for (const content of [[], [part], [part, refusal]]) {
        const texts = content.map((p) => JSON.stringify(p));
        t.equal(
          messageText('msg_0123abcd', status, texts),
          JSON.stringify(itemShapes.message('msg_0123abcd', content, status)),
          `message ${i}, ${status}, ${content.length} parts`,
        );
      }
    }
  });
  t.end();
});
