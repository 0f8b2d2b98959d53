import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/kernel/money.js';
import {
  type InventoryHead,
  type InventoryList,
  type LogisticsHead,
  type MatchReason,
  type MatchResult,
  type MatchRule,
  matchDocuments,
  type OrderHead,
  type OrderList,
  type PaymentHead,
} from '../../src/modules/clearance/rules/import/matching.js';
import { maskIdNumber } from '../../src/platform/crypto/mask.js';

/** ceb-messages.md §6.4 and platform-decisions.md "Retail import": 三单对碰. */

type Docs = {
  list: { head: InventoryHead; items: InventoryList[] };
  order: { head: OrderHead; items: OrderList[] };
  payment: PaymentHead;
  waybill: LogisticsHead;
};

const BUYER = { name: '王小明', idType: '1', idNumber: '11010519491231002X' };
const CONSIGNEE = { name: '李华', phone: '13800138000', address: '甘肃省兰州市城关区庆阳路 1 号' };

/** A consistent set: the list, its order, payment and waybill (two items, 2 × 50.00 each, freight 10.00). */
function base(): Docs {
  return {
    list: {
      head: {
        orderNo: 'ORD-20261128-001',
        ebpCode: '91620100MA00000011',
        ebcCode: '91620100MA00000011',
        logisticsCode: '91620100MA00000045',
        logisticsNo: 'LP00000000001',
        buyerIdType: BUYER.idType,
        buyerIdNumber: BUYER.idNumber,
        buyerName: BUYER.name,
        freight: '10.00',
      },
      items: [
        { gnum: 1, itemName: '保湿面霜 50ml', gname: '面霜', qty: '2', price: '50.00', totalPrice: '100.00' },
        { gnum: 2, gname: '婴儿奶粉 800g', qty: '2', price: '50.00', totalPrice: '100.00' },
      ],
    },
    order: {
      head: {
        orderNo: 'ORD-20261128-001',
        ebpCode: '91620100MA00000011',
        ebcCode: '91620100MA00000011',
        goodsValue: '200.00',
        freight: '10.00',
        acturalPaid: '210.00',
        buyerName: BUYER.name,
        buyerIdType: BUYER.idType,
        buyerIdNumber: BUYER.idNumber,
        consignee: CONSIGNEE.name,
        consigneeTelephone: CONSIGNEE.phone,
        consigneeAddress: CONSIGNEE.address,
        payCode: '91620100MA00000037',
        payTransactionId: 'PAY-0001',
      },
      items: [
        { gnum: 1, itemName: '保湿面霜 50ml', qty: '2', price: '50.00', totalPrice: '100.00' },
        { gnum: 2, itemName: '婴儿奶粉 800g', qty: '2', price: '50.00', totalPrice: '100.00' },
      ],
    },
    payment: {
      payCode: '91620100MA00000037',
      payTransactionId: 'PAY-0001',
      ebpCode: '91620100MA00000011',
      orderNo: 'ORD-20261128-001',
      amountPaid: '210.00',
      payerIdType: BUYER.idType,
      payerIdNumber: BUYER.idNumber,
      payerName: BUYER.name,
    },
    waybill: {
      logisticsCode: '91620100MA00000045',
      logisticsNo: 'LP00000000001',
      orderNo: 'ORD-20261128-001',
      consignee: CONSIGNEE.name,
      consigneeTelephone: CONSIGNEE.phone,
      consigneeAddress: CONSIGNEE.address,
    },
  };
}

type Expected = { rule: MatchRule; field: string; item?: number; code?: string };

const brief = (r: MatchReason): Expected => ({
  rule: r.rule,
  field: r.field,
  ...(r.item !== undefined ? { item: r.item } : {}),
  ...(r.code !== undefined ? { code: r.code } : {}),
});
const key = (e: Expected) => `${e.rule}|${e.field}|${e.item ?? ''}|${e.code ?? ''}`;
const sorted = (es: Expected[]) => [...es].sort((a, b) => key(a).localeCompare(key(b)));

function reasonsOf(result: MatchResult): MatchReason[] {
  if (result.status !== 'mismatch') throw new Error(`expected a mismatch, got ${JSON.stringify(result)}`);
  return result.reasons;
}

function mutated(change: (d: Docs) => void): Docs {
  const d = base();
  change(d);
  return d;
}

describe('a consistent set matches', () => {
  it('the base set', () => {
    expect(matchDocuments(base())).toEqual({ status: 'matched' });
  });

  it.each<[string, (d: Docs) => void]>([
    [
      'amounts as exact decimals: "210" equals "210.00000", qty "2" equals "2.000"',
      (d) => {
        d.order.head.acturalPaid = '210';
        d.payment.amountPaid = '210.00000';
        d.list.head.freight = '10.00000';
        d.order.head.goodsValue = '200';
        d.list.items[0]!.qty = '2.000';
        d.order.items[1]!.price = '50';
        d.list.items[1]!.totalPrice = '100.00000';
      },
    ],
    [
      'the ID number check character x in lower case',
      (d) => {
        d.payment.payerIdNumber = '11010519491231002x';
        d.list.head.buyerIdNumber = '11010519491231002x';
      },
    ],
    [
      'surrounding spaces',
      (d) => {
        d.payment.payerName = ` ${BUYER.name} `;
        d.waybill.consigneeAddress = `${CONSIGNEE.address}  `;
        d.order.items[0]!.itemName = ' 保湿面霜 50ml';
      },
    ],
    [
      'gnum as text or number, items in any order',
      (d) => {
        d.order.items.reverse();
        d.order.items[0]!.gnum = '02';
        d.list.items[0]!.gnum = '1';
      },
    ],
    [
      'an order that names no payment: any payTransactionId and payCode of the payment',
      (d) => {
        d.order.head.payCode = null;
        d.order.head.payTransactionId = undefined;
        d.payment.payCode = '91110000MA00000099';
        d.payment.payTransactionId = 'OTHER';
      },
    ],
    [
      'the list item name is its itemName when given (its gname is the standard declaration name)',
      (d) => {
        d.list.items[0]!.gname = '面霜（规范申报名称）';
      },
    ],
    [
      'a gift: price and total 0',
      (d) => {
        d.list.items.push({ gnum: 3, gname: '赠品小样', qty: '1', price: '0', totalPrice: '0' });
        d.order.items.push({ gnum: 3, itemName: '赠品小样', qty: '1', price: '0.00', totalPrice: '0.00' });
      },
    ],
  ])('%s', (_name, change) => {
    expect(matchDocuments(mutated(change))).toEqual({ status: 'matched' });
  });
});

