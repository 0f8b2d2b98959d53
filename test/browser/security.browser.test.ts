/**
 * The security headers in the real browser (issue 8 §3): the React/antd app and the Swagger UI at /docs run under the
 * Content-Security-Policy without a violation; another page cannot frame the platform; a form on a sibling origin
 * (same site: the SameSite=Strict cookie goes with it) cannot declare with the user's session, while the app's own
 * requests can.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCeb } from '../../src/modules/declaration/ceb/codec.js';
import { browserSuite, ensureWebBuild, launchChromium, login, openPage } from '../support/browser.js';
import { orderMessage, orderRecord } from '../support/ceb.js';

const PASSWORD = 'Demo@2026!';

browserSuite('security headers and same-origin requests in Chromium', () => {
  let browser: Browser | undefined;
  let server: { url: string; close(): Promise<void>; adminPassword: string } | undefined;
  let sibling: Server | undefined;
  let siblingUrl = '';
  const pageErrors: string[] = [];
  const contexts: BrowserContext[] = [];
  const newPage = (): Promise<Page> => openPage(browser, contexts, pageErrors);
  const base = () => (server?.url ?? '').replace(/\/$/, '');

  beforeAll(async () => {
    ensureWebBuild();
    const { startTestServer } = await import('../support/server.js');
    server = await startTestServer();
    browser = await launchChromium();
    // Another origin on the same host (another port): the same site for the browser, so SameSite cookies go along.
    const xml = buildCeb(orderMessage([orderRecord({ orderNo: 'CSRF-WEB-1' })]));
    // A text/plain form posts `name=value`: the XML is split at its first '=' so that the body is the message.
    const cut = xml.indexOf('=');
    const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    sibling = createServer((req, res) => {
      const target = `${base()}${req.url === '/frame' ? '/login' : '/api/v1/messages'}`;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      if (req.url === '/frame') res.end(`<!doctype html><iframe id="f" src="${target}"></iframe>`);
      else
        res.end(`<!doctype html><form id="f" method="POST" enctype="text/plain" action="${target}">
          <input type="hidden" name="${attr(xml.slice(0, cut))}" value="${attr(xml.slice(cut + 1))}"></form>
          <script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((r) => sibling?.listen(0, '127.0.0.1', r));
    siblingUrl = `http://127.0.0.1:${(sibling.address() as AddressInfo).port}`;
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.close();
    await new Promise((r) => (sibling ? sibling.close(r) : r(null)));
  }, 60_000);

  it('the portal, the console and the admin pages run under the CSP; the app creates an API key (a cookie POST)', async () => {
    const page = await newPage();
    const res = await page.goto(`${base()}/login`);
    expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await login(page, base(), 'ebp.demo', PASSWORD);
    for (const path of [
      '/portal',
      '/portal/messages',
      '/portal/upload',
      '/portal/clearance',
      '/portal/tax',
      '/portal/quota',
      '/portal/certificates',
      '/portal/webhooks',
      '/portal/api-keys',
    ]) {
      await page.goto(`${base()}${path}`);
      await page.locator('.ant-layout-content').first().waitFor();
      await page.waitForLoadState('networkidle');
    }
    // a state change through the app's own fetch: Sec-Fetch-Site same-origin, accepted
    await page.locator('.ant-layout-content button.ant-btn-primary').first().click();
    await page.locator('#apiKey_name').fill('浏览器测试');
    const created = page.waitForResponse((r) => r.url().endsWith('/api-keys') && r.request().method() === 'POST');
    await page.locator('#apiKey_name').press('Enter');
    expect((await created).status()).toBe(201);

    const officer = await newPage();
    await login(officer, base(), 'customs.demo', PASSWORD, true);
    for (const path of [
      '/console',
      '/console/review',
      '/console/messages',
      '/console/clearance',
      '/console/credit',
      '/console/tables',
      '/console/audit',
    ]) {
      await officer.goto(`${base()}${path}`);
      await officer.locator('.ant-layout-content').first().waitFor();
      await officer.waitForLoadState('networkidle');
    }
    const admin = await newPage();
    await login(admin, base(), 'admin', server?.adminPassword as string);
    for (const path of ['/admin/users', '/account/password']) {
      await admin.goto(`${base()}${path}`);
      await admin.locator('.ant-layout-content').first().waitFor();
      await admin.waitForLoadState('networkidle');
    }
    expect(pageErrors).toEqual([]);
  });

  it('the Swagger UI at /docs renders the API under the CSP', async () => {
    const page = await newPage();
    const res = await page.goto(`${base()}/docs/`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('.swagger-ui .info .title').waitFor();
    await page.locator('.opblock-tag').first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
    expect(pageErrors).toEqual([]);
  });

  it('another page cannot frame the platform (frame-ancestors)', async () => {
    const page = await newPage();
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (/frame-ancestors/.test(m.text())) blocked.push(m.text());
    });
    await page.goto(`${siblingUrl}/frame`);
    await expect.poll(() => blocked.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(await frame?.locator('#login_username').count()).toBe(0);
    // this refusal is the CSP doing its work, not a violation by the platform's own pages
    pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !/frame-ancestors/.test(e)));
  });

  it('a form on a sibling origin posting a text/plain message with the session cookie is refused (403)', async () => {
    const page = await newPage();
    await login(page, base(), 'ebp.demo', PASSWORD);
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/messages'));
    await page.goto(`${siblingUrl}/form`);
    const res = await answer;
    // the cookie went along (same site), and the platform refused the request for its Sec-Fetch-Site
    expect(res.request().headers().cookie ?? (await res.request().allHeaders()).cookie).toMatch(/cbec_session=/);
    expect(res.status()).toBe(403);
    expect((await res.json()).error).toMatchObject({ code: 'CROSS_SITE_REQUEST' });
    // and nothing was declared: the portal's message log has no CSRF-WEB-1
    const log = await page.request.get(`${base()}/api/v1/messages?pageSize=100`);
    expect(await log.text()).not.toContain('CSRF-WEB-1');
  });
});
