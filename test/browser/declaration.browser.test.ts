/**
 * End-to-end test of the enterprise portal's declaration pages (三单申报一口接入) in a real (headless) Chromium against
 * the platform started in-process: the demo enterprise admin (ebp.demo) uploads an order message (报文上传) and sees it accepted,
 * uploads the same order number again and sees the refusal -301010 explained in plain words, finds the message in
 * the message log (报文日志) by its order number and sees its receipt 申报中 (returnStatus 2), and is told why a
 * private webhook address (回执推送) is refused. Screenshots at 1280×800 go to docs/screenshots/ with
 * UPDATE_SCREENSHOTS=1, else to a temporary folder.
 *
 * Skips (with a message) when no Chromium is found at /usr/bin/chromium or $CHROMIUM_PATH; with REQUIRE_BROWSER=1 a
 * missing browser fails the run instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCeb } from '../../src/modules/declaration/ceb/codec.js';
import { orderMessage, orderRecord } from '../support/ceb.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : join(tmpdir(), 'cbec-zone-screenshots');
const VIEWPORT = { width: 1280, height: 800 };
/** Enterprise admin of the demo enterprise 91620100MA7LHD015D, filed as ebp + ebc. */
const DEMO_ENTERPRISE = { username: 'ebp.demo', password: 'Demo@2026!', uscc: '91620100MA7LHD015D' };
const ORDER_NO = 'WEB-0001';

function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(p)) ?? null;
}

const chromiumPath = findChromium();
const requireBrowser = process.env.REQUIRE_BROWSER === '1';
if (!chromiumPath && !requireBrowser) {
  console.warn(
    '[browser test] SKIPPED: no Chromium found (looked at $CHROMIUM_PATH and /usr/bin/chromium). ' +
      'Install it (apt-get install chromium) or set CHROMIUM_PATH; set REQUIRE_BROWSER=1 to fail instead of skipping.',
  );
}

function ensureWebBuild(): void {
  const script = join(ROOT, 'scripts', 'ensure-web-build.mjs');
  const args = existsSync(script)
    ? [script]
    : [
        join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '--config',
        'web/vite.config.ts',
        '--logLevel',
        'warn',
      ];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the web app failed');
}

async function shot(page: Page, name: string): Promise<void> {
  // Let fonts, transitions and lazy chunks settle before the picture.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

async function login(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.locator('#login_username').fill(username);
  await page.locator('#login_password').fill(password);
  await page.locator('form[id="login"] button[type="submit"]').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15_000 });
}

const suite = chromiumPath || requireBrowser ? describe : describe.skip;

suite('declaration pages in Chromium (upload → message log → receipts; webhooks)', () => {
  let browser: Browser | undefined;
  let server: { url: string; close(): Promise<void> } | undefined;
  let files: string | undefined;
  const pageErrors: string[] = [];
  const contexts: BrowserContext[] = [];

  async function newPage(): Promise<Page> {
    if (!browser) throw new Error('no browser');
    const ctx = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
    return page;
  }

  /** A fresh order message for ORDER_NO (new message guid, new record guid) written to a temporary .xml file. */
  function orderFile(name: string): string {
    if (!files) throw new Error('no temp folder');
    const path = join(files, name);
    writeFileSync(path, buildCeb(orderMessage([orderRecord({ orderNo: ORDER_NO })])));
    return path;
  }

  beforeAll(async () => {
    if (!chromiumPath) {
      throw new Error(
        'REQUIRE_BROWSER=1 but no Chromium was found at $CHROMIUM_PATH or /usr/bin/chromium (apt-get install chromium)',
      );
    }
    mkdirSync(SHOTS, { recursive: true });
    files = mkdtempSync(join(tmpdir(), 'cbec-decl-'));
    ensureWebBuild();
    const { startTestServer } = await import('../support/server.js');
    server = await startTestServer();
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
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

    // ---- 报文日志: both messages, then a search by the order number ------------------------------------------
    await page.getByRole('link', { name: '报文日志' }).click();
    await page.waitForURL(/\/portal\/messages/);
    const rows = page.locator('.ant-table-tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(2);
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
    const download = page.getByTestId('download-body');
    expect(await download.getAttribute('href')).toMatch(/^\/api\/v1\/messages\/[0-9a-f-]{36}\/body$/);
    const body = await page.evaluate(
      async (href) => {
        const r = await fetch(href as string, { credentials: 'include' });
        return { status: r.status, text: await r.text() };
      },
      await download.getAttribute('href'),
    );
    expect(body.status).toBe(200);
    expect(body.text).toContain(ORDER_NO);
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
