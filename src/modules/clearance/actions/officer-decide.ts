import type { Actor } from '../../../platform/audit/audit.js';
import { AppError } from '../../../platform/http/errors.js';
import { listKeyOf, listsWithDocuments } from '../../declaration/port.js';
import type { ClearanceContext } from '../context.js';
import { listDetail } from '../queries.js';
import type { Decision } from '../rules/import/engine.js';
import type { DecisionReason } from '../rules/reasons.js';
import { listsStore } from '../store/lists.js';
import type { ListView } from '../views.js';
import { flush, newPending } from './pending.js';
import { rejectList } from './reject-list.js';
import { releaseList } from './release-list.js';

/** An officer settles a list in manual review (300) or inspection (500): release, or reject with the reason. */
export async function officerDecide(
  ctx: ClearanceContext,
  actor: Actor,
  listId: string,
  input: { decision: 'release' | 'reject'; note: string },
): Promise<ListView> {
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    const list = await listsStore.byId(tx, listId, true);
    if (!list) throw AppError.notFound('list', '清单');
    if (list.status !== 'review' && list.status !== 'inspection') {
      throw AppError.conflict(
        'LIST_NOT_PENDING',
        `清单状态为 ${list.status}，不在人工审核或查验中`,
        `The list is ${list.status}, not in manual review or inspection`,
      );
    }
    const d = (await listsWithDocuments(tx, ctx.pi, [list])).get(listKeyOf(list)) ?? null;
    const p = newPending();
    const who = actor.userId ?? 'officer';
    const detail = {
      stage: list.status,
      decision: input.decision,
      note: input.note,
      officer: { userId: actor.userId ?? null, name: actor.name ?? null },
      reasons: (list.decision as { reasons?: unknown } | null)?.reasons ?? [],
      sampling: (list.decision as { sampling?: unknown } | null)?.sampling ?? null,
    };
    if (input.decision === 'reject' || !d) {
      const reason: DecisionReason = {
        code: list.status === 'inspection' ? 'INSPECTION_FAILED' : 'REVIEW_REJECTED',
        rule: `officer:${list.status}`,
        message: {
          zh: `${list.status === 'inspection' ? '查验' : '人工审核'}不通过：${input.note}`,
          en: `${list.status === 'inspection' ? 'Inspection' : 'Manual review'} failed: ${input.note}`,
        },
      };
      rejectList(p, list, d, list.status, [reason], now, who, detail);
    } else {
      const taxed = (list.decision as { taxed: Extract<Decision, { taxed: unknown }>['taxed'] }).taxed;
      await releaseList(ctx, tx, p, list, d, taxed, now, who, detail);
    }
    await flush(tx, p);
    await ctx.audit.append(tx, actor, {
      action: `clearance.${list.status as 'review' | 'inspection'}-decided`,
      targetType: 'inventory',
      targetId: list.invtNo ?? list.id,
      summary: { decision: input.decision, note: input.note },
    });
  });
  return (await listDetail(ctx, null, listId)) as ListView;
}
