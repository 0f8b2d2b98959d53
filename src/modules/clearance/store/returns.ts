/** Queries of the return applications (clr_returns, CEB625). */
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/client.js';
import { rowsOf } from '../../../platform/db/client.js';
import { clrReturns } from '../schema.js';

export type ReturnRow = typeof clrReturns.$inferSelect;

export const returnsStore = {
  async byId(q: Queryable, id: string): Promise<ReturnRow | undefined> {
    return (await q.select().from(clrReturns).where(eq(clrReturns.id, id)))[0];
  },

  async ofList(q: Queryable, listId: string): Promise<ReturnRow[]> {
    return q.select().from(clrReturns).where(eq(clrReturns.listId, listId));
  },

  /** The list's applications whose goods have not come back yet. */
  async openOf(q: Queryable, listId: string): Promise<ReturnRow[]> {
    return q
      .select()
      .from(clrReturns)
      .where(and(eq(clrReturns.listId, listId), eq(clrReturns.status, 'applied')));
  },

  /** Whether the list has a return applied, arrived or late (it can no longer be cancelled). */
  async hasAny(q: Queryable, listId: string): Promise<boolean> {
    const rows = await q
      .select({ id: clrReturns.id })
      .from(clrReturns)
      .where(and(eq(clrReturns.listId, listId), sql`${clrReturns.status} in ('applied', 'arrived', 'late')`))
      .limit(1);
    return rows.length > 0;
  },

  /** Withdraws the open application of `key` (appType 3); false when none was open. */
  async withdraw(q: Queryable, key: string, now: Date): Promise<boolean> {
    const withdrawn = await q
      .update(clrReturns)
      .set({ status: 'withdrawn', updatedAt: now })
      .where(and(eq(clrReturns.businessKey, key), eq(clrReturns.status, 'applied')))
      .returning({ id: clrReturns.id });
    return withdrawn.length > 0;
  },

  /**
   * Records an application, or replaces the open one of the same key (appType 2); false when the key's return is
   * settled already (its goods came back, or late): it stays as it was.
   */
  async apply(
    q: Queryable,
    r: {
      id: string;
      listId: string;
      businessKey: string;
      items: unknown;
      amount: string;
      tax: string;
      appliedAt: Date;
      reason: string;
    },
  ): Promise<boolean> {
    const stored = await q
      .insert(clrReturns)
      .values({ ...r, status: 'applied' })
      .onConflictDoUpdate({
        target: clrReturns.businessKey,
        set: { items: r.items, amount: r.amount, tax: r.tax, reason: r.reason, updatedAt: r.appliedAt },
        setWhere: sql`${clrReturns.status} = 'applied'`,
      })
      .returning({ id: clrReturns.id });
    return stored.length > 0;
  },

  async settle(q: Queryable, id: string, status: 'arrived' | 'late', now: Date): Promise<void> {
    await q.update(clrReturns).set({ status, arrivedAt: now, updatedAt: now }).where(eq(clrReturns.id, id));
  },

  /** Marks late the applications whose goods did not come back within `days` of release. */
  async markLate(q: Queryable, now: Date, days: number): Promise<{ id: string; list_id: string }[]> {
    return rowsOf<{ id: string; list_id: string }>(
      await q.execute(sql`update clr_returns r set status = 'late', updated_at = now()
          from clr_lists l where r.list_id = l.id and r.status = 'applied'
            and l.released_at + make_interval(days => ${days}) <= ${now.toISOString()}::timestamptz
          returning r.id, r.list_id`),
    );
  },
};
