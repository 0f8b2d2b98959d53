import type { Tx } from '../../../platform/db/client.js';
import { type AcceptedRecords, cebTime, receiptRecord, text } from '../../declaration/port.js';
import type { ClearanceContext } from '../context.js';
import { listsStore } from '../store/lists.js';
import { arrive } from './confirm-return-arrival.js';
import { flush, newPending } from './pending.js';

/** CEB711 入库明细单: parcels back at the site. Returned lists whose goods arrive in time get quota and tax back. */
export async function recordDeliveries(ctx: ClearanceContext, tx: Tx, acc: AcceptedRecords, now: Date): Promise<void> {
  const p = newPending();
  const time = cebTime(now, true);
  for (const { head, items } of acc.records) {
    if (text(head.appStatus) !== '2' || text(head.appType) === '3' || text(head.ieFlag) !== 'I') continue;
    const nos = items.map((i) => text(i.logisticsNo)).filter(Boolean);
    const lists = (await listsStore.byLogisticsNos(tx, nos)).filter(
      (l) => l.logisticsCode === text(head.logisticsCode),
    );
    let matched = 0;
    for (const list of lists) matched += await arrive(ctx, tx, p, list, now, acc.senderUscc);
    const info = matched ? `入库明细单已入库，${matched} 票退货商品已运抵` : '入库明细单已入库';
    p.receipts.push({
      recipientUscc: acc.senderUscc,
      type: 'CEB712Message',
      businessKey: `${text(head.operatorCode)}|${text(head.copNo)}`,
      returnStatus: '120',
      returnTime: time,
      returnInfo: info,
      record: receiptRecord('CEB712Message', head, '120', time, info),
    });
  }
  await flush(tx, p);
}
