/**
 * Cross-border e-commerce retail import tax (跨境电商零售进口税收政策), business-rules.md §1 and
 * platform-decisions.md "Retail import". Pure rules, no I/O.
 *
 * For each list item, with P its dutiable price (完税价格 = its total price + its share of the list's freight and
 * insurance), t the MFN tariff rate, c the ad-valorem consumption-tax rate, v the VAT rate:
 *
 *   full tax (over-limit single indivisible item, R5b):   D = P·t,  CT = (P + D)/(1 − c)·c,  VAT = (P + D + CT)·v
 *   within the limits (R4):                                D = 0,    CT = P/(1 − c)·c·0.7,    VAT = (P + CT_full)·v·0.7
 *
 * Every intermediate stays exact (`Ratio`): the VAT base uses the unrounded consumption tax, and the CT base the
 * unrounded tariff. Each tax kind of each item is then rounded half-up to the fen; an item's total and the list's
 * totals are sums of those rounded amounts (so example 2 is 138.36, not round(600 × 23.0588…%) = 138.35).
 *
 * High-end cosmetics (财税〔2016〕103号): a line whose rate row carries the `cosmetics` rule pays consumption tax only
 * when its dutiable price is at least 10 RMB per ml or g, or 15 RMB per piece; below that, c = 0.
 */
import { allocate, Decimal, Ratio } from '../../../../kernel/money.js';

export type ConsumptionTaxRule = 'cosmetics';
export const CONSUMPTION_TAX_RULES: readonly ConsumptionTaxRule[] = ['cosmetics'];

/** The rates of a tariff line on a date (one row of the dated rate table). */
export interface GoodsRates {
  /** MFN tariff rate, e.g. 0.01. Levied only in full tax. */
  mfnRate: Decimal;
  /** Import VAT rate, e.g. 0.13. */
  vatRate: Decimal;
  /** Ad-valorem consumption-tax rate, e.g. 0.15; 0 for none. Must be below 1. */
  consumptionTaxRate: Decimal;
  /** A condition on the consumption tax, or null when it always applies. */
  consumptionTaxRule: ConsumptionTaxRule | null;
}

export const NET_CONTENT_UNITS = ['ml', 'g', 'piece'] as const;
export type NetContentUnit = (typeof NET_CONTENT_UNITS)[number];

/** The net content of one unit of the declared quantity: a 50 ml bottle, a box of 10 sheet masks (10 piece). */
export interface NetContent {
  amount: Decimal;
  unit: NetContentUnit;
}

/** Within the limits: tariff 0, VAT and CT at `reducedTaxFactor` (0.7) of the statutory amount. Full: goods rates. */
export type TaxRegime = 'within-limits' | 'full-tax';

/** 财税〔2016〕103号: the high-end cosmetics threshold, in RMB of dutiable price. */
export const COSMETICS_THRESHOLD: Readonly<Record<NetContentUnit, Decimal>> = {
  ml: Decimal.parse('10'),
  g: Decimal.parse('10'),
  piece: Decimal.parse('15'),
};

export type CosmeticsTest =
  /** The line's rates carry no condition: CT (if any) applies. */
  | { kind: 'unconditional' }
  /** Value per ml / g / piece compared with the threshold. */
  | { kind: 'measured'; applies: boolean; valuePerUnit: Decimal; threshold: Decimal; unit: NetContentUnit }
  /** The cosmetics rule applies but no net content was given: CT is charged (the higher tax, safe to withhold). */
  | { kind: 'assumed'; applies: true };

/**
 * Whether a cosmetics line is high-end: dutiable price / (qty × net content) ≥ 10 RMB per ml or g, ≥ 15 per piece.
 * `valuePerUnit` is shown rounded to the fen; the comparison itself is exact.
 */
