import { randomUUID } from 'node:crypto';
import type { CebMessage, CebRecord } from '../modules/declaration/port.js';
/**
 * Example messages for the demo enterprises: valid CEB311/411/511/621 with made-up business data, used by the
 * tests, the benchmark, and `cbec-zone ceb example` to show integrators a message the platform accepts. They are
 * examples, not official samples (those are in vendor/ceb/samples-202205).
 */
import { demoUscc } from './demo.js';

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

// --- `cbec-zone ceb example TYPE`: every data message of both flows, for one order number ---

/** The demo enterprises' names as the examples write them (the filings carry them with 【演示】). */
const NAMES = {
  ebp: '兰州丝路跨境电商平台有限公司',
  ebc: '甘肃陇货出海电子商务有限公司',
  pay: '西部跨境支付服务有限公司',
  logistics: '兰州国际陆港物流有限公司',
  warehouse: '兰州新区综保区仓储有限公司',
} as const;
export type DemoParty = keyof typeof NAMES;

/** The numbers one order number gives every example of its set, so that the messages agree with each other. */
export function exampleNumbers(orderNo: string) {
  const tail = orderNo.slice(-18);
  return {
    orderNo,
    /** the waybill's (运单编号): CEB511/505, the lists, arrivals, departures and manifests */
    logisticsNo: `LN-${orderNo}`,
    payTransactionId: `PAY-${orderNo}`,
    /** the list's copNo (企业内部编号, at most 20 characters for CEB621) */
    copNo: `C-${tail}`,
    /** the export list's copNo */
    exportCopNo: `E-${tail}`,
    /** the bill of lading (提运单号) of the export shipment: the train's */
    billNo: `CR-${tail}`,
    /** the return parcel's waybill (退货运单号 coElNo) */
    returnLogisticsNo: `RN-${tail}`,
  };
}

/**
 * The list number (清单编号) the examples of cancellations, returns and summaries refer to when none is given: the
 * shape customs gives (customs code, year, I or E, nine digits). The real one is in the list's receipt (CEB622 or
 * CEB604 invtNo): give it with --invt-no.
 */
export const PLACEHOLDER_INVT_NO = { import: '73012026I999999999', export: '73012026E999999999' } as const;

const TIME = { order: '20261128093000', pay: '20261128093100', ship: '20261128093200', list: '20261128093300' };
const CUSTOMS = '7301';

function message(type: CebMessage['type'], records: CebRecord[], by: DemoParty): CebMessage {
  return { type, guid: guid(), version: '1.0', records, baseTransfer: base(PARTIES[by], NAMES[by]) };
}

function head(appTime: string): CebRecord {
  return { guid: guid(), appType: '1', appTime, appStatus: '2' };
}

/** The exporter's goods (a drill and a kettle made in China), in US dollars: 70.00, freight 8.00. */
const EXPORT_ITEMS = [
  {
    itemNo: 'SKU-E1',
    name: '手持式电钻',
    gcode: '8467210000',
    gmodel: '12V/锂电',
    barCode: '6901234567892',
    qty: '1',
    price: '40.00',
    total: '40.00',
  },
  {
    itemNo: 'SKU-E2',
    name: '电热水壶',
    gcode: '8516710000',
    gmodel: '1.7L/1800W',
    barCode: '6901234567885',
    qty: '2',
    price: '15.00',
    total: '30.00',
  },
];
const USD = '502';
const EXPORT = { goods: '70.00', freight: '8.00', paid: '78.00', country: '344', trafMode: '3', trafName: '中欧班列' };

function exportOrder(orderNo: string): CebMessage {
  return message(
    'CEB303Message',
    [
      {
        OrderHead: {
          ...head(TIME.order),
          orderType: 'E',
          orderNo,
          ebpCode: PARTIES.ebp,
          ebpName: NAMES.ebp,
          ebcCode: PARTIES.ebc,
          ebcName: NAMES.ebc,
          goodsValue: EXPORT.goods,
          freight: EXPORT.freight,
          currency: USD,
        },
        OrderList: EXPORT_ITEMS.map((it, i) => ({
          gnum: String(i + 1),
          itemNo: it.itemNo,
          itemName: it.name,
          barCode: it.barCode,
          unit: '001',
          currency: USD,
          qty: it.qty,
          price: it.price,
          totalPrice: it.total,
        })),
      },
    ],
    'ebc',
  );
}

