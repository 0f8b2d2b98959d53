import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/kernel/money.js';
import {
  comprehensiveRate,
  convertToCny,
  cosmeticsTest,
  dutiablePrices,
  exactLineTax,
  type GoodsRates,
  lineTax,
  listTax,
} from '../../src/modules/clearance/rules/import/tax.js';

/**
 * business-rules.md §1.3–§1.7 and platform-decisions.md "Retail import": the formulas and every worked example,
 * with the spec's figures. Limits decisions of examples 5–8 are in clearance-limits.test.ts; the examples end to
 * end (tables, limits, tax) in clearance-estimate.test.ts and test/integration/tax-sample-tables.test.ts.
 */

const d = Decimal.parse;
const FACTOR = d('0.7');
const rates = (mfn: string, vat: string, ct: string, rule: 'cosmetics' | null = null): GoodsRates => ({
  mfnRate: d(mfn),
  vatRate: d(vat),
  consumptionTaxRate: d(ct),
  consumptionTaxRule: rule,
});
const ORDINARY = rates('0.10', '0.13', '0');
const NINE_PERCENT = rates('0.10', '0.09', '0');
const SKIN_CARE = rates('0.01', '0.13', '0.15', 'cosmetics');
const PEARLS = rates('0.35', '0.13', '0.10');
const GOLD = rates('0.20', '0.13', '0');
const WATCH = rates('0.08', '0.13', '0.20');

function figures(t: { tariff: Decimal; consumptionTax: Decimal; vat: Decimal; total: Decimal }) {
  return {
    tariff: t.tariff.toFixed(2),
    consumptionTax: t.consumptionTax.toFixed(2),
    vat: t.vat.toFixed(2),
    total: t.total.toFixed(2),
  };
}

describe('example 1 — ordinary goods within limits (VAT 13%, no CT): 2 × 199.00 + freight 20.00', () => {
  const tax = listTax(
    { items: [{ totalPrice: d('398.00'), qty: d('2'), rates: ORDINARY }], freight: d('20.00'), insurance: d('0') },
    'within-limits',
    FACTOR,
  );

  it('P = 2 × 199.00 + 20.00 = 418.00 (freight belongs to the dutiable price, R2)', () => {
    expect(tax.lines[0]!.dutiablePrice.toFixed(2)).toBe('418.00');
    expect(tax.lines[0]!.freightShare.toFixed(2)).toBe('20.00');
  });

  it('duty 0, CT 0, VAT = 418.00 × 0.13 × 0.7 = 38.038 → 38.04', () => {
    expect(figures(tax.lines[0]!)).toEqual({ tariff: '0.00', consumptionTax: '0.00', vat: '38.04', total: '38.04' });
    expect(tax.totals.total.toFixed(2)).toBe('38.04');
  });

  it('check via r: 418.00 × 9.1% = 38.038 → 38.04', () => {
    const r = comprehensiveRate(ORDINARY, FACTOR);
    expect(r.toDecimal()?.toString()).toBe('0.091');
    expect(d('418.00').toRatio().mul(r).round(2).toString()).toBe('38.04');
  });
});