export function cosmeticsTest(
  rule: ConsumptionTaxRule | null,
  dutiablePrice: Decimal,
  qty: Decimal,
  netContent?: NetContent,
): CosmeticsTest {
  if (rule === null) return { kind: 'unconditional' };
  if (!netContent?.amount.isPositive() || !qty.isPositive()) return { kind: 'assumed', applies: true };
  const perUnit = dutiablePrice.toRatio().div(qty.mul(netContent.amount));
  const threshold = COSMETICS_THRESHOLD[netContent.unit];
  return {
    kind: 'measured',
    applies: perUnit.cmp(threshold) >= 0,
    valuePerUnit: perUnit.round(2),
    threshold,
    unit: netContent.unit,
  };
}

export interface LineTaxInput {
  /** 完税价格: the item's total price plus its share of freight and insurance, in RMB. */
  dutiablePrice: Decimal;
  qty: Decimal;
  netContent?: NetContent;
  rates: GoodsRates;
}

export interface LineTax {
  dutiablePrice: Decimal;
  /** 关税, rounded half-up to the fen. */
  tariff: Decimal;
  /** 消费税, rounded half-up to the fen. */
  consumptionTax: Decimal;
  /** 增值税, rounded half-up to the fen. */
  vat: Decimal;
  /** tariff + consumptionTax + vat (the rounded amounts). */
  total: Decimal;
  cosmetics: CosmeticsTest;
}

/** The exact (unrounded) amounts, for checks and explanations. */
export interface ExactLineTax {
  tariff: Ratio;
  consumptionTax: Ratio;
  vat: Ratio;
}

function checkRates(rates: GoodsRates): void {
  const one = Decimal.ONE;
  if (rates.consumptionTaxRate.isNegative() || rates.consumptionTaxRate.gte(one)) {
    throw new RangeError(`consumption-tax rate must be in [0, 1): ${rates.consumptionTaxRate}`);
  }
  if (rates.mfnRate.isNegative() || rates.vatRate.isNegative()) throw new RangeError('negative tax rate');
}

/** The exact statutory or reduced amounts of one line (nothing rounded). */
export function exactLineTax(
  line: LineTaxInput,
  regime: TaxRegime,
  reducedTaxFactor: Decimal,
): ExactLineTax & { cosmetics: CosmeticsTest } {
  checkRates(line.rates);
  const p = line.dutiablePrice.toRatio();
  const cosmetics = cosmeticsTest(line.rates.consumptionTaxRule, line.dutiablePrice, line.qty, line.netContent);
  const ctApplies = cosmetics.kind === 'unconditional' || cosmetics.applies;
  const c = ctApplies ? line.rates.consumptionTaxRate : Decimal.ZERO;

  const tariff = regime === 'full-tax' ? p.mul(line.rates.mfnRate) : Ratio.of(0n);
  const ctBase = p.add(tariff).div(Decimal.ONE.sub(c)); // 组成计税价格
  const ctFull = ctBase.mul(c);
  const vatFull = p.add(tariff).add(ctFull).mul(line.rates.vatRate); // base uses the unrounded CT
  const factor = regime === 'full-tax' ? Decimal.ONE : reducedTaxFactor;
  return { tariff, consumptionTax: ctFull.mul(factor), vat: vatFull.mul(factor), cosmetics };
}

/** One line's taxes, each kind rounded half-up to the fen. */
export function lineTax(line: LineTaxInput, regime: TaxRegime, reducedTaxFactor: Decimal): LineTax {
  const exact = exactLineTax(line, regime, reducedTaxFactor);
  const tariff = exact.tariff.round(2);
  const consumptionTax = exact.consumptionTax.round(2);
  const vat = exact.vat.round(2);
  return {
    dutiablePrice: line.dutiablePrice,
    tariff,
    consumptionTax,
    vat,
    total: tariff.add(consumptionTax).add(vat),
    cosmetics: exact.cosmetics,
  };
}

export interface ListItemInput {
  /** The item's total price (price × qty), RMB. */
  totalPrice: Decimal;
  qty: Decimal;
  netContent?: NetContent;
  rates: GoodsRates;
}