function exportCollection(orderNo: string): CebMessage {
  return message(
    'CEB403Message',
    [
      {
        ...head(TIME.pay),
        ebpCode: PARTIES.ebp,
        ebpName: NAMES.ebp,
        ebcCode: PARTIES.ebc,
        ebcName: NAMES.ebc,
        orderNo,
        payCode: PARTIES.pay,
        payName: NAMES.pay,
        payNo: exampleNumbers(orderNo).payTransactionId,
        charge: EXPORT.paid,
        currency: USD,
        accountingDate: TIME.pay,
      },
    ],
    'pay',
  );
}

function exportWaybill(orderNo: string): CebMessage {
  return message(
    'CEB505Message',
    [
      {
        ...head(TIME.ship),
        logisticsCode: PARTIES.logistics,
        logisticsName: NAMES.logistics,
        logisticsNo: exampleNumbers(orderNo).logisticsNo,
        freight: EXPORT.freight,
        insuredFee: '0',
        currency: USD,
        grossWeight: '3.2',
        packNo: '1',
        goodsInfo: '手持式电钻、电热水壶',
        ebcCode: PARTIES.ebc,
        ebcName: NAMES.ebc,
        ebcTelephone: '13809311001',
      },
    ],
    'logistics',
  );
}

function exportList(orderNo: string): CebMessage {
  const n = exampleNumbers(orderNo);
  return message(
    'CEB603Message',
    [
      {
        InventoryHead: {
          ...head(TIME.list),
          customsCode: CUSTOMS,
          ebpCode: PARTIES.ebp,
          ebpName: NAMES.ebp,
          orderNo,
          logisticsCode: PARTIES.logistics,
          logisticsName: NAMES.logistics,
          logisticsNo: n.logisticsNo,
          copNo: n.exportCopNo,
          ieFlag: 'E',
          portCode: CUSTOMS,
          ieDate: TIME.list.slice(0, 8),
          statisticsFlag: 'B',
          agentCode: PARTIES.logistics,
          agentName: NAMES.logistics,
          ebcCode: PARTIES.ebc,
          ebcName: NAMES.ebc,
          ownerCode: PARTIES.ebc,
          ownerName: NAMES.ebc,
          tradeMode: '9610',
          trafMode: EXPORT.trafMode,
          trafName: EXPORT.trafName,
          billNo: n.billNo,
          country: EXPORT.country,
          POD: EXPORT.country,
          freight: EXPORT.freight,
          fCurrency: USD,
          fFlag: '3',
          insuredFee: '0',
          iCurrency: USD,
          iFlag: '3',
          wrapType: '2',
          packNo: '1',
          grossWeight: '3.2',
          netWeight: '2.8',
        },
        InventoryList: EXPORT_ITEMS.map((it, i) => ({
          gnum: String(i + 1),
          itemNo: it.itemNo,
          itemName: it.name,
          gcode: it.gcode,
          gname: it.name,
          gmodel: it.gmodel,
          barCode: it.barCode,
          country: '142',
          currency: USD,
          qty: it.qty,
          qty1: it.qty,
          unit: '001',
          unit1: '001',
          price: it.price,
          totalPrice: it.total,
        })),
      },
    ],
    'logistics',
  );
}

function exportCancel(orderNo: string, invtNo: string): CebMessage {
  return message(
    'CEB605Message',
    [
      {
        ...head(TIME.list),
        customsCode: CUSTOMS,
        copNo: exampleNumbers(orderNo).exportCopNo,
        invtNo,
        reason: '买家取消订单 / the buyer cancelled the order',
        agentCode: PARTIES.logistics,
        agentName: NAMES.logistics,
        ebcCode: PARTIES.ebc,
        ebcName: NAMES.ebc,
      },
    ],
    'logistics',
  );
}

function arrival(orderNo: string): CebMessage {
  const n = exampleNumbers(orderNo);
  return message(
    'CEB507Message',
    [
      {
        ArrivalHead: {
          ...head(TIME.list),
          customsCode: CUSTOMS,
          copNo: `A-${orderNo.slice(-18)}`,
          operatorCode: PARTIES.warehouse,
          operatorName: NAMES.warehouse,
          ieFlag: 'E',
          trafMode: EXPORT.trafMode,
          billNo: n.billNo,
          domesticTrafNo: '甘A12345',
          logisticsCode: PARTIES.logistics,
          logisticsName: NAMES.logistics,
          msgCount: '1',
          msgSeqNo: '1',
        },
        ArrivalList: [{ gnum: '1', logisticsNo: n.logisticsNo }],
      },
    ],
    'warehouse',
  );
}

