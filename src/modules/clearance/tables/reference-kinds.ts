/**
 * The reference tables besides the three clearance tables of `tables.ts`, in the same style (CSV with a header row,
 * column order free, every bad row reported with its line and column in Chinese and English, nothing loaded when any
 * row is bad), and the list of every kind of reference table the platform stores (`reference-tables.ts`). Pure.
 *
 * - customs parameters (海关参数代码表, JGS-20 code sets):  category,code,name_zh,name_en,valid_from,valid_to
 *   category one of `country` (国别（地区）, 3 digits), `currency` (币制, 3 digits), `unit` (计量单位, 3 digits),
 *   `customs` (关区, 4 digits, JGS/T 18), `traf-mode` (运输方式, 1 digit or capital letter); name_zh required,
 *   name_en may be empty; rows of the same category and code must not overlap in time.
 * - public holidays (法定节假日及调休):  date,kind,name
 *   kind `holiday` (a day off of a statutory holiday period, weekends within it included) or `workday` (a weekend day
 *   worked in exchange, 调休上班, which must be a Saturday or a Sunday); one row per date. Days not listed are working
 *   days from Monday to Friday.
 * - export conditions (出口商品监管条件表): parsed in `rules/export/export-conditions-table.ts` (columns there and in
 *   `tables/samples/README.md`).
 */
import type { BusinessDate } from '../../../kernel/time.js';
import { type ExportConditionsTable, parseExportConditions } from '../rules/export/export-conditions-table.js';
import {
  type ClearanceTables,
  type Dated,
  type ExchangeRateTable,
  groupBy,
  overlapErrors,
  type PositiveList,
  parseExchangeRates,
  parsePositiveList,
  parseTariffRates,
  readTable,
  sortErrors,
  type TableError,
  type TableName,
  type TableResult,
  type TariffRateTable,
} from './tables.js';

/** Every kind of reference table, in display order. */
export const REFERENCE_KINDS = [
  'tariff-rates',
  'positive-list',
  'exchange-rates',
  'customs-params',
  'holidays',
  'export-conditions',
] as const satisfies readonly TableName[];
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

export function isReferenceKind(s: string): s is ReferenceKind {
  return (REFERENCE_KINDS as readonly string[]).includes(s);
}

// ---------------------------------------------------------------------------------------------------------------
// Customs parameter codes

export const PARAM_CATEGORIES = ['country', 'currency', 'unit', 'customs', 'traf-mode'] as const;
export type ParamCategory = (typeof PARAM_CATEGORIES)[number];

/** The format of each category's codes (JGS-20; customs districts JGS/T 18). */
export const PARAM_CODE_FORMATS: Record<ParamCategory, { re: RegExp; zh: string; en: string }> = {
  country: { re: /^\d{3}$/, zh: ' 3 位数字（国别（地区）代码，如 142）', en: '3 digits (country code, e.g. 142)' },
  currency: { re: /^\d{3}$/, zh: ' 3 位数字（币制代码，如 142）', en: '3 digits (currency code, e.g. 142)' },
  unit: { re: /^\d{3}$/, zh: ' 3 位数字（计量单位代码，如 007）', en: '3 digits (unit code, e.g. 007)' },
  customs: { re: /^\d{4}$/, zh: ' 4 位数字（关区代码）', en: '4 digits (customs district code)' },
  'traf-mode': {
    re: /^[0-9A-Z]$/,
    zh: ' 1 位数字或大写字母（运输方式代码）',
    en: 'one digit or capital letter (transport mode code)',
  },
};

export interface CustomsParam extends Dated {
  category: ParamCategory;
  code: string;
  nameZh: string;
  /** Empty when the table gives no English name. */
  nameEn: string;
}

export interface CustomsParamTable {
  rows: readonly CustomsParam[];
  /** By `category code` (e.g. `currency 142`). */
  byKey: ReadonlyMap<string, readonly CustomsParam[]>;
}

const paramKey = (category: string, code: string) => `${category} ${code}`;

export function parseCustomsParams(text: string): TableResult<CustomsParamTable> {
  const read = readTable('customs-params', text, (r) => {
    const categoryText = r.required('category');
    const category = (PARAM_CATEGORIES as readonly string[]).includes(categoryText)
      ? (categoryText as ParamCategory)
      : null;
    if (categoryText !== '' && category === null) {
      r.fail(
        'category',
        `category 应为 ${PARAM_CATEGORIES.join('、')} 之一`,
        `category must be one of: ${PARAM_CATEGORIES.join(', ')}`,
        categoryText,
      );
    }
    const code = category
      ? r.pattern(
          'code',
          PARAM_CODE_FORMATS[category].re,
          PARAM_CODE_FORMATS[category].zh,
          PARAM_CODE_FORMATS[category].en,
        )
      : r.required('code');
    const nameZh = r.required('name_zh');
    const period = r.period();
    return {
      category: (category ?? categoryText) as ParamCategory,
      code,
      nameZh,
      nameEn: r.text('name_en'),
      validFrom: period?.validFrom ?? '',
      validTo: period?.validTo ?? null,
      line: r.line,
    };
  });
  const byKey = groupBy(read.rows, (p) => paramKey(p.category, p.code));
  const errors = [...read.errors, ...overlapErrors('customs-params', byKey)];
  return errors.length > 0
    ? { ok: false, errors: sortErrors(errors) }
    : { ok: true, table: { rows: read.rows, byKey } };
}

