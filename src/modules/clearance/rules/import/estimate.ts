/**
 * The tax estimate (`POST /api/v1/tax/estimate`): the same assessment clearance applies to a declared list, on an
 * order a buyer is about to place. Pure: the handler supplies the loaded tables, the buyer's usage and the date.
 */
import { Decimal } from '../../../../kernel/money.js';
import type { BusinessDate } from '../../../../kernel/time.js';
import type { TaxEstimate, TaxEstimateInput } from '../../schemas.js';
import type { ClearanceTables, TradeMode } from '../../tables/tables.js';
import { type AssessContext, assessList } from './assess.js';
import type { RetailImportPolicy } from './limits.js';

export interface EstimateContext {
  /** Today in Asia/Shanghai (`shanghaiDate(new Date())`): the date whose rates, list and limits apply. */
  on: BusinessDate;
  tradeMode?: TradeMode;
  policies?: readonly RetailImportPolicy[];
}

/**
 * Estimates the taxes of an order.
 *
 * @param input validated by `taxEstimateInputSchema` (amounts are decimal strings in RMB)
 * @param buyerUsedThisYear the platform's own figure for the signed-in buyer; when undefined, the input's
 *   `buyerUsedThisYear`, else 0
 */
export function estimateTax(
  input: TaxEstimateInput,
  tables: ClearanceTables,
  buyerUsedThisYear: Decimal | string | undefined,
  context: EstimateContext,
): TaxEstimate {
  const used =
    buyerUsedThisYear instanceof Decimal
      ? buyerUsedThisYear
      : Decimal.parse(buyerUsedThisYear ?? input.buyerUsedThisYear ?? '0');
  const items = input.items.map((item) => {
    const qty = Decimal.parse(item.qty);
    return {
      hsCode: item.hsCode,
      totalPrice: Decimal.parse(item.price).mul(qty),
      qty,
      ...(item.netContent !== undefined && item.netContentUnit !== undefined
        ? { netContent: { amount: Decimal.parse(item.netContent), unit: item.netContentUnit } }
        : {}),
    };
  });
  const ctx: AssessContext = {
    on: context.on,
    usedThisYear: used,
    ...(context.tradeMode ? { tradeMode: context.tradeMode } : {}),
    ...(context.policies ? { policies: context.policies } : {}),
  };
  const result = assessList(
    { items, freight: Decimal.parse(input.freight), insurance: Decimal.parse(input.insurance) },
    tables,
    ctx,
  );
  if (result.outcome === 'rejected') {
    return {
      outcome: 'rejected',
      items: [],
      total: '0.00',
      dutiableTotal: result.dutiableTotal.toAmountString(),
      annualTotalAfter: null,
      reasons: result.reasons,
    };
  }
  return {
    outcome: result.outcome,
    items: result.tax.lines.map((line, i) => ({
      hsCode: items[i]!.hsCode,
      dutiablePrice: line.dutiablePrice.toAmountString(),
      tariff: line.tariff.toFixed(2),
      consumptionTax: line.consumptionTax.toFixed(2),
      vat: line.vat.toFixed(2),
      total: line.total.toFixed(2),
    })),
    total: result.tax.totals.total.toFixed(2),
    dutiableTotal: result.dutiableTotal.toAmountString(),
    annualTotalAfter: result.annualTotalAfter.toAmountString(),
    reasons: result.reasons,
  };
}
