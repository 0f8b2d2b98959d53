/**
 * The buyer quota pre-check (个人年度额度预检) for a checkout: the rules, pure (no I/O). What the check may tell,
 * to whom, on what basis, how often:
 *
 * - **Who asks**: an enterprise filed (and in force) as e-commerce platform (ebp) or e-commerce enterprise (ebc):
 *   the parties that sell to the buyer and withhold the tax. Payment, logistics, warehouse firms and agents do not.
 * - **Basis**: the buyer is a buyer of one of the enterprise's own declared orders (the hub's keyed hash of the
 *   buyer's name and ID on the order equals the one asked about), or the enterprise attests the buyer's consent
 *   (`consent`: its own reference of the consent record, when the buyer gave it, and what the buyer agreed to). The
 *   platform records the attestation (one reference names one buyer, for 24 hours) and audits every check; it
 *   cannot see the buyer's act itself: the enterprise answers for it, and customs can ask it for the record.
 * - **Answer**: whether the amount fits (single and annual limits), with the limits — never the purchases, and the
 *   amount left only when the buyer's consent says the buyer asked for it (`scope: 'remaining'`).
 * - **How often**: per enterprise per minute, and per enterprise and buyer per Asia/Shanghai day (429 + Retry-After),
 *   so that fits/does-not-fit answers cannot be bisected into the amount left at scale.
 */
import { Decimal } from '../../../../kernel/money.js';
import { addDays, type BusinessDate, shanghaiDate } from '../../../../kernel/time.js';
import { AppError } from '../../../../platform/http/errors.js';

/** What the buyer agreed to: that the enterprise learns whether an order fits, or also the amount left. */
export const CONSENT_SCOPES = ['fits', 'remaining'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/** How long an attested consent may be relied on after it was given (a checkout, not a standing permission). */
export const CONSENT_VALID_HOURS = 24;
/** Clock difference tolerated between the enterprise's system and the platform. */
export const CONSENT_CLOCK_SKEW_MS = 5 * 60_000;

export type AttestedConsent = { reference: string; givenAt: string; scope: ConsentScope };

export type ConsentCheck =
  | { ok: true; givenAt: Date }
  | { ok: false; code: 'CONSENT_IN_FUTURE' | 'CONSENT_EXPIRED'; messageZh: string; messageEn: string };

/** A consent is usable from when it was given (5 minutes of clock skew aside) for CONSENT_VALID_HOURS. */
export function checkConsentTime(givenAtIso: string, now: Date): ConsentCheck {
  const givenAt = new Date(givenAtIso);
  if (Number.isNaN(givenAt.getTime())) {
    return { ok: false, code: 'CONSENT_EXPIRED', messageZh: '同意时间无效', messageEn: 'givenAt is not a time' };
  }
  if (givenAt.getTime() > now.getTime() + CONSENT_CLOCK_SKEW_MS) {
    return {
      ok: false,
      code: 'CONSENT_IN_FUTURE',
      messageZh: '购买人同意的时间晚于当前时间',
      messageEn: "The buyer's consent is dated in the future",
    };
  }
  if (now.getTime() - givenAt.getTime() > CONSENT_VALID_HOURS * 3_600_000) {
    return {
      ok: false,
      code: 'CONSENT_EXPIRED',
      messageZh: `购买人同意已超过 ${CONSENT_VALID_HOURS} 小时，请重新征得同意`,
      messageEn: `The buyer's consent is older than ${CONSENT_VALID_HOURS} hours: ask the buyer again`,
    };
  }
  return { ok: true, givenAt };
}

/** A consent reference recorded earlier: reusing it must name the same buyer and scope. */
export type RecordedConsent = { buyerHash: string; scope: string; givenAt: Date };

export function sameConsent(recorded: RecordedConsent, buyerHash: string, scope: ConsentScope): boolean {
  return recorded.buyerHash === buyerHash && recorded.scope === scope;
}

// ---- rate limits --------------------------------------------------------------------------------------------

export type QuotaCheckLimits = {
  /** Checks per enterprise per minute (CBEC_QUOTA_CHECKS_PER_MINUTE). */
  perMinute: number;
  /** Checks per enterprise and buyer per Asia/Shanghai day (CBEC_QUOTA_CHECKS_PER_BUYER_DAY). */
  perBuyerPerDay: number;
};

export const DEFAULT_QUOTA_CHECK_LIMITS: QuotaCheckLimits = { perMinute: 60, perBuyerPerDay: 10 };

/** A counting window: its start and when the next one begins. */
export type Window = { start: Date; end: Date };

export function minuteWindow(now: Date): Window {
  const start = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  return { start, end: new Date(start.getTime() + 60_000) };
}

/** The Asia/Shanghai calendar day of `now` (UTC+8, no daylight saving). */
export function shanghaiDayWindow(now: Date): Window {
  const day: BusinessDate = shanghaiDate(now);
  const start = new Date(`${day}T00:00:00+08:00`);
  return { start, end: new Date(`${addDays(day, 1)}T00:00:00+08:00`) };
}

/** Whole seconds until the window ends, at least 1 (the Retry-After header). */
export function retryAfterSeconds(window: Window, now: Date): number {
  return Math.max(1, Math.ceil((window.end.getTime() - now.getTime()) / 1000));
}

/** 429 with the seconds to wait (the route sends them as Retry-After). */
export class QuotaCheckThrottled extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    readonly limit: 'enterprise' | 'buyer',
    max: number,
  ) {
    super(
      429,
      'TOO_MANY_QUOTA_CHECKS',
      limit === 'enterprise'
        ? `额度预检过于频繁：每个企业每分钟最多 ${max} 次，请 ${retryAfterSeconds} 秒后再试`
        : `同一购买人的额度预检过于频繁：每个企业每天最多 ${max} 次，请明天再试`,
      limit === 'enterprise'
        ? `Too many quota checks: at most ${max} per enterprise per minute; retry in ${retryAfterSeconds} s`
        : `Too many quota checks for this buyer: at most ${max} per enterprise per day; retry tomorrow`,
    );
  }
}

