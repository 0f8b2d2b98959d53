/**
 * Retail import limits (单次交易限值 / 个人年度交易限值), business-rules.md §1.2 R3–R6 and platform-decisions.md
 * "Retail import". Pure rules, no I/O.
 *
 * - Single transaction 5,000.00 RMB, annual 26,000.00 RMB per buyer per calendar year in Asia/Shanghai (from
 *   2019-01-01; 2,000 / 20,000 before). "Exceeds" (超过) is strictly greater: exactly 5,000.00, and a cumulative total
 *   of exactly 26,000.00, are within.
 * - The amount compared is the list's dutiable total (goods + freight + insurance, R2).
 * - One indivisible item alone in its order (one list item, quantity 1) over the single limit, keeping the annual
 *   total within: accepted, taxed in full, counted toward the annual total (R5b). Any other order over the single
 *   limit: rejected -621005. An annual total over the limit: rejected -621018, naming the amount used and the limit.
 * - A return applied for within 30 days of release, the goods back within 45 days, restores the quota (R6).
 */
import { Decimal } from '../../../../kernel/money.js';
import { type BusinessDate, daysBetween, isBusinessDate, shanghaiDate, shanghaiYear } from '../../../../kernel/time.js';

/** The dated policy parameters (config): limits and the within-limits tax factor. */
export interface RetailImportPolicy {
  validFrom: BusinessDate;
  /** Last day in force (inclusive), or null when open-ended. */
  validTo: BusinessDate | null;
  singleLimit: Decimal;
  annualLimit: Decimal;
  /** Share of the statutory VAT and consumption tax levied within the limits (0.7). */
  reducedTaxFactor: Decimal;
  source: string;
}

/** The policies in force since the CBEC retail import tax policy began (business-rules.md §1.1). */
export const RETAIL_IMPORT_POLICIES: readonly RetailImportPolicy[] = [
  {
    validFrom: '2016-04-08',
    validTo: '2018-12-31',
    singleLimit: Decimal.parse('2000.00'),
    annualLimit: Decimal.parse('20000.00'),
    reducedTaxFactor: Decimal.parse('0.7'),
    source: '财关税〔2016〕18号',
  },
  {
    validFrom: '2019-01-01',
    validTo: null,
    singleLimit: Decimal.parse('5000.00'),
    annualLimit: Decimal.parse('26000.00'),
    reducedTaxFactor: Decimal.parse('0.7'),
    source: '财关税〔2018〕49号',
  },
];

export class PolicyError extends Error {
  constructor(
    readonly messageZh: string,
    readonly messageEn: string,
  ) {
    super(messageEn);
    this.name = 'PolicyError';
  }
}

/**
 * Checks an operator's policy list: real dates, validTo ≥ validFrom, positive limits, a factor in (0, 1], and no two
 * periods overlapping. Returns the list sorted by validFrom; throws a PolicyError naming the first problem.
 */
export function definePolicies(policies: readonly RetailImportPolicy[]): readonly RetailImportPolicy[] {
  const sorted = [...policies].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  sorted.forEach((p, i) => {
    const name = `${p.validFrom}…${p.validTo ?? ''}`;
    if (!isBusinessDate(p.validFrom) || (p.validTo !== null && !isBusinessDate(p.validTo))) {
      throw new PolicyError(`限额配置 ${name} 的日期无效`, `Policy ${name}: invalid date`);
    }
    if (p.validTo !== null && p.validTo < p.validFrom) {
      throw new PolicyError(`限额配置 ${name} 的截止日期早于起始日期`, `Policy ${name}: validTo is before validFrom`);
    }
    if (!p.singleLimit.isPositive() || !p.annualLimit.isPositive()) {
      throw new PolicyError(`限额配置 ${name} 的限额必须为正数`, `Policy ${name}: limits must be positive`);
    }
    if (!p.reducedTaxFactor.isPositive() || p.reducedTaxFactor.gt(Decimal.ONE)) {
      throw new PolicyError(
        `限额配置 ${name} 的税款比例应在 (0, 1] 之间`,
        `Policy ${name}: the tax factor must be in (0, 1]`,
      );
    }
    const prev = sorted[i - 1];
    if (prev && (prev.validTo === null || prev.validTo >= p.validFrom)) {
      throw new PolicyError(
        `限额配置 ${prev.validFrom} 与 ${p.validFrom} 的有效期重叠`,
        `Policies from ${prev.validFrom} and ${p.validFrom} overlap`,
      );
    }
  });
  return sorted;
}

/** The policy in force on a business date; throws a PolicyError when none is. */
export function policyOn(
  date: BusinessDate,
  policies: readonly RetailImportPolicy[] = RETAIL_IMPORT_POLICIES,
): RetailImportPolicy {
  const found = policies.find((p) => p.validFrom <= date && (p.validTo === null || date <= p.validTo));
  if (!found) {
    throw new PolicyError(`${date} 没有有效的跨境零售进口限额配置`, `No retail-import policy is in force on ${date}`);
  }
  return found;
}

export interface LimitCheckInput {
  /** The list's dutiable total: Σ item total prices + freight + insurance (RMB). */
  orderAmount: Decimal;
  /** The declared quantity of each list item. */
  quantities: readonly Decimal[];
  /** The buyer's cumulative CBEC total this calendar year before this order (RMB). */
  usedThisYear: Decimal;
}

export type LimitCode = '-621005' | '-621018';

export type LimitDecision =
  | { outcome: 'within-limits'; annualTotalAfter: Decimal }
  | { outcome: 'full-tax'; annualTotalAfter: Decimal; messageZh: string; messageEn: string }
  | { outcome: 'rejected'; code: LimitCode; messageZh: string; messageEn: string };

