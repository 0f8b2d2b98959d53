/**
 * Certificates the zone trusts (issue 8 §2): a registered certificate verifies messages only when a CA of the trust
 * store issued it or a customs officer approved it; self-signed and unknown-issuer certificates are refused with
 * that reason; removal of the CA, the CA's revocation (CRL) and the enterprise's own revocation end it.
 * And the issue's reproduction: an e-commerce enterprise cannot declare another party's documents, nor release a
 * list with a certificate it made itself.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSigningKey } from '../../src/app/demo-pki.js';
import { describeStartup } from '../../src/app/platform.js';
import { signedCeb } from '../../src/modules/declaration/signature/sign-message.js';
import type { CebSigningKey } from '../../src/modules/declaration/signature/xmldsig.js';
import {
  inventoryMessage,
  orderMessage,
  orderRecord,
  PARTIES,
  paymentMessage,
  waybillMessage,
} from '../support/ceb.js';
import { issueSm2, makeCrl, makeSm2Ca, makeSm2Signer, type TestCa } from '../support/certs.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

describe('signatures count only from certificates the zone trusts', () => {
  let t: TestPlatform;
  let logisticsKey: string;
  let ebcKey: string;
  let admin: string;
  let customs: string;
  let logisticsAdmin: string;
  let ebcAdmin: string;
  let ca: TestCa;
  let n = 0;

  beforeAll(async () => {
    t = await startTestPlatform();
    logisticsKey = (await t.p.identity.createApiKey({ name: 'test' }, PARTIES.logistics, 'trust', null)).secret;
    ebcKey = (await t.p.identity.createApiKey({ name: 'test' }, PARTIES.ebc, 'trust', null)).secret;
    admin = await login(t.app, 'admin', t.adminPassword);
    customs = await login(t.app, 'customs.demo');
    logisticsAdmin = await login(t.app, 'logistics.demo');
    ebcAdmin = await login(t.app, 'ebc.demo');
    ca = makeSm2Ca('【测试】未知 CA');
  });
  afterAll(async () => {
    ca?.close();
    await t.close();
  });

  const post = (url: string, payload: object, cookie: string) =>
    t.app.inject({ method: 'POST', url, payload, headers: { cookie } });

  const declare = (key: string, body: string | object) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      payload: body,
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': typeof body === 'string' ? 'application/xml' : 'application/json',
        accept: 'application/json',
      },
    });

  /** A new declared list of the demo platform, sent by the logistics firm (its declaring agent), signed with `key`. */
  const signedList = (key: CebSigningKey) => {
    n++;
    return signedCeb(inventoryMessage(`TRUST-${n}`, `TRUSTLN${n}`, `TRUSTCOP${n}`, '2'), key);
  };

  const register = async (cookie: string, uscc: string, pem: string) => {
    const r = await post(`/api/v1/enterprises/${uscc}/certificates`, { certificate: pem }, cookie);
    expect(r.statusCode, r.body).toBe(201);
    return r.json().certificate as { id: string; trust: string; caLabel: string | null; trustReason: { zh: string } };
  };

  it('the demo CA is trusted on a fresh start and the demo certificates verify at once', async () => {
    const cas = (await t.app.inject({ method: 'GET', url: '/api/v1/trust/cas', headers: { cookie: admin } })).json();
    expect(cas.items).toEqual([expect.objectContaining({ demo: true, status: 'active' })]);
    expect(cas.items[0].label).toContain('演示');
    const certs = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/enterprises/${PARTIES.logistics}/certificates`,
        headers: { cookie: logisticsAdmin },
      })
    ).json().items;
    expect(certs).toEqual([expect.objectContaining({ trust: 'ca', caLabel: cas.items[0].label })]);
    const r = await declare(logisticsKey, signedList(demoSigningKey(PARTIES.logistics) as CebSigningKey));
    expect(r.statusCode, r.body).toBe(200);
  });

  it('a self-signed certificate is refused with that reason until customs approves it; a refusal ends it', async () => {
    const signer = makeSm2Signer(PARTIES.logistics);
    const cert = await register(logisticsAdmin, PARTIES.logistics, signer.certificatePem);
    expect(cert.trust).toBe('pending');
    expect(cert.trustReason.zh).toContain('自签名');
    const refused = await declare(logisticsKey, signedList(signer));
    expect(refused.statusCode).toBe(422);
    expect(refused.json().receipt.errors).toEqual([
      expect.objectContaining({ code: '-621029', message: expect.stringContaining('自签名') }),
    ]);
    // customs sees it waiting, with the enterprise's name
    const pending = (
      await t.app.inject({ method: 'GET', url: '/api/v1/certificates/pending', headers: { cookie: customs } })
    ).json().items;
    expect(pending).toContainEqual(
      expect.objectContaining({
        id: cert.id,
        uscc: PARTIES.logistics,
        enterpriseName: expect.stringContaining('物流'),
      }),
    );
    // a note is required; the enterprise cannot approve its own certificate
    const review = `/api/v1/enterprises/${PARTIES.logistics}/certificates/${cert.id}/review`;
    expect((await post(review, { decision: 'approve', note: '' }, customs)).statusCode).toBe(400);
    expect((await post(review, { decision: 'approve', note: '自批' }, logisticsAdmin)).statusCode).toBe(403);
    expect((await post(review, { decision: 'approve', note: '已核验' }, customs)).statusCode).toBe(200);
    expect((await declare(logisticsKey, signedList(signer))).statusCode).toBe(200);
    expect((await post(review, { decision: 'reject', note: '撤回核准' }, customs)).statusCode).toBe(200);
    const after = await declare(logisticsKey, signedList(signer));
    expect(after.statusCode).toBe(422);
    expect(after.json().receipt.errors[0].message).toContain('未获海关核准');
    // the audit trail has both decisions
    const audit = (
      await t.app.inject({
        method: 'GET',
        url: '/api/v1/audit?targetId=' + PARTIES.logistics,
        headers: { cookie: admin },
      })
    ).json().items;
    const actions = audit.map((a: { action: string }) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['filing.certificate-approved', 'filing.certificate-rejected']));
  });

  it('a certificate of an unknown CA waits; once the admin trusts the CA it verifies; the CA’s CRL and its removal end it', async () => {
    const issued = issueSm2(ca, PARTIES.logistics);
    const cert = await register(logisticsAdmin, PARTIES.logistics, issued.certificatePem);
    expect(cert.trust).toBe('pending');
    expect(cert.trustReason.zh).toContain('签发机构不在');
    expect((await declare(logisticsKey, signedList(issued))).statusCode).toBe(422);

    // only the platform admin changes the trust store; a signing certificate is not a CA
    expect((await post('/api/v1/trust/cas', { certificate: ca.certificatePem, label: 'x' }, customs)).statusCode).toBe(
      403,
    );
    const notCa = await post('/api/v1/trust/cas', { certificate: issued.certificatePem, label: 'x' }, admin);
    expect(notCa.statusCode).toBe(400);
    expect(notCa.json().error.details[0].code).toBe('NOT_A_CA');
    const added = await post('/api/v1/trust/cas', { certificate: ca.certificatePem, label: '测试 CA' }, admin);
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().promoted).toBe(1);
    expect((await declare(logisticsKey, signedList(issued))).statusCode).toBe(200);

    // the CA revokes it: a CRL signed by the CA (one not signed by a trusted CA is refused)
    const other = makeSm2Ca('【测试】另一 CA');
    try {
      const foreign = await post('/api/v1/trust/crls', { crl: makeCrl(other, []) }, admin);
      expect(foreign.statusCode).toBe(400);
      expect(foreign.json().error.details[0].code).toBe('UNTRUSTED_CRL');
    } finally {
      other.close();
    }
    const crl = await post('/api/v1/trust/crls', { crl: makeCrl(ca, [issued.certificatePem]) }, admin);
    expect(crl.statusCode, crl.body).toBe(200);
    expect(crl.json()).toMatchObject({ entries: 1, added: 1 });
    const revoked = await declare(logisticsKey, signedList(issued));
    expect(revoked.statusCode).toBe(422);
    expect(revoked.json().receipt.errors[0].message).toContain('吊销');

    // another certificate of the same CA, then the CA is removed from the trust store
    const second = issueSm2(ca, PARTIES.logistics);
    expect((await register(logisticsAdmin, PARTIES.logistics, second.certificatePem)).trust).toBe('ca');
    expect((await declare(logisticsKey, signedList(second))).statusCode).toBe(200);
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/trust/cas/${added.json().ca.id}`,
      headers: { cookie: admin },
    });
    expect(removed.statusCode, removed.body).toBe(200);
    const gone = await declare(logisticsKey, signedList(second));
    expect(gone.statusCode).toBe(422);
    expect(gone.json().receipt.errors[0].message).toContain('移出信任列表');
    // trusted again: the certificates it issued verify again (linked to the new entry); the revoked one stays revoked
    const again = await post(
      '/api/v1/trust/cas',
      { certificate: ca.certificatePem, label: '测试 CA（重新信任）' },
      admin,
    );
    expect(again.statusCode, again.body).toBe(201);
    expect((await declare(logisticsKey, signedList(second))).statusCode).toBe(200);
    const stillRevoked = await declare(logisticsKey, signedList(issued));
    expect(stillRevoked.statusCode).toBe(422);
    expect(stillRevoked.json().receipt.errors[0].message).toContain('吊销');
  });

  it('a certificate its enterprise revoked no longer verifies', async () => {
    const issued = issueSm2(ca, PARTIES.logistics);
    const signer = makeSm2Signer(PARTIES.logistics);
    const cert = await register(logisticsAdmin, PARTIES.logistics, signer.certificatePem);
    await post(
      `/api/v1/enterprises/${PARTIES.logistics}/certificates/${cert.id}/review`,
      { decision: 'approve', note: '已核验' },
      customs,
    );
    expect((await declare(logisticsKey, signedList(signer))).statusCode).toBe(200);
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/enterprises/${PARTIES.logistics}/certificates/${cert.id}`,
      headers: { cookie: logisticsAdmin },
    });
    expect(del.statusCode).toBe(204);
    const r = await declare(logisticsKey, signedList(signer));
    expect(r.statusCode).toBe(422);
    expect(r.json().receipt.errors[0].message).toContain('注销');
    expect(issued.certificatePem).toContain('BEGIN CERTIFICATE');
  });

  it('issue 8 reproduction: an e-commerce enterprise cannot declare the others’ documents nor release a list with a certificate it made', async () => {
    // its own order naming the demo platform: the standard lets the e-commerce enterprise send it
    const order = orderRecord({ orderNo: 'REPRO-1', ebc: PARTIES.ebc });
    expect((await declare(ebcKey, orderMessage([order], PARTIES.ebc))).statusCode).toBe(200);
    // the payment firm's payment and the logistics firm's waybill: not its to send
    const pay = await declare(ebcKey, paymentMessage('REPRO-1', 'REPRO-PAY-1', PARTIES.ebc));
    expect(pay.statusCode).toBe(403);
    expect(pay.json().receipt.errors).toEqual([
      expect.objectContaining({ code: '-10103', path: expect.stringContaining('payCode') }),
    ]);
    const way = await declare(ebcKey, waybillMessage('REPRO-1', 'REPROLN1', PARTIES.ebc));
    expect(way.statusCode).toBe(403);
    expect(way.json().receipt.errors[0].code).toBe('-10103');
    // a list naming the logistics firm as its declaring unit: -10104; as itself, with a self-signed certificate it
    // registered: refused (-621029) until customs approves the certificate
    const list = inventoryMessage('REPRO-1', 'REPROLN1', 'REPROCOP1', '2', PARTIES.ebc);
    Object.assign(list.records[0]!.InventoryHead as object, { ebcCode: PARTIES.ebc, ebcName: '甘肃陇货' });
    const self = makeSm2Signer(PARTIES.ebc);
    const asAgent = await declare(ebcKey, signedCeb(list, self));
    expect(asAgent.statusCode).toBe(403);
    expect(asAgent.json().receipt.errors.map((e: { code: string }) => e.code)).toContain('-10104');
    Object.assign(list.records[0]!.InventoryHead as object, { agentCode: PARTIES.ebc, agentName: '甘肃陇货' });
    await register(ebcAdmin, PARTIES.ebc, self.certificatePem);
    const signedBySelf = await declare(ebcKey, signedCeb({ ...list, guid: crypto.randomUUID().toUpperCase() }, self));
    expect(signedBySelf.statusCode, signedBySelf.body).toBe(422);
    expect(signedBySelf.json().receipt.errors[0]).toMatchObject({ code: '-621029' });
    // nothing of it reached the engine
    await t.p.clearance.drain();
    const lists = (
      await t.app.inject({ method: 'GET', url: '/api/v1/clearance/lists?q=REPRO-1', headers: { cookie: ebcAdmin } })
    ).json();
    expect(lists.total).toBe(0);
  });
});

describe('a zone whose operator loaded its own CAs before the first start (CBEC_TRUSTED_CA_DIR)', () => {
  it('trusts only those; the demo certificates wait for customs, and the demo lists are not declared (it says why)', async () => {
    const ca = makeSm2Ca('【测试】运营方 CA');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'cbec-cas-'));
    writeFileSync(join(dir, 'operator-ca.pem'), ca.certificatePem);
    const t = await startTestPlatform({ config: { trustedCaDir: dir } });
    try {
      const cas = await t.p.filing.trust.list();
      expect(cas.map((c) => ({ demo: c.demo, status: c.status }))).toEqual([{ demo: false, status: 'active' }]);
      expect(t.report.demoListsSkipped).toBe(true);
      expect(t.report.onlyDemoCa).toBe(false);
      expect(describeStartup(t.report)).toContain('演示清单未写入');
      const pending = await t.p.filing.pendingCertificates();
      expect(pending.length).toBeGreaterThanOrEqual(5);
    } finally {
      await t.close();
      ca.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
