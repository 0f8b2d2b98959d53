/**
 * 三单对碰: matching an import list (CEB621) against its order (CEB311), payment (CEB411) and waybill (CEB511).
 * Pure, no I/O: the caller loads the four documents, decrypts their personal fields and passes plain objects whose
 * fields carry the XSD names (ceb-messages.md §6.4, platform-decisions.md "Retail import").
 *
 * Rules, each failure one reason (`rule` and `field` below), with both values named (personal data masked):
 *
 * | rule               | compares                                                        | reason `field`                     |
 * |--------------------|-----------------------------------------------------------------|------------------------------------|
 * | `order-key`        | order ↔ list on ebpCode, ebcCode, orderNo                        | `OrderHead.<field>`                |
 * | `waybill-key`      | waybill ↔ list on logisticsCode, logisticsNo; waybill.orderNo    | `LogisticsHead.<field>`            |
 * | `payment-key`      | payment ↔ order on ebpCode, orderNo; payCode and payTransactionId when the order names them | `PaymentHead.<field>` |
 * | `amount-paid`      | payment.amountPaid = order.acturalPaid                           | `PaymentHead.amountPaid`           |
 * | `buyer-payer`      | payment payer = order buyer (name, ID type, ID number)           | `PaymentHead.payer…`               |
 * | `list-buyer`       | list buyer = order buyer (name, ID type, ID number)              | `InventoryHead.buyer…`             |
 * | `consignee`        | waybill consignee, consigneeTelephone, consigneeAddress = order's| `LogisticsHead.<field>`            |
 * | `items-one-to-one` | list items ↔ order items one to one by gnum (-621027: a list gnum repeated) | `InventoryList.gnum`, `OrderList.gnum` |
 * | `item`             | per gnum: name, qty, price, totalPrice                           | `InventoryList.<field>`            |
 * | `freight`          | list freight = order freight                                     | `InventoryHead.freight`            |
 * | `goods-value`      | Σ list item totalPrice = order goodsValue                        | `OrderHead.goodsValue`             |
 *
 * - Documents that do not belong together are not compared further: when the order's key differs from the list's,
 *   only the key reasons of the order (and the waybill's own checks against the list) are reported; when the
 *   payment's key differs from the order's, its amount and payer are not compared; when the waybill's key differs,
 *   its consignee is not compared. The key reason is the cause; the rest would be noise.
 * - A list waits (`waiting`) until its order, payment and waybill have all arrived; only then is it compared.
 * - Amounts (acturalPaid/amountPaid, freight, goodsValue, item price and totalPrice) are compared as exact decimals
 *   ("210" equals "210.00000"), equal within `amountTolerance` (config, default 0). Quantities are compared exactly.
 * - Text is compared after trimming surrounding spaces; ID numbers also ignore case (the check character X).
 * - The item name compared with the order's `itemName` is the list's `itemName` (企业商品名称) when the list gives
 *   one, otherwise its `gname` (商品名称).
 */
import { Decimal } from '../../../../kernel/money.js';
import { maskAddress, maskIdNumber, maskName, maskPhone } from '../../../../platform/crypto/mask.js';

/** Amounts and quantities are decimal strings as declared (or as read from numeric columns). */
type Amount = string;

/** CEB621 InventoryHead: the fields matching reads. */
export interface InventoryHead {
  orderNo: string;
  ebpCode: string;
  ebcCode: string;
  logisticsCode: string;
  logisticsNo: string;
  buyerIdType: string;
  buyerIdNumber: string;
  buyerName: string;
  freight: Amount;
}

/** CEB621 InventoryList (one list item). */
export interface InventoryList {
  gnum: number | string;
  itemName?: string | null;
  gname: string;
  qty: Amount;
  price: Amount;
  totalPrice: Amount;
}

/** CEB311 OrderHead. */
export interface OrderHead {
  orderNo: string;
  ebpCode: string;
  ebcCode: string;
  goodsValue: Amount;
  freight: Amount;
  acturalPaid: Amount;
  buyerName: string;
  buyerIdType: string;
  buyerIdNumber: string;
  consignee: string;
  consigneeTelephone: string;
  consigneeAddress: string;
  payCode?: string | null;
  payTransactionId?: string | null;
}

/** CEB311 OrderList (one order item). */
export interface OrderList {
  gnum: number | string;
  itemName: string;
  qty: Amount;
  price: Amount;
  totalPrice: Amount;
}

