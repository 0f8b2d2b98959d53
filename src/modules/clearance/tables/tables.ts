/**
 * The dated data tables of retail import clearance, loaded by operators from CSV (platform-decisions.md: HS tariff
 * rates, VAT and consumption-tax rates, the retail-import positive list and the customs monthly exchange rates are
 * dated tables). Pure: parsing from text and lookups over parsed tables; reading files is `table-files.ts`.
 *
 * Formats (header row required; column order free; extra or missing columns are errors; values are trimmed;
 * dates `YYYY-MM-DD`, `valid_to` inclusive and empty for open-ended; rates as decimals, 0.13 for 13%):
 *
 * - tariff rates:   hs_code,valid_from,valid_to,mfn_rate,vat_rate,consumption_tax_rate,consumption_tax_rule
 *                   hs_code has 10 digits, or 8 to cover every 10-digit code under that tariff line (a 10-digit row
 *                   wins); consumption_tax_rule is empty (CT always applies when its rate is > 0) or `cosmetics`.
 * - positive list:  hs8,valid_from,valid_to,name,note,trade_modes,annual_qty_cap,cap_unit
 *                   trade_modes empty for every mode, else `1210`, `9610` or both separated by `|`;
 *                   annual_qty_cap (per person per year) and cap_unit are both given or both empty.
 * - exchange rates: currency,month,units,rate_to_cny,fixing_date,source
 *                   currency ISO 4217 alphabetic (USD); month `YYYY-MM` the rate applies to; rate_to_cny RMB for
 *                   `units` units of the currency (1, or 100 for JPY and the like); fixing_date the CFETS fixing used,
 *                   which must fall in the previous month on or after its third Wednesday (empty if not recorded);
 *                   source says where the figure comes from.
 *
 * Rows of the same key (hs_code; hs8; currency + month) must not overlap in time. Every bad row is reported with
 * its line and column, in Chinese and English, and a table with any error is not loaded.
 *
 * The other reference tables (customs parameter codes, public holidays; the export conditions) share the column list,
 * the reader and the error shape exported here; their parsers are in `reference-kinds.ts` (the export conditions':
 * `rules/export/export-conditions-table.ts`).
 */
import { Decimal } from '../../../kernel/money.js';
import {
  type BusinessDate,
  isBusinessDate,
  isBusinessMonth,
  monthOf,
  previousMonth,
  thirdWednesday,
} from '../../../kernel/time.js';
import { CONSUMPTION_TAX_RULES, type ConsumptionTaxRule, type GoodsRates } from '../rules/import/tax.js';
import { parseCsv } from './csv.js';

export const TRADE_MODES = ['9610', '1210'] as const;
export type TradeMode = (typeof TRADE_MODES)[number];

export const TABLE_COLUMNS = {
  'tariff-rates': [
    'hs_code',
    'valid_from',
    'valid_to',
    'mfn_rate',
    'vat_rate',
    'consumption_tax_rate',
    'consumption_tax_rule',
  ],
  'positive-list': ['hs8', 'valid_from', 'valid_to', 'name', 'note', 'trade_modes', 'annual_qty_cap', 'cap_unit'],
  'exchange-rates': ['currency', 'month', 'units', 'rate_to_cny', 'fixing_date', 'source'],
  // parsed in reference-kinds.ts
  'customs-params': ['category', 'code', 'name_zh', 'name_en', 'valid_from', 'valid_to'],
  holidays: ['date', 'kind', 'name'],
  // parsed in rules/export/export-conditions-table.ts
  'export-conditions': [
    'hs_code',
    'valid_from',
    'valid_to',
    'needs_licence',
    'needs_inspection',
    'export_duty',
    'export_refund',
    'name',
    'note',
  ],
} as const;
export type TableName = keyof typeof TABLE_COLUMNS;

