/** Changes to a released list's tax bill: netting a return's tax, voiding on cancellation (each with its CEB818). */
import { Decimal } from '../../../kernel/money.js';
import type { Queryable, Tx } from '../../../platform/db/client.js';
import type { ClearanceContext } from '../context.js';
import type { ListRow } from '../store/lists.js';
import { type TaxBillRow, taxBillsStore } from '../store/tax-bills.js';
import type { Pending } from './pending.js';
import { taxStatusReceipt } from './receipts.js';

/** The tax bill of a list's current entry (a list re-declared after a cancellation has a new invtNo and bill). */
export async function billOf(q: Queryable, list: ListRow): Promise<TaxBillRow | undefined> {
  if (!list.invtNo) return undefined;
  return taxBillsStore.byInvtNo(q, list.invtNo);
}

export async function netTax(
  ctx: ClearanceContext,
  tx: Tx,
  p: Pending,
  list: ListRow,
  tax: Decimal,
  now: Date,
): Promise<void> {
  const bill = await billOf(tx, list);
  if (!bill) return;
  const netted = Decimal.parse(bill.nettedTax).add(tax);
  const total = Decimal.parse(bill.customsTax)
    .add(Decimal.parse(bill.valueAddedTax))
    .add(Decimal.parse(bill.consumptionTax));
  const voided = netted.gte(total);
  await taxBillsStore.update(tx, bill.taxNo, {
    nettedTax: Decimal.min(netted, total).toFixed(2),
    status: voided && bill.status === '1' ? '3' : bill.status,
    updatedAt: now,
  });
  if (voided && bill.status === '1') await taxStatusReceipt(ctx, tx, p, list, bill.taxNo, '3', now);
}

export async function voidTaxBill(
  ctx: ClearanceContext,
  tx: Tx,
  p: Pending,
  list: ListRow,
  now: Date,
  why: string,
): Promise<void> {
  const bill = await billOf(tx, list);
  if (!bill || bill.status === '3') return;
  await taxBillsStore.update(tx, bill.taxNo, { status: '3', note: why, updatedAt: now });
  await taxStatusReceipt(ctx, tx, p, list, bill.taxNo, '3', now);
}
