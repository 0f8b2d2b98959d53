import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/modules/clearance/tables/csv.js';
import {
  exchangeRate,
  formatTableError,
  parseClearanceTables,
  parseExchangeRates,
  parsePositiveList,
  parseTariffRates,
  positiveListEntry,
  rateFor,
  type TableError,
} from '../../src/modules/clearance/tables/tables.js';

/** platform-decisions.md: rates, the positive list and exchange rates are dated tables loaded from CSV. */

const TARIFF_HEADER = 'hs_code,valid_from,valid_to,mfn_rate,vat_rate,consumption_tax_rate,consumption_tax_rule';
const LIST_HEADER = 'hs8,valid_from,valid_to,name,note,trade_modes,annual_qty_cap,cap_unit';
const RATES_HEADER = 'currency,month,units,rate_to_cny,fixing_date,source';
const csv = (...lines: string[]) => `${lines.join('\n')}\n`;

function errorsOf<T>(r: { ok: true; table: T } | { ok: false; errors: TableError[] }): TableError[] {
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}
function tableOf<T>(r: { ok: true; table: T } | { ok: false; errors: TableError[] }): T {
  if (!r.ok) throw new Error(r.errors.map((e) => formatTableError(e, 'en')).join('\n'));
  return r.table;
}
const where = (errors: TableError[]) => errors.map((e) => `${e.line}:${e.column ?? '-'}`);

describe('CSV reader (RFC 4180)', () => {
  it('quoted fields with commas, doubled quotes and line breaks; line numbers count the physical lines', () => {
    const { records, problems } = parseCsv('a,b,c\n"x, y","say ""hi""","two\nlines"\nlast,,\n');
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
      { line: 4, fields: ['last', '', ''] },
    ]);
  });

  it('a UTF-8 BOM, CRLF and CR line ends, and blank lines', () => {
    const { records, problems } = parseCsv('\uFEFFa,b\r\n1,2\r\n\r\n3,4\r5,6');
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 4, fields: ['3', '4'] },
      { line: 5, fields: ['5', '6'] },
    ]);
  });

  it('a CRLF inside quotes is kept and counted as one line', () => {
    const { records } = parseCsv('"a\r\nb",c\r\nd,e');
    expect(records).toEqual([
      { line: 1, fields: ['a\r\nb', 'c'] },
      { line: 3, fields: ['d', 'e'] },
    ]);
  });

  it('malformed records are reported with line and field, the others kept', () => {
    const { records, problems } = parseCsv('ok,1\nba"d,2\n"x"y,3\nfine,4\n"never closed,5\n');
    expect(records.map((r) => r.line)).toEqual([1, 4]);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [2, 1],
      [3, 1],
      [5, 1],
    ]);
    expect(problems[0]!.messageZh).toContain('双引号');
    expect(problems[2]!.messageEn).toContain('never closed');
  });
});