describe('example 2 — high-end cosmetics within limits (c 15%, v 13%): 50 ml serum at 600.00, the rounding case', () => {
  const line = { dutiablePrice: d('600.00'), qty: d('1'), netContent: { amount: d('50'), unit: 'ml' as const } };
  const tax = lineTax({ ...line, rates: SKIN_CARE }, 'within-limits', FACTOR);

  it('high-end test: 600.00 / 50 ml = 12.00 RMB/ml ≥ 10, so CT applies', () => {
    expect(tax.cosmetics).toMatchObject({ kind: 'measured', applies: true, unit: 'ml' });
    expect(tax.cosmetics.kind === 'measured' && tax.cosmetics.valuePerUnit.toFixed(2)).toBe('12.00');
  });

  it('CT = 600/0.85 × 0.15 × 0.7 = 74.117647… → 74.12; VAT = (600 + 105.882352…) × 0.13 × 0.7 = 64.235294… → 64.24', () => {
    const exact = exactLineTax({ ...line, rates: SKIN_CARE }, 'within-limits', FACTOR);
    expect(exact.consumptionTax.round(6).toString()).toBe('74.117647');
    expect(exact.vat.round(6).toString()).toBe('64.235294');
    expect(figures(tax)).toEqual({ tariff: '0.00', consumptionTax: '74.12', vat: '64.24', total: '138.36' });
  });

  it('per-tax rounding gives 138.36, not round(600 × 23.0588…%) = 138.35 (platform-decisions.md picks per tax)', () => {
    const viaRate = d('600').toRatio().mul(comprehensiveRate(SKIN_CARE, FACTOR));
    expect(viaRate.round(4).toString()).toBe('138.3529');
    expect(viaRate.round(2).toString()).toBe('138.35');
    expect(tax.total.toString()).toBe('138.36');
  });

  it('the VAT base uses the unrounded CT; the sensitivity case (CT_full rounded to 105.88 first) also gives 64.24', () => {
    const roundedFirst = d('600').add(d('105.88')).mul(d('0.13')).mul(FACTOR);
    expect(roundedFirst.toString()).toBe('64.23508');
    expect(roundedFirst.toFen().toString()).toBe('64.24');
  });
});

describe('example 3 — skin-care 20 g at 425.00 (Ningbo Customs Q&A case)', () => {
  const g20 = { amount: d('20'), unit: 'g' as const };

  it('21.25 RMB/g ≥ 10: CT = 500 × 0.15 × 0.7 = 52.50, VAT = 65.00 × 0.7 = 45.50, total 98.00', () => {
    const tax = lineTax(
      { dutiablePrice: d('425.00'), qty: d('1'), netContent: g20, rates: SKIN_CARE },
      'within-limits',
      FACTOR,
    );
    expect(figures(tax)).toEqual({ tariff: '0.00', consumptionTax: '52.50', vat: '45.50', total: '98.00' });
    expect(d('425').toRatio().mul(comprehensiveRate(SKIN_CARE, FACTOR)).round(2).toString()).toBe('98');
  });

  it('below-threshold variant: 180.00 for 20 g = 9.00 RMB/g < 10 → no CT, tax = 180 × 9.1% = 16.38', () => {
    const tax = lineTax(
      { dutiablePrice: d('180.00'), qty: d('1'), netContent: g20, rates: SKIN_CARE },
      'within-limits',
      FACTOR,
    );
    expect(tax.cosmetics).toMatchObject({ kind: 'measured', applies: false });
    expect(figures(tax)).toEqual({ tariff: '0.00', consumptionTax: '0.00', vat: '16.38', total: '16.38' });
  });
});

describe('example 4 — other precious jewellery within limits (c 10%, v 13%), P = 2,000.00', () => {
  it('pearl necklace: CT = 222.2222… × 0.7 → 155.56, VAT = 288.8888… × 0.7 → 202.22, total 357.78', () => {
    const tax = lineTax({ dutiablePrice: d('2000.00'), qty: d('1'), rates: PEARLS }, 'within-limits', FACTOR);
    expect(figures(tax)).toEqual({ tariff: '0.00', consumptionTax: '155.56', vat: '202.22', total: '357.78' });
    expect(d('2000').toRatio().mul(comprehensiveRate(PEARLS, FACTOR)).round(2).toString()).toBe('357.78');
  });

  it('gold ring of the same price (CT at the retail stage only): 2000 × 9.1% = 182.00', () => {
    const tax = lineTax({ dutiablePrice: d('2000.00'), qty: d('1'), rates: GOLD }, 'within-limits', FACTOR);
    expect(figures(tax)).toEqual({ tariff: '0.00', consumptionTax: '0.00', vat: '182.00', total: '182.00' });
  });
});