describe('waiting until the order, payment and waybill have arrived', () => {
  it.each<[string, Array<'order' | 'payment' | 'waybill'>]>([
    ['no order', ['order']],
    ['no payment', ['payment']],
    ['no waybill', ['waybill']],
    ['no order nor waybill', ['order', 'waybill']],
    ['nothing but the list', ['order', 'payment', 'waybill']],
  ])('%s', (_name, absent) => {
    const d = base();
    const input = {
      list: d.list,
      order: absent.includes('order') ? null : d.order,
      payment: absent.includes('payment') ? undefined : d.payment,
      waybill: absent.includes('waybill') ? null : d.waybill,
    };
    expect(matchDocuments(input)).toEqual({ status: 'waiting', missing: absent });
  });

  it('waiting comes before comparing: a mismatching order still waits for the payment', () => {
    const d = mutated((x) => {
      x.order.head.acturalPaid = '1';
    });
    expect(matchDocuments({ list: d.list, order: d.order, waybill: d.waybill })).toEqual({
      status: 'waiting',
      missing: ['payment'],
    });
  });
});

/** Each case: a change and exactly the reasons it yields. */
const CASES: Array<[string, (d: Docs) => void, Expected[]]> = [
  // Keys: order ↔ list.
  [
    'order ebpCode',
    (d) => {
      d.order.head.ebpCode = '91620100MA0000001X';
    },
    [{ rule: 'order-key', field: 'OrderHead.ebpCode' }],
  ],
  [
    'order ebcCode',
    (d) => {
      d.order.head.ebcCode = '91620100MA00000029';
    },
    [{ rule: 'order-key', field: 'OrderHead.ebcCode' }],
  ],
  [
    'order orderNo',
    (d) => {
      d.order.head.orderNo = 'ORD-X';
    },
    [{ rule: 'order-key', field: 'OrderHead.orderNo' }],
  ],
  [
    'list ebcCode',
    (d) => {
      d.list.head.ebcCode = '91620100MA00000029';
    },
    [{ rule: 'order-key', field: 'OrderHead.ebcCode' }],
  ],
  [
    'list orderNo: neither its order nor its waybill names it',
    (d) => {
      d.list.head.orderNo = 'ORD-X';
    },
    [
      { rule: 'order-key', field: 'OrderHead.orderNo' },
      { rule: 'waybill-key', field: 'LogisticsHead.orderNo' },
    ],
  ],
  [
    "an order that is not the list's is not compared further",
    (d) => {
      d.order.head.orderNo = 'ORD-X';
      d.order.head.acturalPaid = '1.00';
      d.order.head.buyerName = '赵六';
      d.order.items.pop();
    },
    [{ rule: 'order-key', field: 'OrderHead.orderNo' }],
  ],
  // Keys: waybill ↔ list.
  [
    'waybill logisticsCode',
    (d) => {
      d.waybill.logisticsCode = 'X';
    },
    [{ rule: 'waybill-key', field: 'LogisticsHead.logisticsCode' }],
  ],
  [
    'waybill logisticsNo',
    (d) => {
      d.waybill.logisticsNo = 'LP2';
    },
    [{ rule: 'waybill-key', field: 'LogisticsHead.logisticsNo' }],
  ],
  [
    'list logisticsNo',
    (d) => {
      d.list.head.logisticsNo = 'LP2';
    },
    [{ rule: 'waybill-key', field: 'LogisticsHead.logisticsNo' }],
  ],
  [
    'waybill orderNo',
    (d) => {
      d.waybill.orderNo = 'ORD-X';
    },
    [{ rule: 'waybill-key', field: 'LogisticsHead.orderNo' }],
  ],
  [
    "a waybill that is not the list's: its consignee is not compared",
    (d) => {
      d.waybill.logisticsNo = 'LP2';
      d.waybill.consignee = '赵六';
    },
    [{ rule: 'waybill-key', field: 'LogisticsHead.logisticsNo' }],
  ],
  // Keys: payment ↔ order.
  [
    'payment ebpCode',
    (d) => {
      d.payment.ebpCode = 'X';
    },
    [{ rule: 'payment-key', field: 'PaymentHead.ebpCode' }],
  ],
  [
    'payment orderNo',
    (d) => {
      d.payment.orderNo = 'ORD-X';
    },
    [{ rule: 'payment-key', field: 'PaymentHead.orderNo' }],
  ],
  [
    'payment payTransactionId, the order naming one',
    (d) => {
      d.payment.payTransactionId = 'PAY-0002';
    },
    [{ rule: 'payment-key', field: 'PaymentHead.payTransactionId' }],
  ],
  [
    'payment payCode, the order naming one',
    (d) => {
      d.payment.payCode = '91110000MA00000099';
    },
    [{ rule: 'payment-key', field: 'PaymentHead.payCode' }],
  ],
  [
    "a payment that is not the order's: its amount and payer are not compared",
    (d) => {
      d.payment.payTransactionId = 'PAY-0002';
      d.payment.amountPaid = '1.00';
      d.payment.payerName = '赵六';
    },
    [{ rule: 'payment-key', field: 'PaymentHead.payTransactionId' }],
  ],
  // Amount.
  [
    'amountPaid one fen more',
    (d) => {
      d.payment.amountPaid = '210.01';
    },
    [{ rule: 'amount-paid', field: 'PaymentHead.amountPaid' }],
  ],
  [
    'acturalPaid one fen less',
    (d) => {
      d.order.head.acturalPaid = '209.99';
    },
    [{ rule: 'amount-paid', field: 'PaymentHead.amountPaid' }],
  ],
  [
    'amountPaid not a number',
    (d) => {
      d.payment.amountPaid = '210,00';
    },
    [{ rule: 'amount-paid', field: 'PaymentHead.amountPaid' }],
  ],
  // Buyer = payer.
  [
    'payerName',
    (d) => {
      d.payment.payerName = '王小红';
    },
    [{ rule: 'buyer-payer', field: 'PaymentHead.payerName' }],
  ],
  [
    'payerIdType',
    (d) => {
      d.payment.payerIdType = '2';
    },
    [{ rule: 'buyer-payer', field: 'PaymentHead.payerIdType' }],
  ],
  [
    'payerIdNumber',
    (d) => {
      d.payment.payerIdNumber = '110105194912310038';
    },
    [{ rule: 'buyer-payer', field: 'PaymentHead.payerIdNumber' }],
  ],
  // List buyer = order buyer.
  [
    'list buyerName',
    (d) => {
      d.list.head.buyerName = '王小红';
    },
    [{ rule: 'list-buyer', field: 'InventoryHead.buyerName' }],
  ],
  [
    'list buyerIdType',
    (d) => {
      d.list.head.buyerIdType = '2';
    },
    [{ rule: 'list-buyer', field: 'InventoryHead.buyerIdType' }],
  ],
  [
    'list buyerIdNumber',
    (d) => {
      d.list.head.buyerIdNumber = '110105194912310038';
    },
    [{ rule: 'list-buyer', field: 'InventoryHead.buyerIdNumber' }],
  ],
  [
    'order buyerName: differs from the payer and the list buyer',
    (d) => {
      d.order.head.buyerName = '王小红';
    },
    [
      { rule: 'buyer-payer', field: 'PaymentHead.payerName' },
      { rule: 'list-buyer', field: 'InventoryHead.buyerName' },
    ],
  ],
  // Consignee.
  [
    'waybill consignee',
    (d) => {
      d.waybill.consignee = '李明';
    },
    [{ rule: 'consignee', field: 'LogisticsHead.consignee' }],
  ],
  [
    'order consigneeTelephone',
    (d) => {
      d.order.head.consigneeTelephone = '13800138001';
    },
    [{ rule: 'consignee', field: 'LogisticsHead.consigneeTelephone' }],
  ],
  [
    'waybill consigneeAddress',
    (d) => {
      d.waybill.consigneeAddress = '甘肃省兰州市城关区庆阳路 2 号';
    },
    [{ rule: 'consignee', field: 'LogisticsHead.consigneeAddress' }],
  ],
  // Items.
  [
    'list itemName',
    (d) => {
      d.list.items[0]!.itemName = '保湿面霜 100ml';
    },
    [{ rule: 'item', field: 'InventoryList.itemName', item: 1 }],
  ],
  [
    'list gname when the list gives no itemName',
    (d) => {
      d.list.items[1]!.gname = '婴儿奶粉 400g';
    },
    [{ rule: 'item', field: 'InventoryList.gname', item: 2 }],
  ],
  [
    'list qty',
    (d) => {
      d.list.items[1]!.qty = '3';
    },
    [{ rule: 'item', field: 'InventoryList.qty', item: 2 }],
  ],
  [
    'order price',
    (d) => {
      d.order.items[0]!.price = '49.99';
    },
    [{ rule: 'item', field: 'InventoryList.price', item: 1 }],
  ],
  [
    'order item totalPrice',
    (d) => {
      d.order.items[0]!.totalPrice = '99.99';
    },
    [{ rule: 'item', field: 'InventoryList.totalPrice', item: 1 }],
  ],
  [
    'list item totalPrice: differs from the order item and from goodsValue',
    (d) => {
      d.list.items[0]!.totalPrice = '100.01';
    },
    [
      { rule: 'item', field: 'InventoryList.totalPrice', item: 1 },
      { rule: 'goods-value', field: 'OrderHead.goodsValue' },
    ],
  ],
  [
    'a list item with no order item',
    (d) => {
      d.list.items[1]!.gnum = 3;
    },
    [
      { rule: 'items-one-to-one', field: 'InventoryList.gnum', item: 3 },
      { rule: 'items-one-to-one', field: 'OrderList.gnum', item: 2 },
    ],
  ],
  [
    'an order item missing from the list',
    (d) => {
      d.list.items.pop();
      d.list.head.freight = '10.00';
      d.order.head.goodsValue = '100.00';
    },
    [{ rule: 'items-one-to-one', field: 'OrderList.gnum', item: 2 }],
  ],
  [
    'a list gnum repeated (-621027)',
    (d) => {
      d.list.items.push({ ...d.list.items[1]!, totalPrice: '0', price: '0' });
    },
    [{ rule: 'items-one-to-one', field: 'InventoryList.gnum', item: 2, code: '-621027' }],
  ],
  [
    'an order gnum repeated',
    (d) => {
      d.order.items.push({ ...d.order.items[0]! });
    },
    [{ rule: 'items-one-to-one', field: 'OrderList.gnum', item: 1 }],
  ],
  // Freight and goods value.
  [
    'list freight',
    (d) => {
      d.list.head.freight = '12.00';
    },
    [{ rule: 'freight', field: 'InventoryHead.freight' }],
  ],
  [
    'order freight',
    (d) => {
      d.order.head.freight = '0';
    },
    [{ rule: 'freight', field: 'InventoryHead.freight' }],
  ],
  [
    'order goodsValue',
    (d) => {
      d.order.head.goodsValue = '200.01';
    },
    [{ rule: 'goods-value', field: 'OrderHead.goodsValue' }],
  ],
  [
    'everything at once: one reason per failed rule',
    (d) => {
      d.payment.amountPaid = '211';
      d.payment.payerIdType = '2';
      d.list.head.buyerName = '王';
      d.waybill.consigneeTelephone = '0931-8888888';
      d.list.items[1]!.price = '51';
      d.list.head.freight = '9';
      d.order.head.goodsValue = '1';
    },
    [
      { rule: 'amount-paid', field: 'PaymentHead.amountPaid' },
      { rule: 'buyer-payer', field: 'PaymentHead.payerIdType' },
      { rule: 'list-buyer', field: 'InventoryHead.buyerName' },
      { rule: 'consignee', field: 'LogisticsHead.consigneeTelephone' },
      { rule: 'item', field: 'InventoryList.price', item: 2 },
      { rule: 'freight', field: 'InventoryHead.freight' },
      { rule: 'goods-value', field: 'OrderHead.goodsValue' },
    ],
  ],
];

