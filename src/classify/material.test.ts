import t from 'tap';
import { splitMaterial } from './material.js';

const PROSE = 'the museum opened in 1901 after years of building work by the city council and its architects. '.repeat(3);

const CASES: readonly [string, string, string, boolean][] = [
  ['a named text: the instruction ends with the naming sentence', `extract the dates from the following text: ${PROSE}`, 'extract the dates from the following text:', true],
  ['a context marker', `answer from the context.\nquestion: who?\ncontext: ${PROSE}`, 'answer from the context.', true],
  ['the naming comes last: the instruction is its line', `${PROSE}\n${PROSE}\nsummarize the text above in one line.`, 'summarize the text above in one line.', true],
  ['a short question, a blank line, a longer paragraph', `when did it open?\n\n${PROSE}`, 'when did it open?', true],
  [
    'a second paragraph that addresses the reader is more instruction',
    `write a poem.\n\nyou must make it rhyme and ${PROSE}`,
    `write a poem.\n\nyou must make it rhyme and ${PROSE}`,
    false,
  ],
  ['a second paragraph of code is not prose material', `what does this do?\n\ndef f(x):\n    return x\nprint(f(1))\nimport os\n${PROSE}`, '', false],
  ['nothing supplied', 'what is the capital of peru', 'what is the capital of peru', false],
];

t.test('splitMaterial separates the instruction from supplied material', async (t) => {
  for (const [name, text, instruction, given] of CASES) {
    const parts = splitMaterial(text);
    t.equal(parts.given, given, `${name}: given`);
    if (instruction !== '') t.equal(parts.instruction, instruction, `${name}: instruction`);
    else t.equal(parts.instruction, text, `${name}: instruction is the whole text`);
  }
});
