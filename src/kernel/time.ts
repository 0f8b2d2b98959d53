/**
 * Business dates of the clearance rules (platform-decisions.md: Asia/Shanghai for all business dates — annual
 * limits, deadlines, 30/45-day windows, monthly rates). A business date is a calendar date written `YYYY-MM-DD`;
 * an instant becomes one in Asia/Shanghai, which has been UTC+8 without daylight saving since 1992 (so a fixed
 * offset is exact for every date the platform handles). Pure functions, no I/O.
 */

/** A calendar date `YYYY-MM-DD` in Asia/Shanghai. Such strings compare correctly as strings. */
export type BusinessDate = string;
/** A calendar month `YYYY-MM`. */
export type BusinessMonth = string;

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_PATTERN = /^(\d{4})-(\d{2})$/;

function utcDays(date: BusinessDate): number {
  const m = DATE_PATTERN.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

function fromUtcDays(days: number): BusinessDate {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** Whether `text` is a real calendar date written `YYYY-MM-DD` (2025-02-29 is not). */
export function isBusinessDate(text: string): boolean {
  const m = DATE_PATTERN.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  if (year < 1900 || year > 9999) return false;
  return fromUtcDays(utcDays(text)) === text;
}

/** Whether `text` is a month written `YYYY-MM`. */
export function isBusinessMonth(text: string): boolean {
  const m = MONTH_PATTERN.exec(text);
  return m !== null && Number(m[1]) >= 1900 && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

/** The Asia/Shanghai calendar date of an instant: 2025-12-31T16:00:00Z is 2026-01-01. */
export function shanghaiDate(instant: Date): BusinessDate {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid instant');
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The Asia/Shanghai calendar year of an instant (the year of the annual limit). */
export function shanghaiYear(instant: Date): number {
  return Number(shanghaiDate(instant).slice(0, 4));
}

/** Calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return utcDays(to) - utcDays(from);
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return fromUtcDays(utcDays(date) + days);
}

export function monthOf(date: BusinessDate): BusinessMonth {
  return date.slice(0, 7);
}

export function previousMonth(month: BusinessMonth): BusinessMonth {
  const m = MONTH_PATTERN.exec(month);
  if (!m) throw new RangeError(`not a YYYY-MM month: ${month}`);
  const year = Number(m[1]);
  const mon = Number(m[2]);
  return mon === 1 ? `${year - 1}-12` : `${year}-${String(mon - 1).padStart(2, '0')}`;
}

/**
 * The third Wednesday of a month: the day whose CFETS central parity sets the next month's customs rate
 * (business-rules.md §4.4; 2025-02 → 2025-02-19).
 */
export function thirdWednesday(month: BusinessMonth): BusinessDate {
  const first = utcDays(`${month}-01`);
  const weekday = new Date(first * DAY_MS).getUTCDay(); // 0 = Sunday … 3 = Wednesday
  const firstWednesday = first + ((3 - weekday + 7) % 7);
  return fromUtcDays(firstWednesday + 14);
}
