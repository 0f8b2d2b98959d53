/**
 * `GET /api/v1/enterprise-names`: pages show names beside enterprise codes. Names of filed enterprises are public
 * (一地备案、全国共享), so every signed-in person may resolve codes; the answer must tell nothing else: not the
 * filing's status (suspended and revoked enterprises keep their name, applications never approved have none), nor its
 * people, nor a change still waiting for an officer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUscc } from '../../src/app/demo.js';
import { orgCodeCheckCharacter, usccCheckCharacter } from '../../src/kernel/codes/uscc.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

function uscc(n: number): string {
  const body = `MA7NA${String(n).padStart(3, '0')}`;
  const first17 = `91620100${body}${orgCodeCheckCharacter(body)}`;
  return first17 + usccCheckCharacter(first17);
}

const SUBMITTED = uscc(1);
const SUSPENDED = uscc(2);
const CHANGING = uscc(3);
const WITH_CUSTOMS_CODE = uscc(4);
const CUSTOMS_CODE = '6201960001';
const NEVER_FILED = uscc(5);

describe('enterprise names beside codes', () => {
  let t: TestPlatform;
  let customs: string;
  let ebc: string;
  let tax: string;

  const names = (cookie: string, codes: string[]) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/enterprise-names?${codes.map((c) => `code=${encodeURIComponent(c)}`).join('&')}`,
      headers: { cookie },
    });

  async function file(code: string, nameCn: string, extra: Record<string, unknown> = {}) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/enterprises',
      headers: { cookie: customs },
      payload: {
        uscc: code,
        nameCn,
        legalRepresentative: { name: '张三', idNumber: '11010519491231002X' },
        registeredAddress: '甘肃省兰州市城关区名称路 1 号',
        regionCode: '620100',
        contacts: [{ name: '李四', phone: '13800000000' }],
        roles: ['ebc'],
        ...extra,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  async function decide(code: string, action: string, reason?: string) {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/enterprises/${code}/decisions`,
      headers: { cookie: customs },
      payload: { action, ...(reason ? { reason } : {}) },
    });
    expect(res.statusCode, res.body).toBe(200);
  }

  beforeAll(async () => {
    t = await startTestPlatform();
    [customs, ebc, tax] = await Promise.all([
      login(t.app, 'customs.demo'),
      login(t.app, 'ebc.demo'),
      login(t.app, 'tax.demo'),
    ]);
    await file(SUBMITTED, '名称测试待审有限公司');
    await file(SUSPENDED, '名称测试暂停有限公司');
    await decide(SUSPENDED, 'approve');
    await decide(SUSPENDED, 'suspend', '名称测试');
    await file(CHANGING, '名称测试原名有限公司');
    await decide(CHANGING, 'approve');
    await t.p.filing.requestChange(
      {
        kind: 'user',
        userId: 'x',
        username: 'x',
        displayName: 'x',
        role: 'customs',
        enterpriseUscc: null,
        sessionId: '',
        mustChangePassword: false,
      },
      { name: 'test', role: 'customs' },
      CHANGING,
      { nameCn: '名称测试新名有限公司' },
    );
    await file(WITH_CUSTOMS_CODE, '名称测试海关编码有限公司', { customsCode: CUSTOMS_CODE, nameEn: 'Name Test Co.' });
    await decide(WITH_CUSTOMS_CODE, 'approve');
  });
  afterAll(() => t.close());

  it('an enterprise user resolves the codes of its counterparties (the demo platform and logistics firm)', async () => {
    const res = await names(ebc, [demoUscc(1), demoUscc(4)]);
    expect(res.statusCode, res.body).toBe(200);
    const demo = t.report.demo?.enterprises ?? [];
    expect(res.json().items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: demoUscc(1), nameCn: demo[0]?.nameCn }),
        expect.objectContaining({ code: demoUscc(4), nameCn: demo[3]?.nameCn }),
      ]),
    );
    expect(demo[0]?.nameCn).toMatch(/^【演示】/);
    expect(res.json().items).toHaveLength(2);
  });

  it('only names: no status, no legal representative, no contacts, whoever asks', async () => {
    for (const cookie of [ebc, tax, customs]) {
      const res = await names(cookie, [WITH_CUSTOMS_CODE]);
      expect(res.json().items).toEqual([
        { code: WITH_CUSTOMS_CODE, nameCn: '名称测试海关编码有限公司', nameEn: 'Name Test Co.' },
      ]);
      expect(res.body).not.toMatch(/approved|张三|李四|1380|110105/);
    }
  });

  it('a suspended enterprise keeps its name (the answer does not tell its state); an application never approved has none', async () => {
    const res = await names(ebc, [SUSPENDED, SUBMITTED, NEVER_FILED]);
    expect(res.json().items).toEqual([{ code: SUSPENDED, nameCn: '名称测试暂停有限公司', nameEn: null }]);
    // an unknown code and an application waiting for review answer alike: absent
    expect((await names(ebc, [SUBMITTED])).json()).toEqual((await names(ebc, [NEVER_FILED])).json());
  });

  it('a change waiting for an officer is not yet the name', async () => {
    expect((await names(ebc, [CHANGING])).json().items).toEqual([
      { code: CHANGING, nameCn: '名称测试原名有限公司', nameEn: null },
    ]);
  });

  it('a 10-character customs code names its enterprise too; codes are trimmed and upper-cased; repeats count once', async () => {
    const res = await names(ebc, [CUSTOMS_CODE, ` ${WITH_CUSTOMS_CODE.toLowerCase()} `, WITH_CUSTOMS_CODE]);
    expect(res.statusCode, res.body).toBe(200);
    expect(
      res
        .json()
        .items.map((i: { code: string }) => i.code)
        .sort(),
    ).toEqual([CUSTOMS_CODE, WITH_CUSTOMS_CODE].sort());
  });

  it('one code alone, and up to 100 codes in one call', async () => {
    expect((await names(ebc, [demoUscc(2)])).json().items).toHaveLength(1);
    const many = Array.from({ length: 100 }, (_, i) => (i < 5 ? demoUscc(i + 1) : uscc(10 + i)));
    const res = await names(ebc, many);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items).toHaveLength(5);
  });

  it('101 codes, no code, or a code that is not one → 400 naming the parameter', async () => {
    const tooMany = await names(
      ebc,
      Array.from({ length: 101 }, (_, i) => uscc(10 + i)),
    );
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.details[0]).toMatchObject({ path: 'querystring.code', message: '最多 100 项' });
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/enterprise-names', headers: { cookie: ebc } });
    expect(none.statusCode).toBe(400);
    for (const bad of ['', '91-62', "x' or 1=1", '9'.repeat(19), '统一社会信用代码']) {
      const res = await names(ebc, [bad]);
      expect(res.statusCode, `${bad}: ${res.body}`).toBe(400);
      expect(res.json().error.details[0]).toMatchObject({
        path: 'querystring.code.0',
        message: '企业代码为 1–18 位数字或大写字母',
      });
    }
  });

  it('anonymous callers are not told names (401)', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/enterprise-names?code=${demoUscc(1)}` });
    expect(res.statusCode).toBe(401);
  });
});
