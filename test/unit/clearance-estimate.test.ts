import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/kernel/money.js';
import { assessList, REASON_CODES } from '../../src/modules/clearance/rules/import/assess.js';
import { estimateTax } from '../../src/modules/clearance/rules/import/estimate.js';
import {
  type TaxEstimateInput,
  taxEstimateInputSchema,
  taxEstimateResultSchema,
} from '../../src/modules/clearance/schemas.js';
import { type ClearanceTables, parseClearanceTables } from '../../src/modules/clearance/tables/tables.js';

/**
 * The tax estimate (issue: "Import clearance engine", POST /api/v1/tax/estimate contract) over small inline tables
 * with the rates of business-rules.md §1.4 and the worked examples of §1.7.
 */

const d = Decimal.parse;
const ON = '2026-11-28';

function tables(): ClearanceTables {
  const r = parseClearanceTables({
    tariffRates: [
      'hs_code,valid_from,valid_to,mfn_rate,vat_rate,consumption_tax_rate,consumption_tax_rule',
      '3304990029,2019-04-01,,0.01,0.13,0.15,cosmetics',
      '6109100021,2019-04-01,,0.06,0.13,0,',
      '9101191000,2019-04-01,,0.08,0.13,0.20,',
      '0802120000,2019-04-01,,0.10,0.09,0,',
      '0306179000,2019-04-01,,0.05,0.09,0,',
      '1701991000,2019-04-01,,0.50,0.13,0,',
      '8471300000,2019-04-01,,0,0.13,0,',
    ].join('\n'),
    positiveList: [
      'hs8,valid_from,valid_to,name,note,trade_modes,annual_qty_cap,cap_unit',
      '33049900,2022-03-01,,护肤品,SAMPLE,,,',
      '61091000,2022-03-01,,T恤衫,SAMPLE,,,',
      '91011910,2022-03-01,,电子手表,SAMPLE,,,',
      '08021200,2022-03-01,,扁桃仁,SAMPLE,,,',
      '03061790,2022-03-01,,冻虾,SAMPLE,1210,,',
      '17019910,2022-03-01,,砂糖,SAMPLE,,2,kg',
    ].join('\n'),
    exchangeRates: 'currency,month,units,rate_to_cny,fixing_date,source\nUSD,2025-03,1,7.1234,2025-02-19,SAMPLE',
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.table;
}
const TABLES = tables();

function input(
  items: TaxEstimateInput['items'],
  freight = '0',
  insurance = '0',
  extra: Partial<TaxEstimateInput> = {},
) {
  return taxEstimateInputSchema.parse({ items, freight, insurance, ...extra });
}

describe('taxEstimateInputSchema: amounts are decimal strings in RMB', () => {
  const ok = { items: [{ hsCode: '6109100021', price: '199.00', qty: '2' }], freight: '20.00', insurance: '0' };

  it('accepts the contract’s shape', () => {
    expect(taxEstimateInputSchema.safeParse(ok).success).toBe(true);
    expect(
      taxEstimateInputSchema.safeParse({
        ...ok,
        items: [{ hsCode: '3304990029', price: '600.00', qty: '1', netContent: '50', netContentUnit: 'ml' }],
        buyerUsedThisYear: '24000.00',
      }).success,
    ).toBe(true);
  });

  it.each([
    ['a JSON number as price', { items: [{ ...ok.items[0], price: 199 }] }, 'items.0.price', undefined],
    ['an exponent', { freight: '2e1' }, 'freight', 'DECIMAL_FORMAT'],
    ['a negative amount', { insurance: '-1' }, 'insurance', 'DECIMAL_NEGATIVE'],
    ['more than 5 decimals (N19,5)', { freight: '0.000001' }, 'freight', 'DECIMAL_N19_5'],
    ['a zero quantity', { items: [{ ...ok.items[0], qty: '0' }] }, 'items.0.qty', 'DECIMAL_NOT_POSITIVE'],
    ['an 8-digit code', { items: [{ ...ok.items[0], hsCode: '61091000' }] }, 'items.0.hsCode', undefined],
    [
      'net content without its unit',
      { items: [{ ...ok.items[0], netContent: '50' }] },
      'items.0.netContentUnit',
      undefined,
    ],
    [
      'an unknown unit',
      { items: [{ ...ok.items[0], netContent: '1', netContentUnit: 'oz' }] },
      'items.0.netContentUnit',
      undefined,
    ],
    ['no items', { items: [] }, 'items', undefined],
    ['an unknown field', { discount: '5' }, '', undefined],
  ])('refuses %s', (_, change, path, code) => {
    const r = taxEstimateInputSchema.safeParse({ ...ok, ...change });
    expect(r.success).toBe(false);
    const issue = r.error!.issues[0]!;
    expect(issue.path.join('.')).toBe(path);
    if (code) {
      expect(issue.code).toBe('custom');
      expect((issue as { params?: { code?: string } }).params?.code).toBe(code);
      expect(issue.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('estimateTax: the §1.7 examples through the same assessment clearance uses', () => {
  it('example 1: 2 × 199.00 + freight 20.00 → VAT 38.04, within limits', () => {
    const r = estimateTax(input([{ hsCode: '6109100021', price: '199.00', qty: '2' }], '20.00'), TABLES, undefined, {
      on: ON,
    });
    expect(r).toEqual({
      outcome: 'within-limits',
      items: [
        {
          hsCode: '6109100021',
          dutiablePrice: '418.00',
          tariff: '0.00',
          consumptionTax: '0.00',
          vat: '38.04',
          total: '38.04',
        },
      ],
      total: '38.04',
      dutiableTotal: '418.00',
      annualTotalAfter: '418.00',
      reasons: [],
    });
    expect(taxEstimateResultSchema.parse(r)).toEqual(r);
  });

  it('example 2: 50 ml serum at 600.00 → 74.12 + 64.24 = 138.36', () => {
    const r = estimateTax(
      input([{ hsCode: '3304990029', price: '600.00', qty: '1', netContent: '50', netContentUnit: 'ml' }]),
      TABLES,
      undefined,
      { on: ON },
    );
    expect(r.items[0]).toMatchObject({ consumptionTax: '74.12', vat: '64.24', total: '138.36' });
    expect(r.total).toBe('138.36');
  });

  it('example 3: 20 g at 425.00 → 98.00; at 180.00 (9.00 per g) → 16.38 with a below-threshold note', () => {
    const at = (price: string) =>
      estimateTax(
        input([{ hsCode: '3304990029', price, qty: '1', netContent: '20', netContentUnit: 'g' }]),
        TABLES,
        undefined,
        { on: ON },
      );
    expect(at('425.00').items[0]).toMatchObject({ consumptionTax: '52.50', vat: '45.50', total: '98.00' });
    const below = at('180.00');
    expect(below.items[0]).toMatchObject({ consumptionTax: '0.00', vat: '16.38', total: '16.38' });
    expect(below.reasons).toEqual([
      {
        code: REASON_CODES.belowThreshold,
        item: 1,
        message: {
          zh: '第1项完税价格每克 9.00 元，低于 10 元，不征消费税',
          en: 'Item 1: 9.00 RMB per g, below 10: no consumption tax',
        },
      },
    ]);
  });

  it('example 5: watch 12,000.00 alone with 3,000.00 used → full tax 960.00 + 3,240.00 + 2,106.00 = 6,306.00, cum 15,000.00', () => {
    const r = estimateTax(input([{ hsCode: '9101191000', price: '12000.00', qty: '1' }]), TABLES, '3000.00', {
      on: ON,
    });
    expect(r.outcome).toBe('full-tax');
    expect(r.items[0]).toMatchObject({ tariff: '960.00', consumptionTax: '3240.00', vat: '2106.00', total: '6306.00' });
    expect(r.annualTotalAfter).toBe('15000.00');
    expect(r.reasons.map((x) => x.code)).toEqual([REASON_CODES.fullTax]);
  });

  it('example 5: the same watch with 15,000.00 used → rejected -621018, no tax figures', () => {
    const r = estimateTax(input([{ hsCode: '9101191000', price: '12000.00', qty: '1' }]), TABLES, '15000.00', {
      on: ON,
    });
    expect(r).toMatchObject({ outcome: 'rejected', items: [], total: '0.00', annualTotalAfter: null });
    expect(r.reasons).toEqual([
      {
        code: '-621018',
        message: {
          zh: '购买人已用购买额度为[15000.00]，本次购买将超过年度限额[26000]',
          en: 'The buyer has used [15000.00] of the annual quota; this purchase of 12000.00 would exceed the annual limit [26000]',
        },
      },
    ]);
  });

  it('example 5b: cosmetic set 5,200.00 alone → full tax 52.00 + 926.82 + 803.25 = 1,782.07', () => {
    const r = estimateTax(
      input([{ hsCode: '3304990029', price: '5200.00', qty: '1', netContent: '1', netContentUnit: 'piece' }]),
      TABLES,
      undefined,
      { on: ON },
    );
    expect(r.outcome).toBe('full-tax');
    expect(r.items[0]).toMatchObject({ tariff: '52.00', consumptionTax: '926.82', vat: '803.25', total: '1782.07' });
    expect(r.annualTotalAfter).toBe('5200.00');
  });

  it('example 6: 2 × 2,600.00 → rejected -621005', () => {
    const r = estimateTax(input([{ hsCode: '6109100021', price: '2600.00', qty: '2' }]), TABLES, undefined, { on: ON });
    expect(r.outcome).toBe('rejected');
    expect(r.reasons.map((x) => x.code)).toEqual(['-621005']);
  });

  it('example 7: 24,000.00 used + 2,000.00 → within; + 2,000.01 → -621018; 21,500.00 + single 5,200.00 → -621018', () => {
    const order = (price: string) => input([{ hsCode: '6109100021', price, qty: '1' }]);
    expect(estimateTax(order('2000.00'), TABLES, '24000.00', { on: ON }).outcome).toBe('within-limits');
    expect(estimateTax(order('2000.01'), TABLES, '24000.00', { on: ON }).reasons[0]!.code).toBe('-621018');
    expect(estimateTax(order('5200.00'), TABLES, '21500.00', { on: ON }).reasons[0]!.code).toBe('-621018');
  });

  it('example 9: almonds 300.00 at 9% VAT → 18.90', () => {
    const r = estimateTax(input([{ hsCode: '0802120000', price: '300.00', qty: '1' }]), TABLES, undefined, { on: ON });
    expect(r.total).toBe('18.90');
  });
});

describe('estimateTax: usage, reasons and allocation', () => {
  const tee = (price: string, qty = '1') => ({ hsCode: '6109100021', price, qty });

  it('the platform’s own usage figure wins over the one in the input; else the input’s; else 0', () => {
    const body = input([tee('2000.00')], '0', '0', { buyerUsedThisYear: '24000.01' });
    expect(estimateTax(body, TABLES, undefined, { on: ON }).outcome).toBe('rejected');
    expect(estimateTax(body, TABLES, '0', { on: ON }).outcome).toBe('within-limits');
    expect(estimateTax(body, TABLES, d('24000.00'), { on: ON }).outcome).toBe('within-limits');
    expect(estimateTax(input([tee('2000.00')]), TABLES, undefined, { on: ON }).annualTotalAfter).toBe('2000.00');
  });

  it('freight is part of the limit amount: 4,990.00 + 10.00 freight is within, + 10.01 is over', () => {
    const two = [tee('2495.00', '2')];
    expect(estimateTax(input(two, '10.00'), TABLES, undefined, { on: ON }).outcome).toBe('within-limits');
    expect(estimateTax(input(two, '10.01'), TABLES, undefined, { on: ON }).reasons[0]!.code).toBe('-621005');
  });

  it('freight and insurance allocated by total price: 100 / 100 / 200 with freight 0.10 → 0.03 / 0.03 / 0.04', () => {
    const r = estimateTax(input([tee('100.00'), tee('100.00'), tee('200.00')], '0.10'), TABLES, undefined, { on: ON });
    expect(r.items.map((i) => i.dutiablePrice)).toEqual(['100.03', '100.03', '200.04']);
    expect(r.items.map((i) => i.vat)).toEqual(['9.10', '9.10', '18.20']);
    expect(r.total).toBe('36.40');
  });

  it('every rejection reason is listed: no rate, not on the list, mode not allowed, limit', () => {
    const r = estimateTax(
      input([
        { hsCode: '9999999999', price: '10.00', qty: '1' },
        { hsCode: '8471300000', price: '3000.00', qty: '1' },
        { hsCode: '0306179000', price: '2500.00', qty: '1' },
      ]),
      TABLES,
      undefined,
      { on: ON, tradeMode: '9610' },
    );
    expect(r.outcome).toBe('rejected');
    expect(r.reasons.map((x) => [x.code, x.item])).toEqual([
      [REASON_CODES.rateNotFound, 1],
      [REASON_CODES.notListed, 1],
      [REASON_CODES.notListed, 2],
      [REASON_CODES.modeNotAllowed, 3],
      ['-621005', undefined],
    ]);
    for (const reason of r.reasons) {
      expect(reason.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(reason.message.en).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it('notes: seafood 1210-only when the mode is unknown, sugar’s annual cap, cosmetics without a net content', () => {
    const r = estimateTax(
      input([
        { hsCode: '0306179000', price: '100.00', qty: '1' },
        { hsCode: '1701991000', price: '20.00', qty: '1' },
        { hsCode: '3304990029', price: '100.00', qty: '1' },
      ]),
      TABLES,
      undefined,
      { on: ON },
    );
    expect(r.outcome).toBe('within-limits');
    expect(r.reasons.map((x) => [x.code, x.item])).toEqual([
      [REASON_CODES.modeRestricted, 1],
      [REASON_CODES.quantityCap, 2],
      [REASON_CODES.netContentMissing, 3],
    ]);
    expect(r.reasons[1]!.message.zh).toBe('第2项“砂糖”每人每年限购 2 kg');
    expect(Number(r.items[2]!.consumptionTax)).toBeGreaterThan(0);
  });

  it('5-decimal prices stay exact in the dutiable price; taxes are fen amounts', () => {
    const r = estimateTax(input([tee('99.99999', '3')]), TABLES, undefined, { on: ON });
    expect(r.items[0]!.dutiablePrice).toBe('299.99997');
    expect(r.items[0]!.vat).toBe('27.30');
  });

  it('assessList is the shared path: a declared list in 1210 with its rates and new annual total', () => {
    const a = assessList(
      {
        items: [{ hsCode: '0306179000', totalPrice: d('300.00'), qty: d('2') }],
        freight: d('0'),
        insurance: d('0'),
      },
      TABLES,
      { on: ON, usedThisYear: d('100'), tradeMode: '1210' },
    );
    expect(a.outcome).toBe('within-limits');
    if (a.outcome !== 'rejected') {
      expect(a.rates[0]!.hsCode).toBe('0306179000');
      expect(a.tax.totals.total.toFixed(2)).toBe('18.90');
      expect(a.annualTotalAfter.toFixed(2)).toBe('400.00');
    }
  });
});
