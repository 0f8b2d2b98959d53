import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/app/demo.js';
import { demoCertificatePem } from '../../src/app/demo-pki.js';
import { PARTIES } from '../../src/app/examples.js';
import { addDays } from '../../src/kernel/time.js';
import { browserSuite, ensureWebBuild, launchChromium, login, openPage, SHOTS, shot } from '../support/browser.js';
import { makeCrl, makeSm2Ca, makeSm2Signer, type TestCa } from '../support/certs.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/**
 * 委托关系, 签名证书, 证书核准 and 证书信任 in the browser, on the demo data: the platform (ebp.demo, filed as ebp + ebc)
 * lets the logistics firm (logistics.demo, logistics + agent) declare its orders, and ends that; an operator of the
 * platform only sees; the e-commerce enterprise (ebc.demo) registers a self-signed certificate, which waits for
 * customs until customs.demo approves it; the platform admin sees the demo CA with its warning, trusts a CA, loads
 * its CRL and removes it.
 */
const OPERATOR = { username: 'ebp.operator', password: 'Operator@Test2026' };
const LOGISTICS_NAME = '【演示】兰州国际陆港物流有限公司';
const EBC_NAME = '【演示】甘肃陇货出海电子商务有限公司';

/** Today in Shanghai (the platform's business day). */
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

/** Types a date into an antd DatePicker and commits it. */
async function pickDate(page: Page, id: string, date: string): Promise<void> {
  const input = page.locator(`#${id}`);
  await input.click();
  await input.fill(date);
  await input.press('Enter');
  await expect.poll(() => input.inputValue()).toBe(date);
}

const fieldError = (page: Page, id: string) =>
  page.locator(`.ant-form-item:has(#${id}) .ant-form-item-explain-error`).first();

