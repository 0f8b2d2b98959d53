/**
 * A new reference-table kind: the export conditions of commodity codes (出口商品监管条件表), dated, in the style of
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
 * Wiring: the kind is `export-conditions`. At merge it joins `TABLE_COLUMNS`, `TABLE_NAMES` and `REFERENCE_KINDS`;
 * until then this parser reads the CSV with the same reader (`csv.ts` parseCsv, `tables.ts` RowReader), and checks
 * the header itself because `readTable` only knows the columns of `TABLE_COLUMNS`. Pure.
 */
import type { BusinessDate } from '../../../../kernel/time.js';
import { parseCsv } from '../../tables/csv.js';
import { type Dated, groupBy, RowReader, type TableError, type TableName } from '../../tables/tables.js';

export const EXPORT_CONDITIONS_KIND = 'export-conditions' as const;
export const EXPORT_CONDITIONS_COLUMNS = [
  'hs_code',
  'valid_from',
  'valid_to',
  'needs_licence',
  'needs_inspection',
  'export_duty',
  'export_refund',
  'name',
  'note',
] as const;
export const EXPORT_CONDITIONS_NAME = { zh: '出口商品监管条件表', en: 'export-conditions table' };

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

/** The error shape of the other kinds, with this kind's name. */
export type ExportConditionsError = Omit<TableError, 'table'> & { table: typeof EXPORT_CONDITIONS_KIND };
export type ExportConditionsResult =
  | { ok: true; table: ExportConditionsTable }
  | { ok: false; errors: ExportConditionsError[] };

const KIND = EXPORT_CONDITIONS_KIND;

export function parseExportConditions(text: string): ExportConditionsResult {
  const columns: readonly string[] = EXPORT_CONDITIONS_COLUMNS;
  const { records, problems } = parseCsv(text);
  const errors: ExportConditionsError[] = problems.map((p) => ({
    table: KIND,
    line: p.line,
    column: null,
    messageZh: `CSV 格式错误：${p.messageZh}`,
    messageEn: `Malformed CSV: ${p.messageEn}`,
  }));
  const header = records[0];
  if (!header) {
    errors.push({
      table: KIND,
      line: 1,
      column: null,
      messageZh: `文件为空，应有标题行：${columns.join(',')}`,
      messageEn: `The file is empty; expected the header ${columns.join(',')}`,
    });
    return { ok: false, errors };
  }
  const names = header.fields.map((f) => f.trim());
  const headerError = (column: string | null, messageZh: string, messageEn: string) =>
    errors.push({ table: KIND, line: header.line, column, messageZh, messageEn });
  names.forEach((n, i) => {
    if (!columns.includes(n))
      headerError(n || null, `未知列“${n}”（第${i + 1}列）`, `Unknown column "${n}" (column ${i + 1})`);
    else if (names.indexOf(n) !== i) headerError(n, `列“${n}”重复`, `Column "${n}" appears twice`);
  });
  for (const c of columns) if (!names.includes(c)) headerError(c, `缺少列“${c}”`, `Missing column "${c}"`);
  if (errors.some((e) => e.line === header.line)) {
    headerError(null, `标题行应为：${columns.join(',')}`, `The header must be: ${columns.join(',')}`);
    return { ok: false, errors };
  }

  const rows: ExportConditionsRow[] = [];
  for (const record of records.slice(1)) {
    if (record.fields.length !== names.length) {
      errors.push({
        table: KIND,
        line: record.line,
        column: null,
        messageZh: `应有 ${names.length} 个字段，实有 ${record.fields.length} 个`,
        messageEn: `Expected ${names.length} fields, found ${record.fields.length}`,
      });
      continue;
    }
    const values = new Map(names.map((n, i) => [n, record.fields[i]!.trim()]));
    // The reader only stores the table name in its errors; they are re-labelled below.
    const r = new RowReader(KIND as unknown as TableName, record.line, values);
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
    const row: ExportConditionsRow = {
      hsCode,
      validFrom: period?.validFrom ?? '',
      validTo: period?.validTo ?? null,
      needsLicence: flag('needsLicence'),
      needsInspection: flag('needsInspection'),
      exportDuty: flag('exportDuty'),
      exportRefund: flag('exportRefund'),
      name: r.required('name'),
      note: r.text('note'),
      line: record.line,
    };
    if (r.errors.length > 0) errors.push(...r.errors.map((e): ExportConditionsError => ({ ...e, table: KIND })));
    else rows.push(row);
  }
  const byCode = groupBy(rows, (r) => r.hsCode);
  for (const [code, group] of byCode) {
    const sorted = [...group].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      const row = sorted[i]!;
      if (prev.validTo === null || prev.validTo >= row.validFrom) {
        errors.push({
          table: KIND,
          line: row.line,
          column: 'valid_from',
          value: row.validFrom,
          messageZh: `${code} 的有效期与第 ${prev.line} 行重叠`,
          messageEn: `${code}: the validity period overlaps line ${prev.line}`,
        });
      }
    }
  }
  return errors.length > 0
    ? { ok: false, errors: errors.sort((a, b) => a.line - b.line) }
    : { ok: true, table: { rows, byCode } };
}

/** "export-conditions table line 4, column export_duty: …" in one language (tables.ts formatTableError's form). */
export function formatExportConditionsError(e: ExportConditionsError, lang: 'zh' | 'en'): string {
  if (lang === 'zh') {
    const where = `${EXPORT_CONDITIONS_NAME.zh} 第 ${e.line} 行${e.column ? `，列 ${e.column}` : ''}`;
    return `${where}：${e.messageZh}${e.value !== undefined ? `（值：${e.value}）` : ''}`;
  }
  const where = `${EXPORT_CONDITIONS_NAME.en} line ${e.line}${e.column ? `, column ${e.column}` : ''}`;
  return `${where}: ${e.messageEn}${e.value !== undefined ? ` (value: ${e.value})` : ''}`;
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
