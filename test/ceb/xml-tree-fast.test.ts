import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseXmlTree, parseXmlTreeWithSaxes } from '../../src/modules/declaration/ceb/xml-tree.js';
import { SAMPLES } from './samples.js';

/**
 * The fast indexOf-based scanner must build exactly the tree saxes builds, and give the same answer on any input it
 * does not handle itself (it hands those to saxes).
 */
describe('fast XML scanner ≡ saxes', () => {
  it('builds the same tree for every official sample', () => {
    for (const s of SAMPLES) expect(parseXmlTree(s.bytes), s.name).toEqual(parseXmlTreeWithSaxes(s.bytes));
  });

  it('property: the same result (tree or error) for mutated samples', () => {
    const texts = SAMPLES.map((s) => s.bytes.toString('utf8'));
    fc.assert(
      fc.property(
        fc.nat(texts.length - 1),
        fc.nat(),
        fc.oneof(
          fc.constantFrom(
            '<',
            '>',
            '&',
            '"',
            "'",
            '/',
            '=',
            ' ',
            '\n',
            ']]>',
            '<!--',
            '-->',
            '&amp;',
            '&#x41;',
            ':',
            'ä',
          ),
          fc.string({ maxLength: 3 }),
        ),
        fc.boolean(),
        (which, pos, insert, cut) => {
          const t = texts[which] as string;
          const at = pos % t.length;
          const doc = cut ? t.slice(0, at) + t.slice(at + insert.length) : t.slice(0, at) + insert + t.slice(at);
          const fast = parseXmlTree(doc);
          const slow = parseXmlTreeWithSaxes(doc);
          expect(fast.ok).toBe(slow.ok);
          if (fast.ok && slow.ok) expect(fast).toEqual(slow);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
