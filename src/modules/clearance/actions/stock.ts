/** Bonded stock (1210) put back when a released list is cancelled or its goods come back. */
import type { Tx } from '../../../platform/db/client.js';
import { listKeyOf, listsWithDocuments } from '../../declaration/port.js';
import type { ClearanceContext } from '../context.js';
import type { ListRow } from '../store/lists.js';
import { stockStore } from '../store/stock.js';
import { byItemRecord } from '../views.js';

export async function putBackStock(
  ctx: ClearanceContext,
  tx: Tx,
  list: ListRow,
  kind: 'cancel' | 'return',
  items: { gnum: number; qty: string }[] | null,
  ref?: string,
): Promise<void> {
  if (list.tradeMode !== '1210' || !list.areaCode) return;
  const d = (await listsWithDocuments(tx, ctx.pi, [list])).get(listKeyOf(list));
  for (const item of byItemRecord(d?.inventory.items ?? [], items)) {
    await stockStore.moveStock(tx, {
      area: list.areaCode,
      item: item.itemRecordNo,
      gcode: item.gcode,
      gname: item.gname,
      delta: item.qty,
      kind,
      ref: ref ?? list.invtNo ?? list.id,
    });
  }
}