/** Personal data that must never appear in clear in a reason. */
const SECRETS = [BUYER.name, BUYER.idNumber, CONSIGNEE.phone, CONSIGNEE.address, '王小红', '110105194912310038'];

describe('each failed rule is one reason', () => {
  it.each(CASES)('%s', (_name, change, expected) => {
    const reasons = reasonsOf(matchDocuments(mutated(change)));
    expect(sorted(reasons.map(brief))).toEqual(sorted(expected));
    for (const r of reasons) {
      expect(r.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(r.message.en).toMatch(/^[\x20-\x7e\u4e00-\u9fff\uff08\uff09*…]+$/);
      for (const s of SECRETS) {
        expect(r.message.zh).not.toContain(s);
        expect(r.message.en).not.toContain(s);
      }
    }
  });
});

describe('messages name both values, personal data masked', () => {
  const one = (change: (d: Docs) => void, opts = {}) => reasonsOf(matchDocuments(mutated(change), opts))[0]!;

  it('amounts: both values, the difference', () => {
    const r = one((d) => {
      d.payment.amountPaid = '210.01';
    });
    expect(r.message.zh).toBe('支付单的支付金额[210.01]与订单的实际支付金额[210.00]不一致（相差 0.01）');
    expect(r.message.en).toBe(
      "The payment's amountPaid [210.01] differs from the order's acturalPaid [210.00] (difference 0.01)",
    );
  });

  it('codes and keys in clear', () => {
    const r = one((d) => {
      d.waybill.logisticsNo = 'LP2';
    });
    expect(r.message.zh).toBe('运单的物流运单编号[LP2]与清单的物流运单编号[LP00000000001]不一致');
    expect(r.message.en).toBe("The waybill's logisticsNo [LP2] differs from the list's logisticsNo [LP00000000001]");
  });

  it('names: first character and stars, noting when the masked forms look alike', () => {
    const r = one((d) => {
      d.payment.payerName = '张三';
    });
    expect(r.message.zh).toBe('支付单的支付人姓名[张*]与订单的订购人姓名[王**]不一致');
    const alike = one((d) => {
      d.payment.payerName = '王小红';
    });
    expect(alike.message.zh).toContain('脱敏后显示相同');
    expect(alike.message.en).toContain('masked forms look alike');
  });

  it('ID numbers masked by maskIdNumber', () => {
    const r = one((d) => {
      d.list.head.buyerIdNumber = '620102199001011234';
    });
    expect(r.message.zh).toContain(`[${maskIdNumber('620102199001011234')}]`);
    expect(r.message.zh).toContain(`[${maskIdNumber(BUYER.idNumber)}]`);
    expect(r.message.en).toContain('620102********1234');
  });

  it('telephone and address masked', () => {
    const tel = one((d) => {
      d.waybill.consigneeTelephone = '13900139000';
    });
    expect(tel.message.zh).toBe('运单的收货人电话[139****9000]与订单的收货人电话[138****8000]不一致');
    const addr = one((d) => {
      d.waybill.consigneeAddress = '北京市东城区某路 1 号';
    });
    expect(addr.message.en).toContain('[北京市东城区****]');
  });

  it('items: item number, field, both values', () => {
    const r = one((d) => {
      d.list.items[1]!.qty = '3';
    });
    expect(r.item).toBe(2);
    expect(r.message.zh).toBe('清单第2项商品的数量[3]与订单第2项商品的数量[2]不一致（相差 1）');
    expect(r.message.en).toBe('List item 2 qty [3] differs from order item 2 qty [2] (difference 1)');
  });

  it('goods value: the sum of the list items', () => {
    const r = one((d) => {
      d.order.head.goodsValue = '201';
    });
    expect(r.message.zh).toBe('订单的商品价格[201.00]与清单商品总价合计[200.00]不一致（相差 1.00）');
    expect(r.message.en).toBe(
      "The order's goodsValue [201.00] differs from the sum of the list items' totalPrice [200.00] (difference 1.00)",
    );
  });

  it('an empty value is named as such', () => {
    const r = one((d) => {
      d.waybill.consignee = '';
    });
    expect(r.message.zh).toContain('（空）');
    expect(r.message.en).toContain('(empty)');
  });

  it('an amount that is not a decimal', () => {
    const r = one((d) => {
      d.order.head.acturalPaid = '1e3';
    });
    expect(r.message.zh).toBe('订单的实际支付金额[1e3]不是有效的十进制数，无法比对');
    expect(r.message.en).toContain('is not a decimal number');
  });
});

describe('amount tolerance (config, default 0)', () => {
  const withPaid = (paid: string) =>
    mutated((d) => {
      d.payment.amountPaid = paid;
    });

  it('default 0: one fen is a mismatch', () => {
    expect(matchDocuments(withPaid('210.01')).status).toBe('mismatch');
  });

  it('within the tolerance (inclusive) matches; over it names the tolerance', () => {
    expect(matchDocuments(withPaid('210.05'), { amountTolerance: '0.05' })).toEqual({ status: 'matched' });
    expect(matchDocuments(withPaid('209.95'), { amountTolerance: Decimal.parse('0.05') })).toEqual({
      status: 'matched',
    });
    const r = reasonsOf(matchDocuments(withPaid('210.06'), { amountTolerance: '0.05' }))[0]!;
    expect(r.message.zh).toContain('超过允许误差 0.05');
    expect(r.message.en).toContain('over the tolerance 0.05');
  });

  it('applies to amounts, not to quantities', () => {
    const d = mutated((x) => {
      x.list.items[0]!.qty = '2.01';
      x.list.head.freight = '10.01';
    });
    expect(reasonsOf(matchDocuments(d, { amountTolerance: '0.05' })).map(brief)).toEqual([
      { rule: 'item', field: 'InventoryList.qty', item: 1 },
    ]);
  });

  it('a negative tolerance is a configuration error', () => {
    expect(() => matchDocuments(base(), { amountTolerance: '-0.01' })).toThrow(RangeError);
  });
});

// ------------------------------------------------------------------------------------------------------------------
// Property: any consistent generated set matches; perturbing one compared field yields exactly its reason(s).

const SURNAMES = [...'王李张刘陈杨赵黄周吴'];
const GIVEN = [...'伟芳娜敏静丽强磊军洋'];
const GOODS = [...'面霜奶粉精华液牙膏洗发水维生素鱼油'];

const amountArb = (maxCents: number) => fc.integer({ min: 0, max: maxCents }).map((c) => Decimal.of(BigInt(c), 2));
const codeArb = fc.stringMatching(/^[0-9A-Z]{18}$/);
const noArb = fc.stringMatching(/^[A-Za-z0-9-]{1,30}$/);
const nameArb = fc
  .tuple(fc.constantFrom(...SURNAMES), fc.array(fc.constantFrom(...GIVEN), { minLength: 1, maxLength: 3 }))
  .map(([s, g]) => s + g.join(''));
const idArb = fc.stringMatching(/^[1-9]\d{16}[\dX]$/);
const goodsNameArb = fc.array(fc.constantFrom(...GOODS), { minLength: 2, maxLength: 8 }).map((c) => c.join(''));

type ItemSpec = { name: string; listItemName: boolean; gname: string; qty: Decimal; price: Decimal };

const itemArb: fc.Arbitrary<ItemSpec> = fc.record({
  name: goodsNameArb,
  listItemName: fc.boolean(),
  gname: goodsNameArb,
  qty: fc
    .tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 2 }))
    .map(([u, s]) => Decimal.of(BigInt(u), s)),
  price: amountArb(500_000),
});

