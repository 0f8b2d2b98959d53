import type { Tx } from '../../../platform/db/client.js';
import { type AcceptedRecords, cebTime, receiptRecord, text } from '../../declaration/port.js';
import type { ClearanceContext } from '../context.js';
import { RETURN_WINDOW } from '../rules/import/limits.js';
import { listsStore } from '../store/lists.js';
import { returnsStore } from '../store/returns.js';
import { daysAfter } from '../views.js';
import { flush, newPending } from './pending.js';
import { putBackStock } from './stock.js';
import { voidTaxBill } from './tax-bills.js';

export async function cancelLists(ctx: ClearanceContext, tx: Tx, acc: AcceptedRecords, now: Date): Promise<void> {
  const p = newPending();
  const time = cebTime(now, true);
  for (const { head, declarerUscc } of acc.records) {
    // a cancellation is only ever new (appType 1, XSD): a change or deletion of one changes nothing here
    if (text(head.appStatus) !== '2' || text(head.appType) !== '1') continue;
    const answer = (code: string, info: string) => {
      const record = receiptRecord('CEB624Message', head, code, time, info);
      for (const recipientUscc of new Set([acc.senderUscc, declarerUscc])) {
        p.receipts.push({
          recipientUscc,
          type: 'CEB624Message',
          businessKey: `${text(head.agentCode)}|${text(head.copNo)}`,
          returnStatus: code,
          returnTime: time,
          returnInfo: info,
          record,
        });
      }
    };
    const list = await listsStore.byInvtNo(tx, text(head.invtNo), true);
    // the hub let only the list's e-commerce enterprise or its delegate send it: that enterprise's lists only
    if (!list || list.declarerUscc !== declarerUscc) {
      answer('-623005', `未找到清单 ${text(head.invtNo)}，或不是本企业申报的清单`);
      continue;
    }
    if (list.status === 'cancelled') {
      answer('-623009', `清单 ${list.invtNo} 已撤销`);
      continue;
    }
    const cancellable = ['waiting', 'review', 'inspection', 'released'].includes(list.status);
    const returned = await returnsStore.hasAny(tx, list.id);
    if (!cancellable || returned) {
      answer('-623005', `清单的状态（${list.status}${returned ? '，已申请退货' : ''}）不符合撤单申报要求`);
      continue;
    }
    const after = list.status === 'released';
    const day = after ? daysAfter(list.releasedAt as Date, now) : 0;
    if (after && day > RETURN_WINDOW.applyWithinDays) {
      answer('-623005', `放行后 ${RETURN_WINDOW.applyWithinDays} 天内方可撤单，清单 ${list.invtNo} 已放行 ${day} 天`);
      continue;
    }
    if (after) {
      // Goods never delivered: the quota is given back in full, the tax bill voided, bonded stock put back.
      await ctx.quota.restore(
        tx,
        list.buyerHash,
        list.quotaYear ?? Number(list.declaredOn.slice(0, 4)),
        list.invtNo ?? list.id,
        {
          releasedAt: list.releasedAt as Date,
          appliedAt: list.releasedAt as Date,
          arrivedAt: list.releasedAt as Date,
        },
      );
      await voidTaxBill(ctx, tx, p, list, now, '撤单');
      await putBackStock(ctx, tx, list, 'cancel', null);
    }
    answer('399', `撤单成功 [${list.invtNo}] / cancelled`);
    p.updates.push({ id: list.id, status: 'cancelled', return_status: list.returnStatus, check_at: null });
    if (list.inventoryId) p.statuses.push({ kind: 'inventory', id: list.inventoryId, status: 'cancelled' });
    p.events.push({
      listId: list.id,
      kind: 'cancelled',
      returnStatus: null,
      actor: acc.senderUscc,
      detail: { reason: text(head.reason), afterRelease: after, messageId: acc.messageId },
      at: now,
    });
  }
  await flush(tx, p);
}
