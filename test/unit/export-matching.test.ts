import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ExportMatchInput,
  type ExportMatchReason,
  type ExportMatchResult,
  matchExportDocuments,
  orderTypeFor,
} from '../../src/modules/clearance/rules/export/matching.js';

/** ceb-messages.md §3.6, §6.1 item 9: export 三单对碰 (CEB603 against CEB303, CEB403, CEB505). */

// Values from the official CEB603/CEB303 samples (samples-202205/export), made consistent.
const EBC = '1105910159';
function base(): Required<{ [K in keyof ExportMatchInput]: NonNullable<ExportMatchInput[K]> }> {
  return {
    list: {
      head: {
        orderNo: 'order2018050711340001',
        ebpCode: EBC,
        ebcCode: EBC,
        logisticsCode: EBC,
        logisticsNo: 'L2018050700001',
        tradeMode: '9610',
        country: '116',
        freight: '50.36',
        fCurrency: '502',
      },
      items: [
        {
          gnum: 1,
          itemName: '小米盒子',
          gname: '小米盒子',
          gcode: '8541401000',
          country: '116',
          currency: '502',
          unit: '007',
          qty: '100',
          price: '20',
          totalPrice: '2000',
        },
        {
          gnum: 2,
          itemName: null,
          gname: '遥控器',
          gcode: '8543709990',
          country: '116',
          currency: '502',
          unit: '007',
          qty: '10',
          price: '5.5',
          totalPrice: '55',
        },
      ],
    },
    order: {
      head: {
        orderType: 'E',
        orderNo: 'order2018050711340001',
        ebpCode: EBC,
        ebcCode: EBC,
        goodsValue: '2055.00000',
        freight: '50.36',
        currency: '502',
      },
      items: [
        { gnum: 1, itemName: '小米盒子', unit: '007', currency: '502', qty: '100', price: '20.00', totalPrice: '2000' },
        { gnum: '2', itemName: '遥控器', unit: '007', currency: '502', qty: '10', price: '5.50', totalPrice: '55.0' },
      ],
    },
    receipts: {
      orderNo: 'order2018050711340001',
      ebpCode: EBC,
      ebcCode: EBC,
      payCode: '312226T001',
      payNo: 'P2018050700001',
      charge: '2105.36',
      currency: '502',
    },
    waybill: { logisticsCode: EBC, logisticsNo: 'L2018050700001', ebcCode: EBC },
  };
}

const reasons = (r: ExportMatchResult): ExportMatchReason[] => (r.status === 'mismatch' ? r.reasons : []);
const rulesOf = (r: ExportMatchResult) => reasons(r).map((x) => `${x.rule} ${x.field}`);

