import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/kernel/money.js';
import { type RateContext, sumToRmb, toRmb } from '../../src/modules/clearance/rules/export/currency.js';
import { isoOfCustomsCurrency } from '../../src/modules/clearance/rules/import/engine.js';
import { parseCustomsParams } from '../../src/modules/clearance/tables/reference-kinds.js';
import { parseExchangeRates } from '../../src/modules/clearance/tables/tables.js';

/** Export currencies: kept as declared (any JGS-20 code), in RMB at the dated customs monthly rate for statistics. */

const SAMPLES = new URL('../../tables/samples/', import.meta.url);
const sample = (f: string) => readFileSync(new URL(f, SAMPLES), 'utf8');
const rates = parseExchangeRates(sample('exchange-rates.csv'));
const params = parseCustomsParams(sample('customs-params.csv'));
if (!rates.ok || !params.ok) throw new Error('sample tables do not parse');
const CTX: RateContext = { exchangeRates: rates.table, ratesVersion: 'v3 (SAMPLE)', isoCurrency: isoOfCustomsCurrency };

describe('toRmb: an export amount in RMB at the customs rate of its month', () => {
  it('USD (502) 1,000.00 on 2026-11-20 at the sample rate 7.1000 is 7,100.00 RMB, recording the rate and its version', () => {
    const r = toRmb('1000.00', '502', '2026-11-20', CTX, 'InventoryList.totalPrice', 1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rmb.toAmountString()).toBe('7100.00');
    expect(r.declared).toEqual({ amount: '1000.00', currency: '502' });
    expect(r.rate).toMatchObject({
      currency: '502',
      iso: 'USD',
      month: '2026-11',
      rateToCny: '7.1',
      fixingDate: '2026-10-21',
      version: 'v3 (SAMPLE)',
    });
  });

  it('the month of the date picks the rate: the same USD amount on 2026-12-01 uses 7.0900', () => {
    const r = toRmb('1000', '502', '2026-12-01', CTX);
    expect(r.ok && r.rmb.toAmountString()).toBe('7090.00');
    expect(r.ok && r.rate.fixingDate).toBe('2026-11-18');
  });

  it('JPY (116) is quoted per 100: 12,345 JPY at 4.6500 per 100 is 574.04 RMB (574.0425 rounded half-up to the fen)', () => {
    const r = toRmb('12345', '116', '2026-11-02', CTX);
    expect(r.ok && r.rmb.toAmountString()).toBe('574.04');
  });

  it('RMB (142) needs no rate: kept, rounded to the fen, no table version recorded', () => {
    const r = toRmb('88.125', '142', '2030-01-01', CTX);
    expect(r.ok && r.rmb.toAmountString()).toBe('88.13');
    expect(r.ok && r.rate.version).toBe('');
  });

  it('a currency with no rate for the month is a reason naming the currency, the month and the table version', () => {
    const r = toRmb('10', '303', '2026-11-02', CTX, 'InventoryList.totalPrice', 2);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toMatchObject({ code: 'EXPORT_CURRENCY_NO_RATE', field: 'InventoryList.totalPrice', item: 2 });
    expect(r.reason.message.zh).toBe('计征汇率表（版本 v3 (SAMPLE)）没有 GBP（303）2026-11 月的汇率');
    expect(r.reason.message.en).toContain('has no GBP (303) rate for 2026-11');
  });

  it('USD in 2026-10 (no row in the sample) is a missing rate, not a silent conversion', () => {
    expect(toRmb('10', '502', '2026-10-31', CTX).ok).toBe(false);
  });

  it('an unknown currency code (999) is a reason', () => {
    const r = toRmb('10', '999', '2026-11-02', CTX);
    expect(!r.ok && r.reason.code).toBe('EXPORT_CURRENCY_UNKNOWN');
    expect(!r.ok && r.reason.message.en).toContain('[999] is unknown');
  });

  it('with the customs parameter table, a code absent from it on the date is refused (JGS-20 check)', () => {
    const r = toRmb('10', '501', '2026-11-02', { ...CTX, isoCurrency: () => 'CAD', params: params.table });
    expect(!r.ok && r.reason.message.zh).toContain('不在 2026-11-02 有效的海关参数代码表');
    expect(toRmb('10', '502', '2026-11-02', { ...CTX, params: params.table }).ok).toBe(true);
  });

  it('an amount that is not a decimal is a reason', () => {
    expect(toRmb('1e3', '502', '2026-11-02', CTX).ok).toBe(false);
  });
});

describe('sumToRmb: a list in several currencies', () => {
  it('each amount converted and rounded on its own, then summed; each rate listed once', () => {
    const r = sumToRmb(
      [
        { amount: '100', currency: '502' },
        { amount: '0.01', currency: '502' },
        { amount: '50', currency: '300' },
        { amount: '10', currency: '142' },
      ],
      '2026-11-30',
      CTX,
    );
    // 710.00 + 0.07 (0.071) + 410.00 + 10.00
    expect(r.ok && r.rmb.toAmountString()).toBe('1130.07');
    expect(r.ok && r.rates.map((x) => x.iso)).toEqual(['USD', 'EUR', 'CNY']);
  });

  it('every failing amount is reported', () => {
    const r = sumToRmb(
      [
        { amount: '1', currency: '303', item: 1 },
        { amount: '1', currency: '999', item: 2 },
      ],
      '2026-11-30',
      CTX,
    );
    expect(!r.ok && r.reasons.map((x) => x.item)).toEqual([1, 2]);
  });

  it('property: RMB amounts are exact — the sum of RMB items equals the sum rounded to the fen', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { maxLength: 20 }), (fens) => {
        const amounts = fens.map((f) => ({ amount: Decimal.of(f, 2), currency: '142' }));
        const r = sumToRmb(amounts, '2026-11-30', CTX);
        return r.ok && r.rmb.eq(Decimal.sum(amounts.map((a) => a.amount)));
      }),
    );
  });
});
