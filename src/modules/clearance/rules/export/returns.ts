/**
 * Export returns (零售出口退货, 公告2020年第44号; ceb-messages.md §1.3, §6.1 item 8, §7.3, Appendix A.2 `InvtRefund*`,
 * `RefundReturn`, `InvtRefundDetail*`). Pure.
 *
 * CEB213 退货申请单 against a released export list (`checkReturnApplication`):
 * - only a released list (CEB604 800 放行 or 899 结关), of the applying ebcCode, named by its invtNo;
 * - within the window: applied for on or before the same calendar date `windowMonths` (config, default 12: one year)
 *   after the release date, inclusive (released 2026-03-10 → last day 2027-03-10; released 2028-02-29 → 2029-02-28);
 * - whole or by item: each InvtRefundList item names an original gnum (once), with gcode, gname, gmodel, unit, unit1
 *   and unit2 "与原申报清单一致", qty > 0 and not over what was exported minus the returns accepted earlier (qty1 and
 *   qty2 likewise against the original's), unit2 empty exactly when qty2 is (the rule of -625009); `wholeReturn`
 *   builds the items of a whole return;
 * - the head: ieFlag `I` ("出口退货填写I"), country not China ("不能为中国"), a reason.
 * The accepted return yields its returned quantities (summary.ts `ReturnedQty`).
 *
 * CEB215 理货明细单 (`tallyReturns`): the site operator's record of the returned parcels that arrived, one per
 * logisticsNo (with the original invtNo when given). A return counts as arrived when a tally names its
 * (logisticsCode, logisticsNo), or its invtNo; a tally matching no return is reported.
 *
 * Which returns leave the summary figures (`effectiveReturns`): those released by customs (CEB214 800) whose parcels
 * were tallied — the goods are back. [I: the spec gives the messages, not the moment; a return only applied for
 * does not yet change the figures.]
 *
 * CEB214 and CEB216 receipt statuses are those of the XSD annotations (`REFUND_RETURN_STATUSES`,
 * `REFUND_DETAIL_RETURN_STATUSES`).
 */
import { Decimal } from '../../../../kernel/money.js';
import { type BusinessDate, isBusinessDate } from '../../../../kernel/time.js';
import { type ExportReason, exportReason, gnumKey, text } from './reason.js';
import type { ReturnedQty } from './summary.js';

type Amount = string | Decimal;

/** CEB214 RefundReturn.returnStatus (XSD-EXP). */
export const REFUND_RETURN_STATUSES = {
  '1': { zh: '暂存', en: 'saved (draft)' },
  '2': { zh: '申报中', en: 'being declared' },
  '3': { zh: '发送海关成功', en: 'sent to customs' },
  '4': { zh: '发送海关失败', en: 'sending to customs failed' },
  '100': { zh: '海关退单', en: 'rejected by customs' },
  '120': { zh: '海关入库', en: 'accepted into the customs database' },
  '300': { zh: '待人工审核', en: 'awaiting officer review' },
  '500': { zh: '查验', en: 'under inspection' },
  '505': { zh: '移交', en: 'handed over' },
  '600': { zh: '挂起', en: 'suspended' },
  '800': { zh: '放行', en: 'released' },
} as const;
/** CEB216 InvtRefundDetailReturn.returnStatus (XSD-EXP). */
export const REFUND_DETAIL_RETURN_STATUSES = {
  '1': { zh: '暂存', en: 'saved (draft)' },
  '2': { zh: '申报中', en: 'being declared' },
  '3': { zh: '发送海关成功', en: 'sent to customs' },
  '4': { zh: '发送海关失败', en: 'sending to customs failed' },
  '100': { zh: '海关退单', en: 'rejected by customs' },
  '399': { zh: '海关审结', en: 'examined by customs' },
} as const;
export type RefundReturnStatus = keyof typeof REFUND_RETURN_STATUSES;
export type RefundDetailReturnStatus = keyof typeof REFUND_DETAIL_RETURN_STATUSES;

