/**
 * Mainland telephone numbers (电话号码) as filings and contacts give them: an 11-digit mobile number (1, then 3–9,
 * then 9 digits), or a landline with its area code (0 + 2–3 digits, an optional '-', a 7–8 digit local number and an
 * optional '-' extension of 1–6 digits), e.g. 13800000000, 0931-8123456, 09318123456-801.
 *
 * Phone numbers are personal information: never log them, store them encrypted, show them masked.
 */
import type { CodeCheck } from './uscc.js';

export type PhoneFailure = 'format';
export type PhoneCheck = CodeCheck<PhoneFailure>;

/** Mainland mobile: 11 digits, 1 then 3–9. */
export const CN_MOBILE = /^1[3-9]\d{9}$/;
/** Landline: area code (0 + 2–3 digits), optional '-', 7–8 digit local number, optional '-' extension. */
export const CN_LANDLINE = /^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$/;

/** Checks a number exactly as given (callers trim first). */
export function checkPhone(phone: string): PhoneCheck {
  if (CN_MOBILE.test(phone) || CN_LANDLINE.test(phone)) return { ok: true };
  return {
    ok: false,
    reason: 'format',
    messageZh: '电话号码格式错误：应为11位手机号码，或带区号的固定电话（如 0931-8123456）',
    messageEn: 'Invalid phone number: expected an 11-digit mobile number or a landline with area code',
  };
}
