/**
 * The monthly clock of 汇总申报 (ceb-messages.md §7.2; platform-decisions.md "Export"): the lists closed in business
 * month M are summarised by the 15th of M+1, postponed to the next working day when the 15th is not one — a
 * statutory holiday, or a Saturday or Sunday that is not a 调休 working day (a weekend day declared a working day
 * counts as working) — per the dated public-holiday table (reference-kinds.ts `HolidayTable`). Dates are
 * Asia/Shanghai business dates (kernel/time.ts); an instant is read in Asia/Shanghai. Pure.
 *
 * - `dueDate(M)`: the deadline, inclusive (a summary submitted on the due date is on time).
 * - `isOverdue(M, today)`: true from the day after the due date.
 * - `draftMonth(today)`: the month whose summary is being drafted on `today` — the previous month, from the 1st
 *   (the month is complete once it has ended; its summary is drafted, then due by the 15th or the working day after).
 * - `holidayTableCovers(table, year)`: whether the table has any row for a year; a due date in a year the table
 *   does not cover falls back to weekends only, and the caller should say so.
 */
import {
  type BusinessDate,
  type BusinessMonth,
  isBusinessMonth,
  monthOf,
  previousMonth,
  shanghaiDate,
} from '../../../../kernel/time.js';
import { type HolidayTable, nextWorkingDay } from '../../tables/reference-kinds.js';

/** The day of the following month a summary is due (config). */
export const SUMMARY_DUE_DAY = 15;

export function nextMonth(month: BusinessMonth): BusinessMonth {
  if (!isBusinessMonth(month)) throw new RangeError(`not a YYYY-MM month: ${month}`);
  const year = Number(month.slice(0, 4));
  const mon = Number(month.slice(5, 7));
  return mon === 12 ? `${year + 1}-01` : `${year}-${String(mon + 1).padStart(2, '0')}`;
}

const dateOf = (today: BusinessDate | Date): BusinessDate => (today instanceof Date ? shanghaiDate(today) : today);

/** The due date of business month M's summary: the 15th of M+1, or the next working day. */
export function dueDate(month: BusinessMonth, holidays: HolidayTable, dueDay = SUMMARY_DUE_DAY): BusinessDate {
  return nextWorkingDay(holidays, `${nextMonth(month)}-${String(dueDay).padStart(2, '0')}`);
}

/** Whether month M's summary is overdue on `today` (after its due date). */
export function isOverdue(
  month: BusinessMonth,
  today: BusinessDate | Date,
  holidays: HolidayTable,
  dueDay = SUMMARY_DUE_DAY,
): boolean {
  return dateOf(today) > dueDate(month, holidays, dueDay);
}

/** The business month whose summary is being drafted on `today`: the previous month. */
export function draftMonth(today: BusinessDate | Date): BusinessMonth {
  return previousMonth(monthOf(dateOf(today)));
}

/** Whether the holiday table has a row for the year (its arrangement has been loaded). */
export function holidayTableCovers(holidays: HolidayTable, year: number): boolean {
  const prefix = `${year}-`;
  return holidays.rows.some((r) => r.date.startsWith(prefix));
}

/** The state of month M's summary on `today`, for the portal and the customs console. */
export function summaryClock(
  month: BusinessMonth,
  today: BusinessDate | Date,
  holidays: HolidayTable,
): { month: BusinessMonth; due: BusinessDate; overdue: boolean; holidaysKnown: boolean } {
  const due = dueDate(month, holidays);
  return {
    month,
    due,
    overdue: dateOf(today) > due,
    holidaysKnown: holidayTableCovers(holidays, Number(due.slice(0, 4))),
  };
}
