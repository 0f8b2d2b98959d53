/**
 * What guards every request (issue 8 §3): cookie-authenticated state changes only from the platform's own pages
 * (Sec-Fetch-Site / Origin, OWASP "verifying origin with standard headers"); security headers on every answer
 * (CSP with frame-ancestors, Referrer-Policy, nosniff, HSTS behind HTTPS); a request budget per API key (429 with
 * Retry-After).
 */
import { sql } from 'drizzle-orm';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/app/demo.js';
import { buildCeb } from '../../src/modules/declaration/ceb/codec.js';
import { rowsOf } from '../../src/platform/db/client.js';
import { orderMessage, orderRecord, PARTIES } from '../support/ceb.js';
import { login } from '../support/http.js';
import { DB_MODE, startTestPlatform, type TestPlatform, testDatabase } from '../support/platform.js';

const SYSTEM = { name: 'guards-test', role: 'system' };

function expectErrorShape(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
  const e = res.json().error;
  expect(e).toMatchObject({ code, message: expect.any(String), messageEn: expect.any(String) });
  expect(e.requestId).toBe(res.headers['x-request-id']);
  expect(e.message).toMatch(/[\u4e00-\u9fff]/);
  return e as { details: { path: string; code?: string }[] };
}

describe('cookie-authenticated state changes come from the same origin', () => {
  let t: TestPlatform;
  let ebp: string;
  let key: string;
  let n = 0;
  const orderXml = () => buildCeb(orderMessage([orderRecord({ orderNo: `CSRF-${++n}` })]));
  const messages = async () => rowsOf(await t.p.dbh.db.execute(sql`select count(*)::int as n from decl_messages`));

  beforeAll(async () => {
    t = await startTestPlatform();
    ebp = await login(t.app, 'ebp.demo');
    key = (await t.p.identity.createApiKey(SYSTEM, PARTIES.ebp, 'guards', null)).secret;
  });
  afterAll(() => t?.close());

  const declare = (headers: Record<string, string>, contentType = 'text/plain') =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: { host: 'zone.example.cn', 'content-type': contentType, accept: 'application/json', ...headers },
      payload: orderXml(),
    });

  it('the reported attack: a cross-site text/plain POST of XML with the session cookie is refused (403), nothing stored', async () => {
    const before = JSON.stringify(await messages());
    const res = await declare({ cookie: ebp, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    const e = expectErrorShape(res, 403, 'CROSS_SITE_REQUEST');
    expect(e.details).toEqual([
      expect.objectContaining({ path: 'headers.sec-fetch-site', code: 'CROSS_SITE_REQUEST' }),
    ]);
    expect(JSON.stringify(await messages())).toBe(before);
  });

  it.each([
    ['Sec-Fetch-Site: same-site (a sibling subdomain: SameSite cookies go with it)', { 'sec-fetch-site': 'same-site' }],
    ['Sec-Fetch-Site: cross-site without Origin', { 'sec-fetch-site': 'cross-site' }],
    ['a foreign Origin (a browser without Fetch Metadata)', { origin: 'https://evil.example' }],
    ['an Origin on another port', { origin: 'http://zone.example.cn:8081' }],
    ['Origin: null (a sandboxed frame, a redirect)', { origin: 'null' }],
    ['a sibling subdomain Origin', { origin: 'https://evil.zone.example.cn' }],
    ['two Origin values', { origin: 'https://zone.example.cn, https://evil.example' }],
  ])('refused with a session cookie: %s', async (_what, headers) => {
    expectErrorShape(await declare({ cookie: ebp, ...headers }, 'application/xml'), 403, 'CROSS_SITE_REQUEST');
  });

  it.each([
    ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin', origin: 'https://zone.example.cn' }],
    ['Sec-Fetch-Site: none (typed by the user)', { 'sec-fetch-site': 'none' }],
    ['the same Origin, no Fetch Metadata', { origin: 'https://zone.example.cn' }],
    ['no Origin and no Sec-Fetch-Site (not a browser)', {}],
  ])('accepted with a session cookie: %s', async (_what, headers) => {
    const res = await declare({ cookie: ebp, ...headers }, 'application/xml');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  });

  it('the Vite dev server proxy keeps the Host, so its pages are same-origin', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { host: 'localhost:5173', origin: 'http://localhost:5173', cookie: await login(t.app, 'tax.demo') },
    });
    expect(res.statusCode).toBe(204);
  });

  it('an API key is not concerned, whatever the headers say; nor is an anonymous caller', async () => {
    const res = await declare(
      { authorization: `Bearer ${key}`, cookie: ebp, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      'application/xml',
    );
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      payload: { username: 'tax.demo', password: DEMO_PASSWORD },
    });
    expect(signIn.statusCode).toBe(200);
  });

  it('reads are not concerned; every other method is (a new API key, a deletion)', async () => {
    const cross = { cookie: ebp, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' };
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/enterprises/${PARTIES.ebp}/api-keys`,
      headers: cross,
    });
    expect(list.statusCode).toBe(200);
    const created = await t.app.inject({
      method: 'POST',
      url: `/api/v1/enterprises/${PARTIES.ebp}/api-keys`,
      headers: cross,
      payload: { name: 'stolen' },
    });
    expectErrorShape(created, 403, 'CROSS_SITE_REQUEST');
    const keys = await t.app.inject({
      method: 'GET',
      url: `/api/v1/enterprises/${PARTIES.ebp}/api-keys`,
      headers: { cookie: ebp },
    });
    expect(keys.json().items.map((k: { name: string }) => k.name)).not.toContain('stolen');
    const id = keys.json().items[0].id as string;
    for (const method of ['DELETE', 'PUT', 'PATCH'] as const) {
      const res = await t.app.inject({
        method,
        url: `/api/v1/enterprises/${PARTIES.ebp}/api-keys/${id}`,
        headers: cross,
      });
      expectErrorShape(res, 403, 'CROSS_SITE_REQUEST');
    }
  });
});

const HEADER_CHECKS: [string, InjectOptions, number][] = [
  ['an API answer', { method: 'GET', url: '/healthz' }, 200],
  ['the OpenAPI document', { method: 'GET', url: '/openapi.json' }, 200],
  ['the API docs page (Swagger UI)', { method: 'GET', url: '/docs/' }, 200],
  ['a 401', { method: 'GET', url: '/api/v1/auth/me' }, 401],
  [
    'a 401 for a bad API key',
    { method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Bearer nope' } },
    401,
  ],
  ['a 400', { method: 'POST', url: '/api/v1/auth/login', payload: { username: '' } }, 400],
  ['a 404', { method: 'GET', url: '/api/v1/no-such-route' }, 404],
  ['a 415', { method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'image/png' }, payload: 'x' }, 415],
  ['a malformed URL (refused before routing)', { method: 'GET', url: '/api/v1/enterprises/%E0%A4%A' }, 400],
];

describe('security headers on every answer', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ demo: false });
  });
  afterAll(() => t?.close());

  it.each(HEADER_CHECKS)('%s', async (_what, req, status) => {
    const res = await t.app.inject(req);
    expect(res.statusCode, res.body.slice(0, 200)).toBe(status);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    // plain HTTP (CBEC_COOKIE_SECURE unset): no HSTS, which would lock browsers out of a plain-HTTP install
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('the web app page itself, when built', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/login' });
    if (res.statusCode === 404) return; // web/dist not built in this checkout: the browser tests build and check it
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    // the built page has no inline script for the CSP to block
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});

describe('behind HTTPS (CBEC_COOKIE_SECURE=true)', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ demo: false, config: { cookieSecure: true } });
  });
  afterAll(() => t?.close());

  it.each(HEADER_CHECKS)(
    'Strict-Transport-Security and upgrade-insecure-requests on %s',
    async (_what, req, status) => {
      const res = await t.app.inject(req);
      expect(res.statusCode).toBe(status);
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    },
  );
});

describe('API key rate limit', () => {
  const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
  const receipts = (t: TestPlatform, k: string) =>
    t.app.inject({ method: 'GET', url: '/api/v1/receipts?after=0&limit=1', headers: bearer(k) });

  it('the default lets the tests and the benchmark through, and is configurable', async () => {
    const t = await startTestPlatform({ demo: false });
    try {
      expect(t.p.config.apiKeyRateLimit).toBe(6000);
    } finally {
      await t.close();
    }
  });

  it('past CBEC_API_KEY_RATE_LIMIT a minute: 429 RATE_LIMITED with Retry-After, per key', async () => {
    const t = await startTestPlatform({ demo: false, config: { apiKeyRateLimit: 5 } });
    try {
      const uscc = PARTIES.ebp;
      const a = (await t.p.identity.createApiKey(SYSTEM, uscc, 'a', null)).secret;
      const b = (await t.p.identity.createApiKey(SYSTEM, uscc, 'b', null)).secret;
      const answers = await Promise.all(Array.from({ length: 8 }, () => receipts(t, a)));
      expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      const refused = answers.find((r) => r.statusCode === 429) as LightMyRequestResponse;
      expectErrorShape(refused, 429, 'RATE_LIMITED');
      const wait = Number(refused.headers['retry-after']);
      // one request is refilled every 12 s at 5 a minute
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(12);
      expect(refused.json().error.messageEn).toContain(`${wait} s`);
      // the security headers are on the refusal too
      expect(String(refused.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
      // another key of the same enterprise has its own budget
      expect((await receipts(t, b)).statusCode).toBe(200);
      // a wrong secret with a's prefix does not spend a's budget, nor get a 429
      const forged = `${a.slice(0, 17)}${'A'.repeat(43)}`;
      expect((await receipts(t, forged)).statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('0 switches it off', async () => {
    const t = await startTestPlatform({ demo: false, config: { apiKeyRateLimit: 0 } });
    try {
      const a = (await t.p.identity.createApiKey(SYSTEM, PARTIES.ebp, 'a', null)).secret;
      const answers = await Promise.all(Array.from({ length: 30 }, () => receipts(t, a)));
      expect(new Set(answers.map((r) => r.statusCode))).toEqual(new Set([200]));
    } finally {
      await t.close();
    }
  });

  it.runIf(DB_MODE === 'postgres')('is shared by two platforms on one PostgreSQL', async () => {
    const db = await testDatabase();
    try {
      const x = await startTestPlatform({ demo: false, db, config: { apiKeyRateLimit: 6 } });
      const y = await startTestPlatform({ demo: false, db, config: { apiKeyRateLimit: 6 } });
      try {
        const k = (await x.p.identity.createApiKey(SYSTEM, PARTIES.ebp, 'k', null)).secret;
        const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => receipts(i % 2 ? x : y, k)));
        expect(answers.filter((r) => r.statusCode === 200)).toHaveLength(6);
        expect(answers.filter((r) => r.statusCode === 429)).toHaveLength(4);
      } finally {
        await x.close();
        await y.close();
      }
    } finally {
      await db.drop();
    }
  });
});
