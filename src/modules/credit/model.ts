/**
 * Customs enterprise credit (海关企业信用): the levels of the two decrees, which decree is in force on a date, the
 * rules a new record must follow, and which record is in force on a business date. Pure functions, no I/O.
 *
 * business-rules.md §5 and platform-decisions.md "Credit and risk":
 * - Decree 251 (海关总署令第251号, 2021-11-01 – 2026-03-31): 高级认证企业, 失信企业, and every other enterprise under
 *   regular measures (常规管理措施). (一般信用企业 / 一般认证企业 were the classes of the earlier Decree 237.)
 * - Decree 282 (effective 2026-04-01, repeals 251): 高级认证企业, 认证企业, 常规企业, 失信企业, 严重失信企业.
 * - An enterprise with no record in force is 常规 (general).
 *
 * A business date is a calendar date `YYYY-MM-DD` in Asia/Shanghai (UTC+8, no daylight saving since 1992); such
 * strings compare correctly as strings.
 */

export const CREDIT_LEVELS = ['advanced', 'certified', 'general', 'dishonest', 'seriously-dishonest'] as const;
export type CreditLevel = (typeof CREDIT_LEVELS)[number];

export const DECREES = ['251', '282'] as const;
export type Decree = (typeof DECREES)[number];

/** The first day of Decree 251; the platform keeps no credit history before it. */
export const DECREE_251_FROM = '2021-11-01';
/** The first day of Decree 282 (issued 2026-01-13). */
export const DECREE_282_FROM = '2026-04-01';

/** The levels each decree knows, from the most to the least trusted. */
export const LEVELS_BY_DECREE: Readonly<Record<Decree, readonly CreditLevel[]>> = {
  '251': ['advanced', 'general', 'dishonest'],
  '282': ['advanced', 'certified', 'general', 'dishonest', 'seriously-dishonest'],
};

export type Name = { zh: string; en: string };

/** The official names of the levels under each decree (business-rules.md §5.1, §5.2). */
export const CREDIT_LEVEL_NAMES: Readonly<Record<Decree, Readonly<Partial<Record<CreditLevel, Name>>>>> = {
  '251': {
    advanced: { zh: '高级认证企业', en: 'Advanced certified enterprise (AEO)' },
    general: { zh: '常规管理企业', en: 'Enterprise under regular measures' },
    dishonest: { zh: '失信企业', en: 'Dishonest enterprise' },
  },
  '282': {
    advanced: { zh: '高级认证企业', en: 'Advanced certified enterprise (AEO)' },
    certified: { zh: '认证企业', en: 'Certified enterprise (AEO)' },
    general: { zh: '常规企业', en: 'Regular enterprise' },
    dishonest: { zh: '失信企业', en: 'Dishonest enterprise' },
    'seriously-dishonest': { zh: '严重失信企业', en: 'Seriously dishonest enterprise' },
  },
};

