/** Queries of the electronic tax bills (clr_tax_bills, CEB816/818) and the consolidated monthly payment. */
import { eq, sql } from 'drizzle-orm';
import { insertJsonRows } from '../../../platform/db/bulk.js';
import { type Queryable, rowsOf } from '../../../platform/db/client.js';
import { clrTaxBills } from '../schema.js';

export type TaxBillRow = typeof clrTaxBills.$inferSelect;

/** `codes` as a set for `in (…)`: a JSON array parameter. */
const inCodes = (codes: string[]) => sql`(select jsonb_array_elements_text(${JSON.stringify(codes)}::jsonb))`;

export const taxBillsStore = {
  async insert(q: Queryable, rows: Record<string, unknown>[]): Promise<void> {
    await insertJsonRows(q, clrTaxBills, rows);
  },

  /** The tax bill of a list's entry (a list re-declared after a cancellation has a new invtNo and bill). */
  async byInvtNo(q: Queryable, invtNo: string): Promise<TaxBillRow | undefined> {
    return (await q.select().from(clrTaxBills).where(eq(clrTaxBills.invtNo, invtNo)))[0];
  },

  async update(
    q: Queryable,
    taxNo: string,
    set: { nettedTax?: string; status?: string; note?: string; updatedAt: Date },
  ): Promise<void> {
    await q.update(clrTaxBills).set(set).where(eq(clrTaxBills.taxNo, taxNo));
  },

  /** A page of bills, those of enterprises with `codes` (as guarantor, declarant or e-commerce enterprise) or all. */
  async page(
    q: Queryable,
    codes: string[] | null,
    f: { status?: string; month?: string; page: number; pageSize: number },
  ): Promise<{ rows: TaxBillRow[]; total: number }> {
    const conds = [sql`true`];
    if (codes) {
      conds.push(sql`(assure_code in ${inCodes(codes)}
        or agent_code in ${inCodes(codes)}
        or ebc_code in ${inCodes(codes)})`);
    }
    if (f.status) conds.push(sql`status = ${f.status}`);
    if (f.month) conds.push(sql`to_char(released_on, 'YYYY-MM') = ${f.month}`);
    const where = sql.join(conds, sql` and `);
    const rows = await q
      .select()
      .from(clrTaxBills)
      .where(where)
      .orderBy(sql`released_on desc, tax_no`)
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize);
    const total =
      rowsOf<{ n: number }>(await q.execute(sql`select count(*)::int as n from clr_tax_bills where ${where}`))[0]?.n ??
      0;
    return { rows, total };
  },

  /** The guarantor's bills whose payment window opens in `month`. */
  async dueInMonth(q: Queryable, assureCodes: string[], month: string): Promise<TaxBillRow[]> {
    return q
      .select()
      .from(clrTaxBills)
      .where(sql`assure_code in ${inCodes(assureCodes)} and to_char(due_from, 'YYYY-MM') = ${month}`)
      .orderBy(sql`due_from, tax_no`);
  },

  /**
   * The lists whose open bills (status 1) of the guarantor can be paid now: window opened in `month` and begun
   * (`today` reached); a bill whose list has a return still open waits (the goods may yet come back by day 45).
   */
  async consolidatable(q: Queryable, assureCodes: string[], month: string, today: string): Promise<string[]> {
    return rowsOf<{ list_id: string }>(
      await q.execute(sql`select b.list_id from clr_tax_bills b
          where b.assure_code in ${inCodes(assureCodes)} and b.status = '1'
            and to_char(b.due_from, 'YYYY-MM') = ${month} and b.due_from <= ${today}::date
            and not exists (select 1 from clr_returns r where r.list_id = b.list_id and r.status = 'applied')`),
    ).map((r) => r.list_id);
  },

  /** The open bills of `listIds` in `month` become 已汇总 (2) under one payment number. */
  async consolidate(
    q: Queryable,
    listIds: string[],
    month: string,
    entDutyNo: string,
    now: Date,
  ): Promise<TaxBillRow[]> {
    return q
      .update(clrTaxBills)
      .set({ status: '2', entDutyNo, updatedAt: now })
      .where(sql`list_id in (select (jsonb_array_elements_text(${JSON.stringify(listIds)}::jsonb))::uuid)
              and status = '1' and to_char(due_from, 'YYYY-MM') = ${month}`)
      .returning();
  },
};
