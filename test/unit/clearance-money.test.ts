import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, Decimal, DecimalFormatError, Ratio } from '../../src/kernel/money.js';

const d = Decimal.parse;
const strs = (xs: Decimal[]) => xs.map((x) => x.toString());

/** Any decimal with up to 8 fraction digits and about 20 integer digits, negative ones included. */
const decimalArb = fc
  .record({ units: fc.bigInt({ min: -(10n ** 28n), max: 10n ** 28n }), scale: fc.integer({ min: 0, max: 8 }) })
  .map(({ units, scale }) => Decimal.of(units, scale));
/** A non-negative fen amount up to 100 million RMB. */
const fenArb = fc.bigInt({ min: 0n, max: 10_000_000_000n }).map((u) => Decimal.of(u, 2));

describe('Decimal.parse: decimal strings only (platform-decisions.md: no binary floating point)', () => {
  it.each([
    ['138.36', '138.36'],
    ['0', '0'],
    ['-0.01', '-0.01'],
    ['26000.00', '26000'],
    ['007.50', '7.5'],
    ['-0.000', '0'],
    ['12345678901234.12345', '12345678901234.12345'],
  ])('reads %s as %s', (text, canonical) => {
    expect(d(text).toString()).toBe(canonical);
  });

  it.each([
    ['1e3', 'exponent'],
    ['1.5E-2', 'exponent'],
    ['1.', 'format'],
    ['.5', 'format'],
    ['+1', 'format'],
    [' 1', 'format'],
    ['1 ', 'format'],
    ['1,000.00', 'format'],
    ['1_000', 'format'],
    ['NaN', 'format'],
    ['Infinity', 'format'],
    ['0x10', 'format'],
    ['１２', 'format'],
    ['--1', 'format'],
    ['', 'empty'],
    ['1'.repeat(65), 'too-long'],
  ])('refuses %j (%s)', (text, reason) => {
    const r = Decimal.tryParse(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.messageZh).toMatch(/[\u4e00-\u9fff]/);
      expect(r.messageEn).toMatch(/[A-Za-z]/);
    }
  });

  it.each([
    ['0.1', 0.1],
    ['199', 199],
    ['null', null],
    ['undefined', undefined],
    ['{}', {}],
    ['10n', 10n],
  ])('refuses the non-string %s: amounts travel as strings', (_, v) => {
    expect(() => Decimal.parse(v)).toThrow(DecimalFormatError);
    const r = Decimal.tryParse(v);
    expect(!r.ok && r.reason).toBe('not-a-string');
  });

  it('the error carries Chinese and English messages and the input', () => {
    try {
      Decimal.parse('1e3');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecimalFormatError);
      const err = e as DecimalFormatError;
      expect(err.messageZh).toContain('科学计数法');
      expect(err.messageEn).toContain('Exponent notation');
      expect(err.input).toBe('1e3');
    }
  });

  it('fromInteger takes safe integers only; 0.1 as a number is refused', () => {
    expect(Decimal.fromInteger(26000).toString()).toBe('26000');
    expect(Decimal.fromInteger(-3n).toString()).toBe('-3');
    expect(() => Decimal.fromInteger(0.1)).toThrow(DecimalFormatError);
    expect(() => Decimal.fromInteger(2 ** 60)).toThrow(DecimalFormatError);
  });

  it('round-trips: parse(toString(x)) equals x', () => {
    fc.assert(fc.property(decimalArb, (x) => d(x.toString()).eq(x)));
  });
});

