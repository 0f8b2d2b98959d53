import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoUscc } from '../../src/app/demo.js';
import { orgCodeCheckCharacter, usccCheckCharacter } from '../../src/kernel/codes/uscc.js';
import { browserSuite, ensureWebBuild, launchChromium, login, openPage, SHOTS, shot } from '../support/browser.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/**
 * 信用管理 in the browser: the customs officer sees the filed enterprises with their levels (the demo data: one
 * 高级认证企业, one 失信企业, the others 常规), filters by level and by name, opens one with its records, records a
 * new level, and still looks up a USCC that is not filed here. Also: the message monitor names each sender.
 */
const OFFICER = 'customs.demo';
const ON = '2026-06-01';

function unfiledUscc(): string {
  const body = 'MA7CRW01';
  const first17 = `91620100${body}${orgCodeCheckCharacter(body)}`;
  return first17 + usccCheckCharacter(first17);
}

browserSuite('信用管理 and names in the console (Chromium)', () => {
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
    // a record for an enterprise not filed here: the list does not show it, a look-up by its code does
    await t.p.credit.record(
      { name: 'customs.demo', role: 'customs' },
      { uscc: unfiledUscc(), level: 'dishonest', validFrom: '2026-05-01', basis: '外地失信认定（测试）' },
    );
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await t?.close();
  }, 60_000);

  it('lists the enterprises with their levels, filters them, opens one with its history, records a level', async () => {
    const page = await newPage();
    await login(page, base, OFFICER, DEMO_PASSWORD, true);
    await page.waitForURL(/\/console/);
    await page.getByRole('link', { name: '信用管理' }).click();
    await page.waitForURL(/\/console\/credit/);
    await page.goto(`${base}/console/credit?on=${ON}`);

    const rows = page.getByTestId('credit-list').locator('tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(5);
    const row = (n: number) => page.locator(`tr.ant-table-row[data-row-key="${demoUscc(n)}"]`);
    expect(await row(1).getByTestId('credit-row-level').getAttribute('data-level')).toBe('advanced');
    expect(await row(1).textContent()).toContain('高级认证企业');
    expect(await row(1).textContent()).toContain('【演示】兰州丝路跨境电商平台有限公司');
    expect(await row(1).textContent()).toContain('2026-04-01 ~ 长期');
    expect(await row(3).textContent()).toContain('失信企业');
    expect(await row(2).textContent()).toContain('常规企业');
    expect(await row(2).textContent()).toContain('无有效记录');
    expect(await row(2).textContent()).toContain('已备案');
    // the unfiled enterprise with a record is not in the list of filed enterprises
    expect(await page.getByTestId('credit-list').textContent()).not.toContain(unfiledUscc());
    await shot(page, 'console-credit');

    // by level: 失信企业
    await page.getByTestId('credit-level-filter').click();
    await page.locator('.ant-select-item-option', { hasText: '失信企业' }).first().click();
    await page.keyboard.press('Escape');
    await page.waitForURL(/level=dishonest/);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-row-key')).toBe(demoUscc(3));
    // 常规 as well: the enterprises without a record come back
    await page.getByTestId('credit-level-filter').click();
    await page.locator('.ant-select-item-option', { hasText: '常规企业' }).first().click();
    await page.keyboard.press('Escape');
    await expect.poll(() => rows.count()).toBe(4);
    await page.goto(`${base}/console/credit?on=${ON}`);
    await expect.poll(() => rows.count()).toBe(5);

    // by part of the name
    await page.getByTestId('credit-search').fill('陆港');
    await page.getByTestId('credit-search').press('Enter');
    await page.waitForURL(/q=/);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-row-key')).toBe(demoUscc(4));

    // opening one shows its level on the date and its records
    await page.goto(`${base}/console/credit?on=${ON}`);
    await row(1).click();
    await page.waitForURL(/uscc=/);
    const detail = page.getByTestId('credit-detail');
    await detail.waitFor();
    expect(await detail.getByTestId('credit-standing-level').getAttribute('data-level')).toBe('advanced');
    expect(await detail.getByTestId('credit-history').locator('tr.ant-table-row').count()).toBe(1);
    expect(await page.locator('.ant-drawer-title').textContent()).toContain('【演示】兰州丝路跨境电商平台有限公司');
    await shot(page, 'console-credit-detail');

    // customs records a new level for it: 认证企业 from 2026-05-20
    await page.getByTestId('credit-add-for').click();
    const modal = page.locator('.ant-modal-content');
    await modal.waitFor();
    expect(await page.locator('#credit-record_uscc').inputValue()).toBe(demoUscc(1));
    await page.getByTestId('credit-valid-from').fill('2026-05-20');
    await page.getByTestId('credit-valid-from').press('Enter');
    await page.getByTestId('credit-level-select').click();
    await page.locator('.ant-select-item-option', { hasText: /^认证企业$/ }).click();
    await page.locator('#credit-record_basis').fill('认证企业认定（浏览器测试）');
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    await modal.waitFor({ state: 'hidden' });
    await expect
      .poll(async () => await detail.getByTestId('credit-standing-level').getAttribute('data-level'))
      .toBe('certified');
    await expect.poll(() => detail.getByTestId('credit-history').locator('tr.ant-table-row').count()).toBe(2);
    await page.locator('.ant-drawer-close').click();
    await detail.waitFor({ state: 'hidden' });
    await expect
      .poll(async () => await row(1).getByTestId('credit-row-level').getAttribute('data-level'))
      .toBe('certified');

    // a USCC not filed here can still be looked up
    await page.getByTestId('credit-search').fill(unfiledUscc());
    await page.getByTestId('credit-search').press('Enter');
    await expect.poll(() => rows.count()).toBe(0);
    await page.getByTestId('credit-lookup').click();
    await detail.waitFor();
    expect(await detail.getByTestId('credit-standing-level').getAttribute('data-level')).toBe('dishonest');
    expect(await detail.textContent()).toContain('外地失信认定（测试）');
    // not a filed enterprise: the code without a name
    expect(await page.locator('.ant-drawer-title [data-testid="enterprise-name"]').count()).toBe(0);

    // in English
    await page.keyboard.press('Escape');
    await page.goto(`${base}/console/credit?on=${ON}`);
    await page.getByText('English', { exact: true }).click();
    await expect.poll(async () => (await row(3).textContent()) ?? '').toContain('Dishonest enterprise');
    expect(await row(3).textContent()).toContain('[DEMO] Western Cross-border Payment Services Co., Ltd.');
    await page.getByText('中文', { exact: true }).click();

    expect(pageErrors).toEqual([]);
  }, 240_000);

  it('the message monitor names each sender beside its code', async () => {
    const page = await newPage();
    await login(page, base, OFFICER, DEMO_PASSWORD, true);
    await page.waitForURL(/\/console/);
    await page.goto(`${base}/console/messages`);
    const sender = page.locator('tr.ant-table-row [data-testid="enterprise"]').first();
    await sender.waitFor();
    const text = (await sender.textContent()) ?? '';
    // the demo lists were declared by the demo platform, payment and logistics enterprises
    expect(text).toMatch(/^【演示】.+有限公司91620100MA7LHD0/);
    await shot(page, 'console-messages');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