describe('example 5 — single indivisible item over 5,000, full tax at the goods rates (R5b)', () => {
  it('watch 12,000.00 (MFN 8%, CT 20%): duty 960.00, CT 12,960/0.8 × 0.2 = 3,240.00, VAT 16,200 × 0.13 = 2,106.00, total 6,306.00', () => {
    const tax = lineTax({ dutiablePrice: d('12000.00'), qty: d('1'), rates: WATCH }, 'full-tax', FACTOR);
    expect(figures(tax)).toEqual({ tariff: '960.00', consumptionTax: '3240.00', vat: '2106.00', total: '6306.00' });
  });
});

describe('example 5b — single high-end cosmetic set over 5,000, full tax', () => {
  it('P 5,200.00, MFN 1%, c 15%, v 13%: duty 52.00, CT 926.8235… → 926.82, VAT 803.2470… → 803.25, total 1,782.07', () => {
    const line = { dutiablePrice: d('5200.00'), qty: d('1'), netContent: { amount: d('1'), unit: 'piece' as const } };
    const tax = lineTax({ ...line, rates: SKIN_CARE }, 'full-tax', FACTOR);
    expect(figures(tax)).toEqual({ tariff: '52.00', consumptionTax: '926.82', vat: '803.25', total: '1782.07' });
    const exact = exactLineTax({ ...line, rates: SKIN_CARE }, 'full-tax', FACTOR);
    expect(exact.consumptionTax.round(4).toString()).toBe('926.8235');
    expect(exact.vat.round(4).toString()).toBe('803.2471');
  });
});

describe('example 9 — 9% VAT goods within limits', () => {
  it('P 300.00, v 9%, no CT: VAT_full 27.00 × 0.7 = 18.90 (= 300 × 6.3%)', () => {
    const tax = lineTax({ dutiablePrice: d('300.00'), qty: d('1'), rates: NINE_PERCENT }, 'within-limits', FACTOR);
    expect(figures(tax)).toEqual({ tariff: '0.00', consumptionTax: '0.00', vat: '18.90', total: '18.90' });
    expect(comprehensiveRate(NINE_PERCENT, FACTOR).toDecimal()?.toString()).toBe('0.063');
  });
});

describe('example 10 — foreign-currency conversion at the monthly customs rate (half-up to the fen)', () => {
  const rate = d('7.1234');

  it('USD 59.99 + freight USD 5.00 at 7.1234: 64.99 × 7.1234 = 462.949766 → 462.95', () => {
    expect(convertToCny(d('64.99'), rate).toString()).toBe('462.95');
    // Each declared amount converted on its own gives the same P here: 427.33 + 35.62.
    const price = convertToCny(d('59.99'), rate);
    const freight = convertToCny(d('5.00'), rate);
    expect([price.toFixed(2), freight.toFixed(2)]).toEqual(['427.33', '35.62']);
    expect(price.add(freight).toFixed(2)).toBe('462.95');
  });

  it('tax at 9.1%: 462.95 × 0.13 × 0.7 = 42.12845 → 42.13', () => {
    const tax = listTax(
      {
        items: [{ totalPrice: convertToCny(d('59.99'), rate), qty: d('1'), rates: ORDINARY }],
        freight: convertToCny(d('5.00'), rate),
        insurance: d('0'),
      },
      'within-limits',
      FACTOR,
    );
    expect(tax.lines[0]!.dutiablePrice.toFixed(2)).toBe('462.95');
    expect(tax.totals.total.toFixed(2)).toBe('42.13');
  });

  it('refuses a zero or negative rate', () => {
    expect(() => convertToCny(d('1'), d('0'))).toThrow(RangeError);
  });
});

describe('historical rates: the tax follows the VAT rate of the date (business-rules.md §1.3)', () => {
  it('milk powder 2 × 200.00 at the old 17% VAT: 400 × 11.9% = 47.60', () => {
    const tax = lineTax(
      { dutiablePrice: d('400.00'), qty: d('2'), rates: rates('0.15', '0.17', '0') },
      'within-limits',
      FACTOR,
    );
    expect(tax.total.toFixed(2)).toBe('47.60');
  });
});

