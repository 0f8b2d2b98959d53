import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  customsParam,
  isReferenceKind,
  isWorkingDay,
  nextWorkingDay,
  parseCustomsParams,
  parseHolidays,
  parseReferenceTable,
  REFERENCE_KINDS,
} from '../../src/modules/clearance/tables/reference-kinds.js';
import { SAMPLE_TABLES_DIR } from '../../src/modules/clearance/tables/table-files.js';
import {
  formatTableError,
  TABLE_COLUMNS,
  TABLE_NAMES,
  type TableError,
} from '../../src/modules/clearance/tables/tables.js';

/** The customs parameter code table and the public-holiday table: the same CSV rules as the clearance tables. */

const PARAMS_HEADER = 'category,code,name_zh,name_en,valid_from,valid_to';
const HOLIDAYS_HEADER = 'date,kind,name';
const csv = (...lines: string[]) => `${lines.join('\n')}\n`;

function errorsOf<T>(r: { ok: true; table: T } | { ok: false; errors: TableError[] }): TableError[] {
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}
function tableOf<T>(r: { ok: true; table: T } | { ok: false; errors: TableError[] }): T {
  if (!r.ok) throw new Error(r.errors.map((e) => formatTableError(e, 'en')).join('\n'));
  return r.table;
}
const where = (errors: TableError[]) => errors.map((e) => `${e.line}:${e.column ?? '-'}`);

describe('reference kinds', () => {
  it('six kinds, each with its columns', () => {
    expect(REFERENCE_KINDS).toEqual([
      'tariff-rates',
      'positive-list',
      'exchange-rates',
      'customs-params',
      'holidays',
      'export-conditions',
    ]);
    expect(TABLE_COLUMNS['customs-params']).toEqual([
      'category',
      'code',
      'name_zh',
      'name_en',
      'valid_from',
      'valid_to',
    ]);
    expect(TABLE_COLUMNS.holidays).toEqual(['date', 'kind', 'name']);
    expect(TABLE_COLUMNS['export-conditions']).toEqual([
      'hs_code',
      'valid_from',
      'valid_to',
      'needs_licence',
      'needs_inspection',
      'export_duty',
      'export_refund',
      'name',
      'note',
    ]);
    expect(TABLE_NAMES['export-conditions']).toEqual({ zh: '出口商品监管条件表', en: 'export-conditions table' });
    expect(isReferenceKind('holidays')).toBe(true);
    expect(isReferenceKind('export-conditions')).toBe(true);
    expect(isReferenceKind('hs-codes')).toBe(false);
  });

  it.each(REFERENCE_KINDS)('the shipped sample %s parses with its parser', async (kind) => {
    const text = await readFile(join(SAMPLE_TABLES_DIR, `${kind}.csv`), 'utf8');
    const r = parseReferenceTable(kind, text);
    expect(r.ok ? [] : r.errors.map((e) => formatTableError(e, 'en'))).toEqual([]);
    if (r.ok) expect(r.table.rows.length).toBeGreaterThan(3);
  });
});

