import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CREDIT_LEVEL_NAMES,
  CREDIT_LEVELS,
  type CreditLevel,
  checkRecord,
  type DatedRecord,
  DECREE_251_FROM,
  DECREE_282_FROM,
  decreeOn,
  inForce,
  isBusinessDate,
  LEVELS_BY_DECREE,
  levelExists,
  levelName,
  levelOn,
  precedence,
  recordOn,
  shanghaiDate,
} from '../../src/modules/credit/model.js';

/** business-rules.md §5; platform-decisions.md "Credit and risk". */

type Rec = DatedRecord & { level: CreditLevel };
let n = 0;
function rec(
  level: CreditLevel,
  validFrom: string,
  validTo: string | null = null,
  recordedAt = '2026-01-01T00:00:00Z',
): Rec {
  n++;
  return { id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, level, validFrom, validTo, recordedAt };
}

describe('the decree in force', () => {
  it('251 until 2026-03-31, 282 from 2026-04-01', () => {
    expect(DECREE_282_FROM).toBe('2026-04-01');
    expect(decreeOn('2021-11-01')).toBe('251');
    expect(decreeOn('2025-12-31')).toBe('251');
    expect(decreeOn('2026-03-31')).toBe('251');
    expect(decreeOn('2026-04-01')).toBe('282');
    expect(decreeOn('2026-04-02')).toBe('282');
    expect(decreeOn('2030-01-01')).toBe('282');
  });

  it('refuses what is not a date', () => {
    for (const bad of ['2026-4-1', '2026/04/01', '2026-02-29', '2026-13-01', '2026-04-31', '', '20260401']) {
      expect(() => decreeOn(bad), bad).toThrow(RangeError);
    }
  });

  it('a date string is a real calendar date', () => {
    expect(isBusinessDate('2024-02-29')).toBe(true);
    expect(isBusinessDate('2026-02-29')).toBe(false);
    expect(isBusinessDate('2026-04-01')).toBe(true);
    expect(isBusinessDate('2026-04-01T00:00:00')).toBe(false);
    expect(isBusinessDate('1899-12-31')).toBe(false);
  });

  it("today is Shanghai's calendar date", () => {
    expect(shanghaiDate(new Date('2026-03-31T15:59:59.999Z'))).toBe('2026-03-31');
    expect(shanghaiDate(new Date('2026-03-31T16:00:00Z'))).toBe('2026-04-01');
    expect(decreeOn(shanghaiDate(new Date('2026-03-31T16:00:00Z')))).toBe('282');
  });
});

describe('levels and their names', () => {
  it('Decree 251 has three classes, Decree 282 five levels', () => {
    expect(LEVELS_BY_DECREE['251']).toEqual(['advanced', 'general', 'dishonest']);
    expect(LEVELS_BY_DECREE['282']).toEqual(CREDIT_LEVELS);
    expect(levelExists('251', 'certified')).toBe(false);
    expect(levelExists('251', 'seriously-dishonest')).toBe(false);
    expect(levelExists('282', 'certified')).toBe(true);
    // every 251 class survives under 282, so a 251 record can stay in force past 2026-04-01
    for (const l of LEVELS_BY_DECREE['251']) expect(levelExists('282', l)).toBe(true);
  });

  it('the official names (business-rules.md §5.1, §5.2)', () => {
    expect(Object.values(CREDIT_LEVEL_NAMES['251']).map((x) => x.zh)).toEqual([
      '高级认证企业',
      '常规管理企业',
      '失信企业',
    ]);
    expect(Object.values(CREDIT_LEVEL_NAMES['282']).map((x) => x.zh)).toEqual([
      '高级认证企业',
      '认证企业',
      '常规企业',
      '失信企业',
      '严重失信企业',
    ]);
    expect(levelName('general', '251').zh).toBe('常规管理企业');
    expect(levelName('general', '282')).toEqual({ zh: '常规企业', en: 'Regular enterprise' });
    // a level the decree does not know falls back to the 282 name
    expect(levelName('certified', '251').zh).toBe('认证企业');
    for (const d of ['251', '282'] as const) {
      for (const l of LEVELS_BY_DECREE[d]) expect(levelName(l, d).en.length).toBeGreaterThan(3);
    }
  });
});