/** The same value written with 0 to 3 extra trailing zeros, so documents differ in form but not in value. */
function render(d: Decimal, extra: number): string {
  return d.toFixed(d.fractionDigits() + extra);
}

const docsArb: fc.Arbitrary<Docs> = fc
  .record({
    ebp: codeArb,
    ebc: codeArb,
    logistics: codeArb,
    pay: codeArb,
    orderNo: noArb,
    logisticsNo: noArb,
    payTx: noArb,
    orderNamesPayment: fc.boolean(),
    buyer: nameArb,
    idType: fc.constantFrom('1', '2'),
    id: idArb,
    lowerX: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    consignee: nameArb,
    phone: fc.stringMatching(/^1[3-9]\d{9}$/),
    address: fc.array(fc.constantFrom(...'甘肃省兰州市城关区庆阳路号楼单元'), { minLength: 8, maxLength: 30 }),
    items: fc.array(itemArb, { minLength: 1, maxLength: 5 }),
    freight: amountArb(20_000),
    paid: amountArb(600_000),
    pads: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 64, maxLength: 64 }),
    gnumForms: fc.array(fc.constantFrom('number', 'text', 'padded'), { minLength: 10, maxLength: 10 }),
    listOrder: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
    orderOrder: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
  })
  .map((g) => {
    let p = 0;
    const r = (d: Decimal) => render(d, g.pads[p++ % g.pads.length]!);
    const idIn = (i: number) => (g.lowerX[i] ? g.id.toLowerCase() : g.id);
    const gnumIn = (n: number, i: number): number | string => {
      const form = g.gnumForms[i % g.gnumForms.length];
      return form === 'number' ? n : form === 'text' ? String(n) : String(n).padStart(2, '0');
    };
    const totals = g.items.map((it) => it.price.mul(it.qty).round(2));
    const goodsValue = Decimal.sum(totals);
    const shuffle = <T>(xs: T[], keys: number[]) =>
      xs
        .map((x, i) => ({ x, k: keys[i] ?? 0 }))
        .sort((a, b) => a.k - b.k)
        .map((e) => e.x);
    const address = g.address.join('');
    const docs: Docs = {
      list: {
        head: {
          orderNo: g.orderNo,
          ebpCode: g.ebp,
          ebcCode: g.ebc,
          logisticsCode: g.logistics,
          logisticsNo: g.logisticsNo,
          buyerIdType: g.idType,
          buyerIdNumber: idIn(0),
          buyerName: g.buyer,
          freight: r(g.freight),
        },
        items: shuffle(
          g.items.map((it, i) => ({
            gnum: gnumIn(i + 1, i),
            ...(it.listItemName ? { itemName: it.name, gname: it.gname } : { gname: it.name }),
            qty: r(it.qty),
            price: r(it.price),
            totalPrice: r(totals[i]!),
          })),
          g.listOrder,
        ),
      },
      order: {
        head: {
          orderNo: g.orderNo,
          ebpCode: g.ebp,
          ebcCode: g.ebc,
          goodsValue: r(goodsValue),
          freight: r(g.freight),
          acturalPaid: r(g.paid),
          buyerName: g.buyer,
          buyerIdType: g.idType,
          buyerIdNumber: idIn(1),
          consignee: g.consignee,
          consigneeTelephone: g.phone,
          consigneeAddress: address,
          ...(g.orderNamesPayment ? { payCode: g.pay, payTransactionId: g.payTx } : {}),
        },
        items: shuffle(
          g.items.map((it, i) => ({
            gnum: gnumIn(i + 1, i + 5),
            itemName: it.name,
            qty: r(it.qty),
            price: r(it.price),
            totalPrice: r(totals[i]!),
          })),
          g.orderOrder,
        ),
      },
      payment: {
        payCode: g.pay,
        payTransactionId: g.payTx,
        ebpCode: g.ebp,
        orderNo: g.orderNo,
        amountPaid: r(g.paid),
        payerIdType: g.idType,
        payerIdNumber: idIn(2),
        payerName: g.buyer,
      },
      waybill: {
        logisticsCode: g.logistics,
        logisticsNo: g.logisticsNo,
        orderNo: g.orderNo,
        consignee: g.consignee,
        consigneeTelephone: g.phone,
        consigneeAddress: address,
      },
    };
    return docs;
  });

