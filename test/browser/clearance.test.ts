import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/app/demo.js';
import type { CebMessage, CebRecord } from '../../src/modules/declaration/ceb/codec.js';
import { browserSuite, ensureWebBuild, launchChromium, login, openPage, SHOTS, shot } from '../support/browser.js';
import {
  BUYER,
  inventoryMessage,
  orderMessage,
  orderRecord,
  PARTIES,
  paymentMessage,
  waybillMessage,
} from '../support/ceb.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/**
 * 清单通关 in the browser: lists declared as JSON through the hub with the demo enterprises' API keys, decided by the
 * engine (every list of a general-credit enterprise inspected: CBEC_INSPECTION_RATE=1), then seen by the
 * e-commerce enterprise (ebc.demo), released by the customs officer in 审核查验, and the tax bill, the guarantor's
 * 汇总征税, the quota pre-check and the bonded stock.
 *
 * The lists name demo enterprise 2 (ebc.demo, no credit record: 常规) as the e-commerce enterprise so that the
 * inspection draw is certain; demo enterprise 4 (logistics + agent) declares them, demo enterprise 5 guarantees.
 */
const ENTERPRISE = 'ebc.demo';
const OFFICER = 'customs.demo';
const GUARANTOR = { username: 'assure.test', password: 'Assure@Test2026' };
const INSPECTED = 'WEB-CLR-0001';
const WAITING = 'WEB-CLR-0002';
const MISMATCHED = 'WEB-CLR-0003';
/** The demo enterprises' names, shown beside their codes (src/app/demo.ts). */
const NAMES = {
  ebp: '【演示】兰州丝路跨境电商平台有限公司',
  ebc: '【演示】甘肃陇货出海电子商务有限公司',
  logistics: '【演示】兰州国际陆港物流有限公司',
  warehouse: '【演示】兰州新区综保区仓储有限公司',
};

/** The demo list of `inventoryMessage`, with demo enterprise 2 as the e-commerce enterprise. */
function listMessage(orderNo: string, logisticsNo: string, copNo: string): CebMessage {
  const m = inventoryMessage(orderNo, logisticsNo, copNo, '2');
  const head = (m.records[0] as { InventoryHead: Record<string, string> }).InventoryHead;
  head.ebcCode = PARTIES.ebc;
  head.ebcName = '甘肃陇货出海电子商务有限公司';
  return m;
}

function withPayment(m: CebMessage, patch: Record<string, string>): CebMessage {
  const rec = m.records[0] as { PaymentHead: Record<string, string> };
  Object.assign(rec.PaymentHead, patch);
  return { ...m, records: [rec as unknown as CebRecord] };
}

