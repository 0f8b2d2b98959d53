/**
 * Export currencies (issue 9 §2; platform-decisions.md "Export", "Money, time, codes"; business-rules.md §4.4):
 * export amounts are kept as declared, in any JGS-20 currency code (142 人民币, 502 美元, 300 欧元 …); for statistics
 * (and the 5,000 RMB channel rule) they are converted to RMB at the customs monthly rate of the date's month — the
 * dated exchange-rate table of import (tables.ts `ExchangeRateTable`, keyed by ISO 4217 code), rounded half-up to the
 * fen (tax.ts `convertToCny`). The conversion records the rate used: its currency, month, units, rate, fixing date,
 * source and the table version the caller loaded it from. Pure.
 *
 * An unknown currency code (not in the customs parameter table on that date, when one is given, or with no ISO code)
 * and a missing rate are reasons, never a silent 1:1.
 */
import { Decimal } from '../../../../kernel/money.js';
import type { BusinessDate } from '../../../../kernel/time.js';
import { type CustomsParamTable, customsParam } from '../../tables/reference-kinds.js';
import { type ExchangeRateTable, exchangeRate } from '../../tables/tables.js';
import { convertToCny } from '../import/tax.js';
import { type ExportReason, exportReason, text } from './reason.js';

/** The RMB currency code of JGS-20. */
export const RMB_CODE = '142';

export interface RateContext {
  exchangeRates: ExchangeRateTable;
  /** The version (id or label) of the exchange-rate table loaded; recorded with every conversion. */
  ratesVersion: string;
  /** ISO 4217 code of a JGS-20 currency code (142 → CNY, 502 → USD); null when unknown (engine.ts `isoOfCustomsCurrency`). */
  isoCurrency: (customsCode: string) => string | null;
  /** When given, the code must be a `currency` of the customs parameter table in force on the date. */
  params?: CustomsParamTable;
}

/** The rate a conversion used. */
export interface RateUsed {
  /** JGS-20 code as declared. */
  currency: string;
  iso: string;
  /** The month whose rate applies (`YYYY-MM`); empty for RMB. */
  month: string;
  units: string;
  rateToCny: string;
  /** RMB per one unit. */
  perUnit: string;
  fixingDate: string | null;
  source: string;
  /** The exchange-rate table version (RateContext.ratesVersion); empty for RMB. */
  version: string;
}

export type RmbConversion =
  | { ok: true; declared: { amount: string; currency: string }; rmb: Decimal; rate: RateUsed }
  | { ok: false; reason: ExportReason };

/**
 * An amount declared in a JGS-20 currency, in RMB at the customs rate of `date` (the list's declaration date,
 * Asia/Shanghai). `field` names the amount in the reason (`InventoryList.totalPrice`).
 */
export function toRmb(
  amount: Decimal | string,
  currency: string,
  date: BusinessDate,
  ctx: RateContext,
  field = 'currency',
  item?: number | string,
): RmbConversion {
  const code = text(currency);
  const value = typeof amount === 'string' ? Decimal.tryParse(amount.trim()) : { ok: true as const, value: amount };
  if (!value.ok) {
    return {
      ok: false,
      reason: exportReason(
        'EXPORT_CURRENCY_AMOUNT',
        'currency-amount',
        field,
        `金额[${String(amount)}]不是有效的十进制数`,
        `The amount [${String(amount)}] is not a decimal number`,
        item,
      ),
    };
  }
  const declared = { amount: typeof amount === 'string' ? amount.trim() : amount.toString(), currency: code };
  if (ctx.params && customsParam(ctx.params, 'currency', code, date) === null) {
    return {
      ok: false,
      reason: exportReason(
        'EXPORT_CURRENCY_UNKNOWN',
        'currency-unknown',
        field,
        `币制代码[${code}]不在 ${date} 有效的海关参数代码表（JGS-20 货币代码）中`,
        `Currency code [${code}] is not in the customs parameter table (JGS-20 currency codes) in force on ${date}`,
        item,
      ),
    };
  }
  const iso = ctx.isoCurrency(code);
  if (iso === null) {
    return {
      ok: false,
      reason: exportReason(
        'EXPORT_CURRENCY_UNKNOWN',
        'currency-unknown',
        field,
        `币制代码[${code}]未知：没有对应的 ISO 4217 货币，无法折算人民币`,
        `Currency code [${code}] is unknown: no ISO 4217 currency, so it cannot be converted to RMB`,
        item,
      ),
    };
  }
  const rate = exchangeRate({ exchangeRates: ctx.exchangeRates }, iso, date);
  if (rate === null) {
    return {
      ok: false,
      reason: exportReason(
        'EXPORT_CURRENCY_NO_RATE',
        'currency-no-rate',
        field,
        `计征汇率表（版本 ${ctx.ratesVersion}）没有 ${iso}（${code}）${date.slice(0, 7)} 月的汇率`,
        `The customs exchange-rate table (version ${ctx.ratesVersion}) has no ${iso} (${code}) rate for ${date.slice(0, 7)}`,
        item,
      ),
    };
  }
  const rmb = iso === 'CNY' ? value.value.round(2) : convertToCny(value.value, rate.perUnit);
  return {
    ok: true,
    declared,
    rmb,
    rate: {
      currency: code,
      iso,
      month: rate.month,
      units: rate.units.toString(),
      rateToCny: rate.rateToCny.toString(),
      perUnit: rate.perUnit.toString(),
      fixingDate: rate.fixingDate,
      source: rate.source,
      version: iso === 'CNY' ? '' : ctx.ratesVersion,
    },
  };
}

export type RmbTotal = { ok: true; rmb: Decimal; rates: RateUsed[] } | { ok: false; reasons: ExportReason[] };

/**
 * The RMB value of several amounts (a list's items, each in its own currency): each converted and rounded to the
 * fen on its own, then summed; the distinct rates used once each. Every failing amount is a reason.
 */
export function sumToRmb(
  amounts: readonly { amount: Decimal | string; currency: string; field?: string; item?: number | string }[],
  date: BusinessDate,
  ctx: RateContext,
): RmbTotal {
  const reasons: ExportReason[] = [];
  const rates = new Map<string, RateUsed>();
  let total = Decimal.ZERO;
  for (const a of amounts) {
    const c = toRmb(a.amount, a.currency, date, ctx, a.field, a.item);
    if (!c.ok) reasons.push(c.reason);
    else {
      total = total.add(c.rmb);
      if (!rates.has(c.rate.currency)) rates.set(c.rate.currency, c.rate);
    }
  }
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, rmb: total, rates: [...rates.values()] };
}
