import { Decimal } from '../../../kernel/money.js';
import type { Actor } from '../../../platform/audit/audit.js';
import type { Tx } from '../../../platform/db/client.js';
import { AppError } from '../../../platform/http/errors.js';
import type { ClearanceContext } from '../context.js';
import { RETURN_WINDOW } from '../rules/import/limits.js';
import { type ListRow, listsStore } from '../store/lists.js';
import { returnsStore } from '../store/returns.js';
import { flush, newPending, type Pending } from './pending.js';
import { putBackStock } from './stock.js';
import { netTax } from './tax-bills.js';

/** An officer confirms the goods of a return are back (when the site sends no CEB711). */
export async function confirmReturnArrival(ctx: ClearanceContext, actor: Actor, returnId: string): Promise<void> {
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    const r = await returnsStore.byId(tx, returnId);
    if (!r) throw AppError.notFound('return', '退货申请');
    if (r.status !== 'applied') {
      throw AppError.conflict('RETURN_NOT_OPEN', `退货申请状态为 ${r.status}`, `The return is ${r.status}`);
    }
    const list = await listsStore.byId(tx, r.listId, true);
    if (!list) throw AppError.notFound('list', '清单');
    const p = newPending();
    await arrive(ctx, tx, p, list, now, actor.userId ?? 'officer', r.id);
    await flush(tx, p);
    await ctx.audit.append(tx, actor, {
      action: 'clearance.return-arrived',
      targetType: 'inventory',
      targetId: list.invtNo ?? list.id,
      summary: { returnId },
    });
  });
}

/**
 * The goods of a list's open returns (or of one) are back: in time, quota and tax come back and bonded stock is put
 * back; late, neither (the 30/45-day rule). Returns how many returns arrived.
 */
export async function arrive(
  ctx: ClearanceContext,
  tx: Tx,
  p: Pending,
  list: ListRow,
  now: Date,
  actor: string,
  onlyReturn?: string,
): Promise<number> {
  const open = (await returnsStore.openOf(tx, list.id)).filter((r) => !onlyReturn || r.id === onlyReturn);
  for (const r of open) {
    const restored = await ctx.quota.restore(
      tx,
      list.buyerHash,
      list.quotaYear ?? Number(list.declaredOn.slice(0, 4)),
      list.invtNo ?? list.id,
      { releasedAt: list.releasedAt as Date, appliedAt: r.appliedAt, arrivedAt: now },
      RETURN_WINDOW,
      { ref: r.businessKey, amount: r.amount },
    );
    const inTime = restored.ok;
    await returnsStore.settle(tx, r.id, inTime ? 'arrived' : 'late', now);
    if (inTime) {
      await netTax(ctx, tx, p, list, Decimal.parse(r.tax), now);
      await putBackStock(ctx, tx, list, 'return', r.items as { gnum: number; qty: string }[], r.businessKey);
    }
    p.events.push({
      listId: list.id,
      kind: inTime ? 'return-arrived' : 'return-late',
      returnStatus: null,
      actor,
      detail: {
        returnId: r.id,
        key: r.businessKey,
        amount: r.amount,
        tax: r.tax,
        ...(restored.ok ? {} : { why: restored.messageZh }),
      },
      at: now,
    });
  }
  return open.length;
}