/** CEB411 PaymentHead. */
export interface PaymentHead {
  payCode: string;
  payTransactionId: string;
  ebpCode: string;
  orderNo: string;
  amountPaid: Amount;
  payerIdType: string;
  payerIdNumber: string;
  payerName: string;
}

/** CEB511 LogisticsHead. */
export interface LogisticsHead {
  logisticsCode: string;
  logisticsNo: string;
  orderNo: string;
  consignee: string;
  consigneeTelephone: string;
  consigneeAddress: string;
}

export interface MatchInput {
  list: { head: InventoryHead; items: readonly InventoryList[] };
  /** Absent (null or undefined) while the document has not arrived. */
  order?: { head: OrderHead; items: readonly OrderList[] } | null;
  payment?: PaymentHead | null;
  waybill?: LogisticsHead | null;
}

export interface MatchOptions {
  /** Largest difference accepted between two amounts (RMB; config). Default 0: amounts must be equal exactly. */
  amountTolerance?: Decimal | string;
}

export type MatchDocument = 'order' | 'payment' | 'waybill';

/** The rules of the table above; a failure without a customs code is reported as `MATCH_<RULE>` (engine.ts). */
export const MATCH_RULES = [
  'order-key',
  'waybill-key',
  'payment-key',
  'amount-paid',
  'buyer-payer',
  'list-buyer',
  'consignee',
  'items-one-to-one',
  'item',
  'freight',
  'goods-value',
] as const;
export type MatchRule = (typeof MATCH_RULES)[number];

export interface MatchReason {
  rule: MatchRule;
  /** A customs code where one exists (-621027: a list gnum repeated). */
  code?: string;
  /** The field that disagrees, as `Document.xsdName` (see the table above). */
  field: string;
  /** The gnum when the reason concerns one item. */
  item?: number;
  message: { zh: string; en: string };
}

export type MatchResult =
  | { status: 'matched' }
  | { status: 'waiting'; missing: MatchDocument[] }
  | { status: 'mismatch'; reasons: MatchReason[] };

// ---------------------------------------------------------------------------------------------------------------

type Doc = 'list' | 'order' | 'payment' | 'waybill';
const DOC: Record<Doc, { zh: string; en: string; xsd: string; itemXsd: string }> = {
  list: { zh: '清单', en: 'list', xsd: 'InventoryHead', itemXsd: 'InventoryList' },
  order: { zh: '订单', en: 'order', xsd: 'OrderHead', itemXsd: 'OrderList' },
  payment: { zh: '支付单', en: 'payment', xsd: 'PaymentHead', itemXsd: '' },
  waybill: { zh: '运单', en: 'waybill', xsd: 'LogisticsHead', itemXsd: '' },
};

const FIELD_ZH: Record<string, string> = {
  orderNo: '订单编号',
  ebpCode: '电商平台代码',
  ebcCode: '电商企业代码',
  logisticsCode: '物流企业代码',
  logisticsNo: '物流运单编号',
  payCode: '支付企业代码',
  payTransactionId: '支付交易编号',
  acturalPaid: '实际支付金额',
  amountPaid: '支付金额',
  buyerName: '订购人姓名',
  buyerIdType: '订购人证件类型',
  buyerIdNumber: '订购人证件号码',
  payerName: '支付人姓名',
  payerIdType: '支付人证件类型',
  payerIdNumber: '支付人证件号码',
  consignee: '收货人姓名',
  consigneeTelephone: '收货人电话',
  consigneeAddress: '收货地址',
  freight: '运杂费',
  goodsValue: '商品价格',
  gnum: '序号',
  itemName: '企业商品名称',
  gname: '商品名称',
  qty: '数量',
  price: '单价',
  totalPrice: '总价',
};

/** How a value is shown in a reason: personal data masked. */
type Show = 'plain' | 'name' | 'id' | 'phone' | 'address';

const MAX_SHOWN = 60;

function show(value: string, how: Show): string {
  switch (how) {
    case 'name':
      return maskName(value);
    case 'id':
      return maskIdNumber(value);
    case 'phone':
      return maskPhone(value);
    case 'address':
      return maskAddress(value);
    default: {
      const chars = [...value];
      return chars.length > MAX_SHOWN ? `${chars.slice(0, MAX_SHOWN).join('')}…` : value;
    }
  }
}

function shownZh(value: string, how: Show): string {
  return value === '' ? '（空）' : `[${show(value, how)}]`;
}
function shownEn(value: string, how: Show): string {
  return value === '' ? '(empty)' : `[${show(value, how)}]`;
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v).trim());

