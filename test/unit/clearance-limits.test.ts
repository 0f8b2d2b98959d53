import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/kernel/money.js';
import { daysBetween, shanghaiDate, shanghaiYear, thirdWednesday } from '../../src/kernel/time.js';
import {
  annualUsage,
  checkLimits,
  checkReturn,
  definePolicies,
  isSingleIndivisibleItem,
  PolicyError,
  policyOn,
  RETAIL_IMPORT_POLICIES,
  type RetailImportPolicy,
} from '../../src/modules/clearance/rules/import/limits.js';

/** business-rules.md §1.2 R3–R6, §1.7 examples 5–8; platform-decisions.md "Retail import". */

const d = Decimal.parse;
const POLICY = policyOn('2026-11-28');
const ONE = [d('1')];
const TWO_ITEMS = [d('1'), d('1')];

function decide(orderAmount: string, quantities: Decimal[], used = '0') {
  return checkLimits({ orderAmount: d(orderAmount), quantities, usedThisYear: d(used) }, POLICY);
}

describe('dated policy (config): 2,000 / 20,000 until 2018-12-31, 5,000 / 26,000 from 2019-01-01', () => {
  it('the limits of the day', () => {
    expect(policyOn('2018-12-31').singleLimit.toString()).toBe('2000');
    expect(policyOn('2018-12-31').annualLimit.toString()).toBe('20000');
    expect(policyOn('2019-01-01').singleLimit.toString()).toBe('5000');
    expect(policyOn('2019-01-01').annualLimit.toString()).toBe('26000');
    expect(POLICY.reducedTaxFactor.toString()).toBe('0.7');
  });

  it('no policy before the CBEC tax policy began (2016-04-08)', () => {
    expect(() => policyOn('2016-04-07')).toThrow(PolicyError);
  });

  it('the shipped policies are well formed; overlapping or inverted periods are refused with both messages', () => {
    expect(definePolicies(RETAIL_IMPORT_POLICIES)).toHaveLength(2);
    const base = RETAIL_IMPORT_POLICIES[1]!;
    const overlapping: RetailImportPolicy = { ...base, validFrom: '2025-01-01', validTo: null };
    try {
      definePolicies([...RETAIL_IMPORT_POLICIES, overlapping]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError);
      expect((e as PolicyError).messageZh).toContain('重叠');
      expect((e as PolicyError).messageEn).toContain('overlap');
    }
    expect(() => definePolicies([{ ...base, validFrom: '2025-02-01', validTo: '2025-01-01' }])).toThrow(PolicyError);
    expect(() => definePolicies([{ ...base, reducedTaxFactor: d('1.5') }])).toThrow(PolicyError);
    expect(() => definePolicies([{ ...base, validFrom: '2025-02-30' }])).toThrow(PolicyError);
  });

  it('a configured policy changes the decision: a 6,000 single limit from 2027', () => {
    const raised = definePolicies([
      ...RETAIL_IMPORT_POLICIES.map((p) => (p.validTo === null ? { ...p, validTo: '2026-12-31' } : p)),
      { ...RETAIL_IMPORT_POLICIES[1]!, validFrom: '2027-01-01', validTo: null, singleLimit: d('6000.00') },
    ]);
    const input = { orderAmount: d('5500.00'), quantities: TWO_ITEMS, usedThisYear: d('0') };
    expect(checkLimits(input, policyOn('2026-12-31', raised)).outcome).toBe('rejected');
    expect(checkLimits(input, policyOn('2027-01-01', raised)).outcome).toBe('within-limits');
  });
});

describe('single-transaction limit 5,000.00: "exceeds" is strictly greater (R5d)', () => {
  it.each([
    ['4999.99', 'within-limits'],
    ['5000.00', 'within-limits'],
    ['5000.01', 'rejected'],
  ])('two items for %s → %s', (amount, outcome) => {
    expect(decide(amount, TWO_ITEMS).outcome).toBe(outcome);
  });

  it.each([
    ['4999.99', 'within-limits'],
    ['5000.00', 'within-limits'],
    ['5000.01', 'full-tax'],
  ])('one indivisible item for %s → %s', (amount, outcome) => {
    expect(decide(amount, ONE).outcome).toBe(outcome);
  });

  it('-621005 names the amount and the limit, in Chinese (the official text first) and English', () => {
    const r = decide('5200.00', TWO_ITEMS);
    expect(r).toMatchObject({ outcome: 'rejected', code: '-621005' });
    if (r.outcome !== 'rejected') throw new Error('expected a rejection');
    expect(r.messageZh.startsWith('购买金额超过单笔限额')).toBe(true);
    expect(r.messageZh).toContain('[5200.00]');
    expect(r.messageZh).toContain('[5000]');
    expect(r.messageEn).toContain('single-transaction limit');
  });
});

