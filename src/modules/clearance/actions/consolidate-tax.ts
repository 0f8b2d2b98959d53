import { randomBytes } from 'node:crypto';
import { Decimal } from '../../../kernel/money.js';
import { shanghaiDate } from '../../../kernel/time.js';
import type { Actor } from '../../../platform/audit/audit.js';
import type { ClearanceContext } from '../context.js';
import { listsStore } from '../store/lists.js';
import { taxBillsStore } from '../store/tax-bills.js';
import { taxBillView } from '../views.js';
import { flush, newPending } from './pending.js';
import { listReceipt, taxStatusReceipt } from './receipts.js';

/**
 * The guarantor pays the month's consolidated tax: every open bill (status 1) whose window opened in the month
 * and has begun (day 31 reached) becomes 已汇总 (2) under one payment number (缴款书编号), with its CEB818, and
 * its list is closed (899 结关).
 */
export async function consolidateTax(ctx: ClearanceContext, actor: Actor, assureUscc: string, month: string) {
  const now = ctx.clock();
  const today = shanghaiDate(now);
  const codes = await ctx.filing.codesOf(assureUscc);
  const entDutyNo = `HZ${month.replace('-', '')}${randomBytes(5).toString('hex').toUpperCase()}`;
  const result = await ctx.db.transaction(async (tx) => {
    // Lists first, then their bills (the order cancellations and arrivals lock in). A bill whose list has a return
    // still open waits: the goods may yet come back by day 45 and net its tax.
    const due = await taxBillsStore.consolidatable(tx, codes, month, today);
    await listsStore.lock(tx, due);
    const bills = due.length ? await taxBillsStore.consolidate(tx, due, month, entDutyNo, now) : [];
    const p = newPending();
    for (const b of bills) {
      const list = await listsStore.byId(tx, b.listId, true);
      if (!list) continue;
      await taxStatusReceipt(ctx, tx, p, list, b.taxNo, '2', now, entDutyNo);
      if (list.status === 'released') {
        listReceipt(p, list, null, '899', `结关 [${list.invtNo}]`, now);
        p.updates.push({
          id: list.id,
          status: 'closed',
          return_status: '899',
          check_at: null,
          closed_at: now.toISOString(),
        });
        if (list.inventoryId) p.statuses.push({ kind: 'inventory', id: list.inventoryId, status: '899' });
        p.events.push({
          listId: list.id,
          kind: 'closed',
          returnStatus: '899',
          actor: actor.userId ?? 'enterprise',
          detail: { taxNo: b.taxNo, entDutyNo },
          at: now,
        });
      }
    }
    await flush(tx, p);
    await ctx.audit.append(tx, actor, {
      action: 'clearance.tax-consolidated',
      targetType: 'enterprise',
      targetId: assureUscc,
      enterpriseUscc: assureUscc,
      summary: { month, entDutyNo, bills: bills.length },
    });
    return bills;
  });
  const paid = Decimal.sum(result.map((b) => Decimal.parse(taxBillView(b).payable)));
  return { month, entDutyNo: result.length ? entDutyNo : null, bills: result.length, paid: paid.toFixed(2) };
}
