import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  conditionsFor,
  type ExportConditionsTable,
  parseExportConditions,
  rowsConcerning,
} from '../../src/modules/clearance/rules/export/export-conditions-table.js';
import { formatTableError, TABLE_COLUMNS } from '../../src/modules/clearance/tables/tables.js';

const HEADER = TABLE_COLUMNS['export-conditions'].join(',');
const csv = (...lines: string[]) => `${lines.join('\n')}\n`;
const SAMPLE_TEXT = readFileSync(new URL('../../tables/samples/export-conditions.csv', import.meta.url), 'utf8');

function sample(): ExportConditionsTable {
  const r = parseExportConditions(SAMPLE_TEXT);
  if (!r.ok) throw new Error(r.errors.map((e) => formatTableError(e, 'en')).join('\n'));
  return r.table;
}

describe('export-conditions table (a dated reference-table kind)', () => {
  it('the shipped sample parses and labels every row SAMPLE, not official, dated', () => {
    const t = sample();
    expect(t.rows.length).toBeGreaterThan(5);
    for (const row of t.rows)
      expect(row.note).toBe('SAMPLE (illustrative row, 2026-12-03; not an official customs table)');
  });

  it('reads Y/N columns into booleans (2841610000 高锰酸钾 needs a licence)', () => {
    const row = conditionsFor(sample(), '2841610000', '2026-12-03');
    expect(row).toMatchObject({ hsCode: '2841610000', needsLicence: true, needsInspection: false, exportDuty: false });
  });

  it('prefix match: the longest prefix in force wins (8543709990 has its own row; 8543100000 falls to 8543)', () => {
    const t = sample();
    expect(conditionsFor(t, '8543709990', '2026-12-03')?.hsCode).toBe('8543709990');
    expect(conditionsFor(t, '8543100000', '2026-12-03')?.hsCode).toBe('8543');
    expect(conditionsFor(t, '1211903100', '2026-12-03')?.hsCode).toBe('121190');
    expect(conditionsFor(t, '8471300000', '2026-12-03')).toBeNull();
  });

  it('dated: 8541 claims a refund until 2026-11-30 (inclusive) and not from 2026-12-01', () => {
    const t = sample();
    expect(conditionsFor(t, '8541430000', '2026-11-30')?.exportRefund).toBe(true);
    expect(conditionsFor(t, '8541430000', '2026-12-01')?.exportRefund).toBe(false);
    expect(conditionsFor(t, '8541430000', '2025-12-31')).toBeNull();
  });

  it('rowsConcerning a heading includes the rows under it (8543 concerns 8543709990)', () => {
    expect(rowsConcerning(sample(), '8543', '2026-12-03').map((r) => r.hsCode)).toEqual(['8543', '8543709990']);
  });

  it.each([
    [
      '854',
      'hs_code',
      'hs_code 应为 4 至 10 位数字（按前缀匹配）',
      'hs_code must be 4 to 10 digits (matched as a prefix)',
    ],
    [
      '85437099901',
      'hs_code',
      'hs_code 应为 4 至 10 位数字（按前缀匹配）',
      'hs_code must be 4 to 10 digits (matched as a prefix)',
    ],
  ])('a bad hs_code %s is reported on its line and column in both languages', (code, column, zh, en) => {
    const r = parseExportConditions(csv(HEADER, `${code},2026-01-01,,N,N,N,N,x,`));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      { table: 'export-conditions', line: 2, column, value: code, messageZh: zh, messageEn: en },
    ]);
  });

  it('a flag other than Y or N, a bad date and a missing name are each reported, every bad row at once', () => {
    const r = parseExportConditions(
      csv(HEADER, '6109,2026-01-01,,yes,N,N,N,T恤,', '4202,2026-02-30,,N,N,N,N,箱包,', '9503,2026-01-01,,N,N,N,N,,'),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([
      [2, 'needs_licence'],
      [3, 'valid_from'],
      [4, 'name'],
    ]);
    expect(formatTableError(r.errors[0]!, 'zh')).toBe(
      '出口商品监管条件表 第 2 行，列 needs_licence：needs_licence 应为 Y 或 N（值：yes）',
    );
    expect(formatTableError(r.errors[0]!, 'en')).toBe(
      'export-conditions table line 2, column needs_licence: needs_licence must be Y or N (value: yes)',
    );
  });

  it('valid_to before valid_from is reported', () => {
    const r = parseExportConditions(csv(HEADER, '6109,2026-05-01,2026-04-30,N,N,N,N,T恤,'));
    expect(!r.ok && r.errors[0]?.messageEn).toBe('valid_to is before valid_from');
  });

  it('rows of one hs_code overlapping in time are reported against the earlier line', () => {
    const r = parseExportConditions(
      csv(HEADER, '6109,2026-01-01,2026-06-30,N,N,N,N,T恤,', '6109,2026-06-30,,N,N,N,Y,T恤,'),
    );
    expect(!r.ok && r.errors[0]).toMatchObject({
      line: 3,
      column: 'valid_from',
      messageEn: '6109: the validity period overlaps line 2',
    });
  });

  it('a missing, unknown or repeated column stops the file with the expected header', () => {
    const r = parseExportConditions(
      csv('hs_code,valid_from,valid_to,needs_licence,export_duty,export_refund,name,note,x'),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.messageEn)).toEqual([
      'Unknown column "x" (column 9)',
      'Missing column "needs_inspection"',
      `The header must be: ${HEADER}`,
    ]);
  });

  it('an empty file and a row with the wrong number of fields are reported', () => {
    expect(parseExportConditions('').ok).toBe(false);
    const r = parseExportConditions(csv(HEADER, '6109,2026-01-01,,N,N,N,N,T恤'));
    expect(!r.ok && r.errors[0]?.messageZh).toBe('应有 9 个字段，实有 8 个');
  });

  it('columns may come in any order and values are trimmed', () => {
    const r = parseExportConditions(
      csv(
        'name,hs_code,note,valid_from,valid_to,export_refund,export_duty,needs_inspection,needs_licence',
        ' T恤 , 6109 ,,2026-01-01,,N,N,N, Y ',
      ),
    );
    expect(r.ok && r.table.rows[0]).toMatchObject({ hsCode: '6109', name: 'T恤', needsLicence: true });
  });
});