export const TABLE_NAMES: Record<TableName, { zh: string; en: string }> = {
  'tariff-rates': { zh: '税率表', en: 'tariff-rate table' },
  'positive-list': { zh: '跨境电子商务零售进口商品清单', en: 'retail-import positive list' },
  'exchange-rates': { zh: '计征汇率表', en: 'customs exchange-rate table' },
  'customs-params': { zh: '海关参数代码表', en: 'customs parameter code table' },
  holidays: { zh: '法定节假日及调休表', en: 'public-holiday table' },
  'export-conditions': { zh: '出口商品监管条件表', en: 'export-conditions table' },
};

export interface TableError {
  table: TableName;
  line: number;
  /** The column at fault, or null for the whole row or file. */
  column: string | null;
  value?: string;
  messageZh: string;
  messageEn: string;
}

export type TableResult<T> = { ok: true; table: T } | { ok: false; errors: TableError[] };

export interface Dated {
  validFrom: BusinessDate;
  validTo: BusinessDate | null;
  /** Line of the CSV file the row came from. */
  line: number;
}

export interface TariffRate extends Dated {
  hsCode: string;
  rates: GoodsRates;
}

export interface PositiveListEntry extends Dated {
  hs8: string;
  name: string;
  note: string;
  /** Empty: every retail-import mode. */
  tradeModes: TradeMode[];
  annualQtyCap: { quantity: Decimal; unit: string } | null;
}

export interface ExchangeRate {
  currency: string;
  month: string;
  units: Decimal;
  rateToCny: Decimal;
  /** RMB per one unit of the currency (rate_to_cny / units, exact). */
  perUnit: Decimal;
  fixingDate: BusinessDate | null;
  source: string;
  line: number;
}

export interface TariffRateTable {
  rows: readonly TariffRate[];
  byCode: ReadonlyMap<string, readonly TariffRate[]>;
}
export interface PositiveList {
  rows: readonly PositiveListEntry[];
  byCode: ReadonlyMap<string, readonly PositiveListEntry[]>;
}
export interface ExchangeRateTable {
  rows: readonly ExchangeRate[];
  byKey: ReadonlyMap<string, ExchangeRate>;
}

export interface ClearanceTables {
  tariffRates: TariffRateTable;
  positiveList: PositiveList;
  exchangeRates: ExchangeRateTable;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a table

/** One data row being read: typed field readers that record every problem instead of stopping at the first. */
export class RowReader {
  readonly errors: TableError[] = [];
  constructor(
    private readonly table: TableName,
    readonly line: number,
    private readonly values: ReadonlyMap<string, string>,
  ) {}

  fail(column: string | null, messageZh: string, messageEn: string, value?: string): void {
    this.errors.push({
      table: this.table,
      line: this.line,
      column,
      ...(value !== undefined ? { value } : {}),
      messageZh,
      messageEn,
    });
  }

  text(column: string): string {
    return this.values.get(column) ?? '';
  }

  required(column: string): string {
    const v = this.text(column);
    if (v === '') this.fail(column, `${column} 不能为空`, `${column} is required`);
    return v;
  }

  pattern(column: string, re: RegExp, zh: string, en: string): string {
    const v = this.required(column);
    if (v !== '' && !re.test(v)) this.fail(column, `${column} 应为${zh}`, `${column} must be ${en}`, v);
    return v;
  }

  date(column: string, optional = false): BusinessDate | null {
    const v = optional ? this.text(column) : this.required(column);
    if (v === '') return null;
    if (!isBusinessDate(v)) {
      this.fail(column, `${column} 应为有效日期 YYYY-MM-DD`, `${column} must be a real date YYYY-MM-DD`, v);
      return null;
    }
    return v;
  }

  decimal(column: string, optional = false): Decimal | null {
    const v = optional ? this.text(column) : this.required(column);
    if (v === '') return null;
    const parsed = Decimal.tryParse(v);
    if (!parsed.ok) {
      const percent = /^\d+(?:\.\d+)?%$/.test(v);
      this.fail(
        column,
        percent ? `${column} 应写小数（如 0.13），不写百分号` : `${column}：${parsed.messageZh}`,
        percent ? `${column}: write rates as decimals (0.13), not percentages` : `${column}: ${parsed.messageEn}`,
        v,
      );
      return null;
    }
    return parsed.value;
  }

