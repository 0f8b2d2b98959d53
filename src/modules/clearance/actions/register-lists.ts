/**
 * A declared CEB621 becomes a waiting list (withdrawn when deleted); a declared order, payment or waybill marks the
 * waiting lists it may complete as due. Cancellations, returns and arrivals go to their own actions.
 */
import { randomUUID } from 'node:crypto';
import { shanghaiDate } from '../../../kernel/time.js';
import type { Tx } from '../../../platform/db/client.js';
import { type AcceptedRecords, personHash, text } from '../../declaration/port.js';
import type { ClearanceContext } from '../context.js';
import { listsStore } from '../store/lists.js';
import { cancelLists } from './cancel-list.js';
import { receiveReturns } from './receive-return.js';
import { recordDeliveries } from './record-delivery.js';

export async function registerLists(ctx: ClearanceContext, tx: Tx, acc: AcceptedRecords): Promise<void> {
  const now = ctx.clock();
  const declared = acc.records.filter((r) => text(r.head.appStatus) === '2' || acc.kind !== 'inventory');
  switch (acc.kind) {
    case 'inventory': {
      const live = declared.filter((r) => text(r.head.appType) !== '3');
      // deleted, or changed back to a draft (appStatus 1): the waiting list is withdrawn
      const deleted = acc.records.filter(
        (r) => text(r.head.appType) === '3' || (text(r.head.appType) === '2' && text(r.head.appStatus) !== '2'),
      );
      await listsStore.withdrawLists(
        tx,
        deleted.map((r) => ({ ebp: text(r.head.ebpCode), ebc: text(r.head.ebcCode), order: text(r.head.orderNo) })),
      );
      await listsStore.registerLists(
        tx,
        live.map(({ head: h, declarerUscc }) => ({
          id: randomUUID(),
          ebp_code: text(h.ebpCode),
          ebc_code: text(h.ebcCode),
          order_no: text(h.orderNo),
          agent_code: text(h.agentCode),
          cop_no: text(h.copNo),
          pre_no: text(h.preNo) || null,
          logistics_code: text(h.logisticsCode),
          logistics_no: text(h.logisticsNo),
          assure_code: text(h.assureCode),
          area_code: text(h.areaCode) || null,
          trade_mode: text(h.tradeMode),
          customs_code: text(h.customsCode),
          agent_uscc: acc.senderUscc,
          declarer_uscc: declarerUscc,
          buyer_hash: personHash(ctx.pi, h.buyerName, h.buyerIdType, h.buyerIdNumber),
          check_at: now.toISOString(),
          wait_deadline: new Date(now.getTime() + ctx.opts.matchTimeoutMs).toISOString(),
          declared_on: shanghaiDate(now),
        })),
      );
      break;
    }
    case 'order':
      await listsStore.touchWaiting(
        tx,
        'order',
        declared.map(({ head: h }) => ({ a: text(h.ebpCode), b: text(h.ebcCode), c: text(h.orderNo) })),
        now,
      );
      break;
    case 'payment':
      await listsStore.touchWaiting(
        tx,
        'payment',
        declared.map(({ head: h }) => ({ a: text(h.ebpCode), b: text(h.orderNo) })),
        now,
      );
      break;
    case 'waybill':
      await listsStore.touchWaiting(
        tx,
        'waybill',
        declared.map(({ head: h }) => ({ a: text(h.logisticsCode), b: text(h.logisticsNo) })),
        now,
      );
      break;
    default:
      if (acc.type === 'CEB623Message') await cancelLists(ctx, tx, acc, now);
      else if (acc.type === 'CEB625Message') await receiveReturns(ctx, tx, acc, now);
      else if (acc.type === 'CEB711Message') await recordDeliveries(ctx, tx, acc, now);
  }
}