// Changes that always make a value different.
const otherText = (v: unknown) => `${String(v ?? '')}Z`;
const otherName = (v: string) => `${v}某`;
/** Another first digit (1–9 → 2–9, 1): the ID differs in more than the case of X. */
const otherId = (v: string) => `${(Number(v[0]) % 9) + 1}${v.slice(1)}`;
const otherType = (v: string) => (v === '1' ? '2' : '1');
const plusFen = (v: string) => Decimal.parse(v).add(Decimal.of(1n, 2)).toString();
const gnumNo = (g: number | string) => Number(String(g));

type Perturbation = {
  name: string;
  apply(d: Docs, k: number): void;
  expected(d: Docs, k: number): Expected[];
};

const head = (name: string, apply: (d: Docs) => void, ...expected: Expected[]): Perturbation => ({
  name,
  apply: (d) => apply(d),
  expected: () => expected,
});
const li = (d: Docs, k: number) => d.list.items[k % d.list.items.length]!;
const oi = (d: Docs, k: number) => d.order.items[k % d.order.items.length]!;
/** The list item with the same gnum as order item k. */
const listPartner = (d: Docs, k: number) => d.list.items.find((x) => gnumNo(x.gnum) === gnumNo(oi(d, k).gnum))!;
const nameField = (x: InventoryList) => (x.itemName ? 'InventoryList.itemName' : 'InventoryList.gname');

