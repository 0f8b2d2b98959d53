import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type ExportConditionsTable,
  parseExportConditions,
} from '../../src/modules/clearance/rules/export/export-conditions-table.js';
import {
  checkStatisticsFlag,
  type FlagResult,
  significantCode,
  simplifiedDigits,
} from '../../src/modules/clearance/rules/export/statistics-flag.js';

/** XSD-EXP InventoryHead.statisticsFlag: A 简化申报 only for goods 不涉许可证、不涉出口关税、不涉及出口退税. */

const parsed = parseExportConditions(
  readFileSync(new URL('../../tables/samples/export-conditions.csv', import.meta.url), 'utf8'),
);
if (!parsed.ok) throw new Error('sample export-conditions table does not parse');
const TABLE: ExportConditionsTable = parsed.table;
const DATE = '2026-12-03';

const list = (flag: string, tradeMode: string, ...gcodes: string[]) => ({
  head: { statisticsFlag: flag, tradeMode },
  items: gcodes.map((gcode, i) => ({ gnum: i + 1, gcode })),
});
const reasons = (r: FlagResult) => (r.ok ? [] : r.reasons);

describe('statisticsFlag A (简化申报)', () => {
  it('T-shirts (6109) and toys (9503), needing nothing, may be declared A at the 4-digit heading', () => {
    expect(checkStatisticsFlag(list('A', '9610', '6109', '9503000000'), DATE, TABLE)).toEqual({ ok: true, flag: 'A' });
  });

  it('A with full 10-digit codes is allowed too when nothing applies (6109100000)', () => {
    expect(checkStatisticsFlag(list('A', '9610', '6109100000'), DATE, TABLE).ok).toBe(true);
  });

  it('potassium permanganate 2841610000 needs an export licence: A refused naming item 1 and the licence', () => {
    const r = reasons(checkStatisticsFlag(list('A', '9610', '2841610000'), DATE, TABLE));
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({
      code: 'EXPORT_FLAG_A_NEEDS_LICENCE',
      rule: 'statistics-flag-a-needs-licence',
      field: 'InventoryHead.statisticsFlag',
      item: 1,
    });
    expect(r[0]!.message.zh).toBe(
      '清单第1项商品（2841610000）涉及出口许可证（出口商品监管条件表 2841610000，2026-12-03），不能简化申报（A），应按汇总申报（B）',
    );
    expect(r[0]!.message.en).toBe(
      'Item 1 (2841610000) needs an export licence (export-conditions table 2841610000, 2026-12-03): simplified declaration (A) is not allowed; declare it as B',
    );
  });

  it('aluminium ore 2606000000 carries export duty: A refused with the duty condition', () => {
    const r = reasons(checkStatisticsFlag(list('A', '9610', '6109', '2606000000'), DATE, TABLE));
    expect(r.map((x) => [x.rule, x.item])).toEqual([['statistics-flag-a-export-duty', 2]]);
  });

  it('8543709990 claims an export refund: A refused with the refund condition', () => {
    const r = reasons(checkStatisticsFlag(list('A', '9610', '8543709990'), DATE, TABLE));
    expect(r.map((x) => x.code)).toEqual(['EXPORT_FLAG_A_EXPORT_REFUND']);
  });

  it('heading 8543 declared A is refused: a code under it (8543709990) claims a refund, the heading cannot tell them apart', () => {
    const r = reasons(checkStatisticsFlag(list('A', '9610', '8543'), DATE, TABLE));
    expect(r.map((x) => x.code)).toEqual(['EXPORT_FLAG_A_EXPORT_REFUND']);
    expect(r[0]!.message.en).toContain('export-conditions table 8543709990');
  });

  it('8543100000 (another code under 8543) declared A is allowed: its own prefix row needs nothing', () => {
    expect(checkStatisticsFlag(list('A', '9610', '8543100000'), DATE, TABLE).ok).toBe(true);
  });

  it("the list's date picks the row: 8541430000 claims a refund on 2026-11-30, not on 2026-12-01", () => {
    expect(checkStatisticsFlag(list('A', '9610', '8541430000'), '2026-11-30', TABLE).ok).toBe(false);
    expect(checkStatisticsFlag(list('A', '9610', '8541430000'), '2026-12-01', TABLE).ok).toBe(true);
  });

  it('statutory inspection alone (大蒜 0703200000) does not bar A: the XSD conditions are licence, duty and refund', () => {
    expect(checkStatisticsFlag(list('A', '9610', '0703200000'), DATE, TABLE).ok).toBe(true);
  });

  it('a code no row concerns (8471300000) is refused under A: its conditions are unknown', () => {
    const r = reasons(checkStatisticsFlag(list('A', '9610', '8471300000'), DATE, TABLE));
    expect(r.map((x) => x.code)).toEqual(['EXPORT_FLAG_A_UNLISTED']);
    expect(r[0]!.message.zh).toContain('没有记录');
    expect(checkStatisticsFlag(list('A', '9610', '8471300000'), DATE, TABLE, { unlisted: 'none' }).ok).toBe(true);
  });

  it('9710/9810 simplified codes need 6 digits: 4202 is refused, 420221 is allowed', () => {
    for (const mode of ['9710', '9810']) {
      expect(reasons(checkStatisticsFlag(list('A', mode, '4202'), DATE, TABLE)).map((x) => x.code)).toEqual([
        'EXPORT_FLAG_A_CODE',
      ]);
      expect(checkStatisticsFlag(list('A', mode, '420221'), DATE, TABLE).ok).toBe(true);
    }
    expect(checkStatisticsFlag(list('A', '9610', '4202'), DATE, TABLE).ok).toBe(true);
  });

  it('a code that is not 4 to 10 digits is refused', () => {
    expect(reasons(checkStatisticsFlag(list('A', '9610', '85A3'), DATE, TABLE))[0]?.code).toBe('EXPORT_FLAG_A_CODE');
  });

  it('every failing item is reported, each with its gnum', () => {
    const r = reasons(checkStatisticsFlag(list('A', '9610', '2841610000', '6109', '2606000000'), DATE, TABLE));
    expect(r.map((x) => x.item)).toEqual([1, 3]);
  });
});