describe('tariff-rate table: hs_code,valid_from,valid_to,mfn_rate,vat_rate,consumption_tax_rate,consumption_tax_rule', () => {
  const good = csv(
    TARIFF_HEADER,
    '3304990029,2019-04-01,,0.01,0.13,0.15,cosmetics',
    '1901101000,2018-05-01,2019-03-31,0.15,0.16,0,',
    '1901101000,2019-04-01,,0.15,0.13,0,',
    '33041000,2019-04-01,,0.01,0.13,0.15,cosmetics',
    '3304100010,2019-04-01,,0.02,0.13,0.15,cosmetics',
  );

  it('loads rates as exact decimals', () => {
    const table = tableOf(parseTariffRates(good));
    const skin = rateFor({ tariffRates: table }, '3304990029', '2026-11-28');
    expect(skin?.rates.consumptionTaxRate.toString()).toBe('0.15');
    expect(skin?.rates.consumptionTaxRule).toBe('cosmetics');
    expect(skin?.line).toBe(2);
  });

  it('rateFor picks the row in force on the date; valid_to is inclusive (the 2019-04-01 VAT cut)', () => {
    const tables = { tariffRates: tableOf(parseTariffRates(good)) };
    expect(rateFor(tables, '1901101000', '2019-03-31')?.rates.vatRate.toString()).toBe('0.16');
    expect(rateFor(tables, '1901101000', '2019-04-01')?.rates.vatRate.toString()).toBe('0.13');
    expect(rateFor(tables, '1901101000', '2018-04-30')).toBeNull();
    expect(rateFor(tables, '9999999999', '2026-01-01')).toBeNull();
  });

  it('an 8-digit row covers its 10-digit codes; a 10-digit row wins', () => {
    const tables = { tariffRates: tableOf(parseTariffRates(good)) };
    expect(rateFor(tables, '3304100090', '2026-01-01')?.hsCode).toBe('33041000');
    expect(rateFor(tables, '3304100010', '2026-01-01')?.rates.mfnRate.toString()).toBe('0.02');
  });

  it('a header with columns in another order is fine; a missing or unknown column is not', () => {
    const reordered = csv(
      'vat_rate,hs_code,valid_from,valid_to,mfn_rate,consumption_tax_rate,consumption_tax_rule',
      '0.13,3304990029,2019-04-01,,0.01,0.15,cosmetics',
    );
    expect(parseTariffRates(reordered).ok).toBe(true);
    const errors = errorsOf(parseTariffRates(csv('hs_code,valid_from,valid_to,mfn,vat_rate,consumption_tax_rate', '')));
    expect(errors.map((e) => e.column)).toEqual(['mfn', 'mfn_rate', 'consumption_tax_rule', null]);
    expect(errors.at(-1)!.messageEn).toContain(TARIFF_HEADER);
  });

  it('every bad row and field is reported with its line and column, bilingual', () => {
    const errors = errorsOf(
      parseTariffRates(
        csv(
          TARIFF_HEADER,
          '3304990029,2019-04-01,,0.01,0.13,0.15,cosmetics', // 2: fine
          '330499002,2019-04-01,,0.01,0.13,0,', // 3: 9 digits
          '3304990021,2025-02-29,,0.01,0.13,0,', // 4: no such date
          '3304990022,2019-04-01,2019-01-01,13,0.13,0,', // 5: inverted period, rate 13
          '3304990023,2019-04-01,,0.01,0.13,0.15,luxury', // 6: unknown rule
          '3304990024,2019-04-01,,0.01,0.13,0,cosmetics', // 7: rule without CT
          '3304990025,2019-04-01,,0.01,0.13', // 8: too few fields
          '3304990026,2019-04-01,,1e-2,0.13,1,', // 9: exponent, CT rate 1
          '3304990029,2020-01-01,,0.01,0.13,0.15,cosmetics', // 10: overlaps line 2
          '3304990020,2019-04-01,,0.01,13%,0.15,cosmetics', // 11: percent
        ),
      ),
    );
    expect(where(errors)).toEqual([
      '3:hs_code',
      '4:valid_from',
      '5:valid_to',
      '5:mfn_rate',
      '6:consumption_tax_rule',
      '7:consumption_tax_rule',
      '8:-',
      '9:mfn_rate',
      '9:consumption_tax_rate',
      '10:valid_from',
      '11:vat_rate',
    ]);
    expect(errors[3]!.messageEn).toContain('13% is 0.13');
    expect(errors[7]!.messageEn).toContain('Exponent');
    expect(errors[9]!.messageZh).toContain('第 2 行');
    expect(errors[10]!.messageZh).toContain('0.13');
    expect(errors[10]!.messageEn).toContain('not percentages');
    for (const e of errors) {
      expect(e.messageZh).toMatch(/[\u4e00-\u9fff]/);
      expect(e.messageEn).toMatch(/^[\x20-\x7e…]+$/);
    }
  });

  it('formatTableError names the table, line and column in each language', () => {
    const [e] = errorsOf(parseTariffRates(csv(TARIFF_HEADER, '3304990029,2019-04-01,,0.01,13%,0.15,cosmetics')));
    expect(formatTableError(e!, 'en')).toBe(
      'tariff-rate table line 2, column vat_rate: vat_rate: write rates as decimals (0.13), not percentages (value: 13%)',
    );
    expect(formatTableError(e!, 'zh')).toContain('税率表 第 2 行，列 vat_rate');
  });

  it('an empty file, and malformed CSV, are errors too', () => {
    expect(where(errorsOf(parseTariffRates('')))).toEqual(['1:-']);
    expect(where(errorsOf(parseTariffRates(csv(TARIFF_HEADER, '"3304990029,2019-04-01,,0.01,0.13,0,'))))).toEqual([
      '2:-',
    ]);
  });
});