/** The entry of a code in force on a date, or null when the table does not know the code then. */
export function customsParam(
  table: CustomsParamTable,
  category: ParamCategory,
  code: string,
  date: BusinessDate,
): CustomsParam | null {
  return (
    table.byKey
      .get(paramKey(category, code))
      ?.find((p) => p.validFrom <= date && (p.validTo === null || date <= p.validTo)) ?? null
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Public holidays

export const HOLIDAY_KINDS = ['holiday', 'workday'] as const;
export type HolidayKind = (typeof HOLIDAY_KINDS)[number];

export interface Holiday {
  date: BusinessDate;
  kind: HolidayKind;
  name: string;
  line: number;
}

export interface HolidayTable {
  rows: readonly Holiday[];
  byDate: ReadonlyMap<BusinessDate, Holiday>;
}

const WEEKDAY_ZH = ['日', '一', '二', '三', '四', '五', '六'];
const WEEKDAY_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** 0 = Sunday … 6 = Saturday, for a valid `YYYY-MM-DD`. */
function weekday(date: BusinessDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function parseHolidays(text: string): TableResult<HolidayTable> {
  const read = readTable('holidays', text, (r) => {
    const date = r.date('date') ?? '';
    const kindText = r.required('kind');
    const kind = (HOLIDAY_KINDS as readonly string[]).includes(kindText) ? (kindText as HolidayKind) : null;
    if (kindText !== '' && kind === null) {
      r.fail(
        'kind',
        'kind 应为 holiday（放假）或 workday（调休上班）',
        'kind must be holiday (a day off) or workday (a weekend day worked in exchange)',
        kindText,
      );
    }
    if (kind === 'workday' && date !== '') {
      const d = weekday(date);
      if (d !== 0 && d !== 6) {
        r.fail(
          'date',
          `调休上班日应为周六或周日，${date} 是星期${WEEKDAY_ZH[d]}`,
          `A workday in exchange must be a Saturday or a Sunday; ${date} is a ${WEEKDAY_EN[d]}`,
          date,
        );
      }
    }
    const name = r.required('name');
    return { date, kind: kind ?? 'holiday', name, line: r.line };
  });
  const byDate = new Map<BusinessDate, Holiday>();
  const errors: TableError[] = [...read.errors];
  for (const row of read.rows) {
    const prev = byDate.get(row.date);
    if (prev) {
      errors.push({
        table: 'holidays',
        line: row.line,
        column: 'date',
        value: row.date,
        messageZh: `${row.date} 与第 ${prev.line} 行重复`,
        messageEn: `${row.date} repeats line ${prev.line}`,
      });
    } else byDate.set(row.date, row);
  }
  return errors.length > 0
    ? { ok: false, errors: sortErrors(errors) }
    : { ok: true, table: { rows: read.rows, byDate } };
}

/** Whether a date is a working day: a listed `workday`, or a Monday to Friday that is not a listed `holiday`. */
export function isWorkingDay(table: HolidayTable, date: BusinessDate): boolean {
  const row = table.byDate.get(date);
  if (row) return row.kind === 'workday';
  const d = weekday(date);
  return d !== 0 && d !== 6;
}

/** The first working day on or after a date (a deadline falling on a day off moves to it). */
export function nextWorkingDay(table: HolidayTable, date: BusinessDate): BusinessDate {
  let t = new Date(`${date}T00:00:00Z`).getTime();
  // No holiday period is longer than a few weeks: the bound only guards against a malformed table.
  for (let i = 0; i < 366; i++) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (isWorkingDay(table, d)) return d;
    t += 86_400_000;
  }
  throw new RangeError(`no working day within a year of ${date}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Every kind

/** The parsed table of each kind. */
export interface ParsedReference {
  'tariff-rates': TariffRateTable;
  'positive-list': PositiveList;
  'exchange-rates': ExchangeRateTable;
  'customs-params': CustomsParamTable;
  holidays: HolidayTable;
  'export-conditions': ExportConditionsTable;
}

const PARSERS: { [K in ReferenceKind]: (text: string) => TableResult<ParsedReference[K]> } = {
  'tariff-rates': parseTariffRates,
  'positive-list': parsePositiveList,
  'exchange-rates': parseExchangeRates,
  'customs-params': parseCustomsParams,
  holidays: parseHolidays,
  'export-conditions': parseExportConditions,
};

/** Parses a table of any kind with its parser. */
export function parseReferenceTable<K extends ReferenceKind>(kind: K, text: string): TableResult<ParsedReference[K]> {
  return PARSERS[kind](text);
}

/** Everything the clearance rules read: the three clearance tables, the customs codes, the holidays and the export
 * conditions. */
export interface ReferenceData extends ClearanceTables {
  params: CustomsParamTable;
  holidays: HolidayTable;
  exportConditions: ExportConditionsTable;
}

/** The reference data from one parsed table of each kind. */
export function referenceData(t: ParsedReference): ReferenceData {
  return {
    tariffRates: t['tariff-rates'],
    positiveList: t['positive-list'],
    exchangeRates: t['exchange-rates'],
    params: t['customs-params'],
    holidays: t.holidays,
    exportConditions: t['export-conditions'],
  };
}
