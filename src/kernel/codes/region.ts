/**
 * Administrative division code (行政区划代码), GB/T 2260: 6 digits — province (2), prefecture (2), county (2).
 * Only the format and the province are checked; the full county list changes every year and is operator data.
 */
import type { CodeCheck } from './uscc.js';

export type RegionCodeFailure = 'length' | 'charset' | 'province';
export type RegionCodeCheck = CodeCheck<RegionCodeFailure>;

/** Province-level divisions (first two digits) of GB/T 2260. */
export const PROVINCE_CODES: Readonly<Record<string, string>> = {
  '11': '北京市',
  '12': '天津市',
  '13': '河北省',
  '14': '山西省',
  '15': '内蒙古自治区',
  '21': '辽宁省',
  '22': '吉林省',
  '23': '黑龙江省',
  '31': '上海市',
  '32': '江苏省',
  '33': '浙江省',
  '34': '安徽省',
  '35': '福建省',
  '36': '江西省',
  '37': '山东省',
  '41': '河南省',
  '42': '湖北省',
  '43': '湖南省',
  '44': '广东省',
  '45': '广西壮族自治区',
  '46': '海南省',
  '50': '重庆市',
  '51': '四川省',
  '52': '贵州省',
  '53': '云南省',
  '54': '西藏自治区',
  '61': '陕西省',
  '62': '甘肃省',
  '63': '青海省',
  '64': '宁夏回族自治区',
  '65': '新疆维吾尔自治区',
  '71': '台湾省',
  '81': '香港特别行政区',
  '82': '澳门特别行政区',
};

export function checkRegionCode(code: string): RegionCodeCheck {
  if (code.length !== 6) {
    return {
      ok: false,
      reason: 'length',
      messageZh: `行政区划代码应为6位，实际为${code.length}位`,
      messageEn: `Region code must be 6 digits, got ${code.length} characters`,
    };
  }
  if (!/^\d{6}$/.test(code)) {
    return {
      ok: false,
      reason: 'charset',
      messageZh: '行政区划代码应为6位数字',
      messageEn: 'Region code must be 6 digits',
    };
  }
  if (!Object.hasOwn(PROVINCE_CODES, code.slice(0, 2))) {
    return {
      ok: false,
      reason: 'province',
      messageZh: `行政区划代码前两位“${code.slice(0, 2)}”不是有效的省级代码`,
      messageEn: `Region code prefix "${code.slice(0, 2)}" is not a province-level code`,
    };
  }
  return { ok: true };
}
