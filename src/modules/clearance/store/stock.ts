/** Queries of the bonded stock (clr_stock) and its moves (clr_stock_moves), 1210 lists. */
import { sql } from 'drizzle-orm';
import { Decimal } from '../../../kernel/money.js';
import { type Queryable, rowsOf } from '../../../platform/db/client.js';
import { json } from './lists.js';

export const stockStore = {
  /** Bonded stock of the given (areaCode, itemRecordNo) pairs. */
  async stock(q: Queryable, keys: { area: string; item: string }[]): Promise<Map<string, Decimal>> {
    if (!keys.length) return new Map();
    const rows = rowsOf<{ area_code: string; item_record_no: string; qty: string }>(
      await q.execute(sql`select s.area_code, s.item_record_no, s.qty::text as qty from clr_stock s
        join jsonb_to_recordset(${json(keys)}) as k(area text, item text)
          on s.area_code = k.area and s.item_record_no = k.item`),
    );
    return new Map(rows.map((r) => [`${r.area_code}|${r.item_record_no}`, Decimal.parse(r.qty)]));
  },

  /**
   * Moves bonded stock once per (ref, kind, item): draws down (negative delta) only when the stock suffices.
   * Returns false when a draw would take the stock below zero (nothing moved for that item).
   */
  async moveStock(
    q: Queryable,
    move: { area: string; item: string; gcode: string; gname: string; delta: Decimal; kind: string; ref: string },
  ): Promise<boolean> {
    const inserted = rowsOf<{ id: number }>(
      await q.execute(sql`insert into clr_stock_moves (area_code, item_record_no, delta, kind, ref)
        values (${move.area}, ${move.item}, ${move.delta.toString()}::numeric, ${move.kind}, ${move.ref})
        on conflict (ref, kind, area_code, item_record_no) do nothing returning id`),
    );
    if (!inserted[0]) return true; // moved already
    const delta = move.delta.toString();
    const updated = rowsOf<{ qty: string }>(
      move.delta.isNegative()
        ? await q.execute(sql`update clr_stock set qty = qty + ${delta}::numeric, updated_at = now()
            where area_code = ${move.area} and item_record_no = ${move.item} and qty + ${delta}::numeric >= 0
            returning qty::text as qty`)
        : await q.execute(sql`insert into clr_stock as s (area_code, item_record_no, gcode, gname, qty)
            values (${move.area}, ${move.item}, ${move.gcode}, ${move.gname}, ${delta}::numeric)
            on conflict (area_code, item_record_no) do update set qty = s.qty + excluded.qty, updated_at = now()
            returning s.qty::text as qty`),
    );
    return updated.length > 0;
  },

  /** Whether an entry (入区) of the item was recorded already under this entry number. */
  async hasEntry(q: Queryable, entry: { area: string; item: string; entryNo: string }): Promise<boolean> {
    const n = rowsOf<{ n: number }>(
      await q.execute(sql`select count(*)::int as n from clr_stock_moves where ref = ${entry.entryNo}
            and kind = 'entry' and area_code = ${entry.area} and item_record_no = ${entry.item}`),
    )[0]?.n;
    return !!n;
  },

  /** The stock of the given areas (all when null), for the console. */
  async ofAreas(q: Queryable, areaCodes: string[] | null) {
    return rowsOf<{
      area_code: string;
      item_record_no: string;
      gcode: string;
      gname: string;
      qty: string;
      updated_at: string;
    }>(
      await q.execute(sql`select area_code, item_record_no, gcode, gname, qty::text as qty, updated_at from clr_stock
        ${areaCodes ? sql`where area_code in (select jsonb_array_elements_text(${JSON.stringify(areaCodes)}::jsonb))` : sql``} order by area_code, item_record_no limit 1000`),
    );
  },
};
