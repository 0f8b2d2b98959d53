import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/kernel/money.js';
import { estimateTax } from '../../src/modules/clearance/rules/import/estimate.js';
import { policyOn } from '../../src/modules/clearance/rules/import/limits.js';
import { convertToCny, lineTax } from '../../src/modules/clearance/rules/import/tax.js';
import { readClearanceTables, SAMPLE_TABLES_DIR, TABLE_FILES } from '../../src/modules/clearance/tables/table-files.js';
import {
  type ClearanceTables,
  exchangeRate,
  formatTableError,
  rateFor,
} from '../../src/modules/clearance/tables/tables.js';

/**
 * The shipped sample tables (tables/samples/) load cleanly, say they are samples, and give the worked examples of
 * business-rules.md §1.7 through the estimate.
 */

let tables: ClearanceTables;
const ON = '2026-11-28';

beforeAll(async () => {
  const r = await readClearanceTables(SAMPLE_TABLES_DIR);
  if (!r.ok) throw new Error(r.errors.map((e) => formatTableError(e, 'en')).join('\n'));
  tables = r.table;
});

describe('the sample tables are labelled as samples (platform-decisions.md: never pretend to be the official table)', () => {
  it('README.md says so', async () => {
    const readme = await readFile(join(SAMPLE_TABLES_DIR, 'README.md'), 'utf8');
    expect(readme).toMatch(/^# SAMPLE .*not the official tables/m);
    expect(readme).toContain('illustrative');
  });

  it('every positive-list note and every exchange-rate source says SAMPLE', () => {
    expect(tables.positiveList.rows.length).toBeGreaterThanOrEqual(8);
    for (const row of tables.positiveList.rows) expect(row.note.startsWith('SAMPLE')).toBe(true);
    for (const row of tables.exchangeRates.rows) expect(row.source.startsWith('SAMPLE')).toBe(true);
  });

  it('the tariff-rate file has exactly the documented header', async () => {
    const text = await readFile(join(SAMPLE_TABLES_DIR, TABLE_FILES.tariffRates), 'utf8');
    expect(text.split('\n')[0]).toBe(
      'hs_code,valid_from,valid_to,mfn_rate,vat_rate,consumption_tax_rate,consumption_tax_rule',
    );
  });
});

describe('§1.7 worked examples over the sample tables', () => {
  const estimate = (
    items: { hsCode: string; price: string; qty: string; netContent?: string; netContentUnit?: 'ml' | 'g' | 'piece' }[],
    freight = '0',
    used?: string,
    on = ON,
  ) => estimateTax({ items, freight, insurance: '0' }, tables, used, { on });

  it('example 1: 2 × 199.00 T-shirts + 20.00 freight → 38.04', () => {
    expect(estimate([{ hsCode: '6109100021', price: '199.00', qty: '2' }], '20.00').total).toBe('38.04');
  });

  it('example 2: serum 600.00 / 50 ml → 138.36', () => {
    const r = estimate([{ hsCode: '3304990029', price: '600.00', qty: '1', netContent: '50', netContentUnit: 'ml' }]);
    expect(r.items[0]).toMatchObject({ consumptionTax: '74.12', vat: '64.24', total: '138.36' });
  });

  it('example 3: 425.00 / 20 g → 98.00; 180.00 / 20 g → 16.38', () => {
    const cream = (price: string) =>
      estimate([{ hsCode: '3304990029', price, qty: '1', netContent: '20', netContentUnit: 'g' }]).total;
    expect(cream('425.00')).toBe('98.00');
    expect(cream('180.00')).toBe('16.38');
  });

  it('example 4: pearl necklace 2,000.00 → 357.78; gold ring 2,000.00 → 182.00', () => {
    const pearls = estimate([{ hsCode: '7116100000', price: '2000.00', qty: '1' }]);
    expect(pearls.items[0]).toMatchObject({ consumptionTax: '155.56', vat: '202.22', total: '357.78' });
    expect(estimate([{ hsCode: '7113191900', price: '2000.00', qty: '1' }]).total).toBe('182.00');
  });

  it('example 5: watch 12,000.00 alone, 3,000.00 used → 6,306.00, cum 15,000.00; with 15,000.00 used → -621018', () => {
    const r = estimate([{ hsCode: '9101191000', price: '12000.00', qty: '1' }], '0', '3000.00');
    expect(r).toMatchObject({ outcome: 'full-tax', total: '6306.00', annualTotalAfter: '15000.00' });
    expect(estimate([{ hsCode: '9101191000', price: '12000.00', qty: '1' }], '0', '15000.00').reasons[0]!.code).toBe(
      '-621018',
    );
  });

  it('example 5b: cosmetic set 5,200.00 alone → 1,782.07', () => {
    const r = estimate([
      { hsCode: '3304990029', price: '5200.00', qty: '1', netContent: '1', netContentUnit: 'piece' },
    ]);
    expect(r).toMatchObject({ outcome: 'full-tax', total: '1782.07', annualTotalAfter: '5200.00' });
  });

  it('example 6: 2 × 2,600.00 → -621005', () => {
    expect(estimate([{ hsCode: '6109100021', price: '2600.00', qty: '2' }]).reasons[0]!.code).toBe('-621005');
  });

  it('example 7: 24,000.00 + 2,000.00 within; + 2,000.01 → -621018; 21,500.00 + 5,200.00 single → -621018', () => {
    const tee = (price: string) => [{ hsCode: '6109100021', price, qty: '1' }];
    expect(estimate(tee('2000.00'), '0', '24000.00').outcome).toBe('within-limits');
    expect(estimate(tee('2000.01'), '0', '24000.00').outcome).toBe('rejected');
    expect(estimate(tee('5200.00'), '0', '21500.00').reasons[0]!.code).toBe('-621018');
  });

  it('example 9: almonds 300.00 (9% VAT) → 18.90', () => {
    expect(estimate([{ hsCode: '0802120000', price: '300.00', qty: '1' }]).total).toBe('18.90');
  });

  it('example 10: USD 59.99 + USD 5.00 freight at the 2025-03 rate 7.1234 → P 462.95, tax 42.13', () => {
    const on = '2025-03-10';
    const usd = exchangeRate(tables, 'USD', on);
    expect(usd?.perUnit.toString()).toBe('7.1234');
    expect(usd?.fixingDate).toBe('2025-02-19');
    const price = convertToCny(Decimal.parse('59.99'), usd!.perUnit).toFixed(2);
    const freight = convertToCny(Decimal.parse('5.00'), usd!.perUnit).toFixed(2);
    const r = estimate([{ hsCode: '6109100021', price, qty: '1' }], freight, undefined, on);
    expect(r.items[0]!.dutiablePrice).toBe('462.95');
    expect(r.total).toBe('42.13');
  });

  it('dated rates and policy: milk powder 2 × 200.00 in 2017 at 17% VAT → 47.60 (11.9%); 2019-04-01 on at 13%', () => {
    const old = rateFor(tables, '1901101000', '2017-06-01')!;
    expect(old.rates.vatRate.toString()).toBe('0.17');
    const factor = policyOn('2017-06-01').reducedTaxFactor;
    const tax = lineTax(
      { dutiablePrice: Decimal.parse('400.00'), qty: Decimal.parse('2'), rates: old.rates },
      'within-limits',
      factor,
    );
    expect(tax.total.toFixed(2)).toBe('47.60');
    expect(policyOn('2017-06-01').singleLimit.toString()).toBe('2000');
    expect(estimate([{ hsCode: '1901101000', price: '200.00', qty: '2' }]).total).toBe('36.40');
  });
});
