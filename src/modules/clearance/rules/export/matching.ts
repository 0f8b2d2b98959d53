/**
 * Export 三单对碰: an export list (CEB603) against its order (CEB303), collection record (CEB403 收款单) and waybill
 * (CEB505). Pure, no I/O: the caller loads the four documents and passes plain objects whose fields carry the XSD
 * names (ceb-messages.md §3.6, §6.1 item 9, Appendix A.2).
 *
 * Rules, each failure one reason (code `EXPORT_MATCH_<RULE>` unless a customs code exists):
 *
 * | rule               | compares                                                               | reason `field`             |
 * |--------------------|------------------------------------------------------------------------|----------------------------|
 * | `order-type`       | CEB303 orderType for the list's tradeMode: 9610/1210 → E, 9710 → B, 9810 → W | `OrderHead.orderType` |
 * | `order-key`        | order ↔ list on ebpCode, ebcCode (收发货人), orderNo                      | `OrderHead.<field>`        |
 * | `waybill-key`      | waybill ↔ list on logisticsCode, logisticsNo; waybill ebcCode when given | `Logistics.<field>`        |
 * | `collection-key`   | 收款单 ↔ order on orderNo, ebcCode, ebpCode                                 | `Receipts.<field>`         |
 * | `currency`         | order items, list items and 收款单 in the order's currency                   | `…currency`                |
 * | `charge`           | 收款单 charge = order goodsValue + freight (same currency)                   | `Receipts.charge`          |
 * | `items-one-to-one` | list items ↔ order items one to one by gnum (-301002: an order gnum repeated) | `InventoryList.gnum` … |
 * | `item`             | per gnum: name (itemName, else gname), unit, qty, price, totalPrice     | `InventoryList.<field>`    |
 * | `goods-value`      | Σ list item totalPrice = order goodsValue (FOB, without freight)          | `OrderHead.goodsValue`     |
 * | `freight`          | list freight = order freight, when fCurrency = the order's currency      | `InventoryHead.freight`    |
 * | `destination`      | list country (运抵国) and item country (最终目的国) are not 142 (China)       | `InventoryHead.country` …  |
 *
 * - A list waits (`waiting`) until its order, collection record and waybill have all arrived.
 * - Documents that do not belong together are not compared further: an order whose key differs stops the
 *   comparison (only the key reasons and the waybill's own key are reported); a 收款单 or waybill whose key differs
 *   is not compared on amounts.
 * - Amounts are exact decimals ("200" equals "200.00000"), equal within `amountTolerance` (default 0); quantities
 *   exactly. Text is trimmed.
 * - Fields the export documents do not carry are not compared: the CEB303 order has no gcode, no buyer and no
 *   consignee, the CEB505 waybill no orderNo and no consignee (unlike import). The only country fields are the
 *   list's own, hence `destination`.
 *
 * The result has the shape of import's `matchDocuments` (matching.ts): `matched`, `waiting` with the missing
 * documents, or `mismatch` with reasons. That framework's types are import-specific (its `MatchDocument` and
 * `MatchRule` unions); a shared `MatchResult<Doc, Rule>` generic over both unions would carry both directions.
 */
import { Decimal } from '../../../../kernel/money.js';
import { type ExportReason, exportReason, gnumKey, platformCode, text } from './reason.js';

type Amount = string;

/** CEB603 InventoryHead: the fields matching reads. */
export interface ExportListHead {
  orderNo: string;
  ebpCode: string;
  ebcCode: string;
  logisticsCode: string;
  logisticsNo: string;
  /** 9610, 1210, 9710 or 9810. */
  tradeMode: string;
  /** 运抵国 (JGS-20 country code). */
  country: string;
  freight: Amount;
  fCurrency: string;
}

/** CEB603 InventoryList. */
export interface ExportListItem {
  gnum: number | string;
  itemName?: string | null;
  gname: string;
  gcode: string;
  /** 最终目的国. */
  country: string;
  currency: string;
  unit: string;
  qty: Amount;
  price: Amount;
  totalPrice: Amount;
}

