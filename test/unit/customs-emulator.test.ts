import { sm2 } from 'sm-crypto-v2';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BUYER,
  inventoryMessage,
  orderMessage,
  orderRecord,
  paymentMessage,
  waybillMessage,
} from '../../src/app/examples.js';
import { Decimal } from '../../src/kernel/money.js';
import { readClearanceTables, SAMPLE_TABLES_DIR } from '../../src/modules/clearance/tables/table-files.js';
import type { ClearanceTables } from '../../src/modules/clearance/tables/tables.js';
import { buildCeb, type CebMessage, type CebRecord, parseCeb } from '../../src/modules/declaration/ceb/codec.js';
import { unwrapDxp, wrapDxp } from '../../src/modules/declaration/ceb/dxp.js';
import { validateAgainstXsd, validateCebXml } from '../../src/modules/declaration/ceb/xsd-validator.js';
import { signDxp, verifyDxp } from '../../src/modules/declaration/port.js';
import { buildCebUnsigned } from '../../src/modules/gateway/connected.js';
import { CustomsEmulator, readDeclaration } from '../../src/modules/gateway/customs-emulator.js';
import { sm2Sign } from '../../src/platform/crypto/sm2.js';

let tables: ClearanceTables;
beforeAll(async () => {
  const t = await readClearanceTables(SAMPLE_TABLES_DIR);
  if (!t.ok) throw new Error('sample tables do not load');
  tables = t.table;
});

const at = new Date('2026-11-28T02:00:00Z');
const emulator = (rate = '0') =>
  new CustomsEmulator({ tables, inspectionRate: Decimal.parse(rate), clock: () => at, seed: () => 'seed-1' });

/**
 * What customs receives: the platform's message as XML (lists built unsigned, as the gateway does without a
 * transfer-node certificate), read back as the emulator process does.
 */
const wire = (m: CebMessage) => {
  const r = readDeclaration(buildCebUnsigned(m));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.message;
};

const status = (m: CebMessage) => {
  const r = m.records[0] as CebRecord;
  return `${m.type}:${(r.returnStatus as string) ?? ((r.TaxHeadRd as CebRecord).status as string)}`;
};

function documents(orderNo: string, o: { amountPaid?: string } = {}) {
  const payment = paymentMessage(orderNo, `PAY-${orderNo}`);
  if (o.amountPaid) (payment.records[0]!.PaymentHead as CebRecord).amountPaid = o.amountPaid;
  return {
    order: orderMessage([orderRecord({ orderNo })]),
    payment,
    waybill: waybillMessage(orderNo, `LN-${orderNo}`),
    list: inventoryMessage(orderNo, `LN-${orderNo}`, `COP-${orderNo}`, '2'),
  };
}

describe('customs emulator', () => {
  it('waits for the three documents, then answers 120s, 399, 800 and the CEB816 tax bill, all schema-valid', () => {
    const e = emulator();
    const d = documents('EMU-1');
    expect(e.handle(wire(d.list))).toEqual([]); // waits
    expect(e.handle(wire(d.order))).toEqual([]);
    expect(e.handle(wire(d.payment))).toEqual([]);
    const out = e.handle(wire(d.waybill));
    expect(out.map(status)).toEqual([
      'CEB312Message:120',
      'CEB412Message:120',
      'CEB512Message:120',
      'CEB622Message:120',
      'CEB622Message:399',
      'CEB622Message:800',
      'CEB816Message:1',
    ]);
    for (const m of out) {
      const xml = buildCeb(m);
      expect(validateCebXml(xml, m.type), `${m.type} against the XSD`).toEqual([]);
    }
    const list = out[3]!.records[0] as CebRecord;
    expect(list.invtNo).toMatch(/^73012026I\d{9}$/);
    expect(list.preNo).toMatch(/^B20261128\d{9}$/);
    expect(list.copNo).toBe('COP-EMU-1');
    expect((out[5]!.records[0] as CebRecord).returnInfo).toContain('随机种子 seed-1');
    const tax = (out[6]!.records[0] as CebRecord).TaxHeadRd as CebRecord;
    expect(tax).toMatchObject({ invtNo: list.invtNo, taxNo: `T${list.invtNo}`, valueAddedTax: '19.12', status: '1' });
    expect(e.quotaUsed(BUYER, 2026)).toBe('210.00');
    expect(
      e.list(
        `${(d.list.records[0]!.InventoryHead as CebRecord).ebpCode}|${(d.list.records[0]!.InventoryHead as CebRecord).ebcCode}|EMU-1`,
      ),
    ).toMatchObject({
      status: 'released',
    });
  });

  it('a message seen before gets the same receipts again (same guids) and changes nothing', () => {
    const e = emulator();
    const d = documents('EMU-2');
    for (const m of [d.order, d.payment, d.waybill]) e.handle(wire(m));
    const listMessage = wire(d.list);
    const first = e.handle(listMessage);
    const again = e.handle(listMessage);
    expect(again).toEqual(first);
    expect(e.quotaUsed(BUYER, 2026)).toBe('210.00');
  });

  it('rejects a list whose payment does not match the order: CEB622 100 with the reasons', () => {
    const e = emulator();
    const d = documents('EMU-3', { amountPaid: '999.00' });
    for (const m of [d.order, d.payment, d.waybill]) e.handle(wire(m));
    const out = e.handle(wire(d.list));
    expect(out.map(status)).toEqual(['CEB622Message:100']);
    const info = (out[0]!.records[0] as CebRecord).returnInfo as string;
    expect(info).toContain('[MATCH_AMOUNT_PAID]');
    expect(validateCebXml(buildCeb(out[0]!), 'CEB622Message')).toEqual([]);
    expect(e.quotaUsed(BUYER, 2026)).toBe('0.00');
  });

  it('sends a list to inspection (500) when the draw falls under the rate', () => {
    const e = emulator('1');
    const d = documents('EMU-4');
    for (const m of [d.order, d.payment, d.waybill]) e.handle(wire(m));
    expect(e.handle(wire(d.list)).map(status)).toEqual([
      'CEB312Message:120',
      'CEB412Message:120',
      'CEB512Message:120',
      'CEB622Message:120',
      'CEB622Message:500',
    ]);
  });

  it('cancels a released list (CEB624 399, quota given back); an unknown list gets -623005', () => {
    const e = emulator();
    const d = documents('EMU-5');
    let invtNo = '';
    for (const m of [d.order, d.payment, d.waybill, d.list]) {
      for (const r of e.handle(wire(m)))
        if (r.type === 'CEB622Message') invtNo = (r.records[0] as CebRecord).invtNo as string;
    }
    const h = d.list.records[0]!.InventoryHead as CebRecord;
    const cancel = (no: string): CebMessage => ({
      type: 'CEB623Message',
      guid: crypto.randomUUID().toUpperCase(),
      version: '1.0',
      records: [
        {
          guid: crypto.randomUUID().toUpperCase(),
          appType: '1',
          appTime: '20261128100000',
          appStatus: '2',
          customsCode: '7301',
          orderNo: 'EMU-5',
          ebpCode: h.ebpCode as string,
          ebpName: h.ebpName as string,
          ebcCode: h.ebcCode as string,
          ebcName: h.ebcName as string,
          logisticsNo: h.logisticsNo as string,
          logisticsCode: h.logisticsCode as string,
          logisticsName: h.logisticsName as string,
          copNo: 'CANCEL-EMU-5',
          invtNo: no,
          buyerIdType: '1',
          buyerIdNumber: BUYER.idNumber,
          buyerName: BUYER.name,
          buyerTelephone: BUYER.phone,
          agentCode: h.agentCode as string,
          agentName: h.agentName as string,
          reason: '买家取消',
        },
      ],
      baseTransfer: { copCode: h.agentCode as string, copName: 'x', dxpMode: 'DXP', dxpId: 'DXPENT0000000001' },
    });
    const ok = e.handle(wire(cancel(invtNo)));
    expect(ok.map(status)).toEqual(['CEB624Message:399']);
    expect(validateCebXml(buildCeb(ok[0]!), 'CEB624Message')).toEqual([]);
    expect(e.quotaUsed(BUYER, 2026)).toBe('0.00');
    expect(e.handle(wire(cancel('73012026I999999999'))).map(status)).toEqual(['CEB624Message:-623005']);
  });
});