  /** A rate in [0, max]: `max` inclusive unless `belowMax`. */
  rate(column: string, max: Decimal, belowMax: boolean): Decimal | null {
    const d = this.decimal(column);
    if (d === null) return null;
    const over = belowMax ? d.gte(max) : d.gt(max);
    if (d.isNegative() || over) {
      const range = `[0, ${max}${belowMax ? ')' : ']'}`;
      const hint = d.gt(Decimal.ONE) ? '（税率写小数，13% 写作 0.13）' : '';
      const hintEn = d.gt(Decimal.ONE) ? ' (rates are decimals: 13% is 0.13)' : '';
      this.fail(column, `${column} 应在 ${range} 之间${hint}`, `${column} must be in ${range}${hintEn}`, d.toString());
      return null;
    }
    return d;
  }

  period(): { validFrom: BusinessDate; validTo: BusinessDate | null } | null {
    const validFrom = this.date('valid_from');
    const validTo = this.date('valid_to', true);
    if (validFrom !== null && validTo !== null && validTo < validFrom) {
      this.fail('valid_to', 'valid_to 早于 valid_from', 'valid_to is before valid_from', validTo);
    }
    return validFrom === null ? null : { validFrom, validTo };
  }
}

export function readTable<T>(
  table: TableName,
  text: string,
  readRow: (row: RowReader) => T,
): { rows: T[]; lines: number[]; errors: TableError[] } {
  const columns: readonly string[] = TABLE_COLUMNS[table];
  const { records, problems } = parseCsv(text);
  const errors: TableError[] = problems.map((p) => ({
    table,
    line: p.line,
    column: null,
    messageZh: `CSV 格式错误：${p.messageZh}`,
    messageEn: `Malformed CSV: ${p.messageEn}`,
  }));
  const header = records[0];
  if (!header) {
    errors.push({
      table,
      line: 1,
      column: null,
      messageZh: `文件为空，应有标题行：${columns.join(',')}`,
      messageEn: `The file is empty; expected the header ${columns.join(',')}`,
    });
    return { rows: [], lines: [], errors };
  }
  const names = header.fields.map((f) => f.trim());
  const headerError = (column: string | null, zh: string, en: string) =>
    errors.push({ table, line: header.line, column, messageZh: zh, messageEn: en });
  names.forEach((n, i) => {
    if (!columns.includes(n)) {
      headerError(n || null, `未知列“${n}”（第${i + 1}列）`, `Unknown column "${n}" (column ${i + 1})`);
    } else if (names.indexOf(n) !== i) {
      headerError(n, `列“${n}”重复`, `Column "${n}" appears twice`);
    }
  });
  for (const c of columns) {
    if (!names.includes(c)) headerError(c, `缺少列“${c}”`, `Missing column "${c}"`);
  }
  if (errors.some((e) => e.line === header.line)) {
    headerError(null, `标题行应为：${columns.join(',')}`, `The header must be: ${columns.join(',')}`);
    return { rows: [], lines: [], errors };
  }

  const rows: T[] = [];
  const lines: number[] = [];
  for (const record of records.slice(1)) {
    if (record.fields.length !== names.length) {
      errors.push({
        table,
        line: record.line,
        column: null,
        messageZh: `应有 ${names.length} 个字段，实有 ${record.fields.length} 个`,
        messageEn: `Expected ${names.length} fields, found ${record.fields.length}`,
      });
      continue;
    }
    const values = new Map(names.map((n, i) => [n, record.fields[i]!.trim()]));
    const reader = new RowReader(table, record.line, values);
    const row = readRow(reader);
    if (reader.errors.length > 0) errors.push(...reader.errors);
    else {
      rows.push(row);
      lines.push(record.line);
    }
  }
  return { rows, lines, errors };
}

/** Rows of one key must not overlap in time: each later row is reported against the one it overlaps. */
export function overlapErrors<T extends Dated>(
  table: TableName,
  groups: ReadonlyMap<string, readonly T[]>,
): TableError[] {
  const errors: TableError[] = [];
  for (const [key, rows] of groups) {
    const sorted = [...rows].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      const row = sorted[i]!;
      if (prev.validTo === null || prev.validTo >= row.validFrom) {
        errors.push({
          table,
          line: row.line,
          column: 'valid_from',
          value: row.validFrom,
          messageZh: `${key} 的有效期与第 ${prev.line} 行重叠`,
          messageEn: `${key}: the validity period overlaps line ${prev.line}`,
        });
      }
    }
  }
  return errors;
}

