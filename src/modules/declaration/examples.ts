import { randomUUID } from 'node:crypto';
/**
 * Example messages for the demo enterprises: valid CEB311/411/511/621 with made-up business data, used by the
 * tests, the benchmark, and `cbec-zone ceb example` to show integrators a message the platform accepts. They are
 * examples, not official samples (those are in vendor/ceb/samples-202205).
 */
import { demoUscc } from '../../app/demo.js';
import type { CebMessage, CebRecord } from './ceb/codec.js';

/** The demo enterprises' codes (see src/app/demo.ts): who plays which role in test messages. */
export const PARTIES = {
  ebp: demoUscc(1), // ebp + ebc
  ebc: demoUscc(2),
  pay: demoUscc(3),
  logistics: demoUscc(4), // logistics + agent + assure (the guarantor of the demo lists' tax)
  warehouse: demoUscc(5), // warehouse + site operator + assure
};

export const guid = () => randomUUID().toUpperCase();

export const BUYER = { name: '王小明', idType: '1', idNumber: '11010519491231002X', phone: '13800138000' };
export const CONSIGNEE = { name: '王小明', phone: '13800138000', address: '甘肃省兰州市城关区庆阳路 1 号' };

function base(copCode: string, copName: string): CebRecord {
  return { copCode, copName, dxpMode: 'DXP', dxpId: 'DXPENT9000000000' };
}

export type OrderOpts = {
  orderNo: string;
  appType?: string;
  appTime?: string;
  ebp?: string;
  ebc?: string;
  items?: number;
};

export function orderRecord(o: OrderOpts): CebRecord {
  const items = Array.from({ length: o.items ?? 2 }, (_, i) => ({
    gnum: String(i + 1),
    itemNo: `SKU-${i + 1}`,
    itemName: `测试商品 ${i + 1}`,
    gmodel: '100ml/瓶',
    unit: '007',
    qty: '2',
    price: '50.00',
    totalPrice: '100.00',
    currency: '142',
    country: '116',
  }));
  const goods = (100 * items.length).toFixed(2);
  return {
    OrderHead: {
      guid: guid(),
      appType: o.appType ?? '1',
      appTime: o.appTime ?? '20261128093000',
      appStatus: '2',
      orderType: 'I',
      orderNo: o.orderNo,
      ebpCode: o.ebp ?? PARTIES.ebp,
      ebpName: '兰州丝路跨境电商平台有限公司',
      ebcCode: o.ebc ?? PARTIES.ebp,
      ebcName: '兰州丝路跨境电商平台有限公司',
      goodsValue: goods,
      freight: '10.00',
      discount: '0',
      taxTotal: '0',
      acturalPaid: (Number(goods) + 10).toFixed(2),
      currency: '142',
      buyerRegNo: 'buyer-001',
      buyerName: BUYER.name,
      buyerTelephone: BUYER.phone,
      buyerIdType: BUYER.idType,
      buyerIdNumber: BUYER.idNumber,
      consignee: CONSIGNEE.name,
      consigneeTelephone: CONSIGNEE.phone,
      consigneeAddress: CONSIGNEE.address,
    },
    OrderList: items,
  };
}

export function orderMessage(records: CebRecord[], copCode = PARTIES.ebp, g = guid()): CebMessage {
  return { type: 'CEB311Message', guid: g, version: '1.0', records, baseTransfer: base(copCode, '测试传输企业') };
}

export function paymentMessage(orderNo: string, payTransactionId: string, copCode = PARTIES.pay): CebMessage {
  return {
    type: 'CEB411Message',
    guid: guid(),
    version: '1.0',
    records: [
      {
        PaymentHead: {
          guid: guid(),
          appType: '1',
          appTime: '20261128093100',
          appStatus: '2',
          payCode: PARTIES.pay,
          payName: '西部跨境支付服务有限公司',
          payTransactionId,
          orderNo,
          ebpCode: PARTIES.ebp,
          ebpName: '兰州丝路跨境电商平台有限公司',
          payerIdType: BUYER.idType,
          payerIdNumber: BUYER.idNumber,
          payerName: BUYER.name,
          amountPaid: '210.00',
          currency: '142',
          payTime: '20261128093000',
        },
      },
    ],
    baseTransfer: base(copCode, '西部跨境支付服务有限公司'),
  };
}