function departure(orderNo: string): CebMessage {
  const n = exampleNumbers(orderNo);
  return message(
    'CEB509Message',
    [
      {
        DepartureHead: {
          ...head(TIME.list),
          customsCode: CUSTOMS,
          copNo: `D-${orderNo.slice(-18)}`,
          logisticsCode: PARTIES.logistics,
          logisticsName: NAMES.logistics,
          trafMode: EXPORT.trafMode,
          trafName: EXPORT.trafName,
          voyageNo: 'X8001',
          billNo: n.billNo,
          leaveTime: '20261129080000',
          msgCount: '1',
          msgSeqNo: '1',
        },
        DepartureList: [{ gnum: '1', logisticsNo: n.logisticsNo }],
      },
    ],
    'logistics',
  );
}

function manifest(orderNo: string): CebMessage {
  const n = exampleNumbers(orderNo);
  return message(
    'CEB607Message',
    [
      {
        WayBillHead: {
          ...head(TIME.list),
          customsCode: CUSTOMS,
          copNo: `W-${orderNo.slice(-18)}`,
          agentCode: PARTIES.logistics,
          agentName: NAMES.logistics,
          trafMode: EXPORT.trafMode,
          trafName: EXPORT.trafName,
          voyageNo: 'X8001',
          billNo: n.billNo,
          grossWeight: '3.2',
          logisticsCode: PARTIES.logistics,
          logisticsName: NAMES.logistics,
          msgCount: '1',
          msgSeqNo: '1',
        },
        WayBillList: [{ gnum: '1', logisticsNo: n.logisticsNo }],
      },
    ],
    'logistics',
  );
}

function summary(orderNo: string, invtNo: string): CebMessage {
  return message(
    'CEB701Message',
    [
      {
        SummaryApplyHead: {
          ...head(TIME.list),
          customsCode: CUSTOMS,
          copNo: `S-${orderNo.slice(-18)}`,
          agentCode: PARTIES.logistics,
          agentName: NAMES.logistics,
          ebcCode: PARTIES.ebc,
          ebcName: NAMES.ebc,
          declAgentCode: PARTIES.logistics,
          declAgentName: NAMES.logistics,
          startTime: '20261101000000',
          endTime: '20261130235959',
          summaryFlag: '1',
          itemNameFlag: '1',
          msgCount: '1',
          msgSeqNo: '1',
        },
        SummaryApplyList: [{ invtNo }],
      },
    ],
    'logistics',
  );
}

function exportReturn(orderNo: string, invtNo: string): CebMessage {
  const n = exampleNumbers(orderNo);
  const it = EXPORT_ITEMS[0] as (typeof EXPORT_ITEMS)[number];
  return message(
    'CEB213Message',
    [
      {
        InvtRefundHead: {
          ...head(TIME.list),
          customsCode: CUSTOMS,
          ebpCode: PARTIES.ebp,
          ebpName: NAMES.ebp,
          ebcCode: PARTIES.ebc,
          ebcName: NAMES.ebc,
          logisticsNo: n.logisticsNo,
          logisticsCode: PARTIES.logistics,
          logisticsName: NAMES.logistics,
          coElNo: n.returnLogisticsNo,
          invtNo,
          tradeMode: '9610',
          agentCode: PARTIES.ebc,
          agentName: NAMES.ebc,
          billNo: n.billNo,
          ieFlag: 'I',
          trafMode: EXPORT.trafMode,
          trafName: EXPORT.trafName,
          portCode: CUSTOMS,
          reason: '买家退货：商品与描述不符 / returned by the buyer',
          country: EXPORT.country,
          voyageNo: 'X8002',
        },
        InvtRefundList: [
          {
            gnum: '1',
            gcode: it.gcode,
            gname: it.name,
            gmodel: it.gmodel,
            qty: it.qty,
            qty1: it.qty,
            unit: '001',
            unit1: '001',
          },
        ],
      },
    ],
    'ebc',
  );
}

function returnTally(orderNo: string, invtNo: string): CebMessage {
  const n = exampleNumbers(orderNo);
  return message(
    'CEB215Message',
    [
      {
        ...head(TIME.list),
        customsCode: CUSTOMS,
        operatorCode: PARTIES.warehouse,
        operatorName: NAMES.warehouse,
        logisticsCode: PARTIES.logistics,
        logisticsName: NAMES.logistics,
        logisticsNo: n.logisticsNo,
        invtNo,
        coElNo: n.returnLogisticsNo,
        billNo: n.billNo,
        ieFlag: 'I',
        trafMode: EXPORT.trafMode,
        trafName: EXPORT.trafName,
        voyageNo: 'X8002',
        location: '兰州新区综保区退货理货区 A-01',
      },
    ],
    'warehouse',
  );
}

