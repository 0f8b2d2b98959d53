/**
 * The words of the declaration hub (三单申报一口接入) for people: message type names, the meanings of the codes (kept
 * in the locales' `codes`, with the clearance engine's), receipt return statuses, and error paths
 * (CEB311Message/Order[2]/OrderHead/ebcCode) made readable. Bilingual tables: they are data, looked up by code.
 */
import { isZh } from './api';
import enLocale from './locales/en';
import zhLocale from './locales/zh';

type Words = { zh: string; en: string };
const w = (zh: string, en: string): Words => ({ zh, en });
const pick = (x: Words, lang: string) => (isZh(lang) ? x.zh : x.en);

// ---- message types ----------------------------------------------------------------------------------------------

/** The data messages enterprises declare, by number (CEB311Message → '311'), import first then export. */
export const MESSAGE_TYPES: { code: string; trade: 'import' | 'export'; name: Words }[] = [
  { code: '311', trade: 'import', name: w('电子订单', 'Order') },
  { code: '411', trade: 'import', name: w('支付凭证', 'Payment voucher') },
  { code: '511', trade: 'import', name: w('物流运单', 'Waybill') },
  { code: '513', trade: 'import', name: w('运单状态', 'Waybill status') },
  { code: '621', trade: 'import', name: w('进口清单', 'Import list') },
  { code: '623', trade: 'import', name: w('撤销申请单', 'Cancellation request') },
  { code: '625', trade: 'import', name: w('退货申请单', 'Return request') },
  { code: '711', trade: 'import', name: w('入库明细单', 'Warehouse entry list') },
  { code: '303', trade: 'export', name: w('出口订单', 'Export order') },
  { code: '403', trade: 'export', name: w('收款单', 'Payment receipt') },
  { code: '505', trade: 'export', name: w('出口运单', 'Export waybill') },
  { code: '507', trade: 'export', name: w('运抵单', 'Arrival note') },
  { code: '509', trade: 'export', name: w('离境单', 'Departure note') },
  { code: '603', trade: 'export', name: w('出口清单', 'Export list') },
  { code: '605', trade: 'export', name: w('出口撤销单', 'Export cancellation') },
  { code: '607', trade: 'export', name: w('清单总分单', 'List consolidation') },
  { code: '701', trade: 'export', name: w('汇总申请单', 'Summary application') },
  { code: '213', trade: 'export', name: w('出口退货申请单', 'Export return request') },
  { code: '215', trade: 'export', name: w('理货明细单', 'Tally list') },
];
const TYPE_NAMES = new Map(MESSAGE_TYPES.map((t) => [t.code, t.name]));
const OTHER_TYPES: Record<string, Words> = {
  '792': w('汇总结果单', 'Summary result'),
  '816': w('电子税单', 'E-tax bill'),
  '818': w('电子税单状态', 'E-tax bill status'),
  '900': w('报文格式校验回执', 'Format check receipt'),
};

/** 'CEB311Message' → '311' (or null for anything else, such as 'Unknown'). */
export function typeNumber(type: string | null | undefined): string | null {
  const m = /^CEB(\d{3})Message$/.exec(type ?? '');
  return m?.[1] ?? null;
}

/** The name of a message type: 电子订单 for CEB311Message, 电子订单回执 for CEB312Message; '' when unknown. */
export function typeName(type: string | null | undefined, lang: string): string {
  const n = typeNumber(type);
  if (!n) return type === 'Unknown' ? (isZh(lang) ? '无法识别' : 'Not recognised') : '';
  const own = TYPE_NAMES.get(n) ?? OTHER_TYPES[n];
  if (own) return pick(own, lang);
  const data = TYPE_NAMES.get(String(Number(n) - 1));
  if (data) return isZh(lang) ? `${data.zh}回执` : `${data.en} receipt`;
  return '';
}

/** 'CEB311Message' → 'CEB311 电子订单'. */
export function typeLabel(type: string | null | undefined, lang: string): string {
  const n = typeNumber(type);
  const name = typeName(type, lang);
  if (!n) return name || type || '—';
  return name ? `CEB${n} ${name}` : `CEB${n}`;
}

