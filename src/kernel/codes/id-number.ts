/**
 * Citizen identity number (公民身份号码), GB 11643-1999:
 * 6-digit address code (GB/T 2260) + 8-digit birth date YYYYMMDD + 3-digit sequence (odd male, even female)
 * + 1 check character computed with ISO 7064 MOD 11-2.
 *
 * Identity numbers are personal information: never log them, store them encrypted, show them masked.
 */
import type { CodeCheck } from './uscc.js';

export type IdNumberFailure = 'length' | 'charset' | 'birth-date' | 'future' | 'check-digit';
export type IdNumberCheck = CodeCheck<IdNumberFailure>;

/** ISO 7064 MOD 11-2 weights 2^(18-i) mod 11 for positions 1..17. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** Check character for each value of Σ mod 11. */
const CHECK_CHARS = '10X98765432';
/** Earliest birth year accepted (the standard's own example number is born in 1880). */
const MIN_BIRTH_YEAR = 1800;

/** The check character (0-9 or X) for the first 17 digits. Throws if the input is not 17 digits. */
export function idNumberCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('idNumberCheckDigit needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charAt(i)) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS.charAt(sum % 11);
}

/** Today's calendar date in Asia/Shanghai as YYYYMMDD. A string may be given as YYYY-MM-DD or YYYYMMDD. */
export function shanghaiDate(today: Date | string = new Date()): string {
  if (typeof today === 'string') {
    const digits = today.replaceAll('-', '');
    if (!/^\d{8}$/.test(digits)) throw new RangeError(`not a date: ${today}`);
    return digits;
  }
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(today).replaceAll('-', '');
}

function isRealDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < MIN_BIRTH_YEAR || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function fail(reason: IdNumberFailure, messageZh: string, messageEn: string, expected?: string): IdNumberCheck {
  return expected === undefined
    ? { ok: false, reason, messageZh, messageEn }
    : { ok: false, reason, expected, messageZh, messageEn };
}

/**
 * Checks an 18-character identity number exactly as given (callers trim and upper-case first, so a final 'x'
 * must already be 'X'). `today` (Asia/Shanghai) bounds the birth date: being born today is allowed.
 */
export function checkIdNumber(id: string, today: Date | string = new Date()): IdNumberCheck {
  if (id.length !== 18) {
    return fail(
      'length',
      `身份证号码应为18位，实际为${id.length}位`,
      `ID number must be 18 characters, got ${id.length}`,
    );
  }
  if (!/^\d{17}[\dX]$/.test(id)) {
    return fail(
      'charset',
      '身份证号码前17位应为数字，最后一位为数字或 X',
      'ID number must be 17 digits followed by a digit or X',
    );
  }
  const birth = id.slice(6, 14);
  if (!isRealDate(birth)) {
    return fail(
      'birth-date',
      `身份证号码中的出生日期 ${birth} 无效`,
      `ID number birth date ${birth} is not a valid date`,
    );
  }
  if (birth > shanghaiDate(today)) {
    return fail('future', `身份证号码中的出生日期 ${birth} 晚于今天`, `ID number birth date ${birth} is in the future`);
  }
  const expected = idNumberCheckDigit(id.slice(0, 17));
  if (id.charAt(17) !== expected) {
    return fail(
      'check-digit',
      `身份证号码校验位错误，应为 ${expected}`,
      `ID number check digit is wrong: expected ${expected}`,
      expected,
    );
  }
  return { ok: true };
}