describe('customs parameter codes: category,code,name_zh,name_en,valid_from,valid_to', () => {
  const good = csv(
    PARAMS_HEADER,
    'currency,142,人民币,Renminbi (CNY),2000-01-01,',
    'currency,502,美元,US dollar (USD),2000-01-01,',
    'unit,035,千克,kilogram,2000-01-01,',
    'unit,007,个,,2000-01-01,',
    'country,116,日本,Japan,2000-01-01,2025-12-31',
    'country,116,日本国,Japan,2026-01-01,',
    'customs,2200,上海海关,Shanghai Customs,2000-01-01,',
    'traf-mode,5,航空运输,air,2000-01-01,',
    'traf-mode,W,物流中心,logistics centre,2000-01-01,',
  );

  it('reads every category; codes keep their leading zeros; name_en may be empty', () => {
    const t = tableOf(parseCustomsParams(good));
    expect(t.rows).toHaveLength(9);
    expect(customsParam(t, 'currency', '142', '2026-11-28')).toMatchObject({
      nameZh: '人民币',
      nameEn: 'Renminbi (CNY)',
    });
    expect(customsParam(t, 'unit', '035', '2026-11-28')?.nameZh).toBe('千克');
    expect(customsParam(t, 'unit', '007', '2026-11-28')?.nameEn).toBe('');
    expect(customsParam(t, 'traf-mode', 'W', '2026-11-28')?.nameZh).toBe('物流中心');
    expect(customsParam(t, 'customs', '2200', '2026-11-28')?.nameZh).toBe('上海海关');
  });

  it('dated: the row in force on the date, none before valid_from or for an unknown code', () => {
    const t = tableOf(parseCustomsParams(good));
    expect(customsParam(t, 'country', '116', '2025-12-31')?.nameZh).toBe('日本');
    expect(customsParam(t, 'country', '116', '2026-01-01')?.nameZh).toBe('日本国');
    expect(customsParam(t, 'currency', '142', '1999-12-31')).toBeNull();
    expect(customsParam(t, 'currency', '999', '2026-01-01')).toBeNull();
    // a code of one category is not a code of another
    expect(customsParam(t, 'country', '142', '2026-01-01')).toBeNull();
  });

  it('an unknown category, and each category code format, with line and column', () => {
    const errors = errorsOf(
      parseCustomsParams(
        csv(
          PARAMS_HEADER,
          'port,1234,某口岸,,2000-01-01,', // 2: unknown category
          'currency,USD,美元,,2000-01-01,', // 3: currency is 3 digits
          'country,14,中国,,2000-01-01,', // 4
          'unit,35,千克,,2000-01-01,', // 5
          'customs,220,上海,,2000-01-01,', // 6: customs district is 4 digits
          'traf-mode,w,物流中心,,2000-01-01,', // 7: one digit or capital letter
          'traf-mode,10,x,,2000-01-01,', // 8
          ',,,,,', // 9: everything required is missing
        ),
      ),
    );
    expect(where(errors)).toEqual([
      '2:category',
      '3:code',
      '4:code',
      '5:code',
      '6:code',
      '7:code',
      '8:code',
      '9:category',
      '9:code',
      '9:name_zh',
      '9:valid_from',
    ]);
    expect(errors[0]).toMatchObject({ value: 'port', messageEn: expect.stringContaining('country, currency, unit') });
    expect(errors[1]!.messageZh).toContain('币制代码');
    expect(errors[4]!.messageEn).toContain('4 digits');
    expect(errors[5]!.messageZh).toContain('运输方式');
  });

  it('dates: a real date, valid_to not before valid_from, no overlap per category and code', () => {
    const errors = errorsOf(
      parseCustomsParams(
        csv(
          PARAMS_HEADER,
          'unit,011,件,item,2000-02-30,', // 2: not a real date
          'unit,006,套,set,2020-01-01,2019-12-31', // 3: ends before it starts
          'unit,007,个,piece,2000-01-01,',
          'unit,007,个,piece,2026-01-01,', // 5: overlaps line 4 (open-ended)
          'country,007,x,,2026-01-01,', // 6: same code, other category: no overlap
        ),
      ),
    );
    expect(where(errors)).toEqual(['2:valid_from', '3:valid_to', '5:valid_from']);
    expect(errors[2]!.messageZh).toBe('unit 007 的有效期与第 4 行重叠');
  });

  it('the header: unknown, repeated and missing columns', () => {
    const errors = errorsOf(parseCustomsParams(csv('category,code,name_zh,name_zh,note,valid_from', 'x')));
    expect(errors.every((e) => e.line === 1)).toBe(true);
    expect(errors.map((e) => e.column)).toEqual(['name_zh', 'note', 'name_en', 'valid_to', null]);
    expect(errors.at(-1)!.messageEn).toBe(`The header must be: ${PARAMS_HEADER}`);
  });

  it('formatTableError names the table in each language', () => {
    const [e] = errorsOf(parseCustomsParams(csv(PARAMS_HEADER, 'currency,USD,美元,,2000-01-01,')));
    expect(formatTableError(e!, 'zh')).toBe(
      '海关参数代码表 第 2 行，列 code：code 应为 3 位数字（币制代码，如 142）（值：USD）',
    );
    expect(formatTableError(e!, 'en')).toBe(
      'customs parameter code table line 2, column code: code must be 3 digits (currency code, e.g. 142) (value: USD)',
    );
  });
});

