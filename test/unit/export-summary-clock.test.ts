import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  draftMonth,
  dueDate,
  holidayTableCovers,
  isOverdue,
  nextMonth,
  summaryClock,
} from '../../src/modules/clearance/rules/export/summary-clock.js';
import { type HolidayTable, parseHolidays } from '../../src/modules/clearance/tables/reference-kinds.js';

/**
 * The 15th-of-month clock with the 2026 arrangement of the State Council (the repo's holiday sample,
 * tables/samples/holidays.csv: 春节 15–23 Feb, worked weekends 4 Jan, 14 and 28 Feb, 9 May, 20 Sep, 10 Oct).
 */
const parsed = parseHolidays(readFileSync(new URL('../../tables/samples/holidays.csv', import.meta.url), 'utf8'));
if (!parsed.ok) throw new Error('holiday sample does not parse');
const H2026: HolidayTable = parsed.table;
const table = (...rows: string[]): HolidayTable => {
  const r = parseHolidays(`date,kind,name\n${rows.join('\n')}\n`);
  if (!r.ok) throw new Error('bad table');
  return r.table;
};

describe('dueDate: the 15th of the next month, or the next working day', () => {
  it('January 2026 is due 2026-02-24: the 15th is a Sunday in the Spring Festival (15–23 Feb), the 24th a Tuesday', () => {
    expect(dueDate('2026-01', H2026)).toBe('2026-02-24');
  });

  it.each([
    ['2025-12', '2026-01-15'], // Thursday
    ['2026-02', '2026-03-16'], // 15 March is a Sunday
    ['2026-03', '2026-04-15'], // Wednesday
    ['2026-04', '2026-05-15'], // Friday (劳动节 is 1–5 May)
    ['2026-05', '2026-06-15'], // Monday
    ['2026-07', '2026-08-17'], // 15 August is a Saturday
    ['2026-09', '2026-10-15'], // Thursday, after 国庆节
    ['2026-10', '2026-11-16'], // 15 November is a Sunday
    ['2026-11', '2026-12-15'], // Tuesday
  ])('month %s is due %s', (month, due) => {
    expect(dueDate(month, H2026)).toBe(due);
  });

  it('a 15th that is a weekend day declared a 调休 working day counts as working (synthetic: Saturday 2026-08-15)', () => {
    expect(dueDate('2026-07', table('2026-08-15,workday,示例调休上班'))).toBe('2026-08-15');
  });

  it('a holiday on a weekday 15th moves the deadline (synthetic: Tuesday 2026-12-15 and Wednesday 16th off)', () => {
    expect(dueDate('2026-11', table('2026-12-15,holiday,示例', '2026-12-16,holiday,示例'))).toBe('2026-12-17');
  });

  it('December is due in January of the next year', () => {
    expect(nextMonth('2026-12')).toBe('2027-01');
    expect(dueDate('2026-12', H2026)).toBe('2027-01-15');
  });
});

describe('isOverdue and draftMonth', () => {
  it('the due date itself is on time; the next day is overdue (January 2026: 2026-02-24 / 2026-02-25)', () => {
    expect(isOverdue('2026-01', '2026-02-15', H2026)).toBe(false);
    expect(isOverdue('2026-01', '2026-02-24', H2026)).toBe(false);
    expect(isOverdue('2026-01', '2026-02-25', H2026)).toBe(true);
  });

  it('an instant is read in Asia/Shanghai: 2026-02-24T16:00:00Z is already 2026-02-25 there, so overdue', () => {
    expect(isOverdue('2026-01', new Date('2026-02-24T15:59:59Z'), H2026)).toBe(false);
    expect(isOverdue('2026-01', new Date('2026-02-24T16:00:00Z'), H2026)).toBe(true);
  });

  it('draftMonth is the previous month: on 2026-12-03 the November summary is drafted; on 2026-01-01 December 2025', () => {
    expect(draftMonth('2026-12-03')).toBe('2026-11');
    expect(draftMonth('2026-01-01')).toBe('2025-12');
    expect(draftMonth(new Date('2026-11-30T16:30:00Z'))).toBe('2026-11'); // 2026-12-01 00:30 in Shanghai
  });

  it('summaryClock says whether the holiday table covers the due year (2027 is not loaded in the sample)', () => {
    expect(summaryClock('2026-01', '2026-02-10', H2026)).toEqual({
      month: '2026-01',
      due: '2026-02-24',
      overdue: false,
      holidaysKnown: true,
    });
    expect(summaryClock('2026-12', '2027-01-20', H2026)).toMatchObject({
      due: '2027-01-15',
      overdue: true,
      holidaysKnown: false,
    });
    expect(holidayTableCovers(H2026, 2026)).toBe(true);
  });

  it('nextMonth rejects what is not a month', () => {
    expect(() => nextMonth('2026-13')).toThrow(RangeError);
  });
});
