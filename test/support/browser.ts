/**
 * What the browser tests share: finding Debian's Chromium, skipping (with a message) when there is none unless
 * REQUIRE_BROWSER=1, building the web app, launching Chromium headless as this machine needs, signing in, and
 * screenshots (to docs/screenshots/ with UPDATE_SCREENSHOTS=1, else to a temporary folder).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe } from 'vitest';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : join(tmpdir(), 'cbec-zone-screenshots');
export const VIEWPORT = { width: 1280, height: 800 };

function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(p)) ?? null;
}

export const chromiumPath = findChromium();
const requireBrowser = process.env.REQUIRE_BROWSER === '1';
if (!chromiumPath && !requireBrowser) {
  console.warn(
    '[browser test] SKIPPED: no Chromium found (looked at $CHROMIUM_PATH and /usr/bin/chromium). ' +
      'Install it (apt-get install chromium) or set CHROMIUM_PATH; set REQUIRE_BROWSER=1 to fail instead of skipping.',
  );
}

/** `describe` when a browser can run (or is required, so that its absence fails), else `describe.skip`. */
export const browserSuite = chromiumPath || requireBrowser ? describe : describe.skip;

export function ensureWebBuild(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'ensure-web-build.mjs')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('building the web app failed');
}

/** Chromium headless with the flags this machine needs (no sandbox as root; no background network). */
export async function launchChromium(): Promise<Browser> {
  if (!chromiumPath) {
    throw new Error(
      'REQUIRE_BROWSER=1 but no Chromium was found at $CHROMIUM_PATH or /usr/bin/chromium (apt-get install chromium)',
    );
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({
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
}

export async function shot(page: Page, name: string): Promise<void> {
  // Let fonts, transitions and lazy chunks settle before the picture.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

export async function login(
  page: Page,
  base: string,
  username: string,
  password: string,
  officer = false,
): Promise<void> {
  await page.goto(`${base}/login${officer ? '?as=officer' : ''}`);
  await page.locator('#login_username').fill(username);
  await page.locator('#login_password').fill(password);
  await page.locator('form[id="login"] button[type="submit"]').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15_000 });
}

/**
 * A page in a fresh context (zh-CN, Asia/Shanghai, 1280×800) whose uncaught page errors and Content-Security-Policy
 * violations are collected.
 */
export async function openPage(
  browser: Browser | undefined,
  contexts: BrowserContext[],
  pageErrors: string[],
): Promise<Page> {
  if (!browser) throw new Error('no browser');
  const ctx = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  // Chromium reports what the Content-Security-Policy blocked on the console: a violation fails the test like an error
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text()))
      pageErrors.push(`${page.url()}: ${m.text()}`);
  });
  return page;
}
