/**
 * zod 4 schemas for identity codes in API input. A failure is one custom issue whose message is Chinese and whose
 * params carry the English message and a stable code (see `src/platform/http/validation.ts`).
 */
import { z } from 'zod';
import { checkCustomsCode } from './customs-code.js';
import { checkIdNumber } from './id-number.js';
import { checkPhone } from './phone.js';
import { checkRegionCode } from './region.js';
import type { CodeCheck } from './uscc.js';
import { checkUscc } from './uscc.js';

type Failure = Extract<CodeCheck<string>, { ok: false }>;

/** 'check-character' → 'USCC_CHECK_CHARACTER'. */
function stableCode(prefix: string, reason: string): string {
  return `${prefix}_${reason.replaceAll('-', '_').toUpperCase()}`;
}

function report(ctx: z.RefinementCtx, input: string, failure: Failure, prefix: string): void {
  ctx.addIssue({
    code: 'custom',
    message: failure.messageZh,
    params: {
      messageEn: failure.messageEn,
      code: stableCode(prefix, failure.reason),
      ...(failure.expected ? { expected: failure.expected } : {}),
    },
    input,
  });
}

/** Reasons an operator's legacy-code exception may override: only the checksums, never the format. */
const EXCEPTABLE = new Set(['registration-authority', 'org-code-check', 'check-character']);

/**
 * USCC schema (trimmed, upper-cased). `isException` is the operator's legacy-code exception list: some early codes
 * were issued legally but fail the GB 32100 checks; a listed code is accepted if it has the right length and alphabet.
 */
export function usccSchemaWith(isException?: (code: string) => boolean) {
  return z
    .string()
    .trim()
    .toUpperCase()
    .superRefine((value, ctx) => {
      const result = checkUscc(value);
      if (result.ok) return;
      if (isException && EXCEPTABLE.has(result.reason) && isException(value)) return;
      report(ctx, value, result, 'USCC');
    });
}

export const usccSchema = usccSchemaWith();

/** Identity number schema (trimmed, upper-cased so a final 'x' becomes 'X'); `today` bounds the birth date. */
export function idNumberSchemaWith(today: () => Date | string = () => new Date()) {
  return z
    .string()
    .trim()
    .toUpperCase()
    .superRefine((value, ctx) => {
      const result = checkIdNumber(value, today());
      if (!result.ok) report(ctx, value, result, 'ID_NUMBER');
    });
}

export const idNumberSchema = idNumberSchemaWith();

export const customsCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .superRefine((value, ctx) => {
    const result = checkCustomsCode(value);
    if (!result.ok) report(ctx, value, result, 'CUSTOMS_CODE');
  });

export const regionCodeSchema = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const result = checkRegionCode(value);
    if (!result.ok) report(ctx, value, result, 'REGION_CODE');
  });

export { CN_LANDLINE, CN_MOBILE } from './phone.js';

/** A mainland phone number: a mobile number, or a landline with its area code (`phone.ts`). */
export const cnMobileSchema = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const result = checkPhone(value);
    if (!result.ok) report(ctx, value, result, 'PHONE');
  });

/** Same schema under its general name (it accepts landlines too). */
export const cnPhoneSchema = cnMobileSchema;
