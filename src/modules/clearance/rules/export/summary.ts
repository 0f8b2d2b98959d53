/**
 * 汇总申报 (CEB701 → CEB792): the released (closed) export lists of a period, aggregated into customs declarations
 * (ceb-messages.md §3.7, §7.2; platform-decisions.md "Export"). Pure and incremental: `new SummaryAggregator(options)`,
 * `add(list)` for each list (in any order, one pass, Map keys, no quadratic work), then `result()`.
 *
 * - Declarations: lists grouped by the head merge key — 收发货人 ebcCode, 运输方式 trafMode, 生产销售单位 ownerCode,
 *   运抵国 country, 出境关别 portCode. `summaryFlag` (XSD: "1:按收发货人单一汇总，2:按收发货人和生产销售单位汇总"):
 *   `2` keeps ownerCode in the key (one declaration per ebcCode + ownerCode); `1` drops it (the lists of every
 *   producer/seller of one consignor merge; the declaration records the ownerCodes it covers). The other head fields
 *   stay in the key under both flags: a declaration has one transport mode, destination and exit port.
 * - Lines: within a declaration, items grouped by the item key — 最终目的国 item country, 10-digit gcode, currency.
 *   `itemNameFlag` (XSD: "填1,按清单原始商品名相同汇总，不填则按商品综合分类名汇总"): `1` adds the list's original
 *   item name (itemName, the 企业商品名称 "汇总后用于退税品名"; gname when the item has none) to the item key and
 *   names the line by it; empty keeps the key and names the line by the code's 商品综合分类名 (`categoryName`
 *   option, e.g. the tariff catalogue's name of the 10-digit code; the first gname seen when it gives none).
 * - Figures, summed exactly (Decimal): per line the legal quantity qty1 (unit1), the declared quantity per declared
 *   unit, totalPrice (in the line's currency) and the item weights when the items carry them; per declaration the
 *   list heads' grossWeight and netWeight (CEB792 head) and the list count.
 * - Traceability: every line keeps its sources (invtNo, gnum, logisticsNo); `resultRows(declaration)` yields the
 *   CEB792 SummaryResultList rows (invtNo, logisticsNo, gseqno, gnum, gcode). Declarations are numbered in the order
 *   of their keys and lines (gseqno, from 1) in the order of their keys, so the result does not depend on the order
 *   the lists were added (a replay gives the same numbers).
 * - Admission: `add` refuses, with a reason, a list not closed (status 899; `acceptReleased` also takes 800), outside
 *   the period (releasedAt, inclusive), of another consignor than `ebcCode` when one is set, added twice, with a gcode
 *   that is not 10 digits or a figure that is not a decimal; a refused list changes nothing.
 * - Export returns (CEB213): netted before aggregation — `netReturns(list, returned)` gives the list without its
 *   returned quantities (an item returned whole leaves; a partly returned item keeps its remaining qty, and qty1,
 *   totalPrice and item weights in proportion, rounded half-up to 5 places, N19,5), or null when everything was
 *   returned. The list head's weights are kept for a partly returned list (the returned parcel's weight is not
 *   declared per item); a wholly returned list leaves with them. Netting before aggregation keeps the aggregator
 *   append-only (no per-source figures held for later subtraction) and each figure traceable to what remains.
 */
import { Decimal, Ratio } from '../../../../kernel/money.js';
import type { BusinessDate } from '../../../../kernel/time.js';
import { type ExportReason, exportReason, gnumKey, text } from './reason.js';

type Amount = string | Decimal;

export interface SummaryListHead {
  invtNo: string;
  logisticsNo?: string;
  ebcCode: string;
  trafMode: string;
  ownerCode: string;
  /** 运抵国. */
  country: string;
  /** 出境关别 (出口口岸). */
  portCode: string;
  /** The date the list was released/closed (Asia/Shanghai). */
  releasedAt: BusinessDate;
  /** CEB604 returnStatus: 899 (结关) is summarised; 800 only with `acceptReleased`. */
  status: string;
  grossWeight?: Amount | null;
  netWeight?: Amount | null;
}

