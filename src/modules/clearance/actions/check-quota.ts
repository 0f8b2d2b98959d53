import { Decimal } from '../../../kernel/money.js';
import { shanghaiDate } from '../../../kernel/time.js';
import type { Actor } from '../../../platform/audit/audit.js';
import type { Queryable } from '../../../platform/db/client.js';
import { AppError } from '../../../platform/http/errors.js';
import { isBuyerOfDeclaredOrder, personHash } from '../../declaration/port.js';
import type { ClearanceContext } from '../context.js';
import { policyOn, RETAIL_IMPORT_POLICIES } from '../rules/import/limits.js';
import {
  type AttestedConsent,
  checkConsentTime,
  DEFAULT_QUOTA_CHECK_LIMITS,
  minuteWindow,
  type QuotaAnswer,
  type QuotaBasis,
  QuotaCheckThrottled,
  quotaAnswer,
  retryAfterSeconds,
  sameConsent,
  shanghaiDayWindow,
} from '../rules/import/quota-check.js';
import { quotaStore } from '../store/quota.js';

/** The audit action of a quota pre-check (its domain: src/platform/audit/domains.ts). */
export const QUOTA_CHECK_ACTION = 'clearance.quota-checked';

export type QuotaCheckInput = {
  buyerName: string;
  buyerIdType: string;
  buyerIdNumber: string;
  amount?: string;
  consent?: AttestedConsent;
};

/**
 * The checkout's pre-check (个人年度额度预检, rules in quota-check.ts): for enterprise `uscc`, filed as ebp or ebc,
 * about a buyer of one of its declared orders or with the buyer's attested consent; whether `amount` fits, with the
 * limits, and the amount left only when the consent's scope is `remaining`. Rate-limited per enterprise and per
 * enterprise and buyer; every check (answered or refused; the first throttled one of a window) is audited with the
 * buyer's keyed hash only.
 */
export async function checkQuota(
  ctx: ClearanceContext,
  actor: Actor,
  uscc: string,
  input: QuotaCheckInput,
): Promise<QuotaAnswer> {
  const now = ctx.clock();
  const limits = ctx.opts.quotaChecks ?? DEFAULT_QUOTA_CHECK_LIMITS;
  const buyer = personHash(ctx.pi, input.buyerName, input.buyerIdType, input.buyerIdNumber);
  const consent = input.consent;
  const context = {
    ...(input.amount !== undefined ? { amount: input.amount } : {}),
    ...(consent ? { consent: { reference: consent.reference, scope: consent.scope, givenAt: consent.givenAt } } : {}),
  };
  const audit = (q: Queryable, outcome: string, extra: Record<string, unknown> = {}) =>
    ctx.audit.append(q, actor, {
      action: QUOTA_CHECK_ACTION,
      targetType: 'buyer',
      targetId: buyer,
      enterpriseUscc: uscc,
      summary: { outcome, ...context, ...extra },
    });
  const refuse = async (outcome: string, error: AppError, extra: Record<string, unknown> = {}): Promise<never> => {
    await ctx.db.transaction((tx) => audit(tx, outcome, extra));
    throw error;
  };

  // every attempt counts, refused ones too, so that probing is throttled like asking
  const minute = minuteWindow(now);
  const n = await quotaStore.countQuotaCheck(ctx.db, `ent:${uscc}`, minute.start);
  if (n > limits.perMinute) {
    const e = new QuotaCheckThrottled(retryAfterSeconds(minute, now), 'enterprise', limits.perMinute);
    if (n === limits.perMinute + 1) await refuse('throttled', e, { limit: 'enterprise' });
    throw e;
  }
  const party = (await ctx.filing.resolveCodes([uscc])).get(uscc);
  if (!party?.filed || !party.roles.some((r) => r === 'ebp' || r === 'ebc')) {
    await refuse(
      'refused-role',
      new AppError(
        403,
        'NOT_EBP_OR_EBC',
        '只有备案为电商平台或电商企业（ebp/ebc）的企业可以为结算预检购买人额度',
        'Only an enterprise filed as e-commerce platform or e-commerce enterprise (ebp/ebc) may pre-check a buyer’s quota',
      ),
    );
  }
  const day = shanghaiDayWindow(now);
  const m = await quotaStore.countQuotaCheck(ctx.db, `buyer:${uscc}:${buyer}`, day.start);
  if (m > limits.perBuyerPerDay) {
    const e = new QuotaCheckThrottled(retryAfterSeconds(day, now), 'buyer', limits.perBuyerPerDay);
    if (m === limits.perBuyerPerDay + 1) await refuse('throttled', e, { limit: 'buyer' });
    throw e;
  }

  let basis: QuotaBasis = 'order';
  if (consent) {
    basis = 'consent';
    const recorded = await quotaStore.recordQuotaConsent(ctx.db, {
      enterpriseUscc: uscc,
      reference: consent.reference,
      buyerHash: buyer,
      scope: consent.scope,
      givenAt: new Date(consent.givenAt),
      recordedBy: actor.name ?? 'unknown',
    });
    if (!sameConsent(recorded, buyer, consent.scope)) {
      await refuse(
        'refused-consent',
        new AppError(
          409,
          'CONSENT_REFERENCE_REUSED',
          `同意记录 ${consent.reference} 已用于其他购买人或其他范围：每次同意只针对一名购买人`,
          `Consent ${consent.reference} was recorded for another buyer or scope: one consent names one buyer`,
          [
            {
              path: 'consent.reference',
              message: '已用于其他购买人或范围',
              messageEn: 'used for another buyer or scope',
            },
          ],
        ),
        { reason: 'reference-reused' },
      );
    }
    // the consent as first recorded decides: a reference cannot be refreshed by sending a newer time
    const time = checkConsentTime(recorded.givenAt.toISOString(), now);
    if (!time.ok) {
      await refuse(
        'refused-consent',
        new AppError(422, time.code, time.messageZh, time.messageEn, [
          { path: 'consent.givenAt', message: time.messageZh, messageEn: time.messageEn, code: time.code },
        ]),
        { reason: time.code },
      );
    }
  } else {
    const codes = await ctx.filing.codesOf(uscc);
    if (!(await isBuyerOfDeclaredOrder(ctx.db, codes, buyer))) {
      await refuse(
        'refused-no-basis',
        new AppError(
          403,
          'NO_BASIS',
          '该购买人不是本企业已申报订单的购买人，且未提供购买人同意（consent）：不能预检其额度',
          'This person is not a buyer of any of your declared orders and no buyer consent was given: no quota check',
        ),
      );
    }
  }

  const on = shanghaiDate(now);
  const year = Number(on.slice(0, 4));
  const policy = policyOn(on, RETAIL_IMPORT_POLICIES);
  return ctx.db.transaction(async (tx) => {
    const answer = quotaAnswer({
      year,
      annualLimit: policy.annualLimit,
      singleLimit: policy.singleLimit,
      used: await ctx.quota.used(buyer, year, tx),
      amount: input.amount !== undefined ? Decimal.parse(input.amount) : null,
      basis,
      ...(consent ? { consentReference: consent.reference } : {}),
      disclose: consent?.scope === 'remaining',
    });
    const outcome = answer.fits === undefined ? 'remaining-disclosed' : answer.fits ? 'fits' : 'does-not-fit';
    await audit(tx, outcome, {
      basis,
      ...(answer.exceeds ? { exceeds: answer.exceeds } : {}),
      ...(answer.remaining !== undefined ? { remainingDisclosed: true } : {}),
    });
    return answer;
  });
}