describe('comprehensive rates table (business-rules.md §1.3)', () => {
  it.each([
    ['0', '0.13', '9.1'],
    ['0', '0.09', '6.3'],
    ['0.15', '0.13', '23.0588'],
    ['0.10', '0.13', '17.8889'],
    ['0.20', '0.13', '28.875'],
    ['0.05', '0.13', '13.2632'],
  ])('c %s, v %s → r ≈ %s%%', (c, v, percent) => {
    const r = comprehensiveRate({ consumptionTaxRate: d(c), vatRate: d(v) }, FACTOR);
    expect(r.mul(d('100')).round(4).toString()).toBe(percent);
  });
});

describe('high-end cosmetics threshold (财税〔2016〕103号): ≥ 10 RMB per ml or g, ≥ 15 RMB per piece', () => {
  const rule = 'cosmetics' as const;
  it.each([
    ['500.00', '1', '50', 'ml', true], // exactly 10.00 per ml: at the threshold, CT applies
    ['499.99', '1', '50', 'ml', false],
    ['1000.00', '2', '50', 'ml', true], // per ml counts every unit: 1000 / (2 × 50) = 10
    ['999.99', '2', '50', 'ml', false],
    ['150.00', '1', '10', 'piece', true], // a box of 10 masks at 15.00 each
    ['149.99', '1', '10', 'piece', false],
    ['15.00', '1', '1', 'piece', true],
    ['200.00', '1', '20', 'g', true],
  ] as const)('%s for %s × %s %s → CT %s', (price, qty, amount, unit, applies) => {
    const test = cosmeticsTest(rule, d(price), d(qty), { amount: d(amount), unit });
    expect(test.kind === 'measured' && test.applies).toBe(applies);
  });

  it('without a net content the CT is charged (assumed high-end, the safe side for withholding)', () => {
    expect(cosmeticsTest(rule, d('100'), d('1'))).toEqual({ kind: 'assumed', applies: true });
  });

  it('goods without the rule pay their CT unconditionally', () => {
    expect(cosmeticsTest(null, d('1'), d('1'), { amount: d('100'), unit: 'ml' })).toEqual({ kind: 'unconditional' });
  });

  it('the test uses the dutiable price (freight included): 490 + 10 freight for 50 ml is 10.00 per ml', () => {
    const tax = listTax(
      {
        items: [
          { totalPrice: d('490.00'), qty: d('1'), netContent: { amount: d('50'), unit: 'ml' }, rates: SKIN_CARE },
        ],
        freight: d('10.00'),
        insurance: d('0'),
      },
      'within-limits',
      FACTOR,
    );
    expect(tax.lines[0]!.cosmetics).toMatchObject({ kind: 'measured', applies: true });
    expect(tax.lines[0]!.consumptionTax.isPositive()).toBe(true);
  });
});

