/**
 * The clearance decision of one import list (9610 直购进口 / 1210 网购保税): what customs checks between "the list
 * arrived" and "released / rejected", as one pure function over the list's documents and the data in force.
 * No I/O: the caller loads the documents, the tables, the buyer's quota, the enterprise's credit and the bonded
 * stock, and draws the random seed; everything that produced the decision is returned with it so that it can be
 * explained and replayed (`decideList` with the same inputs gives the same decision).
 *
 * Order of the checks (ceb-messages.md §6, platform-decisions.md "Retail import", "Credit and risk"):
 * 1. 三单对碰: order, payment and waybill present and consistent with the list (`matching.ts`); a missing document
 *    means waiting, a disagreement means rejection with every reason.
 * 2. Amounts in RMB at the customs monthly rate of the declaration date (currency codes per the customs table).
 * 3. Admissibility and tax (`assess.ts`): tariff rates, positive list (trade-mode restrictions), single and annual
 *    limits (-621005 / -621018), tax per item.
 * 4. 1210: the bonded stock holds every item (by 账册备案料号 itemRecordNo).
 * 5. Manual review (300) when a rule asks for an officer: one indivisible item taxed in full (the officer confirms
 *    it is indivisible), an item under a per-person yearly quantity cap (the cap is checked by the officer: the
 *    platform does not keep buyers' quantities).
 * 6. Inspection (500) by random sampling at the rate for the enterprise's credit level, else release (399 → 800).
 */
import { Decimal } from '../../../../kernel/money.js';
import type { BusinessDate } from '../../../../kernel/time.js';
import { type ClearanceTables, exchangeRate, TRADE_MODES, type TradeMode } from '../../tables/tables.js';
import type { DecisionReason } from '../reasons.js';
import { type CreditLevel, type Sampling, type SamplingPolicy, sample } from '../sampling.js';
import { type Assessment, assessList, REASON_CODES } from './assess.js';
import {
  type InventoryHead,
  type InventoryList,
  type LogisticsHead,
  type MatchDocument,
  type MatchReason,
  type MatchRule,
  matchDocuments,
  type OrderHead,
  type OrderList,
  type PaymentHead,
} from './matching.js';
import { convertToCny, NET_CONTENT_UNITS, type NetContent } from './tax.js';

/** The version of these rules, recorded with every decision. Change it when a rule below changes. */
export const RULES_VERSION = 'clearance-rules/2026-11-28';

export interface ListHead extends InventoryHead {
  tradeMode: string;
  /** Customs currency code of the list's amounts (142 = RMB). */
  currency: string;
  insuredFee: string;
  areaCode?: string | null;
}

export interface ListItem extends InventoryList {
  gcode: string;
  gmodel: string;
  itemRecordNo?: string | null;
}

export interface ListDocuments {
  list: { head: ListHead; items: readonly ListItem[] };
  order?: { head: OrderHead; items: readonly OrderList[] } | null;
  payment?: PaymentHead | null;
  waybill?: LogisticsHead | null;
}

export interface DecideContext {
  tables: ClearanceTables;
  /** The declaration date (Asia/Shanghai) whose tables, policy and exchange rates apply. */
  on: BusinessDate;
  /** The buyer's released total this calendar year before this list. */
  usedThisYear: Decimal;
  /** The credit level of the e-commerce enterprise (收发货人, ebcCode) on `on`. */
  creditLevel: CreditLevel;
  sampling: SamplingPolicy;
  /** Random, recorded: the inspection draw is derived from it. */
  seed: string;
  /** 1210 only: the stock of the list's warehouse (areaCode) per itemRecordNo; absent items hold nothing. */
  stock?: ReadonlyMap<string, Decimal>;
  /** ISO 4217 code of a customs currency code (142 → CNY, 502 → USD); null when unknown. */
  isoCurrency: (customsCode: string) => string | null;
  amountTolerance?: Decimal;
}

/**
 * ISO 4217 codes of the customs currency codes (JGS-20 货币代码) lists commonly use. The exchange-rate table is keyed
 * by ISO code; this is the bridge from the list's `currency`.
 */
export const CUSTOMS_CURRENCY_ISO: Readonly<Record<string, string>> = {
  '110': 'HKD',
  '116': 'JPY',
  '133': 'KRW',
  '142': 'CNY',
  '300': 'EUR',
  '303': 'GBP',
  '502': 'USD',
  '601': 'AUD',
};
export const isoOfCustomsCurrency = (code: string): string | null => CUSTOMS_CURRENCY_ISO[code] ?? null;

export interface TaxLine {
  gnum: number;
  gcode: string;
  taxPrice: string;
  customsTax: string;
  valueAddedTax: string;
  consumptionTax: string;
}

export interface Taxed {
  regime: 'within-limits' | 'full-tax';
  /** The dutiable total in RMB (items + freight + insurance), counted toward the annual quota. */
  amount: string;
  customsTax: string;
  valueAddedTax: string;
  consumptionTax: string;
  total: string;
  lines: TaxLine[];
}

