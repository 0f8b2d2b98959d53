/**
 * Overseas warehouses (海外仓) filed on the platform by their operators: what a filing must say and when a
 * warehouse counts for a 9810 export (跨境电子商务出口海外仓) list. Pure: no I/O; the country code table is given.
 *
 * A 9810 list is cleared on the list channel only when its exporter ships to an overseas warehouse filed here and
 * valid on the list's date (platform-decisions.md "Export": "9810 requires a filed overseas warehouse").
 */
import type { BusinessDate } from '../../kernel/time.js';
import { daysBetween } from '../../kernel/time.js';
import type { FilingRole } from './model.js';

/** Who files an overseas warehouse: an overseas-warehouse operator, or an exporter running its own (自营海外仓). */
export const WAREHOUSE_OPERATOR_ROLES: readonly FilingRole[] = ['overseas_warehouse', 'ebc'];

/** The longest validity of one filing (renewed, not left open). */
export const MAX_WAREHOUSE_FILING_DAYS = 5 * 366;

/** HS chapters that exist in HS 2022 (01–97, chapter 77 reserved for future use). */
export function isHsChapter(ch: string): boolean {
  if (!/^\d{2}$/.test(ch)) return false;
  const n = Number(ch);
  return n >= 1 && n <= 97 && n !== 77;
}

export type WarehouseInput = {
  nameCn: string;
  /** Customs country code (JGS-20, 3 digits) of the country the warehouse is in. */
  country: string;
  address: string;
  /** Floor area in square metres, a decimal string. */
  areaM2: string;
  /** The goods it serves: HS chapters (2 digits) or headings (4 digits). */
  goodsCategories: string[];
  validFrom: BusinessDate;
  validTo: BusinessDate;
};

export type WarehouseProblem = { path: string; code: string; zh: string; en: string };

const AREA = /^(?:0|[1-9]\d{0,8})(?:\.\d{1,2})?$/;

/**
 * The problems of a filing, each with its field: the country must be a customs country code in force today (and
 * not China, 142), the area a positive number of at most 9 integer digits and 2 decimals, every category an HS
 * chapter or heading that exists, the period at most {@link MAX_WAREHOUSE_FILING_DAYS} days and not over.
 */
export function warehouseProblems(
  w: WarehouseInput,
  today: BusinessDate,
  knownCountry: (code: string) => boolean,
): WarehouseProblem[] {
  const out: WarehouseProblem[] = [];
  if (w.country === '142') {
    out.push({
      path: 'country',
      code: 'NOT_OVERSEAS',
      zh: '海外仓须位于境外（国别代码 142 为中国）',
      en: 'An overseas warehouse is outside China (country code 142 is China)',
    });
  } else if (!knownCountry(w.country)) {
    out.push({
      path: 'country',
      code: 'UNKNOWN_COUNTRY',
      zh: `国别代码 ${w.country} 不在海关参数表中`,
      en: `Country code ${w.country} is not in the customs parameter table`,
    });
  }
  if (!AREA.test(w.areaM2) || /^0(?:\.0+)?$/.test(w.areaM2)) {
    out.push({
      path: 'areaM2',
      code: 'BAD_AREA',
      zh: '面积应为正数（平方米，至多两位小数）',
      en: 'The area is a positive number of square metres with at most 2 decimals',
    });
  }
  const seen = new Set<string>();
  w.goodsCategories.forEach((c, i) => {
    const ok = /^\d{2}(?:\d{2})?$/.test(c) && isHsChapter(c.slice(0, 2)) && (c.length === 2 || c.slice(2) !== '00');
    if (!ok) {
      out.push({
        path: `goodsCategories.${i}`,
        code: 'BAD_CATEGORY',
        zh: `商品类别 ${c} 不是 HS 章（2 位）或品目（4 位）`,
        en: `Goods category ${c} is not an HS chapter (2 digits) or heading (4 digits)`,
      });
    } else if (seen.has(c)) {
      out.push({
        path: `goodsCategories.${i}`,
        code: 'DUPLICATE_CATEGORY',
        zh: `商品类别 ${c} 重复`,
        en: `Goods category ${c} is listed twice`,
      });
    }
    seen.add(c);
  });
  if (w.validTo < w.validFrom) {
    out.push({
      path: 'validTo',
      code: 'BAD_PERIOD',
      zh: '结束日期早于开始日期',
      en: 'The last day is before the first day',
    });
  } else if (w.validTo < today) {
    out.push({ path: 'validTo', code: 'BAD_PERIOD', zh: '结束日期已过', en: 'The last day has passed' });
  } else if (daysBetween(w.validFrom, w.validTo) > MAX_WAREHOUSE_FILING_DAYS) {
    out.push({
      path: 'validTo',
      code: 'BAD_PERIOD',
      zh: `备案有效期最长 ${MAX_WAREHOUSE_FILING_DAYS} 天，到期请续备`,
      en: `A filing runs at most ${MAX_WAREHOUSE_FILING_DAYS} days; renew it then`,
    });
  }
  return out;
}

/** What the validity rule reads of a filed warehouse. */
export type WarehouseValidity = {
  validFrom: BusinessDate;
  validTo: BusinessDate;
  withdrawnOn: BusinessDate | null;
};

export type WarehouseStatus = 'active' | 'scheduled' | 'expired' | 'withdrawn';

/** Its status on a date: withdrawn from the day of withdrawal on, else by its period (both days inclusive). */
export function warehouseStatusOn(w: WarehouseValidity, on: BusinessDate): WarehouseStatus {
  if (w.withdrawnOn !== null && w.withdrawnOn <= on) return 'withdrawn';
  if (on < w.validFrom) return 'scheduled';
  if (on > w.validTo) return 'expired';
  return 'active';
}

/** Whether the warehouse serves goods of this commodity code: one of its categories is a prefix of the code. */
export function servesGoods(categories: readonly string[], gcode: string): boolean {
  return categories.some((c) => gcode.startsWith(c));
}