// ---- error codes --------------------------------------------------------------------------------------------------

/**
 * The meaning of a code the hub or the clearance engine emits (the data exchange's 0001…1004, customs' -xxxxxx, the
 * platform's MATCH_AMOUNT_PAID …) in the language, from the locales' `codes`; '' when the code has no name.
 */
export function codeMeaning(code: string, lang: string): string {
  const names: Record<string, string> = isZh(lang) ? zhLocale.codes : enLocale.codes;
  return Object.hasOwn(names, code) ? (names[code] ?? '') : '';
}

// ---- receipt return statuses ---------------------------------------------------------------------------------------

const RETURN_STATUSES: Record<string, Words> = {
  '1': w('暂存', 'stored (draft)'),
  '2': w('申报中', 'being declared'),
  '3': w('发送海关成功', 'sent to customs'),
  '4': w('发送海关失败', 'sending to customs failed'),
  '100': w('海关退单', 'rejected by customs'),
  '120': w('海关入库', 'accepted by customs'),
  '300': w('人工审核', 'manual review'),
  '399': w('海关审结', 'concluded'),
  '500': w('查验', 'inspection'),
  '800': w('放行', 'released'),
  '899': w('结关', 'closed'),
};

export type Tone = 'success' | 'processing' | 'warning' | 'error' | 'default';

/** A receipt's returnStatus in words and a colour: 2 申报中, 800 放行, a negative number 处理异常. */
export function returnStatusText(status: string, lang: string): { text: string; tone: Tone } {
  const known = RETURN_STATUSES[status];
  const n = Number(status);
  if (known) {
    const tone: Tone =
      status === '4' || status === '100'
        ? 'error'
        : status === '300' || status === '500'
          ? 'warning'
          : n >= 120
            ? 'success'
            : 'processing';
    return { text: pick(known, lang), tone };
  }
  if (Number.isFinite(n) && n < 0) {
    const meaning = codeMeaning(status, lang) || codeMeaning(status.replace(/^-/, ''), lang);
    const base = isZh(lang) ? '处理异常' : 'processing error';
    return { text: meaning ? `${base}${isZh(lang) ? '：' : ': '}${meaning}` : base, tone: 'error' };
  }
  return { text: status, tone: 'default' };
}