const PERTURBATIONS: Perturbation[] = [
  head(
    'order.ebpCode',
    (d) => {
      d.order.head.ebpCode = otherText(d.order.head.ebpCode);
    },
    {
      rule: 'order-key',
      field: 'OrderHead.ebpCode',
    },
  ),
  head(
    'order.ebcCode',
    (d) => {
      d.order.head.ebcCode = otherText(d.order.head.ebcCode);
    },
    {
      rule: 'order-key',
      field: 'OrderHead.ebcCode',
    },
  ),
  head(
    'order.orderNo',
    (d) => {
      d.order.head.orderNo = otherText(d.order.head.orderNo);
    },
    {
      rule: 'order-key',
      field: 'OrderHead.orderNo',
    },
  ),
  head(
    'list.ebpCode',
    (d) => {
      d.list.head.ebpCode = otherText(d.list.head.ebpCode);
    },
    {
      rule: 'order-key',
      field: 'OrderHead.ebpCode',
    },
  ),
  head(
    'list.ebcCode',
    (d) => {
      d.list.head.ebcCode = otherText(d.list.head.ebcCode);
    },
    {
      rule: 'order-key',
      field: 'OrderHead.ebcCode',
    },
  ),
  head(
    'list.orderNo',
    (d) => {
      d.list.head.orderNo = otherText(d.list.head.orderNo);
    },
    { rule: 'order-key', field: 'OrderHead.orderNo' },
    { rule: 'waybill-key', field: 'LogisticsHead.orderNo' },
  ),
  head(
    'waybill.logisticsCode',
    (d) => {
      d.waybill.logisticsCode = otherText(d.waybill.logisticsCode);
    },
    {
      rule: 'waybill-key',
      field: 'LogisticsHead.logisticsCode',
    },
  ),
  head(
    'list.logisticsCode',
    (d) => {
      d.list.head.logisticsCode = otherText(d.list.head.logisticsCode);
    },
    {
      rule: 'waybill-key',
      field: 'LogisticsHead.logisticsCode',
    },
  ),
  head(
    'waybill.logisticsNo',
    (d) => {
      d.waybill.logisticsNo = otherText(d.waybill.logisticsNo);
    },
    {
      rule: 'waybill-key',
      field: 'LogisticsHead.logisticsNo',
    },
  ),
  head(
    'list.logisticsNo',
    (d) => {
      d.list.head.logisticsNo = otherText(d.list.head.logisticsNo);
    },
    {
      rule: 'waybill-key',
      field: 'LogisticsHead.logisticsNo',
    },
  ),
  head(
    'waybill.orderNo',
    (d) => {
      d.waybill.orderNo = otherText(d.waybill.orderNo);
    },
    {
      rule: 'waybill-key',
      field: 'LogisticsHead.orderNo',
    },
  ),
  head(
    'payment.ebpCode',
    (d) => {
      d.payment.ebpCode = otherText(d.payment.ebpCode);
    },
    {
      rule: 'payment-key',
      field: 'PaymentHead.ebpCode',
    },
  ),
  head(
    'payment.orderNo',
    (d) => {
      d.payment.orderNo = otherText(d.payment.orderNo);
    },
    {
      rule: 'payment-key',
      field: 'PaymentHead.orderNo',
    },
  ),
  head(
    'order.payCode',
    (d) => {
      d.order.head.payCode = otherText(d.payment.payCode);
    },
    {
      rule: 'payment-key',
      field: 'PaymentHead.payCode',
    },
  ),
  head(
    'order.payTransactionId',
    (d) => {
      d.order.head.payTransactionId = otherText(d.payment.payTransactionId);
    },
    {
      rule: 'payment-key',
      field: 'PaymentHead.payTransactionId',
    },
  ),
  head(
    'payment.amountPaid',
    (d) => {
      d.payment.amountPaid = plusFen(d.payment.amountPaid);
    },
    {
      rule: 'amount-paid',
      field: 'PaymentHead.amountPaid',
    },
  ),
  head(
    'order.acturalPaid',
    (d) => {
      d.order.head.acturalPaid = plusFen(d.order.head.acturalPaid);
    },
    {
      rule: 'amount-paid',
      field: 'PaymentHead.amountPaid',
    },
  ),
  head(
    'payment.payerName',
    (d) => {
      d.payment.payerName = otherName(d.payment.payerName);
    },
    {
      rule: 'buyer-payer',
      field: 'PaymentHead.payerName',
    },
  ),
  head(
    'payment.payerIdType',
    (d) => {
      d.payment.payerIdType = otherType(d.payment.payerIdType);
    },
    {
      rule: 'buyer-payer',
      field: 'PaymentHead.payerIdType',
    },
  ),
  head(
    'payment.payerIdNumber',
    (d) => {
      d.payment.payerIdNumber = otherId(d.payment.payerIdNumber);
    },
    {
      rule: 'buyer-payer',
      field: 'PaymentHead.payerIdNumber',
    },
  ),
  head(
    'list.buyerName',
    (d) => {
      d.list.head.buyerName = otherName(d.list.head.buyerName);
    },
    {
      rule: 'list-buyer',
      field: 'InventoryHead.buyerName',
    },
  ),
  head(
    'list.buyerIdType',
    (d) => {
      d.list.head.buyerIdType = otherType(d.list.head.buyerIdType);
    },
    {
      rule: 'list-buyer',
      field: 'InventoryHead.buyerIdType',
    },
  ),
  head(
    'list.buyerIdNumber',
    (d) => {
      d.list.head.buyerIdNumber = otherId(d.list.head.buyerIdNumber);
    },
    {
      rule: 'list-buyer',
      field: 'InventoryHead.buyerIdNumber',
    },
  ),
  head(
    'order.buyerName',
    (d) => {
      d.order.head.buyerName = otherName(d.order.head.buyerName);
    },
    { rule: 'buyer-payer', field: 'PaymentHead.payerName' },
    { rule: 'list-buyer', field: 'InventoryHead.buyerName' },
  ),
  head(
    'order.buyerIdType',
    (d) => {
      d.order.head.buyerIdType = otherType(d.order.head.buyerIdType);
    },
    { rule: 'buyer-payer', field: 'PaymentHead.payerIdType' },
    { rule: 'list-buyer', field: 'InventoryHead.buyerIdType' },
  ),
  head(
    'order.buyerIdNumber',
    (d) => {
      d.order.head.buyerIdNumber = otherId(d.order.head.buyerIdNumber);
    },
    { rule: 'buyer-payer', field: 'PaymentHead.payerIdNumber' },
    { rule: 'list-buyer', field: 'InventoryHead.buyerIdNumber' },
  ),
  head(
    'waybill.consignee',
    (d) => {
      d.waybill.consignee = otherName(d.waybill.consignee);
    },
    {
      rule: 'consignee',
      field: 'LogisticsHead.consignee',
    },
  ),
  head(
    'order.consignee',
    (d) => {
      d.order.head.consignee = otherName(d.order.head.consignee);
    },
    {
      rule: 'consignee',
      field: 'LogisticsHead.consignee',
    },
  ),
  head(
    'waybill.consigneeTelephone',
    (d) => {
      d.waybill.consigneeTelephone = otherText(d.waybill.consigneeTelephone);
    },
    { rule: 'consignee', field: 'LogisticsHead.consigneeTelephone' },
  ),
  head(
    'order.consigneeTelephone',
    (d) => {
      d.order.head.consigneeTelephone = otherText(d.order.head.consigneeTelephone);
    },
    { rule: 'consignee', field: 'LogisticsHead.consigneeTelephone' },
  ),
  head(
    'waybill.consigneeAddress',
    (d) => {
      d.waybill.consigneeAddress = otherName(d.waybill.consigneeAddress);
    },
    {
      rule: 'consignee',
      field: 'LogisticsHead.consigneeAddress',
    },
  ),
  head(
    'order.consigneeAddress',
    (d) => {
      d.order.head.consigneeAddress = otherName(d.order.head.consigneeAddress);
    },
    { rule: 'consignee', field: 'LogisticsHead.consigneeAddress' },
  ),
  head(
    'list.freight',
    (d) => {
      d.list.head.freight = plusFen(d.list.head.freight);
    },
    {
      rule: 'freight',
      field: 'InventoryHead.freight',
    },
  ),
  head(
    'order.freight',
    (d) => {
      d.order.head.freight = plusFen(d.order.head.freight);
    },
    {
      rule: 'freight',
      field: 'InventoryHead.freight',
    },
  ),
  head(
    'order.goodsValue',
    (d) => {
      d.order.head.goodsValue = plusFen(d.order.head.goodsValue);
    },
    {
      rule: 'goods-value',
      field: 'OrderHead.goodsValue',
    },
  ),
  {
    name: 'list item name',
    apply: (d, k) => {
      const x = li(d, k);
      if (x.itemName) x.itemName = otherName(x.itemName);
      else x.gname = otherName(x.gname);
    },
    expected: (d, k) => [{ rule: 'item', field: nameField(li(d, k)), item: gnumNo(li(d, k).gnum) }],
  },
  {
    name: 'order item itemName',
    apply: (d, k) => {
      oi(d, k).itemName = otherName(oi(d, k).itemName);
    },
    expected: (d, k) => [{ rule: 'item', field: nameField(listPartner(d, k)), item: gnumNo(oi(d, k).gnum) }],
  },
  ...(['qty', 'price', 'totalPrice'] as const).map(
    (f): Perturbation => ({
      name: `order item ${f}`,
      apply: (d, k) => {
        oi(d, k)[f] = plusFen(oi(d, k)[f]);
      },
      expected: (d, k) => [{ rule: 'item', field: `InventoryList.${f}`, item: gnumNo(oi(d, k).gnum) }],
    }),
  ),
  ...(['qty', 'price'] as const).map(
    (f): Perturbation => ({
      name: `list item ${f}`,
      apply: (d, k) => {
        li(d, k)[f] = plusFen(li(d, k)[f]);
      },
      expected: (d, k) => [{ rule: 'item', field: `InventoryList.${f}`, item: gnumNo(li(d, k).gnum) }],
    }),
  ),
  {
    name: 'list item totalPrice (also the sum against goodsValue)',
    apply: (d, k) => {
      li(d, k).totalPrice = plusFen(li(d, k).totalPrice);
    },
    expected: (d, k) => [
      { rule: 'item', field: 'InventoryList.totalPrice', item: gnumNo(li(d, k).gnum) },
      { rule: 'goods-value', field: 'OrderHead.goodsValue' },
    ],
  },
  {
    name: 'list item gnum',
    apply: (d, k) => {
      li(d, k).gnum = 90 + (k % d.list.items.length);
    },
    expected: (d, k) => [
      { rule: 'items-one-to-one', field: 'InventoryList.gnum', item: 90 + (k % d.list.items.length) },
      // The order item left without a list item: the one whose gnum is missing from the list now.
      ...d.order.items
        .filter((o) => !d.list.items.some((l) => gnumNo(l.gnum) === gnumNo(o.gnum)))
        .map((o): Expected => ({ rule: 'items-one-to-one', field: 'OrderList.gnum', item: gnumNo(o.gnum) })),
    ],
  },
];