/** The import list's head fields a cancellation and a return repeat (the order, parties and buyer). */
function importListParties(orderNo: string, invtNo: string): CebRecord {
  const n = exampleNumbers(orderNo);
  return {
    customsCode: CUSTOMS,
    orderNo,
    ebpCode: PARTIES.ebp,
    ebpName: NAMES.ebp,
    ebcCode: PARTIES.ebp,
    ebcName: NAMES.ebp,
    logisticsNo: n.logisticsNo,
    logisticsCode: PARTIES.logistics,
    logisticsName: NAMES.logistics,
    copNo: n.copNo,
    invtNo,
    buyerIdType: BUYER.idType,
    buyerIdNumber: BUYER.idNumber,
    buyerName: BUYER.name,
    buyerTelephone: BUYER.phone,
    agentCode: PARTIES.logistics,
    agentName: NAMES.logistics,
  };
}

function importCancel(orderNo: string, invtNo: string): CebMessage {
  return message(
    'CEB623Message',
    [
      {
        ...head(TIME.list),
        ...importListParties(orderNo, invtNo),
        reason: '买家取消订单 / the buyer cancelled the order',
      },
    ],
    'logistics',
  );
}

function importReturn(orderNo: string, invtNo: string): CebMessage {
  return message(
    'CEB625Message',
    [
      {
        InvtRefundHead: {
          ...head(TIME.list),
          ...importListParties(orderNo, invtNo),
          reason: '买家退货：七天无理由 / returned by the buyer within seven days',
        },
        InvtRefundList: [{ gnum: '1', gcode: '3304990029', gname: '测试商品 1', qty: '2', unit: '007' }],
      },
    ],
    'logistics',
  );
}

function delivery(orderNo: string): CebMessage {
  return message(
    'CEB711Message',
    [
      {
        DeliveryHead: {
          ...head(TIME.list),
          customsCode: CUSTOMS,
          copNo: `R-${orderNo.slice(-18)}`,
          operatorCode: PARTIES.warehouse,
          operatorName: NAMES.warehouse,
          ieFlag: 'I',
          trafMode: '5',
          trafNo: 'CZ6901',
          voyageNo: 'CZ6901',
          billNo: `784-${orderNo.slice(-18)}`,
          logisticsCode: PARTIES.logistics,
          logisticsName: NAMES.logistics,
        },
        DeliveryList: [{ gnum: '1', logisticsNo: exampleNumbers(orderNo).logisticsNo }],
      },
    ],
    'warehouse',
  );
}

type ExampleSpec = {
  /** the short name (an alias of the type's name) */
  alias: string;
  flow: 'import' | 'export';
  /** what it is, in the standard's words and in English */
  what: string;
  /** the demo party that declares it (BaseTransfer copCode, and the party fields the hub binds to the sender) */
  by: DemoParty;
  build: (orderNo: string, invtNo: string) => CebMessage;
};

/**
 * Every data message enterprises send, by type: the ones of one order number agree with each other (order number,
 * waybill LN-<orderNo>, payment PAY-<orderNo>, list copNo C-<orderNo> or E-<orderNo>, amounts and items), so that the
 * import set CEB311 + CEB411 + CEB511 + CEB621 clears, and the export set CEB303 + CEB403 + CEB505 + CEB603 matches
 * likewise (USD, orderType E). Each is declared by the demo enterprise the standard names (declarants.ts): the
 * platform its orders, the payment firm payments and collections, the logistics firm waybills, departures and
 * manifests and, as the declaring agent under the demo delegations, the lists, cancellations, returns and summaries;
 * the warehouse (site operator) arrivals, deliveries and return tallies; the exporter its orders and returns.
 */
