/**
 * The retail-import assessment of one list: rates and positive list on the date, the limits decision, and the tax.
 * The one path used by the tax estimate and, later, by clearance of CEB621 lists. Pure, no I/O: the caller supplies
 * the loaded tables, the date and the buyer's annual usage.
 */
import { Decimal } from '../../../../kernel/money.js';
import type { BusinessDate } from '../../../../kernel/time.js';
import {
  type ClearanceTables,
  positiveListEntry,
  rateFor,
  type TariffRate,
  type TradeMode,
} from '../../tables/tables.js';
import { checkLimits, policyOn, RETAIL_IMPORT_POLICIES, type RetailImportPolicy } from './limits.js';
import { type ListTax, listTax, type NetContent } from './tax.js';

export interface AssessItem {
  /** 10-digit commodity code (商品编号). */
  hsCode: string;
  /** price × qty, RMB. */
  totalPrice: Decimal;
  qty: Decimal;
  netContent?: NetContent;
}

export interface AssessInput {
  items: readonly AssessItem[];
  freight: Decimal;
  insurance: Decimal;
}

export interface AssessContext {
  /** The business date (Asia/Shanghai) whose rates, list and policy apply: the declaration date. */
  on: BusinessDate;
  /** The buyer's cumulative CBEC total this calendar year before this list. */
  usedThisYear: Decimal;
  /** 9610 or 1210; unknown for an estimate, when any mode the positive list allows will do. */
  tradeMode?: TradeMode;
  policies?: readonly RetailImportPolicy[];
}

/** A rejection reason (customs code such as -621005, or a platform code) or an explanatory note. */
export interface Reason {
  code: string;
  /** 1-based item number (gnum) when the reason concerns one item. */
  item?: number;
  message: { zh: string; en: string };
}

export type Assessment =
  | { outcome: 'rejected'; dutiableTotal: Decimal; reasons: Reason[] }
  | {
      outcome: 'within-limits' | 'full-tax';
      dutiableTotal: Decimal;
      annualTotalAfter: Decimal;
      rates: TariffRate[];
      tax: ListTax;
      /** Explanations: no rejection. */
      reasons: Reason[];
    };

/** Reason codes of the platform (the customs ones are -621005 and -621018). */
export const REASON_CODES = {
  rateNotFound: 'HS_RATE_NOT_FOUND',
  notListed: 'NOT_ON_POSITIVE_LIST',
  modeNotAllowed: 'TRADE_MODE_NOT_ALLOWED',
  modeRestricted: 'TRADE_MODE_RESTRICTED',
  quantityCap: 'ANNUAL_QTY_CAP',
  fullTax: 'FULL_TAX_SINGLE_ITEM',
  netContentMissing: 'COSMETICS_NET_CONTENT_MISSING',
  belowThreshold: 'COSMETICS_BELOW_THRESHOLD',
} as const;

const UNIT_ZH = { ml: '毫升', g: '克', piece: '片（支、张）' } as const;

