/**
 * End-to-end test of the web shell in a real (headless) Chromium against the platform started in-process:
 * an enterprise files (first with a wrong USCC check character, shown under the field), a customs officer approves
 * it in the console, and the new enterprise admin sees 已备案 in the portal. Screenshots of the main pages are
 * written at 1280×800 to docs/screenshots/ when UPDATE_SCREENSHOTS=1 (to keep the committed ones current), else to a
 * temporary folder (so a test run leaves the work tree clean).
 *
 * Skips (with a message) when no Chromium is found at /usr/bin/chromium or $CHROMIUM_PATH; with REQUIRE_BROWSER=1 a
 * missing browser fails the run instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : join(tmpdir(), 'cbec-zone-screenshots');
const VIEWPORT = { width: 1280, height: 800 };
const DEMO_OFFICER = { username: 'customs.demo', password: 'Demo@2026!' };

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

// ---------------------------------------------------------------------------------------------------------------
// GB 32100 / GB 11714 check characters, computed here independently of the backend.

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function orgCheck(body8: string): string {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number.parseInt(body8.charAt(i), 36) * (w[i] ?? 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

function usccCheck(first17: string): string {
  let sum = 0;
  let w = 1;
  for (let i = 0; i < 17; i++) {
    sum += USCC_ALPHABET.indexOf(first17.charAt(i)) * w;
    w = (w * 3) % 31;
  }
  return USCC_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

/** A fresh valid USCC: 9 1 (company), 620100 (Lanzhou), a random organisation code with its check, the check char. */
function freshUscc(): string {
  for (;;) {
    let body = 'M';
    for (let i = 0; i < 7; i++) body += String(Math.floor(Math.random() * 10));
    const org = orgCheck(body);
    if (!/\d/.test(org)) continue;
    const first17 = `91620100${body}${org}`;
    return first17 + usccCheck(first17);
  }
}

/** The same code with a wrong (but alphabet-valid) check character. */
function corrupt(uscc: string): string {
  const right = uscc.charAt(17);
  const wrong = USCC_ALPHABET.charAt((USCC_ALPHABET.indexOf(right) + 1) % USCC_ALPHABET.length);
  return uscc.slice(0, 17) + wrong;
}

// ---------------------------------------------------------------------------------------------------------------

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

async function login(page: Page, base: string, username: string, password: string, officer = false): Promise<void> {
  await page.goto(`${base}/login${officer ? '?as=officer' : ''}`);
  await page.locator('#login_username').fill(username);
  await page.locator('#login_password').fill(password);
  await page.locator('form[id="login"] button[type="submit"]').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15_000 });
}

const suite = chromiumPath || requireBrowser ? describe : describe.skip;