describe('list taxes: per item and per tax kind rounded, totals are sums of the rounded amounts', () => {
  it('freight and insurance are allocated separately by total price, remainder to the highest-value item', () => {
    const bases = dutiablePrices({
      items: [
        { totalPrice: d('100'), qty: d('1'), rates: ORDINARY },
        { totalPrice: d('100'), qty: d('1'), rates: ORDINARY },
        { totalPrice: d('200'), qty: d('1'), rates: ORDINARY },
      ],
      freight: d('0.10'),
      insurance: d('1.00'),
    });
    expect(bases.map((b) => b.freightShare.toFixed(2))).toEqual(['0.03', '0.03', '0.04']);
    expect(bases.map((b) => b.insuranceShare.toFixed(2))).toEqual(['0.25', '0.25', '0.50']);
    expect(bases.map((b) => b.dutiablePrice.toFixed(2))).toEqual(['100.28', '100.28', '200.54']);
  });

  it('two items: the list total is the sum of the item totals, not the tax of the summed price', () => {
    // 600 serum (138.36) + 425 cream (98.00) = 236.36; round(1025 × 23.0588…%) would be 236.35.
    const tax = listTax(
      {
        items: [
          { totalPrice: d('600.00'), qty: d('1'), netContent: { amount: d('50'), unit: 'ml' }, rates: SKIN_CARE },
          { totalPrice: d('425.00'), qty: d('1'), netContent: { amount: d('20'), unit: 'g' }, rates: SKIN_CARE },
        ],
        freight: d('0'),
        insurance: d('0'),
      },
      'within-limits',
      FACTOR,
    );
    expect(tax.lines.map((l) => l.total.toFixed(2))).toEqual(['138.36', '98.00']);
    expect(figures(tax.totals)).toEqual({ tariff: '0.00', consumptionTax: '126.62', vat: '109.74', total: '236.36' });
    expect(d('1025').toRatio().mul(comprehensiveRate(SKIN_CARE, FACTOR)).round(2).toString()).toBe('236.35');
  });

  it('property: item total = tariff + CT + VAT; list totals = sums; each amount within half a fen of the exact one', () => {
    const rateArb = fc.constantFrom(ORDINARY, NINE_PERCENT, SKIN_CARE, PEARLS, GOLD, WATCH);
    const amount = fc.bigInt({ min: 0n, max: 50_000_000n }).map((u) => Decimal.of(u, 2));
    fc.assert(
      fc.property(
        fc.array(fc.record({ totalPrice: amount, rates: rateArb }), { minLength: 1, maxLength: 6 }),
        amount,
        fc.constantFrom('within-limits' as const, 'full-tax' as const),
        (items, freight, regime) => {
          const input = { items: items.map((i) => ({ ...i, qty: d('1') })), freight, insurance: d('0') };
          const tax = listTax(input, regime, FACTOR);
          const half = d('0.005');
          tax.lines.forEach((line, i) => {
            expect(line.total.eq(line.tariff.add(line.consumptionTax).add(line.vat))).toBe(true);
            const exact = exactLineTax(
              { dutiablePrice: line.dutiablePrice, qty: d('1'), rates: items[i]!.rates },
              regime,
              FACTOR,
            );
            for (const [rounded, precise] of [
              [line.tariff, exact.tariff],
              [line.consumptionTax, exact.consumptionTax],
              [line.vat, exact.vat],
            ] as const) {
              const diff = precise.sub(rounded);
              expect(diff.cmp(half) <= 0 && diff.cmp(half.neg()) >= 0).toBe(true);
            }
            if (regime === 'within-limits') expect(line.tariff.isZero()).toBe(true);
          });
          expect(tax.totals.total.eq(Decimal.sum(tax.lines.map((l) => l.total)))).toBe(true);
          expect(tax.totals.dutiablePrice.eq(Decimal.sum(items.map((i) => i.totalPrice)).add(freight))).toBe(true);
        },
      ),
    );
  });

  it('full tax is never less than the within-limits tax of the same line', () => {
    const amount = fc.bigInt({ min: 0n, max: 50_000_000n }).map((u) => Decimal.of(u, 2));
    fc.assert(
      fc.property(amount, fc.constantFrom(ORDINARY, SKIN_CARE, PEARLS, WATCH), (p, r) => {
        const line = { dutiablePrice: p, qty: d('1'), rates: r };
        expect(lineTax(line, 'full-tax', FACTOR).total.gte(lineTax(line, 'within-limits', FACTOR).total)).toBe(true);
      }),
    );
  });

  it('refuses a consumption-tax rate of 1 or more (the 1/(1 − c) base) and an empty list', () => {
    expect(() =>
      lineTax({ dutiablePrice: d('1'), qty: d('1'), rates: rates('0', '0.13', '1') }, 'within-limits', FACTOR),
    ).toThrow(RangeError);
    expect(() => listTax({ items: [], freight: d('0'), insurance: d('0') }, 'within-limits', FACTOR)).toThrow(
      RangeError,
    );
  });
});
