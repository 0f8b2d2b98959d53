import { z } from 'zod';
import { checkDecimalText, Decimal, N19_5 } from '../../kernel/money.js';
import { NET_CONTENT_UNITS } from './rules/import/tax.js';

/**
 * Input and output schemas of the clearance module's HTTP surface (`POST /api/v1/tax/estimate`). Amounts are
 * decimal strings in RMB (never JSON numbers), at most N19,5 (14 integer and 5 fraction digits). Failures are custom
 * issues with a Chinese message and `params.messageEn` / `params.code` (see src/platform/http/validation.ts).
 */

type DecimalRule = { positive?: boolean };

/**
 * A decimal string of the one amount grammar (kernel/money.ts `checkDecimalText`, N19,5: digits, optionally a point
 * and 1–5 decimals, no sign, no space of any kind, no exponent, at most 14 digits before the point), optionally > 0.
 */
export function decimalString(rule: DecimalRule = {}) {
  return z.string().superRefine((value, ctx) => {
    const issue = (message: string, messageEn: string, code: string) =>
      ctx.addIssue({ code: 'custom', message, params: { messageEn, code }, input: value });
    const problem = checkDecimalText(value, N19_5);
    if (problem) {
      const code =
        problem.reason === 'negative'
          ? 'DECIMAL_NEGATIVE'
          : problem.reason === 'integer-digits' || problem.reason === 'fraction-digits'
            ? 'DECIMAL_N19_5'
            : 'DECIMAL_FORMAT';
      issue(problem.messageZh, problem.messageEn, code);
    } else if (rule.positive && Decimal.parse(value).isZero()) {
      issue('必须大于 0', 'Must be greater than 0', 'DECIMAL_NOT_POSITIVE');
    }
  });
}

export const amountSchema = decimalString();
export const positiveDecimalSchema = decimalString({ positive: true });

/**
 * A quantity: a decimal string (N19,5, positive) or, for integrators' convenience, a whole JSON number (a safe
 * non-negative integer: 2, not 2.5 — a binary float is never taken as a quantity). It becomes the decimal string.
 */
export const quantitySchema = z
  .union([z.string(), z.number()], {
    error: '数量应为十进制字符串（如 "1.5"）或整数 / qty must be a decimal string (e.g. "1.5") or a whole number',
  })
  .superRefine((v, ctx) => {
    if (typeof v === 'number' && !(Number.isSafeInteger(v) && v >= 0)) {
      ctx.addIssue({
        code: 'custom',
        message: '数字形式的数量须为非负整数；小数请写成字符串，如 "1.5"',
        params: {
          messageEn:
            'A quantity as a JSON number must be a whole non-negative number; write fractions as strings ("1.5")',
          code: 'QUANTITY_NOT_WHOLE',
        },
        input: v,
      });
    }
  })
  .transform((v) => (typeof v === 'number' ? String(v) : v))
  .pipe(positiveDecimalSchema);

/** A 10-digit commodity code (商品编号: 8-digit tariff line + 2 supplementary digits). */
export const hsCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{10}$/, { error: '商品编号应为 10 位数字 / The commodity code has 10 digits' });

export const taxEstimateItemSchema = z
  .strictObject({
    hsCode: hsCodeSchema,
    /** Unit price in RMB (0 for a gift). */
    price: amountSchema,
    /** Quantity: a decimal string, or a whole number. */
    qty: quantitySchema,
    /** Net content of one unit (cosmetics: 50 for a 50 ml bottle, 10 for a box of 10 sheet masks). */
    netContent: positiveDecimalSchema.optional(),
    netContentUnit: z.enum(NET_CONTENT_UNITS).optional(),
  })
  .refine((i) => (i.netContent === undefined) === (i.netContentUnit === undefined), {
    error: '净含量与其单位须同时填写 / give netContent and netContentUnit together',
    path: ['netContentUnit'],
  });

export const taxEstimateInputSchema = z.strictObject({
  items: z.array(taxEstimateItemSchema).min(1).max(100),
  /** Freight for the whole order, RMB. */
  freight: amountSchema,
  /** Insurance for the whole order, RMB; 0 when absent. */
  insurance: amountSchema.default('0'),
  /** The buyer's CBEC purchases so far this calendar year, RMB (the platform's own figure wins when it has one). */
  buyerUsedThisYear: amountSchema.optional(),
});
export type TaxEstimateInput = z.infer<typeof taxEstimateInputSchema>;

const bilingual = z.object({ zh: z.string(), en: z.string() });

export const taxEstimateResultSchema = z.object({
  outcome: z.enum(['within-limits', 'full-tax', 'rejected']),
  items: z.array(
    z.object({
      hsCode: z.string(),
      dutiablePrice: z.string(),
      tariff: z.string(),
      consumptionTax: z.string(),
      vat: z.string(),
      total: z.string(),
    }),
  ),
  total: z.string(),
  dutiableTotal: z.string(),
  /** The buyer's annual total once this order is released; null when rejected. */
  annualTotalAfter: z.string().nullable(),
  reasons: z.array(z.object({ code: z.string(), item: z.number().int().optional(), message: bilingual })),
});
export type TaxEstimate = z.infer<typeof taxEstimateResultSchema>;
