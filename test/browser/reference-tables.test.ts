import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { browserSuite, ensureWebBuild, launchChromium, login, openPage, SHOTS, shot } from '../support/browser.js';

const CUSTOMS = { username: 'customs.demo', password: 'Demo@2026!' };

browserSuite('参数表管理 in Chromium (reference tables: samples, a refused file, an XLSX import, download)', () => {
  let browser: Browser | undefined;
  let server: { url: string; close(): Promise<void> } | undefined;
  let files = '';
  const pageErrors: string[] = [];
  const contexts: BrowserContext[] = [];
  const newPage = (): Promise<Page> => openPage(browser, contexts, pageErrors);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    files = mkdtempSync(join(tmpdir(), 'cbec-tables-'));
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

  it('shows the samples, explains a bad file by line and column in both languages, imports an XLSX', async () => {
    if (!server) throw new Error('no server');
    const base = server.url.replace(/\/$/, '');
    const page = await newPage();
    await login(page, base, CUSTOMS.username, CUSTOMS.password, true);
    await page.waitForURL(/\/console/);

    // ---- the menu entry, six kinds, every one a labelled sample ----------------------------------------------
    await page.getByRole('link', { name: '参数表管理' }).click();
    await page.waitForURL(/\/console\/tables$/);
    const holidays = page.getByTestId('tables-kind-holidays');
    await holidays.waitFor();
    for (const kind of ['tariff-rates', 'positive-list', 'exchange-rates', 'customs-params']) {
      await page.getByTestId(`tables-kind-${kind}`).waitFor();
    }
    const exportConditions = page.getByTestId('tables-kind-export-conditions');
    await exportConditions.waitFor();
    expect(await exportConditions.textContent()).toContain('出口商品监管条件表');
    expect(await exportConditions.getByTestId('tag-sample').first().textContent()).toBe('样例');
    const warning = await page.getByTestId('tables-sample-warning').textContent();
    expect(warning).toContain('法定节假日及调休表');
    expect(warning).toContain('出口商品监管条件表');
    const sampleTag = holidays.getByTestId('tag-sample').first();
    expect(await sampleTag.textContent()).toBe('样例');
    expect(await sampleTag.evaluate((e) => e.className)).toContain('ant-tag-orange');
    expect(await holidays.textContent()).toContain('SAMPLE — 样例，非官方数据');
    await shot(page, 'console-reference-tables');

    // ---- a bad CSV: refused, every error in a table with its line and column ---------------------------------
    await page.getByTestId('tables-import-holidays').click();
    const bad = join(files, 'bad-holidays.csv');
    writeFileSync(bad, 'date,kind,name\n2026-10-09,workday,调休\n2026-13-01,holiday,x\n');
    await page.locator('.ant-modal input[type="file"]').setInputFiles(bad);
    await page.getByTestId('tables-chosen').waitFor();
    await page.getByTestId('tables-submit').click();
    const errors = page.getByTestId('tables-errors');
    await errors.waitFor();
    expect(await errors.textContent()).toContain('法定节假日及调休表有 2 处错误，未导入');
    expect(await errors.getByTestId('error-line').allTextContents()).toEqual(['2', '3']);
    const firstMessage = errors.getByTestId('error-message').first();
    expect(await firstMessage.textContent()).toBe('调休上班日应为周六或周日，2026-10-09 是星期五（值：2026-10-09）');
    expect(await errors.textContent()).toContain('date');
    await shot(page, 'console-reference-tables-errors');

    // the same errors in English (the switch is in the header, behind the dialog's mask)
    await page.getByText('English', { exact: true }).dispatchEvent('click');
    await expect
      .poll(async () => (await firstMessage.textContent()) ?? '')
      .toBe('A workday in exchange must be a Saturday or a Sunday; 2026-10-09 is a Friday (value: 2026-10-09)');
    await page.getByText('中文', { exact: true }).dispatchEvent('click');
    await expect.poll(async () => (await firstMessage.textContent()) ?? '').toContain('调休上班日');

    // ---- an XLSX workbook, with a label: in force at once, no longer a sample --------------------------------
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('2027');
    ws.addRow(['date', 'kind', 'name']);
    ws.addRow([new Date(Date.UTC(2027, 0, 1)), 'holiday', '元旦']);
    ws.addRow([new Date(Date.UTC(2027, 0, 2)), 'holiday', '元旦']);
    const xlsx = join(files, 'holidays-2027.xlsx');
    writeFileSync(xlsx, Buffer.from(await wb.xlsx.writeBuffer()));
    await page.locator('.ant-modal input[type="file"]').setInputFiles(xlsx);
    await page.getByTestId('tables-label').fill('2027 节假日（测试）');
    await page.getByTestId('tables-submit').click();
    await errors.waitFor({ state: 'detached' });
    const inForce = holidays.locator('tr[data-in-force="true"]');
    await expect.poll(async () => (await inForce.textContent()) ?? '').toContain('2027 节假日（测试）');
    expect(await inForce.getByTestId('tag-sample').count()).toBe(0);
    expect(await inForce.textContent()).toContain('customs.demo');
    expect(await inForce.textContent()).toContain('holidays-2027.xlsx');
    expect(await holidays.locator('tr.ant-table-row').count()).toBe(2);
    expect(await page.getByTestId('tables-sample-warning').textContent()).not.toContain('法定节假日及调休表');

    // ---- the download is the CSV stored ----------------------------------------------------------------------
    const href = await inForce.getByTestId('tables-download').getAttribute('href');
    expect(href).toMatch(/^\/api\/v1\/tables\/versions\/[0-9a-f-]{36}\/content$/);
    const body = await page.evaluate(async (h) => {
      const r = await fetch(h as string, { credentials: 'include' });
      return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
    }, href);
    expect(body).toEqual({
      status: 200,
      type: 'text/csv; charset=utf-8',
      text: 'date,kind,name\n2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n',
    });
    await shot(page, 'console-reference-tables-imported');

    expect(pageErrors).toEqual([]);
  }, 240_000);
});