describe('a new record', () => {
  it('accepts each level under the decree of its first day', () => {
    for (const l of ['advanced', 'general', 'dishonest'] as const) {
      expect(checkRecord({ level: l, validFrom: '2026-03-31' })).toEqual([]);
    }
    for (const l of CREDIT_LEVELS) expect(checkRecord({ level: l, validFrom: '2026-04-01' })).toEqual([]);
  });

  it('certified and seriously-dishonest only from 2026-04-01', () => {
    for (const l of ['certified', 'seriously-dishonest'] as const) {
      const p = checkRecord({ level: l, validFrom: '2026-03-31', validTo: '2026-12-31' });
      expect(p).toHaveLength(1);
      expect(p[0]).toMatchObject({ path: 'level', code: 'CREDIT_LEVEL_NOT_IN_DECREE' });
      expect(p[0]?.zh).toContain('第251号');
      expect(p[0]?.zh).toContain('高级认证企业、常规管理企业、失信企业');
      expect(p[0]?.en).toContain('advanced, general, dishonest');
    }
  });

  it('valid_to is inclusive: the same day is a one-day record, the day before is refused', () => {
    expect(checkRecord({ level: 'advanced', validFrom: '2026-04-01', validTo: '2026-04-01' })).toEqual([]);
    expect(checkRecord({ level: 'advanced', validFrom: '2026-04-01', validTo: null })).toEqual([]);
    const p = checkRecord({ level: 'advanced', validFrom: '2026-04-01', validTo: '2026-03-31' });
    expect(p).toEqual([expect.objectContaining({ path: 'validTo', code: 'CREDIT_PERIOD_REVERSED' })]);
  });

  it('no record before Decree 251', () => {
    expect(DECREE_251_FROM).toBe('2021-11-01');
    expect(checkRecord({ level: 'general', validFrom: '2021-11-01' })).toEqual([]);
    expect(checkRecord({ level: 'general', validFrom: '2021-10-31' })).toEqual([
      expect.objectContaining({ path: 'validFrom', code: 'CREDIT_BEFORE_DECREE_251' }),
    ]);
  });

  it('every problem at once', () => {
    const p = checkRecord({ level: 'certified', validFrom: '2026-03-01', validTo: '2026-02-01' });
    expect(p.map((x) => x.path)).toEqual(['level', 'validTo']);
  });

  it('refuses malformed dates (the HTTP layer validates them first)', () => {
    expect(() => checkRecord({ level: 'general', validFrom: '2026-02-30' })).toThrow(RangeError);
    expect(() => checkRecord({ level: 'general', validFrom: '2026-02-01', validTo: 'soon' })).toThrow(RangeError);
  });
});