export interface SummaryListItem {
  gnum: number | string;
  /** 最终目的国. */
  country: string;
  gcode: string;
  gname: string;
  itemName?: string | null;
  currency: string;
  qty: Amount;
  unit: string;
  qty1: Amount;
  unit1?: string;
  totalPrice: Amount;
  grossWeight?: Amount | null;
  netWeight?: Amount | null;
}

export interface SummaryList {
  head: SummaryListHead;
  items: readonly SummaryListItem[];
}

export type SummaryFlag = '1' | '2';
export type ItemNameFlag = '1' | '';

export interface SummaryOptions {
  summaryFlag: SummaryFlag;
  itemNameFlag: ItemNameFlag;
  /** Only this consignor's lists (one exporter's summary). */
  ebcCode?: string;
  /** Lists released within [from, to] (inclusive). */
  period?: { from: BusinessDate; to: BusinessDate };
  /** Also summarise released (800) lists, not only closed (899) ones. */
  acceptReleased?: boolean;
  /** 商品综合分类名 of a 10-digit code (itemNameFlag empty). */
  categoryName?: (gcode: string) => string | null;
}

export interface DeclarationKey {
  ebcCode: string;
  trafMode: string;
  /** Null under summaryFlag 1. */
  ownerCode: string | null;
  country: string;
  portCode: string;
}

export interface LineSource {
  invtNo: string;
  gnum: number;
  logisticsNo: string;
}

export interface SummaryLine {
  /** CEB792 gseqno: the declaration item number, from 1. */
  gseqno: number;
  country: string;
  gcode: string;
  currency: string;
  /** The line's goods name: the original item name (itemNameFlag 1) or the 商品综合分类名. */
  name: string;
  qty1: Decimal;
  unit1: string;
  /** Declared quantities per declared unit, in the order first seen. */
  quantities: { unit: string; qty: Decimal }[];
  totalPrice: Decimal;
  /** Sums of the item weights, null when no item of the line carries one. */
  grossWeight: Decimal | null;
  netWeight: Decimal | null;
  sources: LineSource[];
}

export interface SummaryDeclaration {
  /** 1, 2 … in key order (the platform's draft number until customs gives its declSeqNo). */
  seq: number;
  key: DeclarationKey;
  /** The 生产销售单位 covered (one under summaryFlag 2). */
  ownerCodes: string[];
  listCount: number;
  grossWeight: Decimal;
  netWeight: Decimal;
  lines: SummaryLine[];
}

export interface SummaryResult {
  summaryFlag: SummaryFlag;
  itemNameFlag: ItemNameFlag;
  declarations: SummaryDeclaration[];
  listCount: number;
  itemCount: number;
}

/** One CEB792 SummaryResultList row. */
export interface SummaryResultRow {
  invtNo: string;
  logisticsNo: string;
  gseqno: number;
  gnum: number;
  gcode: string;
}

interface LineAcc {
  key: string;
  country: string;
  gcode: string;
  currency: string;
  name: string;
  qty1: Decimal;
  unit1: string;
  quantities: Map<string, Decimal>;
  totalPrice: Decimal;
  grossWeight: Decimal | null;
  netWeight: Decimal | null;
  sources: LineSource[];
}

interface DeclAcc {
  key: string;
  head: DeclarationKey;
  ownerCodes: Set<string>;
  listCount: number;
  grossWeight: Decimal;
  netWeight: Decimal;
  lines: Map<string, LineAcc>;
}

const SEP = '\u0001';

function dec(v: Amount | null | undefined): Decimal | null | undefined {
  if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) return undefined;
  if (v instanceof Decimal) return v;
  const r = Decimal.tryParse(v.trim());
  return r.ok ? r.value : null;
}

const addOpt = (a: Decimal | null, b: Decimal | undefined) => (b === undefined ? a : a === null ? b : a.add(b));

