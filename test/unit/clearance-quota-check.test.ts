import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/kernel/money.js';
import {
  CONSENT_VALID_HOURS,
  checkConsentTime,
  minuteWindow,
  QuotaCheckThrottled,
  quotaAnswer,
  retryAfterSeconds,
  sameConsent,
  shanghaiDayWindow,
} from '../../src/modules/clearance/rules/import/quota-check.js';

const d = Decimal.parse;
const base = {
  year: 2026,
  annualLimit: d('26000'),
  singleLimit: d('5000'),
  basis: 'order' as const,
  disclose: false,
};

describe('quota pre-check answer: whether the amount fits, with the limits; the amount left only when asked', () => {
  it('25,790.00 left: 100.00 fits, and the amount left is not told', () => {
    const a = quotaAnswer({ ...base, used: d('210.00'), amount: d('100') });
    expect(a).toEqual({
      year: 2026,
      annualLimit: '26000.00',
      singleLimit: '5000.00',
      basis: 'order',
      amount: '100.00',
      fits: true,
      exceeds: [],
    });
    expect(a).not.toHaveProperty('remaining');
  });

  it('exactly the single limit (5,000.00) and exactly what is left fit ("exceeds" is strictly greater)', () => {
    expect(quotaAnswer({ ...base, used: d('21000'), amount: d('5000.00') }).fits).toBe(true);
    expect(quotaAnswer({ ...base, used: d('21000.01'), amount: d('5000.00') }).exceeds).toEqual(['annual-limit']);
    expect(quotaAnswer({ ...base, used: d('0'), amount: d('5000.01') }).exceeds).toEqual(['single-limit']);
    expect(quotaAnswer({ ...base, used: d('25000'), amount: d('6000') }).exceeds).toEqual([
      'single-limit',
      'annual-limit',
    ]);
  });

  it('with the buyer’s consent to see it: the amount left (never below 0), with or without an amount', () => {
    expect(quotaAnswer({ ...base, used: d('210'), amount: null, disclose: true, basis: 'consent' })).toEqual({
      year: 2026,
      annualLimit: '26000.00',
      singleLimit: '5000.00',
      basis: 'consent',
      remaining: '25790.00',
    });
    expect(quotaAnswer({ ...base, used: d('26000'), amount: d('0.01'), disclose: true })).toMatchObject({
      remaining: '0.00',
      fits: false,
    });
  });
});

describe('attested consent: usable from when it was given, for 24 hours, for one buyer and scope', () => {
  const now = new Date('2026-11-28T10:00:00Z');
  it('given a minute ago: usable; 24 hours ago exactly: usable; a second more: expired', () => {
    expect(checkConsentTime('2026-11-28T09:59:00Z', now).ok).toBe(true);
    expect(checkConsentTime('2026-11-27T10:00:00Z', now).ok).toBe(true);
    expect(checkConsentTime('2026-11-27T09:59:59Z', now)).toMatchObject({ ok: false, code: 'CONSENT_EXPIRED' });
    expect(CONSENT_VALID_HOURS).toBe(24);
  });
  it('dated up to 5 minutes ahead (clock skew): usable; later: refused as in the future', () => {
    expect(checkConsentTime('2026-11-28T18:05:00+08:00', now).ok).toBe(true);
    expect(checkConsentTime('2026-11-28T10:05:01Z', now)).toMatchObject({ ok: false, code: 'CONSENT_IN_FUTURE' });
  });
  it('a recorded reference is reused only for the same buyer and scope', () => {
    const rec = { buyerHash: 'h1', scope: 'fits', givenAt: now };
    expect(sameConsent(rec, 'h1', 'fits')).toBe(true);
    expect(sameConsent(rec, 'h2', 'fits')).toBe(false);
    expect(sameConsent(rec, 'h1', 'remaining')).toBe(false);
  });
});

describe('rate-limit windows and Retry-After', () => {
  it('per minute: the window ends at the next whole minute; Retry-After is at least 1 s', () => {
    const now = new Date('2026-11-28T10:00:59.500Z');
    const w = minuteWindow(now);
    expect(w.start.toISOString()).toBe('2026-11-28T10:00:00.000Z');
    expect(retryAfterSeconds(w, now)).toBe(1);
    expect(retryAfterSeconds(minuteWindow(new Date('2026-11-28T10:00:00Z')), new Date('2026-11-28T10:00:00Z'))).toBe(
      60,
    );
  });
  it('per buyer: the Asia/Shanghai day (16:00Z is already the next day)', () => {
    const w = shanghaiDayWindow(new Date('2026-11-28T16:00:00Z'));
    expect(w.start.toISOString()).toBe('2026-11-28T16:00:00.000Z');
    expect(w.end.toISOString()).toBe('2026-11-29T16:00:00.000Z');
  });
  it('the refusal is a 429 in the error shape, in both languages', () => {
    const e = new QuotaCheckThrottled(42, 'enterprise', 60);
    expect(e).toMatchObject({ status: 429, code: 'TOO_MANY_QUOTA_CHECKS', retryAfterSeconds: 42 });
    expect(e.messageZh).toContain('42 秒');
    expect(e.messageEn).toContain('60 per enterprise per minute');
  });
});
