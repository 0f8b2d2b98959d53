import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoUscc } from '../../src/app/demo.js';
import { addDays } from '../../src/kernel/time.js';
import { browserSuite, ensureWebBuild, launchChromium, login, openPage, SHOTS, shot } from '../support/browser.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/**
 * 海外仓 and 海外仓备案 in the browser, on the demo data: the demo exporter (ebc.demo) sees its Hamburg warehouse,
 * files one in the United States (a bad area is refused by the form, an unknown country by the platform, on their
 * fields), sees it valid, withdraws it with a reason and sees it withdrawn; customs (customs.demo) finds both
 * filings in the console, by country and by operator.
 */
const DEMO_WAREHOUSE = '【演示】陇货出海汉堡海外仓';
const NEW_WAREHOUSE = '陇货出海洛杉矶海外仓（浏览器测试）';

/** Today in Shanghai (the platform's business day). */
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

const fieldError = (page: Page, id: string) =>
  page.locator(`.ant-form-item:has(#${id}) .ant-form-item-explain-error`).first();

/** Types both days into an antd RangePicker and commits them. */
async function pickRange(page: Page, id: string, from: string, to: string): Promise<void> {
  const inputs = page.locator(`.ant-form-item:has(#${id}) .ant-picker-input input`);
  await inputs.nth(0).click();
  await inputs.nth(0).fill(from);
  await inputs.nth(0).press('Enter');
  await inputs.nth(1).click();
  await inputs.nth(1).fill(to);
  await inputs.nth(1).press('Enter');
  await expect.poll(() => inputs.nth(0).inputValue()).toBe(from);
  await expect.poll(() => inputs.nth(1).inputValue()).toBe(to);
}