/** CEB303 OrderHead. */
export interface ExportOrderHead {
  /** E (B2C), B (B2B, 9710) or W (海外仓订仓单, 9810). */
  orderType: string;
  orderNo: string;
  ebpCode: string;
  ebcCode: string;
  goodsValue: Amount;
  freight: Amount;
  currency: string;
}

/** CEB303 OrderList. */
export interface ExportOrderItem {
  gnum: number | string;
  itemName: string;
  unit: string;
  currency: string;
  qty: Amount;
  price: Amount;
  totalPrice: Amount;
}

/** CEB403 Receipts (收款单). */
export interface ExportReceipts {
  orderNo: string;
  ebpCode: string;
  ebcCode: string;
  payCode?: string | null;
  payNo?: string | null;
  charge: Amount;
  currency: string;
}

/** CEB505 Logistics. */
export interface ExportWaybill {
  logisticsCode: string;
  logisticsNo: string;
  /** Optional in the XSD (收发货人代码); compared when given. */
  ebcCode?: string | null;
}

export interface ExportMatchInput {
  list: { head: ExportListHead; items: readonly ExportListItem[] };
  /** Absent (null or undefined) while the document has not arrived. */
  order?: { head: ExportOrderHead; items: readonly ExportOrderItem[] } | null;
  receipts?: ExportReceipts | null;
  waybill?: ExportWaybill | null;
}

export interface ExportMatchOptions {
  /** Largest difference accepted between two amounts (in the documents' currency). Default 0. */
  amountTolerance?: Decimal | string;
}

export type ExportMatchDocument = 'order' | 'receipts' | 'waybill';

export const EXPORT_MATCH_RULES = [
  'order-type',
  'order-key',
  'waybill-key',
  'collection-key',
  'currency',
  'charge',
  'items-one-to-one',
  'item',
  'goods-value',
  'freight',
  'destination',
] as const;
export type ExportMatchRule = (typeof EXPORT_MATCH_RULES)[number];

export interface ExportMatchReason extends ExportReason {
  rule: ExportMatchRule;
}

export type ExportMatchResult =
  | { status: 'matched' }
  | { status: 'waiting'; missing: ExportMatchDocument[] }
  | { status: 'mismatch'; reasons: ExportMatchReason[] };