describe('the single indivisible item (R5b): one list item of quantity exactly 1', () => {
  it.each([
    [[d('1')], true],
    [[d('1.000')], true],
    [[d('2')], false],
    [[d('0.5')], false],
    [[d('1'), d('1')], false],
    [[], false],
  ])('%j → %s', (quantities, expected) => {
    expect(isSingleIndivisibleItem(quantities)).toBe(expected);
  });

  it('an item of exactly 26,000.00 with nothing used yet keeps the annual total within: full tax (see the note on 低于)', () => {
    expect(decide('26000.00', ONE).outcome).toBe('full-tax');
    expect(decide('26000.01', ONE)).toMatchObject({ outcome: 'rejected', code: '-621018' });
  });
});

describe('annual limit 26,000.00 per buyer per calendar year', () => {
  it.each([
    ['25999.99', 'within-limits'],
    ['26000.00', 'within-limits'],
    ['26000.01', 'rejected'],
  ])('used 24,000.00 + order making %s → %s', (total, outcome) => {
    const order = d(total).sub(d('24000.00')).toString();
    expect(decide(order, TWO_ITEMS, '24000.00').outcome).toBe(outcome);
  });

  it('-621018 names the amount used and the limit: 购买人已用购买额度为[24000.00]，本次购买将超过年度限额[26000]', () => {
    const r = decide('2000.01', TWO_ITEMS, '24000.00');
    expect(r).toMatchObject({
      outcome: 'rejected',
      code: '-621018',
      messageZh: '购买人已用购买额度为[24000.00]，本次购买将超过年度限额[26000]',
    });
    if (r.outcome === 'rejected') expect(r.messageEn).toContain('[24000.00]');
  });

  it('the new annual total is returned for the quota to consume', () => {
    expect(decide('418.00', ONE)).toEqual({ outcome: 'within-limits', annualTotalAfter: d('418.00') });
  });

  it('property: accepted exactly when (≤ 5,000 or a single item) and used + order ≤ 26,000', () => {
    const amount = fc.bigInt({ min: 0n, max: 3_000_000n }).map((u) => Decimal.of(u, 2));
    fc.assert(
      fc.property(amount, amount, fc.boolean(), (order, used, single) => {
        const r = decide(order.toString(), single ? ONE : TWO_ITEMS, used.toString());
        const singleOk = order.lte(d('5000')) || single;
        const annualOk = used.add(order).lte(d('26000'));
        expect(r.outcome !== 'rejected').toBe(singleOk && annualOk);
        if (r.outcome === 'full-tax') expect(order.gt(d('5000')) && single).toBe(true);
        if (r.outcome !== 'rejected') expect(r.annualTotalAfter.eq(used.add(order))).toBe(true);
      }),
    );
  });
});

describe('§1.7 worked examples 5–8: the limits decisions', () => {
  it('example 5: watch 12,000.00 alone, cum 3,000.00 → allowed via CBEC, full tax, new cum 15,000.00', () => {
    expect(decide('12000.00', ONE, '3000.00')).toMatchObject({ outcome: 'full-tax', annualTotalAfter: d('15000.00') });
  });

  it('example 5: the same watch with cum 15,000.00 → 27,000 > 26,000 → not allowed (-621018)', () => {
    expect(decide('12000.00', ONE, '15000.00')).toMatchObject({ outcome: 'rejected', code: '-621018' });
  });

  it('example 5b: cosmetic set 5,200.00 alone, cum 0 → full tax, cum → 5,200.00', () => {
    expect(decide('5200.00', ONE, '0')).toMatchObject({ outcome: 'full-tax', annualTotalAfter: d('5200.00') });
  });

  it('example 6: 2 × 2,600.00 = 5,200.00 > 5,000 with more than one item → rejected -621005 (one line of qty 2 or two lines)', () => {
    expect(decide('5200.00', [d('2')])).toMatchObject({ outcome: 'rejected', code: '-621005' });
    expect(decide('5200.00', TWO_ITEMS)).toMatchObject({ outcome: 'rejected', code: '-621005' });
  });

  it('example 7: cum 24,000.00 + 2,000.00 = 26,000.00 → allowed; + 2,000.01 → rejected', () => {
    expect(decide('2000.00', TWO_ITEMS, '24000.00').outcome).toBe('within-limits');
    expect(decide('2000.01', TWO_ITEMS, '24000.00')).toMatchObject({ outcome: 'rejected', code: '-621018' });
  });

  it('example 7: cum 21,500.00 + single item 5,200.00 = 26,700.00 → rejected (R5b needs the total ≤ 26,000)', () => {
    expect(decide('5200.00', ONE, '21500.00')).toMatchObject({ outcome: 'rejected', code: '-621018' });
  });

  it('example 8: return applied on day 20, goods back on day 40 → tax 138.36 not collected, cum 10,000.00 → 9,400.00', () => {
    const releasedAt = new Date('2026-03-01T10:00:00+08:00');
    const r = checkReturn({
      releasedAt,
      appliedAt: new Date('2026-03-21T09:00:00+08:00'),
      arrivedAt: new Date('2026-04-10T15:00:00+08:00'),
    });
    expect(r).toEqual({ eligible: true, appliedDay: 20, arrivedDay: 40 });
    // The buyer's purchases: 9,400.00 of others and the 600.00 serum of example 2; the return takes the serum out.
    const purchases = [
      { releasedAt: new Date('2026-01-15T12:00:00+08:00'), amount: d('9400.00') },
      { releasedAt, amount: d('600.00') },
    ];
    expect(annualUsage(purchases, releasedAt).toFixed(2)).toBe('10000.00');
    const afterReturn = purchases.map((p) => (p.releasedAt === releasedAt ? { ...p, returned: r.eligible } : p));
    expect(annualUsage(afterReturn, releasedAt).toFixed(2)).toBe('9400.00');
  });

  it('example 8: return applied on day 31 → no adjustment', () => {
    const r = checkReturn({
      releasedAt: new Date('2026-03-01T10:00:00+08:00'),
      appliedAt: new Date('2026-04-01T10:00:00+08:00'),
      arrivedAt: new Date('2026-04-05T10:00:00+08:00'),
    });
    expect(r.eligible).toBe(false);
    expect(r.appliedDay).toBe(31);
    if (!r.eligible) expect(r.messageZh).toContain('30天');
  });
});