describe('statisticsFlag B (汇总申报) and other values', () => {
  it('B accepts any goods with 10-digit codes, licence or not (2841610000)', () => {
    expect(checkStatisticsFlag(list('B', '9610', '2841610000', '6109100000'), DATE, TABLE)).toEqual({
      ok: true,
      flag: 'B',
    });
  });

  it('B needs the normal 10-digit code: a heading 6109 is refused', () => {
    const r = reasons(checkStatisticsFlag(list('B', '9610', '6109'), DATE, TABLE));
    expect(r[0]).toMatchObject({ code: 'EXPORT_FLAG_B_CODE', field: 'InventoryList.gcode', item: 1 });
  });

  it.each(['', 'C', 'a'])('statisticsFlag %j is refused', (flag) => {
    expect(reasons(checkStatisticsFlag(list(flag, '9610', '6109'), DATE, TABLE))[0]?.code).toBe('EXPORT_FLAG_VALUE');
  });
});

describe('simplified codes', () => {
  it.each([
    ['8543000000', 4, '8543'],
    ['8543100000', 4, '85431'],
    ['8500000000', 4, '8500'],
    ['8543000000', 6, '854300'],
    ['6109', 4, '6109'],
  ])('significantCode(%s, %d) = %s', (code, min, want) => {
    expect(significantCode(code, min)).toBe(want);
  });

  it('9710 and 9810 simplify to 6 digits, 9610 and 1210 to 4', () => {
    expect(['9610', '1210', '9710', '9810'].map(simplifiedDigits)).toEqual([4, 4, 6, 6]);
  });
});