describe('Decimal arithmetic is exact', () => {
  it('0.1 + 0.2 = 0.3 exactly (the float trap)', () => {
    expect(d('0.1').add(d('0.2')).toString()).toBe('0.3');
    expect(d('0.1').add(d('0.2')).eq(d('0.3'))).toBe(true);
  });

  it('add is commutative and associative; 0 is its identity', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, decimalArb, (a, b, c) => {
        expect(a.add(b).eq(b.add(a))).toBe(true);
        expect(
          a
            .add(b)
            .add(c)
            .eq(a.add(b.add(c))),
        ).toBe(true);
        expect(a.add(Decimal.ZERO).eq(a)).toBe(true);
      }),
    );
  });

  it('sub undoes add; neg is sub from zero', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        expect(a.add(b).sub(b).eq(a)).toBe(true);
        expect(Decimal.ZERO.sub(a).eq(a.neg())).toBe(true);
      }),
    );
  });

  it('mul is commutative, associative and distributes over add', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, decimalArb, (a, b, c) => {
        expect(a.mul(b).eq(b.mul(a))).toBe(true);
        expect(
          a
            .mul(b)
            .mul(c)
            .eq(a.mul(b.mul(c))),
        ).toBe(true);
        expect(a.mul(b.add(c)).eq(a.mul(b).add(a.mul(c)))).toBe(true);
      }),
    );
  });

  it('cmp is a total order consistent with sub', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        expect(a.cmp(b)).toBe(a.sub(b).sign());
        expect(a.cmp(b) + b.cmp(a)).toBe(0);
      }),
    );
    expect(d('5000.00').eq(d('5000'))).toBe(true);
    expect(d('5000.01').gt(d('5000'))).toBe(true);
  });

  it('mulRate: 64.99 USD × 7.1234 = 462.949766 → 462.95 (business-rules.md example 10)', () => {
    expect(d('64.99').mul(d('7.1234')).toString()).toBe('462.949766');
    expect(d('64.99').mulRate(d('7.1234')).toString()).toBe('462.95');
  });

  it('fitsDigits: N19,5 holds 14 integer and 5 fraction digits', () => {
    expect(d('99999999999999.99999').fitsDigits(19, 5)).toBe(true);
    expect(d('100000000000000').fitsDigits(19, 5)).toBe(false);
    expect(d('0.123456').fitsDigits(19, 5)).toBe(false);
    expect(d('0.123450').fitsDigits(19, 5)).toBe(true);
  });
});

describe('rounding half-up to the fen and to N places (四舍五入)', () => {
  it.each([
    ['0.005', '0.01'],
    ['0.0049999', '0'],
    ['0.0050000', '0.01'],
    ['0.015', '0.02'],
    ['0.025', '0.03'],
    ['2.675', '2.68'],
    ['38.038', '38.04'],
    ['64.2352941', '64.24'],
    ['-0.005', '-0.01'],
    ['-0.0049999', '0'],
    ['-2.675', '-2.68'],
    ['1.994', '1.99'],
    ['1.995', '2'],
    ['7', '7'],
  ])('%s → %s', (x, expected) => {
    expect(d(x).toFen().toString()).toBe(expected);
  });

  it('round to N places: 7.12345 → 7.1235 (4), 7.1 (1), 7 (0); 0.5 → 1; −0.5 → −1', () => {
    expect(d('7.12345').round(4).toString()).toBe('7.1235');
    expect(d('7.12345').round(1).toString()).toBe('7.1');
    expect(d('7.12345').round(0).toString()).toBe('7');
    expect(d('0.5').round(0).toString()).toBe('1');
    expect(d('-0.5').round(0).toString()).toBe('-1');
  });

  it('toFixed pads: 52.5 → "52.50", 0 → "0.00", 38.038 → "38.04"; toAmountString keeps extra digits', () => {
    expect(d('52.5').toFixed(2)).toBe('52.50');
    expect(d('0').toFixed(2)).toBe('0.00');
    expect(d('38.038').toFixed(2)).toBe('38.04');
    expect(d('-0.001').toFixed(2)).toBe('0.00');
    expect(d('52.5').toAmountString()).toBe('52.50');
    expect(d('199.12345').toAmountString()).toBe('199.12345');
  });

  it('the rounded value is within half a unit, ties away from zero, idempotent, and symmetric', () => {
    fc.assert(
      fc.property(decimalArb, fc.integer({ min: 0, max: 6 }), (x, places) => {
        const r = x.round(places);
        const half = Decimal.of(5n, places + 1);
        const diff = x.sub(r).abs();
        expect(diff.lte(half)).toBe(true);
        if (diff.eq(half)) expect(r.abs().gt(x.abs())).toBe(true); // a tie went away from zero
        expect(r.round(places).eq(r)).toBe(true);
        expect(x.neg().round(places).eq(r.neg())).toBe(true);
        expect(r.fractionDigits()).toBeLessThanOrEqual(places);
      }),
    );
  });

  it('rounding is monotone', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        const [lo, hi] = a.lte(b) ? [a, b] : [b, a];
        expect(lo.toFen().lte(hi.toFen())).toBe(true);
      }),
    );
  });
});