/** The meaning of a CEB214 (`refund`) or CEB216 (`detail`) returnStatus; negative codes are error receipts. */
export function receiptMeaning(
  kind: 'refund' | 'detail',
  status: string,
): { ok: true; error: boolean; zh: string; en: string } | { ok: false; reason: ExportReason } {
  const s = text(status);
  if (/^-\d+$/.test(s)) return { ok: true, error: true, zh: '处理异常回执', en: 'error receipt' };
  const table: Record<string, { zh: string; en: string }> =
    kind === 'refund' ? REFUND_RETURN_STATUSES : REFUND_DETAIL_RETURN_STATUSES;
  const m = table[s];
  if (m) return { ok: true, error: false, ...m };
  const [msg, entity] = kind === 'refund' ? ['CEB214', 'RefundReturn'] : ['CEB216', 'InvtRefundDetailReturn'];
  return {
    ok: false,
    reason: exportReason(
      'EXPORT_RETURN_RECEIPT_STATUS',
      'receipt-status',
      `${entity}.returnStatus`,
      `${msg} 回执状态[${s}]不是 XSD 规定的状态（${Object.keys(table).join('、')}）`,
      `${msg} returnStatus [${s}] is not one of the XSD's (${Object.keys(table).join(', ')})`,
    ),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CEB213

export interface ReturnListItem {
  gnum: number | string;
  gcode: string;
  gname: string;
  gmodel: string;
  unit: string;
  unit1: string;
  unit2?: string | null;
  qty: Amount;
  qty1: Amount;
  qty2?: Amount | null;
}

export interface ReleasedList {
  head: { invtNo: string; ebcCode: string; status: string; releasedAt: BusinessDate };
  items: readonly ReturnListItem[];
}

export interface ReturnApplication {
  head: {
    invtNo: string;
    ebcCode: string;
    /** The application date (appTime's date, Asia/Shanghai). */
    appliedAt: BusinessDate;
    ieFlag: string;
    country: string;
    reason: string;
  };
  items: readonly ReturnListItem[];
}

/** Quantities returned earlier (accepted returns) of one item. */
export interface EarlierReturn {
  gnum: number | string;
  qty: Amount;
  qty1?: Amount | null;
  qty2?: Amount | null;
}

export interface ReturnOptions {
  /** Months after release during which a return may be applied for, inclusive (default 12). */
  windowMonths?: number;
}

export type ReturnCheck =
  | { ok: true; whole: boolean; returned: ReturnedQty[]; lastDay: BusinessDate }
  | { ok: false; reasons: ExportReason[] };

/** The same calendar date `months` later, clamped to the month's last day (2028-02-29 + 12 → 2029-02-28). */
export function addMonths(date: BusinessDate, months: number): BusinessDate {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const d = Number(date.slice(8, 10));
  const year = y + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${year}-${String(month + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

const dec = (v: Amount | null | undefined): Decimal | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Decimal) return v;
  const r = Decimal.tryParse(v.trim());
  return r.ok ? r.value : null;
};
const opt = (v: unknown) => text(v);

/** The items of a return of everything still returnable of a list. */
export function wholeReturn(list: ReleasedList, earlier: readonly EarlierReturn[] = []): ReturnListItem[] {
  const back = earlierTotals(earlier);
  const out: ReturnListItem[] = [];
  for (const i of list.items) {
    const b = back.get(gnumKey(i.gnum));
    const left = (v: Amount | null | undefined, e: Decimal | undefined) => {
      const d = dec(v);
      return d === null ? null : e ? d.sub(e) : d;
    };
    const qty = left(i.qty, b?.qty);
    if (qty === null || !qty.isPositive()) continue;
    out.push({ ...i, qty, qty1: left(i.qty1, b?.qty1) ?? i.qty1, qty2: left(i.qty2, b?.qty2) });
  }
  return out;
}

function earlierTotals(earlier: readonly EarlierReturn[]) {
  const m = new Map<string, { qty: Decimal; qty1: Decimal; qty2: Decimal }>();
  for (const e of earlier) {
    const g = gnumKey(e.gnum);
    const t = m.get(g) ?? { qty: Decimal.ZERO, qty1: Decimal.ZERO, qty2: Decimal.ZERO };
    t.qty = t.qty.add(dec(e.qty) ?? Decimal.ZERO);
    t.qty1 = t.qty1.add(dec(e.qty1) ?? Decimal.ZERO);
    t.qty2 = t.qty2.add(dec(e.qty2) ?? Decimal.ZERO);
    m.set(g, t);
  }
  return m;
}

const SAME_FIELDS = ['gcode', 'gname', 'gmodel', 'unit', 'unit1', 'unit2'] as const;
const FIELD_ZH: Record<string, string> = {
  gcode: '商品编码',
  gname: '商品名称',
  gmodel: '规格型号',
  unit: '申报计量单位',
  unit1: '法定计量单位',
  unit2: '第二计量单位',
  qty: '申报数量',
  qty1: '法定数量',
  qty2: '第二数量',
};

/** Checks a CEB213 application against its released list and the returns accepted earlier. */
export function checkReturnApplication(
  app: ReturnApplication,
  list: ReleasedList,
  earlier: readonly EarlierReturn[] = [],
  options: ReturnOptions = {},
): ReturnCheck {
  const reasons: ExportReason[] = [];
  const H = app.head;
  const invtNo = text(list.head.invtNo);
  const bad = (rule: string, field: string, zh: string, en: string, item?: string) =>
    reasons.push(exportReason(`EXPORT_RETURN_${rule.replace(/-/g, '_').toUpperCase()}`, rule, field, zh, en, item));

  if (text(H.invtNo) !== invtNo) {
    bad(
      'list',
      'InvtRefundHead.invtNo',
      `退货申请单的原出口清单号[${text(H.invtNo)}]与清单[${invtNo}]不符`,
      `The return names list [${text(H.invtNo)}], not [${invtNo}]`,
    );
    return { ok: false, reasons };
  }
  const status = text(list.head.status);
  if (status !== '800' && status !== '899') {
    bad(
      'not-released',
      'InvtRefundHead.invtNo',
      `清单[${invtNo}]的状态为 ${status}，只有已放行（800）或已结关（899）的清单可以申请退货`,
      `List [${invtNo}] is in status ${status}; only released (800) or closed (899) lists can be returned`,
    );
  }
  if (text(H.ebcCode) !== text(list.head.ebcCode)) {
    bad(
      'ebc',
      'InvtRefundHead.ebcCode',
      `退货申请单的电商企业[${text(H.ebcCode)}]不是原清单的收发货人[${text(list.head.ebcCode)}]`,
      `The return's ebcCode [${text(H.ebcCode)}] is not the list's consignor [${text(list.head.ebcCode)}]`,
    );
  }
  const months = options.windowMonths ?? 12;
  const lastDay = addMonths(list.head.releasedAt, months);
  if (!isBusinessDate(text(H.appliedAt)) || H.appliedAt > lastDay || H.appliedAt < list.head.releasedAt) {
    bad(
      'window',
      'InvtRefundHead.appTime',
      `退货应在清单放行（${list.head.releasedAt}）后 ${months} 个月内申请，最后一天为 ${lastDay}；申请日期为 ${text(H.appliedAt)}`,
      `A return must be applied for within ${months} months of the list's release (${list.head.releasedAt}), by ${lastDay} inclusive; it was applied for on ${text(H.appliedAt)}`,
    );
  }
  if (text(H.ieFlag) !== 'I') {
    bad(
      'ie-flag',
      'InvtRefundHead.ieFlag',
      `出口退货的进出口标志应填 I，实为[${text(H.ieFlag)}]`,
      `An export return's ieFlag must be I, not [${text(H.ieFlag)}]`,
    );
  }
  if (text(H.country) === '142' || text(H.country) === '') {
    bad(
      'country',
      'InvtRefundHead.country',
      '退货的国家（地区）应填写且不能为中国（142）',
      "The return's country is required and must not be China (142)",
    );
  }
  if (text(H.reason) === '')
    bad('reason', 'InvtRefundHead.reason', '应填写退货原因', 'The reason for the return is required');

  const original = new Map(list.items.map((i) => [gnumKey(i.gnum), i]));
  const back = earlierTotals(earlier);
  const seen = new Set<string>();
  const returned: ReturnedQty[] = [];
  if (app.items.length === 0)
    bad('items', 'InvtRefundList.gnum', '退货申请单应至少有一项商品', 'A return needs at least one item');
  for (const item of app.items) {
    const g = gnumKey(item.gnum);
    const o = original.get(g);
    if (seen.has(g)) {
      bad('item-repeated', 'InvtRefundList.gnum', `退货表体序号[${g}]重复`, `Return item gnum ${g} is repeated`, g);
      continue;
    }
    seen.add(g);
    if (!o) {
      bad(
        'item-not-in-list',
        'InvtRefundList.gnum',
        `在原清单[${invtNo}]中未找到表体序号为[${g}]的商品`,
        `List [${invtNo}] has no item gnum ${g}`,
        g,
      );
      continue;
    }
    for (const f of SAME_FIELDS) {
      if (opt(item[f]) === opt(o[f])) continue;
      bad(
        'item-differs',
        `InvtRefundList.${f}`,
        `退货第${g}项的${FIELD_ZH[f]}[${opt(item[f])}]应与原申报清单一致[${opt(o[f])}]`,
        `Return item ${g}: ${f} [${opt(item[f])}] must be the original list's [${opt(o[f])}]`,
        g,
      );
    }
    if (
      (opt(item.unit2) === '') !== (opt(item.qty2) === '') ||
      (opt(item.unit2) !== '' && !dec(item.qty2)?.isPositive())
    ) {
      bad(
        'item-qty2',
        'InvtRefundList.qty2',
        `退货第${g}项：第二计量单位为空时第二数量应为空，不为空时第二数量应大于 0`,
        `Return item ${g}: qty2 must be empty when unit2 is, and above 0 when unit2 is given`,
        g,
      );
    }
    const b = back.get(g);
    let qtyOk = true;
    for (const f of ['qty', 'qty1', 'qty2'] as const) {
      if (f === 'qty2' && opt(item.qty2) === '') continue;
      const want = dec(item[f]);
      if (!want || (f === 'qty' ? !want.isPositive() : want.isNegative())) {
        bad(
          'item-qty',
          `InvtRefundList.${f}`,
          `退货第${g}项的${FIELD_ZH[f]}[${opt(item[f])}]应为${f === 'qty' ? '正数' : '非负数'}`,
          `Return item ${g}: ${f} [${opt(item[f])}] must be ${f === 'qty' ? 'positive' : 'a non-negative decimal'}`,
          g,
        );
        if (f === 'qty') qtyOk = false;
        continue;
      }
      const exported = dec(o[f]) ?? Decimal.ZERO;
      const left = exported.sub(b?.[f] ?? Decimal.ZERO);
      if (want.gt(left)) {
        if (f === 'qty') qtyOk = false;
        bad(
          'item-over',
          `InvtRefundList.${f}`,
          `退货第${g}项的${FIELD_ZH[f]} ${want} 超过可退数量 ${left}（出口 ${exported}，已退 ${b?.[f] ?? Decimal.ZERO}）`,
          `Return item ${g}: ${f} ${want} is over the ${left} still returnable (exported ${exported}, returned before ${b?.[f] ?? Decimal.ZERO})`,
          g,
        );
      }
    }
    if (qtyOk) returned.push({ invtNo, gnum: Number(g), qty: dec(item.qty)! });
  }
  if (reasons.length > 0) return { ok: false, reasons };
  const whole = list.items.every((i) => {
    const g = gnumKey(i.gnum);
    const r = returned.find((x) => gnumKey(x.gnum) === g);
    const exported = dec(i.qty) ?? Decimal.ZERO;
    const left = exported.sub(back.get(g)?.qty ?? Decimal.ZERO);
    return left.isZero() || (r !== undefined && dec(r.qty as Amount)!.eq(left));
  });
  return { ok: true, whole, returned, lastDay };
}

// ---------------------------------------------------------------------------------------------------------------
// CEB215 tally and the returns that count

export interface AcceptedReturn {
  /** The return's own number (coElNo / preNo). */
  id: string;
  invtNo: string;
  logisticsCode: string;
  logisticsNo: string;
  returned: readonly ReturnedQty[];
  /** The latest CEB214 returnStatus. */
  status: string;
}

/** CEB215 InvtRefundDetail: the fields the tally reads. */
export interface RefundDetail {
  logisticsCode: string;
  logisticsNo: string;
  invtNo?: string | null;
  ieFlag: string;
}

export interface TallyResult {
  /** Return ids whose parcels arrived. */
  arrived: string[];
  /** Return ids still awaited. */
  awaited: string[];
  /** Tallies that match no return, or are not inbound. */
  reasons: ExportReason[];
}

/** Which returns' parcels arrived at the site, per the CEB215 tallies. */
export function tallyReturns(returns: readonly AcceptedReturn[], details: readonly RefundDetail[]): TallyResult {
  const byParcel = new Map(returns.map((r) => [`${text(r.logisticsCode)}|${text(r.logisticsNo)}`, r]));
  const byInvt = new Map<string, AcceptedReturn[]>();
  for (const r of returns) byInvt.set(text(r.invtNo), [...(byInvt.get(text(r.invtNo)) ?? []), r]);
  const arrived = new Set<string>();
  const reasons: ExportReason[] = [];
  for (const d of details) {
    if (text(d.ieFlag) !== 'I') {
      reasons.push(
        exportReason(
          'EXPORT_RETURN_TALLY_IE_FLAG',
          'tally-ie-flag',
          'InvtRefundDetail.ieFlag',
          `理货明细单[${text(d.logisticsNo)}]的进出口标志应为 I（出口退货填I）`,
          `Tally [${text(d.logisticsNo)}]: ieFlag must be I for an export return`,
        ),
      );
      continue;
    }
    const hit = byParcel.get(`${text(d.logisticsCode)}|${text(d.logisticsNo)}`);
    const byList = text(d.invtNo) !== '' ? (byInvt.get(text(d.invtNo)) ?? []) : [];
    if (hit) arrived.add(hit.id);
    else if (byList.length > 0) for (const r of byList) arrived.add(r.id);
    else {
      reasons.push(
        exportReason(
          'EXPORT_RETURN_TALLY_UNMATCHED',
          'tally-unmatched',
          'InvtRefundDetail.logisticsNo',
          `理货明细单的运单[${text(d.logisticsNo)}]${text(d.invtNo) ? `（原清单 ${text(d.invtNo)}）` : ''}没有对应的退货申请`,
          `Tally of waybill [${text(d.logisticsNo)}]${text(d.invtNo) ? ` (list ${text(d.invtNo)})` : ''} matches no return application`,
        ),
      );
    }
  }
  return {
    arrived: returns.filter((r) => arrived.has(r.id)).map((r) => r.id),
    awaited: returns.filter((r) => !arrived.has(r.id)).map((r) => r.id),
    reasons,
  };
}

/** The returned quantities that leave the summary figures: returns released (CEB214 800) whose parcels arrived. */
export function effectiveReturns(returns: readonly AcceptedReturn[], tally: TallyResult): ReturnedQty[] {
  const arrived = new Set(tally.arrived);
  return returns.filter((r) => text(r.status) === '800' && arrived.has(r.id)).flatMap((r) => r.returned);
}
