/**
 * Checks one simple value against its generated definition (XSD facets plus the annotated CEB date formats).
 * ceb-messages.md §2.3: decimals are N19,5-style xs:decimal and stay strings end to end; appTime is
 * YYYYMMDDhhmmss, returnTime YYYYMMDDhhmmssSSS, declTime/ieDate YYYYMMDD.
 */
import { checkDecimalText, type DecimalGrammar, fitsGrammar, N19_5 } from '../../../kernel/money.js';
import type { CebSimpleType } from './definition-types.js';

export interface Problem {
  zh: string;
  en: string;
}

const INT = /^[+-]?\d+$/;
const BASE64 = /^[A-Za-z0-9+/=\s]*$/;
const XS_DATE = /^\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$/;
const XS_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * XSD whiteSpace processing; decimal, int and dates always collapse. Only XML white space (space, tab, CR, LF) is
 * collapsed, as XSD says: a full-width or no-break space stays in the value (and is then refused where the type
 * does not allow it, e.g. in a decimal).
 */
export function normalizeValue(value: string, type: CebSimpleType): string {
  const collapse = type.whiteSpace === 'collapse' || type.base !== 'string' || type.dateFormat !== undefined;
  if (collapse) {
    return typeof value === 'string' && isCollapsed(value)
      ? value
      : value.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, '');
  }
  if (type.whiteSpace === 'replace') return value.replace(/[\t\r\n]/g, ' ');
  return value;
}

/**
 * Whether collapsing would leave `value` unchanged (the common case, checked without allocating): no tab, CR or
 * LF, no two spaces in a row, no space first or last.
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
  return value.length === 0 || (value.charCodeAt(0) !== 0x20 && value.charCodeAt(value.length - 1) !== 0x20);
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

/** Digits of the last decimal read by scanDecimal (module state rather than an object per call). */
let scannedTotal = 0;
let scannedFraction = 0;

/**
 * Checks /^[+-]?(\d+(\.\d*)?|\.\d+)$/ and counts the digits as decimalDigits does (into scannedTotal and
 * scannedFraction), in one pass without allocating.
 */
function scanDecimal(value: string): boolean {
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
  if (i !== n || (intEnd === intStart && fracEnd === fracStart)) return false;
  let lead = intStart;
  while (lead < intEnd && value.charCodeAt(lead) === 0x30) lead++;
  let trail = fracEnd;
  while (trail > fracStart && value.charCodeAt(trail - 1) === 0x30) trail--;
  scannedFraction = trail - fracStart;
  scannedTotal = Math.max(1, intEnd - lead + scannedFraction);
  return true;
}

/** The number written by the ASCII digits value[from, from + len). */
function digitsAt(value: string, from: number, len: number): number {
  let v = 0;
  for (let i = from; i < from + len; i++) v = v * 10 + value.charCodeAt(i) - 0x30;
  return v;
}

/** Whether `value` is a valid date/time in `format` (the CEB formats: digits only, calendar checked). */
function dateOk(value: string, format: NonNullable<CebSimpleType['dateFormat']>): boolean {
  if (value.length !== format.length || value.length === 0) return false;
  for (let i = 0; i < value.length; i++) if (!isDigit(value.charCodeAt(i))) return false;
  const month = digitsAt(value, 4, 2);
  const day = digitsAt(value, 6, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  // Every month has 28 days; only later days need the calendar (Date.UTC, as before, including its 1900 + yy
  // reading of the years 0000-0099).
  if (day > 28 && day > new Date(Date.UTC(digitsAt(value, 0, 4), month, 0)).getUTCDate()) return false;
  if (format.length >= 12 && (digitsAt(value, 8, 2) > 23 || digitsAt(value, 10, 2) > 59)) return false;
  if (format.length >= 14 && digitsAt(value, 12, 2) > 59) return false;
  return true;
}

function dateProblem(value: string, format: NonNullable<CebSimpleType['dateFormat']>): Problem | null {
  if (dateOk(value, format)) return null;
  return { zh: `日期时间格式应为${format}`, en: `expected a date/time in the format ${format}` };
}

/** Whether `value` contains a surrogate pair (then it has fewer code points than UTF-16 units). */
function hasSurrogatePair(value: string): boolean {
  for (let i = 0; i < value.length - 1; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) return true;
    }
  }
  return false;
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
      // The one decimal grammar (kernel/money.ts): N19,5 for every CEB decimal; no sign, no space, no exponent.
      const problem = checkDecimalText(value, grammarOf(type));
      if (problem) return { zh: problem.messageZh, en: problem.messageEn };
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

/** The decimal grammar of a type: its totalDigits/fractionDigits, N19,5 where the XSD says nothing. */
function grammarOf(type: CebSimpleType): DecimalGrammar {
  return {
    totalDigits: type.totalDigits ?? N19_5.totalDigits,
    fractionDigits: type.fractionDigits ?? N19_5.fractionDigits,
  };
}

/**
 * The check of a field of this type: valueProblem(normalizeValue(value, type), type), with a fast path that accepts
 * the ordinary valid values without normalising or allocating (anything else, and every problem, goes through
 * valueProblem, which stays the one definition of the rules and messages). Compiled once per type.
 */
export function fieldCheck(type: CebSimpleType): (value: string) => Problem | null {
  let check = fieldChecks.get(type);
  if (!check) {
    const fast = fastAccept(type);
    check = fast
      ? (value) => (fast(value) ? null : valueProblem(normalizeValue(value, type), type))
      : (value) => valueProblem(normalizeValue(value, type), type);
    fieldChecks.set(type, check);
  }
  return check;
}

const fieldChecks = new WeakMap<CebSimpleType, (value: string) => Problem | null>();

/**
 * A predicate that is true only for values that valueProblem(normalizeValue(value, type), type) accepts (false
 * means "not sure"), for the facets the CEB schemas use; null for the other types.
 */
function fastAccept(type: CebSimpleType): ((value: string) => boolean) | null {
  if (type.fixed !== undefined || type.enumeration || type.pattern || type.whiteSpace === 'replace') return null;
  const { totalDigits } = type;
  switch (type.base) {
    case 'decimal':
      // A decimal of the grammar has no white space, so normalising leaves it as it is.
      if (type.dateFormat) return null;
      {
        const grammar = grammarOf(type);
        return (value) => fitsGrammar(value, grammar);
      }
    case 'int':
      if (type.dateFormat) return null;
      // Up to 9 digits is always a 32-bit integer; scanDecimal counts the digits as decimalDigits does.
      return (value) =>
        INT.test(value) &&
        value.length <= 9 &&
        scanDecimal(value) &&
        (totalDigits === undefined || scannedTotal <= totalDigits);
    case 'string':
    case 'ID': {
      const { length, maxLength, minLength, dateFormat } = type;
      const collapse = type.whiteSpace === 'collapse' || type.base !== 'string' || dateFormat !== undefined;
      return (value) => {
        if (collapse && !isCollapsed(value)) return false;
        // value.length counts UTF-16 units: the code points are as many without surrogate pairs, and at least half.
        const units = value.length;
        if (maxLength !== undefined && units > maxLength) return false;
        if (length !== undefined && (units !== length || hasSurrogatePair(value))) return false;
        if (minLength !== undefined && units < 2 * minLength && (units < minLength || hasSurrogatePair(value))) {
          return false;
        }
        return dateFormat === undefined || dateOk(value, dateFormat);
      };
    }
    default:
      return null;
  }
}