export type Decision =
  | { outcome: 'waiting'; missing: MatchDocument[]; rulesVersion: string }
  | {
      outcome: 'rejected';
      stage: 'matching' | 'currency' | 'assessment' | 'stock';
      reasons: DecisionReason[];
      rulesVersion: string;
    }
  | {
      outcome: 'review' | 'inspection' | 'release';
      taxed: Taxed;
      /** Explanations (no rejection): full tax, cosmetics threshold, notes; and why a review. */
      reasons: DecisionReason[];
      sampling: Sampling | null;
      rulesVersion: string;
    };

// ---- net content (cosmetics) ------------------------------------------------------------------------------

const NET_CONTENT_RE = /(\d+(?:\.\d+)?)\s*(ml|毫升|g|克|片|支|张|piece|pcs)(?![a-z])/i;

/**
 * The net content written in a cosmetic's specification (规格型号 gmodel), e.g. "50ml", "30 g", "10片": the list has
 * no field of its own for it. The first quantity with a unit counts; none → undefined (taxed as high-end).
 */
export function netContentOf(gmodel: string): NetContent | undefined {
  const m = NET_CONTENT_RE.exec(gmodel);
  if (!m) return undefined;
  const unitText = m[2]!.toLowerCase();
  const unit = unitText === 'ml' || unitText === '毫升' ? 'ml' : unitText === 'g' || unitText === '克' ? 'g' : 'piece';
  const amount = Decimal.parse(m[1]!);
  if (!amount.isPositive() || !NET_CONTENT_UNITS.includes(unit)) return undefined;
  return { amount, unit };
}

// ---- the decision ----------------------------------------------------------------------------------------

/** The platform code of a 三单对碰 rule without a customs code of its own: 'amount-paid' → MATCH_AMOUNT_PAID. */
export function matchCode(rule: MatchRule): string {
  return `MATCH_${rule.toUpperCase().replaceAll('-', '_')}`;
}

function matchReason(r: MatchReason): DecisionReason {
  return {
    code: r.code ?? matchCode(r.rule),
    rule: `match:${r.rule}`,
    ...(r.item !== undefined ? { item: r.item } : {}),
    field: r.field,
    message: r.message,
  };
}

function toCny(
  amount: string,
  currency: string,
  ctx: DecideContext,
  what: { zh: string; en: string },
): Decimal | DecisionReason {
  const value = Decimal.parse(amount || '0');
  if (currency === '142' || currency === '') return value;
  const iso = ctx.isoCurrency(currency);
  const rate = iso ? exchangeRate(ctx.tables, iso, ctx.on) : null;
  if (!rate) {
    return {
      code: 'EXCHANGE_RATE_NOT_FOUND',
      rule: 'currency',
      message: {
        zh: `${what.zh}币制 ${currency}${iso ? `（${iso}）` : ''} 在 ${ctx.on.slice(0, 7)} 没有计征汇率`,
        en: `${what.en}: no customs exchange rate for currency ${currency}${iso ? ` (${iso})` : ''} in ${ctx.on.slice(0, 7)}`,
      },
    };
  }
  return convertToCny(value, rate.perUnit);
}

const isReason = (v: unknown): v is DecisionReason => typeof v === 'object' && v !== null && 'rule' in v;

