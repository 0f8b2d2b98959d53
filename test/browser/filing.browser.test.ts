import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { browserSuite, ensureWebBuild, launchChromium, login, openPage, SHOTS, shot } from '../support/browser.js';

const DEMO_OFFICER = { username: 'customs.demo', password: 'Demo@2026!' };

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

browserSuite('web shell in Chromium (filing → approval → portal)', () => {
  let browser: Browser | undefined;
  let server: { url: string; close(): Promise<void>; adminPassword: string } | undefined;
  const pageErrors: string[] = [];
  const contexts: BrowserContext[] = [];

  const newPage = (): Promise<Page> => openPage(browser, contexts, pageErrors);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ensureWebBuild();
    const { startTestServer } = await import('../support/server.js');
    server = await startTestServer();
    browser = await launchChromium();
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

    // ---- the codes are checked as they are typed, with the API's rules and words ----------------------------
    const explain = (id: string) => applicant.locator(`.ant-form-item:has(#${id}) .ant-form-item-explain`);
    const explainText = async (id: string) =>
      (await explain(id).count()) ? ((await explain(id).textContent()) ?? '') : '';
    // a USCC still being typed is not wrong yet; a letter the standard never uses is, at once
    await applicant.locator('#filing_uscc').fill(wrong.slice(0, 8));
    await applicant.waitForTimeout(300);
    expect(await explainText('filing_uscc')).toBe('');
    await applicant.locator('#filing_uscc').fill(`${wrong.slice(0, 8)}I`);
    await expect.poll(() => explainText('filing_uscc')).toContain('统一社会信用代码第9位字符“I”无效');
    // the whole code with a wrong check character: the expected character is named before anything else is filled
    await applicant.locator('#filing_uscc').fill(wrong);
    await expect.poll(() => explainText('filing_uscc')).toBe(`统一社会信用代码校验位错误，应为 ${expected}`);
    // a warning, not a block: the operator's legacy-code exception list may admit a code the checksum refuses
    await applicant.locator('.ant-form-item:has(#filing_uscc) .ant-form-item-explain-warning').waitFor();
    await applicant.locator('#filing_regionCode').fill('99');
    await expect.poll(() => explainText('filing_regionCode')).toBe('行政区划代码前两位“99”不是有效的省级代码');
    await applicant.locator('#filing_customsCode').fill('62A');
    await expect.poll(() => explainText('filing_customsCode')).toBe('海关编码前4位（所在地行政区划）应为数字');
    await applicant.locator('#filing_legalRepresentative_idNumber').fill('110105194912310021');
    await expect.poll(() => explainText('filing_legalRepresentative_idNumber')).toBe('身份证号码校验位错误，应为 X');
    await applicant.locator('#filing_contacts_0_phone').fill('0931-812');
    await applicant.waitForTimeout(300);
    expect(await explainText('filing_contacts_0_phone')).toBe('');
    await applicant.locator('#filing_contacts_0_phone').blur();
    await expect.poll(() => explainText('filing_contacts_0_phone')).toContain('电话号码格式错误');
    await applicant.evaluate(() => window.scrollTo({ top: 0 }));
    await shot(applicant, 'apply-typing');
    // the words follow the language
    await applicant.getByText('English', { exact: true }).click();
    await expect.poll(() => explainText('filing_uscc')).toBe(`USCC check character is wrong: expected ${expected}`);
    await expect
      .poll(() => explainText('filing_legalRepresentative_idNumber'))
      .toBe('ID number check digit is wrong: expected X');
    await applicant.getByText('中文', { exact: true }).click();
    await expect.poll(() => explainText('filing_uscc')).toBe(`统一社会信用代码校验位错误，应为 ${expected}`);
    // corrected, the messages go
    await applicant.locator('#filing_customsCode').fill('');
    await applicant.locator('#filing_legalRepresentative_idNumber').fill('11010519491231002X');
    await expect.poll(() => explainText('filing_legalRepresentative_idNumber')).toBe('');
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

    // the platform refuses it (the warning did not block): its error replaces the warning, said once
    const usccError = applicant.locator('.ant-form-item:has(#filing_uscc) .ant-form-item-explain-error');
    await usccError.first().waitFor();
    const zhMessage = (await usccError.first().textContent()) ?? '';
    expect(zhMessage).toContain('校验');
    expect(zhMessage).toContain(expected);
    await expect.poll(() => explainText('filing_uscc')).toBe(`统一社会信用代码校验位错误，应为 ${expected}`);
    expect(await applicant.locator('.ant-form-item:has(#filing_uscc) .ant-form-item-explain-warning').count()).toBe(0);
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
    // the toast names the decision and the status once each (it read 已已备案)
    const toast = officer.locator('.ant-message-notice').last();
    await expect.poll(async () => (await toast.textContent()) ?? '').toContain('已批准，备案状态：已备案');
    expect(await toast.textContent()).not.toContain('已已');
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
    // the enterprise's name beside its code
    await expect.poll(async () => (await userRow.textContent()) ?? '').toContain(nameCn);
    await shot(admin, 'admin-users');

    expect(pageErrors).toEqual([]);
  }, 240_000);
});
