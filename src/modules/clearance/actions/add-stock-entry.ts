import { Decimal } from '../../../kernel/money.js';
import type { Actor } from '../../../platform/audit/audit.js';
import { pgCode } from '../../../platform/db/client.js';
import { AppError } from '../../../platform/http/errors.js';
import type { ClearanceContext } from '../context.js';
import { stockStore } from '../store/stock.js';

/**
 * Goods entering the bonded warehouse (入区): raise the stock per item, once per entry number. The warehouse
 * reports the entry after tallying (理货), with its CEB711 copNo as the entry number when it sent one.
 */
export async function addStockEntry(
  ctx: ClearanceContext,
  actor: Actor,
  input: {
    areaCode: string;
    entryNo: string;
    items: { itemRecordNo: string; gcode: string; gname: string; qty: string }[];
  },
): Promise<{ areaCode: string; entryNo: string; repeated: boolean }> {
  let repeated = true;
  await ctx.db
    .transaction(async (tx) => {
      for (const item of input.items) {
        const before = await stockStore.hasEntry(tx, {
          area: input.areaCode,
          item: item.itemRecordNo,
          entryNo: input.entryNo,
        });
        if (!before) repeated = false;
        await stockStore.moveStock(tx, {
          area: input.areaCode,
          item: item.itemRecordNo,
          gcode: item.gcode,
          gname: item.gname,
          delta: Decimal.parse(item.qty),
          kind: 'entry',
          ref: input.entryNo,
        });
      }
      await ctx.audit.append(tx, actor, {
        action: 'clearance.bonded-entry',
        targetType: 'warehouse',
        targetId: input.areaCode,
        summary: { entryNo: input.entryNo, items: input.items.length },
      });
    })
    .catch((e) => {
      if (pgCode(e) === '22003') {
        throw new AppError(
          422,
          'STOCK_TOO_LARGE',
          '库存数量超出可记录的范围（19 位数字，5 位小数）',
          'The stock would exceed what can be recorded (19 digits, 5 decimals)',
          [{ path: 'items', message: '数量过大', messageEn: 'quantity too large' }],
        );
      }
      throw e;
    });
  return { areaCode: input.areaCode, entryNo: input.entryNo, repeated };
}