describe('declarations built without their Signature (buildCebUnsigned / readDeclaration)', () => {
  it('leaves only the Signature out; parseCeb refuses that, readDeclaration takes it and says so', () => {
    const list = inventoryMessage('UNS-1', 'LN-UNS-1', 'COP-UNS-1', '2');
    const xml = buildCebUnsigned(list);
    expect(xml).not.toContain('Signature');
    expect(
      validateCebXml(xml, 'CEB621Message')
        .map((e) => e.message.en)
        .join(),
    ).toContain('Signature');
    const strict = parseCeb(xml);
    expect(strict.ok).toBe(false);
    const read = readDeclaration(xml);
    expect(read.ok && read.unsigned).toBe(true);
    expect(read.ok && read.message.signature).toBeUndefined();
    expect(read.ok && read.message.records).toEqual(list.records);
    // an order needs no signature: built as buildCeb builds it
    const order = orderMessage([orderRecord({ orderNo: 'UNS-1' })]);
    expect(buildCebUnsigned(order)).toBe(buildCeb(order));
    // other schema errors are not tolerated
    expect(readDeclaration(xml.replace('<ceb:orderNo>UNS-1</ceb:orderNo>', '')).ok).toBe(false);
  });
});

describe('DxpMsg signature (signDxp / verifyDxp)', () => {
  const kp = sm2.generateKeyPairHex();
  const signer = { keyId: 'k1', sign: (m: string) => sm2Sign(m, kp.privateKey) };
  const inner = buildCeb(orderMessage([orderRecord({ orderNo: 'SIG-1' })]));
  const dxp = wrapDxp(inner, {
    copMsgId: '000000000001-X',
    senderId: 'DXPENT0000000001',
    receiverIds: ['DXPEDCCEB0000002'],
    creatTime: '2026-11-28T10:00:00',
    msgType: 'CEB311Message',
  });

  it('signs a DxpMsg so that it still validates against the terminal XSD, unwraps, and verifies', () => {
    const signed = signDxp(dxp, signer);
    expect(validateAgainstXsd(signed, 'terminal')).toEqual([]);
    const opened = unwrapDxp(signed);
    expect(opened.ok && opened.inner.toString('utf8')).toBe(inner);
    expect(verifyDxp(signed, kp.publicKey)).toBe(true);
  });

  it('does not verify when altered, unsigned, or checked with another key', () => {
    const signed = signDxp(dxp, signer);
    expect(verifyDxp(signed.replace('DXPEDCCEB0000002', 'DXPEDCCEB0000003'), kp.publicKey)).toBe(false);
    expect(verifyDxp(dxp, kp.publicKey)).toBe(false);
    expect(verifyDxp(signed, sm2.generateKeyPairHex().publicKey)).toBe(false);
  });
});