describe('Ratio: exact fractions inside formulas', () => {
  it('600 / 0.85 × 0.15 = 105.882352…: rounded only at the end', () => {
    const ct = d('600').toRatio().div(d('0.85')).mul(d('0.15'));
    expect(ct.toString()).toBe('1800/17');
    expect(ct.round(2).toString()).toBe('105.88');
    expect(ct.round(6).toString()).toBe('105.882353');
    expect(ct.toDecimal()).toBeNull();
  });

  it('rounds half away from zero: 1/200 → 0.01, −1/200 → −0.01, 1/3 → 0.33', () => {
    expect(Ratio.of(1n, 200n).round(2).toString()).toBe('0.01');
    expect(Ratio.of(-1n, 200n).round(2).toString()).toBe('-0.01');
    expect(Ratio.of(1n, 3n).round(2).toString()).toBe('0.33');
    expect(Ratio.of(2n, -3n).round(2).toString()).toBe('-0.67');
  });

  it('agrees with Decimal for decimal values, and toDecimal recovers them', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        const sum = a.toRatio().add(b).toDecimal();
        expect(sum?.eq(a.add(b))).toBe(true);
        expect(a.toRatio().mul(b).toDecimal()?.eq(a.mul(b))).toBe(true);
        expect(a.toRatio().round(2).eq(a.round(2))).toBe(true);
      }),
    );
  });

  it('refuses division by zero', () => {
    expect(() => d('1').toRatio().div(Decimal.ZERO)).toThrow(RangeError);
  });
});

describe('allocate: freight and insurance over items (remainder to the item of highest value)', () => {
  it('10.00 over three equal items: 3.34 / 3.33 / 3.33, the remainder to the first of the highest', () => {
    expect(strs(allocate(d('10.00'), [d('100'), d('100'), d('100')]))).toEqual(['3.34', '3.33', '3.33']);
  });

  it('0.10 over 100 / 100 / 200: halves round up to 0.03, 0.03, 0.05; the −0.01 remainder goes to the 200 item', () => {
    expect(strs(allocate(d('0.10'), [d('100'), d('100'), d('200')]))).toEqual(['0.03', '0.03', '0.04']);
  });

  it('20.00 over 199 × 2 alone: the whole amount', () => {
    expect(strs(allocate(d('20.00'), [d('398.00')]))).toEqual(['20']);
  });

  it('0.02 over four equal items: no part goes negative (four halves round up, remainder −0.02 spread down)', () => {
    expect(strs(allocate(d('0.02'), [d('1'), d('1'), d('1'), d('1')]))).toEqual(['0', '0', '0.01', '0.01']);
  });

  it('all weights zero (gifts): everything to the first item', () => {
    expect(strs(allocate(d('5.00'), [d('0'), d('0')]))).toEqual(['5', '0']);
  });

  it('a negative total is the mirror image', () => {
    expect(strs(allocate(d('-10.00'), [d('1'), d('1'), d('1')]))).toEqual(['-3.34', '-3.33', '-3.33']);
  });

  it('refuses no weights, a negative weight, or a total finer than the places', () => {
    expect(() => allocate(d('1'), [])).toThrow(RangeError);
    expect(() => allocate(d('1'), [d('-1'), d('2')])).toThrow(RangeError);
    expect(() => allocate(d('1.005'), [d('1')])).toThrow(RangeError);
    expect(strs(allocate(d('1.005'), [d('1'), d('1')], 3))).toEqual(['0.502', '0.503']);
  });

  it('property: parts sum exactly to the total, are fen amounts, never against the sign of the total', () => {
    fc.assert(
      fc.property(fenArb, fc.array(fenArb, { minLength: 1, maxLength: 12 }), (total, weights) => {
        const parts = allocate(total, weights);
        expect(parts).toHaveLength(weights.length);
        expect(Decimal.sum(parts).eq(total)).toBe(true);
        for (const p of parts) {
          expect(p.fractionDigits()).toBeLessThanOrEqual(2);
          expect(p.isNegative()).toBe(false);
        }
      }),
    );
  });

  it('property: every item but the highest gets its own rounded proportional share (when no part would go negative)', () => {
    fc.assert(
      fc.property(
        fenArb,
        fc.array(
          fenArb.filter((w) => w.isPositive()),
          { minLength: 1, maxLength: 12 },
        ),
        (total, weights) => {
          const parts = allocate(total, weights);
          const sum = Decimal.sum(weights);
          const shares = weights.map((w) => total.toRatio().mul(w).div(sum).round(2));
          const highest = weights.reduce((best, w, i) => (w.gt(weights[best]!) ? i : best), 0);
          const remainder = total.sub(Decimal.sum(shares));
          if (shares[highest]!.add(remainder).isNegative()) return; // the clamped case, tested above
          parts.forEach((p, i) => {
            expect(p.eq(i === highest ? shares[i]!.add(remainder) : shares[i]!)).toBe(true);
          });
        },
      ),
    );
  });
});