export const DECREE_NAMES: Readonly<Record<Decree, Name>> = {
  '251': { zh: '海关总署令第251号', en: 'GACC Decree No. 251' },
  '282': { zh: '海关总署令第282号', en: 'GACC Decree No. 282' },
};

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** Whether `text` is a real calendar date written `YYYY-MM-DD` (2026-02-29 is not). */
export function isBusinessDate(text: string): boolean {
  const m = DATE_PATTERN.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  if (year < 1900 || year > 9999) return false;
  const d = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

function assertDate(date: string): void {
  if (!isBusinessDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
}

/** The Asia/Shanghai calendar date of an instant: 2026-03-31T16:00:00Z is 2026-04-01. */
export function shanghaiDate(instant: Date = new Date()): string {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid instant');
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The decree in force on a business date: 251 until 2026-03-31, 282 from 2026-04-01. */
export function decreeOn(date: string): Decree {
  assertDate(date);
  return date < DECREE_282_FROM ? '251' : '282';
}

/** Whether a decree knows the level. */
export function levelExists(decree: Decree, level: CreditLevel): boolean {
  return LEVELS_BY_DECREE[decree].includes(level);
}

/**
 * The name of a level under a decree. A level kept from a Decree 251 record is named as Decree 282 names it on a
 * later date (every 251 level exists under 282); a level the decree does not know gets the 282 name.
 */
export function levelName(level: CreditLevel, decree: Decree): Name {
  return (CREDIT_LEVEL_NAMES[decree][level] ?? CREDIT_LEVEL_NAMES['282'][level]) as Name;
}

export type CreditRecordInput = { level: CreditLevel; validFrom: string; validTo?: string | null };

/** A business-rule problem of a new record: which field, a stable code, and the reason in both languages. */
export type CreditProblem = { path: 'level' | 'validFrom' | 'validTo'; code: string; zh: string; en: string };

/**
 * The rules a new record must follow (dates are assumed well-formed): it starts no earlier than Decree 251, its
 * level exists under the decree in force on its first day, and its last day (inclusive) is not before its first.
 * Overlapping records are allowed: the newest wins (see {@link recordOn}).
 */
export function checkRecord(r: CreditRecordInput): CreditProblem[] {
  const problems: CreditProblem[] = [];
  assertDate(r.validFrom);
  if (r.validTo != null) assertDate(r.validTo);
  if (r.validFrom < DECREE_251_FROM) {
    problems.push({
      path: 'validFrom',
      code: 'CREDIT_BEFORE_DECREE_251',
      zh: `生效日期不能早于海关总署令第251号施行之日（${DECREE_251_FROM}）`,
      en: `The record cannot start before Decree 251 took effect (${DECREE_251_FROM})`,
    });
  } else {
    const decree = decreeOn(r.validFrom);
    if (!levelExists(decree, r.level)) {
      const allowed = LEVELS_BY_DECREE[decree];
      problems.push({
        path: 'level',
        code: 'CREDIT_LEVEL_NOT_IN_DECREE',
        zh: `${r.validFrom} 适用${DECREE_NAMES[decree].zh}，该令没有“${levelName(r.level, '282').zh}”；可选：${allowed
          .map((l) => levelName(l, decree).zh)
          .join('、')}`,
        en: `${DECREE_NAMES[decree].en} is in force on ${r.validFrom} and has no level "${r.level}"; expected one of: ${allowed.join(', ')}`,
      });
    }
  }
  if (r.validTo != null && r.validTo < r.validFrom) {
    problems.push({
      path: 'validTo',
      code: 'CREDIT_PERIOD_REVERSED',
      zh: `失效日期（${r.validTo}）不能早于生效日期（${r.validFrom}）`,
      en: `The last valid day (${r.validTo}) is before the first (${r.validFrom})`,
    });
  }
  return problems;
}

/** What the resolution needs of a stored record. */
export type DatedRecord = {
  id: string;
  validFrom: string;
  /** The last day in force (inclusive), or null: open-ended. */
  validTo: string | null;
  recordedAt: Date | string;
};

function time(t: Date | string): number {
  return typeof t === 'string' ? Date.parse(t) : t.getTime();
}

/** Whether a record is in force on a business date (valid_to inclusive). */
export function inForce(r: DatedRecord, date: string): boolean {
  return r.validFrom <= date && (r.validTo === null || r.validTo >= date);
}

/**
 * Orders two records by precedence: the later first day wins; on the same first day the later recorded; then the
 * greater id (only so that the answer never depends on the order the records come in). Negative when `a` wins.
 */
export function precedence(a: DatedRecord, b: DatedRecord): number {
  if (a.validFrom !== b.validFrom) return a.validFrom > b.validFrom ? -1 : 1;
  const ta = time(a.recordedAt);
  const tb = time(b.recordedAt);
  if (ta !== tb) return tb - ta;
  return a.id === b.id ? 0 : a.id > b.id ? -1 : 1;
}

/** The record in force on a business date: of those in force, the one with the latest first day, then recorded. */
export function recordOn<R extends DatedRecord>(records: readonly R[], date: string): R | null {
  assertDate(date);
  let best: R | null = null;
  for (const r of records) {
    if (inForce(r, date) && (best === null || precedence(r, best) < 0)) best = r;
  }
  return best;
}

/** The level of an enterprise on a business date, from its records; `general` (常规) when none is in force. */
export function levelOn(records: readonly (DatedRecord & { level: CreditLevel })[], date: string): CreditLevel {
  return recordOn(records, date)?.level ?? 'general';
}