browserSuite('trust pages in Chromium (delegations; certificates: pending → approved; the trust store)', () => {
  let browser: Browser | undefined;
  let t: TestPlatform | undefined;
  let base = '';
  let ca: TestCa | undefined;
  const pageErrors: string[] = [];
  const contexts: BrowserContext[] = [];
  const newPage = (): Promise<Page> => openPage(browser, contexts, pageErrors);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ensureWebBuild();
    t = await startTestPlatform();
    base = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace(/\/$/, '');
    await t.p.identity.createUserTx(
      { name: 'test' },
      {
        username: OPERATOR.username,
        displayName: '电商平台操作员',
        role: 'enterprise_operator',
        enterpriseUscc: PARTIES.ebp,
        password: OPERATOR.password,
      },
    );
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await t?.close();
    ca?.close();
  }, 60_000);

  it('the platform delegates its orders to the logistics firm and ends it; the firm sees both; an operator only reads', async () => {
    const ebp = await newPage();
    await login(ebp, base, 'ebp.demo', DEMO_PASSWORD);
    await ebp.getByRole('link', { name: '委托关系' }).click();
    await ebp.waitForURL(/\/portal\/delegations$/);

    // the demo delegation: its lists, cancellations and returns, to the logistics firm, in force
    const given = ebp.getByTestId('delegations-given');
    const demoRow = given.locator('tr.ant-table-row').first();
    await demoRow.waitFor();
    expect(await demoRow.textContent()).toContain(LOGISTICS_NAME);
    expect(await demoRow.textContent()).toContain(PARTIES.logistics);
    expect(await demoRow.textContent()).toContain('CEB621 进口清单');
    expect(await demoRow.locator('[data-status="active"]').textContent()).toBe('生效中');

    // record: only the kinds the platform's roles (ebp, ebc) may delegate are offered
    await ebp.getByTestId('delegation-record').click();
    const modal = ebp.locator('.ant-modal-content');
    await modal.locator('#delegation_delegateUscc').waitFor();
    const offered = await modal
      .locator('#delegation_messageTypes input[type="checkbox"]')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    expect(offered).toContain('CEB311Message');
    expect(offered).toContain('CEB621Message');
    expect(offered).not.toContain('CEB411Message'); // the payment firm's, not the platform's
    expect(offered).not.toContain('CEB511Message'); // the logistics firm's own, never delegated
    expect(await modal.textContent()).toContain('可委托物流企业（快件运营人、邮政企业）申报');

    // to the payment firm, which is no logistics enterprise: refused, and the reason shows on the kinds field
    await modal.locator('#delegation_delegateUscc').fill(PARTIES.pay);
    await modal.locator('input[type="checkbox"][value="CEB311Message"]').check();
    await pickDate(ebp, 'delegation_validFrom', today());
    await pickDate(ebp, 'delegation_validUntil', addDays(today(), 90));
    await modal.locator('#delegation_note').fill('快件委托申报电子订单');
    await ebp.getByTestId('delegation-submit').click();
    const kindsError = fieldError(ebp, 'delegation_messageTypes');
    await kindsError.waitFor();
    expect(await kindsError.textContent()).toContain('受托企业须备案为物流企业');
    await shot(ebp, 'portal-delegation-refused');

    // to the logistics firm: recorded, in force, with its name and the kind by its Chinese name
    await modal.locator('#delegation_delegateUscc').fill(PARTIES.logistics);
    await ebp.getByTestId('delegation-submit').click();
    await modal.waitFor({ state: 'hidden' });
    const orders = given.locator('tr.ant-table-row', { hasText: 'CEB311' });
    await orders.waitFor();
    expect(await orders.textContent()).toContain('CEB311 电子订单');
    expect(await orders.textContent()).toContain(LOGISTICS_NAME);
    expect(await orders.textContent()).toContain(`${today()} – ${addDays(today(), 90)}`);
    expect(await orders.locator('[data-status]').textContent()).toBe('生效中');
    expect(await orders.textContent()).toContain('快件委托申报电子订单');
    await shot(ebp, 'portal-delegations');

    // the logistics firm sees it received
    const firm = await newPage();
    await login(firm, base, 'logistics.demo', DEMO_PASSWORD);
    await firm.goto(`${base}/portal/delegations`);
    const received = firm.getByTestId('delegations-received').locator('tr.ant-table-row', { hasText: 'CEB311' });
    await received.waitFor();
    expect(await received.textContent()).toContain('【演示】兰州丝路跨境电商平台有限公司');
    expect(await received.locator('[data-status]').textContent()).toBe('生效中');

    // end it: a reason is required
    await orders.getByTestId('delegation-end').click();
    const endModal = ebp.locator('.ant-modal-content', { hasText: '终止对' });
    await endModal.locator('#delegationEnd_reason').waitFor(); // the form is mounted (the modal opens animated)
    const reasonError = fieldError(ebp, 'delegationEnd_reason');
    await expect
      .poll(async () => {
        if ((await reasonError.count()) === 0) await ebp.getByTestId('delegation-end-submit').click();
        return reasonError.count();
      })
      .toBe(1);
    expect(await reasonError.textContent()).toBe('请填写终止理由');
    await endModal.locator('#delegationEnd_reason').fill('快件业务改由自营物流申报');
    await ebp.getByTestId('delegation-end-submit').click();
    await endModal.waitFor({ state: 'hidden' });
    await expect.poll(() => orders.locator('[data-status]').textContent()).toBe('已终止');
    expect(await orders.textContent()).toContain('由委托企业终止：快件业务改由自营物流申报');
    expect(await orders.getByTestId('delegation-end').count()).toBe(0);

    // the firm sees it ended, with the reason; "only current" hides it
    await firm.reload();
    await expect.poll(() => received.locator('[data-status]').textContent()).toBe('已终止');
    expect(await received.textContent()).toContain('快件业务改由自营物流申报');
    await firm.getByTestId('delegation-current').click();
    await expect.poll(() => received.count()).toBe(0);

    // in English: the statuses and the kinds by their English names
    await ebp.getByText('English', { exact: true }).click();
    await expect.poll(() => orders.locator('[data-status]').textContent()).toBe('Ended');
    expect(await orders.textContent()).toContain('CEB311 Order');
    await ebp.getByText('中文', { exact: true }).click();

    // an operator of the platform sees the delegations and cannot change them
    const op = await newPage();
    await login(op, base, OPERATOR.username, OPERATOR.password);
    await op.goto(`${base}/portal/delegations`);
    await op.getByTestId('delegation-read-only').waitFor();
    await op.getByTestId('delegations-given').locator('tr.ant-table-row').first().waitFor();
    expect(await op.getByTestId('delegations-given').locator('tr.ant-table-row').count()).toBe(2);
    expect(await op.getByTestId('delegation-record').count()).toBe(0);
    expect(await op.getByTestId('delegation-end').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('a self-signed certificate waits for customs; customs approves it; the enterprise sees it approved', async () => {
    const ent = await newPage();
    await login(ent, base, 'ebc.demo', DEMO_PASSWORD);
    await ent.getByRole('link', { name: '签名证书' }).click();
    await ent.waitForURL(/\/portal\/certificates$/);
    // the demo certificate: issued by the demo CA
    const rows = ent.getByTestId('cert-table').locator('tr.ant-table-row');
    await rows.first().waitFor();
    const demo = rows.first().getByTestId('cert-trust');
    expect(await demo.getAttribute('data-trust')).toBe('ca');
    expect(await demo.textContent()).toContain('受信任 CA 签发');
    expect(await demo.textContent()).toContain('【演示】综试区演示 CA');

    // register a self-signed one: registered, but it verifies nothing until customs approves it
    const signer = makeSm2Signer(PARTIES.ebc);
    await ent.getByTestId('cert-add').click();
    await ent.locator('#certificate_certificate').fill(signer.certificatePem);
    await ent.locator('.ant-modal-footer .ant-btn-primary').click();
    const result = ent.getByTestId('cert-added-result');
    await result.waitFor();
    expect(await result.getAttribute('data-trust')).toBe('pending');
    const said = (await result.textContent()) ?? '';
    expect(said).toContain('待海关核准');
    expect(said).toContain('自签名证书');
    expect(said).toContain('核准之前，用此证书加签的报文验签不通过');
    await expect.poll(() => rows.count()).toBe(2);
    const mine = rows.filter({ hasText: 'cbec-zone test' });
    const mineTrust = mine.getByTestId('cert-trust');
    expect(await mineTrust.getAttribute('data-trust')).toBe('pending');
    expect(await mineTrust.textContent()).toContain('自签名证书，不是受信任 CA 签发');
    expect(await mineTrust.textContent()).toContain('海关核准前不能用于验签');
    await ent.evaluate(() => window.scrollTo({ top: 0 }));
    await shot(ent, 'portal-certificates-pending');

    // customs: 证书核准 lists it with the enterprise's name, USCC and fingerprint; a note is required
    const officer = await newPage();
    await login(officer, base, 'customs.demo', DEMO_PASSWORD, true);
    await officer.getByRole('link', { name: '证书核准' }).click();
    await officer.waitForURL(/\/console\/certificates$/);
    const waiting = officer.getByTestId('cert-review').locator('tr.ant-table-row');
    await waiting.first().waitFor();
    expect(await waiting.count()).toBe(1);
    const row = waiting.first();
    expect(await row.textContent()).toContain(EBC_NAME);
    expect(await row.textContent()).toContain(PARTIES.ebc);
    expect(await row.textContent()).toContain('自签名证书');
    const fp = (await row.getByTestId('cert-fingerprint').textContent()) ?? '';
    const der = signer.certificateDer;
    const { createHash } = await import('node:crypto');
    const expected = createHash('sm3').update(der).digest('hex').toUpperCase();
    expect(fp.replace(/\s+/g, '')).toBe(expected);
    await shot(officer, 'console-certificate-review');

    await row.getByTestId('cert-approve').click();
    const decision = officer.locator('.ant-modal-content');
    await decision.waitFor();
    await officer.getByTestId('cert-review-submit').click();
    expect(await fieldError(officer, 'certReview_note').textContent()).toBe('请填写意见');
    await decision.locator('#certReview_note').fill('已电话核对指纹，与企业提供的一致');
    await officer.getByTestId('cert-review-submit').click();
    await decision.waitFor({ state: 'hidden' });
    await expect.poll(() => waiting.count()).toBe(0);
    expect(await officer.getByTestId('cert-review').textContent()).toContain('没有待核准的证书');

    // the enterprise sees it approved, with the officer's note
    await ent.reload();
    await rows.nth(1).waitFor();
    await expect.poll(() => mineTrust.getAttribute('data-trust')).toBe('approved');
    expect(await mineTrust.textContent()).toContain('海关已核准');
    expect(await mineTrust.textContent()).toContain('海关意见：已电话核对指纹，与企业提供的一致');
    expect(await ent.getByTestId('cert-pending-alert').count()).toBe(0);
    await shot(ent, 'portal-certificates');
    expect(pageErrors).toEqual([]);
  });

  it('the admin sees the demo CA with its warning, trusts a CA, loads its CRL and removes it', async () => {
    if (!t) throw new Error('no platform');
    const admin = await newPage();
    await login(admin, base, 'admin', t.adminPassword, true);
    await admin.getByRole('link', { name: '证书信任' }).click();
    await admin.waitForURL(/\/admin\/trust$/);
    const cas = admin.getByTestId('trusted-cas').locator('tr.ant-table-row');
    await cas.first().waitFor();
    expect(await cas.count()).toBe(1);
    expect(await cas.first().getByTestId('tag-demo').textContent()).toBe('演示');
    expect(await cas.first().locator('[data-status]').textContent()).toBe('有效');
    const warning = (await admin.getByTestId('demo-ca-warning').textContent()) ?? '';
    expect(warning).toContain('演示 CA');
    expect(warning).toContain('投入生产前必须移除演示 CA');
    await shot(admin, 'admin-trust-store');

    // an enterprise's signing certificate (the demo one, basicConstraints cA false) is refused on its field
    await admin.getByTestId('ca-add').click();
    const addModal = admin.locator('.ant-modal-content', { hasText: 'CA 证书' });
    await addModal.waitFor();
    await addModal.locator('#trustedCa_label').fill('测试 CA（SM2）');
    await addModal.locator('#trustedCa_certificate').fill(demoCertificatePem(PARTIES.ebc) ?? '');
    await admin.getByTestId('ca-add-submit').click();
    const certError = fieldError(admin, 'trustedCa_certificate');
    await certError.waitFor();
    expect(await certError.textContent()).toContain('这不是 CA 证书');

    // a CA: trusted
    ca = makeSm2Ca('cbec-zone browser test CA');
    await addModal.locator('#trustedCa_certificate').fill(ca.certificatePem);
    await admin.getByTestId('ca-add-submit').click();
    await addModal.waitFor({ state: 'hidden' });
    const added = cas.filter({ hasText: '测试 CA（SM2）' });
    await added.waitFor();
    expect(await added.locator('[data-status]').textContent()).toBe('有效');
    expect(await added.getByTestId('tag-demo').count()).toBe(0);

    // its CRL
    await admin.getByTestId('crl-load').click();
    const crlModal = admin.locator('.ant-modal-content', { hasText: 'CRL' });
    await crlModal.locator('#crl_crl').fill(makeCrl(ca, []));
    await admin.getByTestId('crl-submit').click();
    const loaded = admin.locator('.ant-modal-confirm-title');
    await loaded.waitFor();
    expect(await loaded.textContent()).toContain('已载入“测试 CA（SM2）”的 CRL：共 0 条吊销记录');
    await admin.locator('.ant-modal-confirm-btns .ant-btn-primary').click();

    // removed, after a confirmation
    await added.getByTestId('ca-remove').click();
    await admin.getByTestId('ca-remove-confirm').click();
    await expect.poll(() => added.locator('[data-status]').textContent()).toBe('已移除');
    expect(await cas.first().locator('[data-status]').textContent()).toBe('有效'); // the demo CA stays
    expect(pageErrors).toEqual([]);
  });
});