export function assessList(input: AssessInput, tables: ClearanceTables, ctx: AssessContext): Assessment {
  if (input.items.length === 0) throw new RangeError('a list has at least one item');
  const policy = policyOn(ctx.on, ctx.policies ?? RETAIL_IMPORT_POLICIES);
  const rejections: Reason[] = [];
  const notes: Reason[] = [];

  const rates = input.items.map((item, i) => {
    const gnum = i + 1;
    const rate = rateFor(tables, item.hsCode, ctx.on);
    if (!rate) {
      rejections.push({
        code: REASON_CODES.rateNotFound,
        item: gnum,
        message: {
          zh: `第${gnum}项商品编号 ${item.hsCode} 在 ${ctx.on} 没有有效税率`,
          en: `Item ${gnum}: no tariff rate in force for ${item.hsCode} on ${ctx.on}`,
        },
      });
    }
    const listed = positiveListEntry(tables, item.hsCode, ctx.on, ctx.tradeMode);
    if (listed.status === 'not-listed') {
      rejections.push({
        code: REASON_CODES.notListed,
        item: gnum,
        message: {
          zh: `第${gnum}项税则号列 ${item.hsCode.slice(0, 8)} 不在跨境电子商务零售进口商品清单内`,
          en: `Item ${gnum}: tariff line ${item.hsCode.slice(0, 8)} is not on the retail-import positive list`,
        },
      });
    } else {
      const { entry } = listed;
      const modes = entry.tradeModes.join('、');
      if (listed.status === 'mode-not-allowed') {
        rejections.push({
          code: REASON_CODES.modeNotAllowed,
          item: gnum,
          message: {
            zh: `第${gnum}项“${entry.name}”仅限 ${modes} 监管方式进口，不适用 ${ctx.tradeMode}`,
            en: `Item ${gnum} (${entry.hs8}) may be imported only under ${entry.tradeModes.join(', ')}, not ${ctx.tradeMode}`,
          },
        });
      } else if (!ctx.tradeMode && entry.tradeModes.length > 0) {
        notes.push({
          code: REASON_CODES.modeRestricted,
          item: gnum,
          message: {
            zh: `第${gnum}项“${entry.name}”仅限 ${modes} 监管方式进口`,
            en: `Item ${gnum} (${entry.hs8}) may be imported only under ${entry.tradeModes.join(', ')}`,
          },
        });
      }
      if (entry.annualQtyCap) {
        const cap = entry.annualQtyCap;
        notes.push({
          code: REASON_CODES.quantityCap,
          item: gnum,
          message: {
            zh: `第${gnum}项“${entry.name}”每人每年限购 ${cap.quantity} ${cap.unit}`,
            en: `Item ${gnum} (${entry.hs8}) is capped at ${cap.quantity} ${cap.unit} per person per year`,
          },
        });
      }
    }
    return rate;
  });

  const dutiableTotal = Decimal.sum(input.items.map((i) => i.totalPrice))
    .add(input.freight)
    .add(input.insurance);
  const decision = checkLimits(
    { orderAmount: dutiableTotal, quantities: input.items.map((i) => i.qty), usedThisYear: ctx.usedThisYear },
    policy,
  );
  if (decision.outcome === 'rejected') {
    rejections.push({ code: decision.code, message: { zh: decision.messageZh, en: decision.messageEn } });
  }
  if (rejections.length > 0 || decision.outcome === 'rejected') {
    return { outcome: 'rejected', dutiableTotal, reasons: rejections };
  }
  const found = rates as TariffRate[];
  if (decision.outcome === 'full-tax') {
    notes.unshift({ code: REASON_CODES.fullTax, message: { zh: decision.messageZh, en: decision.messageEn } });
  }

  const tax = listTax(
    {
      items: input.items.map((item, i) => ({
        totalPrice: item.totalPrice,
        qty: item.qty,
        netContent: item.netContent,
        rates: found[i]!.rates,
      })),
      freight: input.freight,
      insurance: input.insurance,
    },
    decision.outcome,
    policy.reducedTaxFactor,
  );
  tax.lines.forEach((line, i) => {
    const gnum = i + 1;
    const test = line.cosmetics;
    if (test.kind === 'assumed') {
      notes.push({
        code: REASON_CODES.netContentMissing,
        item: gnum,
        message: {
          zh: `第${gnum}项为化妆品但未给出净含量，按高档化妆品计征消费税`,
          en: `Item ${gnum} is a cosmetic without a net content: consumption tax is charged as for high-end cosmetics`,
        },
      });
    } else if (test.kind === 'measured' && !test.applies) {
      notes.push({
        code: REASON_CODES.belowThreshold,
        item: gnum,
        message: {
          zh: `第${gnum}项完税价格每${UNIT_ZH[test.unit]} ${test.valuePerUnit.toFixed(2)} 元，低于 ${test.threshold} 元，不征消费税`,
          en: `Item ${gnum}: ${test.valuePerUnit.toFixed(2)} RMB per ${test.unit}, below ${test.threshold}: no consumption tax`,
        },
      });
    }
  });

  return {
    outcome: decision.outcome,
    dutiableTotal,
    annualTotalAfter: decision.annualTotalAfter,
    rates: found,
    tax,
    reasons: notes,
  };
}