browserSuite('clearance pages in Chromium (lists → inspection → release → tax bill; quota; stock)', () => {
  let browser: Browser | undefined;
  let t: TestPlatform | undefined;
  let base = '';
  const pageErrors: string[] = [];
  const contexts: BrowserContext[] = [];

  const newPage = (): Promise<Page> => openPage(browser, contexts, pageErrors);
  const platform = (): TestPlatform => {
    if (!t) throw new Error('no platform');
    return t;
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ensureWebBuild();
    t = await startTestPlatform({ config: { jsonDeclarations: 'accept', inspectionRate: '1' } });
    base = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace(/\/$/, '');
    const platform = t;

    const keys: Record<string, string> = {};
    for (const [role, uscc] of Object.entries(PARTIES)) {
      keys[role] = (await platform.p.identity.createApiKey({ name: 'test' }, uscc, `${role} system`, null)).secret;
    }
    const send = async (key: string | undefined, m: CebMessage) => {
      const res = await platform.app.inject({
        method: 'POST',
        url: '/api/v1/messages',
        payload: { ...m },
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'application/json' },
      });
      if (res.statusCode !== 200) throw new Error(`${m.type}: ${res.statusCode} ${res.body}`);
    };
    // 1: order, payment, waybill and list → matched, inspected (500)
    await send(keys.ebp, orderMessage([orderRecord({ orderNo: INSPECTED, ebc: PARTIES.ebc })]));
    await send(keys.pay, paymentMessage(INSPECTED, 'PAY-WEB-0001'));
    await send(keys.logistics, waybillMessage(INSPECTED, 'LN-WEB-0001'));
    await send(keys.logistics, listMessage(INSPECTED, 'LN-WEB-0001', 'COP-WEB-0001'));
    // 2: order and list only → waiting for the payment and the waybill
    await send(keys.ebp, orderMessage([orderRecord({ orderNo: WAITING, ebc: PARTIES.ebc })]));
    await send(keys.logistics, listMessage(WAITING, 'LN-WEB-0002', 'COP-WEB-0002'));
    // 3: the payment disagrees with the order → rejected (100) with the reason
    await send(keys.ebp, orderMessage([orderRecord({ orderNo: MISMATCHED, ebc: PARTIES.ebc })]));
    await send(keys.pay, withPayment(paymentMessage(MISMATCHED, 'PAY-WEB-0003'), { amountPaid: '99.00' }));
    await send(keys.logistics, waybillMessage(MISMATCHED, 'LN-WEB-0003'));
    await send(keys.logistics, listMessage(MISMATCHED, 'LN-WEB-0003', 'COP-WEB-0003'));
    await platform.p.clearance.drain();

    // the guarantor of the lists' tax (the demo logistics firm: logistics + agent + assure; a list's guarantor is
    // its declaring unit, e-commerce enterprise or logistics enterprise) gets a user for 汇总征税
    await platform.p.identity.createUserTx(
      { name: 'test' },
      {
        username: GUARANTOR.username,
        displayName: '担保企业管理员',
        role: 'enterprise_admin',
        enterpriseUscc: PARTIES.logistics,
        password: GUARANTOR.password,
      },
    );
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await t?.close();
  }, 60_000);

  it('the enterprise sees the inspection with its reasons; customs releases it; the enterprise sees 放行 and the tax bill', async () => {
    // ---- enterprise: 清单通关 ----------------------------------------------------------------------------------
    const ent = await newPage();
    await login(ent, base, ENTERPRISE, DEMO_PASSWORD);
    await ent.waitForURL(/\/portal/);
    await ent.getByRole('link', { name: '清单通关' }).click();
    await ent.waitForURL(/\/portal\/clearance/);
    // only the lists ebc.demo is party to: these three (the platform's own demo lists name another enterprise)
    const rows = ent.getByTestId('clearance-lists').locator('tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(3);

    const inspected = rows.filter({ hasText: INSPECTED });
    expect(await inspected.locator('[data-status="inspection"]').textContent()).toBe('查验');
    expect(await inspected.getByTestId('list-reason').textContent()).toContain('抽中查验');
    const waiting = rows.filter({ hasText: WAITING });
    expect(await waiting.locator('[data-status="waiting"]').textContent()).toBe('等待单证');
    expect(await waiting.getByTestId('list-reason').textContent()).toContain('尚未收到支付单、物流运单');
    const rejected = rows.filter({ hasText: MISMATCHED });
    expect(await rejected.locator('[data-status="rejected"]').textContent()).toBe('退单');
    expect((await rejected.getByTestId('list-reason').textContent())?.length).toBeGreaterThan(4);
    // the e-commerce enterprise by its name, beside its code
    await expect
      .poll(async () => (await inspected.getByTestId('enterprise').textContent()) ?? '')
      .toBe(`${NAMES.ebc}${PARTIES.ebc}`);
    await shot(ent, 'portal-clearance-lists');

    // the inspected list: reasons in plain words with the item, the sampling, the tax lines, the timeline
    await inspected.click();
    const detail = ent.getByTestId('list-detail');
    await detail.waitFor();
    expect(await detail.getAttribute('data-status')).toBe('inspection');
    const reasons = (await detail.getByTestId('list-reasons').textContent()) ?? '';
    expect(reasons).toContain('第 1 项');
    expect(reasons).toContain('不征消费税');
    // the rule by its Chinese name, not its code (the code only on hover)
    expect(reasons).toContain('化妆品低于高档标准，不征消费税');
    expect(reasons).not.toContain('COSMETICS_BELOW_THRESHOLD');
    expect(
      await detail
        .getByTestId('list-reasons')
        .locator('[data-code="COSMETICS_BELOW_THRESHOLD"]')
        .first()
        .getAttribute('title'),
    ).toBe('COSMETICS_BELOW_THRESHOLD');
    // every party by its name
    const parties = (await detail.locator('.ant-descriptions').first().textContent()) ?? '';
    for (const name of [NAMES.ebp, NAMES.ebc, NAMES.logistics]) expect(parties).toContain(name);
    const sampling = (await detail.getByTestId('list-sampling').textContent()) ?? '';
    expect(sampling).toContain('常规企业');
    expect(sampling).toContain('100%');
    expect(sampling).toContain('抽中查验');
    expect(await detail.getByTestId('tax-lines').locator('tr.ant-table-row').count()).toBe(2);
    expect(await detail.getByTestId('list-events').textContent()).toContain('抽中查验');
    expect(await detail.textContent()).toContain('清单放行后生成电子税单');
    // an enterprise may not decide
    expect(await ent.getByTestId('decision-buttons').count()).toBe(0);
    await shot(ent, 'portal-clearance-detail');

    await ent.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden' });

    // in English, the same reasons in English words
    await ent.getByText('English', { exact: true }).click();
    await expect.poll(async () => (await inspected.textContent()) ?? '').toContain('Selected for inspection');
    await inspected.click();
    await expect.poll(async () => (await detail.getByTestId('list-reasons').textContent()) ?? '').toContain('Item 1');
    expect(await detail.getByTestId('list-reasons').textContent()).toContain('no consumption tax');
    expect(await detail.getByTestId('list-reasons').textContent()).toContain(
      'cosmetic below the high-end threshold: no consumption tax',
    );
    await ent.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden' });
    await ent.getByText('中文', { exact: true }).click();

    // the rejected list tells why, the rule by its name
    await rejected.click();
    await expect.poll(async () => await detail.getAttribute('data-status')).toBe('rejected');
    expect(await detail.textContent()).toContain('清单被退单');
    expect(await detail.textContent()).toContain('支付金额与订单实付金额不符');
    expect(await detail.textContent()).not.toContain('MATCH_AMOUNT_PAID');
    await ent.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden' });

    // ---- customs: 审核查验 → release with a note ------------------------------------------------------------------
    const officer = await newPage();
    await login(officer, base, OFFICER, DEMO_PASSWORD, true);
    await officer.waitForURL(/\/console/);
    await officer.getByRole('link', { name: '审核查验' }).click();
    await officer.waitForURL(/\/console\/review/);
    // (the demo lists may be in the queue too) it opens on 查验, which has work; both tabs show their counts
    const queue = officer.getByTestId('review-queue').locator('tr.ant-table-row', { hasText: INSPECTED });
    await expect.poll(() => queue.count()).toBe(1);
    expect(await queue.getByTestId('evidence').textContent()).toContain('常规企业');
    const tabCount = async (stage: string) =>
      Number((await officer.getByTestId(`stage-${stage}`).locator('.ant-badge').textContent()) ?? 'NaN');
    const pending = async (status: 'inspection' | 'review') =>
      (await platform().p.clearance.lists(null, { status, page: 1, pageSize: 100 })).items;
    expect(await tabCount('inspection')).toBe((await pending('inspection')).length);
    expect(await tabCount('review')).toBe((await pending('review')).length);
    expect(await tabCount('review')).toBeGreaterThan(0); // the demo watch in manual review
    expect(await queue.getByTestId('enterprise').textContent()).toBe(`${NAMES.ebc}${PARTIES.ebc}`);
    await shot(officer, 'console-review-queue');

    await queue.getByTestId('open-list').click();
    const odetail = officer.getByTestId('list-detail');
    await odetail.waitFor();
    await officer.getByTestId('release').click();
    const modal = officer.locator('.ant-modal-content');
    await modal.waitFor();
    // the note is required
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    await expect
      .poll(async () => (await modal.locator('.ant-form-item-explain-error').textContent()) ?? '')
      .toContain('请填写意见');
    await modal.locator('#clearanceDecision_note').fill('开箱查验，货证相符');
    await shot(officer, 'console-review-decision');
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    await expect.poll(async () => await odetail.getAttribute('data-status')).toBe('released');
    const events = (await odetail.getByTestId('list-events').textContent()) ?? '';
    expect(events).toContain('放行');
    expect(events).toContain('开箱查验，货证相符');
    expect(events).toContain('customs.demo');
    expect(await odetail.getByTestId('list-tax-bill').textContent()).toContain('已生成');
    // the queue is empty now
    await expect.poll(() => queue.count()).toBe(0);

    // the audit trail of the list
    await officer.getByTestId('audit-link').click();
    await officer.waitForURL(/\/console\/audit\?targetId=/);
    const audit = officer.locator('.ant-table-tbody tr.ant-table-row');
    await expect.poll(() => audit.count()).toBe(1);
    expect(await audit.first().textContent()).toContain('查验决定');
    expect(await audit.first().textContent()).toContain('开箱查验，货证相符');
    // a customs officer reads the domain of customs: the notice names it
    const domain = officer.getByTestId('audit-domain');
    await domain.waitFor();
    expect(await domain.textContent()).toContain('显示本部门（海关');
    expect(await domain.textContent()).toContain('查验决定');
    await shot(officer, 'console-audit-domain');

    // with no list left to inspect (the demo lists drawn for inspection settled here too), 审核查验 opens on the
    // tab that has work: 人工审核, where the demo watch waits
    for (const l of await pending('inspection')) {
      await platform().p.clearance.officerDecide({ name: 'test', role: 'customs' }, l.id, {
        decision: 'release',
        note: '测试放行',
      });
    }
    await officer.goto(`${base}/console/review`);
    await expect
      .poll(async () => (await officer.locator('.ant-tabs-tab-active').textContent()) ?? '')
      .toContain('人工审核');
    await expect.poll(() => tabCount('inspection')).toBe(0);
    expect(await tabCount('review')).toBe((await pending('review')).length);
    await expect
      .poll(() => officer.getByTestId('review-queue').locator('tr.ant-table-row').count())
      .toBe((await pending('review')).length);
    await shot(officer, 'console-review-open-tab');
    // an explicit choice of tab stays
    await officer.getByTestId('stage-inspection').click();
    await officer.waitForURL(/stage=inspection/);
    await officer.reload();
    await expect
      .poll(async () => (await officer.locator('.ant-tabs-tab-active').textContent()) ?? '')
      .toContain('查验');

    // ---- enterprise: 放行 and the tax bill --------------------------------------------------------------------
    await ent.goto(`${base}/portal/clearance`);
    const released = ent.getByTestId('clearance-lists').locator('tr.ant-table-row', { hasText: INSPECTED });
    await released.locator('[data-status="released"]').waitFor();
    await released.click();
    await expect.poll(async () => await detail.getAttribute('data-status')).toBe('released');
    const bill = (await detail.getByTestId('list-tax-bill').textContent()) ?? '';
    expect(bill).toMatch(/T7301\d{4}I\d{9}/);
    expect(bill).toContain('¥19.12');
    await detail.getByTestId('list-tax-bill').scrollIntoViewIfNeeded();
    await shot(ent, 'portal-clearance-released');
    await ent.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden' });

    await ent.getByRole('link', { name: '电子税单' }).click();
    await ent.waitForURL(/\/portal\/tax/);
    const bills = ent.getByTestId('tax-bills').locator('tr.ant-table-row', { hasText: 'T7301' });
    await expect.poll(() => bills.count()).toBe(1);
    expect(await bills.first().textContent()).toContain('已生成');
    expect(await bills.first().textContent()).toContain('¥19.12');
    // the e-commerce enterprise and the guarantor by their names
    await expect
      .poll(async () => (await bills.first().getByTestId('bill-parties').textContent()) ?? '')
      .toBe(`${NAMES.ebc}${PARTIES.ebc}${NAMES.logistics}${PARTIES.logistics}`);
    await shot(ent, 'portal-tax-bills');

    expect(pageErrors).toEqual([]);
  }, 240_000);

  it('the guarantor sees the month of consolidated tax; the buyer quota pre-check says whether an order fits, the amount left only with consent', async () => {
    if (!t) throw new Error('no platform');
    const bill = (await t.p.clearance.taxBills(PARTIES.ebc, { page: 1, pageSize: 10 })).items[0];
    if (!bill) throw new Error('no tax bill');
    const month = bill.dueFrom.slice(0, 7);

    // ---- 汇总征税: the guarantor's month, the payment window not begun → nothing to pay yet ---------------------
    const g = await newPage();
    await login(g, base, GUARANTOR.username, GUARANTOR.password);
    await g.waitForURL(/\/portal/);
    await g.goto(`${base}/portal/tax?tab=due&due=${month}`);
    const totals = g.getByTestId('due-totals');
    await totals.waitFor();
    // this month's bills (the demo lists' too): released today, their window opens in 31 days → nothing to pay yet
    await expect
      .poll(() => g.getByTestId('due-bills').locator('tr.ant-table-row', { hasText: bill.taxNo }).count())
      .toBe(1);
    expect(await totals.textContent()).toContain('¥0.00'); // nothing consolidated yet
    expect(await g.getByTestId('consolidate').isDisabled()).toBe(true);
    await shot(g, 'portal-tax-due');

    // ---- 保税库存: the warehouse (its demo user) records an entry ------------------------------------------------
    const w = await newPage();
    await login(w, base, 'warehouse.demo', DEMO_PASSWORD);
    await w.waitForURL(/\/portal/);
    await w.getByRole('link', { name: '保税库存' }).click();
    await w.waitForURL(/\/portal\/stock/);
    await w.getByTestId('stock-entry').click();
    await w.locator('#stockEntry_entryNo').fill('RQ-WEB-0001');
    await w.locator('#stockEntry_items_0_itemRecordNo').fill('ITEM-0001');
    await w.locator('#stockEntry_items_0_gcode').fill('3304990029');
    await w.locator('#stockEntry_items_0_gname').fill('面霜 50ml');
    await w.locator('#stockEntry_items_0_qty').fill('120');
    await w.locator('.ant-modal-footer .ant-btn-primary').click();
    const stock = w.locator('.ant-table-tbody tr.ant-table-row', { hasText: 'ITEM-0001' });
    await stock.waitFor();
    expect(await stock.textContent()).toContain('120');
    await shot(w, 'portal-bonded-stock');

    // ---- 额度预检: fits or not for a buyer of its own order; the amount left only with the buyer's consent ------
    const ent = await newPage();
    await login(ent, base, ENTERPRISE, DEMO_PASSWORD);
    await ent.waitForURL(/\/portal/);
    await ent.getByRole('link', { name: '额度预检' }).click();
    await ent.waitForURL(/\/portal\/quota/);
    await ent.locator('#quota_buyerName').fill(BUYER.name);
    await ent.locator('#quota_buyerIdNumber').fill(BUYER.idNumber);
    // the amount is what the check is about
    await ent.getByTestId('quota-submit').click();
    const amountError = ent.locator('.ant-form-item:has(#quota_amount) .ant-form-item-explain-error');
    await expect.poll(async () => (await amountError.textContent()) ?? '').toContain('请填写本次订单金额');
    expect(await ent.getByTestId('quota-result').count()).toBe(0);

    // ebc.demo's own declared order names this buyer: the answer says whether 6,000 fits, not what is left
    await ent.locator('#quota_amount').fill('6000');
    await ent.getByTestId('quota-submit').click();
    const result = ent.getByTestId('quota-result');
    await result.waitFor();
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('超出额度');
    expect(text).toContain('超过单次限值 ¥5,000.00');
    expect(text).toContain('本企业已申报订单的购买人');
    expect(text).not.toContain('25,790.00');
    expect(await ent.getByTestId('quota-remaining').count()).toBe(0);
    expect(text).toContain('110105********002X');
    expect(text).not.toContain(BUYER.idNumber);
    expect(text).not.toContain(BUYER.name);
    expect(await ent.getByTestId('quota-fits').getAttribute('data-fits')).toBe('false');
    await shot(ent, 'portal-quota-check');

    // the buyer asks for the amount left: the consent is recorded with its reference
    await ent.getByTestId('quota-basis-consent').click();
    await ent.getByTestId('quota-submit').click();
    const refError = ent.locator('.ant-form-item:has(#quota_consentReference) .ant-form-item-explain-error');
    await expect.poll(async () => (await refError.textContent()) ?? '').toContain('请填写购买人同意记录编号');
    await ent.locator('#quota_consentReference').fill('WEB-CONSENT-0001');
    await ent.getByTestId('quota-show-remaining').click();
    await ent.locator('#quota_amount').fill('100');
    await ent.getByTestId('quota-submit').click();
    await expect.poll(async () => await ent.getByTestId('quota-fits').getAttribute('data-fits')).toBe('true');
    const remaining = ent.getByTestId('quota-remaining');
    await remaining.waitFor();
    expect(await remaining.textContent()).toContain('25,790.00'); // 26,000 less the 210.00 released
    expect(await result.textContent()).toContain('WEB-CONSENT-0001');
    await shot(ent, 'portal-quota-check-consent');

    expect(pageErrors).toEqual([]);
  }, 240_000);
});