describe('public holidays: date,kind,name', () => {
  // The 2026 Spring Festival: 2026-02-15 … 02-23 off, Saturdays 02-14 and 02-28 worked in exchange.
  const springFestival = csv(
    HOLIDAYS_HEADER,
    '2026-02-14,workday,春节调休上班',
    ...['15', '16', '17', '18', '19', '20', '21', '22', '23'].map((d) => `2026-02-${d},holiday,春节`),
    '2026-02-28,workday,春节调休上班',
  );

  it('working days: weekdays unless a holiday, weekends only when worked in exchange', () => {
    const t = tableOf(parseHolidays(springFestival));
    expect(t.rows).toHaveLength(11);
    expect(isWorkingDay(t, '2026-02-13')).toBe(true); // Friday
    expect(isWorkingDay(t, '2026-02-14')).toBe(true); // Saturday, worked
    expect(isWorkingDay(t, '2026-02-16')).toBe(false); // Monday, 除夕
    expect(isWorkingDay(t, '2026-02-21')).toBe(false); // Saturday within the holiday
    expect(isWorkingDay(t, '2026-02-24')).toBe(true); // Tuesday after
    expect(isWorkingDay(t, '2026-03-07')).toBe(false); // an ordinary Saturday
    expect(t.byDate.get('2026-02-17')).toMatchObject({ kind: 'holiday', name: '春节', line: 5 });
  });

  it('next working day: a deadline on a day off moves past the whole holiday', () => {
    const t = tableOf(parseHolidays(springFestival));
    expect(nextWorkingDay(t, '2026-02-15')).toBe('2026-02-24');
    expect(nextWorkingDay(t, '2026-02-14')).toBe('2026-02-14');
    expect(nextWorkingDay(t, '2026-03-07')).toBe('2026-03-09'); // Saturday → Monday
    expect(nextWorkingDay(t, '2026-02-27')).toBe('2026-02-27');
  });

  it('the shipped 2026 table: 元旦 1–3 Jan, 国庆 1–7 Oct with 20 Sep and 10 Oct worked', async () => {
    const t = tableOf(parseHolidays(await readFile(join(SAMPLE_TABLES_DIR, 'holidays.csv'), 'utf8')));
    expect(isWorkingDay(t, '2026-01-02')).toBe(false);
    expect(isWorkingDay(t, '2026-01-04')).toBe(true); // Sunday worked
    expect(nextWorkingDay(t, '2026-10-01')).toBe('2026-10-08');
    expect(isWorkingDay(t, '2026-09-20')).toBe(true);
    expect(isWorkingDay(t, '2026-10-10')).toBe(true);
    expect(t.rows.filter((r) => r.kind === 'workday').map((r) => r.date)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
  });

  it('every error path: date, kind, a weekday "worked in exchange", name, repeated dates', () => {
    const errors = errorsOf(
      parseHolidays(
        csv(
          HOLIDAYS_HEADER,
          '2026-02-30,holiday,春节', // 2: not a real date
          '2026/10/01,holiday,国庆节', // 3: wrong format
          '2026-10-01,day-off,国庆节', // 4: unknown kind
          '2026-10-09,workday,国庆节调休上班', // 5: a Friday cannot be worked in exchange
          '2026-10-02,holiday,', // 6: no name
          '2026-10-03,holiday,国庆节',
          '2026-10-03,workday,国庆节调休上班', // 8: repeats line 7 (and is a Saturday: allowed)
          ',,', // 9
          '2026-10-04,holiday', // 10: a field short
        ),
      ),
    );
    expect(where(errors)).toEqual([
      '2:date',
      '3:date',
      '4:kind',
      '5:date',
      '6:name',
      '8:date',
      '9:date',
      '9:kind',
      '9:name',
      '10:-',
    ]);
    expect(errors[0]!.messageEn).toBe('date must be a real date YYYY-MM-DD');
    expect(errors[2]).toMatchObject({ value: 'day-off', messageZh: expect.stringContaining('holiday（放假）') });
    expect(errors[3]).toMatchObject({
      messageZh: '调休上班日应为周六或周日，2026-10-09 是星期五',
      messageEn: 'A workday in exchange must be a Saturday or a Sunday; 2026-10-09 is a Friday',
    });
    expect(errors[5]!.messageZh).toBe('2026-10-03 与第 7 行重复');
    expect(errors[9]!.messageEn).toBe('Expected 3 fields, found 2');
  });

  it('an empty file and a file with malformed CSV', () => {
    expect(errorsOf(parseHolidays(''))[0]).toMatchObject({
      line: 1,
      messageEn: expect.stringContaining('date,kind,name'),
    });
    const errors = errorsOf(parseHolidays(csv(HOLIDAYS_HEADER, '"2026-10-01,holiday,国庆节')));
    expect(errors[0]).toMatchObject({ line: 2, column: null, messageEn: expect.stringContaining('Malformed CSV') });
  });
});