export function decideList(docs: ListDocuments, ctx: DecideContext): Decision {
  const rulesVersion = RULES_VERSION;
  const matched = matchDocuments(
    docs,
    ctx.amountTolerance !== undefined ? { amountTolerance: ctx.amountTolerance } : {},
  );
  if (matched.status === 'waiting') return { outcome: 'waiting', missing: matched.missing, rulesVersion };
  if (matched.status === 'mismatch') {
    return { outcome: 'rejected', stage: 'matching', reasons: matched.reasons.map(matchReason), rulesVersion };
  }

  const { head, items } = docs.list;
  const tradeMode = TRADE_MODES.includes(head.tradeMode as TradeMode) ? (head.tradeMode as TradeMode) : undefined;
  if (!tradeMode) {
    return {
      outcome: 'rejected',
      stage: 'assessment',
      rulesVersion,
      reasons: [
        {
          code: 'TRADE_MODE',
          rule: 'trade-mode',
          field: 'InventoryHead.tradeMode',
          message: {
            zh: `监管方式 ${head.tradeMode} 不是零售进口（9610 直购进口、1210 网购保税进口）`,
            en: `Trade mode ${head.tradeMode} is not retail import (9610 or 1210)`,
          },
        },
      ],
    };
  }

  // Amounts in RMB: every item total, the freight and the insurance, each converted on its own.
  const converted = [
    ...items.map((i, n) =>
      toCny(i.totalPrice, head.currency, ctx, { zh: `第${n + 1}项商品总价`, en: `Item ${n + 1} total price` }),
    ),
    toCny(head.freight, head.currency, ctx, { zh: '运费', en: 'Freight' }),
    toCny(head.insuredFee, head.currency, ctx, { zh: '保费', en: 'Insurance' }),
  ];
  const missingRate = converted.find(isReason);
  if (missingRate) return { outcome: 'rejected', stage: 'currency', reasons: [missingRate], rulesVersion };
  const amounts = converted as Decimal[];

  const assessment: Assessment = assessList(
    {
      items: items.map((item, n) => {
        const netContent = netContentOf(item.gmodel);
        return {
          hsCode: item.gcode,
          totalPrice: amounts[n]!,
          qty: Decimal.parse(item.qty),
          ...(netContent ? { netContent } : {}),
        };
      }),
      freight: amounts[items.length]!,
      insurance: amounts[items.length + 1]!,
    },
    ctx.tables,
    { on: ctx.on, usedThisYear: ctx.usedThisYear, tradeMode },
  );
  const gnumOf = (position?: number) => (position === undefined ? undefined : Number(items[position - 1]?.gnum));
  const assessReasons = assessment.reasons.map((r) => ({
    code: r.code,
    rule: `assess:${r.code}`,
    ...(r.item !== undefined ? { item: gnumOf(r.item) } : {}),
    message: r.message,
  }));
  if (assessment.outcome === 'rejected') {
    return { outcome: 'rejected', stage: 'assessment', reasons: assessReasons, rulesVersion };
  }

  // 1210: the warehouse must hold every item.
  if (tradeMode === '1210') {
    const short: DecisionReason[] = [];
    const need = new Map<string, Decimal>();
    items.forEach((item) => {
      const key = item.itemRecordNo ?? '';
      need.set(key, (need.get(key) ?? Decimal.ZERO).add(Decimal.parse(item.qty)));
    });
    items.forEach((item) => {
      const gnum = Number(item.gnum);
      const key = item.itemRecordNo ?? '';
      if (!key || !head.areaCode) {
        short.push({
          code: 'BONDED_ITEM_RECORD',
          rule: 'bonded-stock',
          item: gnum,
          field: key ? 'InventoryHead.areaCode' : 'InventoryList.itemRecordNo',
          message: {
            zh: `第${gnum}项：网购保税进口须填写区内企业代码和账册备案料号`,
            en: `Item ${gnum}: a 1210 list must name the warehouse (areaCode) and the item record number`,
          },
        });
        return;
      }
      const held = ctx.stock?.get(key) ?? Decimal.ZERO;
      const wanted = need.get(key)!;
      if (held.lt(wanted)) {
        short.push({
          code: 'BONDED_STOCK_SHORT',
          rule: 'bonded-stock',
          item: gnum,
          field: 'InventoryList.qty',
          message: {
            zh: `第${gnum}项料号 ${key} 保税库存 ${held.toString()}，不足本清单所需 ${wanted.toString()}`,
            en: `Item ${gnum}: bonded stock of ${key} is ${held.toString()}, less than the ${wanted.toString()} this list needs`,
          },
        });
      }
    });
    if (short.length) return { outcome: 'rejected', stage: 'stock', reasons: short, rulesVersion };
  }

  const { tax } = assessment;
  const taxed: Taxed = {
    regime: assessment.outcome,
    amount: assessment.dutiableTotal.toFixed(2),
    customsTax: tax.totals.tariff.toFixed(2),
    valueAddedTax: tax.totals.vat.toFixed(2),
    consumptionTax: tax.totals.consumptionTax.toFixed(2),
    total: tax.totals.total.toFixed(2),
    lines: tax.lines.map((l, n) => ({
      gnum: Number(items[n]!.gnum),
      gcode: items[n]!.gcode,
      taxPrice: l.dutiablePrice.toFixed(2),
      customsTax: l.tariff.toFixed(2),
      valueAddedTax: l.vat.toFixed(2),
      consumptionTax: l.consumptionTax.toFixed(2),
    })),
  };

  const review = assessReasons.filter((r) => r.code === REASON_CODES.fullTax || r.code === REASON_CODES.quantityCap);
  if (review.length) {
    return {
      outcome: 'review',
      taxed,
      reasons: [
        ...review.map((r) => ({
          ...r,
          rule: `review:${r.code}`,
          message: {
            zh: `人工审核：${r.message.zh}`,
            en: `Manual review: ${r.message.en}`,
          },
        })),
        ...assessReasons.filter((r) => !review.includes(r)),
      ],
      sampling: null,
      rulesVersion,
    };
  }
  const sampling = sample(ctx.creditLevel, ctx.sampling, ctx.seed);
  return {
    outcome: sampling.inspect ? 'inspection' : 'release',
    taxed,
    reasons: assessReasons,
    sampling,
    rulesVersion,
  };
}
