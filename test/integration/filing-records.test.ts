import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/** 一地备案、全国共享: a record signed by one zone imports into another only when its signature verifies. */
describe('signed filing records between zones', () => {
  let lanzhou: TestPlatform;
  let other: TestPlatform;
  let record: {
    record: Record<string, unknown> & { enterprise: Record<string, unknown> };
    signature: { keyId: string; value: string };
  };
  let otherCustoms: string;
  let otherAdmin: string;
  beforeAll(async () => {
    lanzhou = await startTestPlatform();
    other = await startTestPlatform({ config: { zoneCode: 'CN-TS', zoneName: '中国（天水）跨境电子商务综合试验区' } });
    otherCustoms = await login(other.app, 'customs.demo');
    otherAdmin = await login(other.app, 'admin', other.adminPassword);
    // An enterprise filed and approved in Lanzhou only (the demo enterprises exist in both test platforms).
    const uscc = '914403001922038216';
    const filed = await lanzhou.app.inject({
      method: 'POST',
      url: '/api/v1/enterprises',
      payload: {
        uscc,
        nameCn: '深圳示例电子商务有限公司',
        legalRepresentative: { name: '赵六' },
        registeredAddress: '广东省深圳市龙岗区示例路 1 号',
        regionCode: '440307',
        contacts: [{ name: '钱七', phone: '0755-26789000' }],
        roles: ['ebp', 'ebc'],
        account: { username: 'sz.admin', password: 'Records@2026' },
      },
    });
    expect(filed.statusCode).toBe(201);
    const lzCustoms = await login(lanzhou.app, 'customs.demo');
    await lanzhou.app.inject({
      method: 'POST',
      url: `/api/v1/enterprises/${uscc}/decisions`,
      payload: { action: 'approve' },
      headers: { cookie: lzCustoms },
    });
    const ent = await login(lanzhou.app, 'sz.admin', 'Records@2026');
    const res = await lanzhou.app.inject({
      method: 'GET',
      url: `/api/v1/enterprises/${uscc}/record`,
      headers: { cookie: ent },
    });
    expect(res.statusCode).toBe(200);
    record = res.json();
  });
  afterAll(async () => {
    await lanzhou.close();
    await other.close();
  });

  const importIt = (body: unknown) =>
    other.app.inject({
      method: 'POST',
      url: '/api/v1/enterprises/imports',
      payload: body as object,
      headers: { cookie: otherCustoms },
    });

  it('the record carries the zone, no personal data, and an SM2 signature by the key at /.well-known/cbec-zone/keys', async () => {
    expect(record.record.zone).toEqual({ code: 'CN-LZ', name: '中国（兰州）跨境电子商务综合试验区' });
    expect(JSON.stringify(record)).not.toMatch(/phone|idNumber|contacts/);
    const keys = (await lanzhou.app.inject({ method: 'GET', url: '/.well-known/cbec-zone/keys' })).json();
    expect(keys.keys[0].keyId).toBe(record.signature.keyId);
  });

  it('is refused while the origin zone is not trusted', async () => {
    const res = await importIt(record);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('UNTRUSTED_ZONE');
  });

  it('imports once the origin zone key is configured, and is stored with its origin', async () => {
    const keys = (await lanzhou.app.inject({ method: 'GET', url: '/.well-known/cbec-zone/keys' })).json();
    const put = await other.app.inject({
      method: 'PUT',
      url: '/api/v1/trusted-zones/CN-LZ',
      payload: { name: keys.zone.name, publicKey: keys.keys[0].publicKey },
      headers: { cookie: otherAdmin },
    });
    expect(put.statusCode).toBe(204);
    const res = await importIt(record);
    expect(res.statusCode).toBe(201);
    expect(res.json().enterprise).toMatchObject({
      uscc: record.record.enterprise.uscc,
      status: 'approved',
      originZone: 'CN-LZ',
    });
    expect(await other.p.filing.isFiledInRole(record.record.enterprise.uscc as string, 'ebp')).toBe(true);
  });

  it('the same record again is stale (409); a tampered one does not verify (422)', async () => {
    expect((await importIt(record)).statusCode).toBe(409);
    const tampered = structuredClone(record);
    tampered.record.enterprise.version = 2;
    tampered.record.enterprise.roles = ['ebp', 'payment'];
    const res = await importIt(tampered);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('BAD_SIGNATURE');
    const flipped = structuredClone(record);
    flipped.signature.value = (flipped.signature.value[0] === '0' ? '1' : '0') + flipped.signature.value.slice(1);
    expect((await importIt(flipped)).json().error.code).toBe('BAD_SIGNATURE');
  });

  it("a record signed by another key under a trusted zone's name is refused", async () => {
    // The other platform's own record, relabelled as Lanzhou's: signed by the wrong key.
    const ent = await login(other.app, 'ebp.demo');
    const own = (
      await other.app.inject({
        method: 'GET',
        url: `/api/v1/enterprises/${other.report.demo!.enterprises[0]!.uscc}/record`,
        headers: { cookie: ent },
      })
    ).json();
    own.record.zone = { code: 'CN-LZ', name: '中国（兰州）跨境电子商务综合试验区' };
    expect((await importIt(own)).json().error.code).toBe('BAD_SIGNATURE');
  });

  it('an imported filing cannot be re-exported as if it were local', async () => {
    const res = await other.app.inject({
      method: 'GET',
      url: `/api/v1/enterprises/${record.record.enterprise.uscc}/record`,
      headers: { cookie: otherCustoms },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('NOT_LOCAL');
  });
});