describe('the record in force on a date', () => {
  it('no record: general (常规)', () => {
    expect(levelOn([], '2026-04-01')).toBe('general');
    expect(recordOn([], '2026-04-01')).toBeNull();
  });

  it('valid_from and valid_to are both inclusive', () => {
    const r = rec('advanced', '2026-04-01', '2026-06-30');
    expect(levelOn([r], '2026-03-31')).toBe('general');
    expect(levelOn([r], '2026-04-01')).toBe('advanced');
    expect(levelOn([r], '2026-06-30')).toBe('advanced');
    expect(levelOn([r], '2026-07-01')).toBe('general');
    expect(inForce(r, '2026-05-15')).toBe(true);
  });

  it('an open-ended record stays in force', () => {
    const r = rec('dishonest', '2022-01-01');
    expect(levelOn([r], '2021-12-31')).toBe('general');
    expect(levelOn([r], '2022-01-01')).toBe('dishonest');
    expect(levelOn([r], '2099-12-31')).toBe('dishonest');
  });

  it('across the decree boundary: a 251 record ends 2026-03-31, the 282 record starts 2026-04-01', () => {
    const old = rec('advanced', '2023-05-10', '2026-03-31');
    const next = rec('certified', '2026-04-01');
    const rs = [next, old];
    expect(levelOn(rs, '2026-03-31')).toBe('advanced');
    expect(levelOn(rs, '2026-04-01')).toBe('certified');
  });

  it('a 251 record still open on 2026-04-01 stays in force under 282 until replaced', () => {
    const old = rec('dishonest', '2025-09-01');
    expect(levelOn([old], '2026-04-01')).toBe('dishonest');
    const repaired = rec('general', '2026-05-20');
    expect(levelOn([old, repaired], '2026-05-19')).toBe('dishonest');
    expect(levelOn([old, repaired], '2026-05-20')).toBe('general');
  });

  it('overlaps: the latest valid_from wins while it is in force, then the older one shows again', () => {
    const base = rec('advanced', '2026-01-01');
    const downgrade = rec('seriously-dishonest', '2026-06-01', '2026-06-30');
    const rs = [base, downgrade];
    expect(levelOn(rs, '2026-05-31')).toBe('advanced');
    expect(levelOn(rs, '2026-06-01')).toBe('seriously-dishonest');
    expect(levelOn(rs, '2026-06-30')).toBe('seriously-dishonest');
    expect(levelOn(rs, '2026-07-01')).toBe('advanced');
  });

  it('a later valid_from wins even when recorded earlier', () => {
    const later = rec('dishonest', '2026-08-01', null, '2026-01-01T00:00:00Z');
    const earlier = rec('advanced', '2026-04-01', null, '2026-07-01T00:00:00Z');
    expect(levelOn([later, earlier], '2026-08-01')).toBe('dishonest');
    expect(levelOn([later, earlier], '2026-07-31')).toBe('advanced');
  });

  it('same valid_from: the latest recorded wins (a correction)', () => {
    const first = rec('advanced', '2026-04-01', null, '2026-04-01T02:00:00Z');
    const fix = rec('certified', '2026-04-01', null, '2026-04-02T09:30:00Z');
    expect(levelOn([first, fix], '2026-04-10')).toBe('certified');
    expect(levelOn([fix, first], '2026-04-10')).toBe('certified');
    // Date objects work as well as ISO strings
    const asDates = [first, fix].map((r) => ({ ...r, recordedAt: new Date(r.recordedAt) }));
    expect(levelOn(asDates, '2026-04-10')).toBe('certified');
  });

  it('a newer record that has already expired does not hide the one in force', () => {
    const standing = rec('advanced', '2026-04-01');
    const brief = rec('dishonest', '2026-05-01', '2026-05-02', '2026-09-01T00:00:00Z');
    expect(levelOn([standing, brief], '2026-05-03')).toBe('advanced');
    expect(levelOn([standing, brief], '2026-05-02')).toBe('dishonest');
  });

  it('a record starting in the future is not in force yet', () => {
    expect(levelOn([rec('dishonest', '2026-12-01')], '2026-11-30')).toBe('general');
  });

  it('refuses a malformed date', () => {
    expect(() => levelOn([], '2026-04-31')).toThrow(RangeError);
  });

  it('the answer does not depend on the order of the records (property)', () => {
    const day = fc.integer({ min: 0, max: 60 }).map((d) => {
      const t = new Date(Date.UTC(2026, 2, 1 + d));
      return t.toISOString().slice(0, 10);
    });
    const record = fc
      .record({
        level: fc.constantFrom(...CREDIT_LEVELS),
        from: day,
        span: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
        at: fc.integer({ min: 0, max: 5 }),
        id: fc.uuid(),
      })
      .map(({ level, from, span, at, id }) => ({
        id,
        level,
        validFrom: from,
        validTo:
          span === null
            ? null
            : new Date(Date.parse(`${from}T00:00:00Z`) + span * 86_400_000).toISOString().slice(0, 10),
        recordedAt: new Date(Date.UTC(2026, 0, 1, at)),
      }));
    fc.assert(
      fc.property(fc.uniqueArray(record, { maxLength: 8, selector: (r) => r.id }), day, (rs, on) => {
        const forward = recordOn(rs, on);
        const backward = recordOn([...rs].reverse(), on);
        expect(backward).toBe(forward);
        // the winner is in force, and no record in force takes precedence over it
        const live = rs.filter((r) => inForce(r, on));
        if (!forward) {
          expect(live).toEqual([]);
          expect(levelOn(rs, on)).toBe('general');
        } else {
          expect(inForce(forward, on)).toBe(true);
          for (const r of live) expect(precedence(forward, r)).toBeLessThanOrEqual(0);
          expect(levelOn(rs, on)).toBe(forward.level);
        }
      }),
    );
  });
});
