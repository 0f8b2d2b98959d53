import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumberCheckDigit } from '../../src/kernel/codes/id-number.js';
import type { CebMessage, CebRecord } from '../../src/modules/declaration/ceb/codec.js';
import { personHash } from '../../src/modules/declaration/records.js';
import { auditLog } from '../../src/platform/audit/schema.js';
import { BUYER, orderMessage, orderRecord, PARTIES } from '../support/ceb.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/** A valid resident ID number (GB 11643) born 1990-01-01 in 110105, sequence `seq`. */
const idNumber = (seq: number) => {
  const first17 = `11010519900101${String(seq).padStart(3, '0')}`;
  return first17 + idNumberCheckDigit(first17);
};

/**
 * The quota pre-check (POST /api/v1/quota/check) tells only what a checkout needs (platform rule: personal data
 * on a need-to-know basis, every access audited): only to an e-commerce platform or enterprise (ebp/ebc), only for
 * a buyer of one of its own declared orders or with the buyer's attested consent, rate-limited, audited, and it
 * answers whether the amount fits — the amount left only when the buyer's consent asks for it.
 *
 * Demo enterprises (src/app/demo.ts): 1 ebp + ebc, 2 ebc, 3 payment, 4 logistics + agent, 5 warehouse.
 */
describe('buyer quota pre-check: need to know only', () => {
  let t: TestPlatform;
  const keys: Record<string, string> = {};
  const KNOWN = { name: BUYER.name, idNumber: idNumber(501) }; // a buyer of enterprise 1's order
  const STRANGER = { name: '李小红', idNumber: idNumber(502) }; // nobody's buyer

  beforeAll(async () => {
    t = await startTestPlatform({ config: { jsonDeclarations: 'accept' } });
    for (const [role, uscc] of Object.entries(PARTIES)) {
      keys[role] = (await t.p.identity.createApiKey({ name: 'test' }, uscc, `${role} system`, null)).secret;
    }
    const order = orderRecord({ orderNo: 'QC-0001' });
    Object.assign(order.OrderHead as CebRecord, { buyerIdNumber: KNOWN.idNumber, buyerName: KNOWN.name });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      payload: orderMessage([order]) as unknown as CebMessage as object,
      headers: { authorization: `Bearer ${keys.ebp}`, 'content-type': 'application/json' },
    });
    expect(res.statusCode, res.body).toBe(200);
  });
  afterAll(() => t.close());

  const check = (key: string | undefined, payload: object) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/quota/check',
      payload,
      headers: { authorization: `Bearer ${key}` },
    });
  const ask = (who: { name: string; idNumber: string }, extra: object = {}) => ({
    buyerName: who.name,
    buyerIdType: '1',
    buyerIdNumber: who.idNumber,
    ...extra,
  });
  const hashOf = (who: { name: string; idNumber: string }) => personHash(t.p.pi, who.name, '1', who.idNumber);
  const entriesFor = (who: { name: string; idNumber: string }) =>
    t.p.dbh.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'clearance.quota-checked'), eq(auditLog.targetId, hashOf(who))))
      .orderBy(auditLog.seq);
  const now = () => new Date().toISOString();

  it('the reproduction: a payment or logistics enterprise’s key learns nothing (403), and the attempt is audited', async () => {
    for (const role of ['pay', 'logistics', 'warehouse']) {
      const res = await check(keys[role], ask(KNOWN, { amount: '100.00' }));
      expect(res.statusCode, `${role}: ${res.body}`).toBe(403);
      expect(res.json().error.code).toBe('NOT_EBP_OR_EBC');
      expect(res.json().error.message).toMatch(/电商平台或电商企业/);
      expect(res.body).not.toMatch(/remaining|26000/);
    }
    const refused = (await entriesFor(KNOWN)).filter(
      (e) => (e.summary as { outcome: string }).outcome === 'refused-role',
    );
    expect(refused.map((e) => e.enterpriseUscc).sort()).toEqual(
      [PARTIES.logistics, PARTIES.pay, PARTIES.warehouse].sort(),
    );
  });

  it('the reproduction: an ebp key asking about anyone by name and ID, without consent, is refused (403 NO_BASIS)', async () => {
    const res = await check(keys.ebp, ask(STRANGER, { amount: '100.00' }));
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('NO_BASIS');
    expect(res.json().error.messageEn).toMatch(/consent/);
    // another e-commerce enterprise does not inherit enterprise 1's buyers
    const ebc = await check(keys.ebc, ask(KNOWN, { amount: '100.00' }));
    expect(ebc.statusCode).toBe(403);
    expect(ebc.json().error.code).toBe('NO_BASIS');
  });

  it('a buyer of its own declared order: whether the amount fits, with the limits, never the amount left', async () => {
    const fits = await check(keys.ebp, ask(KNOWN, { amount: '5000.00' }));
    expect(fits.statusCode, fits.body).toBe(200);
    expect(fits.json()).toEqual({
      year: expect.any(Number),
      annualLimit: '26000.00',
      singleLimit: '5000.00',
      basis: 'order',
      amount: '5000.00',
      fits: true,
      exceeds: [],
    });
    const over = await check(keys.ebp, ask(KNOWN, { amount: '5000.01' }));
    expect(over.json()).toMatchObject({ fits: false, exceeds: ['single-limit'] });
    expect(over.json()).not.toHaveProperty('remaining');
    // the amount is what the check is about: without it (and without the buyer asking for the amount left), 400
    const none = await check(keys.ebp, ask(KNOWN));
    expect(none.statusCode).toBe(400);
    expect(none.json().error.details[0].path).toBe('amount');
  });

  it('with the buyer’s attested consent: a new buyer may be checked; the consent is recorded and audited', async () => {
    const consent = { reference: 'CONSENT-0001', givenAt: now(), scope: 'fits' };
    const res = await check(keys.ebc, ask(STRANGER, { amount: '199.00', consent }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ basis: 'consent', consentReference: 'CONSENT-0001', fits: true });
    expect(res.json()).not.toHaveProperty('remaining');
    const [entry] = (await entriesFor(STRANGER)).filter((e) => e.enterpriseUscc === PARTIES.ebc);
    expect(entry).toMatchObject({ actorRole: 'api_key', targetType: 'buyer', targetId: hashOf(STRANGER) });
    expect(entry?.summary).toMatchObject({
      outcome: 'fits',
      basis: 'consent',
      consent: { reference: 'CONSENT-0001', scope: 'fits', givenAt: consent.givenAt },
      amount: '199.00',
    });
    // the buyer by keyed hash only: neither the name nor the ID number in the audit log
    const all = JSON.stringify(await entriesFor(STRANGER));
    expect(all).not.toContain(STRANGER.idNumber);
    expect(all).not.toContain(STRANGER.name);
  });

  it('the amount left only when the buyer asked for it (consent scope "remaining")', async () => {
    const consent = { reference: 'CONSENT-0002', givenAt: now(), scope: 'remaining' };
    const res = await check(keys.ebp, ask(KNOWN, { consent }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ basis: 'consent', remaining: '26000.00' });
    expect(res.json()).not.toHaveProperty('fits');
  });

  it('one consent names one buyer and one scope (409); an old or future-dated consent is refused (422)', async () => {
    const reused = await check(
      keys.ebc,
      ask(KNOWN, { amount: '1.00', consent: { reference: 'CONSENT-0001', givenAt: now(), scope: 'fits' } }),
    );
    expect(reused.statusCode, reused.body).toBe(409);
    expect(reused.json().error.code).toBe('CONSENT_REFERENCE_REUSED');
    const widened = await check(
      keys.ebc,
      ask(STRANGER, { consent: { reference: 'CONSENT-0001', givenAt: now(), scope: 'remaining' } }),
    );
    expect(widened.statusCode).toBe(409);
    const old = new Date(Date.now() - 25 * 3_600_000).toISOString();
    const expired = await check(
      keys.ebc,
      ask(STRANGER, { amount: '1.00', consent: { reference: 'CONSENT-OLD', givenAt: old, scope: 'fits' } }),
    );
    expect(expired.statusCode).toBe(422);
    expect(expired.json().error.code).toBe('CONSENT_EXPIRED');
    expect(expired.json().error.details[0].path).toBe('consent.givenAt');
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const ahead = await check(
      keys.ebc,
      ask(STRANGER, { amount: '1.00', consent: { reference: 'CONSENT-NEW', givenAt: future, scope: 'fits' } }),
    );
    expect(ahead.json().error.code).toBe('CONSENT_IN_FUTURE');
  });

  it('enterprise users in the portal check like their keys; a user of a payment firm is refused', async () => {
    const ebp = await login(t.app, 'ebp.demo');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/quota/check',
      payload: ask(KNOWN, { amount: '10.00' }),
      headers: { cookie: ebp },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ basis: 'order', fits: true });
    const [entry] = (await entriesFor(KNOWN)).slice(-1);
    expect(entry).toMatchObject({ actorName: 'ebp.demo', actorRole: 'enterprise_admin', enterpriseUscc: PARTIES.ebp });
  });
});

