/**
 * Checks one simple value against its generated definition (XSD facets plus the annotated CEB date formats).
 * ceb-messages.md §2.3: decimals are N19,5-style xs:decimal and stay strings end to end; appTime is
 * YYYYMMDDhhmmss, returnTime YYYYMMDDhhmmssSSS, declTime/ieDate YYYYMMDD.
 */
import type { CebSimpleType } from './definition-types.js';

export interface Problem {
  zh: string;
  en: string;
}

const INT = /^[+-]?\d+$/;
const BASE64 = /^[A-Za-z0-9+/=\s]*$/;
const XS_DATE = /^\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$/;
const XS_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** XSD whiteSpace processing; decimal, int and dates always collapse. */
export function normalizeValue(value: string, type: CebSimpleType): string {
  const collapse = type.whiteSpace === 'collapse' || type.base !== 'string' || type.dateFormat !== undefined;
  if (collapse) return isCollapsed(value) ? value : value.replace(/[ \t\r\n]+/g, ' ').trim();
  if (type.whiteSpace === 'replace') return value.replace(/[\t\r\n]/g, ' ');
  return value;
}

/**
 * Whether collapsing would leave `value` unchanged (the common case, checked without allocating): no tab, CR or
 * LF, no two spaces in a row, and nothing String#trim would remove.
 */
function isCollapsed(value: string): boolean {
  let space = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x20) {
      if (space) return false;
      space = true;
    } else {
      if (c === 0x09 || c === 0x0a || c === 0x0d) return false;
      space = false;
    }
  }
  return value.trim() === value;
}

/** Counts digits the way xs:decimal's totalDigits/fractionDigits do (on the value: no leading or trailing zeros). */
export function decimalDigits(value: string): { total: number; fraction: number } {
  const unsigned = value.replace(/^[+-]/, '');
  const [intPart = '', fracPart = ''] = unsigned.split('.');
  const int = intPart.replace(/^0+/, '');
  const frac = fracPart.replace(/0+$/, '');
  return { total: Math.max(1, int.length + frac.length), fraction: frac.length };
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * Checks /^[+-]?(\d+(\.\d*)?|\.\d+)$/ and counts the digits as decimalDigits does, in one pass without allocating;
 * null when `value` is not a decimal.
 */
function scanDecimal(value: string): { total: number; fraction: number } | null {
  const n = value.length;
  let i = 0;
  const first = value.charCodeAt(0);
  if (first === 0x2b || first === 0x2d) i = 1;
  const intStart = i;
  while (i < n && isDigit(value.charCodeAt(i))) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < n && value.charCodeAt(i) === 0x2e) {
    fracStart = ++i;
    while (i < n && isDigit(value.charCodeAt(i))) i++;
    fracEnd = i;
  }
  if (i !== n || (intEnd === intStart && fracEnd === fracStart)) return null;
  let lead = intStart;
  while (lead < intEnd && value.charCodeAt(lead) === 0x30) lead++;
  let trail = fracEnd;
  while (trail > fracStart && value.charCodeAt(trail - 1) === 0x30) trail--;
  const fraction = trail - fracStart;
  return { total: Math.max(1, intEnd - lead + fraction), fraction };
}

function dateProblem(value: string, format: NonNullable<CebSimpleType['dateFormat']>): Problem | null {
  const bad = () => ({ zh: `日期时间格式应为${format}`, en: `expected a date/time in the format ${format}` });
  if (value.length !== format.length || value.length === 0) return bad();
  for (let i = 0; i < value.length; i++) if (!isDigit(value.charCodeAt(i))) return bad();
  const num = (from: number, len: number) => {
    let v = 0;
    for (let i = from; i < from + len; i++) v = v * 10 + value.charCodeAt(i) - 0x30;
    return v;
  };
  const month = num(4, 2);
  const day = num(6, 2);
  if (month < 1 || month > 12 || day < 1) return bad();
  // Every month has 28 days; only later days need the calendar (Date.UTC, as before, including its 1900 + yy
  // reading of the years 0000-0099).
  if (day > 28 && day > new Date(Date.UTC(num(0, 4), month, 0)).getUTCDate()) return bad();
  if (format.length >= 12 && (num(8, 2) > 23 || num(10, 2) > 59)) return bad();
  if (format.length >= 14 && num(12, 2) > 59) return bad();
  return null;
}

