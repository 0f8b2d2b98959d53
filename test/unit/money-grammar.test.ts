import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDecimalText, Decimal, fitsGrammar, N19_5, parseAmount } from '../../src/kernel/money.js';

/** ceb-messages.md §2.3: every CEB decimal is N19,5; kernel/money.ts holds the one grammar for XML, JSON and routes. */
describe('the N19,5 decimal grammar (kernel/money.ts)', () => {
  it.each(['0', '138.36', '26000.00', '007.50', '0.00001', '12345678901234.12345', '00000000000000000001.5'])(
    'accepts %j',
    (text) => {
      expect(checkDecimalText(text)).toBeNull();
      expect(fitsGrammar(text)).toBe(true);
      const r = parseAmount(text);
      expect(r.ok && r.value.eq(Decimal.parse(text))).toBe(true);
    },
  );

  it.each([
    ['', 'empty'],
    ['-1', 'negative'],
    ['-0.01', 'negative'],
    ['+1', 'sign'],
    ['−1', 'sign'],
    ['.5', 'format'],
    ['5.', 'format'],
    ['1e3', 'exponent'],
    ['1E-2', 'exponent'],
    ['1\u3000', 'space'],
    ['50.00\u00a0', 'space'],
    ['\u200b1', 'space'],
    ['1\ufeff', 'space'],
    [' 1', 'space'],
    ['1\t', 'space'],
    ['1,000', 'format'],
    ['１２', 'format'],
    ['NaN', 'format'],
    ['0x10', 'format'],
    ['1.123456', 'fraction-digits'],
    ['1.500000', 'fraction-digits'],
    ['123456789012345', 'integer-digits'],
    ['1'.repeat(65), 'too-long'],
    [12, 'not-a-string'],
    [null, 'not-a-string'],
  ])('refuses %j (%s) with a bilingual message naming N19,5', (text, reason) => {
    const problem = checkDecimalText(text);
    expect(problem?.reason).toBe(reason);
    expect(problem?.messageZh).toContain('N19,5 数值');
    expect(problem?.messageEn).toContain('N19,5 decimal');
    if (typeof text === 'string') expect(fitsGrammar(text)).toBe(false);
  });

  it('other facets name their own grammar (N9,2)', () => {
    const g = { totalDigits: 9, fractionDigits: 2 };
    expect(checkDecimalText('1234567.12', g)).toBeNull();
    expect(checkDecimalText('12345678', g)?.messageEn).toContain('N9,2');
    expect(checkDecimalText('1.123', g)?.reason).toBe('fraction-digits');
  });

  it('property: the fast check and the described check agree on any text (seeded)', () => {
    const chars = fc.constantFrom(...'0123456789.-+eE \u3000\u00a0\t1'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: chars, maxLength: 24 }), fc.string({ maxLength: 24 })), (text) => {
        expect(fitsGrammar(text, N19_5)).toBe(checkDecimalText(text, N19_5) === null);
      }),
      { seed: 20260801, numRuns: 5000 },
    );
  });

  it('property: every accepted text fits PostgreSQL numeric(19,5) exactly and is never negative (seeded)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 14n - 1n }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 3 }),
        (whole, places, zeros) => {
          const frac = places === 0 ? '' : `.${'7'.repeat(places)}`;
          const text = `${'0'.repeat(zeros)}${whole}${frac}`;
          const r = parseAmount(text);
          expect(r.ok).toBe(true);
          if (r.ok) {
            expect(r.value.isNegative()).toBe(false);
            expect(r.value.fitsDigits(19, 5)).toBe(true);
          }
        },
      ),
      { seed: 20260802, numRuns: 2000 },
    );
  });
});