export class SummaryAggregator {
  private readonly decls = new Map<string, DeclAcc>();
  private readonly seen = new Set<string>();
  private lists = 0;
  private items = 0;

  constructor(readonly options: SummaryOptions) {
    if (options.summaryFlag !== '1' && options.summaryFlag !== '2') {
      throw new RangeError(`summaryFlag must be 1 or 2: ${String(options.summaryFlag)}`);
    }
    if (options.itemNameFlag !== '1' && options.itemNameFlag !== '') {
      throw new RangeError(`itemNameFlag must be 1 or empty: ${String(options.itemNameFlag)}`);
    }
  }

  /** Adds a list; returns the reasons it was refused (and left out), or an empty array. */
  add(list: SummaryList): ExportReason[] {
    const h = list.head;
    const o = this.options;
    const invtNo = text(h.invtNo);
    const refuse = (rule: string, field: string, zh: string, en: string, item?: string): ExportReason[] => [
      exportReason(`EXPORT_SUMMARY_${rule.replace(/-/g, '_').toUpperCase()}`, rule, field, zh, en, item),
    ];
    const status = text(h.status);
    if (!(status === '899' || (o.acceptReleased && status === '800'))) {
      return refuse(
        'list-not-closed',
        'InventoryReturn.returnStatus',
        `清单[${invtNo}]的状态为 ${status}，只有已结关（899）的清单${o.acceptReleased ? '或已放行（800）的清单' : ''}可以汇总`,
        `List [${invtNo}] is in status ${status}; only closed (899)${o.acceptReleased ? ' or released (800)' : ''} lists are summarised`,
      );
    }
    if (o.period && (h.releasedAt < o.period.from || h.releasedAt > o.period.to)) {
      return refuse(
        'list-outside-period',
        'SummaryApplyHead.startTime',
        `清单[${invtNo}]的结关日期 ${h.releasedAt} 不在汇总期间 ${o.period.from} 至 ${o.period.to} 内`,
        `List [${invtNo}] closed on ${h.releasedAt}, outside the summary period ${o.period.from} to ${o.period.to}`,
      );
    }
    if (o.ebcCode !== undefined && text(h.ebcCode) !== text(o.ebcCode)) {
      return refuse(
        'list-other-consignor',
        'InventoryHead.ebcCode',
        `清单[${invtNo}]的收发货人[${text(h.ebcCode)}]不是本汇总的收发货人[${text(o.ebcCode)}]`,
        `List [${invtNo}] belongs to consignor [${text(h.ebcCode)}], not to this summary's [${text(o.ebcCode)}]`,
      );
    }
    if (this.seen.has(invtNo)) {
      return refuse(
        'list-repeated',
        'SummaryApplyList.invtNo',
        `清单[${invtNo}]已在本汇总中`,
        `List [${invtNo}] is already in this summary`,
      );
    }
    const gross = dec(h.grossWeight);
    const net = dec(h.netWeight);
    if (gross === null || net === null) {
      return refuse(
        'figure',
        gross === null ? 'InventoryHead.grossWeight' : 'InventoryHead.netWeight',
        `清单[${invtNo}]的重量不是有效的十进制数`,
        `List [${invtNo}]: a weight is not a decimal number`,
      );
    }
    // Check every item before changing anything.
    const parsed: {
      item: SummaryListItem;
      g: number;
      qty: Decimal;
      qty1: Decimal;
      total: Decimal;
      gw?: Decimal;
      nw?: Decimal;
    }[] = [];
    for (const item of list.items) {
      const g = gnumKey(item.gnum);
      if (!/^\d{10}$/.test(text(item.gcode))) {
        return refuse(
          'gcode',
          'InventoryList.gcode',
          `清单[${invtNo}]第${g}项商品编码[${text(item.gcode)}]不是 10 位海关商品编码，不能汇总`,
          `List [${invtNo}] item ${g}: commodity code [${text(item.gcode)}] is not a 10-digit code and cannot be summarised`,
          g,
        );
      }
      const qty = dec(item.qty);
      const qty1 = dec(item.qty1);
      const total = dec(item.totalPrice);
      const gw = dec(item.grossWeight);
      const nw = dec(item.netWeight);
      if (!qty || !qty1 || !total || gw === null || nw === null) {
        return refuse(
          'figure',
          'InventoryList.qty',
          `清单[${invtNo}]第${g}项商品的数量、金额或重量缺失或不是有效的十进制数`,
          `List [${invtNo}] item ${g}: a quantity, value or weight is missing or not a decimal number`,
          g,
        );
      }
      parsed.push({ item, g: Number(g), qty, qty1, total, gw, nw });
    }

    const ownerCode = text(h.ownerCode);
    const head: DeclarationKey = {
      ebcCode: text(h.ebcCode),
      trafMode: text(h.trafMode),
      ownerCode: o.summaryFlag === '2' ? ownerCode : null,
      country: text(h.country),
      portCode: text(h.portCode),
    };
    const dKey = [head.ebcCode, head.trafMode, head.ownerCode ?? '', head.country, head.portCode].join(SEP);
    let d = this.decls.get(dKey);
    if (!d) {
      d = {
        key: dKey,
        head,
        ownerCodes: new Set(),
        listCount: 0,
        grossWeight: Decimal.ZERO,
        netWeight: Decimal.ZERO,
        lines: new Map(),
      };
      this.decls.set(dKey, d);
    }
    d.ownerCodes.add(ownerCode);
    d.listCount++;
    if (gross) d.grossWeight = d.grossWeight.add(gross);
    if (net) d.netWeight = d.netWeight.add(net);
    const logisticsNo = text(h.logisticsNo);
    for (const p of parsed) {
      const it = p.item;
      const original = text(it.itemName) !== '' ? text(it.itemName) : text(it.gname);
      const country = text(it.country);
      const gcode = text(it.gcode);
      const currency = text(it.currency);
      const lKey =
        o.itemNameFlag === '1' ? [country, gcode, currency, original].join(SEP) : [country, gcode, currency].join(SEP);
      let line = d.lines.get(lKey);
      if (!line) {
        line = {
          key: lKey,
          country,
          gcode,
          currency,
          name: o.itemNameFlag === '1' ? original : (o.categoryName?.(gcode) ?? text(it.gname)),
          qty1: Decimal.ZERO,
          unit1: text(it.unit1),
          quantities: new Map(),
          totalPrice: Decimal.ZERO,
          grossWeight: null,
          netWeight: null,
          sources: [],
        };
        d.lines.set(lKey, line);
      }
      line.qty1 = line.qty1.add(p.qty1);
      const unit = text(it.unit);
      line.quantities.set(unit, (line.quantities.get(unit) ?? Decimal.ZERO).add(p.qty));
      line.totalPrice = line.totalPrice.add(p.total);
      line.grossWeight = addOpt(line.grossWeight, p.gw);
      line.netWeight = addOpt(line.netWeight, p.nw);
      line.sources.push({ invtNo, gnum: p.g, logisticsNo });
    }
    this.seen.add(invtNo);
    this.lists++;
    this.items += parsed.length;
    return [];
  }

