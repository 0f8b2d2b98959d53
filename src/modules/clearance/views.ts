/**
 * How the clearance engine's records look from outside: the views of lists and tax bills given to the API, the CEB
 * records it writes into receipts (list heads, CEB816 tax bills), and the hub's documents as the engine reads them.
 * Pure: no I/O.
 */
import { randomUUID } from 'node:crypto';
import { Decimal } from '../../kernel/money.js';
import { daysBetween, shanghaiDate } from '../../kernel/time.js';
import type { CebRecord, ListWithDocuments } from '../declaration/port.js';
import type { Decision, ListDocuments } from './rules/import/engine.js';
import type { clrTaxBills } from './schema.js';
import type { ListRow } from './store/lists.js';

/**
 * A list's quantities per bonded item record (lines of one record summed), all of them or only the returned
 * quantities of the given lines.
 */
export function byItemRecord(
  lines: readonly Record<string, string>[],
  only: readonly { gnum: number; qty: string }[] | null,
): { itemRecordNo: string; gcode: string; gname: string; qty: Decimal }[] {
  const out = new Map<string, { itemRecordNo: string; gcode: string; gname: string; qty: Decimal }>();
  for (const line of lines) {
    const qty = only ? only.find((i) => i.gnum === Number(line.gnum))?.qty : line.qty;
    const record = line.itemRecordNo ?? '';
    if (!qty || !record) continue;
    const was = out.get(record);
    out.set(record, {
      itemRecordNo: record,
      gcode: line.gcode ?? '',
      gname: line.gname ?? '',
      qty: (was?.qty ?? Decimal.ZERO).add(Decimal.parse(qty)),
    });
  }
  return [...out.values()];
}

/** Asia/Shanghai calendar days from one instant to another (the release day is day 0). */
export function daysAfter(from: Date, to: Date): number {
  return daysBetween(shanghaiDate(from), shanghaiDate(to));
}

/** The list's head fields the receipts copy (numbers the engine gave it override the declared ones). */
export function listHeadOf(list: ListRow): Record<string, string> {
  const h: Record<string, string> = {
    customsCode: list.customsCode,
    ebpCode: list.ebpCode,
    ebcCode: list.ebcCode,
    agentCode: list.agentCode,
    copNo: list.copNo,
    orderNo: list.orderNo,
  };
  if (list.preNo) h.preNo = list.preNo;
  if (list.invtNo) h.invtNo = list.invtNo;
  return h;
}

export function taxBillRecord(
  list: ListRow,
  taxNo: string,
  taxed: Extract<Decision, { taxed: unknown }>['taxed'],
  time: string,
): CebRecord {
  return {
    TaxHeadRd: {
      guid: randomUUID().toUpperCase(),
      returnTime: time,
      invtNo: list.invtNo as string,
      taxNo,
      customsTax: taxed.customsTax,
      valueAddedTax: taxed.valueAddedTax,
      consumptionTax: taxed.consumptionTax,
      status: '1',
      assureCode: list.assureCode,
      ebcCode: list.ebcCode,
      logisticsCode: list.logisticsCode,
      agentCode: list.agentCode,
      customsCode: list.customsCode,
    },
    TaxListRd: taxed.lines.map((l) => ({
      gnum: String(l.gnum),
      gcode: l.gcode,
      taxPrice: l.taxPrice,
      customsTax: l.customsTax,
      valueAddedTax: l.valueAddedTax,
      consumptionTax: l.consumptionTax,
    })),
  } as unknown as CebRecord;
}

/** The declaration hub's records as the engine reads them (XSD field names, plain values). */
export function toEngineDocuments(d: ListWithDocuments): ListDocuments {
  const h = d.inventory.head;
  const s = (v: string | undefined) => v ?? '';
  return {
    list: {
      head: {
        orderNo: s(h.orderNo),
        ebpCode: s(h.ebpCode),
        ebcCode: s(h.ebcCode),
        logisticsCode: s(h.logisticsCode),
        logisticsNo: s(h.logisticsNo),
        buyerIdType: s(h.buyerIdType),
        buyerIdNumber: s(h.buyerIdNumber),
        buyerName: s(h.buyerName),
        freight: s(h.freight),
        tradeMode: s(h.tradeMode),
        currency: s(h.currency),
        insuredFee: s(h.insuredFee),
        areaCode: h.areaCode ?? null,
      },
      items: d.inventory.items.map((i) => ({
        gnum: s(i.gnum),
        itemName: i.itemName ?? null,
        gname: s(i.gname),
        qty: s(i.qty),
        price: s(i.price),
        totalPrice: s(i.totalPrice),
        gcode: s(i.gcode),
        gmodel: s(i.gmodel),
        itemRecordNo: i.itemRecordNo ?? null,
      })),
    },
    order: d.order
      ? {
          head: d.order.head as unknown as NonNullable<ListDocuments['order']>['head'],
          items: d.order.items as unknown as NonNullable<ListDocuments['order']>['items'],
        }
      : null,
    payment: (d.payment?.head as unknown as ListDocuments['payment']) ?? null,
    waybill: (d.waybill?.head as unknown as ListDocuments['waybill']) ?? null,
  };
}

export interface ListView {
  id: string;
  invtNo: string | null;
  orderNo: string;
  ebpCode: string;
  ebcCode: string;
  agentCode: string;
  copNo: string;
  logisticsCode: string;
  logisticsNo: string;
  tradeMode: string;
  status: string;
  returnStatus: string;
  declaredOn: string;
  releasedAt: string | null;
  amount: string | null;
  tax: { customsTax: string; valueAddedTax: string; consumptionTax: string } | null;
  decision: unknown;
  createdAt: string;
  updatedAt: string;
  events?: { id: number; kind: string; returnStatus: string | null; actor: string; detail: unknown; at: string }[];
  returns?: unknown[];
  taxBill?: unknown;
}

export function listView(l: ListRow): ListView {
  return {
    id: l.id,
    invtNo: l.invtNo,
    orderNo: l.orderNo,
    ebpCode: l.ebpCode,
    ebcCode: l.ebcCode,
    agentCode: l.agentCode,
    copNo: l.copNo,
    logisticsCode: l.logisticsCode,
    logisticsNo: l.logisticsNo,
    tradeMode: l.tradeMode,
    status: l.status,
    returnStatus: l.returnStatus,
    declaredOn: l.declaredOn,
    releasedAt: l.releasedAt?.toISOString() ?? null,
    amount: l.amount,
    tax:
      l.customsTax !== null
        ? { customsTax: l.customsTax, valueAddedTax: l.valueAddedTax ?? '0', consumptionTax: l.consumptionTax ?? '0' }
        : null,
    decision: l.decision,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}

export function taxBillView(b: typeof clrTaxBills.$inferSelect) {
  const total = Decimal.parse(b.customsTax).add(Decimal.parse(b.valueAddedTax)).add(Decimal.parse(b.consumptionTax));
  return {
    taxNo: b.taxNo,
    invtNo: b.invtNo,
    assureCode: b.assureCode,
    ebcCode: b.ebcCode,
    customsTax: b.customsTax,
    valueAddedTax: b.valueAddedTax,
    consumptionTax: b.consumptionTax,
    total: total.toFixed(2),
    netted: b.nettedTax,
    payable: b.status === '3' ? '0.00' : total.sub(Decimal.parse(b.nettedTax)).toFixed(2),
    status: b.status,
    releasedOn: b.releasedOn,
    dueFrom: b.dueFrom,
    dueTo: b.dueTo,
    entDutyNo: b.entDutyNo,
    items: b.items,
  };
}
