/**
 * What one transaction's actions write, gathered and written together at its end (`flush`): tax bills, list
 * updates, events, the hub records' statuses and the receipts.
 */
import type { Tx } from '../../../platform/db/client.js';
import { issueReceipts, type ReceiptToIssue, setRecordStatuses } from '../../declaration/port.js';
import { listsStore } from '../store/lists.js';
import { taxBillsStore } from '../store/tax-bills.js';

export type Pending = {
  taxBills: Record<string, unknown>[];
  receipts: ReceiptToIssue[];
  events: { listId: string; kind: string; returnStatus: string | null; actor: string; detail: unknown; at: Date }[];
  updates: Record<string, unknown>[];
  statuses: { kind: 'inventory' | 'order' | 'payment' | 'waybill'; id: string; status: string }[];
};

export const newPending = (): Pending => ({ taxBills: [], receipts: [], events: [], updates: [], statuses: [] });

export async function flush(tx: Tx, p: Pending): Promise<void> {
  await taxBillsStore.insert(tx, p.taxBills);
  await listsStore.updateLists(tx, p.updates);
  await listsStore.addEvents(tx, p.events);
  await setRecordStatuses(tx, p.statuses);
  if (p.receipts.length) await issueReceipts(tx, p.receipts);
}