export const EXAMPLES = {
  CEB311: {
    alias: 'order',
    flow: 'import',
    what: '电子订单 order',
    by: 'ebp',
    build: (o) => exampleImport('order', o),
  },
  CEB411: {
    alias: 'payment',
    flow: 'import',
    what: '支付单 payment',
    by: 'pay',
    build: (o) => exampleImport('payment', o),
  },
  CEB511: {
    alias: 'waybill',
    flow: 'import',
    what: '物流运单 waybill',
    by: 'logistics',
    build: (o) => exampleImport('waybill', o),
  },
  CEB621: {
    alias: 'list',
    flow: 'import',
    what: '进口清单 list (signed)',
    by: 'logistics',
    build: (o) => exampleImport('list', o),
  },
  CEB623: {
    alias: 'cancel',
    flow: 'import',
    what: '撤销申请单 cancellation (signed)',
    by: 'logistics',
    build: importCancel,
  },
  CEB625: { alias: 'return', flow: 'import', what: '退货申请单 return (signed)', by: 'logistics', build: importReturn },
  CEB711: {
    alias: 'delivery',
    flow: 'import',
    what: '入库明细单 delivery into the site (signed)',
    by: 'warehouse',
    build: delivery,
  },
  CEB303: { alias: 'export-order', flow: 'export', what: '出口电子订单 order', by: 'ebc', build: exportOrder },
  CEB403: {
    alias: 'collection',
    flow: 'export',
    what: '收款单 collection record',
    by: 'pay',
    build: exportCollection,
  },
  CEB505: {
    alias: 'export-waybill',
    flow: 'export',
    what: '出口运单 waybill',
    by: 'logistics',
    build: exportWaybill,
  },
  CEB507: { alias: 'arrival', flow: 'export', what: '运抵单 arrival at the site', by: 'warehouse', build: arrival },
  CEB509: { alias: 'departure', flow: 'export', what: '离境单 departure', by: 'logistics', build: departure },
  CEB603: { alias: 'export-list', flow: 'export', what: '出口清单 list', by: 'logistics', build: exportList },
  CEB605: {
    alias: 'export-cancel',
    flow: 'export',
    what: '撤销申请单 cancellation',
    by: 'logistics',
    build: exportCancel,
  },
  CEB607: { alias: 'manifest', flow: 'export', what: '总分单 manifest', by: 'logistics', build: manifest },
  CEB701: { alias: 'summary', flow: 'export', what: '汇总申请单 summary', by: 'logistics', build: summary },
  CEB213: {
    alias: 'export-return',
    flow: 'export',
    what: '退货申请单 return',
    by: 'ebc',
    build: exportReturn,
  },
  CEB215: {
    alias: 'return-tally',
    flow: 'export',
    what: '退货理货 tally of returned parcels',
    by: 'warehouse',
    build: returnTally,
  },
} as const satisfies Record<string, ExampleSpec>;
export type ExampleType = keyof typeof EXAMPLES;
export const EXAMPLE_TYPES = Object.keys(EXAMPLES) as ExampleType[];

/**
 * The type a name on the command line means: CEB311, CEB311Message (either case) or the short name (order, payment,
 * waybill, list …); null when it names none.
 */
export function exampleType(name: string): ExampleType | null {
  const m = /^(ceb\d{3})(message)?$/i.exec(name);
  if (m) {
    const t = (m[1] as string).toUpperCase();
    return Object.hasOwn(EXAMPLES, t) ? (t as ExampleType) : null;
  }
  return EXAMPLE_TYPES.find((t) => EXAMPLES[t].alias === name) ?? null;
}

/** "import: CEB311 (order) … / export: CEB303 (export-order) …", for help and errors. */
export const EXAMPLE_TYPES_TEXT = (['import', 'export'] as const)
  .map(
    (flow) =>
      `${flow}: ${EXAMPLE_TYPES.filter((t) => EXAMPLES[t].flow === flow)
        .map((t) => `${t} (${EXAMPLES[t].alias})`)
        .join(' ')}`,
  )
  .join(' / ');

/** The demo enterprise that declares a type's example (its copCode), and its name. */
export function exampleDeclarer(type: ExampleType): { uscc: string; name: string } {
  const by = EXAMPLES[type].by;
  return { uscc: PARTIES[by], name: NAMES[by] };
}

/**
 * The example of a type for one order number. Cancellations, returns and summaries refer to the list by its number
 * (清单编号, in the list's receipt): invtNo, else a placeholder of the right shape.
 */
export function exampleMessage(type: ExampleType, orderNo: string, invtNo?: string): CebMessage {
  const spec: ExampleSpec = EXAMPLES[type];
  return spec.build(orderNo, invtNo ?? PLACEHOLDER_INVT_NO[spec.flow]);
}

/** The import set's four documents (the messages the README tour sends first). */
function exampleImport(kind: 'order' | 'payment' | 'waybill' | 'list', orderNo: string): CebMessage {
  const n = exampleNumbers(orderNo);
  switch (kind) {
    case 'order':
      return orderMessage([orderRecord({ orderNo })]);
    case 'payment':
      return paymentMessage(orderNo, n.payTransactionId);
    case 'waybill':
      return waybillMessage(orderNo, n.logisticsNo);
    case 'list':
      return inventoryMessage(orderNo, n.logisticsNo, n.copNo, '2');
  }
}
