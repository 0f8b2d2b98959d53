/**
 * Bad input never crashes the platform: every malformed, mistyped, oversized or hostile request gets a 4xx in the
 * one error shape `{ error: { code, message (中文), messageEn, details: [{ path, message, messageEn }], requestId } }`
 * whose requestId is the `x-request-id` response header. A genuine server failure is a 500 INTERNAL that shows no
 * internals.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { orgCodeCheckCharacter, usccCheckCharacter } from '../../src/kernel/codes/uscc.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const CHINESE = /[\u4e00-\u9fff]/;
const STRONG = 'BadInput#Passw0rd';

type ErrorDetail = { path: string; message: string; messageEn: string; code?: string };

/** Asserts the error shape, the status and the code; returns the details. */
function expectError(res: LightMyRequestResponse, status: number, code: string): ErrorDetail[] {
  const where = `${res.statusCode} ${res.body.slice(0, 400)}`;
  expect(res.statusCode, where).toBe(status);
  expect(res.headers['content-type'], where).toMatch(/^application\/json/);
  const body = res.json();
  expect(Object.keys(body), where).toEqual(['error']);
  const e = body.error;
  expect(Object.keys(e).sort(), where).toEqual(['code', 'details', 'message', 'messageEn', 'requestId']);
  expect(e.code, where).toBe(code);
  expect(e.message, where).toMatch(CHINESE);
  expect(typeof e.messageEn).toBe('string');
  expect(e.messageEn.length).toBeGreaterThan(0);
  expect(e.requestId).toBeTruthy();
  expect(e.requestId).toBe(res.headers['x-request-id']);
  expect(Array.isArray(e.details)).toBe(true);
  for (const d of e.details as ErrorDetail[]) {
    expect(typeof d.path, where).toBe('string');
    expect(typeof d.message, where).toBe('string');
    expect(typeof d.messageEn, where).toBe('string');
  }
  return e.details;
}

const paths = (details: ErrorDetail[]) => details.map((d) => d.path).sort();

function filing(uscc: string, over: Record<string, unknown> = {}) {
  return {
    uscc,
    nameCn: '坏输入测试有限公司',
    legalRepresentative: { name: '张三' },
    registeredAddress: '甘肃省兰州市城关区测试路 1 号',
    regionCode: '620100',
    contacts: [{ name: '李四', phone: '13800000000' }],
    roles: ['ebc'],
    ...over,
  };
}

/** A valid USCC that nobody has filed yet (a new one on each call). */
let nextUscc = 10;
function freshUscc(): string {
  const body = `MA7BAD${String(nextUscc++).padStart(2, '0')}`;
  const first17 = `91620100${body}${orgCodeCheckCharacter(body)}`;
  return first17 + usccCheckCharacter(first17);
}