  /** The declarations so far, numbered in key order (independent of the order of `add`). */
  result(): SummaryResult {
    const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    const declarations = [...this.decls.values()].sort(byKey).map(
      (d, i): SummaryDeclaration => ({
        seq: i + 1,
        key: d.head,
        ownerCodes: [...d.ownerCodes].sort(),
        listCount: d.listCount,
        grossWeight: d.grossWeight,
        netWeight: d.netWeight,
        lines: [...d.lines.values()].sort(byKey).map((l, j) => ({
          gseqno: j + 1,
          country: l.country,
          gcode: l.gcode,
          currency: l.currency,
          name: l.name,
          qty1: l.qty1,
          unit1: l.unit1,
          quantities: [...l.quantities].map(([unit, qty]) => ({ unit, qty })),
          totalPrice: l.totalPrice,
          grossWeight: l.grossWeight,
          netWeight: l.netWeight,
          sources: l.sources,
        })),
      }),
    );
    return {
      summaryFlag: this.options.summaryFlag,
      itemNameFlag: this.options.itemNameFlag,
      declarations,
      listCount: this.lists,
      itemCount: this.items,
    };
  }
}

/** The CEB792 SummaryResultList rows of a declaration: each (invtNo, gnum) with its gseqno. */
export function* resultRows(d: SummaryDeclaration): Generator<SummaryResultRow> {
  for (const line of d.lines) {
    for (const s of line.sources) {
      yield { invtNo: s.invtNo, logisticsNo: s.logisticsNo, gseqno: line.gseqno, gnum: s.gnum, gcode: line.gcode };
    }
  }
}