/** One side of a comparison: a document's field and its value (the item's gnum when it is an item field). */
interface Side {
  doc: Doc;
  field: string;
  value: unknown;
  item?: string;
}

function whereZh(s: Side): string {
  return s.item === undefined ? `${DOC[s.doc].zh}的` : `${DOC[s.doc].zh}第${s.item}项商品的`;
}
function whereEn(s: Side, capital: boolean): string {
  const text = s.item === undefined ? `the ${DOC[s.doc].en}'s` : `${DOC[s.doc].en} item ${s.item}`;
  return capital ? text[0]!.toUpperCase() + text.slice(1) : text;
}

function fieldPath(s: Side): string {
  return `${s.item === undefined ? DOC[s.doc].xsd : DOC[s.doc].itemXsd}.${s.field}`;
}

function itemNumber(gnum: string | undefined): number | undefined {
  return gnum !== undefined && /^\d+$/.test(gnum) ? Number(gnum) : undefined;
}

function reason(rule: MatchRule, subject: Side, zh: string, en: string, code?: string): MatchReason {
  const r: MatchReason = { rule, field: fieldPath(subject), message: { zh, en } };
  if (code !== undefined) r.code = code;
  const item = itemNumber(subject.item);
  if (item !== undefined) r.item = item;
  return r;
}

/** `subject` (the document checked) against `reference`; null when they agree. */
function compareText(
  rule: MatchRule,
  subject: Side,
  reference: Side,
  how: Show = 'plain',
  opts: { ignoreCase?: boolean } = {},
): MatchReason | null {
  const a = str(subject.value);
  const b = str(reference.value);
  const same = opts.ignoreCase ? a.toUpperCase() === b.toUpperCase() : a === b;
  if (same) return null;
  const lookAlike = how !== 'plain' && a !== '' && b !== '' && show(a, how) === show(b, how);
  return reason(
    rule,
    subject,
    `${whereZh(subject)}${FIELD_ZH[subject.field] ?? subject.field}${shownZh(a, how)}与` +
      `${whereZh(reference)}${FIELD_ZH[reference.field] ?? reference.field}${shownZh(b, how)}不一致` +
      (lookAlike ? '（脱敏后显示相同，原值不同）' : ''),
    `${whereEn(subject, true)} ${subject.field} ${shownEn(a, how)} differs from ` +
      `${whereEn(reference, false)} ${reference.field} ${shownEn(b, how)}` +
      (lookAlike ? ' (the masked forms look alike; the values differ)' : ''),
  );
}

function invalidAmount(rule: MatchRule, subject: Side, bad: Side): MatchReason {
  const raw = show(str(bad.value), 'plain');
  return reason(
    rule,
    subject,
    `${whereZh(bad)}${FIELD_ZH[bad.field] ?? bad.field}[${raw}]不是有效的十进制数，无法比对`,
    `${whereEn(bad, true)} ${bad.field} [${raw}] is not a decimal number and cannot be compared`,
  );
}

function parseAmount(v: unknown): Decimal | null {
  const r = Decimal.tryParse(typeof v === 'string' ? v.trim() : v);
  return r.ok ? r.value : null;
}

function formatAmount(d: Decimal, money: boolean): string {
  return money ? d.toAmountString() : d.toString();
}

/** How a side is named in a message: "订单的实际支付金额", "The order's acturalPaid". */
interface Label {
  zh: string;
  en: string;
  enLower: string;
}

function labelOf(s: Side): Label {
  return {
    zh: `${whereZh(s)}${FIELD_ZH[s.field] ?? s.field}`,
    en: `${whereEn(s, true)} ${s.field}`,
    enLower: `${whereEn(s, false)} ${s.field}`,
  };
}

/** Two decimals: equal within `tolerance` (money) or exactly (quantities); null when they agree. */
function compareDecimals(
  rule: MatchRule,
  subject: Side,
  a: Decimal,
  b: Decimal,
  labels: { subject: Label; reference: Label },
  tolerance: Decimal,
  money: boolean,
): MatchReason | null {
  const diff = a.sub(b).abs();
  if (money ? diff.lte(tolerance) : diff.isZero()) return null;
  const tol = money && tolerance.isPositive();
  const fa = formatAmount(a, money);
  const fb = formatAmount(b, money);
  const fd = formatAmount(diff, money);
  return reason(
    rule,
    subject,
    `${labels.subject.zh}[${fa}]与${labels.reference.zh}[${fb}]不一致（相差 ${fd}` +
      (tol ? `，超过允许误差 ${tolerance.toAmountString()}）` : '）'),
    `${labels.subject.en} [${fa}] differs from ${labels.reference.enLower} [${fb}] (difference ${fd}` +
      (tol ? `, over the tolerance ${tolerance.toAmountString()})` : ')'),
  );
}