describe('bad input', () => {
  let t: TestPlatform;
  let admin: string;
  let officer: string;
  let ebp: string;

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, payload: payload as InjectOptions['payload'], headers });
  const raw = (url: string, body: string, contentType = 'application/json', headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, body, headers: { 'content-type': contentType, ...headers } });

  beforeAll(async () => {
    t = await startTestPlatform();
    [admin, officer, ebp] = await Promise.all([
      login(t.app, 'admin', t.adminPassword),
      login(t.app, 'customs.demo'),
      login(t.app, 'ebp.demo'),
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('malformed and hostile bodies', () => {
    it('malformed JSON → 400 MALFORMED_JSON', async () => {
      const details = expectError(await raw('/api/v1/auth/login', '{"username": "admin", '), 400, 'MALFORMED_JSON');
      expect(details[0]?.path).toBe('');
      // An empty body declared as JSON is malformed too.
      expectError(await raw('/api/v1/auth/login', ''), 400, 'MALFORMED_JSON');
    });

    it('a JSON prototype-poisoning body → 400, and nothing is polluted', async () => {
      for (const body of ['{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}']) {
        const res = await raw('/api/v1/enterprises', body, 'application/json', { cookie: admin });
        expectError(res, 400, 'MALFORMED_JSON');
      }
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });

    it('very deeply nested JSON → 400, not a crash', async () => {
      const depth = 50_000;
      const bodies = [
        `${'['.repeat(depth)}${']'.repeat(depth)}`,
        `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
        `{"contacts":${'['.repeat(depth)}${']'.repeat(depth)}}`,
        `{"nameCn":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
      ];
      for (const body of bodies) {
        const res = await raw('/api/v1/enterprises', body, 'application/json', { cookie: officer });
        expect(res.statusCode, body.slice(0, 20)).toBe(400);
        expectError(res, 400, res.json().error.code);
      }
      // The platform still answers.
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    });

    it('an oversized body (over the 1 MiB limit) → 413 BODY_TOO_LARGE', async () => {
      const big = { name: 'x'.repeat(1_100_000) };
      expectError(await post('/api/v1/enterprises/x/api-keys', big, { cookie: ebp }), 413, 'BODY_TOO_LARGE');
      expectError(await post('/api/v1/auth/login', { username: 'admin', password: big.name }), 413, 'BODY_TOO_LARGE');
    });

    it('an unsupported content type → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      expectError(
        await raw('/api/v1/auth/login', '<login><username>admin</username></login>', 'application/xml'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expectError(
        await raw('/api/v1/auth/login', 'username=admin&password=x', 'application/x-www-form-urlencoded'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      // text/plain has a parser in Fastify, but a string is never a valid body: still a 4xx, never a sign-in.
      const res = await raw('/api/v1/auth/login', '{"username":"admin","password":"x"}', 'text/plain');
      expect([400, 415]).toContain(res.statusCode);
      expectError(res, res.statusCode, res.json().error.code);
    });
  });

  describe('validation', () => {
    it('wrong types → 400 VALIDATION_FAILED naming each field', async () => {
      const details = expectError(
        await post('/api/v1/auth/login', { username: 123, password: true }),
        400,
        'VALIDATION_FAILED',
      );
      expect(paths(details)).toEqual(['password', 'username']);
      const nested = expectError(
        await post(
          '/api/v1/enterprises',
          filing(freshUscc(), { contacts: [{ name: '李四', phone: 13800000000 }], roles: 'ebc' }),
          { cookie: officer },
        ),
        400,
        'VALIDATION_FAILED',
      );
      expect(paths(nested)).toEqual(['contacts.0.phone', 'roles']);
    });

    it('missing fields → every missing field is listed', async () => {
      const details = expectError(await post('/api/v1/enterprises', {}, { cookie: officer }), 400, 'VALIDATION_FAILED');
      expect(paths(details)).toEqual(
        ['contacts', 'legalRepresentative', 'nameCn', 'regionCode', 'registeredAddress', 'roles', 'uscc'].sort(),
      );
      expect(details.every((d) => d.code === 'REQUIRED')).toBe(true);
      const nested = expectError(
        await post('/api/v1/enterprises', filing(freshUscc(), { legalRepresentative: {}, contacts: [{}] }), {
          cookie: officer,
        }),
        400,
        'VALIDATION_FAILED',
      );
      expect(paths(nested)).toEqual(['contacts.0.name', 'contacts.0.phone', 'legalRepresentative.name']);
    });

    it('unknown fields → UNKNOWN_FIELD with the path of each unknown key', async () => {
      const details = expectError(
        await post('/api/v1/auth/login', { username: 'admin', password: 'x', role: 'platform_admin' }),
        400,
        'VALIDATION_FAILED',
      );
      expect(details).toEqual([expect.objectContaining({ path: 'role', code: 'UNKNOWN_FIELD' })]);
      const nested = expectError(
        await post(
          '/api/v1/enterprises',
          filing(freshUscc(), { legalRepresentative: { name: '张三', isAdmin: true }, status: 'approved' }),
          { cookie: officer },
        ),
        400,
        'VALIDATION_FAILED',
      );
      expect(paths(nested)).toEqual(['legalRepresentative.isAdmin', 'status']);
      expect(nested.every((d) => d.code === 'UNKNOWN_FIELD')).toBe(true);
    });

    it('a query with an unknown or mistyped parameter → 400 naming it', async () => {
      const unknown = expectError(
        await t.app.inject({ method: 'GET', url: '/api/v1/enterprises?owner=me', headers: { cookie: officer } }),
        400,
        'VALIDATION_FAILED',
      );
      expect(unknown).toEqual([expect.objectContaining({ path: 'querystring.owner', code: 'UNKNOWN_FIELD' })]);
      const mistyped = expectError(
        await t.app.inject({ method: 'GET', url: '/api/v1/audit?pageSize=lots', headers: { cookie: officer } }),
        400,
        'VALIDATION_FAILED',
      );
      expect(paths(mistyped)).toEqual(['querystring.pageSize']);
    });

    it('invalid UUID path parameters → 400, not 500', async () => {
      const details = expectError(
        await t.app.inject({
          method: 'PATCH',
          url: '/api/v1/users/not-a-uuid',
          payload: { status: 'active' },
          headers: { cookie: admin },
        }),
        400,
        'VALIDATION_FAILED',
      );
      expect(paths(details)).toEqual(['params.id']);
      const uscc0 = t.report.demo?.enterprises[0]?.uscc as string;
      for (const id of ["1' OR '1'='1", '00000000-0000-0000-0000-00000000000g', '9'.repeat(60)]) {
        const res = await t.app.inject({
          method: 'DELETE',
          url: `/api/v1/enterprises/${uscc0}/api-keys/${encodeURIComponent(id)}`,
          headers: { cookie: ebp },
        });
        expect(paths(expectError(res, 400, 'VALIDATION_FAILED')), id).toEqual(['params.id']);
      }
    });

    it('a USCC with a wrong check character → details[0] on uscc, naming the expected character', async () => {
      const good = freshUscc();
      const expected = good.charAt(17);
      const wrong = good.slice(0, 17) + (expected === '0' ? '1' : '0');
      const details = expectError(
        await post('/api/v1/enterprises', filing(wrong), { cookie: officer }),
        400,
        'VALIDATION_FAILED',
      );
      expect(details).toHaveLength(1);
      expect(details[0]).toMatchObject({ path: 'uscc', code: 'USCC_CHECK_CHARACTER' });
      expect(details[0]?.messageEn).toContain(`expected ${expected}`);
      expect(details[0]?.message).toContain(expected);
    });
  });

  describe('names: control characters and extremely long strings', () => {
    it('a NUL character in an enterprise name → 400 on that field', async () => {
      const res = await post('/api/v1/enterprises', filing(freshUscc(), { nameCn: '坏输入\u0000有限公司' }), {
        cookie: officer,
      });
      expect(paths(expectError(res, 400, 'VALIDATION_FAILED'))).toEqual(['nameCn']);
    });

    it('a NUL character in a display name → 400 on that field', async () => {
      const res = await post(
        '/api/v1/users',
        { username: 'nul.user', displayName: 'a\u0000b', role: 'tax', password: STRONG },
        { cookie: admin },
      );
      expect(paths(expectError(res, 400, 'VALIDATION_FAILED'))).toEqual(['displayName']);
    });

    it('a NUL character in a sign-in name → 400 or 401, not 500', async () => {
      const res = await post('/api/v1/auth/login', { username: 'admin\u0000', password: 'whatever' });
      expect([400, 401], res.body).toContain(res.statusCode);
      expectError(res, res.statusCode, res.json().error.code);
    });

    it.each([
      ['/api/v1/enterprises?q=%00', 'querystring.q'],
      ['/api/v1/audit?targetId=%00', 'querystring.targetId'],
      ['/api/v1/audit?action=%00', 'querystring.action'],
    ])('a NUL character in a query (%s) → 400 on that parameter', async (url, path) => {
      const res = await t.app.inject({ method: 'GET', url, headers: { cookie: admin } });
      expect(paths(expectError(res, 400, 'VALIDATION_FAILED'))).toEqual([path]);
    });

    it('a NUL character in a path parameter → 400 or 404, not 500', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/enterprises/%00', headers: { cookie: officer } });
      expect([400, 404], res.body).toContain(res.statusCode);
      expectError(res, res.statusCode, res.json().error.code);
    });

    it('other control characters in names never cause a 500', async () => {
      for (const nameCn of [
        '坏输入\u0001\u0007有限公司',
        '\u001b[31m红色\u001b[0m有限公司',
        '换行\r\n有限公司\u007f',
      ]) {
        const res = await post('/api/v1/enterprises', filing(freshUscc(), { nameCn }), { cookie: officer });
        expect(res.statusCode, `${JSON.stringify(nameCn)}: ${res.body}`).toBeLessThan(500);
      }
    });

    it('extremely long names → 400 naming the field', async () => {
      const tooLong = expectError(
        await post(
          '/api/v1/enterprises',
          filing(freshUscc(), { nameCn: '长'.repeat(100_000), legalRepresentative: { name: 'n'.repeat(51) } }),
          { cookie: officer },
        ),
        400,
        'VALIDATION_FAILED',
      );
      expect(paths(tooLong)).toEqual(['legalRepresentative.name', 'nameCn']);
      const user = expectError(
        await post(
          '/api/v1/users',
          { username: 'u'.repeat(65), displayName: '名'.repeat(101), role: 'tax', password: STRONG },
          { cookie: admin },
        ),
        400,
        'VALIDATION_FAILED',
      );
      expect(paths(user)).toEqual(['displayName', 'username']);
      expectError(
        await post('/api/v1/auth/login', { username: 'a'.repeat(65), password: 'x' }),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('a long (but valid) enterprise name filed by an anonymous applicant is accepted', async () => {
      // nameCn allows 200 characters; the applicant's account takes it as its display name (100 at most).
      const res = await post(
        '/api/v1/enterprises',
        filing(freshUscc(), {
          nameCn: '长'.repeat(150),
          account: { username: 'long.name.applicant', password: STRONG },
        }),
      );
      expect(res.statusCode, res.body).toBe(201);
    });
  });

  describe('routes and request ids', () => {
    it('an unknown route → 404 NOT_FOUND in the error shape', async () => {
      for (const [method, url] of [
        ['GET', '/api/v1/nothing-here'],
        ['POST', '/api/v2/enterprises'],
        ['DELETE', '/api/v1/enterprises'],
      ] as const) {
        const details = expectError(await t.app.inject({ method, url }), 404, 'NOT_FOUND');
        expect(details).toEqual([]);
      }
    });

    it('a malformed URL (bad percent-encoding) → 400 in the error shape', async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/enterprises/%E0%A4%A',
        headers: { cookie: officer },
      });
      expectError(res, 400, 'BAD_REQUEST');
    });

    it('an overlong path parameter → 4xx in the error shape', async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/enterprises/${'9'.repeat(300)}`,
        headers: { cookie: officer },
      });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expectError(res, res.statusCode, res.json().error.code);
    });

    it('an incoming x-request-id is echoed in the header and the body; an unusable one is replaced', async () => {
      const mine = await t.app.inject({
        method: 'GET',
        url: '/api/v1/nothing',
        headers: { 'x-request-id': 'req-42.a:b' },
      });
      expect(mine.headers['x-request-id']).toBe('req-42.a:b');
      expect(mine.json().error.requestId).toBe('req-42.a:b');
      for (const bad of ['has spaces', 'x'.repeat(65), '<script>']) {
        const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing', headers: { 'x-request-id': bad } });
        expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
        expect(res.json().error.requestId).toBe(res.headers['x-request-id']);
      }
    });

    it('no bad request among these gets a 500', async () => {
      const uscc0 = t.report.demo?.enterprises[0]?.uscc as string;
      const requests: InjectOptions[] = [
        { method: 'GET', url: `/api/v1/enterprises?page=0&pageSize=1000`, headers: { cookie: officer } },
        { method: 'GET', url: `/api/v1/enterprises?status=nonsense`, headers: { cookie: officer } },
        { method: 'GET', url: `/api/v1/enterprises?q=${'%25'.repeat(200)}`, headers: { cookie: officer } },
        { method: 'GET', url: `/api/v1/enterprises/${'9'.repeat(200)}`, headers: { cookie: officer } },
        { method: 'GET', url: `/api/v1/enterprises/${uscc0.toLowerCase()}`, headers: { cookie: officer } },
        { method: 'GET', url: "/api/v1/enterprises/'%3B%20drop%20table%20users", headers: { cookie: officer } },
        {
          method: 'PUT',
          url: '/api/v1/trusted-zones/lower',
          payload: { name: 'x', publicKey: '04' },
          headers: { cookie: admin },
        },
        {
          method: 'POST',
          url: '/api/v1/uscc-exceptions',
          payload: { uscc: 'short', reason: '' },
          headers: { cookie: admin },
        },
        {
          method: 'POST',
          url: `/api/v1/enterprises/${uscc0}/decisions`,
          payload: { action: 'explode' },
          headers: { cookie: officer },
        },
        {
          method: 'POST',
          url: '/api/v1/enterprises/imports',
          payload: { record: null, signature: 1 },
          headers: { cookie: officer },
        },
        { method: 'POST', url: '/api/v1/auth/login', payload: [], headers: {} },
        { method: 'POST', url: '/api/v1/auth/login', payload: 'null', headers: { 'content-type': 'application/json' } },
        { method: 'POST', url: '/api/v1/auth/login', headers: { cookie: 'cbec_session=%%%; other=1' }, payload: {} },
        { method: 'GET', url: '/api/v1/auth/me', headers: { cookie: `cbec_session=${'a'.repeat(5000)}` } },
        { method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Bearer' } },
        {
          method: 'GET',
          url: '/api/v1/auth/me',
          headers: { authorization: `Bearer cbk_${'0'.repeat(12)}_${'A'.repeat(43)}` },
        },
      ];
      for (const r of requests) {
        const res = await t.app.inject(r);
        const where = `${r.method} ${String(r.url).slice(0, 80)}: ${res.statusCode} ${res.body.slice(0, 200)}`;
        expect(res.statusCode, where).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, where).toBeLessThan(500);
        expectError(res, res.statusCode, res.json().error.code);
      }
    });
  });

  describe('delegations and the trust store (issue 8)', () => {
    it('bad delegations → 400 naming each field, in the error shape; nothing recorded', async () => {
      const uscc0 = t.report.demo?.enterprises[0]?.uscc as string;
      const url = `/api/v1/enterprises/${uscc0}/delegations`;
      const bad = await post(
        url,
        { delegateUscc: 'x', messageTypes: ['CEB511Message', 'nonsense'], validFrom: '2026-02-30', validUntil: 'soon' },
        { cookie: ebp },
      );
      expect(paths(expectError(bad, 400, 'VALIDATION_FAILED'))).toEqual(
        expect.arrayContaining(['delegateUscc', 'messageTypes.0', 'messageTypes.1', 'validFrom', 'validUntil']),
      );
      // to itself, to nobody filed, too long a period: each a 400 on its field with a bilingual reason
      const to = (delegateUscc: string, validUntil = '2027-01-01') =>
        post(
          url,
          { delegateUscc, messageTypes: ['CEB621Message'], validFrom: '2026-12-01', validUntil },
          { cookie: ebp },
        );
      expect(expectError(await to(uscc0), 400, 'VALIDATION_FAILED')[0]).toMatchObject({ path: 'delegateUscc' });
      expect(expectError(await to(freshUscc()), 400, 'VALIDATION_FAILED')[0]).toMatchObject({ code: '-10102' });
      const agent = t.report.demo?.enterprises[3]?.uscc as string;
      expect(expectError(await to(agent, '2036-01-01'), 400, 'VALIDATION_FAILED')[0]).toMatchObject({
        path: 'validUntil',
        code: 'BAD_PERIOD',
      });
      // a kind the enterprise does not declare: the platform (ebp + ebc) cannot hand over a payment (the zod enum)
      const pay = await post(
        url,
        { delegateUscc: agent, messageTypes: ['CEB411Message'], validFrom: '2026-12-01', validUntil: '2027-01-01' },
        { cookie: ebp },
      );
      expect(expectError(pay, 400, 'VALIDATION_FAILED')[0]).toMatchObject({ path: 'messageTypes.0', code: '-10101' });
      const revoke = await post(`${url}/${crypto.randomUUID()}/revocation`, { reason: '' }, { cookie: ebp });
      expectError(revoke, 400, 'VALIDATION_FAILED');
    });

    it('bad overseas-warehouse filings → 400 naming each field, in the error shape; nothing filed', async () => {
      const uscc0 = t.report.demo?.enterprises[0]?.uscc as string;
      const url = `/api/v1/enterprises/${uscc0}/overseas-warehouses`;
      const bad = await post(
        url,
        {
          nameCn: '',
          country: 'USA',
          address: 'x',
          areaM2: '1e3',
          goodsCategories: ['8471x'],
          validFrom: '2026-13-01',
          validTo: 'later',
        },
        { cookie: ebp },
      );
      expect(paths(expectError(bad, 400, 'VALIDATION_FAILED'))).toEqual(
        expect.arrayContaining(['nameCn', 'country', 'goodsCategories.0', 'validFrom', 'validTo']),
      );
      // past the schema: each rule of the filing on its field, with a bilingual reason and a code
      const file = (over: Record<string, unknown>) =>
        post(
          url,
          {
            nameCn: '测试仓',
            country: '502',
            address: '1 Warehouse Way',
            areaM2: '1200.50',
            goodsCategories: ['84'],
            validFrom: '2026-12-01',
            validTo: '2027-11-30',
            ...over,
          },
          { cookie: ebp },
        );
      expect(expectError(await file({ country: '999' }), 400, 'VALIDATION_FAILED')[0]).toMatchObject({
        path: 'country',
        code: 'UNKNOWN_COUNTRY',
      });
      expect(expectError(await file({ areaM2: '0' }), 400, 'VALIDATION_FAILED')[0]).toMatchObject({ code: 'BAD_AREA' });
      expect(expectError(await file({ goodsCategories: ['77'] }), 400, 'VALIDATION_FAILED')[0]).toMatchObject({
        path: 'goodsCategories.0',
        code: 'BAD_CATEGORY',
      });
      expect(expectError(await file({ validTo: '2036-01-01' }), 400, 'VALIDATION_FAILED')[0]).toMatchObject({
        code: 'BAD_PERIOD',
      });
      const list = await t.app.inject({ method: 'GET', url, headers: { cookie: ebp } });
      expect(list.json().total).toBe(0);
      expectError(
        await post(`${url}/${crypto.randomUUID()}/withdrawal`, { reason: '' }, { cookie: ebp }),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('bad certificates, CAs and CRLs → 4xx in the error shape, never a 500', async () => {
      const requests: InjectOptions[] = [
        { method: 'POST', url: '/api/v1/trust/cas', payload: { certificate: '-'.repeat(200), label: 'x' } },
        {
          method: 'POST',
          url: '/api/v1/trust/cas',
          payload: { certificate: `-----BEGIN CERTIFICATE-----\n${'A'.repeat(400)}\n-----END CERTIFICATE-----` },
        },
        { method: 'POST', url: '/api/v1/trust/crls', payload: { crl: 'MII'.repeat(40) } },
        {
          method: 'POST',
          url: '/api/v1/trust/crls',
          payload: { crl: Buffer.from([0x30, 0x82, 0xff, 0xff]).toString('base64').repeat(20) },
        },
        // a TBSCertList without thisUpdate (it was a 500)
        {
          method: 'POST',
          url: '/api/v1/trust/crls',
          payload: {
            crl: Buffer.from('30133009020101300030003003060100030100', 'hex').toString('base64').repeat(1) + '====',
          },
        },
        {
          method: 'POST',
          url: '/api/v1/trust/crls',
          payload: {
            crl: `${'A'.repeat(48)}${Buffer.from('30133009020101300030003003060100030100', 'hex').toString('base64')}`,
          },
        },
        { method: 'DELETE', url: '/api/v1/trust/cas/not-a-uuid' },
        { method: 'DELETE', url: `/api/v1/trust/cas/${crypto.randomUUID()}` },
      ];
      for (const r of requests) {
        const res = await t.app.inject({ ...r, headers: { cookie: admin } });
        const where = `${r.method} ${r.url}: ${res.statusCode} ${res.body.slice(0, 200)}`;
        expect(res.statusCode, where).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, where).toBeLessThan(500);
        expectError(res, res.statusCode, res.json().error.code);
      }
      const uscc0 = t.report.demo?.enterprises[0]?.uscc as string;
      const review = await post(
        `/api/v1/enterprises/${uscc0}/certificates/${crypto.randomUUID()}/review`,
        { decision: 'bless', note: 'x'.repeat(600) },
        { cookie: officer },
      );
      expect(paths(expectError(review, 400, 'VALIDATION_FAILED'))).toEqual(['decision', 'note']);
      const missing = await post(
        `/api/v1/enterprises/${uscc0}/certificates/${crypto.randomUUID()}/review`,
        { decision: 'approve', note: '核验' },
        { cookie: officer },
      );
      expectError(missing, 404, 'NOT_FOUND');
    });
  });

  describe('personal-data routes: raw bodies, the quota pre-check, the audit log, the tax estimate', () => {
    it('a raw-body read with a hostile purpose → 400 on querystring.purpose, never a 500, nothing read', async () => {
      const id = '00000000-0000-4000-8000-000000000000';
      for (const q of [
        'purpose=%00%01',
        `purpose=${'x'.repeat(5000)}`,
        'purpose=a&purpose=b',
        'purpose[a]=1',
        'purpose=ok&other=1',
      ]) {
        const res = await t.app.inject({
          method: 'GET',
          url: `/api/v1/messages/${id}/body?${q}`,
          headers: { cookie: officer },
        });
        const details = expectError(res, res.statusCode, res.json().error.code);
        expect(res.statusCode, q).toBe(400);
        expect(
          paths(details).some((p) => p.startsWith('querystring.')),
          q,
        ).toBe(true);
      }
    });

    it('a hostile quota pre-check → 400 naming the field (consent, amount, ID), never a 500', async () => {
      const base = { buyerName: '王小明', buyerIdType: '1', buyerIdNumber: '11010519491231002X' };
      const cases: [Record<string, unknown>, string][] = [
        [{ ...base, amount: 100 }, 'amount'],
        [{ ...base, amount: '-1' }, 'amount'],
        [{ ...base, amount: '0.001' }, 'amount'],
        [{ ...base, amount: '1\u3000' }, 'amount'],
        [{ ...base, amount: '10.00', consent: true }, 'consent'],
        [{ ...base, amount: '10.00', consent: { reference: 'R', givenAt: 'yesterday' } }, 'consent.givenAt'],
        [{ ...base, amount: '10.00', consent: { reference: 'R', givenAt: '2026-13-45T99:00:00Z' } }, 'consent.givenAt'],
        [
          { ...base, consent: { reference: 'R', givenAt: new Date().toISOString(), scope: 'everything' } },
          'consent.scope',
        ],
        [
          { ...base, amount: '10.00', consent: { reference: 'R'.repeat(65), givenAt: new Date().toISOString() } },
          'consent.reference',
        ],
        [
          { ...base, amount: '10.00', consent: { reference: 'R', givenAt: new Date().toISOString(), extra: 1 } },
          'consent.extra',
        ],
        [{ ...base, buyerIdNumber: '1101051949\u00001231002X', amount: '10.00' }, 'buyerIdNumber'],
        [{ ...base, buyerIdType: '2', amount: '10.00' }, 'buyerIdType'],
      ];
      for (const [payload, path] of cases) {
        const res = await post('/api/v1/quota/check', payload, { cookie: ebp });
        const details = expectError(res, 400, 'VALIDATION_FAILED');
        expect(paths(details), `${JSON.stringify(payload).slice(0, 120)}`).toContain(path);
      }
    });

    it('an officer cannot widen the audit log by naming a department or another action filter shape (400)', async () => {
      for (const q of ['department=tax', 'action[]=x', 'pageSize=100000']) {
        const res = await t.app.inject({ method: 'GET', url: `/api/v1/audit?${q}`, headers: { cookie: officer } });
        expectError(res, 400, 'VALIDATION_FAILED');
      }
    });

    it('hostile tax-estimate quantities → 400 on items.N.qty', async () => {
      for (const qty of [{}, [], '1e3', 'NaN', Number.MAX_VALUE, -0.5]) {
        const res = await post(
          '/api/v1/tax/estimate',
          { items: [{ hsCode: '6109100021', price: '1.00', qty }], freight: '0' },
          { cookie: ebp },
        );
        expect(paths(expectError(res, 400, 'VALIDATION_FAILED')), JSON.stringify(qty)).toEqual(['items.0.qty']);
      }
    });
  });

  describe('enterprise names and the credit list: hostile query strings', () => {
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: officer } });

    it('10,000 codes in one name look-up → 400 on querystring.code, answered at once', async () => {
      const url = `/api/v1/enterprise-names?${Array.from({ length: 10_000 }, (_, i) => `code=${i}`).join('&')}`;
      expect(paths(expectError(await get(url), 400, 'VALIDATION_FAILED'))).toEqual(['querystring.code']);
    });

    it('codes that are not codes → 400 naming each, never a 500', async () => {
      for (const bad of ['%00', '%27%3B%20drop%20table%20enterprises', '%E4%BC%81%E4%B8%9A', 'A'.repeat(5000), '%20']) {
        const res = await get(`/api/v1/enterprise-names?code=${bad}`);
        expect(res.statusCode, `${bad}: ${res.body.slice(0, 200)}`).toBe(400);
        expectError(res, 400, 'VALIDATION_FAILED');
      }
      expectError(await get('/api/v1/enterprise-names?code[a]=1'), 400, 'VALIDATION_FAILED');
      expectError(await get('/api/v1/enterprise-names?other=1&code=1'), 400, 'VALIDATION_FAILED');
    });

    it('the credit list: bad levels, dates, pages, long or hostile searches → 400, wildcards matched literally', async () => {
      const bad = [
        '/api/v1/credit?level=excellent',
        `/api/v1/credit?${Array.from({ length: 50 }, () => 'level=general').join('&')}`,
        '/api/v1/credit?on=2026-02-30',
        '/api/v1/credit?on=20260401',
        '/api/v1/credit?page=-1',
        '/api/v1/credit?pageSize=1e9',
        `/api/v1/credit?q=${'%E4%BC%81'.repeat(101)}`,
        '/api/v1/credit?q=%00',
        '/api/v1/credit?q[$ne]=1',
      ];
      for (const url of bad) {
        const res = await get(url);
        expect(res.statusCode, `${url.slice(0, 80)}: ${res.body.slice(0, 200)}`).toBe(400);
        expectError(res, 400, res.json().error.code);
      }
      for (const q of ['%25', '_', '%5C', "'%20or%201%3D1--"]) {
        const res = await get(`/api/v1/credit?q=${q}`);
        expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
        expect(res.json().total).toBe(0);
      }
    });
  });

  describe('server failures', () => {
    it('an unexpected exception → 500 INTERNAL without stack or internals', async () => {
      const secret = new Error('connect ECONNREFUSED 10.1.2.3:5432 password=hunter2');
      const spy = vi.spyOn(t.p.identity, 'authenticate').mockRejectedValueOnce(secret);
      try {
        const res = await t.app.inject({
          method: 'GET',
          url: '/api/v1/auth/me',
          headers: { 'x-request-id': 'boom-1' },
        });
        const details = expectError(res, 500, 'INTERNAL');
        expect(details).toEqual([]);
        expect(res.json().error.requestId).toBe('boom-1');
        for (const leak of ['ECONNREFUSED', 'hunter2', '10.1.2.3', 'stack', '.ts:', 'node_modules']) {
          expect(res.body).not.toContain(leak);
        }
      } finally {
        spy.mockRestore();
      }
    });

    it('a database failure → 500 INTERNAL without SQL or table names', async () => {
      const { sql } = await import('drizzle-orm');
      await t.p.dbh.db.execute(sql`alter table sessions rename to sessions_gone`);
      try {
        const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: officer } });
        expectError(res, 500, 'INTERNAL');
        for (const leak of ['sessions', 'relation', 'select', 'SELECT', 'stack', 'postgres', 'pglite']) {
          expect(res.body).not.toContain(leak);
        }
      } finally {
        await t.p.dbh.db.execute(sql`alter table sessions_gone rename to sessions`);
      }
      // Back to normal once the table is back.
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: officer } })).statusCode,
      ).toBe(200);
    });
  });
});