describe('positive list: hs8,valid_from,valid_to,name,note,trade_modes,annual_qty_cap,cap_unit', () => {
  const list = csv(
    LIST_HEADER,
    '33049900,2022-03-01,,其他美容品或化妆品及护肤品,SAMPLE,,,',
    '03061790,2022-03-01,,其他冻虾及虾仁,"SAMPLE; 限网购保税商品",1210,,',
    '17019910,2022-03-01,,砂糖,"SAMPLE; 每人每年限购2千克",,2,kg',
    '95045020,2022-03-01,,视频游戏控制器及设备,SAMPLE,1210|9610,,',
  );
  const tables = { positiveList: tableOf(parsePositiveList(list)) };

  it('looks a 10-digit code up by its 8-digit tariff line, from the list date on', () => {
    expect(positiveListEntry(tables, '3304990029', '2022-03-01')).toMatchObject({ status: 'listed' });
    expect(positiveListEntry(tables, '3304990029', '2022-02-28')).toEqual({ status: 'not-listed' });
    expect(positiveListEntry(tables, '8471300000', '2026-01-01')).toEqual({ status: 'not-listed' });
  });

  it('trade modes: seafood only as 1210 (网购保税), not 9610; no mode given → listed', () => {
    expect(positiveListEntry(tables, '0306179000', '2026-01-01', '1210').status).toBe('listed');
    expect(positiveListEntry(tables, '0306179000', '2026-01-01', '9610').status).toBe('mode-not-allowed');
    expect(positiveListEntry(tables, '0306179000', '2026-01-01').status).toBe('listed');
    expect(positiveListEntry(tables, '9504502000', '2026-01-01', '9610').status).toBe('listed');
  });

  it('annual quantity caps (sugar 2 kg per person per year, R11)', () => {
    const r = positiveListEntry(tables, '1701991000', '2026-01-01');
    expect(r.status === 'listed' && r.entry.annualQtyCap).toEqual({ quantity: expect.anything(), unit: 'kg' });
    if (r.status === 'listed') expect(r.entry.annualQtyCap?.quantity.toString()).toBe('2');
  });

  it('bad rows: unknown trade mode, cap without unit, unit without cap, missing name, 10-digit hs8', () => {
    const errors = errorsOf(
      parsePositiveList(
        csv(
          LIST_HEADER,
          '33049900,2022-03-01,,护肤品,,1239,,',
          '17019910,2022-03-01,,砂糖,,,2,',
          '10063020,2022-03-01,,籼米,,,,kg',
          '61091000,2022-03-01,,,,,,',
          '6109100000,2022-03-01,,T恤,,,,',
          '08021200,2022-03-01,,扁桃仁,,,-1,kg',
        ),
      ),
    );
    expect(where(errors)).toEqual([
      '2:trade_modes',
      '3:cap_unit',
      '4:annual_qty_cap',
      '5:name',
      '6:hs8',
      '7:annual_qty_cap',
    ]);
  });
});

describe('exchange rates: currency,month,units,rate_to_cny,fixing_date,source', () => {
  const rates = csv(
    RATES_HEADER,
    'USD,2025-03,1,7.1234,2025-02-19,SAMPLE',
    'JPY,2025-03,100,4.7500,2025-02-20,SAMPLE (next trading day)',
    'EUR,2025-03,,7.4800,,SAMPLE',
  );
  const tables = { exchangeRates: tableOf(parseExchangeRates(rates)) };

  it('the rate of the declaration month; JPY is quoted per 100 and normalised exactly', () => {
    expect(exchangeRate(tables, 'USD', '2025-03-10')?.perUnit.toString()).toBe('7.1234');
    expect(exchangeRate(tables, 'JPY', '2025-03-31')?.perUnit.toString()).toBe('0.0475');
    expect(exchangeRate(tables, 'EUR', '2025-03-01')?.units.toString()).toBe('1');
    expect(exchangeRate(tables, 'USD', '2025-04-01')).toBeNull();
    expect(exchangeRate(tables, 'CNY', '2025-04-01')?.perUnit.toString()).toBe('1');
  });

  it('the fixing must be the previous month’s third Wednesday or a later day of that month', () => {
    const errors = errorsOf(
      parseExchangeRates(
        csv(
          RATES_HEADER,
          'USD,2025-03,1,7.1234,2025-02-18,SAMPLE', // the day before the third Wednesday
          'EUR,2025-03,1,7.48,2025-03-03,SAMPLE', // in the month itself
        ),
      ),
    );
    expect(where(errors)).toEqual(['2:fixing_date', '3:fixing_date']);
    expect(errors[0]!.messageZh).toContain('2025-02-19');
  });

  it('bad rows: lower-case or CNY currency, bad month, units 3, zero rate, missing source, duplicates', () => {
    const errors = errorsOf(
      parseExchangeRates(
        csv(
          RATES_HEADER,
          'usd,2025-03,1,7.1,,SAMPLE',
          'CNY,2025-03,1,1,,SAMPLE',
          'USD,2025-13,1,7.1,,SAMPLE',
          'GBP,2025-03,3,9.1,,SAMPLE',
          'HKD,2025-03,1,0,,SAMPLE',
          'AUD,2025-03,1,4.6,,',
          'USD,2025-03,1,7.1,,SAMPLE',
          'USD,2025-03,1,7.2,,SAMPLE again',
        ),
      ),
    );
    expect(where(errors)).toEqual([
      '2:currency',
      '3:currency',
      '4:month',
      '5:units',
      '6:rate_to_cny',
      '7:source',
      '9:month',
    ]);
    expect(errors.at(-1)!.messageEn).toContain('repeats line 8');
  });
});

describe('parseClearanceTables: all three, or every error of every table', () => {
  it('collects the errors of each table', () => {
    const r = parseClearanceTables({
      tariffRates: csv(TARIFF_HEADER, '3304990029,2019-04-01,,0.01,13%,0.15,cosmetics'),
      positiveList: csv(LIST_HEADER, '33049900,2022-03-01,,护肤品,,9710,,'),
      exchangeRates: csv(RATES_HEADER, 'USD,2025-03,1,7.1234,2025-02-19,SAMPLE'),
    });
    expect(errorsOf(r).map((e) => `${e.table}:${e.line}:${e.column}`)).toEqual([
      'tariff-rates:2:vat_rate',
      'positive-list:2:trade_modes',
    ]);
  });
});