browserSuite('overseas warehouses (海外仓备案) in Chromium', () => {
  let browser: Browser | undefined;
  let t: TestPlatform | undefined;
  let base = '';
  const pageErrors: string[] = [];
  const contexts: BrowserContext[] = [];
  const newPage = (): Promise<Page> => openPage(browser, contexts, pageErrors);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ensureWebBuild();
    t = await startTestPlatform();
    base = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace(/\/$/, '');
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await t?.close();
  }, 60_000);

  it('the exporter files a warehouse (field errors first), sees it valid, withdraws it; customs finds both', async () => {
    const ent = await newPage();
    await login(ent, base, 'ebc.demo', DEMO_PASSWORD);
    await ent.getByRole('link', { name: '海外仓', exact: true }).click();
    await ent.waitForURL(/\/portal\/overseas-warehouses$/);

    // the demo warehouse: Hamburg, country 304, valid
    const rows = ent.getByTestId('warehouses').locator('tr.ant-table-row');
    const demo = rows.filter({ hasText: DEMO_WAREHOUSE });
    await demo.waitFor();
    expect(await ent.textContent('body')).toContain('（监管方式 9810）');
    expect(await demo.getByTestId('warehouse-country').textContent()).toBe('304');
    expect(await demo.locator('[data-status]').getAttribute('data-status')).toBe('active');
    expect(await demo.locator('[data-status]').textContent()).toBe('有效');
    expect(await demo.textContent()).toMatch(/OW\d{6}/);

    // file one: first a bad area (the form refuses it), then a country the customs table lacks (the platform does)
    await ent.getByTestId('warehouse-file').click();
    const modal = ent.locator('.ant-modal-content', { hasText: '备案海外仓' });
    await modal.locator('#warehouse_nameCn').waitFor();
    await modal.locator('#warehouse_nameCn').fill(NEW_WAREHOUSE);
    await modal.locator('#warehouse_country').fill('999');
    await modal.locator('#warehouse_areaM2').fill('12.345');
    await modal.locator('#warehouse_address').fill('1200 Harbor Blvd, Los Angeles, CA');
    const categories = modal.locator('#warehouse_goodsCategories');
    for (const c of ['84', '0902']) {
      await categories.fill(c);
      await categories.press('Enter');
    }
    await expect.poll(() => modal.locator('.ant-select-selection-item').count()).toBe(2);
    await pickRange(ent, 'warehouse_validity', today(), addDays(today(), 365));
    await ent.getByTestId('warehouse-submit').click();
    const areaError = fieldError(ent, 'warehouse_areaM2');
    await areaError.waitFor();
    expect(await areaError.textContent()).toBe('面积应为正数（平方米，至多两位小数）');

    await modal.locator('#warehouse_areaM2').fill('3500.50');
    await expect.poll(() => fieldError(ent, 'warehouse_areaM2').count()).toBe(0);
    await ent.getByTestId('warehouse-submit').click();
    const countryError = fieldError(ent, 'warehouse_country');
    await countryError.waitFor();
    expect(await countryError.textContent()).toBe('国别代码 999 不在海关参数表中');
    await shot(ent, 'portal-overseas-warehouse-refused');

    // the United States: filed, valid, with its categories
    await modal.locator('#warehouse_country').fill('502');
    await ent.getByTestId('warehouse-submit').click();
    await modal.waitFor({ state: 'hidden' });
    const mine = rows.filter({ hasText: NEW_WAREHOUSE });
    await mine.waitFor();
    expect(await mine.getByTestId('warehouse-country').textContent()).toBe('502');
    expect(await mine.textContent()).toContain('3,500.5');
    expect(await mine.textContent()).toContain(`${today()} – ${addDays(today(), 365)}`);
    expect(await mine.locator('.ant-tag').allTextContents()).toEqual(expect.arrayContaining(['84', '0902']));
    expect(await mine.locator('[data-status]').textContent()).toBe('有效');
    await expect.poll(() => rows.count()).toBe(2);

    // withdraw it: a reason is required
    await mine.getByTestId('warehouse-withdraw').click();
    const end = ent.locator('.ant-modal-content', { hasText: '撤销海外仓备案' });
    await end.locator('#warehouseWithdraw_reason').waitFor();
    const reasonError = fieldError(ent, 'warehouseWithdraw_reason');
    await expect
      .poll(async () => {
        if ((await reasonError.count()) === 0) await ent.getByTestId('warehouse-withdraw-submit').click();
        return reasonError.count();
      })
      .toBe(1);
    expect(await reasonError.textContent()).toBe('请填写撤销理由');
    await end.locator('#warehouseWithdraw_reason').fill('租约未签成，不再使用此仓');
    await ent.getByTestId('warehouse-withdraw-submit').click();
    await end.waitFor({ state: 'hidden' });
    await expect.poll(() => mine.locator('[data-status]').getAttribute('data-status')).toBe('withdrawn');
    expect(await mine.locator('[data-status]').textContent()).toBe('已撤销');
    expect(await mine.textContent()).toContain(`${today()} 撤销：租约未签成，不再使用此仓`);
    expect(await mine.getByTestId('warehouse-withdraw').count()).toBe(0);
    expect(await demo.getByTestId('warehouse-withdraw').count()).toBe(1);
    await ent.evaluate(() => window.scrollTo({ top: 0 }));
    // the success messages gone, so that the picture shows the page rather than its toasts
    await expect.poll(() => ent.locator('.ant-message-notice').count()).toBe(0);
    await shot(ent, 'portal-overseas-warehouses');

    // in English
    await ent.getByText('English', { exact: true }).click();
    await expect.poll(() => mine.locator('[data-status]').textContent()).toBe('Withdrawn');
    await ent.getByText('中文', { exact: true }).click();

    // customs: every filing, by country and by operator, read-only
    const officer = await newPage();
    await login(officer, base, 'customs.demo', DEMO_PASSWORD, true);
    await officer.getByRole('link', { name: '海外仓备案' }).click();
    await officer.waitForURL(/\/console\/overseas-warehouses$/);
    const all = officer.getByTestId('warehouses').locator('tr.ant-table-row');
    await expect.poll(() => all.count()).toBe(2);
    const text = (await officer.getByTestId('warehouses').textContent()) ?? '';
    expect(text).toContain(DEMO_WAREHOUSE);
    expect(text).toContain(NEW_WAREHOUSE);
    expect(text).toContain('【演示】甘肃陇货出海电子商务有限公司');
    expect(await officer.getByTestId('warehouse-file').count()).toBe(0);
    expect(await officer.getByTestId('warehouse-withdraw').count()).toBe(0);
    await shot(officer, 'console-overseas-warehouses');

    await officer.getByTestId('warehouse-country-filter').fill('502');
    await officer.getByTestId('warehouse-country-filter').press('Enter');
    await officer.waitForURL(/country=502/);
    await expect.poll(() => all.count()).toBe(1);
    expect(await all.first().textContent()).toContain(NEW_WAREHOUSE);
    await officer.goto(`${base}/console/overseas-warehouses?operator=${demoUscc(2)}`);
    await expect.poll(() => all.count()).toBe(2);
    await officer.goto(`${base}/console/overseas-warehouses?operator=${demoUscc(1)}`);
    await expect.poll(() => all.count()).toBe(0);

    expect(pageErrors).toEqual([]);
  }, 240_000);
});