/** One indivisible item alone in its order: a single list item of quantity exactly 1. */
export function isSingleIndivisibleItem(quantities: readonly Decimal[]): boolean {
  return quantities.length === 1 && quantities[0]!.eq(Decimal.ONE);
}

/** The limits decision for one list (the same for an estimate and for clearance). */
export function checkLimits(input: LimitCheckInput, policy: RetailImportPolicy): LimitDecision {
  const { orderAmount, quantities, usedThisYear } = input;
  if (orderAmount.isNegative() || usedThisYear.isNegative()) throw new RangeError('amounts must not be negative');
  const annualTotalAfter = usedThisYear.add(orderAmount);
  const overSingle = orderAmount.gt(policy.singleLimit);
  if (overSingle && !isSingleIndivisibleItem(quantities)) {
    const pieces = Decimal.sum(quantities);
    return {
      outcome: 'rejected',
      code: '-621005',
      messageZh:
        `购买金额超过单笔限额：本次购买[${orderAmount.toAmountString()}]超过单笔限额[${policy.singleLimit}]，` +
        `订单含${quantities.length}项共${pieces}件商品，不适用单件不可分割商品规则`,
      messageEn:
        `The purchase exceeds the single-transaction limit: ${orderAmount.toAmountString()} is over [${policy.singleLimit}], and ` +
        `the order holds ${quantities.length} item(s), ${pieces} piece(s), so the single-indivisible-item rule does not apply`,
    };
  }
  if (annualTotalAfter.gt(policy.annualLimit)) {
    const used = usedThisYear.toAmountString();
    return {
      outcome: 'rejected',
      code: '-621018',
      messageZh: `购买人已用购买额度为[${used}]，本次购买将超过年度限额[${policy.annualLimit}]`,
      messageEn:
        `The buyer has used [${used}] of the annual quota; this purchase of ${orderAmount.toAmountString()} ` +
        `would exceed the annual limit [${policy.annualLimit}]`,
    };
  }
  if (overSingle) {
    return {
      outcome: 'full-tax',
      annualTotalAfter,
      messageZh:
        `单件不可分割商品完税价格[${orderAmount.toAmountString()}]超过单笔限额[${policy.singleLimit}]，` +
        `按货物税率全额征收关税、进口环节增值税和消费税，并计入年度交易总额`,
      messageEn:
        `A single indivisible item of ${orderAmount.toAmountString()}, over the single-transaction limit [${policy.singleLimit}]: ` +
        `tariff, import VAT and consumption tax are levied in full at the goods' rates, and it counts toward the annual total`,
    };
  }
  return { outcome: 'within-limits', annualTotalAfter };
}

/** A released list counted toward a buyer's annual total. */
export interface Purchase {
  releasedAt: Date;
  amount: Decimal;
  /** A return that met the 30/45-day rule: no longer counted. */
  returned?: boolean;
}

/** The buyer's total in the Asia/Shanghai calendar year of `at` (returned purchases excluded). */
export function annualUsage(purchases: readonly Purchase[], at: Date): Decimal {
  const year = shanghaiYear(at);
  return Decimal.sum(purchases.filter((p) => !p.returned && shanghaiYear(p.releasedAt) === year).map((p) => p.amount));
}

/** GACC 2020 No. 45: apply within 30 days of release, goods back within 45 days. (config) */
export const RETURN_WINDOW = { applyWithinDays: 30, arriveWithinDays: 45 } as const;

export type ReturnCheck =
  | { eligible: true; appliedDay: number; arrivedDay: number }
  | { eligible: false; appliedDay: number; arrivedDay: number | null; messageZh: string; messageEn: string };

/**
 * Whether a return restores the quota and cancels the tax. Days are Asia/Shanghai calendar days after the release
 * date (the release day is day 0); day 30 and day 45 are still within.
 */
export function checkReturn(
  input: { releasedAt: Date; appliedAt: Date; arrivedAt?: Date },
  window: { applyWithinDays: number; arriveWithinDays: number } = RETURN_WINDOW,
): ReturnCheck {
  const released = shanghaiDate(input.releasedAt);
  const appliedDay = daysBetween(released, shanghaiDate(input.appliedAt));
  const arrivedDay = input.arrivedAt ? daysBetween(released, shanghaiDate(input.arrivedAt)) : null;
  if (appliedDay < 0 || (arrivedDay !== null && arrivedDay < 0)) {
    throw new RangeError('a return cannot precede the release');
  }
  if (appliedDay > window.applyWithinDays) {
    return {
      eligible: false,
      appliedDay,
      arrivedDay,
      messageZh: `退货申请在放行后第${appliedDay}天提出，超过${window.applyWithinDays}天期限，不退税、不恢复额度`,
      messageEn: `The return was applied for on day ${appliedDay} after release, past the ${window.applyWithinDays}-day limit: no refund, no quota restored`,
    };
  }
  if (arrivedDay === null) {
    return {
      eligible: false,
      appliedDay,
      arrivedDay,
      messageZh: '退货商品尚未运抵原监管场所',
      messageEn: 'The returned goods have not yet arrived back',
    };
  }
  if (arrivedDay > window.arriveWithinDays) {
    return {
      eligible: false,
      appliedDay,
      arrivedDay,
      messageZh: `退货商品在放行后第${arrivedDay}天运抵，超过${window.arriveWithinDays}天期限，不退税、不恢复额度`,
      messageEn: `The goods arrived back on day ${arrivedDay} after release, past the ${window.arriveWithinDays}-day limit: no refund, no quota restored`,
    };
  }
  return { eligible: true, appliedDay, arrivedDay };
}
