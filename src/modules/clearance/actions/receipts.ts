/** The receipts the actions issue through the hub: a list's CEB622, its documents' 120, the tax bill's CEB818. */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../../platform/db/client.js';
import { cebTime, type ListWithDocuments, listKeyOf, receiptRecord } from '../../declaration/port.js';
import type { ClearanceContext } from '../context.js';
import type { ListRow } from '../store/lists.js';
import { listHeadOf } from '../views.js';
import type { Pending } from './pending.js';

/** A list's receipts go to the enterprise that sent it and to the e-commerce enterprise it was declared for. */
export function listRecipients(list: ListRow): string[] {
  return [...new Set([list.agentUscc, list.declarerUscc].filter(Boolean))];
}

export function listReceipt(
  p: Pending,
  list: ListRow,
  d: ListWithDocuments | null,
  code: string,
  info: string,
  now: Date,
): void {
  const time = cebTime(now, true);
  const head = { ...(d?.inventory.head ?? {}), ...listHeadOf(list) };
  const record = receiptRecord('CEB622Message', head, code, time, info);
  for (const recipientUscc of listRecipients(list)) {
    p.receipts.push({
      recipientUscc,
      type: 'CEB622Message',
      businessKey: listKeyOf(list),
      returnStatus: code,
      returnTime: time,
      returnInfo: info,
      record,
    });
  }
}

/** 120 receipts: the list entered with its invtNo, and its order, payment and waybill matched. */
export function enterList(p: Pending, list: ListRow, d: ListWithDocuments, now: Date): void {
  documentsMatched(p, list, d, now);
  listReceipt(p, list, d, '120', `海关入库，清单编号 ${list.invtNo} / entered as ${list.invtNo}`, now);
}

/**
 * The order, payment and waybill of a matched list enter the customs database (120), also when the list itself is
 * then refused for its limits, goods or stock: the documents were right.
 */
export function documentsMatched(p: Pending, list: ListRow, d: ListWithDocuments, now: Date): void {
  const time = cebTime(now, true);
  const info = `三单对碰通过，海关入库[${list.orderNo}] / matched and entered`;
  const doc = (
    type: string,
    r: { id: string; senderUscc: string; declarerUscc: string; head: Record<string, string> } | null,
    key: string,
    kind: Pending['statuses'][number]['kind'],
  ) => {
    if (!r) return;
    const record = receiptRecord(type as 'CEB312Message', r.head, '120', time, info);
    for (const recipientUscc of new Set([r.senderUscc, r.declarerUscc])) {
      p.receipts.push({
        recipientUscc,
        type,
        businessKey: key,
        returnStatus: '120',
        returnTime: time,
        returnInfo: info,
        record,
      });
    }
    p.statuses.push({ kind, id: r.id, status: '120' });
  };
  doc('CEB312Message', d.order, `${list.ebpCode}|${list.ebcCode}|${list.orderNo}`, 'order');
  doc('CEB412Message', d.payment, `${d.payment?.head.payCode}|${d.payment?.head.payTransactionId}`, 'payment');
  doc('CEB512Message', d.waybill, `${list.logisticsCode}|${list.logisticsNo}`, 'waybill');
}

/** CEB818: a tax bill's new status, to the declarant and the guarantor (as the CEB816 went). */
export async function taxStatusReceipt(
  ctx: ClearanceContext,
  q: Queryable,
  p: Pending,
  list: ListRow,
  taxNo: string,
  status: string,
  now: Date,
  entDutyNo?: string,
): Promise<void> {
  const time = cebTime(now, true);
  const assure = (await ctx.filing.resolveCodes([list.assureCode], q)).get(list.assureCode)?.uscc;
  const record = {
    TaxHeadStatus: {
      guid: randomUUID().toUpperCase(),
      returnTime: time,
      invtNo: list.invtNo as string,
      taxNo,
      status,
      ...(entDutyNo ? { entDutyNo } : {}),
      assureCode: list.assureCode,
    },
  };
  for (const recipient of new Set([...listRecipients(list), assure].filter((u): u is string => !!u))) {
    p.receipts.push({
      recipientUscc: recipient,
      type: 'CEB818Message',
      businessKey: list.invtNo as string,
      returnStatus: status,
      returnTime: time,
      returnInfo: `电子税单 ${taxNo} 状态 ${status}`,
      record,
    });
  }
}