export function waybillMessage(orderNo: string, logisticsNo: string, copCode = PARTIES.logistics): CebMessage {
  return {
    type: 'CEB511Message',
    guid: guid(),
    version: '1.0',
    records: [
      {
        LogisticsHead: {
          guid: guid(),
          appType: '1',
          appTime: '20261128093200',
          appStatus: '2',
          logisticsCode: PARTIES.logistics,
          logisticsName: '兰州国际陆港物流有限公司',
          logisticsNo,
          orderNo,
          freight: '10.00',
          insuredFee: '0',
          currency: '142',
          weight: '1.5',
          packNo: '1',
          consignee: CONSIGNEE.name,
          consigneeAddress: CONSIGNEE.address,
          consigneeTelephone: CONSIGNEE.phone,
        },
      },
    ],
    baseTransfer: base(copCode, '兰州国际陆港物流有限公司'),
  };
}

export function inventoryMessage(
  orderNo: string,
  logisticsNo: string,
  copNo: string,
  appStatus = '1',
  copCode = PARTIES.logistics,
): CebMessage {
  return {
    type: 'CEB621Message',
    guid: guid(),
    version: '1.0',
    records: [
      {
        InventoryHead: {
          guid: guid(),
          appType: '1',
          appTime: '20261128093300',
          appStatus,
          orderNo,
          ebpCode: PARTIES.ebp,
          ebpName: '兰州丝路跨境电商平台有限公司',
          ebcCode: PARTIES.ebp,
          ebcName: '兰州丝路跨境电商平台有限公司',
          logisticsNo,
          logisticsCode: PARTIES.logistics,
          logisticsName: '兰州国际陆港物流有限公司',
          copNo,
          assureCode: PARTIES.logistics,
          ieFlag: 'I',
          declTime: '20261128',
          customsCode: '7301',
          portCode: '7301',
          buyerIdType: BUYER.idType,
          buyerIdNumber: BUYER.idNumber,
          buyerName: BUYER.name,
          buyerTelephone: BUYER.phone,
          consigneeAddress: CONSIGNEE.address,
          agentCode: PARTIES.logistics,
          agentName: '兰州国际陆港物流有限公司',
          tradeMode: '9610',
          trafMode: '5',
          country: '116',
          freight: '10.00',
          insuredFee: '0',
          currency: '142',
          packNo: '1',
          grossWeight: '1.5',
          netWeight: '1.2',
        },
        InventoryList: [1, 2].map((n) => ({
          gnum: String(n),
          itemNo: `SKU-${n}`,
          itemName: `测试商品 ${n}`,
          gcode: '3304990029',
          gname: `测试商品 ${n}`,
          gmodel: '100ml/瓶',
          country: '116',
          currency: '142',
          qty: '2',
          unit: '007',
          qty1: '0.2',
          unit1: '035',
          price: '50.00',
          totalPrice: '100.00',
        })),
      },
    ],
    baseTransfer: base(copCode, '兰州国际陆港物流有限公司'),
  };
}

/**
 * The kinds `cbec-zone ceb example` prints (the README tour's messages), by their names in this code base's English:
 * 清单 is "list". Each is declared by its party: the order by the platform, the payment by the payment firm, the
 * waybill by the logistics firm, the list by the logistics firm as the declaring agent (agentCode).
 */
export const EXAMPLE_KINDS = {
  order: 'CEB311Message',
  payment: 'CEB411Message',
  waybill: 'CEB511Message',
  list: 'CEB621Message',
} as const;
export type ExampleKind = keyof typeof EXAMPLE_KINDS;

export function isExampleKind(kind: string): kind is ExampleKind {
  return Object.hasOwn(EXAMPLE_KINDS, kind);
}

/** "order (CEB311) | payment (CEB411) | waybill (CEB511) | list (CEB621)", for help and errors. */
export const EXAMPLE_KINDS_TEXT = Object.entries(EXAMPLE_KINDS)
  .map(([k, t]) => `${k} (${t.slice(0, 6)})`)
  .join(' | ');

/**
 * The example of a kind for one order number: the four agree with each other (the waybill and the list carry
 * logistics number LN-<orderNo>, the payment PAY-<orderNo>, the list copNo C-<orderNo>; amounts match), so that together they clear. The list
 * is declared (appStatus 2).
 */
export function exampleMessage(kind: ExampleKind, orderNo: string): CebMessage {
  switch (kind) {
    case 'order':
      return orderMessage([orderRecord({ orderNo })]);
    case 'payment':
      return paymentMessage(orderNo, `PAY-${orderNo}`);
    case 'waybill':
      return waybillMessage(orderNo, `LN-${orderNo}`);
    case 'list':
      // copNo (the declarant's own number, at most 20 characters): C- and the order number's last 18
      return inventoryMessage(orderNo, `LN-${orderNo}`, `C-${orderNo.slice(-18)}`, '2');
  }
}