// ---- the answer ---------------------------------------------------------------------------------------------

export type QuotaBasis = 'order' | 'consent';
export type Exceeded = 'single-limit' | 'annual-limit';

export type QuotaAnswer = {
  year: number;
  annualLimit: string;
  singleLimit: string;
  basis: QuotaBasis;
  consentReference?: string;
  amount?: string;
  fits?: boolean;
  /** Which limits the amount exceeds (empty when it fits). */
  exceeds?: Exceeded[];
  /** The amount left this year: only when the buyer's consent asked for it. */
  remaining?: string;
};

/** What the check answers: whether `amount` fits, and the amount left only when `disclose` (the buyer asked). */
export function quotaAnswer(input: {
  year: number;
  annualLimit: Decimal;
  singleLimit: Decimal;
  used: Decimal;
  amount: Decimal | null;
  basis: QuotaBasis;
  consentReference?: string;
  disclose: boolean;
}): QuotaAnswer {
  const remaining = Decimal.max(input.annualLimit.sub(input.used), Decimal.ZERO);
  const out: QuotaAnswer = {
    year: input.year,
    annualLimit: input.annualLimit.toFixed(2),
    singleLimit: input.singleLimit.toFixed(2),
    basis: input.basis,
    ...(input.consentReference !== undefined ? { consentReference: input.consentReference } : {}),
  };
  if (input.amount) {
    // "exceeds" is strictly greater: exactly the single limit, or exactly what is left, fits
    const exceeds: Exceeded[] = [];
    if (input.amount.gt(input.singleLimit)) exceeds.push('single-limit');
    if (input.amount.gt(remaining)) exceeds.push('annual-limit');
    Object.assign(out, { amount: input.amount.toFixed(2), fits: exceeds.length === 0, exceeds });
  }
  if (input.disclose) out.remaining = remaining.toFixed(2);
  return out;
}
