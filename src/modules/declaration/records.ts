/**
 * Normalised rows from CEB records (pure: the cipher is passed in). Personal fields go into one encrypted blob per
 * record; the fields that matching compares are kept as keyed hashes.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { PersonalInfoCipher } from '../../platform/crypto/personal-info.js';
import type { CebRecord } from './ceb/codec.js';
import { headOf, itemsOf, type MessageSpec, text } from './model.js';

export type Pii = { encrypt(plain: string): string; hash(plain: string): string };

const ORDER_PII = [
  'buyerName',
  'buyerTelephone',
  'buyerIdType',
  'buyerIdNumber',
  'consignee',
  'consigneeTelephone',
  'consigneeAddress',
];
const PAYMENT_PII = ['payerIdType', 'payerIdNumber', 'payerName', 'telephone'];
const WAYBILL_PII = ['consignee', 'consigneeAddress', 'consigneeTelephone'];
const INVENTORY_PII = ['buyerIdType', 'buyerIdNumber', 'buyerName', 'buyerTelephone', 'consigneeAddress'];

/** Fields kept in columns (not repeated in `extra`). */
const ORDER_COLUMNS = [
  'guid',
  'appType',
  'appTime',
  'appStatus',
  'orderNo',
  'ebpCode',
  'ebcCode',
  'goodsValue',
  'freight',
  'discount',
  'taxTotal',
  'acturalPaid',
  'currency',
  'buyerRegNo',
  'payCode',
  'payTransactionId',
];
const PAYMENT_COLUMNS = [
  'guid',
  'appType',
  'appTime',
  'appStatus',
  'payCode',
  'payTransactionId',
  'orderNo',
  'ebpCode',
  'amountPaid',
  'currency',
  'payTime',
];
const WAYBILL_COLUMNS = [
  'guid',
  'appType',
  'appTime',
  'appStatus',
  'logisticsCode',
  'logisticsNo',
  'billNo',
  'orderNo',
  'freight',
  'insuredFee',
  'currency',
  'weight',
  'packNo',
];
const INVENTORY_COLUMNS = [
  'guid',
  'appType',
  'appTime',
  'appStatus',
  'orderNo',
  'ebpCode',
  'ebcCode',
  'logisticsNo',
  'logisticsCode',
  'copNo',
  'preNo',
  'assureCode',
  'invtNo',
  'customsCode',
  'portCode',
  'ieDate',
  'agentCode',
  'areaCode',
  'tradeMode',
  'freight',
  'insuredFee',
  'currency',
  'grossWeight',
  'netWeight',
];
const ORDER_ITEM_COLUMNS = [
  'gnum',
  'itemNo',
  'itemName',
  'gmodel',
  'barCode',
  'unit',
  'qty',
  'price',
  'totalPrice',
  'currency',
  'country',
];
const INVENTORY_ITEM_COLUMNS = [
  'gnum',
  'itemRecordNo',
  'itemNo',
  'itemName',
  'gcode',
  'gname',
  'gmodel',
  'country',
  'currency',
  'qty',
  'unit',
  'qty1',
  'unit1',
  'qty2',
  'unit2',
  'price',
  'totalPrice',
];

function pick(head: CebRecord, fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) if (typeof head[f] === 'string') out[f] = head[f] as string;
  return out;
}

function rest(head: CebRecord, ...exclude: string[][]): Record<string, unknown> {
  const skip = new Set(exclude.flat());
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(head)) if (!skip.has(k) && typeof v === 'string') out[k] = v;
  return out;
}

const opt = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
/** Decimal columns take the declared string as is (exact); an absent optional amount is 0. */
const dec = (v: unknown): string => (typeof v === 'string' && v !== '' ? v : '0');

/** Keyed hash of a person: name, ID type and ID number (the number upper-cased, as GB 11643 writes X). */
export function personHash(pii: Pii, name: unknown, idType: unknown, idNumber: unknown): string {
  return pii.hash(`${text(name).trim()}|${text(idType)}|${text(idNumber).trim().toUpperCase()}`);
}
export function consigneeHash(pii: Pii, head: CebRecord): string {
  return pii.hash(
    `${text(head.consignee).trim()}|${text(head.consigneeTelephone).trim()}|${text(head.consigneeAddress).trim()}`,
  );
}

export type Row = Record<string, unknown>;

export function orderRow(pii: Pii, head: CebRecord): Row {
  return {
    guid: text(head.guid),
    ebpCode: text(head.ebpCode),
    ebcCode: text(head.ebcCode),
    orderNo: text(head.orderNo),
    appType: text(head.appType),
    appTime: text(head.appTime),
    appStatus: text(head.appStatus),
    goodsValue: dec(head.goodsValue),
    freight: dec(head.freight),
    discount: dec(head.discount),
    taxTotal: dec(head.taxTotal),
    acturalPaid: dec(head.acturalPaid),
    currency: text(head.currency),
    buyerRegNo: opt(head.buyerRegNo),
    buyerHash: personHash(pii, head.buyerName, head.buyerIdType, head.buyerIdNumber),
    consigneeHash: consigneeHash(pii, head),
    payCode: opt(head.payCode),
    payTransactionId: opt(head.payTransactionId),
    extra: rest(head, ORDER_COLUMNS, ORDER_PII),
    piiEnc: pii.encrypt(JSON.stringify(pick(head, ORDER_PII))),
  };
}

