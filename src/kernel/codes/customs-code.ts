/**
 * Customs registration code (海关注册编码 / 10-digit 经营单位代码). Positions 1–4 are the region digits of the
 * enterprise's locality (province, city), 5 the economic-zone type, 6 the enterprise's economic type, 7–10 a
 * sequence. No check digit is published, so only the format is checked: 10 characters of digits and upper-case
 * letters, the first 4 digits. Since the 2019 reforms customs identifies enterprises mainly by the USCC.
 */
import type { CodeCheck } from './uscc.js';

export type CustomsCodeFailure = 'length' | 'charset' | 'district';
export type CustomsCodeCheck = CodeCheck<CustomsCodeFailure>;

export function checkCustomsCode(code: string): CustomsCodeCheck {
  if (code.length !== 10) {
    return {
      ok: false,
      reason: 'length',
      messageZh: `海关编码应为10位，实际为${code.length}位`,
      messageEn: `Customs code must be 10 characters, got ${code.length}`,
    };
  }
  if (!/^[0-9A-Z]{10}$/.test(code)) {
    return {
      ok: false,
      reason: 'charset',
      messageZh: '海关编码只能包含数字和大写字母',
      messageEn: 'Customs code may contain only digits and upper-case letters',
    };
  }
  if (!/^\d{4}/.test(code)) {
    return {
      ok: false,
      reason: 'district',
      messageZh: '海关编码前4位（所在地行政区划）应为数字',
      messageEn: 'Customs code characters 1-4 (locality region code) must be digits',
    };
  }
  return { ok: true };
}