export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

const ONE = Decimal.ONE;

// ---------------------------------------------------------------------------------------------------------------
// The three tables

export function parseTariffRates(text: string): TableResult<TariffRateTable> {
  const read = readTable('tariff-rates', text, (r) => {
    const hsCode = r.pattern('hs_code', /^(?:\d{8}|\d{10})$/, ' 8 位或 10 位数字', '8 or 10 digits');
    const period = r.period();
    const mfnRate = r.rate('mfn_rate', ONE, false);
    const vatRate = r.rate('vat_rate', ONE, true);
    const consumptionTaxRate = r.rate('consumption_tax_rate', ONE, true);
    const ruleText = r.text('consumption_tax_rule');
    const rule = ruleText === '' ? null : (ruleText as ConsumptionTaxRule);
    if (rule !== null && !CONSUMPTION_TAX_RULES.includes(rule)) {
      r.fail(
        'consumption_tax_rule',
        `consumption_tax_rule 应为空或 ${CONSUMPTION_TAX_RULES.join('、')}`,
        `consumption_tax_rule must be empty or one of: ${CONSUMPTION_TAX_RULES.join(', ')}`,
        ruleText,
      );
    } else if (rule !== null && consumptionTaxRate?.isZero()) {
      r.fail(
        'consumption_tax_rule',
        `消费税税率为 0 时不应设置规则 ${rule}`,
        `A consumption-tax rule (${rule}) needs a consumption-tax rate above 0`,
        ruleText,
      );
    }
    return {
      hsCode,
      validFrom: period?.validFrom ?? '',
      validTo: period?.validTo ?? null,
      line: r.line,
      rates: {
        mfnRate: mfnRate ?? Decimal.ZERO,
        vatRate: vatRate ?? Decimal.ZERO,
        consumptionTaxRate: consumptionTaxRate ?? Decimal.ZERO,
        consumptionTaxRule: rule,
      },
    };
  });
  const byCode = groupBy(read.rows, (r) => r.hsCode);
  const errors = [...read.errors, ...overlapErrors('tariff-rates', byCode)];
  return errors.length > 0
    ? { ok: false, errors: sortErrors(errors) }
    : { ok: true, table: { rows: read.rows, byCode } };
}

export function parsePositiveList(text: string): TableResult<PositiveList> {
  const read = readTable('positive-list', text, (r) => {
    const hs8 = r.pattern('hs8', /^\d{8}$/, ' 8 位数字（税则号列）', '8 digits (the tariff line)');
    const period = r.period();
    const name = r.required('name');
    const modesText = r.text('trade_modes');
    const tokens = modesText === '' ? [] : modesText.split(/\s*\|\s*/);
    const tradeModes: TradeMode[] = [];
    for (const t of tokens) {
      if ((TRADE_MODES as readonly string[]).includes(t)) tradeModes.push(t as TradeMode);
      else {
        r.fail(
          'trade_modes',
          `trade_modes 应为空或 9610、1210（多个用 | 分隔）`,
          'trade_modes must be empty, or 9610 and/or 1210 separated by |',
          modesText,
        );
        break;
      }
    }
    const cap = r.decimal('annual_qty_cap', true);
    const unit = r.text('cap_unit');
    if (cap !== null && !cap.isPositive()) {
      r.fail('annual_qty_cap', 'annual_qty_cap 应为正数', 'annual_qty_cap must be positive', cap.toString());
    }
    if (cap !== null && unit === '') {
      r.fail('cap_unit', '有年度数量上限时必须填写 cap_unit', 'cap_unit is required with annual_qty_cap');
    }
    if (cap === null && unit !== '' && r.text('annual_qty_cap') === '') {
      r.fail('annual_qty_cap', '填写了 cap_unit 但没有 annual_qty_cap', 'cap_unit is given without annual_qty_cap');
    }
    return {
      hs8,
      validFrom: period?.validFrom ?? '',
      validTo: period?.validTo ?? null,
      line: r.line,
      name,
      note: r.text('note'),
      tradeModes,
      annualQtyCap: cap !== null && unit !== '' ? { quantity: cap, unit } : null,
    };
  });
  const byCode = groupBy(read.rows, (r) => r.hs8);
  const errors = [...read.errors, ...overlapErrors('positive-list', byCode)];
  return errors.length > 0
    ? { ok: false, errors: sortErrors(errors) }
    : { ok: true, table: { rows: read.rows, byCode } };
}

