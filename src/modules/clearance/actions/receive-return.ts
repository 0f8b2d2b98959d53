/** CEB625 退货申请单 → CEB626: a return applied for (whole or by item) against a released list, changed or withdrawn. */
import { randomUUID } from 'node:crypto';
import { Decimal } from '../../../kernel/money.js';
import type { Tx } from '../../../platform/db/client.js';
import {
  type AcceptedRecords,
  cebTime,
  listKeyOf,
  listsWithDocuments,
  receiptRecord,
  text,
} from '../../declaration/port.js';
import type { ClearanceContext } from '../context.js';
import { RETURN_WINDOW } from '../rules/import/limits.js';
import { listsStore } from '../store/lists.js';
import { returnsStore } from '../store/returns.js';
import { daysAfter } from '../views.js';
import { flush, newPending } from './pending.js';
import { billOf } from './tax-bills.js';

export async function receiveReturns(ctx: ClearanceContext, tx: Tx, acc: AcceptedRecords, now: Date): Promise<void> {
  const p = newPending();
  const time = cebTime(now, true);
  for (const { head, items, declarerUscc } of acc.records) {
    if (text(head.appStatus) !== '2') continue;
    // the hub's key of a return application: one per list and declarant, changed by appType 2, withdrawn by 3
    const key = `${text(head.agentCode)}|${text(head.invtNo)}`;
    const answer = (code: string, info: string) => {
      const record = receiptRecord('CEB626Message', head, code, time, info);
      for (const recipientUscc of new Set([acc.senderUscc, declarerUscc])) {
        p.receipts.push({
          recipientUscc,
          type: 'CEB626Message',
          businessKey: key,
          returnStatus: code,
          returnTime: time,
          returnInfo: info,
          record,
        });
      }
    };
    const list = await listsStore.byInvtNo(tx, text(head.invtNo), true);
    if (!list || list.declarerUscc !== declarerUscc) {
      answer('-625001', `未找到清单 ${text(head.invtNo)}，或不是本企业申报的清单`);
      continue;
    }
    if (text(head.appType) === '3') {
      const withdrawn = await returnsStore.withdraw(tx, key, now);
      if (withdrawn) {
        answer('399', `退货申请已撤回 [${list.invtNo}]`);
        p.events.push({
          listId: list.id,
          kind: 'return-withdrawn',
          returnStatus: null,
          actor: acc.senderUscc,
          detail: { key },
          at: now,
        });
      } else answer('-625002', `清单 ${list.invtNo} 没有可撤回的退货申请`);
      continue;
    }
    if (list.status !== 'released' || !list.releasedAt) {
      answer('-625002', `清单 ${list.invtNo} 状态为 ${list.status}，只有已放行的清单可以申请退货`);
      continue;
    }
    const day = daysAfter(list.releasedAt, now);
    if (day > RETURN_WINDOW.applyWithinDays) {
      answer('-625003', `退货申请须在放行后 ${RETURN_WINDOW.applyWithinDays} 天内提出，今天是第 ${day} 天`);
      continue;
    }
    const d = (await listsWithDocuments(tx, ctx.pi, [list])).get(listKeyOf(list));
    const bill = await billOf(tx, list);
    const lines = (bill?.items ?? []) as {
      gnum: number;
      taxPrice: string;
      customsTax: string;
      valueAddedTax: string;
      consumptionTax: string;
    }[];
    const errors: string[] = [];
    let amount = Decimal.ZERO;
    let tax = Decimal.ZERO;
    const parts = items.map((it) => {
      const gnum = Number(text(it.gnum));
      const orig = d?.inventory.items.find((x) => Number(x.gnum) === gnum);
      const line = lines.find((l) => l.gnum === gnum);
      if (!orig || !line || orig.gcode !== text(it.gcode)) {
        errors.push(`-625209 在关联的清单中未找到表体序号为[${gnum}],商品编号为[${text(it.gcode)}]的数据`);
        return null;
      }
      const qty = Decimal.parse(text(it.qty) || '0');
      const declaredQty = Decimal.parse(orig.qty ?? '0');
      if (!qty.isPositive() || qty.gt(declaredQty)) {
        errors.push(`-625004 第${gnum}项退货数量 ${qty} 须大于 0 且不超过清单数量 ${declaredQty}`);
        return null;
      }
      // the returned share of the item's dutiable price and of its tax, half-up to the fen
      const share = (v: string) => Decimal.parse(v).mul(qty).toRatio().div(declaredQty).round(2);
      const lineTax = Decimal.parse(line.customsTax)
        .add(Decimal.parse(line.valueAddedTax))
        .add(Decimal.parse(line.consumptionTax));
      const a = share(line.taxPrice);
      const t = lineTax.mul(qty).toRatio().div(declaredQty).round(2);
      amount = amount.add(a);
      tax = tax.add(t);
      return { gnum, qty: qty.toString(), amount: a.toFixed(2), tax: t.toFixed(2) };
    });
    if (errors.length) {
      answer(errors[0]!.split(' ')[0]!, errors.map((e) => e.slice(e.indexOf(' ') + 1)).join('；'));
      continue;
    }
    // a changed application (appType 2) replaces the open one; one whose goods came back stays as it was
    const stored = await returnsStore.apply(tx, {
      id: randomUUID(),
      listId: list.id,
      businessKey: key,
      items: parts,
      amount: amount.toFixed(2),
      tax: tax.toFixed(2),
      appliedAt: now,
      reason: text(head.reason),
    });
    if (!stored) {
      answer('-625002', `清单 ${list.invtNo} 的退货已办结，不能再变更`);
      continue;
    }
    answer(
      '120',
      `退货申请已受理 [${list.invtNo}]，请于放行后 ${RETURN_WINDOW.arriveWithinDays} 天内将商品退回原监管场所`,
    );
    p.events.push({
      listId: list.id,
      kind: 'return-applied',
      returnStatus: null,
      actor: acc.senderUscc,
      detail: { key, items: parts, amount: amount.toFixed(2), tax: tax.toFixed(2), day },
      at: now,
    });
  }
  await flush(tx, p);
}
