import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCeb } from '../../src/modules/declaration/ceb/codec.js';
import { auditLog } from '../../src/platform/audit/schema.js';
import { BUYER, orderMessage, orderRecord, PARTIES } from '../support/ceb.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/**
 * Personal information (platform rule: every read of it in clear is audited). The raw body of a declared message
 * holds the buyer's ID number and phone: each read of `GET /api/v1/messages/{id}/body` states its purpose and leaves
 * one audit entry naming the reader, the role, the message, its sender and the purpose.
 */
describe('reading a raw message body is audited by who, role and purpose', () => {
  let t: TestPlatform;
  let key: string;
  let messageId: string;
  let ebp: string;
  let customs: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    key = (await t.p.identity.createApiKey({ name: 'test' }, PARTIES.ebp, 'ebp system', null)).secret;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      payload: buildCeb(orderMessage([orderRecord({ orderNo: 'PI-BODY-0001' })])),
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/xml', accept: 'application/json' },
    });
    expect(res.statusCode, res.body).toBe(200);
    messageId = res.json().receipt.messageId;
    [ebp, customs] = await Promise.all([login(t.app, 'ebp.demo'), login(t.app, 'customs.demo')]);
  });
  afterAll(() => t.close());

  const reads = () =>
    t.p.dbh.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'declaration.body-read'), eq(auditLog.targetId, messageId)))
      .orderBy(auditLog.seq);
  const read = (headers: Record<string, string>, query: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1/messages/${messageId}/body${query}`, headers });

  it('a read without a purpose is refused (400, bilingual, on querystring.purpose) and reads nothing', async () => {
    for (const query of ['', '?purpose=', '?purpose=%20%20', '?purpose=x']) {
      const res = await read({ cookie: customs }, query);
      expect(res.statusCode, `${query}: ${res.body}`).toBe(400);
      const e = res.json().error;
      expect(e.details).toEqual([expect.objectContaining({ path: 'querystring.purpose' })]);
      expect(e.details[0].message).toMatch(/用途/);
      expect(e.details[0].messageEn).toMatch(/purpose/);
      expect(res.body).not.toContain(BUYER.idNumber);
    }
    const over = await read({ cookie: customs }, `?purpose=${'查'.repeat(201)}`);
    expect(over.statusCode).toBe(400);
    expect(await reads()).toHaveLength(0);
  });

  it('a customs officer reading the body leaves an entry: reader, role, message, sender, purpose', async () => {
    const res = await read({ cookie: customs }, `?purpose=${encodeURIComponent('核查三单对碰差异')}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain('PI-BODY-0001');
    const [entry, ...more] = await reads();
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      actorName: 'customs.demo',
      actorRole: 'customs',
      targetType: 'message',
      targetId: messageId,
      enterpriseUscc: PARTIES.ebp,
      requestId: res.headers['x-request-id'],
    });
    expect(entry?.actorUserId).toBeTruthy();
    expect(entry?.summary).toMatchObject({
      sender: PARTIES.ebp,
      messageType: 'CEB311Message',
      purpose: '核查三单对碰差异',
    });
    // the entry itself holds no personal information in clear
    expect(JSON.stringify(entry)).not.toContain(BUYER.idNumber);
    expect(JSON.stringify(entry)).not.toContain(BUYER.phone);
  });

  it('150 reads (the reproduction) leave 150 entries; the sender’s own reads and its API key’s are audited too', async () => {
    const before = (await reads()).length;
    for (let i = 0; i < 150; i++) {
      const who: Record<string, string> =
        i % 3 === 0 ? { cookie: ebp } : i % 3 === 1 ? { authorization: `Bearer ${key}` } : { cookie: customs };
      const res = await read(who, `?purpose=${encodeURIComponent(`排查回执 ${i}`)}`);
      expect(res.statusCode).toBe(200);
    }
    const entries = (await reads()).slice(before);
    expect(entries).toHaveLength(150);
    expect(new Set(entries.map((e) => e.actorRole))).toEqual(new Set(['enterprise_admin', 'api_key', 'customs']));
    expect(entries.map((e) => (e.summary as { purpose: string }).purpose)).toEqual(
      Array.from({ length: 150 }, (_, i) => `排查回执 ${i}`),
    );
    expect(await t.p.audit.verify()).toMatchObject({ ok: true });
  });

  it('no other read route returns the personal data in clear (the demo lists and tax bills included)', async () => {
    const admin = await login(t.app, 'admin', t.adminPassword);
    const urls = [
      '/api/v1/messages?pageSize=200',
      `/api/v1/messages/${messageId}`,
      '/api/v1/clearance/lists?pageSize=200',
      '/api/v1/tax/bills?pageSize=200',
      '/api/v1/audit?pageSize=200',
      `/api/v1/enterprises/${PARTIES.ebp}`,
    ];
    const lists = await t.app.inject({ method: 'GET', url: urls[2] as string, headers: { cookie: admin } });
    for (const l of lists.json().items as { id: string }[]) urls.push(`/api/v1/clearance/lists/${l.id}`);
    expect(urls.length).toBeGreaterThan(6);
    for (const url of urls) {
      for (const who of [{ cookie: admin }, { cookie: customs }, { cookie: ebp }]) {
        const res = await t.app.inject({ method: 'GET', url, headers: who });
        if (res.statusCode === 403) continue; // (the audit log is not the enterprise's)
        expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200);
        for (const secret of [BUYER.idNumber, BUYER.phone, '庆阳路 1 号']) expect(res.body, url).not.toContain(secret);
      }
    }
    const feed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/receipts?after=0&limit=1000',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(feed.statusCode).toBe(200);
    expect(feed.body).not.toContain(BUYER.idNumber);
  });

  it('another enterprise gets 404 and leaves no entry (nothing was read)', async () => {
    const before = (await reads()).length;
    const other = await login(t.app, 'ebc.demo');
    const res = await read({ cookie: other }, '?purpose=%E6%9F%A5%E7%9C%8B');
    expect(res.statusCode).toBe(404);
    expect(await reads()).toHaveLength(before);
  });
});
