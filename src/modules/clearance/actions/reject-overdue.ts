import { listKeyOf, listsWithDocuments } from '../../declaration/port.js';
import type { ClearanceContext } from '../context.js';
import { RETURN_WINDOW } from '../rules/import/limits.js';
import type { DecisionReason } from '../rules/reasons.js';
import { listsStore } from '../store/lists.js';
import { returnsStore } from '../store/returns.js';
import { flush, newPending } from './pending.js';
import { rejectList } from './reject-list.js';

/** Rejects lists that waited too long; marks returns whose goods did not come back in time. */
export async function rejectOverdue(ctx: ClearanceContext): Promise<void> {
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    const overdue = await listsStore.overdueLists(tx, now, 1000);
    if (overdue.length) {
      const p = newPending();
      const docs = await listsWithDocuments(tx, ctx.pi, overdue);
      for (const list of overdue) {
        const missing = ((list.decision as { missing?: string[] } | null)?.missing ?? []) as string[];
        const names = missing.map((m) => MISSING_NAMES[m as keyof typeof MISSING_NAMES] ?? { zh: m, en: m });
        const reason: DecisionReason = {
          code: 'MATCH_TIMEOUT',
          rule: 'match:timeout',
          message: {
            zh: `等待${names.map((n) => n.zh).join('、') || '单证'}超时（${Math.round(ctx.opts.matchTimeoutMs / 60000)} 分钟），清单退单`,
            en: `Timed out waiting for the ${names.map((n) => n.en).join(', ') || 'documents'} (${Math.round(ctx.opts.matchTimeoutMs / 60000)} min): list rejected`,
          },
        };
        rejectList(p, list, docs.get(listKeyOf(list)) ?? null, 'timeout', [reason], now, 'engine', {});
      }
      await flush(tx, p);
    }
    // Returns whose goods did not arrive within the window: neither refund nor quota (checked once, recorded).
    const late = await returnsStore.markLate(tx, now, RETURN_WINDOW.arriveWithinDays + 1);
    if (late.length) {
      await listsStore.addEvents(
        tx,
        late.map((r) => ({
          listId: r.list_id,
          kind: 'return-late',
          returnStatus: null,
          actor: 'engine',
          detail: { returnId: r.id, window: RETURN_WINDOW },
          at: now,
        })),
      );
    }
  });
}

const MISSING_NAMES = {
  order: { zh: '订单', en: 'order' },
  payment: { zh: '支付单', en: 'payment' },
  waybill: { zh: '运单', en: 'waybill' },
} as const;