function compareAmount(
  rule: MatchRule,
  subject: Side,
  reference: Side,
  tolerance: Decimal,
  money = true,
): MatchReason | null {
  const a = parseAmount(subject.value);
  if (!a) return invalidAmount(rule, subject, subject);
  const b = parseAmount(reference.value);
  if (!b) return invalidAmount(rule, subject, reference);
  return compareDecimals(
    rule,
    subject,
    a,
    b,
    { subject: labelOf(subject), reference: labelOf(reference) },
    tolerance,
    money,
  );
}

function push(out: MatchReason[], r: MatchReason | null): boolean {
  if (r) out.push(r);
  return r === null;
}

/** A gnum as a canonical string ("01" and 1 are both "1"). */
function gnumOf(v: unknown): string {
  const s = str(v);
  return /^\d+$/.test(s) ? String(Number(s)) : s;
}

function indexItems<T extends { gnum: number | string }>(
  items: readonly T[],
  doc: Doc,
  out: MatchReason[],
): Map<string, T> {
  const byGnum = new Map<string, T>();
  const repeated = new Set<string>();
  for (const item of items) {
    const g = gnumOf(item.gnum);
    if (!byGnum.has(g)) byGnum.set(g, item);
    else if (!repeated.has(g)) {
      repeated.add(g);
      const side: Side = { doc, field: 'gnum', value: g, item: g };
      out.push(
        reason(
          'items-one-to-one',
          side,
          `${DOC[doc].zh}表体序号[${g}]重复`,
          `The ${DOC[doc].en} item number (gnum) ${g} is repeated`,
          doc === 'list' ? '-621027' : undefined,
        ),
      );
    }
  }
  return byGnum;
}

function parseTolerance(t: MatchOptions['amountTolerance']): Decimal {
  const tol = t === undefined ? Decimal.ZERO : typeof t === 'string' ? Decimal.parse(t) : t;
  if (tol.isNegative()) throw new RangeError('amountTolerance must not be negative');
  return tol;
}

/**
 * Matches a list against its order, payment and waybill: `matched`, `waiting` (naming the documents not yet
 * arrived) or `mismatch` with one reason per failed rule.
 */
