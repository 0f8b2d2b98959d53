import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgCodeCheckCharacter, usccCheckCharacter } from '../../src/kernel/codes/uscc.js';
import { filingStore } from '../../src/modules/filing/store.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/** A valid USCC for test enterprise n (9 1 company, 620100 Lanzhou, organisation code MA7TEST<n>). */
function uscc(n: number): string {
  const body = `MA7T${String(n).padStart(4, '0')}`;
  const first17 = `91620100${body}${orgCodeCheckCharacter(body)}`;
  return first17 + usccCheckCharacter(first17);
}

function application(code: string, username: string) {
  return {
    uscc: code,
    nameCn: '兰州测试跨境电商有限公司',
    nameEn: 'Lanzhou Test CBEC Co., Ltd.',
    legalRepresentative: { name: '张三', idNumber: '11010519491231002X' },
    registeredAddress: '甘肃省兰州市城关区测试路 1 号',
    regionCode: '620102',
    contacts: [{ name: '李四', phone: '13809310000', email: 'ops@example.com' }],
    dxpId: 'DXPENT0000458763',
    roles: ['ebc', 'logistics'],
    account: { username, password: 'Filing@2026x' },
  };
}

describe('enterprise filing (企业备案)', () => {
  let t: TestPlatform;
  let customs: string;
  let tax: string;
  beforeAll(async () => {
    t = await startTestPlatform();
    customs = await login(t.app, 'customs.demo');
    tax = await login(t.app, 'tax.demo');
  });
  afterAll(() => t.close());

  const post = (url: string, payload: unknown, cookie?: string) =>
    t.app.inject({ method: 'POST', url, payload: payload as object, headers: cookie ? { cookie } : {} });
  const get = (url: string, cookie?: string) => t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

  it('an anonymous application creates the filing (submitted) and its enterprise admin account', async () => {
    const res = await post('/api/v1/enterprises', application(uscc(1), 'ent1.admin'));
    expect(res.statusCode).toBe(201);
    const e = res.json().enterprise;
    expect(e).toMatchObject({ uscc: uscc(1), status: 'submitted', roles: ['ebc', 'logistics'], version: 1 });
    // personal information leaves the database masked
    expect(e.legalRepresentative.idNumberMasked).toBe('110105********002X');
    expect(e.contacts[0].phoneMasked).toBe('138****0000');
    expect(res.body).not.toContain('11010519491231002X');
    expect(res.body).not.toContain('13809310000');
    const me = await login(t.app, 'ent1.admin', 'Filing@2026x');
    const mine = await get(`/api/v1/enterprises/${uscc(1)}`, me);
    expect(mine.json().enterprise.status).toBe('submitted');
  });

  it('stores the ID number and phones SM4-encrypted, with a keyed hash for look-ups', async () => {
    const row = await filingStore.get(t.p.dbh.db, uscc(1));
    expect(row?.legalRepIdEnc).toMatch(/^v2:/);
    expect(row?.legalRepIdEnc).not.toContain('11010519491231002X');
    expect(row?.legalRepIdHash).toBe(t.p.pi.hash('11010519491231002X'));
    expect(JSON.stringify(row?.contacts)).not.toContain('13809310000');
  });

  it('an anonymous application without an account is refused, naming the field', async () => {
    const { account: _a, ...noAccount } = application(uscc(2), 'x');
    const res = await post('/api/v1/enterprises', noAccount);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('account');
  });

  it('a USCC already filed is a 409 on the uscc field', async () => {
    const res = await post('/api/v1/enterprises', application(uscc(1), 'someone.else'));
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'ALREADY_FILED', details: [{ path: 'uscc' }] });
  });

  it('only customs and commerce officers decide; a tax officer gets 403', async () => {
    const res = await post(`/api/v1/enterprises/${uscc(1)}/decisions`, { action: 'approve' }, tax);
    expect(res.statusCode).toBe(403);
  });

  it('reject needs a reason; rejected → resubmitted → approved, with history', async () => {
    const noReason = await post(`/api/v1/enterprises/${uscc(1)}/decisions`, { action: 'reject' }, customs);
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details[0].path).toBe('reason');
    const rejected = await post(
      `/api/v1/enterprises/${uscc(1)}/decisions`,
      { action: 'reject', reason: '营业执照地址与注册地址不一致' },
      customs,
    );
    expect(rejected.json().enterprise).toMatchObject({
      status: 'rejected',
      statusReason: '营业执照地址与注册地址不一致',
    });
    const me = await login(t.app, 'ent1.admin', 'Filing@2026x');
    const { account: _a, uscc: _u, ...fields } = application(uscc(1), 'x');
    const resub = await post(
      `/api/v1/enterprises/${uscc(1)}/resubmission`,
      { ...fields, registeredAddress: '甘肃省兰州市城关区测试路 2 号' },
      me,
    );
    expect(resub.statusCode).toBe(200);
    expect(resub.json().enterprise.status).toBe('submitted');
    const approved = await post(`/api/v1/enterprises/${uscc(1)}/decisions`, { action: 'approve' }, customs);
    expect(approved.json().enterprise).toMatchObject({
      status: 'approved',
      registeredAddress: '甘肃省兰州市城关区测试路 2 号',
    });
    const history = (await get(`/api/v1/enterprises/${uscc(1)}/history`, customs)).json().items;
    expect(history.map((h: { action: string }) => h.action)).toEqual(['submit', 'reject', 'resubmit', 'approve']);
    expect(history[1]).toMatchObject({ fromStatus: 'submitted', toStatus: 'rejected', actorRole: 'customs' });
  });

  it('a transition that does not apply is a 409 naming the states it applies to', async () => {
    const res = await post(`/api/v1/enterprises/${uscc(1)}/decisions`, { action: 'reinstate' }, customs);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('INVALID_TRANSITION');
    expect(res.json().error.messageEn).toContain('suspended');
  });

  it('a change request keeps the filing in force until approved, then applies it and bumps the version', async () => {
    const me = await login(t.app, 'ent1.admin', 'Filing@2026x');
    const req = await post(
      `/api/v1/enterprises/${uscc(1)}/change-requests`,
      { roles: ['ebc', 'logistics', 'payment'], contacts: [{ name: '王五', phone: '13909310001' }] },
      me,
    );
    expect(req.statusCode).toBe(200);
    expect(req.json().enterprise).toMatchObject({ status: 'change_requested', roles: ['ebc', 'logistics'] });
    expect(req.json().enterprise.pendingChange.contacts[0].phoneMasked).toBe('139****0001');
    expect(await t.p.filing.isFiledInRole(uscc(1), 'ebc')).toBe(true);
    expect(await t.p.filing.isFiledInRole(uscc(1), 'payment')).toBe(false);
    const ok = await post(`/api/v1/enterprises/${uscc(1)}/decisions`, { action: 'approve' }, customs);
    expect(ok.json().enterprise).toMatchObject({
      status: 'approved',
      version: 2,
      roles: ['ebc', 'logistics', 'payment'],
      pendingChange: null,
    });
    expect(ok.json().enterprise.contacts[0]).toMatchObject({ name: '王五', phoneMasked: '139****0001' });
    expect(await t.p.filing.isFiledInRole(uscc(1), 'payment')).toBe(true);
  });

  it('a rejected change request is discarded and the filing stays approved', async () => {
    const me = await login(t.app, 'ent1.admin', 'Filing@2026x');
    await post(`/api/v1/enterprises/${uscc(1)}/change-requests`, { nameCn: '改名后的公司' }, me);
    const res = await post(
      `/api/v1/enterprises/${uscc(1)}/decisions`,
      { action: 'reject', reason: '未提供变更证明' },
      customs,
    );
    expect(res.json().enterprise).toMatchObject({
      status: 'approved',
      nameCn: '兰州测试跨境电商有限公司',
      pendingChange: null,
    });
  });

  it('suspended and revoked enterprises are not filed in any role', async () => {
    await post(
      `/api/v1/enterprises/${uscc(1)}/decisions`,
      { action: 'suspend', reason: '涉嫌违规，暂停备案' },
      customs,
    );
    expect(await t.p.filing.isFiledInRole(uscc(1), 'ebc')).toBe(false);
    await post(`/api/v1/enterprises/${uscc(1)}/decisions`, { action: 'reinstate' }, customs);
    expect(await t.p.filing.isFiledInRole(uscc(1), 'ebc')).toBe(true);
    const revoked = await post(
      `/api/v1/enterprises/${uscc(1)}/decisions`,
      { action: 'revoke', reason: '企业注销' },
      customs,
    );
    expect(revoked.json().enterprise.status).toBe('revoked');
    expect(await t.p.filing.isFiledInRole(uscc(1), 'ebc')).toBe(false);
  });

  it('lists filter by status and role; every change is in the audit trail and the chain verifies', async () => {
    const list = (await get('/api/v1/enterprises?status=approved&role=payment', customs)).json();
    expect(list.items.map((e: { uscc: string }) => e.uscc)).toEqual([t.report.demo!.enterprises[2]!.uscc]);
    const audit = (await get(`/api/v1/audit?targetId=${uscc(1)}&pageSize=100`, customs)).json();
    expect(audit.items.map((a: { action: string }) => a.action).reverse()).toEqual([
      'filing.submitted',
      'filing.reject',
      'filing.resubmit',
      'filing.approve',
      'filing.request-change',
      'filing.approve',
      'filing.request-change',
      'filing.reject-change',
      'filing.suspend',
      'filing.reinstate',
      'filing.revoke',
    ]);
    expect(JSON.stringify(audit)).not.toContain('13909310001');
    expect((await t.p.audit.verify()).ok).toBe(true);
  });

  it('a legacy USCC failing the check is accepted once on the operator exception list', async () => {
    const legacy = `${uscc(3).slice(0, 17)}${uscc(3).endsWith('0') ? '1' : '0'}`;
    const refused = await post('/api/v1/enterprises', application(legacy, 'legacy.admin'));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details[0]).toMatchObject({ path: 'uscc', code: 'USCC_CHECK_CHARACTER' });
    expect(refused.json().error.details[0].messageEn).toContain(`expected ${uscc(3).at(-1)}`);
    const admin = await login(t.app, 'admin', t.adminPassword);
    const added = await post(
      '/api/v1/uscc-exceptions',
      { uscc: legacy, reason: '早期赋码，经市场监管部门确认有效' },
      admin,
    );
    expect(added.statusCode).toBe(204);
    const accepted = await post('/api/v1/enterprises', application(legacy, 'legacy.admin'));
    expect(accepted.statusCode).toBe(201);
  });
});
