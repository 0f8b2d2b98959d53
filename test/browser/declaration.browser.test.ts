import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCeb } from '../../src/modules/declaration/ceb/codec.js';
import { browserSuite, ensureWebBuild, launchChromium, login, openPage, SHOTS, shot } from '../support/browser.js';
import { orderMessage, orderRecord } from '../support/ceb.js';

/** Enterprise admin of the demo enterprise 91620100MA7LHD015D, filed as ebp + ebc. */
const DEMO_ENTERPRISE = { username: 'ebp.demo', password: 'Demo@2026!', uscc: '91620100MA7LHD015D' };
const ORDER_NO = 'WEB-0001';

browserSuite('declaration pages in Chromium (upload → message log → receipts; webhooks)', () => {
  let browser: Browser | undefined;
  let server: { url: string; close(): Promise<void>; adminPassword: string } | undefined;
  let files: string | undefined;
  const pageErrors: string[] = [];
  const contexts: BrowserContext[] = [];

  const newPage = (): Promise<Page> => openPage(browser, contexts, pageErrors);

  /** A fresh order message for ORDER_NO (new message guid, new record guid) written to a temporary .xml file. */
  function orderFile(name: string): string {
    if (!files) throw new Error('no temp folder');
    const path = join(files, name);
    writeFileSync(path, buildCeb(orderMessage([orderRecord({ orderNo: ORDER_NO })])));
    return path;
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    files = mkdtempSync(join(tmpdir(), 'cbec-decl-'));
    ensureWebBuild();
    const { startTestServer } = await import('../support/server.js');
    server = await startTestServer();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.close();
    if (files) rmSync(files, { recursive: true, force: true });
  }, 60_000);

  it('uploads an order, explains a duplicate, finds it in the message log with its receipt, refuses a private webhook', async () => {
    if (!server) throw new Error('no server');
    const base = server.url.replace(/\/$/, '');
    const page = await newPage();
    await login(page, base, DEMO_ENTERPRISE.username, DEMO_ENTERPRISE.password);
    await page.waitForURL(/\/portal/);

    // ---- 报文上传: accepted ---------------------------------------------------------------------------------
    await page.goto(`${base}/portal/upload`);
    const fileInput = page.locator('input[type="file"]');
    await fileInput.setInputFiles(orderFile('order-1.xml'));
    await page.getByTestId('upload-chosen').waitFor();
    await page.getByTestId('upload-submit').click();
    const result = page.getByTestId('upload-result');
    await result.waitFor();
    expect(await result.getAttribute('data-status')).toBe('accepted');
    expect(await result.textContent()).toContain('已接收');

    // ---- the same order number in a new message: refused, explained ----------------------------------------
    await page.getByRole('button', { name: '继续上传' }).click();
    await result.waitFor({ state: 'detached' });
    await fileInput.setInputFiles(orderFile('order-2.xml'));
    await page.getByTestId('upload-submit').click();
    await result.waitFor();
    expect(await result.getAttribute('data-status')).toBe('rejected');
    const refusal = (await result.textContent()) ?? '';
    expect(refusal).toContain('-301010');
    expect(refusal).toContain('已存在相同编号的订单');
    const errors = result.getByTestId('decl-errors');
    const errorText = (await errors.textContent()) ?? '';
    expect(errorText).toContain('第 1 条订单 / 订单表头 / 报送类型 appType');
    expect(errorText).toContain('CEB311Message/Order[1]/OrderHead/appType');
    await result.scrollIntoViewIfNeeded();
    await shot(page, 'portal-upload-error');

    // In English, the same refusal in English words.
    await page.getByText('English', { exact: true }).click();
    await expect.poll(async () => (await errors.textContent()) ?? '').toContain('an order with the same number');
    expect(await errors.textContent()).toContain('order 1 / order head / declaration type appType');
    await page.getByText('中文', { exact: true }).click();
    await expect.poll(async () => (await errors.textContent()) ?? '').toContain('已存在相同编号的订单');

    // ---- 报文日志: both messages (with the demo data's), then a search by the order number ------------------------------------------
    await page.getByRole('link', { name: '报文日志' }).click();
    await page.waitForURL(/\/portal\/messages/);
    const rows = page.locator('.ant-table-tbody tr.ant-table-row');
    // this test's two messages, newest first, above the demo data's
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
    expect(await rows.nth(0).textContent()).toContain('已退回');
    expect(await rows.nth(1).textContent()).toContain('已接收');
    const table = (await page.locator('.ant-table-tbody').textContent()) ?? '';
    expect(table).toContain('电子订单');
    expect(table).toContain('已退回');
    expect(table).toContain('已存在相同编号的订单');
    await shot(page, 'portal-messages');

    const search = page.getByTestId('message-search');
    await search.fill(ORDER_NO);
    await search.press('Enter');
    await page.waitForURL(/key=WEB-0001/);
    // both messages carry WEB-0001: the accepted one and the refused duplicate
    const found = page.locator('.ant-table-tbody tr.ant-table-row', { hasText: ORDER_NO });
    await found.first().waitFor();
    expect(await found.count()).toBe(2);
    const accepted = found.filter({ hasText: '已接收' });
    expect(await accepted.count()).toBe(1);

    // ---- detail drawer: the receipt 申报中 (returnStatus 2) ----------------------------------------------------
    await accepted.first().click();
    const detail = page.getByTestId('message-detail');
    await detail.waitFor();
    const receipts = detail.getByTestId('receipts');
    await receipts.waitFor();
    expect(await receipts.locator('[data-return-status="2"]').count()).toBeGreaterThan(0);
    expect(await receipts.textContent()).toContain('申报中');
    expect(await receipts.textContent()).toContain(ORDER_NO);
    // the raw body holds personal data: the reader states a purpose first, and the read is audited
    await page.getByTestId('download-body').click();
    await page.getByTestId('purpose-ok').click();
    await expect
      .poll(async () => (await page.locator('.ant-modal .ant-form-item-explain-error').textContent()) ?? '')
      .toContain('请填写查看用途');
    await page.getByText('排查退回原因', { exact: true }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('purpose-ok').click()]);
    expect(download.suggestedFilename()).toMatch(/\.xml$/);
    const saved = await download.path();
    expect(readFileSync(saved, 'utf8')).toContain(ORDER_NO);
    // the platform admin finds the read in the audit log
    const signIn = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: server.adminPassword }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const audit = await fetch(`${base}/api/v1/audit?action=declaration.body-read`, { headers: { cookie } });
    const [entry] = (await audit.json()).items;
    expect(entry).toMatchObject({ actorName: DEMO_ENTERPRISE.username, actorRole: 'enterprise_admin' });
    expect(entry.summary).toMatchObject({ purpose: '排查退回原因' });
    await shot(page, 'portal-message-detail');

    // ---- 回执推送: a private address is refused on the field ---------------------------------------------------
    await page.goto(`${base}/portal/webhooks`);
    await page.getByTestId('signature-help').waitFor();
    expect(await page.getByTestId('signature-help').textContent()).toContain('x-cbec-signature');
    await page.locator('#webhook_url').fill('http://127.0.0.1:9/x');
    await page.getByTestId('webhook-add').click();
    const urlError = page.locator('.ant-form-item:has(#webhook_url) .ant-form-item-explain-error');
    await urlError.first().waitFor();
    expect(await urlError.first().textContent()).toContain('内网');
    expect(await page.locator('[data-testid="webhook-endpoints"] tr.ant-table-row').count()).toBe(0);
    await shot(page, 'portal-webhooks');

    expect(pageErrors).toEqual([]);
  }, 240_000);
});
