import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCeb } from '../../src/modules/declaration/ceb/codec.js';
import { wrapDxp } from '../../src/modules/declaration/ceb/dxp.js';
import { validateCebXml } from '../../src/modules/declaration/ceb/xsd-validator.js';
import { declOrders } from '../../src/modules/declaration/schema.js';
import { signCeb } from '../../src/modules/declaration/signature/xmldsig.js';
import { sm2Verify } from '../../src/platform/crypto/sm2.js';
import {
  guid,
  inventoryMessage,
  orderMessage,
  orderRecord,
  PARTIES,
  paymentMessage,
  waybillMessage,
} from '../support/ceb.js';
import { makeSm2Signer } from '../support/certs.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/** 三单申报一口接入: the one authenticated entry for CEB messages. */
describe('declaration intake', () => {
  let t: TestPlatform;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    t = await startTestPlatform();
    for (const [role, uscc] of Object.entries(PARTIES)) {
      keys[role] = (await t.p.identity.createApiKey({ name: 'test' }, uscc, `${role} system`, null)).secret;
    }
  });
  afterAll(() => t.close());

  const send = (key: string, body: string | object, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      payload: body as string,
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': typeof body === 'string' ? 'application/xml' : 'application/json',
        accept: 'application/json',
        ...headers,
      },
    });

  it('accepts a CEB311 order in XML, stores it normalised with personal data encrypted, and issues CEB312 returnStatus 2', async () => {
    const msg = orderMessage([orderRecord({ orderNo: 'LZ-ORDER-0001' })]);
    const res = await send(keys.ebp!, buildCeb(msg));
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json().receipt;
    expect(r).toMatchObject({
      status: 'accepted',
      returnStatus: '2',
      type: 'CEB311Message',
      recordCount: 1,
      guid: msg.guid,
    });
    // (the demo data's DEMO-… orders aside)
    const rows = (await t.p.dbh.db.select().from(declOrders)).filter((o) => !o.orderNo.startsWith('DEMO-'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ orderNo: 'LZ-ORDER-0001', acturalPaid: '210.00000', status: '2' });
    expect(JSON.stringify(rows)).not.toContain('11010519491231002X');
    const feed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/receipts?after=0',
      headers: { authorization: `Bearer ${keys.ebp}` },
    });
    // signed by the platform: SM2 over `${timestamp}.${body}` with a key published at /.well-known/cbec-zone/keys
    const published = (await t.app.inject({ method: 'GET', url: '/.well-known/cbec-zone/keys' })).json().keys;
    const key = published.find((k: { keyId: string }) => k.keyId === feed.headers['x-cbec-key-id']);
    const signedContent = `${feed.headers['x-cbec-timestamp']}.${feed.body}`;
    expect(sm2Verify(signedContent, feed.headers['x-cbec-signature'] as string, key.publicKey)).toBe(true);
    // (the demo lists' receipts aside: the platform, as their e-commerce enterprise, gets their CEB622 and CEB816 too)
    const receipts = {
      items: feed
        .json()
        .items.filter(
          (r: { businessKey: string; type: string }) => !r.businessKey.includes('|DEMO-') && r.type !== 'CEB816Message',
        ),
    };
    expect(receipts.items).toHaveLength(1);
    expect(receipts.items[0]).toMatchObject({
      type: 'CEB312Message',
      returnStatus: '2',
      businessKey: `${PARTIES.ebp}|${PARTIES.ebp}|LZ-ORDER-0001`,
    });
    expect(receipts.items[0].record.returnInfo).toMatch(/^新增申报成功\[/);
  });

  it('answers XML senders with a CEB900Message format receipt', async () => {
    const res = await send(keys.ebp!, buildCeb(orderMessage([orderRecord({ orderNo: 'LZ-ORDER-0002' })])), {
      accept: 'application/xml',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/xml');
    expect(res.body).toContain('CEB900Message');
    expect(res.body).toContain('<ceb:returnStatus>2</ceb:returnStatus>');
  });

  it('a repeated guid returns the first answer and changes nothing', async () => {
    const msg = orderMessage([orderRecord({ orderNo: 'LZ-ORDER-0003' })]);
    const first = await send(keys.ebp!, buildCeb(msg));
    const again = await send(keys.ebp!, buildCeb(msg));
    expect(again.headers['x-cbec-replay']).toBe('true');
    // the same outcome (the first message's id and record), and it says that this is the stored answer to the guid
    const { returnInfo, warnings, ...rest } = again.json().receipt;
    const { returnInfo: firstInfo, warnings: firstWarnings, ...firstRest } = first.json().receipt;
    expect(rest).toEqual(firstRest);
    expect(returnInfo).toMatch(
      new RegExp(`^重复的报文 guid ${msg.guid}：这是 \\d{14} 对该 guid 的原答复，本次未作处理。`),
    );
    expect(returnInfo.endsWith(firstInfo)).toBe(true);
    expect(warnings).toEqual([
      expect.objectContaining({ path: 'guid', messageEn: expect.stringContaining('stored answer') }),
      ...firstWarnings,
    ]);
    const xml = await send(keys.ebp!, buildCeb(msg), { accept: 'application/xml' });
    expect(xml.body).toContain('原答复');
  });

  it('the format receipt of malformed XML gives the parser’s detail (line and column), as the CLI does', async () => {
    const res = await send(keys.ebp!, '<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"><ceb:Order>');
    expect(res.statusCode).toBe(400);
    const r = res.json().receipt;
    expect(r.returnInfo).toMatch(/^\[0001\] 第 1 行: 报文不是格式正确的XML \/ 1:\d+: unclosed tag: ceb:Order$/);
    expect(r.errors[0]).toMatchObject({ code: '0001', line: 1 });
  });

  it('a USCC with a wrong check character inside a message says so (-10102 无效企业代码), and roles are named in words', async () => {
    const bad = `${PARTIES.ebp.slice(0, 17)}${PARTIES.ebp.endsWith('0') ? '1' : '0'}`;
    const res = await send(keys.ebp!, buildCeb(orderMessage([orderRecord({ orderNo: 'LZ-USCC-1', ebc: bad })])));
    expect(res.statusCode).toBe(422);
    const e = res.json().receipt.errors.find((x: { path: string }) => x.path.endsWith('/ebcCode'));
    expect(e).toMatchObject({ code: '-10102', message: expect.stringContaining('校验位错误，应为 D') });
    const role = await send(
      keys.ebp!,
      buildCeb(orderMessage([orderRecord({ orderNo: 'LZ-ROLE-1', ebc: PARTIES.pay })])),
    );
    const r = role.json().receipt.errors.find((x: { path: string }) => x.path.endsWith('/ebcCode'));
    expect(r).toMatchObject({ code: '-10101', message: expect.stringContaining('电商企业（ebc）') });
  });

  it('the same order number again (appType 1) is refused with -301010; every error is listed', async () => {
    const msg = orderMessage([
      orderRecord({ orderNo: 'LZ-ORDER-0001' }),
      orderRecord({ orderNo: 'LZ-ORDER-0004', ebc: PARTIES.pay }),
    ]);
    const res = await send(keys.ebp!, buildCeb(msg));
    expect(res.statusCode).toBe(422);
    const codes = res.json().receipt.errors.map((e: { code: string; path: string }) => `${e.code} ${e.path}`);
    expect(codes).toContain('-301010 CEB311Message/Order[1]/OrderHead/appType');
    expect(codes).toContain('-10101 CEB311Message/Order[2]/OrderHead/ebcCode');
    // nothing of the message was written
    const orderNos = (await t.p.dbh.db.select().from(declOrders)).map((o) => o.orderNo);
    expect(orderNos.filter((o) => !o.startsWith('DEMO-')).sort()).toEqual([
      'LZ-ORDER-0001',
      'LZ-ORDER-0002',
      'LZ-ORDER-0003',
    ]);
  });

  it('appType 2 changes the order; an older appTime is ignored with -301014', async () => {
    const change = await send(
      keys.ebp!,
      buildCeb(
        orderMessage([orderRecord({ orderNo: 'LZ-ORDER-0002', appType: '2', appTime: '20261128100000', items: 3 })]),
      ),
    );
    expect(change.statusCode, change.body).toBe(200);
    const old = await send(
      keys.ebp!,
      buildCeb(orderMessage([orderRecord({ orderNo: 'LZ-ORDER-0002', appType: '2', appTime: '20261128090000' })])),
    );
    expect(old.statusCode).toBe(422);
    expect(old.json().receipt.errors[0].code).toBe('-301014');
  });

  it('BaseTransfer.copCode must be the API key’s enterprise', async () => {
    const res = await send(keys.ebc!, buildCeb(orderMessage([orderRecord({ orderNo: 'LZ-X' })], PARTIES.ebp)));
    expect(res.statusCode).toBe(403);
    expect(res.json().receipt.errors[0].path).toBe('CEB311Message/BaseTransfer/copCode');
  });

  it('accepts the JSON form and a DxpMsg envelope', async () => {
    const json = await send(keys.pay!, paymentMessage('LZ-ORDER-0001', 'PAY-0001'));
    expect(json.statusCode, json.body).toBe(200);
    const wb = buildCeb(waybillMessage('LZ-ORDER-0001', 'LN-0001'));
    const env = wrapDxp(wb, {
      copMsgId: guid(),
      senderId: 'DXPENT9000000003',
      receiverIds: ['DXPEDCCEB0000002'],
      creatTime: '2026-11-28T09:40:00',
      msgType: 'CEB511Message',
    });
    const dxp = await send(keys.logistics!, env);
    expect(dxp.statusCode, dxp.body).toBe(200);
  });

  it('malformed XML is 0001, schema errors are 0002, with the field path; a receipt type is refused', async () => {
    const bad = await send(keys.ebp!, '<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"><unclosed>');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().receipt.errors[0].code).toBe('0001');
    const long = buildCeb(orderMessage([orderRecord({ orderNo: 'LZ-5' })])).replace(
      '<ceb:orderNo>LZ-5</ceb:orderNo>',
      `<ceb:orderNo>${'9'.repeat(61)}</ceb:orderNo>`,
    );
    const r = await send(keys.ebp!, long);
    expect(r.statusCode).toBe(400);
    expect(r.json().receipt.errors[0]).toMatchObject({ code: '0002', path: expect.stringContaining('orderNo') });
    const xxe = await send(
      keys.ebp!,
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    );
    expect(xxe.statusCode).toBe(400);
    expect(xxe.body).not.toContain('root:');
  });

  it('every message is kept, rejected ones too, in the log with its errors; the raw body is returned to its sender only', async () => {
    const me = await login(t.app, 'ebp.demo');
    const log = (
      await t.app.inject({ method: 'GET', url: '/api/v1/messages?status=rejected', headers: { cookie: me } })
    ).json();
    expect(log.total).toBeGreaterThanOrEqual(4);
    const byKey = (
      await t.app.inject({ method: 'GET', url: '/api/v1/messages?key=LZ-ORDER-0001', headers: { cookie: me } })
    ).json();
    expect(byKey.items.length).toBeGreaterThanOrEqual(1);
    const id = byKey.items[0].id;
    const body = await t.app.inject({
      method: 'GET',
      url: `/api/v1/messages/${id}/body?purpose=check`,
      headers: { cookie: me },
    });
    expect(body.body).toContain('LZ-ORDER-0001');
    const other = await login(t.app, 'ebc.demo');
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/messages/${id}/body?purpose=check`,
          headers: { cookie: other },
        })
      ).statusCode,
    ).toBe(404);
  });

  it('a list (CEB621) must be signed by a certificate registered with the filing; tampering is detected', async () => {
    const signer = makeSm2Signer(PARTIES.logistics);
    // each attempt is a new message (a repeated guid would get the first answer back)
    const signedList = () =>
      signCeb(
        buildCeb({
          ...inventoryMessage('LZ-ORDER-0001', 'LN-0001', 'COP-0001', '2'),
          signature: placeholderSignature(),
        }),
        signer,
        {
          replaceExisting: true,
        },
      );
    const unregistered = await send(keys.logistics!, signedList());
    expect(unregistered.statusCode).toBe(422);
    expect(unregistered.json().receipt.errors[0].code).toBe('-621029');

    const admin = await t.p.identity.createUserTx(
      { name: 'test' },
      {
        username: 'logistics.admin',
        displayName: 'x',
        role: 'enterprise_admin',
        enterpriseUscc: PARTIES.logistics,
        password: 'Logistics@2026',
      },
    );
    expect(admin.id).toBeTruthy();
    const cookie = await login(t.app, 'logistics.admin', 'Logistics@2026');
    const reg = await t.app.inject({
      method: 'POST',
      url: `/api/v1/enterprises/${PARTIES.logistics}/certificates`,
      payload: { certificate: signer.certificatePem },
      headers: { cookie },
    });
    expect(reg.statusCode, reg.body).toBe(201);
    // self-signed: registered, but it verifies nothing until customs approves it (a trusted CA did not issue it)
    expect(reg.json().certificate.trust).toBe('pending');
    const waiting = await send(keys.logistics!, signedList());
    expect(waiting.statusCode).toBe(422);
    expect(waiting.json().receipt.errors[0]).toMatchObject({
      code: '-621029',
      message: expect.stringContaining('自签名'),
    });
    const officer = await login(t.app, 'customs.demo');
    const review = await t.app.inject({
      method: 'POST',
      url: `/api/v1/enterprises/${PARTIES.logistics}/certificates/${reg.json().certificate.id}/review`,
      payload: { decision: 'approve', note: '核验原件一致' },
      headers: { cookie: officer },
    });
    expect(review.statusCode, review.body).toBe(200);

    const tampered = signedList().replace(
      '<ceb:grossWeight>1.5</ceb:grossWeight>',
      '<ceb:grossWeight>9.5</ceb:grossWeight>',
    );
    const t1 = await send(keys.logistics!, tampered);
    expect(t1.statusCode).toBe(422);
    expect(t1.json().receipt.errors, t1.body).toEqual([expect.objectContaining({ code: '-621028' })]);

    const ok = await send(keys.logistics!, signedList());
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().receipt.status).toBe('accepted');

    // the CEB622 receipt carries the platform's pre-entry number and validates against the XSD
    const feed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/receipts?after=0&format=xml',
      headers: { authorization: `Bearer ${keys.logistics}` },
    });
    expect(feed.statusCode, feed.body).toBe(200);
    const r622 = feed.json().items.find((r: { type: string }) => r.type === 'CEB622Message');
    expect(r622.record.preNo).toMatch(/^B\d{17}$/);
    expect(validateCebXml(r622.xml, 'CEB622Message')).toEqual([]);

    // once a list is declared on the order, the order can no longer be changed (-301011)
    const change = await send(
      keys.ebp!,
      buildCeb(orderMessage([orderRecord({ orderNo: 'LZ-ORDER-0001', appType: '2', appTime: '20261128120000' })])),
    );
    expect(change.statusCode).toBe(422);
    expect(change.json().receipt.errors[0].code).toBe('-301011');
  });
});

/** The schema wants a Signature element; signCeb replaces it with the real one. */
function placeholderSignature() {
  return {
    canonicalizationMethod: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
    signatureMethod: 'http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3',
    references: [
      {
        uri: '',
        transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature'],
        digestMethod: 'http://www.chinaport.gov.cn/2022/04/xmldsig#sm3',
        digestValue: 'AA==',
      },
    ],
    signatureValue: 'AA==',
    keyName: 'x',
    x509Certificate: 'AA==',
  };
}