/** CEB time (yyyyMMddHHmmss[SSS], Beijing time) → '2026-11-28 09:58:08'. */
export function formatCebTime(t: string | null | undefined): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$/.exec(t ?? '');
  if (!m) return t || '—';
  return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`;
}

// ---- paths ---------------------------------------------------------------------------------------------------------

/** The document a record group holds (Order → 订单), also the stem of its Head and List groups. */
const NOUNS: Record<string, Words> = {
  Order: w('订单', 'order'),
  Payment: w('支付凭证', 'payment'),
  Logistics: w('运单', 'waybill'),
  LogisticsStatus: w('运单状态', 'waybill status'),
  Inventory: w('清单', 'list'),
  InvtCancel: w('撤销申请单', 'cancellation'),
  InvtRefund: w('退货申请单', 'return request'),
  InvtRefundDetail: w('理货明细单', 'tally list'),
  Delivery: w('入库明细单', 'entry list'),
  Receipts: w('收款单', 'payment receipt'),
  Arrival: w('运抵单', 'arrival note'),
  Departure: w('离境单', 'departure note'),
  WayBill: w('总分单', 'consolidation'),
  SummaryApply: w('汇总申请单', 'summary application'),
};

const SPECIAL_SEGMENTS: Record<string, Words> = {
  BaseTransfer: w('传输企业信息', 'transfer header'),
  BaseSubscribe: w('回执订阅信息', 'subscription'),
  ExtendMessage: w('扩展信息', 'extension'),
  Signature: w('数字签名', 'signature'),
  DxpMsg: w('DXP 报文封装', 'DXP envelope'),
  TransInfo: w('传输信息', 'transfer info'),
  MsgType: w('报文类型', 'message type'),
};

/** Names of the record fields people meet most in errors (the XSD's own names stay shown next to them). */
const FIELDS: Record<string, Words> = {
  guid: w('系统唯一序号', 'unique id'),
  appType: w('报送类型', 'declaration type'),
  appTime: w('报送时间', 'declaration time'),
  appStatus: w('报送状态', 'declaration status'),
  orderType: w('订单类型', 'order type'),
  orderNo: w('订单编号', 'order number'),
  ebpCode: w('电商平台代码', 'platform code'),
  ebpName: w('电商平台名称', 'platform name'),
  ebcCode: w('电商企业代码', 'e-commerce enterprise code'),
  ebcName: w('电商企业名称', 'e-commerce enterprise name'),
  payCode: w('支付企业代码', 'payment enterprise code'),
  payName: w('支付企业名称', 'payment enterprise name'),
  payTransactionId: w('支付交易编号', 'payment transaction id'),
  payNo: w('支付交易编号', 'payment number'),
  logisticsCode: w('物流企业代码', 'logistics enterprise code'),
  logisticsName: w('物流企业名称', 'logistics enterprise name'),
  logisticsNo: w('物流运单编号', 'waybill number'),
  logisticsStatus: w('物流签收状态', 'logistics status'),
  logisticsTime: w('物流状态时间', 'logistics status time'),
  agentCode: w('申报企业代码', 'declaring agent code'),
  agentName: w('申报企业名称', 'declaring agent name'),
  assureCode: w('担保企业代码', 'guarantor code'),
  operatorCode: w('监管场所经营人代码', 'site operator code'),
  operatorName: w('监管场所经营人名称', 'site operator name'),
  areaCode: w('区内企业代码', 'bonded-area enterprise code'),
  areaName: w('区内企业名称', 'bonded-area enterprise name'),
  ownerCode: w('生产销售单位代码', 'owner code'),
  ownerName: w('生产销售单位名称', 'owner name'),
  copCode: w('传输企业代码', 'transmitting enterprise code'),
  copName: w('传输企业名称', 'transmitting enterprise name'),
  copNo: w('企业内部编号', 'internal number'),
  preNo: w('预录入编号', 'pre-entry number'),
  invtNo: w('清单编号', 'list number'),
  billNo: w('提运单号', 'bill of lading number'),
  trafNo: w('运输工具编号', 'means of transport number'),
  voyageNo: w('航班航次号', 'voyage number'),
  customsCode: w('申报地海关代码', 'customs office code'),
  portCode: w('口岸海关代码', 'port customs code'),
  loctNo: w('监管场所代码', 'supervision site code'),
  emsNo: w('账册编号', 'bonded ledger number'),
  tradeMode: w('贸易方式', 'trade mode'),
  trafMode: w('运输方式', 'transport mode'),
  country: w('国家（地区）', 'country'),
  currency: w('币制', 'currency'),
  goodsValue: w('商品金额', 'goods value'),
  freight: w('运杂费', 'freight'),
  discount: w('非现金抵扣金额', 'discount'),
  taxTotal: w('代扣税款', 'tax withheld'),
  acturalPaid: w('实际支付金额', 'amount actually paid'),
  amountPaid: w('支付金额', 'amount paid'),
  insuredFee: w('保价费', 'insurance fee'),
  grossWeight: w('毛重', 'gross weight'),
  netWeight: w('净重', 'net weight'),
  packNo: w('件数', 'packages'),
  buyerRegNo: w('订购人注册号', 'buyer account'),
  buyerName: w('订购人姓名', 'buyer name'),
  buyerTelephone: w('订购人电话', 'buyer phone'),
  buyerIdType: w('订购人证件类型', 'buyer id type'),
  buyerIdNumber: w('订购人证件号码', 'buyer id number'),
  payerIdType: w('支付人证件类型', 'payer id type'),
  payerIdNumber: w('支付人证件号码', 'payer id number'),
  payerName: w('支付人姓名', 'payer name'),
  telephone: w('电话', 'phone'),
  payTime: w('支付时间', 'payment time'),
  consignee: w('收货人姓名', 'consignee'),
  consigneeTelephone: w('收货人电话', 'consignee phone'),
  consigneeAddress: w('收货地址', 'consignee address'),
  gnum: w('商品序号', 'item number'),
  itemNo: w('企业商品货号', 'SKU'),
  itemName: w('企业商品名称', 'item name'),
  itemRecordNo: w('账册备案料号', 'ledger item number'),
  gcode: w('商品编码', 'HS code'),
  gname: w('商品名称', 'goods name'),
  gmodel: w('规格型号', 'specification'),
  barCode: w('条形码', 'bar code'),
  unit: w('计量单位', 'unit'),
  unit1: w('法定计量单位', 'legal unit'),
  unit2: w('第二计量单位', 'second unit'),
  qty: w('数量', 'quantity'),
  qty1: w('法定数量', 'legal quantity'),
  qty2: w('第二数量', 'second quantity'),
  price: w('单价', 'unit price'),
  totalPrice: w('总价', 'total price'),
  note: w('备注', 'note'),
  reason: w('原因', 'reason'),
  dxpMode: w('传输方式', 'transfer mode'),
  dxpId: w('DXP 编号', 'DXP id'),
  msgSeqNo: w('报文序号', 'message sequence number'),
  msgCount: w('报文总数', 'message count'),
  sumNo: w('汇总申请编号', 'summary number'),
  type: w('报文类型', 'message type'),
};

function segmentText(seg: string, lang: string): string {
  const zh = isZh(lang);
  if (seg.startsWith('@')) {
    const attr = seg.slice(1);
    const f = FIELDS[attr];
    return zh ? `${f ? `${f.zh} ` : ''}${attr}（属性）` : `${f ? `${f.en} ` : ''}${attr} (attribute)`;
  }
  const m = /^([A-Za-z][A-Za-z0-9]*?)(?:\[(\d+)\])?$/.exec(seg);
  if (!m) return seg;
  const name = m[1] ?? seg;
  const index = m[2];
  const special = SPECIAL_SEGMENTS[name];
  if (special) return pick(special, lang);
  const noun = NOUNS[name];
  if (noun) return index ? (zh ? `第 ${index} 条${noun.zh}` : `${noun.en} ${index}`) : pick(noun, lang);
  const group = /^(.+?)(Head|List|Return)$/.exec(name);
  const stem = group?.[1] ? NOUNS[group[1]] : undefined;
  if (group && stem) {
    if (group[2] === 'Head') return zh ? `${stem.zh}表头` : `${stem.en} head`;
    if (group[2] === 'Return') return zh ? `${stem.zh}回执` : `${stem.en} receipt`;
    return index
      ? zh
        ? `${stem.zh}表体第 ${index} 项`
        : `${stem.en} item ${index}`
      : zh
        ? `${stem.zh}表体`
        : `${stem.en} items`;
  }
  const field = FIELDS[name];
  const label = field ? `${pick(field, lang)} ${name}` : name;
  return index ? `${label} [${index}]` : label;
}

/**
 * An error path in words: `CEB311Message/Order[2]/OrderHead/ebcCode` → 第 2 条订单 / 订单表头 / 电商企业代码 ebcCode
 * (order 2 / order head / e-commerce enterprise code ebcCode). The message root is left out unless it is all there is.
 */
export function readablePath(path: string | null | undefined, lang: string): string {
  if (!path) return isZh(lang) ? '整个报文' : 'the whole message';
  const segs = path.split('/').filter(Boolean);
  const rest = typeNumber(segs[0]) && segs.length > 1 ? segs.slice(1) : segs;
  return rest
    .map((s) => {
      const n = typeNumber(s);
      return n ? `${isZh(lang) ? '报文' : 'message'} ${typeLabel(s, lang)}` : segmentText(s, lang);
    })
    .join(' / ');
}
