import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/kernel/money.js';
import {
  type ChannelContext,
  type ChannelResult,
  checkListChannel,
  type OverseasWarehouse,
  validateWarehouse,
  warehouseReason,
} from '../../src/modules/clearance/rules/export/channel.js';
import { parseExportConditions } from '../../src/modules/clearance/rules/export/export-conditions-table.js';
import { isoOfCustomsCurrency } from '../../src/modules/clearance/rules/import/engine.js';
import { parseExchangeRates } from '../../src/modules/clearance/tables/tables.js';

/** ceb-messages.md §7.2: 9710/9810 lists ≤ 5,000 RMB, 不涉证、不涉检、不涉税; 9810 needs a filed overseas warehouse. */

const sample = (f: string) => readFileSync(new URL(`../../tables/samples/${f}`, import.meta.url), 'utf8');
const rates = parseExchangeRates(sample('exchange-rates.csv'));
const conditions = parseExportConditions(sample('export-conditions.csv'));
if (!rates.ok || !conditions.ok) throw new Error('sample tables do not parse');

const WAREHOUSE: OverseasWarehouse = {
  code: 'OW-DE-0001',
  name: 'Hamburg Lanzhou Trade Warehouse',
  operatorUscc: '91620100MA7Q0L0N9Q',
  country: '304',
  address: 'Am Sandtorkai 1, 20457 Hamburg',
  areaM2: '12000.5',
  categories: ['84', '85', '6109'],
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
  status: 'filed',
};
const ctx = (warehouses: OverseasWarehouse[] = [WAREHOUSE]): ChannelContext => ({
  rates: { exchangeRates: rates.table, ratesVersion: 'sample-1', isoCurrency: isoOfCustomsCurrency },
  conditions: conditions.table,
  warehouses: new Map(warehouses.map((w) => [w.code, w])),
});
const DATE = '2026-11-20';

const list = (tradeMode: string, items: [string, string, string][], warehouseCode?: string | null) => ({
  head: { tradeMode, warehouseCode },
  items: items.map(([gcode, currency, totalPrice], i) => ({ gnum: i + 1, gcode, currency, totalPrice })),
});
const codes = (r: ChannelResult) => (r.ok ? [] : r.reasons.map((x) => x.code));

describe('the 5,000 RMB list channel rule (9710, 9810)', () => {
  it('exactly 5,000.00 RMB stays on the list channel ("over" is strictly greater)', () => {
    const r = checkListChannel(list('9710', [['6109100000', '142', '5000.00']]), DATE, ctx());
    expect(r.ok).toBe(true);
    expect(r.rmbValue?.toAmountString()).toBe('5000.00');
  });

  it('5,000.01 RMB is directed to a customs declaration, with the value in the reason', () => {
    const r = checkListChannel(list('9710', [['6109100000', '142', '5000.01']]), DATE, ctx());
    expect(codes(r)).toEqual(['EXPORT_CHANNEL_OVER_LIMIT']);
    expect(!r.ok && r.reasons[0]!.message.zh).toBe(
      '单票货值 5000.01 元人民币超过 5000.00 元，应通过报关单申报，不能以清单申报',
    );
  });

  it('valued in RMB at the customs rate: USD 704.22 (4,999.96 RMB at 7.1000) passes, USD 704.23 (5,000.03) does not', () => {
    const under = checkListChannel(list('9710', [['6109100000', '502', '704.22']]), DATE, ctx());
    expect(under.ok && under.rmbValue?.toAmountString()).toBe('4999.96');
    expect(under.rates.map((r) => [r.iso, r.rateToCny, r.version])).toEqual([['USD', '7.1', 'sample-1']]);
    const over = checkListChannel(list('9710', [['6109100000', '502', '704.23']]), DATE, ctx());
    expect(codes(over)).toEqual(['EXPORT_CHANNEL_OVER_LIMIT']);
    expect(over.rmbValue?.toAmountString()).toBe('5000.03');
  });

  it('the value is the sum of the items, each in its own currency: 3,000 RMB + USD 300 (2,130 RMB) is over', () => {
    const r = checkListChannel(
      list('9710', [
        ['6109100000', '142', '3000'],
        ['4202110000', '502', '300'],
      ]),
      DATE,
      ctx(),
    );
    expect(r.rmbValue?.toAmountString()).toBe('5130.00');
    expect(codes(r)).toEqual(['EXPORT_CHANNEL_OVER_LIMIT']);
  });

  it('a currency without a rate is refused (the list cannot be valued)', () => {
    expect(codes(checkListChannel(list('9710', [['6109100000', '303', '10']]), DATE, ctx()))).toEqual([
      'EXPORT_CURRENCY_NO_RATE',
    ]);
  });

  it('an item needing a licence (2841610000 高锰酸钾) is directed to a customs declaration, naming the item', () => {
    const r = checkListChannel(
      list('9710', [
        ['6109100000', '142', '10'],
        ['2841610000', '142', '10'],
      ]),
      DATE,
      ctx(),
    );
    expect(!r.ok && r.reasons.map((x) => [x.code, x.item])).toEqual([['EXPORT_CHANNEL_NEEDS_LICENCE', 2]]);
    expect(!r.ok && r.reasons[0]!.message.en).toBe(
      'Item 2 (2841610000) needs an export licence (export-conditions table 2841610000): it must be declared on a customs declaration, not as a list',
    );
  });

  it('an item under statutory inspection (法检: 1211903100 药用植物, row 121190) is directed to a customs declaration', () => {
    expect(codes(checkListChannel(list('9710', [['1211903100', '142', '10']]), DATE, ctx()))).toEqual([
      'EXPORT_CHANNEL_NEEDS_INSPECTION',
    ]);
  });

  it('an item carrying export duty (2606000000) is directed to a customs declaration', () => {
    expect(codes(checkListChannel(list('9710', [['2606000000', '142', '10']]), DATE, ctx()))).toEqual([
      'EXPORT_CHANNEL_EXPORT_DUTY',
    ]);
  });

  it('an export refund alone does not leave the list channel (8543709990)', () => {
    expect(checkListChannel(list('9710', [['8543709990', '142', '10']]), DATE, ctx()).ok).toBe(true);
  });

  it('an item whose conditions are unknown is refused unless the option says unlisted codes need nothing', () => {
    expect(codes(checkListChannel(list('9710', [['8471300000', '142', '10']]), DATE, ctx()))).toEqual([
      'EXPORT_CHANNEL_CONDITIONS_UNKNOWN',
    ]);
    expect(checkListChannel(list('9710', [['8471300000', '142', '10']]), DATE, ctx(), { unlisted: 'none' }).ok).toBe(
      true,
    );
  });

  it('a 9610 retail list is not refused by value (the rule covers 9710/9810 by default; config)', () => {
    expect(checkListChannel(list('9610', [['2841610000', '142', '9000']]), DATE, ctx()).ok).toBe(true);
    expect(
      codes(checkListChannel(list('9610', [['6109100000', '142', '9000']]), DATE, ctx(), { modes: ['9610'] })),
    ).toEqual(['EXPORT_CHANNEL_OVER_LIMIT']);
  });

  it('the limit is configurable', () => {
    const r = checkListChannel(list('9710', [['6109100000', '142', '150']]), DATE, ctx(), {
      limitRmb: Decimal.parse('100'),
    });
    expect(codes(r)).toEqual(['EXPORT_CHANNEL_OVER_LIMIT']);
  });
});