describe('export matching (三单对碰)', () => {
  it('a consistent list, order, 收款单 and waybill match ("2055.00000" equals 2000 + 55)', () => {
    expect(matchExportDocuments(base())).toEqual({ status: 'matched' });
  });

  it('waits while the order, the 收款单 or the waybill has not arrived, naming each missing one', () => {
    const d = base();
    expect(matchExportDocuments({ list: d.list })).toEqual({
      status: 'waiting',
      missing: ['order', 'receipts', 'waybill'],
    });
    expect(matchExportDocuments({ ...d, receipts: null })).toEqual({ status: 'waiting', missing: ['receipts'] });
  });

  it.each([
    ['9610', 'E'],
    ['1210', 'E'],
    ['9710', 'B'],
    ['9810', 'W'],
    ['0101', null],
  ])('tradeMode %s requires orderType %s (§7.1)', (mode, type) => {
    expect(orderTypeFor(mode)).toBe(type);
  });

  it('a 9810 list against an order of type E is refused: it needs a 海外仓订仓单 (W)', () => {
    const d = base();
    d.list.head.tradeMode = '9810';
    const r = reasons(matchExportDocuments(d));
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ rule: 'order-type', field: 'OrderHead.orderType', code: 'EXPORT_MATCH_ORDER_TYPE' });
    expect(r[0]!.message.zh).toContain('海外仓订仓单');
    expect(r[0]!.message.en).toContain('orderType W');
  });

  it('a 9710 list matches an order of type B', () => {
    const d = base();
    d.list.head.tradeMode = '9710';
    d.order.head.orderType = 'B';
    expect(matchExportDocuments(d).status).toBe('matched');
  });

  it('the list ebcCode must equal the order ebcCode (对应清单的收发货人); the rest is not compared', () => {
    const d = base();
    d.order.head.ebcCode = '91620100MA00000011';
    d.order.head.goodsValue = '1';
    const r = reasons(matchExportDocuments(d));
    expect(r.map((x) => x.field)).toEqual(['OrderHead.ebcCode']);
    expect(r[0]!.message.zh).toBe(
      '订单的电商企业代码（收发货人）[91620100MA00000011]与清单的电商企业代码（收发货人）[1105910159]不一致',
    );
    expect(r[0]!.message.en).toBe(
      "The order's ebcCode [91620100MA00000011] differs from the list's ebcCode [1105910159]",
    );
  });

  it('the waybill must carry the list logisticsCode and logisticsNo, and its ebcCode when it gives one', () => {
    const d = base();
    d.waybill.logisticsNo = 'L2018050700002';
    d.waybill.ebcCode = '1105910160';
    expect(rulesOf(matchExportDocuments(d))).toEqual([
      'waybill-key Logistics.logisticsNo',
      'waybill-key Logistics.ebcCode',
    ]);
    d.waybill.ebcCode = null;
    expect(rulesOf(matchExportDocuments(d))).toEqual(['waybill-key Logistics.logisticsNo']);
  });

  it('the 收款单 belongs to the order (orderNo, ebcCode, ebpCode); a foreign one is not compared on its charge', () => {
    const d = base();
    d.receipts.orderNo = 'order2018050711340002';
    d.receipts.charge = '1';
    expect(rulesOf(matchExportDocuments(d))).toEqual(['collection-key Receipts.orderNo']);
  });

  it('the 收款单 charge must equal goodsValue + freight: 2105.35 against 2055 + 50.36 is refused with the difference', () => {
    const d = base();
    d.receipts.charge = '2105.35';
    const r = reasons(matchExportDocuments(d));
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ rule: 'charge', field: 'Receipts.charge' });
    expect(r[0]!.message.zh).toBe('收款单的收款金额[2105.35]与订单商品金额与运杂费之和[2105.36]不一致（相差 0.01）');
    expect(matchExportDocuments(d, { amountTolerance: '0.01' }).status).toBe('matched');
  });

  it('currencies: a 收款单 in EUR (300) against an order in USD (502) is a currency reason, its charge not compared', () => {
    const d = base();
    d.receipts.currency = '300';
    d.receipts.charge = '1900';
    expect(rulesOf(matchExportDocuments(d))).toEqual(['currency Receipts.currency']);
  });

  it('currencies: a list item in another currency than its order item is refused', () => {
    const d = base();
    d.list.items[1]!.currency = '142';
    const r = reasons(matchExportDocuments(d));
    expect(r.map((x) => [x.rule, x.field, x.item])).toEqual([['currency', 'InventoryList.currency', 2]]);
  });

  it('items by gnum: qty, price, totalPrice, unit and name are compared item by item', () => {
    const d = base();
    d.list.items[0]!.qty = '101';
    d.list.items[0]!.unit = '011';
    d.list.items[1]!.gname = '遥控器（黑）';
    const r = reasons(matchExportDocuments(d));
    expect(r.map((x) => `${x.field}#${x.item}`)).toEqual([
      'InventoryList.unit#1',
      'InventoryList.qty#1',
      'InventoryList.gname#2',
    ]);
    expect(r[1]!.message.en).toBe('List item 1 qty [101] differs from order item 1 qty [100] (difference 1)');
  });

  it('items one to one: a list item without an order item and an order item without a list item are both named', () => {
    const d = base();
    d.list.items[1]!.gnum = 3;
    d.list.items[1]!.totalPrice = '55';
    const fields = rulesOf(matchExportDocuments(d));
    expect(fields).toEqual(['items-one-to-one InventoryList.gnum', 'items-one-to-one OrderList.gnum']);
  });

  it('a repeated order gnum is the customs error -301002 (重复商品序号)', () => {
    const d = base();
    d.order.items[1]!.gnum = 1;
    const r = reasons(matchExportDocuments(d));
    expect(r.find((x) => x.code === '-301002')?.message.zh).toBe('订单表体序号[1]重复');
  });

  it('Σ list totalPrice must equal the order goodsValue (FOB without freight)', () => {
    const d = base();
    d.order.head.goodsValue = '2105.36';
    d.receipts.charge = '2155.72';
    const r = reasons(matchExportDocuments(d));
    expect(r.map((x) => x.rule)).toEqual(['goods-value']);
    expect(r[0]!.message.en).toBe(
      "The order's goodsValue [2105.36] differs from the sum of the list items' totalPrice [2055.00] (difference 50.36)",
    );
  });

  it('a totalPrice that is not a decimal is named, not thrown', () => {
    const d = base();
    d.list.items[0]!.totalPrice = '2,000';
    const r = reasons(matchExportDocuments(d));
    expect(r.some((x) => x.message.en.includes('[2,000] is not a decimal number'))).toBe(true);
  });

  it('freight is compared when the list declares it in the order currency, not otherwise', () => {
    const d = base();
    d.list.head.freight = '60';
    expect(rulesOf(matchExportDocuments(d))).toEqual(['freight InventoryHead.freight']);
    d.list.head.fCurrency = '142';
    expect(matchExportDocuments(d).status).toBe('matched');
  });

  it('destination: the 运抵国 and an item 最终目的国 of 142 (China) are refused', () => {
    const d = base();
    d.list.head.country = '142';
    d.list.items[1]!.country = '142';
    expect(rulesOf(matchExportDocuments(d))).toEqual([
      'destination InventoryHead.country',
      'destination InventoryList.country',
    ]);
  });

  it('every reason has a code, a field path and both languages', () => {
    const d = base();
    d.list.head.tradeMode = '9810';
    d.receipts.charge = '1';
    d.list.items[0]!.price = '21';
    for (const r of reasons(matchExportDocuments(d))) {
      expect(r.code).toMatch(/^(EXPORT_MATCH_[A-Z_]+|-\d+)$/);
      expect(r.field).toMatch(/^[A-Za-z]+\.[A-Za-z]+$/);
      expect(r.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(r.message.en).toMatch(/^[A-Z]/);
    }
  });

  it('property: amounts written with any number of trailing zeros still match', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), (z1, z2) => {
        const d = base();
        const pad = (s: string, n: number) => (n === 0 ? s : `${s}${s.includes('.') ? '' : '.'}${'0'.repeat(n)}`);
        d.order.head.goodsValue = pad('2055', z1);
        d.receipts.charge = pad('2105.36', z2);
        return matchExportDocuments(d).status === 'matched';
      }),
    );
  });
});