describe('return windows (GACC 2020 No. 45): apply within 30 days, goods back within 45, Shanghai calendar days', () => {
  const releasedAt = new Date('2026-03-01T23:30:00+08:00');
  const day = (n: number, time = '00:10') =>
    new Date(`${new Date(Date.UTC(2026, 2, 1 + n)).toISOString().slice(0, 10)}T${time}:00+08:00`);

  it('day 30 / day 45 are within; day 31 / day 46 are not', () => {
    expect(checkReturn({ releasedAt, appliedAt: day(30, '23:59'), arrivedAt: day(45, '23:59') }).eligible).toBe(true);
    expect(checkReturn({ releasedAt, appliedAt: day(31), arrivedAt: day(40) }).eligible).toBe(false);
    const late = checkReturn({ releasedAt, appliedAt: day(10), arrivedAt: day(46) });
    expect(late).toMatchObject({ eligible: false, arrivedDay: 46 });
  });

  it('goods not yet back: not (yet) eligible; a return before the release is an error', () => {
    expect(checkReturn({ releasedAt, appliedAt: day(5) })).toMatchObject({ eligible: false, arrivedDay: null });
    expect(() => checkReturn({ releasedAt, appliedAt: new Date('2026-02-28T10:00:00+08:00') })).toThrow(RangeError);
  });
});

describe('the calendar year in Asia/Shanghai', () => {
  it('2025-12-31T15:59:59Z is still 2025 in Shanghai; 2025-12-31T16:00:00Z is 2026-01-01 00:00', () => {
    expect(shanghaiDate(new Date('2025-12-31T15:59:59.999Z'))).toBe('2025-12-31');
    expect(shanghaiYear(new Date('2025-12-31T15:59:59.999Z'))).toBe(2025);
    expect(shanghaiDate(new Date('2025-12-31T16:00:00.000Z'))).toBe('2026-01-01');
    expect(shanghaiYear(new Date('2025-12-31T16:00:00.000Z'))).toBe(2026);
  });

  it('purchases released before Shanghai midnight count for the old year, after it for the new one', () => {
    const purchases = [
      { releasedAt: new Date('2025-12-31T23:59:59+08:00'), amount: d('25000.00') },
      { releasedAt: new Date('2026-01-01T00:00:00+08:00'), amount: d('100.00') },
    ];
    expect(annualUsage(purchases, new Date('2025-12-31T23:59:59.999+08:00')).toFixed(2)).toBe('25000.00');
    expect(annualUsage(purchases, new Date('2026-01-01T00:00:00+08:00')).toFixed(2)).toBe('100.00');
    // The same 1,500.00 order: rejected on New Year's Eve, within on New Year's Day.
    const eve = annualUsage(purchases, new Date('2025-12-31T23:00:00+08:00'));
    const newYear = annualUsage(purchases, new Date('2026-01-01T01:00:00+08:00'));
    expect(checkLimits({ orderAmount: d('1500.00'), quantities: ONE, usedThisYear: eve }, POLICY).outcome).toBe(
      'rejected',
    );
    expect(checkLimits({ orderAmount: d('1500.00'), quantities: ONE, usedThisYear: newYear }, POLICY).outcome).toBe(
      'within-limits',
    );
  });

  it('days between business dates; the third Wednesday (2025-02 → 2025-02-19, business-rules.md §4.4)', () => {
    expect(daysBetween('2025-12-31', '2026-01-01')).toBe(1);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(thirdWednesday('2025-02')).toBe('2025-02-19');
    expect(thirdWednesday('2025-03')).toBe('2025-03-19');
    expect(thirdWednesday('2026-10')).toBe('2026-10-21');
    expect(thirdWednesday('2026-07')).toBe('2026-07-15');
  });
});