export function parseExchangeRates(text: string): TableResult<ExchangeRateTable> {
  const read = readTable('exchange-rates', text, (r) => {
    const currency = r.pattern(
      'currency',
      /^[A-Z]{3}$/,
      ' 3 位大写字母（ISO 4217，如 USD）',
      '3 capital letters (ISO 4217, e.g. USD)',
    );
    if (currency === 'CNY') r.fail('currency', '人民币不需要汇率', 'CNY needs no rate', currency);
    const month = r.required('month');
    if (month !== '' && !isBusinessMonth(month)) {
      r.fail('month', 'month 应为 YYYY-MM', 'month must be YYYY-MM', month);
    }
    const unitsText = r.text('units');
    const units = unitsText === '' ? ONE : r.decimal('units');
    if (units !== null && !/^10*$/.test(units.toString())) {
      r.fail('units', 'units 应为 1、10、100 等', 'units must be 1, 10, 100…', unitsText);
    }
    const rateToCny = r.decimal('rate_to_cny');
    if (rateToCny !== null && !rateToCny.isPositive()) {
      r.fail('rate_to_cny', 'rate_to_cny 应为正数', 'rate_to_cny must be positive', rateToCny.toString());
    }
    const fixingDate = r.date('fixing_date', true);
    if (fixingDate !== null && isBusinessMonth(month)) {
      const prev = previousMonth(month);
      const earliest = thirdWednesday(prev);
      if (monthOf(fixingDate) !== prev || fixingDate < earliest) {
        r.fail(
          'fixing_date',
          `${month} 的计征汇率应取上月第三个星期三（${earliest}，非交易日顺延）的中间价`,
          `The rate for ${month} is the CFETS central parity of the previous month's third Wednesday (${earliest}, or the next trading day)`,
          fixingDate,
        );
      }
    }
    const source = r.required('source');
    const perUnit =
      rateToCny && units?.isPositive() ? (rateToCny.toRatio().div(units).toDecimal() ?? rateToCny) : Decimal.ZERO;
    return {
      currency,
      month,
      units: units ?? ONE,
      rateToCny: rateToCny ?? Decimal.ZERO,
      perUnit,
      fixingDate,
      source,
      line: r.line,
    };
  });
  const byKey = new Map<string, ExchangeRate>();
  const errors = [...read.errors];
  for (const row of read.rows) {
    const key = `${row.currency} ${row.month}`;
    const prev = byKey.get(key);
    if (prev) {
      errors.push({
        table: 'exchange-rates',
        line: row.line,
        column: 'month',
        value: row.month,
        messageZh: `${key} 与第 ${prev.line} 行重复`,
        messageEn: `${key} repeats line ${prev.line}`,
      });
    } else byKey.set(key, row);
  }
  return errors.length > 0
    ? { ok: false, errors: sortErrors(errors) }
    : { ok: true, table: { rows: read.rows, byKey } };
}