describe('property', () => {
  it('a consistent generated set always matches', () => {
    fc.assert(
      fc.property(docsArb, (docs) => {
        expect(matchDocuments(docs)).toEqual({ status: 'matched' });
      }),
      { numRuns: 300 },
    );
  });

  it('perturbing any one compared field yields exactly its reason(s)', () => {
    fc.assert(
      fc.property(docsArb, fc.constantFrom(...PERTURBATIONS), fc.nat(), (docs, perturbation, k) => {
        perturbation.apply(docs, k);
        const result = matchDocuments(docs);
        expect(result.status, perturbation.name).toBe('mismatch');
        const reasons = reasonsOf(result);
        expect(sorted(reasons.map(brief)), perturbation.name).toEqual(sorted(perturbation.expected(docs, k)));
        for (const r of reasons) {
          expect(r.message.zh.length).toBeGreaterThan(0);
          expect(r.message.en.length).toBeGreaterThan(0);
          for (const secret of [docs.order.head.buyerIdNumber, docs.order.head.consigneeTelephone]) {
            expect(r.message.zh).not.toContain(secret);
            expect(r.message.en).not.toContain(secret);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('every perturbation is exercised (the table covers every rule)', () => {
    const rules = new Set(
      PERTURBATIONS.flatMap((p) => {
        const d = base();
        p.apply(d, 0);
        return reasonsOf(matchDocuments(d)).map((r) => r.rule);
      }),
    );
    expect([...rules].sort()).toEqual(
      [
        'amount-paid',
        'buyer-payer',
        'consignee',
        'freight',
        'goods-value',
        'item',
        'items-one-to-one',
        'list-buyer',
        'order-key',
        'payment-key',
        'waybill-key',
      ].sort(),
    );
  });

  it('an amount difference within the tolerance matches, over it does not', () => {
    fc.assert(
      fc.property(docsArb, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 200 }), (docs, tol, delta) => {
        docs.payment.amountPaid = Decimal.parse(docs.payment.amountPaid)
          .add(Decimal.of(BigInt(delta), 2))
          .toString();
        const result = matchDocuments(docs, { amountTolerance: Decimal.of(BigInt(tol), 2) });
        expect(result.status).toBe(delta <= tol ? 'matched' : 'mismatch');
      }),
    );
  });
});
