import { addDays, shanghaiDate } from '../../../kernel/time.js';
import type { Tx } from '../../../platform/db/client.js';
import { cebTime, type ListWithDocuments } from '../../declaration/port.js';
import type { ClearanceContext } from '../context.js';
import type { Decision } from '../rules/import/engine.js';
import { policyOn, RETAIL_IMPORT_POLICIES } from '../rules/import/limits.js';
import type { DecisionReason } from '../rules/reasons.js';
import type { ListRow } from '../store/lists.js';
import { stockStore } from '../store/stock.js';
import { byItemRecord, taxBillRecord } from '../views.js';
import type { Pending } from './pending.js';
import { listReceipt, listRecipients } from './receipts.js';
import { rejectList } from './reject-list.js';

/**
 * Release: the buyer's quota is consumed (atomically: refused → rejected -621018), 1210 stock drawn down
 * (short → rejected), then 399 审结 and 800 放行, and the tax bill (CEB816) to the declarant and the guarantor.
 * All or nothing for the list (a savepoint).
 */
export async function releaseList(
  ctx: ClearanceContext,
  tx: Tx,
  p: Pending,
  list: ListRow,
  d: ListWithDocuments,
  taxed: Extract<Decision, { taxed: unknown }>['taxed'],
  now: Date,
  actor: string,
  detail: Record<string, unknown>,
  parties?: Map<string, { uscc: string }>,
): Promise<boolean> {
  const policy = policyOn(list.declaredOn, RETAIL_IMPORT_POLICIES);
  const year = Number(list.declaredOn.slice(0, 4));
  const attempt = async (sp: Tx): Promise<DecisionReason[] | null> => {
    // one consumption per entry of the list (its invtNo): a list re-declared after a cancellation is a new entry
    const consumed = await ctx.quota.consume(
      sp,
      list.buyerHash,
      year,
      list.invtNo ?? list.id,
      taxed.amount,
      policy.annualLimit,
    );
    if (!consumed.ok) {
      return [{ code: '-621018', rule: 'quota', message: { zh: consumed.messageZh, en: consumed.messageEn } }];
    }
    if (list.tradeMode === '1210' && list.areaCode) {
      const short: DecisionReason[] = [];
      // one move per item record: lines of the same record draw their summed quantity
      for (const item of byItemRecord(d.inventory.items, null)) {
        const ok = await stockStore.moveStock(sp, {
          area: list.areaCode,
          item: item.itemRecordNo,
          gcode: item.gcode,
          gname: item.gname,
          delta: item.qty.neg(),
          kind: 'release',
          ref: list.invtNo ?? list.id,
        });
        if (!ok) {
          short.push({
            code: 'BONDED_STOCK_SHORT',
            rule: 'bonded-stock',
            field: 'InventoryList.itemRecordNo',
            message: {
              zh: `料号 ${item.itemRecordNo} 保税库存不足本清单所需 ${item.qty.toString()}`,
              en: `Not enough bonded stock of ${item.itemRecordNo} for the ${item.qty.toString()} this list needs`,
            },
          });
        }
      }
      if (short.length) throw new StockShort(short);
    }
    return null;
  };
  // The quota consumption is its own savepoint; a 1210 list's stock moves join it in one more, all or nothing.
  const refused =
    list.tradeMode === '1210' && list.areaCode
      ? await tx.transaction(attempt).catch((e) => {
          if (e instanceof StockShort) return e.reasons;
          throw e;
        })
      : await attempt(tx);
  if (refused) {
    rejectList(p, list, d, 'release', refused, now, actor, detail);
    return false;
  }
  listReceipt(p, list, d, '399', `海关审结 [${list.invtNo}]`, now);
  listReceipt(p, list, d, '800', `放行 [${list.invtNo}]`, now);
  const releasedOn = shanghaiDate(now);
  const taxNo = `T${list.invtNo}`;
  p.taxBills.push({
    taxNo,
    listId: list.id,
    invtNo: list.invtNo as string,
    assureCode: list.assureCode,
    ebcCode: list.ebcCode,
    agentCode: list.agentCode,
    logisticsCode: list.logisticsCode,
    customsCode: list.customsCode,
    customsTax: taxed.customsTax,
    valueAddedTax: taxed.valueAddedTax,
    consumptionTax: taxed.consumptionTax,
    status: '1',
    releasedOn,
    dueFrom: addDays(releasedOn, 31),
    dueTo: addDays(releasedOn, 45),
    items: taxed.lines,
  });
  const time = cebTime(now, true);
  const bill = taxBillRecord(list, taxNo, taxed, time);
  const assure = (parties ?? (await ctx.filing.resolveCodes([list.assureCode], tx))).get(list.assureCode)?.uscc;
  for (const recipient of new Set([...listRecipients(list), assure].filter((u): u is string => !!u))) {
    p.receipts.push({
      recipientUscc: recipient,
      type: 'CEB816Message',
      businessKey: list.invtNo as string,
      returnStatus: '1',
      returnTime: time,
      returnInfo: `电子税单 ${taxNo} 已生成`,
      record: bill,
    });
  }
  p.updates.push({
    id: list.id,
    inventory_id: d.inventory.id,
    invt_no: list.invtNo,
    status: 'released',
    return_status: '800',
    check_at: null,
    released_at: now.toISOString(),
    amount: taxed.amount,
    customs_tax: taxed.customsTax,
    value_added_tax: taxed.valueAddedTax,
    consumption_tax: taxed.consumptionTax,
    quota_year: year,
    decision: { outcome: 'release', reasons: detail.reasons ?? [], sampling: detail.sampling ?? null, taxed },
  });
  p.statuses.push({ kind: 'inventory', id: d.inventory.id, status: '800' });
  p.events.push({
    listId: list.id,
    kind: 'released',
    returnStatus: '800',
    actor,
    detail: { ...detail, taxNo },
    at: now,
  });
  return true;
}

class StockShort extends Error {
  constructor(readonly reasons: DecisionReason[]) {
    super('bonded stock short');
  }
}