/** Aggregates lists in one call (the aggregator for a stream). Refused lists are returned with their reasons. */
export function summarise(
  lists: Iterable<SummaryList>,
  options: SummaryOptions,
): { result: SummaryResult; refused: { invtNo: string; reasons: ExportReason[] }[] } {
  const agg = new SummaryAggregator(options);
  const refused: { invtNo: string; reasons: ExportReason[] }[] = [];
  for (const l of lists) {
    const reasons = agg.add(l);
    if (reasons.length > 0) refused.push({ invtNo: text(l.head.invtNo), reasons });
  }
  return { result: agg.result(), refused };
}

// ---------------------------------------------------------------------------------------------------------------
// Export returns leave the figures

/** A returned quantity of one list item (from accepted CEB213 returns, summed per item). */
export interface ReturnedQty {
  invtNo: string;
  gnum: number | string;
  qty: Amount;
}

/** Indexes returned quantities by invtNo, summing repeated (invtNo, gnum). */
export function returnsIndex(returned: Iterable<ReturnedQty>): Map<string, Map<string, Decimal>> {
  const out = new Map<string, Map<string, Decimal>>();
  for (const r of returned) {
    const q = dec(r.qty);
    if (!q) throw new RangeError(`returned qty is not a decimal: ${String(r.qty)}`);
    const inv = text(r.invtNo);
    let m = out.get(inv);
    if (!m) {
      m = new Map();
      out.set(inv, m);
    }
    const g = gnumKey(r.gnum);
    m.set(g, (m.get(g) ?? Decimal.ZERO).add(q));
  }
  return out;
}

const share = (v: Decimal, remaining: Decimal, qty: Decimal) => Ratio.from(v).mul(remaining).div(qty).round(5);

/**
 * A list without its returned quantities (see the module notes), or null when every item was returned whole.
 * Throws when a return exceeds what was exported (returns.ts refuses such a return before it is accepted).
 */
export function netReturns(
  list: SummaryList,
  returns: ReadonlyMap<string, ReadonlyMap<string, Decimal>>,
): SummaryList | null {
  const mine = returns.get(text(list.head.invtNo));
  if (!mine || mine.size === 0) return list;
  const items: SummaryListItem[] = [];
  for (const item of list.items) {
    const back = mine.get(gnumKey(item.gnum));
    if (!back || back.isZero()) {
      items.push(item);
      continue;
    }
    const qty = dec(item.qty);
    if (!qty) throw new RangeError(`list ${list.head.invtNo} item ${item.gnum}: qty is not a decimal`);
    const remaining = qty.sub(back);
    if (remaining.isNegative()) {
      throw new RangeError(`list ${list.head.invtNo} item ${item.gnum}: returned ${back} of ${qty}`);
    }
    if (remaining.isZero()) continue;
    const scale = (v: Amount | null | undefined) => {
      const d = dec(v);
      return d ? share(d, remaining, qty) : v;
    };
    items.push({
      ...item,
      qty: remaining,
      qty1: scale(item.qty1) as Amount,
      totalPrice: scale(item.totalPrice) as Amount,
      grossWeight: scale(item.grossWeight) ?? null,
      netWeight: scale(item.netWeight) ?? null,
    });
  }
  return items.length === 0 ? null : { head: list.head, items };
}