export function matchDocuments(input: MatchInput, options: MatchOptions = {}): MatchResult {
  const tolerance = parseTolerance(options.amountTolerance);
  const { list, order, payment, waybill } = input;
  const missing: MatchDocument[] = [];
  if (!order) missing.push('order');
  if (!payment) missing.push('payment');
  if (!waybill) missing.push('waybill');
  if (!order || !payment || !waybill) return { status: 'waiting', missing };

  const L = list.head;
  const O = order.head;
  const P = payment;
  const W = waybill;
  const l = (field: keyof InventoryHead): Side => ({ doc: 'list', field, value: L[field] });
  const o = (field: keyof OrderHead): Side => ({ doc: 'order', field, value: O[field] });
  const p = (field: keyof PaymentHead): Side => ({ doc: 'payment', field, value: P[field] });
  const w = (field: keyof LogisticsHead): Side => ({ doc: 'waybill', field, value: W[field] });
  const reasons: MatchReason[] = [];

  // Keys: order ↔ list, waybill ↔ list.
  let orderBelongs = true;
  for (const f of ['ebpCode', 'ebcCode', 'orderNo'] as const) {
    orderBelongs = push(reasons, compareText('order-key', o(f), l(f))) && orderBelongs;
  }
  let waybillBelongs = true;
  for (const f of ['logisticsCode', 'logisticsNo', 'orderNo'] as const) {
    waybillBelongs = push(reasons, compareText('waybill-key', w(f), l(f))) && waybillBelongs;
  }
  if (!orderBelongs) return { status: 'mismatch', reasons };

  // Payment ↔ order: key, then amount and payer.
  let paymentBelongs = true;
  for (const f of ['ebpCode', 'orderNo'] as const) {
    paymentBelongs = push(reasons, compareText('payment-key', p(f), o(f))) && paymentBelongs;
  }
  for (const f of ['payCode', 'payTransactionId'] as const) {
    if (str(O[f]) === '') continue;
    paymentBelongs = push(reasons, compareText('payment-key', p(f), o(f))) && paymentBelongs;
  }
  if (paymentBelongs) {
    push(reasons, compareAmount('amount-paid', p('amountPaid'), o('acturalPaid'), tolerance));
    push(reasons, compareText('buyer-payer', p('payerName'), o('buyerName'), 'name'));
    push(reasons, compareText('buyer-payer', p('payerIdType'), o('buyerIdType')));
    push(reasons, compareText('buyer-payer', p('payerIdNumber'), o('buyerIdNumber'), 'id', { ignoreCase: true }));
  }

  // List buyer = order buyer.
  push(reasons, compareText('list-buyer', l('buyerName'), o('buyerName'), 'name'));
  push(reasons, compareText('list-buyer', l('buyerIdType'), o('buyerIdType')));
  push(reasons, compareText('list-buyer', l('buyerIdNumber'), o('buyerIdNumber'), 'id', { ignoreCase: true }));

  // Consignee: waybill = order.
  if (waybillBelongs) {
    push(reasons, compareText('consignee', w('consignee'), o('consignee'), 'name'));
    push(reasons, compareText('consignee', w('consigneeTelephone'), o('consigneeTelephone'), 'phone'));
    push(reasons, compareText('consignee', w('consigneeAddress'), o('consigneeAddress'), 'address'));
  }

  // Items one to one by gnum, with equal name, qty, price and total.
  const listItems = indexItems(list.items, 'list', reasons);
  const orderItems = indexItems(order.items, 'order', reasons);
  for (const [g, li] of listItems) {
    const oi = orderItems.get(g);
    const ls = (field: keyof InventoryList): Side => ({ doc: 'list', field, value: li[field], item: g });
    if (!oi) {
      reasons.push(
        reason(
          'items-one-to-one',
          ls('gnum'),
          `清单第${g}项商品在订单中没有序号相同的商品`,
          `List item ${g} has no order item with the same gnum`,
        ),
      );
      continue;
    }
    const os = (field: keyof OrderList): Side => ({ doc: 'order', field, value: oi[field], item: g });
    const nameField = str(li.itemName) !== '' ? 'itemName' : 'gname';
    push(reasons, compareText('item', ls(nameField), os('itemName')));
    push(reasons, compareAmount('item', ls('qty'), os('qty'), tolerance, false));
    push(reasons, compareAmount('item', ls('price'), os('price'), tolerance));
    push(reasons, compareAmount('item', ls('totalPrice'), os('totalPrice'), tolerance));
  }
  for (const g of orderItems.keys()) {
    if (listItems.has(g)) continue;
    reasons.push(
      reason(
        'items-one-to-one',
        { doc: 'order', field: 'gnum', value: g, item: g },
        `订单第${g}项商品在清单中没有序号相同的商品`,
        `Order item ${g} has no list item with the same gnum`,
      ),
    );
  }

  // List freight = order freight.
  push(reasons, compareAmount('freight', l('freight'), o('freight'), tolerance));

  // Σ list totalPrice = order goodsValue.
  const goodsValue = o('goodsValue');
  const totals = list.items.map((i) => ({ item: i, value: parseAmount(i.totalPrice) }));
  const badTotal = totals.find((t) => t.value === null);
  const gv = parseAmount(O.goodsValue);
  if (badTotal) {
    const g = gnumOf(badTotal.item.gnum);
    reasons.push(
      invalidAmount('goods-value', goodsValue, {
        doc: 'list',
        field: 'totalPrice',
        value: badTotal.item.totalPrice,
        item: g,
      }),
    );
  } else if (!gv) {
    reasons.push(invalidAmount('goods-value', goodsValue, goodsValue));
  } else {
    const sum = Decimal.sum(totals.map((t) => t.value!));
    const listSum = {
      zh: '清单商品总价合计',
      en: "The sum of the list items' totalPrice",
      enLower: "the sum of the list items' totalPrice",
    };
    push(
      reasons,
      compareDecimals(
        'goods-value',
        goodsValue,
        gv,
        sum,
        { subject: labelOf(goodsValue), reference: listSum },
        tolerance,
        true,
      ),
    );
  }
  if (reasons.length === 0) return { status: 'matched' };
  return { status: 'mismatch', reasons };
}