export function orderItemRows(spec: MessageSpec, record: CebRecord): Row[] {
  return itemsOf(spec, record).map((i) => ({
    gnum: Number(text(i.gnum)),
    itemNo: opt(i.itemNo),
    itemName: text(i.itemName),
    gmodel: opt(i.gmodel),
    barCode: opt(i.barCode),
    unit: text(i.unit),
    qty: dec(i.qty),
    price: dec(i.price),
    totalPrice: dec(i.totalPrice),
    currency: text(i.currency),
    country: text(i.country),
    extra: rest(i, ORDER_ITEM_COLUMNS),
  }));
}

export function paymentRow(pii: Pii, head: CebRecord): Row {
  return {
    guid: text(head.guid),
    payCode: text(head.payCode),
    payTransactionId: text(head.payTransactionId),
    ebpCode: text(head.ebpCode),
    orderNo: text(head.orderNo),
    appType: text(head.appType),
    appTime: text(head.appTime),
    appStatus: text(head.appStatus),
    amountPaid: dec(head.amountPaid),
    currency: text(head.currency),
    payTime: text(head.payTime),
    payerHash: personHash(pii, head.payerName, head.payerIdType, head.payerIdNumber),
    extra: rest(head, PAYMENT_COLUMNS, PAYMENT_PII),
    piiEnc: pii.encrypt(JSON.stringify(pick(head, PAYMENT_PII))),
  };
}

export function waybillRow(pii: Pii, head: CebRecord): Row {
  return {
    guid: text(head.guid),
    logisticsCode: text(head.logisticsCode),
    logisticsNo: text(head.logisticsNo),
    orderNo: text(head.orderNo),
    appType: text(head.appType),
    appTime: text(head.appTime),
    appStatus: text(head.appStatus),
    billNo: opt(head.billNo),
    freight: dec(head.freight),
    insuredFee: dec(head.insuredFee),
    currency: text(head.currency),
    weight: dec(head.weight),
    packNo: Number(text(head.packNo) || '0'),
    consigneeHash: consigneeHash(pii, head),
    extra: rest(head, WAYBILL_COLUMNS, WAYBILL_PII),
    piiEnc: pii.encrypt(JSON.stringify(pick(head, WAYBILL_PII))),
  };
}

export function inventoryRow(pii: Pii, head: CebRecord, signed: boolean): Row {
  return {
    guid: text(head.guid),
    ebpCode: text(head.ebpCode),
    ebcCode: text(head.ebcCode),
    orderNo: text(head.orderNo),
    copNo: text(head.copNo),
    agentCode: text(head.agentCode),
    logisticsCode: text(head.logisticsCode),
    logisticsNo: text(head.logisticsNo),
    assureCode: text(head.assureCode),
    areaCode: opt(head.areaCode),
    preNo: opt(head.preNo),
    invtNo: opt(head.invtNo),
    appType: text(head.appType),
    appTime: text(head.appTime),
    appStatus: text(head.appStatus),
    tradeMode: text(head.tradeMode),
    customsCode: text(head.customsCode),
    portCode: text(head.portCode),
    ieDate: text(head.ieDate) || text(head.declTime),
    freight: dec(head.freight),
    insuredFee: dec(head.insuredFee),
    currency: text(head.currency),
    grossWeight: dec(head.grossWeight),
    netWeight: dec(head.netWeight),
    buyerHash: personHash(pii, head.buyerName, head.buyerIdType, head.buyerIdNumber),
    extra: rest(head, INVENTORY_COLUMNS, INVENTORY_PII),
    piiEnc: pii.encrypt(JSON.stringify(pick(head, INVENTORY_PII))),
    signed: signed ? 1 : 0,
  };
}

export function inventoryItemRows(spec: MessageSpec, record: CebRecord): Row[] {
  return itemsOf(spec, record).map((i) => ({
    gnum: Number(text(i.gnum)),
    itemRecordNo: opt(i.itemRecordNo),
    itemNo: opt(i.itemNo),
    itemName: opt(i.itemName),
    gcode: text(i.gcode),
    gname: text(i.gname),
    gmodel: text(i.gmodel),
    country: text(i.country),
    currency: text(i.currency),
    qty: dec(i.qty),
    unit: text(i.unit),
    qty1: dec(i.qty1),
    unit1: text(i.unit1),
    qty2: opt(i.qty2),
    unit2: opt(i.unit2),
    price: dec(i.price),
    totalPrice: dec(i.totalPrice),
    extra: rest(i, INVENTORY_ITEM_COLUMNS),
  }));
}

/** The whole record of a kind kept as a document, encrypted (it may hold personal data). */
export function documentRecordEnc(pii: Pii, spec: MessageSpec, record: CebRecord): string {
  return pii.encrypt(JSON.stringify({ head: headOf(spec, record), items: itemsOf(spec, record) }));
}

/** A message body as stored: compressed (raw deflate, fast level: XML shrinks 5–10×), then SM4; `z:` marks it. */
export function encodeBody(pi: PersonalInfoCipher, raw: Buffer): string {
  return `z:${pi.encryptBytes(deflateRawSync(raw, { level: 1 }))}`;
}

/** The body as received, from its stored form (older rows are encrypted without compression). */
export function decodeBody(pi: PersonalInfoCipher, stored: string): Buffer {
  const zipped = stored.startsWith('z:');
  const plain = Buffer.from(pi.decryptBytes(zipped ? stored.slice(2) : stored));
  return zipped ? inflateRawSync(plain) : plain;
}
