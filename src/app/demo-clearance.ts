/**
 * Demo import lists for a first start (【演示】 data, not official): the demo enterprises declare a few orders,
 * payments, waybills and lists through the real declaration hub, and the real engine decides them, so that the
 * portal and the console show lists released, waiting, rejected and in manual review. Each document is sent by the
 * enterprise the standard names (the platform its orders, the payment firm its payments, the logistics firm its
 * waybills) and the lists by the logistics firm as the platform's declaring agent (a demo delegation), signed in XML
 * with the agent's demo certificate (tables/demo-pki).
 */
import { randomUUID } from 'node:crypto';
import type { ClearanceService } from '../modules/clearance/service.js';
import type { CebMessage, CebRecord } from '../modules/declaration/ceb/codec.js';
import type { DeclarationService } from '../modules/declaration/service.js';
import { signedCeb } from '../modules/declaration/signature/sign-message.js';
import { demoSigningKey } from './demo-pki.js';
import { inventoryMessage, orderMessage, orderRecord, PARTIES, paymentMessage, waybillMessage } from './examples.js';

type Item = { gcode: string; gname: string; gmodel: string; price: string; qty: string };

const COSMETICS: Item[] = [
  { gcode: '3304990029', gname: '【演示】保湿面霜', gmodel: '50ml/瓶', price: '120.00', qty: '1' },
  { gcode: '3304990029', gname: '【演示】精华液', gmodel: '30ml/瓶', price: '180.00', qty: '1' },
];
const WATCH: Item[] = [
  { gcode: '9101191000', gname: '【演示】贵金属表壳电子手表', gmodel: '1只/盒', price: '6000.00', qty: '1' },
];
const PEARLS: Item[] = [
  { gcode: '7116100000', gname: '【演示】珍珠项链', gmodel: '1条/盒', price: '2600.00', qty: '1' },
  { gcode: '7116100000', gname: '【演示】珍珠耳环', gmodel: '1对/盒', price: '2600.00', qty: '1' },
];

/** Demo buyers: made-up names and ID numbers (valid GB 11643 check characters). */
const BUYERS = ['110105199001011232', '110105199001012294', '110105199001013457', '110105199001014038'];

function documents(n: number, items: Item[], buyerId: string, opts: { paid?: string } = {}) {
  const stamp = Date.now().toString(36).toUpperCase();
  const orderNo = `DEMO-${stamp}-${n}`;
  const logisticsNo = `DEMOLN${stamp}${n}`;
  const total = (i: Item) => (Number(i.price) * Number(i.qty)).toFixed(2);
  const goods = items.reduce((s, i) => s + Number(total(i)), 0);
  const freight = '10.00';
  const paid = (goods + Number(freight)).toFixed(2);

  const order = orderRecord({ orderNo, items: items.length });
  Object.assign(order.OrderHead as CebRecord, {
    goodsValue: goods.toFixed(2),
    freight,
    acturalPaid: paid,
    buyerIdNumber: buyerId,
  });
  for (const [i, l] of (order.OrderList as CebRecord[]).entries()) {
    const it = items[i] as Item;
    Object.assign(l, { itemName: it.gname, gmodel: it.gmodel, price: it.price, qty: it.qty, totalPrice: total(it) });
  }
  const payment = paymentMessage(orderNo, `DEMOPAY${stamp}${n}`);
  Object.assign(payment.records[0]?.PaymentHead as CebRecord, {
    amountPaid: opts.paid ?? paid,
    payerIdNumber: buyerId,
  });
  const waybill = waybillMessage(orderNo, logisticsNo);
  const list = inventoryMessage(orderNo, logisticsNo, `DEMO${stamp}${n}`.slice(0, 20), '2');
  const record = list.records[0] as CebRecord;
  Object.assign(record.InventoryHead as CebRecord, { freight, buyerIdNumber: buyerId });
  const template = (record.InventoryList as CebRecord[])[0] as CebRecord;
  record.InventoryList = items.map((it, i) => ({
    ...template,
    gnum: String(i + 1),
    itemNo: `DEMO-SKU-${i + 1}`,
    itemName: it.gname,
    gname: it.gname,
    gcode: it.gcode,
    gmodel: it.gmodel,
    price: it.price,
    qty: it.qty,
    totalPrice: total(it),
  }));
  return { order: orderMessage([order]), payment, waybill, list };
}

/**
 * Declares the demo lists and lets the engine decide them: two released (with tax bills), one waiting for its
 * payment, one rejected by 三单对碰 (the payment differs), one over the single limit (-621005), one valuable
 * indivisible item in manual review (300) for the customs officer.
 */
export async function seedDemoClearance(declaration: DeclarationService, clearance: ClearanceService): Promise<void> {
  const send = async (uscc: string, m: CebMessage, signed = false) => {
    const message = { ...m, guid: randomUUID().toUpperCase() };
    const key = signed ? demoSigningKey(uscc) : null;
    if (signed && !key) throw new Error(`demo: no demo signing key for ${uscc} (tables/demo-pki)`);
    const answer = key
      ? await declaration.intake({ uscc }, Buffer.from(signedCeb(message, key)), 'xml')
      : await declaration.intake({ uscc }, message, 'json');
    if (answer.receipt.status !== 'accepted') {
      throw new Error(`demo ${m.type} refused: ${answer.receipt.returnInfo}`);
    }
  };
  const scenarios: { items: Item[]; buyer: string; skipPayment?: boolean; paid?: string }[] = [
    { items: COSMETICS, buyer: BUYERS[0] as string },
    { items: COSMETICS.slice(0, 1), buyer: BUYERS[1] as string },
    { items: COSMETICS.slice(1), buyer: BUYERS[2] as string, skipPayment: true },
    { items: COSMETICS, buyer: BUYERS[3] as string, paid: '300.00' },
    { items: PEARLS, buyer: BUYERS[1] as string },
    { items: WATCH, buyer: BUYERS[2] as string },
  ];
  for (const [i, s] of scenarios.entries()) {
    const d = documents(i + 1, s.items, s.buyer, s.paid ? { paid: s.paid } : {});
    await send(PARTIES.ebp, d.order);
    if (!s.skipPayment) await send(PARTIES.pay, d.payment);
    await send(PARTIES.logistics, d.waybill);
    await send(PARTIES.logistics, d.list, true);
  }
  await clearance.drain();
}