describe('buyer quota pre-check: rate limits (429 + Retry-After)', () => {
  let t: TestPlatform;
  let ebp: string;
  let ebc: string;
  beforeAll(async () => {
    t = await startTestPlatform({ config: { quotaChecksPerMinute: 8, quotaChecksPerBuyerPerDay: 3 } });
    ebp = (await t.p.identity.createApiKey({ name: 'test' }, PARTIES.ebp, 'ebp', null)).secret;
    ebc = (await t.p.identity.createApiKey({ name: 'test' }, PARTIES.ebc, 'ebc', null)).secret;
  });
  afterAll(() => t.close());

  const check = (key: string, seq: number, reference = `C-${seq}-${Math.random()}`) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/quota/check',
      payload: {
        buyerName: '张三',
        buyerIdType: '1',
        buyerIdNumber: idNumber(seq),
        amount: '10.00',
        consent: { reference, givenAt: new Date().toISOString(), scope: 'fits' },
      },
      headers: { authorization: `Bearer ${key}` },
    });

  it('per buyer: the 4th check of one buyer by one enterprise in a day is refused until the next day', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await check(ebc, 700));
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 429]);
    const refused = answers[3]!;
    expect(refused.json().error).toMatchObject({ code: 'TOO_MANY_QUOTA_CHECKS' });
    expect(refused.json().error.message).toMatch(/同一购买人/);
    const wait = Number(refused.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(86_400);
    // another buyer is not affected
    expect((await check(ebc, 701)).statusCode).toBe(200);
  });

  it('per enterprise: 20 checks at once with a limit of 8 a minute → exactly 8 answered, the rest 429; refusals count too', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => check(ebp, 800 + i)));
    const codes = answers.map((r) => r.statusCode);
    // a window boundary can fall inside the burst: then the next window admits up to 8 more
    const ok = codes.filter((c) => c === 200).length;
    expect(ok === 8 || ok === 16, codes.join(',')).toBe(true);
    expect(codes.filter((c) => c === 429).length).toBe(20 - ok);
    const throttled = answers.find((r) => r.statusCode === 429)!;
    const wait = Number(throttled.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(Object.keys(throttled.json().error).sort()).toEqual([
      'code',
      'details',
      'message',
      'messageEn',
      'requestId',
    ]);
    // the limit is the enterprise's: another enterprise still gets answers
    expect((await check(ebc, 900)).statusCode).toBe(200);
  });
});
