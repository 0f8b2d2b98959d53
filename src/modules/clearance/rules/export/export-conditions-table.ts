/**
 * The reference table of the export conditions of commodity codes (出口商品监管条件表), dated, in the style of
 * the other kinds (tables.ts, reference-kinds.ts): CSV with a header row, column order free, values trimmed, every
 * bad row reported with its line and column in Chinese and English, nothing loaded when any row is bad.
 *
 *   hs_code,valid_from,valid_to,needs_licence,needs_inspection,export_duty,export_refund,name,note
 *
 * - hs_code: 4 to 10 digits; a row covers every code that starts with it (prefix match: 8543 covers 8543709990);
 *   the longest prefix in force on a date wins for a full code.
 * - needs_licence (涉及出口许可证), needs_inspection (法定检验, 涉检), export_duty (征出口关税), export_refund (享受出口
 *   退税): `Y` or `N`.
 * - valid_from, valid_to: `YYYY-MM-DD`, inclusive, valid_to empty for open-ended; rows of one hs_code must not
 *   overlap in time.
 * - name: the goods (required); note: free text (the shipped sample says SAMPLE in every note).
 *
 * The kind is `export-conditions` (`REFERENCE_KINDS`, `TABLE_COLUMNS`, `TABLE_NAMES`): stored, seeded from
 * `tables/samples/export-conditions.csv` (or CBEC_TABLES_DIR) and imported like the others; errors are `TableError`s,
 * formatted by `formatTableError`. Pure.
 */
import type { BusinessDate } from '../../../../kernel/time.js';
import { type Dated, groupBy, overlapErrors, readTable, sortErrors, type TableResult } from '../../tables/tables.js';

/** The conditions, in the order a refusal names them. */
export const EXPORT_CONDITIONS = ['needsLicence', 'needsInspection', 'exportDuty', 'exportRefund'] as const;
export type ExportCondition = (typeof EXPORT_CONDITIONS)[number];
export const EXPORT_CONDITION_NAMES: Record<ExportCondition, { column: string; zh: string; en: string }> = {
  needsLicence: { column: 'needs_licence', zh: '涉及出口许可证', en: 'needs an export licence' },
  needsInspection: { column: 'needs_inspection', zh: '涉及法定检验（涉检）', en: 'needs statutory inspection (法检)' },
  exportDuty: { column: 'export_duty', zh: '征收出口关税', en: 'carries export duty' },
  exportRefund: { column: 'export_refund', zh: '享受出口退税', en: 'claims an export tax refund' },
};

export interface ExportConditionsRow extends Dated, Record<ExportCondition, boolean> {
  hsCode: string;
  name: string;
  note: string;
}

export interface ExportConditionsTable {
  rows: readonly ExportConditionsRow[];
  byCode: ReadonlyMap<string, readonly ExportConditionsRow[]>;
}

export function parseExportConditions(text: string): TableResult<ExportConditionsTable> {
  const read = readTable('export-conditions', text, (r): ExportConditionsRow => {
    const hsCode = r.pattern(
      'hs_code',
      /^\d{4,10}$/,
      ' 4 至 10 位数字（按前缀匹配）',
      '4 to 10 digits (matched as a prefix)',
    );
    const period = r.period();
    const flag = (c: ExportCondition): boolean => {
      const column = EXPORT_CONDITION_NAMES[c].column;
      const v = r.required(column);
      if (v !== '' && v !== 'Y' && v !== 'N') r.fail(column, `${column} 应为 Y 或 N`, `${column} must be Y or N`, v);
      return v === 'Y';
    };
    return {
      hsCode,
      validFrom: period?.validFrom ?? '',
      validTo: period?.validTo ?? null,
      needsLicence: flag('needsLicence'),
      needsInspection: flag('needsInspection'),
      exportDuty: flag('exportDuty'),
      exportRefund: flag('exportRefund'),
      name: r.required('name'),
      note: r.text('note'),
      line: r.line,
    };
  });
  const byCode = groupBy(read.rows, (r) => r.hsCode);
  const errors = [...read.errors, ...overlapErrors('export-conditions', byCode)];
  return errors.length > 0
    ? { ok: false, errors: sortErrors(errors) }
    : { ok: true, table: { rows: read.rows, byCode } };
}

const inForce = (r: ExportConditionsRow, date: BusinessDate) =>
  r.validFrom <= date && (r.validTo === null || date <= r.validTo);

/** The row in force on a date whose hs_code is the longest prefix of `code`; null when none covers it. */
export function conditionsFor(
  table: ExportConditionsTable,
  code: string,
  date: BusinessDate,
): ExportConditionsRow | null {
  for (let n = Math.min(code.length, 10); n >= 4; n--) {
    const row = table.byCode.get(code.slice(0, n))?.find((r) => inForce(r, date));
    if (row) return row;
  }
  return null;
}

/**
 * Every row in force on a date that concerns a (possibly shortened) code: the row covering it (its longest prefix in
 * force, as `conditionsFor`) and the rows under it (longer codes that extend it: a 4-digit heading concerns all its
 * 10-digit codes).
 */
export function rowsConcerning(table: ExportConditionsTable, code: string, date: BusinessDate): ExportConditionsRow[] {
  const cover = conditionsFor(table, code, date);
  const under = table.rows.filter(
    (r) => r.hsCode.length > code.length && r.hsCode.startsWith(code) && inForce(r, date),
  );
  return cover ? [cover, ...under] : under;
}