suite('web shell in Chromium (filing → approval → portal)', () => {
  let browser: Browser | undefined;
  let server: { url: string; close(): Promise<void>; adminPassword: string } | undefined;
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

  beforeAll(async () => {
    if (!chromiumPath) {
      throw new Error(
        'REQUIRE_BROWSER=1 but no Chromium was found at $CHROMIUM_PATH or /usr/bin/chromium (apt-get install chromium)',
      );
    }
    mkdirSync(SHOTS, { recursive: true });
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
  }, 60_000);

  it('files an enterprise, has it approved by customs, and shows it filed in the portal', async () => {
    if (!server) throw new Error('no server');
    const base = server.url.replace(/\/$/, '');
    const uscc = freshUscc();
    const wrong = corrupt(uscc);
    const expected = uscc.charAt(17);
    const suffix = uscc.slice(10, 16);
    const account = { username: `ent.${suffix}`, password: `Lz-${suffix}-Pass2026` };
    const nameCn = `兰州黄河跨境贸易有限公司${suffix}`;

    // ---- home ------------------------------------------------------------------------------------------------
    const applicant = await newPage();
    await applicant.goto(`${base}/`);
    await expect
      .poll(() => applicant.getByTestId('platform-name').textContent())
      .toContain('兰州跨境电商综试区线上综合服务平台');
    await applicant.getByTestId('entry-apply').waitFor();
    await shot(applicant, 'home');

    // ---- apply, with a wrong check character ----------------------------------------------------------------
    await applicant.getByTestId('entry-apply').click();
    await applicant.waitForURL(/\/apply$/);
    await applicant.locator('#filing_uscc').fill(wrong);
    await applicant.locator('#filing_nameCn').fill(nameCn);
    await applicant.locator('#filing_nameEn').fill(`Lanzhou Yellow River Cross-border Trade Co., Ltd. ${suffix}`);
    await applicant.locator('#filing_registeredAddress').fill('甘肃省兰州市兰州新区综合保税区纬一路 88 号');
    await applicant.locator('#filing_regionCode').fill('620100');
    await applicant.locator('#filing_legalRepresentative_name').fill('张明');
    await applicant.locator('#filing_contacts_0_name').fill('李华');
    await applicant.locator('#filing_contacts_0_phone').fill('13893112345');
    await applicant.locator('#filing_contacts_0_email').fill('lihua@example.com');
    await applicant.locator('input[type="checkbox"][value="ebc"]').check();
    await applicant.locator('input[type="checkbox"][value="logistics"]').check();
    await applicant.locator('#filing_account_username').fill(account.username);
    await applicant.locator('#filing_account_password').fill(account.password);
    await applicant.locator('#filing_account_confirm').fill(account.password);
    await applicant.getByTestId('filing-submit').click();

    const usccError = applicant.locator('.ant-form-item:has(#filing_uscc) .ant-form-item-explain-error');
    await usccError.first().waitFor();
    const zhMessage = (await usccError.first().textContent()) ?? '';
    expect(zhMessage).toContain('校验');
    expect(zhMessage).toContain(expected);
    await applicant.evaluate(() => window.scrollTo({ top: 0 }));
    await shot(applicant, 'apply-error');

    // The message follows the language switch (messageEn), and back.
    await applicant.getByText('English', { exact: true }).click();
    await expect.poll(async () => (await usccError.first().textContent()) ?? '').toMatch(/expected/i);
    expect(await usccError.first().textContent()).toContain(expected);
    await applicant.getByText('中文', { exact: true }).click();
    await expect.poll(async () => (await usccError.first().textContent()) ?? '').toContain('校验');

    // ---- fix it and submit -----------------------------------------------------------------------------------
    await applicant.locator('#filing_uscc').fill(uscc);
    await applicant.getByTestId('filing-submit').click();
    const result = applicant.getByTestId('filing-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('已提交');

    // ---- customs officer approves ----------------------------------------------------------------------------
    const officer = await newPage();
    await login(officer, base, DEMO_OFFICER.username, DEMO_OFFICER.password, true);
    await officer.waitForURL(/\/console/);
    const row = officer.locator(`tr[data-row-key="${uscc}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('已提交');
    await shot(officer, 'console-queue');

    await row.click();
    const detail = officer.getByTestId('enterprise-detail');
    await detail.waitFor();
    expect(await detail.textContent()).toContain(nameCn);
    await officer.getByTestId('decision-buttons').waitFor();
    await shot(officer, 'console-detail');

    await officer.getByTestId('decision-buttons').getByRole('button', { name: /批准/ }).click();
    const modal = officer.locator('.ant-modal-content');
    await modal.waitFor();
    await modal.locator('.ant-modal-footer button.ant-btn-primary').click();
    await modal.waitFor({ state: 'hidden' });
    const drawerTitle = officer.locator('.ant-drawer-title');
    await expect.poll(async () => (await drawerTitle.textContent()) ?? '').toContain('已备案');
    await expect.poll(async () => (await detail.textContent()) ?? '').toContain('批准');

    // ---- the new enterprise admin sees it filed -------------------------------------------------------------
    const enterprise = await newPage();
    await login(enterprise, base, account.username, account.password);
    await enterprise.waitForURL(/\/portal/);
    const status = enterprise.getByTestId('portal-status');
    await status.waitFor();
    expect(await status.textContent()).toContain('已备案');
    await enterprise.getByTestId('history').waitFor();
    await shot(enterprise, 'portal');

    // ---- platform admin: users -------------------------------------------------------------------------------
    const admin = await newPage();
    await login(admin, base, 'admin', server.adminPassword, true);
    if (new URL(admin.url()).pathname === '/account/password') {
      const next = `Admin-${suffix}-2026x`;
      await admin.locator('#password_currentPassword').fill(server.adminPassword);
      await admin.locator('#password_newPassword').fill(next);
      await admin.locator('#password_confirm').fill(next);
      await admin.locator('form[id="password"] button[type="submit"]').click();
      await admin.waitForURL((u) => u.pathname !== '/account/password');
    }
    await admin.goto(`${base}/admin/users`);
    const userRow = admin.locator('tr.ant-table-row', { hasText: account.username });
    await userRow.waitFor();
    expect(await userRow.textContent()).toContain(uscc);
    await shot(admin, 'admin-users');

    expect(pageErrors).toEqual([]);
  }, 240_000);
});
