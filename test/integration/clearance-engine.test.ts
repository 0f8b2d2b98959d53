import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CebMessage, CebRecord } from '../../src/modules/declaration/ceb/codec.js';
import { buildCeb } from '../../src/modules/declaration/ceb/codec.js';
import { validateCebXml } from '../../src/modules/declaration/ceb/xsd-validator.js';
import { personHash } from '../../src/modules/declaration/records.js';
import { rowsOf } from '../../src/platform/db/client.js';
import {
  BUYER,
  guid,
  inventoryMessage,
  orderMessage,
  orderRecord,
  PARTIES,
  paymentMessage,
  waybillMessage,
} from '../support/ceb.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

type Receipt = {
  seq: number;
  type: string;
  businessKey: string;
  returnStatus: string;
  returnInfo: string;
  record: CebRecord;
};

/**
 * The import clearance engine, emulated mode, end to end through the declaration hub: 三单对碰, limits, tax,
 * decisions and receipts, officers, cancellations, returns and their windows, bonded stock.
 */
describe('import clearance engine (emulated)', () => {
  let t: TestPlatform;
  const keys: Record<string, string> = {};
  let n = 0;

  beforeAll(async () => {
    t = await startTestPlatform({ config: { jsonDeclarations: 'accept', inspectionRate: '0' } });
    for (const [role, uscc] of Object.entries(PARTIES)) {
      keys[role] = (await t.p.identity.createApiKey({ name: 'test' }, uscc, `${role} system`, null)).secret;
    }
  });
  afterAll(() => t.close());

  const send = async (key: string, msg: CebMessage) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      payload: msg as unknown as object,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().receipt;
  };
  const receipts = async (key: string): Promise<Receipt[]> => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/receipts?after=0&limit=1000',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  };
  const statusesOf = async (key: string, type: string, businessKey: string) =>
    (await receipts(key)).filter((r) => r.type === type && r.businessKey === businessKey).map((r) => r.returnStatus);
  const listOf = async (orderNo: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clearance/lists?q=${orderNo}`,
      headers: { authorization: `Bearer ${keys.logistics}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    const id = res.json().items[0]?.id;
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clearance/lists/${id}`,
      headers: { authorization: `Bearer ${keys.logistics}` },
    });
    return detail.json();
  };

  type Item = { gcode?: string; price: string; qty: string; gmodel?: string; itemRecordNo?: string };
  /** An order, payment, waybill and declared list that agree, with the given items (defaults: two cosmetics). */
  function documents(
    opts: { items?: Item[]; freight?: string; tradeMode?: string; areaCode?: string; buyerId?: string } = {},
  ) {
    n += 1;
    const orderNo = `CE-${Date.now()}-${n}`;
    const logisticsNo = `LN-${Date.now()}-${n}`;
    const items: Item[] = opts.items ?? [
      { price: '50.00', qty: '2' },
      { price: '50.00', qty: '2' },
    ];
    const freight = opts.freight ?? '10.00';
    const total = (i: Item) => (Number(i.price) * Number(i.qty)).toFixed(2);
    const goods = items.reduce((s, i) => s + Number(total(i)), 0);
    const paid = (goods + Number(freight)).toFixed(2);
    const buyerId = opts.buyerId ?? BUYER.idNumber;

    const order = orderRecord({ orderNo, items: items.length });
    const oh = order.OrderHead as CebRecord;
    Object.assign(oh, { goodsValue: goods.toFixed(2), freight, acturalPaid: paid, buyerIdNumber: buyerId });
    for (const [i, l] of (order.OrderList as CebRecord[]).entries()) {
      Object.assign(l, {
        price: items[i]!.price,
        qty: items[i]!.qty,
        totalPrice: total(items[i]!),
        gmodel: items[i]!.gmodel ?? '100ml/瓶',
      });
    }
    const payment = paymentMessage(orderNo, `PAY-${orderNo}`);
    Object.assign(payment.records[0]!.PaymentHead as CebRecord, { amountPaid: paid, payerIdNumber: buyerId });
    const waybill = waybillMessage(orderNo, logisticsNo);
    const list = inventoryMessage(orderNo, logisticsNo, `COP${n}${Date.now() % 100000}`, '2');
    const lh = list.records[0]!.InventoryHead as CebRecord;
    Object.assign(lh, { freight, buyerIdNumber: buyerId, tradeMode: opts.tradeMode ?? '9610' });
    if (opts.areaCode) lh.areaCode = opts.areaCode;
    list.records[0]!.InventoryList = items.map((it, i) => ({
      ...((list.records[0]!.InventoryList as CebRecord[])[0] as CebRecord),
      gnum: String(i + 1),
      itemName: `测试商品 ${i + 1}`,
      gname: `测试商品 ${i + 1}`,
      gcode: it.gcode ?? '3304990029',
      gmodel: it.gmodel ?? '100ml/瓶',
      price: it.price,
      qty: it.qty,
      totalPrice: total(it),
      ...(it.itemRecordNo ? { itemRecordNo: it.itemRecordNo } : {}),
    }));
    return { orderNo, logisticsNo, order: orderMessage([order]), payment, waybill, list };
  }
  type Docs = ReturnType<typeof documents>;
  const declareAll = async (d: Docs, skip: ('order' | 'payment' | 'waybill')[] = []) => {
    if (!skip.includes('order')) await send(keys.ebp!, d.order);
    if (!skip.includes('payment')) await send(keys.pay!, d.payment);
    if (!skip.includes('waybill')) await send(keys.logistics!, d.waybill);
    await send(keys.logistics!, d.list);
  };
  const listKey = (d: Docs) => `${PARTIES.ebp}|${PARTIES.ebp}|${d.orderNo}`;

  it('三单对碰 passes: 120 for order, payment, waybill and list, then 399 审结 and 800 放行, and the CEB816 tax bill; all receipts validate', async () => {
    const d = documents();
    await declareAll(d);
    await t.p.clearance.drain();

    expect(await statusesOf(keys.logistics!, 'CEB622Message', listKey(d))).toEqual(['2', '120', '399', '800']);
    expect(await statusesOf(keys.ebp!, 'CEB312Message', listKey(d))).toEqual(['2', '120']);
    expect(await statusesOf(keys.pay!, 'CEB412Message', `${PARTIES.pay}|PAY-${d.orderNo}`)).toEqual(['2', '120']);
    expect(await statusesOf(keys.logistics!, 'CEB512Message', `${PARTIES.logistics}|${d.logisticsNo}`)).toEqual([
      '2',
      '120',
    ]);

    const list = await listOf(d.orderNo);
    expect(list.status).toBe('released');
    expect(list.invtNo).toMatch(/^7301\d{4}I\d{9}$/);
    // Tax from the same code as the estimate: 2 items of 100 + 5 freight each, cosmetics at 0.5 RMB/ml (no CT),
    // within limits: tariff 0, VAT 13% × 70% = 9.1% of 105 = 9.555 → 9.56 per item.
    expect(list.tax).toEqual({ customsTax: '0.00', valueAddedTax: '19.12', consumptionTax: '0.00' });
    expect(list.amount).toBe('210.00');
    const est = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tax/estimate',
      headers: { authorization: `Bearer ${keys.ebp}` },
      payload: {
        items: [
          { hsCode: '3304990029', price: '50.00', qty: '2', netContent: '100', netContentUnit: 'ml' },
          { hsCode: '3304990029', price: '50.00', qty: '2', netContent: '100', netContentUnit: 'ml' },
        ],
        freight: '10.00',
        insurance: '0',
      },
    });
    expect(est.json().total).toBe('19.12');

    // the decision is recorded with its rules version, table versions and seed
    const released = list.events.find((e: { kind: string }) => e.kind === 'released');
    expect(released.detail).toMatchObject({
      rulesVersion: expect.stringMatching(/^clearance-rules\//),
      seed: expect.stringMatching(/^[0-9a-f]{32}$/),
      creditLevel: 'advanced',
    });
    expect(Object.keys(released.detail.tables)).toEqual(expect.arrayContaining(['tariff-rates', 'positive-list']));

    // replayed from what it recorded, the decision comes out the same
    const admin = await login(t.app, 'customs.demo', 'Demo@2026!');
    const replay = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clearance/lists/${list.id}/replay`,
      headers: { cookie: admin },
    });
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.json()).toMatchObject({ same: true, recorded: { outcome: 'release', tax: '19.12' } });
    expect(replay.json().replayed.draw).toBe(replay.json().recorded.draw);
    // a different input (the buyer had used nearly all the quota) gives a different decision: the replay says so
    await t.p.dbh.db.execute(sql`update clr_events set detail = jsonb_set(detail, '{usedThisYear}', '"25900.00"')
      where list_id = ${list.id} and actor = 'engine'`);
    const changed = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clearance/lists/${list.id}/replay`,
      headers: { cookie: admin },
    });
    expect(changed.json()).toMatchObject({ same: false, replayed: { outcome: 'rejected', reasons: ['-621018'] } });

    // every receipt the engine wrote validates against the official XSD
    const all = [...(await receipts(keys.logistics!)), ...(await receipts(keys.ebp!)), ...(await receipts(keys.pay!))];
    for (const r of all.filter((x) => x.returnStatus !== '2')) {
      const xml = buildCeb({ type: r.type as 'CEB622Message', version: '1.0', guid: guid(), records: [r.record] });
      expect(validateCebXml(xml, r.type as 'CEB622Message'), `${r.type} ${r.returnStatus}`).toEqual([]);
    }
    const bill = (await receipts(keys.logistics!)).find(
      (r) => r.type === 'CEB816Message' && r.businessKey === list.invtNo,
    );
    expect(bill).toBeTruthy();
    // the e-commerce enterprise the agent declared for gets the tax bill too (the guarantor is the agent itself here)
    expect((await receipts(keys.ebp!)).some((r) => r.type === 'CEB816Message' && r.businessKey === list.invtNo)).toBe(
      true,
    );
    // the buyer's quota counts the release
    const used = await t.p.clearance.quota.used(
      personHash(t.p.pi, BUYER.name, BUYER.idType, BUYER.idNumber),
      Number(list.declaredOn.slice(0, 4)),
    );
    expect(used.toFixed(2)).not.toBe('0.00');
  });

  it('a list waits for a missing payment (not rejected), and is decided when the payment arrives', async () => {
    const d = documents({ buyerId: '110105194912310037' });
    await declareAll(d, ['payment']);
    await t.p.clearance.drain();
    let list = await listOf(d.orderNo);
    expect(list.status).toBe('waiting');
    expect(list.decision.missing).toEqual(['payment']);
    expect(await statusesOf(keys.logistics!, 'CEB622Message', listKey(d))).toEqual(['2']);

    await send(keys.pay!, d.payment);
    await t.p.clearance.drain();
    list = await listOf(d.orderNo);
    expect(list.status).toBe('released');
  });

  it('a list still waiting after the time-out is rejected (100) naming what it waited for', async () => {
    const d = documents({ buyerId: '110105194912310053' });
    await declareAll(d, ['waybill']);
    await t.p.clearance.drain();
    // time passes: the deadline is now behind us
    await t.p.dbh.db.execute(
      sql`update clr_lists set wait_deadline = now() - interval '1 minute' where order_no = ${d.orderNo}`,
    );
    await t.p.clearance.drain();
    const list = await listOf(d.orderNo);
    expect(list.status).toBe('rejected');
    expect(list.decision.reasons[0]).toMatchObject({
      code: 'MATCH_TIMEOUT',
      message: { zh: expect.stringContaining('运单') },
    });
    const r = (await receipts(keys.logistics!)).filter(
      (x) => x.businessKey === listKey(d) && x.type === 'CEB622Message',
    );
    expect(r.map((x) => x.returnStatus)).toEqual(['2', '100']);
  });

  it('三单对碰 fails: the payment amount differs from the order → 100 with the reason, documents keep status 2', async () => {
    const d = documents({ buyerId: '110105194912310070' });
    (d.payment.records[0]!.PaymentHead as CebRecord).amountPaid = '209.99';
    await declareAll(d);
    await t.p.clearance.drain();
    const list = await listOf(d.orderNo);
    expect(list.status).toBe('rejected');
    expect(list.decision.reasons).toEqual([
      expect.objectContaining({ rule: 'match:amount-paid', field: 'PaymentHead.amountPaid' }),
    ]);
    expect(await statusesOf(keys.ebp!, 'CEB312Message', listKey(d))).toEqual(['2']);
    const info = (await receipts(keys.logistics!)).find(
      (x) => x.businessKey === listKey(d) && x.returnStatus === '100',
    )!.returnInfo;
    expect(info).toContain('209.99');
  });

  it('limits: exactly 5,000.00 is within; 5,000.01 over two items is rejected (-621005); one indivisible item over 5,000 goes to manual review, taxed in full', async () => {
    const within = documents({ items: [{ price: '2495.00', qty: '2' }], buyerId: '11010519491231009X' });
    await declareAll(within);
    const over = documents({
      items: [
        { price: '2495.00', qty: '1' },
        { price: '2495.01', qty: '1' },
      ],
      buyerId: '110105194912310115',
    });
    await declareAll(over);
    const single = documents({
      items: [{ price: '6000.00', qty: '1', gcode: '9101191000', gmodel: '金表' }],
      freight: '0.00',
      buyerId: '110105194912310131',
    });
    await declareAll(single);
    await t.p.clearance.drain();

    expect((await listOf(within.orderNo)).status).toBe('released');
    const rejected = await listOf(over.orderNo);
    expect(rejected.status).toBe('rejected');
    expect(rejected.decision.reasons.map((r: { code: string }) => r.code)).toContain('-621005');
    // matched: its order got 120 although the list itself is refused (100, no list number)
    expect(await statusesOf(keys.ebp!, 'CEB312Message', listKey(over))).toEqual(['2', '120']);
    expect(await statusesOf(keys.logistics!, 'CEB622Message', listKey(over))).toEqual(['2', '100']);

    const review = await listOf(single.orderNo);
    expect(review.status).toBe('review');
    expect(review.returnStatus).toBe('300');
    expect(review.decision.taxed.regime).toBe('full-tax');
    // full tax on 6,000: tariff 8% = 480; CT 20%: (6000+480)/(1-0.2)×0.2 = 1620; VAT 13% of (6000+480+1620) = 1053
    expect(review.tax).toEqual({ customsTax: '480.00', valueAddedTax: '1053.00', consumptionTax: '1620.00' });

    // the officer releases it; the audit records the decision
    const cookie = await login(t.app, 'customs.demo', 'Demo@2026!');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/clearance/lists/${review.id}/decision`,
      headers: { cookie },
      payload: { decision: 'release', note: '单一不可分割商品，核实无误' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('released');
    expect(await statusesOf(keys.logistics!, 'CEB622Message', listKey(single))).toEqual([
      '2',
      '120',
      '300',
      '399',
      '800',
    ]);
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/clearance/lists/${review.id}/decision`,
      headers: { cookie },
      payload: { decision: 'reject', note: 'x' },
    });
    expect(again.statusCode).toBe(409);
  });

  it('annual quota: a total of exactly 26,000.00 is within; one cent more is rejected (-621018) naming the amount used', async () => {
    const buyerId = '110105194912310158';
    const hash = personHash(t.p.pi, BUYER.name, BUYER.idType, buyerId);
    const year = new Date().getFullYear();
    // the buyer released 25,790.00 earlier this year
    await t.p.dbh.db.transaction((tx) =>
      t.p.clearance.quota.consume(tx, hash, year, `earlier-${buyerId}`, '25790.00', '26000.00'),
    );
    const fits = documents({ buyerId }); // 210.00 → exactly 26,000.00
    await declareAll(fits);
    await t.p.clearance.drain();
    expect((await listOf(fits.orderNo)).status).toBe('released');

    const buyer2 = '110105194912310174';
    const hash2 = personHash(t.p.pi, BUYER.name, BUYER.idType, buyer2);
    await t.p.dbh.db.transaction((tx) =>
      t.p.clearance.quota.consume(tx, hash2, year, `earlier-${buyer2}`, '25790.01', '26000.00'),
    );
    const over = documents({ buyerId: buyer2 });
    await declareAll(over);
    await t.p.clearance.drain();
    const list = await listOf(over.orderNo);
    expect(list.status).toBe('rejected');
    expect(list.decision.reasons[0]).toMatchObject({
      code: '-621018',
      message: { zh: expect.stringContaining('25790.01') },
    });
  });

  it("inspection by credit: a 严重失信 enterprise's lists all go to 500 (base rate 0); the officer rejects it (100) with the finding", async () => {
    const t2 = await startTestPlatform({ config: { jsonDeclarations: 'accept', inspectionRate: '0' } });
    try {
      const k = (await t2.p.identity.createApiKey({ name: 't' }, PARTIES.logistics, 'x', null)).secret;
      const ks = {
        ebp: (await t2.p.identity.createApiKey({ name: 't' }, PARTIES.ebp, 'x', null)).secret,
        pay: (await t2.p.identity.createApiKey({ name: 't' }, PARTIES.pay, 'x', null)).secret,
      };
      // the e-commerce enterprise is 严重失信: every one of its lists is inspected, whatever the base rate
      await t2.p.credit.record(
        { name: 'test' },
        { uscc: PARTIES.ebp, level: 'seriously-dishonest', validFrom: '2026-04-01', basis: '测试' },
      );
      const d = documents({ buyerId: '110105194912310190' });
      for (const [key, m] of [
        [ks.ebp, d.order],
        [ks.pay, d.payment],
        [k, d.waybill],
        [k, d.list],
      ] as const) {
        const r = await t2.app.inject({
          method: 'POST',
          url: '/api/v1/messages',
          payload: m as unknown as object,
          headers: { authorization: `Bearer ${key}` },
        });
        expect(r.statusCode, r.body).toBe(200);
      }
      await t2.p.clearance.drain();
      const rows = rowsOf<{
        id: string;
        status: string;
        decision: { sampling: { rate: string; inspect: boolean; seed: string } };
      }>(await t2.p.dbh.db.execute(sql`select id, status, decision from clr_lists where order_no = ${d.orderNo}`));
      expect(rows[0]).toMatchObject({ status: 'inspection', decision: { sampling: { rate: '1', inspect: true } } });
      const cookie = await login(t2.app, 'customs.demo', 'Demo@2026!');
      const res = await t2.app.inject({
        method: 'POST',
        url: `/api/v1/clearance/lists/${rows[0]!.id}/decision`,
        headers: { cookie },
        payload: { decision: 'reject', note: '开箱查验：实货与申报不符' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: 'rejected', returnStatus: '100' });
    } finally {
      await t2.close();
    }
  });

  const cancelMessage = (invtNo: string, reason: string): CebMessage => ({
    type: 'CEB623Message',
    guid: guid(),
    version: '1.0',
    records: [
      {
        guid: guid(),
        appType: '1',
        appTime: '20261128100000',
        appStatus: '2',
        customsCode: '7301',
        orderNo: 'x',
        ebpCode: PARTIES.ebp,
        ebpName: 'p',
        ebcCode: PARTIES.ebp,
        ebcName: 'p',
        logisticsNo: 'x',
        logisticsCode: PARTIES.logistics,
        logisticsName: 'l',
        copNo: `C${Date.now() % 1e9}${n++}`,
        invtNo,
        buyerIdType: '1',
        buyerIdNumber: BUYER.idNumber,
        buyerName: BUYER.name,
        buyerTelephone: BUYER.phone,
        agentCode: PARTIES.logistics,
        agentName: 'a',
        reason,
      },
    ],
    baseTransfer: { copCode: PARTIES.logistics, copName: 'l', dxpMode: 'DXP', dxpId: 'DXPENT9000000000' },
  });

  it('cancellation (CEB623) after release: quota restored, tax bill voided (CEB818 3); a second one is -623009', async () => {
    const buyerId = '110105194912310211';
    const d = documents({ buyerId });
    await declareAll(d);
    await t.p.clearance.drain();
    const list = await listOf(d.orderNo);
    expect(list.status).toBe('released');
    const hash = personHash(t.p.pi, BUYER.name, BUYER.idType, buyerId);
    const year = Number(list.declaredOn.slice(0, 4));
    expect((await t.p.clearance.quota.used(hash, year)).toFixed(2)).toBe('210.00');

    await send(keys.logistics!, cancelMessage(list.invtNo, '消费者取消订单，货物未出区'));
    const after = await listOf(d.orderNo);
    expect(after.status).toBe('cancelled');
    expect(after.taxBill.status).toBe('3');
    expect((await t.p.clearance.quota.used(hash, year)).toFixed(2)).toBe('0.00');
    const r624 = (await receipts(keys.logistics!)).filter((r) => r.type === 'CEB624Message').at(-1)!;
    expect(r624.returnStatus).toBe('399');
    expect(
      (await receipts(keys.logistics!)).some(
        (r) => r.type === 'CEB818Message' && r.businessKey === list.invtNo && r.returnStatus === '3',
      ),
    ).toBe(true);

    // a second cancellation of the list is refused by the hub: 撤单清单已经申报过
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      payload: cancelMessage(list.invtNo, '重复') as unknown as object,
      headers: { authorization: `Bearer ${keys.logistics}` },
    });
    expect(again.statusCode).toBe(422);
    expect(again.json().receipt.errors[0].code).toBe('-623009');
  });

  const returnMessage = (
    invtNo: string,
    items: { gnum: number; gcode: string; qty: string }[],
    change = false,
  ): CebMessage => ({
    type: 'CEB625Message',
    guid: guid(),
    version: '1.0',
    records: [
      {
        InvtRefundHead: {
          guid: guid(),
          appType: change ? '2' : '1',
          appTime: change ? '20261128110000' : '20261128100000',
          appStatus: '2',
          customsCode: '7301',
          orderNo: 'x',
          ebpCode: PARTIES.ebp,
          ebpName: 'p',
          ebcCode: PARTIES.ebp,
          ebcName: 'p',
          logisticsNo: 'x',
          logisticsCode: PARTIES.logistics,
          logisticsName: 'l',
          copNo: `R${Date.now() % 1e9}${n++}`,
          invtNo,
          buyerIdType: '1',
          buyerIdNumber: BUYER.idNumber,
          buyerName: BUYER.name,
          buyerTelephone: BUYER.phone,
          agentCode: PARTIES.logistics,
          agentName: 'a',
          reason: '商品质量问题',
        },
        InvtRefundList: items.map((i) => ({
          gnum: String(i.gnum),
          gcode: i.gcode,
          gname: `测试商品 ${i.gnum}`,
          qty: i.qty,
          unit: '007',
        })),
      },
    ],
    baseTransfer: { copCode: PARTIES.logistics, copName: 'l', dxpMode: 'DXP', dxpId: 'DXPENT9000000000' },
  });
  const deliveryMessage = (logisticsNos: string[]): CebMessage => ({
    type: 'CEB711Message',
    guid: guid(),
    version: '1.0',
    records: [
      {
        DeliveryHead: {
          guid: guid(),
          appType: '1',
          appTime: '20261128100000',
          appStatus: '2',
          customsCode: '7301',
          copNo: `D${Date.now() % 1e9}${n++}`,
          operatorCode: PARTIES.warehouse,
          operatorName: 'w',
          ieFlag: 'I',
          trafMode: '5',
          trafNo: 'T1',
          voyageNo: 'V1',
          billNo: `B${n++}`,
          logisticsCode: PARTIES.logistics,
          logisticsName: 'l',
        },
        DeliveryList: logisticsNos.map((no, i) => ({ gnum: String(i + 1), logisticsNo: no })),
      },
    ],
    baseTransfer: { copCode: PARTIES.warehouse, copName: 'w', dxpMode: 'DXP', dxpId: 'DXPENT9000000000' },
  });

  it('return inside the windows: applied on day 30, goods back on day 45 → the returned item’s quota and tax are given back', async () => {
    const buyerId = '110105194912310238';
    const d = documents({ buyerId });
    await declareAll(d);
    await t.p.clearance.drain();
    const list = await listOf(d.orderNo);
    // released 30 days ago (Asia/Shanghai calendar days)
    await t.p.dbh.db.execute(sql`update clr_lists set released_at = now() - interval '30 days' where id = ${list.id}`);
    await send(keys.logistics!, returnMessage(list.invtNo, [{ gnum: 1, gcode: '3304990029', qty: '2' }]));
    expect((await receipts(keys.logistics!)).filter((r) => r.type === 'CEB626Message').at(-1)!.returnStatus).toBe(
      '120',
    );
    // 15 more days pass: today is day 45 after the release, the application was on day 30
    await t.p.dbh.db.execute(sql`update clr_lists set released_at = now() - interval '45 days' where id = ${list.id}`);
    await t.p.dbh.db.execute(
      sql`update clr_returns set applied_at = now() - interval '15 days' where list_id = ${list.id}`,
    );
    await send(keys.warehouse!, deliveryMessage([d.logisticsNo]));
    const after = await listOf(d.orderNo);
    expect(after.returns[0]).toMatchObject({ status: 'arrived', amount: '105.00', tax: '9.56' });
    expect(after.taxBill).toMatchObject({ netted: '9.56', payable: '9.56', status: '1' });
    const hash = personHash(t.p.pi, BUYER.name, BUYER.idType, buyerId);
    expect((await t.p.clearance.quota.used(hash, Number(list.declaredOn.slice(0, 4)))).toFixed(2)).toBe('105.00');
  });

  it('return outside the windows: applied on day 31 is refused; goods back on day 46 restore neither quota nor tax', async () => {
    const buyerId = '110105194912310254';
    const d = documents({ buyerId });
    await declareAll(d);
    await t.p.clearance.drain();
    const list = await listOf(d.orderNo);
    await t.p.dbh.db.execute(sql`update clr_lists set released_at = now() - interval '31 days' where id = ${list.id}`);
    await send(keys.logistics!, returnMessage(list.invtNo, [{ gnum: 1, gcode: '3304990029', qty: '1' }]));
    const refused = (await receipts(keys.logistics!)).filter((r) => r.type === 'CEB626Message').at(-1)!;
    expect(refused.returnStatus).toBe('-625003');
    expect(refused.returnInfo).toContain('30');

    await t.p.dbh.db.execute(sql`update clr_lists set released_at = now() - interval '20 days' where id = ${list.id}`);
    // the application is changed (appType 2) within the 30 days
    await send(keys.logistics!, returnMessage(list.invtNo, [{ gnum: 2, gcode: '3304990029', qty: '2' }], true));
    await t.p.dbh.db.execute(sql`update clr_lists set released_at = now() - interval '46 days' where id = ${list.id}`);
    await t.p.dbh.db.execute(
      sql`update clr_returns set applied_at = now() - interval '26 days' where list_id = ${list.id}`,
    );
    await send(keys.warehouse!, deliveryMessage([d.logisticsNo]));
    const after = await listOf(d.orderNo);
    expect(after.returns[0]).toMatchObject({ status: 'late' });
    expect(after.taxBill).toMatchObject({ netted: '0.00', payable: '19.12' });
    const hash = personHash(t.p.pi, BUYER.name, BUYER.idType, buyerId);
    expect((await t.p.clearance.quota.used(hash, Number(list.declaredOn.slice(0, 4)))).toFixed(2)).toBe('210.00');
  });

  it('1210 bonded: a list for stock that is not there is rejected; after the warehouse entry it is released and the stock drawn down', async () => {
    const item = { price: '50.00', qty: '2', itemRecordNo: 'LZB-0001' };
    const short = documents({
      tradeMode: '1210',
      areaCode: PARTIES.warehouse,
      items: [item],
      buyerId: '110105194912310270',
    });
    await declareAll(short);
    await t.p.clearance.drain();
    const rejected = await listOf(short.orderNo);
    expect(rejected.status).toBe('rejected');
    expect(rejected.decision.reasons[0].code).toBe('BONDED_STOCK_SHORT');

    const entry = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bonded/entries',
      headers: { authorization: `Bearer ${keys.warehouse}` },
      payload: {
        areaCode: PARTIES.warehouse,
        entryNo: 'RKD-0001',
        items: [{ itemRecordNo: 'LZB-0001', gcode: '3304990029', gname: '面霜', qty: '3' }],
      },
    });
    expect(entry.statusCode, entry.body).toBe(201);
    const ok = documents({
      tradeMode: '1210',
      areaCode: PARTIES.warehouse,
      items: [item],
      buyerId: '110105194912310296',
    });
    await declareAll(ok);
    await t.p.clearance.drain();
    expect((await listOf(ok.orderNo)).status).toBe('released');
    const stock = await t.app.inject({
      method: 'GET',
      url: '/api/v1/bonded/stock',
      headers: { authorization: `Bearer ${keys.warehouse}` },
    });
    expect(stock.json().items).toEqual([expect.objectContaining({ itemRecordNo: 'LZB-0001', qty: '1' })]);
  });

  it('a draft order (appStatus 1, 暂存) does not count: the list waits for the declared one', async () => {
    const d = documents({ buyerId: '110105194912310313' });
    (d.order.records[0]!.OrderHead as CebRecord).appStatus = '1';
    await declareAll(d);
    await t.p.clearance.drain();
    const list = await listOf(d.orderNo);
    expect(list.status).toBe('waiting');
    expect(list.decision.missing).toEqual(['order']);
  });

  it('1210: two lines of one item record draw their summed quantity; an entry naming a record twice is refused', async () => {
    const entry = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bonded/entries',
      headers: { authorization: `Bearer ${keys.warehouse}` },
      payload: {
        areaCode: PARTIES.warehouse,
        entryNo: 'RKD-0002',
        items: [{ itemRecordNo: 'LZB-0002', gcode: '3304990029', gname: '精华液', qty: '10' }],
      },
    });
    expect(entry.statusCode, entry.body).toBe(201);
    const twice = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bonded/entries',
      headers: { authorization: `Bearer ${keys.warehouse}` },
      payload: {
        areaCode: PARTIES.warehouse,
        entryNo: 'RKD-0003',
        items: [
          { itemRecordNo: 'LZB-0002', gcode: '3304990029', gname: '精华液', qty: '5' },
          { itemRecordNo: 'LZB-0002', gcode: '3304990029', gname: '精华液', qty: '3' },
        ],
      },
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error.details[0].path).toBe('items.1.itemRecordNo');
    const d = documents({
      tradeMode: '1210',
      areaCode: PARTIES.warehouse,
      items: [
        { price: '50.00', qty: '2', itemRecordNo: 'LZB-0002' },
        { price: '50.00', qty: '3', itemRecordNo: 'LZB-0002' },
      ],
      buyerId: '11010519491231033X',
    });
    await declareAll(d);
    await t.p.clearance.drain();
    expect((await listOf(d.orderNo)).status).toBe('released');
    const stock = await t.app.inject({
      method: 'GET',
      url: '/api/v1/bonded/stock',
      headers: { authorization: `Bearer ${keys.warehouse}` },
    });
    expect(stock.json().items).toContainEqual(expect.objectContaining({ itemRecordNo: 'LZB-0002', qty: '5' }));
  });

  it('cancellation after release: refused after day 30 (-623005); a list re-declared after a cancellation is a new entry', async () => {
    const late = documents({ buyerId: '110105194912310356' });
    await declareAll(late);
    await t.p.clearance.drain();
    const l1 = await listOf(late.orderNo);
    await t.p.dbh.db.execute(sql`update clr_lists set released_at = now() - interval '31 days' where id = ${l1.id}`);
    await send(keys.logistics!, cancelMessage(l1.invtNo, '超期撤单'));
    const r = (await receipts(keys.logistics!)).filter((x) => x.type === 'CEB624Message').at(-1)!;
    expect(r.returnStatus).toBe('-623005');
    expect(r.returnInfo).toContain('30');

    const again = documents({ buyerId: '110105194912310372' });
    await declareAll(again);
    await t.p.clearance.drain();
    const first = await listOf(again.orderNo);
    await send(keys.logistics!, cancelMessage(first.invtNo, '消费者取消'));
    expect((await listOf(again.orderNo)).status).toBe('cancelled');
    // declared again (appType 2 of the same list): decided afresh, with a new list number and tax bill
    const redeclared = structuredClone(again.list);
    redeclared.guid = guid();
    Object.assign(redeclared.records[0]!.InventoryHead as CebRecord, {
      appType: '2',
      appTime: '20261128120000',
      guid: guid(),
    });
    await send(keys.logistics!, redeclared);
    await t.p.clearance.drain();
    const second = await listOf(again.orderNo);
    expect(second.status).toBe('released');
    expect(second.invtNo).not.toBe(first.invtNo);
    expect(second.taxBill).toMatchObject({ status: '1', invtNo: second.invtNo });
    const hash = personHash(t.p.pi, BUYER.name, BUYER.idType, '110105194912310372');
    expect((await t.p.clearance.quota.used(hash, Number(second.declaredOn.slice(0, 4)))).toFixed(2)).toBe('210.00');
  });

  it('汇总征税: the guarantor pays the bills whose day 31 has come (CEB818 2, lists closed 899); a bill with an open return waits', async () => {
    const paid = documents({ buyerId: '110105194912310399' });
    const open = documents({ buyerId: '110105194912310410' });
    await declareAll(paid);
    await declareAll(open);
    await t.p.clearance.drain();
    const a = await listOf(paid.orderNo);
    const b = await listOf(open.orderNo);
    await send(keys.logistics!, returnMessage(b.invtNo, [{ gnum: 1, gcode: '3304990029', qty: '1' }]));
    // 31 days pass: both bills' windows open today
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const month = today.slice(0, 7);
    await t.p.dbh.db.execute(sql`update clr_tax_bills set due_from = ${today}::date, due_to = ${today}::date + 14
      where invt_no in (${a.invtNo}, ${b.invtNo})`);
    const due = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tax/due?month=${month}`,
      headers: { authorization: `Bearer ${keys.logistics}` },
    });
    expect(due.statusCode, due.body).toBe(200);
    expect(due.json().bills.map((x: { invtNo: string }) => x.invtNo)).toEqual(
      expect.arrayContaining([a.invtNo, b.invtNo]),
    );
    const pay = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tax/consolidations',
      headers: { authorization: `Bearer ${keys.logistics}` },
      payload: { month },
    });
    expect(pay.statusCode, pay.body).toBe(200);
    expect(pay.json().entDutyNo).toMatch(/^HZ\d{6}/);
    const closed = await listOf(paid.orderNo);
    expect(closed).toMatchObject({ status: 'closed', returnStatus: '899', taxBill: { status: '2' } });
    expect((await listOf(open.orderNo)).taxBill.status).toBe('1');
    // the CEB818 reaches the declaring agent (also the guarantor) and the e-commerce enterprise it declared for
    for (const key of [keys.logistics!, keys.ebp!]) {
      expect(
        (await receipts(key)).some(
          (x) => x.type === 'CEB818Message' && x.businessKey === a.invtNo && x.returnStatus === '2',
        ),
      ).toBe(true);
    }
    expect(await statusesOf(keys.logistics!, 'CEB622Message', listKey(paid))).toEqual([
      '2',
      '120',
      '399',
      '800',
      '899',
    ]);
  });

  it('buyer quota pre-check for a buyer of its own orders: fits or not, never the amount left nor the history', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/quota/check',
      headers: { authorization: `Bearer ${keys.ebp}` },
      payload: { buyerName: BUYER.name, buyerIdType: '1', buyerIdNumber: '110105194912310158', amount: '0.01' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      annualLimit: '26000.00',
      basis: 'order',
      fits: false,
      exceeds: ['annual-limit'],
    });
    expect(Object.keys(res.json())).not.toContain('remaining');
    expect(Object.keys(res.json())).not.toContain('history');
    const no = await t.app.inject({
      method: 'POST',
      url: '/api/v1/quota/check',
      headers: { authorization: `Bearer ${keys.ebp}` },
      payload: { buyerName: BUYER.name, buyerIdType: '1', buyerIdNumber: '110105194912310158' },
    });
    expect(no.statusCode).toBe(400);
    expect(no.json().error.details[0].path).toBe('amount');
  });
});