export interface ListTaxInput {
  items: readonly ListItemInput[];
  /** Freight declared for the whole list, RMB (fen amounts). */
  freight: Decimal;
  /** Insurance declared for the whole list, RMB (fen amounts). */
  insurance: Decimal;
}

export interface ListLineTax extends LineTax {
  freightShare: Decimal;
  insuranceShare: Decimal;
}

export interface ListTotals {
  dutiablePrice: Decimal;
  tariff: Decimal;
  consumptionTax: Decimal;
  vat: Decimal;
  total: Decimal;
}

export interface ListTax {
  lines: ListLineTax[];
  totals: ListTotals;
}

/**
 * Each item's dutiable price: its total price plus its shares of the list's freight and of its insurance, each
 * allocated in proportion to the items' total prices, half-up to the fen, remainder to the highest-value item
 * (freight and insurance are allocated separately, so each share sums exactly to its declared amount).
 */
export function dutiablePrices(
  input: ListTaxInput,
): { dutiablePrice: Decimal; freightShare: Decimal; insuranceShare: Decimal }[] {
  const weights = input.items.map((i) => i.totalPrice);
  // To the fen; an amount declared with finer digits (N19,5 allows five) is split at its own precision.
  const places = (amount: Decimal) => Math.max(2, amount.fractionDigits());
  const freight = allocate(input.freight, weights, places(input.freight));
  const insurance = allocate(input.insurance, weights, places(input.insurance));
  return input.items.map((item, i) => ({
    dutiablePrice: item.totalPrice.add(freight[i]!).add(insurance[i]!),
    freightShare: freight[i]!,
    insuranceShare: insurance[i]!,
  }));
}

/** A list's taxes: per item and per tax kind rounded to the fen; the totals are sums of the rounded amounts. */
export function listTax(input: ListTaxInput, regime: TaxRegime, reducedTaxFactor: Decimal): ListTax {
  if (input.items.length === 0) throw new RangeError('a list has at least one item');
  const bases = dutiablePrices(input);
  const lines = input.items.map((item, i) => {
    const base = bases[i]!;
    const tax = lineTax(
      { dutiablePrice: base.dutiablePrice, qty: item.qty, netContent: item.netContent, rates: item.rates },
      regime,
      reducedTaxFactor,
    );
    return { ...tax, freightShare: base.freightShare, insuranceShare: base.insuranceShare };
  });
  const sum = (pick: (l: ListLineTax) => Decimal) => Decimal.sum(lines.map(pick));
  return {
    lines,
    totals: {
      dutiablePrice: sum((l) => l.dutiablePrice),
      tariff: sum((l) => l.tariff),
      consumptionTax: sum((l) => l.consumptionTax),
      vat: sum((l) => l.vat),
      total: sum((l) => l.total),
    },
  };
}

/**
 * The comprehensive rate r = (c + v)/(1 − c) × 0.7 (跨境电商综合税率), for display and cross-checks only: the
 * platform taxes per kind, and round(P × r) can differ by a fen (business-rules.md example 2).
 */
export function comprehensiveRate(rates: Pick<GoodsRates, 'vatRate' | 'consumptionTaxRate'>, factor: Decimal): Ratio {
  const c = rates.consumptionTaxRate;
  return c.add(rates.vatRate).toRatio().div(Decimal.ONE.sub(c)).mul(factor);
}

/**
 * A foreign-currency amount in RMB at the customs rate (RMB per one unit of the currency), rounded half-up to the
 * fen (海关总署令第272号 第十三条). Each declared amount (item total price, freight, insurance) is converted on its own.
 */
export function convertToCny(amount: Decimal, ratePerUnit: Decimal): Decimal {
  if (!ratePerUnit.isPositive()) throw new RangeError(`exchange rate must be positive: ${ratePerUnit}`);
  return amount.mulRate(ratePerUnit, 2);
}