/** Length in Unicode code points ([...value].length), without building the array. */
function chars(value: string): number {
  let n = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n -= 1;
        i += 1;
      }
    }
  }
  return n;
}

/** Compiled xs:pattern facets, by pattern. */
const PATTERNS = new Map<string, RegExp>();

function patternRegExp(pattern: string): RegExp {
  let re = PATTERNS.get(pattern);
  if (re === undefined) {
    re = new RegExp(`^(?:${pattern})$`, 'u');
    PATTERNS.set(pattern, re);
  }
  return re;
}

/** Returns the first problem with `value` (already normalised), or null when it is valid. */
export function valueProblem(value: string, type: CebSimpleType): Problem | null {
  if (type.fixed !== undefined && value !== type.fixed) {
    return { zh: `取值必须为${type.fixed}`, en: `must be ${type.fixed}` };
  }
  switch (type.base) {
    case 'decimal': {
      const digits = scanDecimal(value);
      if (digits === null) return { zh: `“${value}”不是有效的数值`, en: `'${value}' is not a decimal number` };
      if (type.fractionDigits !== undefined && digits.fraction > type.fractionDigits) {
        const spec = decimalSpec(type);
        return {
          zh: `“${value}”小数位数为${digits.fraction}，最多${type.fractionDigits}位（${spec}）`,
          en: `'${value}' has ${digits.fraction} fraction digits, at most ${type.fractionDigits} allowed (${spec})`,
        };
      }
      if (type.totalDigits !== undefined && digits.total > type.totalDigits) {
        const spec = decimalSpec(type);
        return {
          zh: `“${value}”有效数字为${digits.total}位，最多${type.totalDigits}位（${spec}）`,
          en: `'${value}' has ${digits.total} digits, at most ${type.totalDigits} allowed (${spec})`,
        };
      }
      break;
    }
    case 'int': {
      const n = Number(value);
      if (!INT.test(value) || n < -2147483648 || n > 2147483647) {
        return { zh: `“${value}”不是有效的整数`, en: `'${value}' is not a 32-bit integer` };
      }
      if (type.totalDigits !== undefined && decimalDigits(value).total > type.totalDigits) {
        return { zh: `“${value}”超过${type.totalDigits}位`, en: `'${value}' has more than ${type.totalDigits} digits` };
      }
      break;
    }
    case 'base64Binary':
      if (!BASE64.test(value)) return { zh: '不是有效的Base64数据', en: 'not valid Base64 data' };
      break;
    case 'date':
      if (!XS_DATE.test(value)) return { zh: '日期格式错误', en: 'not an xs:date' };
      break;
    case 'dateTime':
      if (!XS_DATE_TIME.test(value)) {
        return { zh: '日期时间格式错误', en: 'not an xs:dateTime' };
      }
      break;
    default:
      break;
  }
  if (
    (type.base === 'string' || type.base === 'ID') &&
    (type.length !== undefined || type.maxLength !== undefined || type.minLength !== undefined)
  ) {
    const n = chars(value);
    if (type.length !== undefined && n !== type.length) {
      return { zh: `长度为${n}，必须为${type.length}`, en: `length is ${n}, must be exactly ${type.length}` };
    }
    if (type.maxLength !== undefined && n > type.maxLength) {
      return { zh: `长度为${n}，超过最大长度${type.maxLength}`, en: `length is ${n}, longer than ${type.maxLength}` };
    }
    if (type.minLength !== undefined && n < type.minLength) {
      return { zh: `长度为${n}，小于最小长度${type.minLength}`, en: `length is ${n}, shorter than ${type.minLength}` };
    }
  }
  if (type.dateFormat) {
    const problem = dateProblem(value, type.dateFormat);
    if (problem) return problem;
  }
  if (type.enumeration && !type.enumeration.includes(value)) {
    return {
      zh: `“${value}”不在允许的取值${type.enumeration.join('/')}中`,
      en: `'${value}' is not one of ${type.enumeration.join(', ')}`,
    };
  }
  if (type.pattern && !type.pattern.some((p) => patternRegExp(p).test(value))) {
    return {
      zh: `“${value}”不符合格式${type.pattern.join('|')}`,
      en: `'${value}' does not match ${type.pattern.join('|')}`,
    };
  }
  return null;
}

function decimalSpec(type: CebSimpleType): string {
  return `N${type.totalDigits ?? ''}${type.fractionDigits !== undefined ? `,${type.fractionDigits}` : ''}`;
}