describe('9810 and the overseas warehouse', () => {
  it('a 9810 list naming a filed warehouse valid on its date stays on the list channel', () => {
    expect(checkListChannel(list('9810', [['6109100000', '142', '10']], 'OW-DE-0001'), DATE, ctx()).ok).toBe(true);
  });

  it('a 9810 list without a warehouse is refused', () => {
    const r = checkListChannel(list('9810', [['6109100000', '142', '10']], null), DATE, ctx());
    expect(codes(r)).toEqual(['EXPORT_CHANNEL_WAREHOUSE_MISSING']);
    expect(!r.ok && r.reasons[0]!.message.zh).toBe('海外仓出口（9810）清单应注明在平台备案的海外仓');
  });

  it('a 9810 list naming a warehouse not filed on the platform is refused', () => {
    const r = checkListChannel(list('9810', [['6109100000', '142', '10']], 'OW-XX-9999'), DATE, ctx());
    expect(codes(r)).toEqual(['EXPORT_CHANNEL_WAREHOUSE_NOT_FILED']);
  });

  it('the filing is valid from validFrom to validTo inclusive: 2026-12-31 yes, 2027-01-01 no', () => {
    expect(warehouseReason('OW-DE-0001', ctx().warehouses, '2026-12-31')).toBeNull();
    expect(warehouseReason('OW-DE-0001', ctx().warehouses, '2026-01-01')).toBeNull();
    const r = warehouseReason('OW-DE-0001', ctx().warehouses, '2027-01-01');
    expect(r?.code).toBe('EXPORT_CHANNEL_WAREHOUSE_NOT_VALID');
    expect(r?.message.en).toContain('filed for 2026-01-01 – 2026-12-31');
  });

  it('a suspended or revoked filing is refused', () => {
    for (const status of ['suspended', 'revoked'] as const) {
      const r = warehouseReason('OW-DE-0001', ctx([{ ...WAREHOUSE, status }]).warehouses, DATE);
      expect(r?.message.en).toContain(`is ${status}`);
    }
  });

  it('a 9810 list both over the limit and without a warehouse gets both reasons', () => {
    expect(codes(checkListChannel(list('9810', [['6109100000', '142', '6000']]), DATE, ctx()))).toEqual([
      'EXPORT_CHANNEL_WAREHOUSE_MISSING',
      'EXPORT_CHANNEL_OVER_LIMIT',
    ]);
  });
});

describe('validateWarehouse', () => {
  it('a complete record has no problem', () => {
    expect(validateWarehouse(WAREHOUSE)).toEqual([]);
  });

  it('every bad field is a bilingual problem', () => {
    const problems = validateWarehouse({
      ...WAREHOUSE,
      code: '',
      name: '',
      operatorUscc: '91620100MA00000011',
      country: '142',
      address: '',
      areaM2: '0',
      categories: [],
      validFrom: '2026-02-30',
      validTo: '2025-01-01',
      status: 'gone' as never,
    });
    expect(problems.map((p) => p.field)).toEqual([
      'code',
      'name',
      'operatorUscc',
      'country',
      'address',
      'areaM2',
      'categories',
      'validFrom',
      'status',
    ]);
    for (const p of problems) {
      expect(p.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(p.message.en).toMatch(/^[A-Za-z]/);
    }
  });

  it('the country may be an ISO 3166 alpha-2 code (DE), not China (CN)', () => {
    expect(validateWarehouse({ ...WAREHOUSE, country: 'DE' })).toEqual([]);
    expect(validateWarehouse({ ...WAREHOUSE, country: 'CN' }).map((p) => p.field)).toEqual(['country']);
  });

  it('validTo before validFrom is a problem; an open-ended filing (validTo null) is fine', () => {
    expect(validateWarehouse({ ...WAREHOUSE, validTo: '2025-12-31' }).map((p) => p.field)).toEqual(['validTo']);
    expect(validateWarehouse({ ...WAREHOUSE, validTo: null })).toEqual([]);
  });
});