/** The CEB303 orderType a list's tradeMode requires (ceb-messages.md §1.3, §7.1); null for an unknown mode. */
export function orderTypeFor(tradeMode: string): 'E' | 'B' | 'W' | null {
  switch (text(tradeMode)) {
    case '9610':
    case '1210':
    case '1239':
      return 'E';
    case '9710':
      return 'B';
    case '9810':
      return 'W';
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------

type Doc = 'list' | 'order' | 'receipts' | 'waybill';
const DOC: Record<Doc, { zh: string; en: string; xsd: string; itemXsd: string }> = {
  list: { zh: '清单', en: 'list', xsd: 'InventoryHead', itemXsd: 'InventoryList' },
  order: { zh: '订单', en: 'order', xsd: 'OrderHead', itemXsd: 'OrderList' },
  receipts: { zh: '收款单', en: 'collection record', xsd: 'Receipts', itemXsd: '' },
  waybill: { zh: '运单', en: 'waybill', xsd: 'Logistics', itemXsd: '' },
};

const FIELD_ZH: Record<string, string> = {
  orderType: '订单类型',
  orderNo: '订单编号',
  ebpCode: '电商平台代码',
  ebcCode: '电商企业代码（收发货人）',
  logisticsCode: '物流企业代码',
  logisticsNo: '物流运单编号',
  currency: '币制',
  fCurrency: '运费币制',
  charge: '收款金额',
  goodsValue: '商品金额',
  freight: '运杂费',
  gnum: '序号',
  itemName: '企业商品名称',
  gname: '商品名称',
  unit: '计量单位',
  qty: '数量',
  price: '单价',
  totalPrice: '总价',
  country: '国家（地区）',
};

interface Side {
  doc: Doc;
  field: string;
  value: unknown;
  item?: string;
}

const zhOf = (s: Side) =>
  `${s.item === undefined ? `${DOC[s.doc].zh}的` : `${DOC[s.doc].zh}第${s.item}项商品的`}${FIELD_ZH[s.field] ?? s.field}`;
const enOf = (s: Side, capital = false) => {
  const t = s.item === undefined ? `the ${DOC[s.doc].en}'s ${s.field}` : `${DOC[s.doc].en} item ${s.item} ${s.field}`;
  return capital ? t[0]!.toUpperCase() + t.slice(1) : t;
};
const pathOf = (s: Side) => `${s.item === undefined ? DOC[s.doc].xsd : DOC[s.doc].itemXsd}.${s.field}`;
const shownZh = (v: string) => (v === '' ? '（空）' : `[${v}]`);
const shownEn = (v: string) => (v === '' ? '(empty)' : `[${v}]`);

function mk(rule: ExportMatchRule, subject: Side, zh: string, en: string, code?: string): ExportMatchReason {
  return exportReason(
    code ?? platformCode('MATCH', rule),
    rule,
    pathOf(subject),
    zh,
    en,
    subject.item,
  ) as ExportMatchReason;
}

function compareText(rule: ExportMatchRule, subject: Side, reference: Side): ExportMatchReason | null {
  const a = text(subject.value);
  const b = text(reference.value);
  if (a === b) return null;
  return mk(
    rule,
    subject,
    `${zhOf(subject)}${shownZh(a)}与${zhOf(reference)}${shownZh(b)}不一致`,
    `${enOf(subject, true)} ${shownEn(a)} differs from ${enOf(reference)} ${shownEn(b)}`,
  );
}

function parse(v: unknown): Decimal | null {
  const r = Decimal.tryParse(typeof v === 'string' ? v.trim() : v);
  return r.ok ? r.value : null;
}

function invalid(rule: ExportMatchRule, subject: Side, bad: Side): ExportMatchReason {
  const raw = text(bad.value);
  return mk(
    rule,
    subject,
    `${zhOf(bad)}[${raw}]不是有效的十进制数，无法比对`,
    `${enOf(bad, true)} [${raw}] is not a decimal number and cannot be compared`,
  );
}

function differ(
  rule: ExportMatchRule,
  subject: Side,
  a: Decimal,
  b: Decimal,
  ref: { zh: string; en: string },
  tolerance: Decimal,
  money: boolean,
): ExportMatchReason | null {
  const diff = a.sub(b).abs();
  if (money ? diff.lte(tolerance) : diff.isZero()) return null;
  const tol = money && tolerance.isPositive();
  const f = (d: Decimal) => (money ? d.toAmountString() : d.toString());
  return mk(
    rule,
    subject,
    `${zhOf(subject)}[${f(a)}]与${ref.zh}[${f(b)}]不一致（相差 ${f(diff)}` +
      (tol ? `，超过允许误差 ${tolerance.toAmountString()}）` : '）'),
    `${enOf(subject, true)} [${f(a)}] differs from ${ref.en} [${f(b)}] (difference ${f(diff)}` +
      (tol ? `, over the tolerance ${tolerance.toAmountString()})` : ')'),
  );
}

function compareAmount(
  rule: ExportMatchRule,
  subject: Side,
  reference: Side,
  tolerance: Decimal,
  money = true,
): ExportMatchReason | null {
  const a = parse(subject.value);
  if (!a) return invalid(rule, subject, subject);
  const b = parse(reference.value);
  if (!b) return invalid(rule, subject, reference);
  return differ(rule, subject, a, b, { zh: zhOf(reference), en: enOf(reference) }, tolerance, money);
}

function push(out: ExportMatchReason[], r: ExportMatchReason | null): boolean {
  if (r) out.push(r);
  return r === null;
}

function indexItems<T extends { gnum: number | string }>(
  items: readonly T[],
  doc: Doc,
  out: ExportMatchReason[],
): Map<string, T> {
  const byGnum = new Map<string, T>();
  const repeated = new Set<string>();
  for (const item of items) {
    const g = gnumKey(item.gnum);
    if (!byGnum.has(g)) byGnum.set(g, item);
    else if (!repeated.has(g)) {
      repeated.add(g);
      out.push(
        mk(
          'items-one-to-one',
          { doc, field: 'gnum', value: g, item: g },
          `${DOC[doc].zh}表体序号[${g}]重复`,
          `The ${DOC[doc].en} item number (gnum) ${g} is repeated`,
          doc === 'order' ? '-301002' : undefined,
        ),
      );
    }
  }
  return byGnum;
}

function toleranceOf(t: ExportMatchOptions['amountTolerance']): Decimal {
  const tol = t === undefined ? Decimal.ZERO : typeof t === 'string' ? Decimal.parse(t) : t;
  if (tol.isNegative()) throw new RangeError('amountTolerance must not be negative');
  return tol;
}

/** China's JGS-20 country code: not an export destination. */
export const CHINA_COUNTRY = '142';

/**
 * Matches an export list against its order, 收款单 and waybill: `matched`, `waiting` (naming the documents not yet
 * arrived) or `mismatch` with one reason per failed rule.
 */
export function matchExportDocuments(input: ExportMatchInput, options: ExportMatchOptions = {}): ExportMatchResult {
  const tolerance = toleranceOf(options.amountTolerance);
  const { list, order, receipts, waybill } = input;
  const missing: ExportMatchDocument[] = [];
  if (!order) missing.push('order');
  if (!receipts) missing.push('receipts');
  if (!waybill) missing.push('waybill');
  if (!order || !receipts || !waybill) return { status: 'waiting', missing };

  const L = list.head;
  const O = order.head;
  const l = (field: keyof ExportListHead): Side => ({ doc: 'list', field, value: L[field] });
  const o = (field: keyof ExportOrderHead): Side => ({ doc: 'order', field, value: O[field] });
  const r = (field: keyof ExportReceipts): Side => ({ doc: 'receipts', field, value: receipts[field] });
  const w = (field: keyof ExportWaybill): Side => ({ doc: 'waybill', field, value: waybill[field] });
  const reasons: ExportMatchReason[] = [];

  // Keys: order ↔ list, waybill ↔ list.
  let orderBelongs = true;
  for (const f of ['ebpCode', 'ebcCode', 'orderNo'] as const) {
    orderBelongs = push(reasons, compareText('order-key', o(f), l(f))) && orderBelongs;
  }
  for (const f of ['logisticsCode', 'logisticsNo'] as const) {
    push(reasons, compareText('waybill-key', w(f), l(f)));
  }
  if (text(waybill.ebcCode) !== '') push(reasons, compareText('waybill-key', w('ebcCode'), l('ebcCode')));
  if (!orderBelongs) return { status: 'mismatch', reasons };

  // The order type the trade mode requires.
  const wanted = orderTypeFor(L.tradeMode);
  const actual = text(O.orderType);
  if (wanted === null) {
    reasons.push(
      mk(
        'order-type',
        l('tradeMode'),
        `清单的贸易方式[${text(L.tradeMode)}]不是出口跨境电商贸易方式（9610、1210、9710、9810）`,
        `The list's tradeMode [${text(L.tradeMode)}] is not an export e-commerce mode (9610, 1210, 9710, 9810)`,
      ),
    );
  } else if (actual !== wanted) {
    const names = { E: '出口商品订单', B: 'B2B出口订单', W: '海外仓订仓单' } as const;
    reasons.push(
      mk(
        'order-type',
        o('orderType'),
        `贸易方式 ${text(L.tradeMode)} 的清单应对应订单类型 ${wanted}（${names[wanted]}），订单的订单类型为${shownZh(actual)}`,
        `A list of trade mode ${text(L.tradeMode)} needs an order of orderType ${wanted}; the order's orderType is ${shownEn(actual)}`,
      ),
    );
  }

  // 收款单 ↔ order.
  let receiptsBelong = true;
  for (const f of ['orderNo', 'ebcCode', 'ebpCode'] as const) {
    receiptsBelong = push(reasons, compareText('collection-key', r(f), o(f))) && receiptsBelong;
  }

  // Currencies: everything in the order's currency.
  const orderCurrency = text(O.currency);
  const receiptsSameCurrency = push(reasons, compareText('currency', r('currency'), o('currency')));
  const orderItems = indexItems(order.items, 'order', reasons);
  for (const [g, oi] of orderItems) {
    push(
      reasons,
      compareText('currency', { doc: 'order', field: 'currency', value: oi.currency, item: g }, o('currency')),
    );
  }

  // Charge = goodsValue + freight.
  if (receiptsBelong && receiptsSameCurrency) {
    const gv = parse(O.goodsValue);
    const fr = parse(O.freight);
    const charge = parse(receipts.charge);
    if (!charge) reasons.push(invalid('charge', r('charge'), r('charge')));
    else if (!gv) reasons.push(invalid('charge', r('charge'), o('goodsValue')));
    else if (!fr) reasons.push(invalid('charge', r('charge'), o('freight')));
    else {
      push(
        reasons,
        differ(
          'charge',
          r('charge'),
          charge,
          gv.add(fr),
          { zh: '订单商品金额与运杂费之和', en: "the sum of the order's goodsValue and freight" },
          tolerance,
          true,
        ),
      );
    }
  }

  // Items one to one by gnum.
  const listItems = indexItems(list.items, 'list', reasons);
  for (const [g, li] of listItems) {
    const ls = (field: keyof ExportListItem): Side => ({ doc: 'list', field, value: li[field], item: g });
    const oi = orderItems.get(g);
    if (!oi) {
      reasons.push(
        mk(
          'items-one-to-one',
          ls('gnum'),
          `清单第${g}项商品在订单中没有序号相同的商品`,
          `List item ${g} has no order item with the same gnum`,
        ),
      );
      continue;
    }
    const os = (field: keyof ExportOrderItem): Side => ({ doc: 'order', field, value: oi[field], item: g });
    push(reasons, compareText('item', ls(text(li.itemName) !== '' ? 'itemName' : 'gname'), os('itemName')));
    push(reasons, compareText('item', ls('unit'), os('unit')));
    push(reasons, compareText('currency', ls('currency'), os('currency')));
    push(reasons, compareAmount('item', ls('qty'), os('qty'), tolerance, false));
    push(reasons, compareAmount('item', ls('price'), os('price'), tolerance));
    push(reasons, compareAmount('item', ls('totalPrice'), os('totalPrice'), tolerance));
  }
  for (const g of orderItems.keys()) {
    if (listItems.has(g)) continue;
    reasons.push(
      mk(
        'items-one-to-one',
        { doc: 'order', field: 'gnum', value: g, item: g },
        `订单第${g}项商品在清单中没有序号相同的商品`,
        `Order item ${g} has no list item with the same gnum`,
      ),
    );
  }

  // Σ list totalPrice = order goodsValue.
  const totals = list.items.map((i) => ({ item: i, value: parse(i.totalPrice) }));
  const bad = totals.find((t) => t.value === null);
  const gv = parse(O.goodsValue);
  if (bad) {
    const g = gnumKey(bad.item.gnum);
    reasons.push(
      invalid('goods-value', o('goodsValue'), {
        doc: 'list',
        field: 'totalPrice',
        value: bad.item.totalPrice,
        item: g,
      }),
    );
  } else if (!gv) reasons.push(invalid('goods-value', o('goodsValue'), o('goodsValue')));
  else {
    push(
      reasons,
      differ(
        'goods-value',
        o('goodsValue'),
        gv,
        Decimal.sum(totals.map((t) => t.value!)),
        { zh: '清单商品总价合计', en: "the sum of the list items' totalPrice" },
        tolerance,
        true,
      ),
    );
  }

  // Freight, when declared in the order's currency.
  if (text(L.fCurrency) === orderCurrency) {
    push(reasons, compareAmount('freight', l('freight'), o('freight'), tolerance));
  }

  // Destination: not China.
  if (text(L.country) === CHINA_COUNTRY) {
    reasons.push(
      mk(
        'destination',
        l('country'),
        '清单的运抵国（地区）不能为中国（142）',
        "The list's country of destination (运抵国) must not be China (142)",
      ),
    );
  }
  for (const [g, li] of listItems) {
    if (text(li.country) !== CHINA_COUNTRY) continue;
    reasons.push(
      mk(
        'destination',
        { doc: 'list', field: 'country', value: li.country, item: g },
        `清单第${g}项商品的最终目的国（地区）不能为中国（142）`,
        `List item ${g}: the final destination country must not be China (142)`,
      ),
    );
  }

  return reasons.length === 0 ? { status: 'matched' } : { status: 'mismatch', reasons };
}