export function sortErrors(errors: TableError[]): TableError[] {
  return errors.sort((a, b) => a.line - b.line);
}

export interface TableTexts {
  tariffRates: string;
  positiveList: string;
  exchangeRates: string;
}

/** All three tables, or every error of every table. */
export function parseClearanceTables(texts: TableTexts): TableResult<ClearanceTables> {
  const tariffRates = parseTariffRates(texts.tariffRates);
  const positiveList = parsePositiveList(texts.positiveList);
  const exchangeRates = parseExchangeRates(texts.exchangeRates);
  if (tariffRates.ok && positiveList.ok && exchangeRates.ok) {
    return {
      ok: true,
      table: { tariffRates: tariffRates.table, positiveList: positiveList.table, exchangeRates: exchangeRates.table },
    };
  }
  const errors = [tariffRates, positiveList, exchangeRates].flatMap((r) => (r.ok ? [] : r.errors));
  return { ok: false, errors };
}

/** "tariff-rates.csv line 4, column vat_rate: …" in one language. */
export function formatTableError(e: TableError, lang: 'zh' | 'en'): string {
  if (lang === 'zh') {
    const where = `${TABLE_NAMES[e.table].zh} 第 ${e.line} 行${e.column ? `，列 ${e.column}` : ''}`;
    return `${where}：${e.messageZh}${e.value !== undefined ? `（值：${e.value}）` : ''}`;
  }
  const where = `${TABLE_NAMES[e.table].en} line ${e.line}${e.column ? `, column ${e.column}` : ''}`;
  return `${where}: ${e.messageEn}${e.value !== undefined ? ` (value: ${e.value})` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Lookups

function inForce<T extends Dated>(rows: readonly T[] | undefined, date: BusinessDate): T | null {
  return rows?.find((r) => r.validFrom <= date && (r.validTo === null || date <= r.validTo)) ?? null;
}

/** The rates of a 10-digit commodity code on a date: its own row, else its 8-digit tariff line's; null if none. */
export function rateFor(
  tables: Pick<ClearanceTables, 'tariffRates'>,
  hs10: string,
  date: BusinessDate,
): TariffRate | null {
  const byCode = tables.tariffRates.byCode;
  return inForce(byCode.get(hs10), date) ?? inForce(byCode.get(hs10.slice(0, 8)), date);
}

export type PositiveListLookup =
  | { status: 'listed'; entry: PositiveListEntry }
  /** On the list, but only for other trade modes (e.g. seafood: 1210 only). */
  | { status: 'mode-not-allowed'; entry: PositiveListEntry }
  | { status: 'not-listed' };

/**
 * The positive-list entry of a commodity code (its first 8 digits, the 税则号列) on a date for a trade mode.
 * Without a trade mode, any mode will do (an estimate before the mode is known).
 */
export function positiveListEntry(
  tables: Pick<ClearanceTables, 'positiveList'>,
  hsCode: string,
  date: BusinessDate,
  tradeMode?: TradeMode,
): PositiveListLookup {
  const entry = inForce(tables.positiveList.byCode.get(hsCode.slice(0, 8)), date);
  if (!entry) return { status: 'not-listed' };
  if (tradeMode && entry.tradeModes.length > 0 && !entry.tradeModes.includes(tradeMode)) {
    return { status: 'mode-not-allowed', entry };
  }
  return { status: 'listed', entry };
}

const CNY_RATE: ExchangeRate = {
  currency: 'CNY',
  month: '',
  units: ONE,
  rateToCny: ONE,
  perUnit: ONE,
  fixingDate: null,
  source: 'RMB',
  line: 0,
};

/** The customs rate for a currency in force on a date (the rate of the date's month); CNY is 1; null if none. */
export function exchangeRate(
  tables: Pick<ClearanceTables, 'exchangeRates'>,
  currency: string,
  date: BusinessDate,
): ExchangeRate | null {
  if (currency === 'CNY') return CNY_RATE;
  return tables.exchangeRates.byKey.get(`${currency} ${monthOf(date)}`) ?? null;
}
