/** Queries of the lists (clr_lists) and their events (clr_events). */
import { sql } from 'drizzle-orm';
import { insertJsonRows } from '../../../platform/db/bulk.js';
import { type Queryable, rowsOf } from '../../../platform/db/client.js';
import { clrEvents, type clrLists } from '../schema.js';

export type ListRow = typeof clrLists.$inferSelect;
export type EventRow = typeof clrEvents.$inferInsert;

/** A JSON array of objects as one parameter, for `jsonb_to_recordset`. */
export const json = (rows: unknown[]) => sql`${JSON.stringify(rows)}::jsonb`;

export function mapListRow(r: Record<string, unknown>): ListRow {
  const d = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(v as string));
  return {
    id: r.id as string,
    inventoryId: (r.inventory_id as string | null) ?? null,
    ebpCode: r.ebp_code as string,
    ebcCode: r.ebc_code as string,
    orderNo: r.order_no as string,
    agentCode: r.agent_code as string,
    copNo: r.cop_no as string,
    preNo: (r.pre_no as string | null) ?? null,
    invtNo: (r.invt_no as string | null) ?? null,
    logisticsCode: r.logistics_code as string,
    logisticsNo: r.logistics_no as string,
    assureCode: r.assure_code as string,
    areaCode: (r.area_code as string | null) ?? null,
    tradeMode: r.trade_mode as string,
    customsCode: r.customs_code as string,
    agentUscc: r.agent_uscc as string,
    declarerUscc: r.declarer_uscc as string,
    buyerHash: r.buyer_hash as string,
    status: r.status as string,
    returnStatus: r.return_status as string,
    checkAt: d(r.check_at),
    waitDeadline: d(r.wait_deadline),
    declaredOn: String(r.declared_on).slice(0, 10),
    releasedAt: d(r.released_at),
    closedAt: d(r.closed_at),
    amount: (r.amount as string | null) ?? null,
    customsTax: (r.customs_tax as string | null) ?? null,
    valueAddedTax: (r.value_added_tax as string | null) ?? null,
    consumptionTax: (r.consumption_tax as string | null) ?? null,
    quotaYear: (r.quota_year as number | null) ?? null,
    decision: r.decision ?? null,
    createdAt: d(r.created_at) as Date,
    updatedAt: d(r.updated_at) as Date,
  };
}

/** Lists (clr_lists) and their history (clr_events). */
export const listsStore = {
  /** Lists to look at now, oldest first, locked for this transaction (other workers skip them). */
  async dueLists(q: Queryable, now: Date, limit: number): Promise<ListRow[]> {
    const rows = rowsOf<Record<string, unknown>>(
      await q.execute(sql`select * from clr_lists where check_at <= ${now.toISOString()}::timestamptz
        order by check_at limit ${limit} for update skip locked`),
    );
    return rows.map(mapListRow);
  },

  /** Waiting lists past their deadline, locked. */
  async overdueLists(q: Queryable, now: Date, limit: number): Promise<ListRow[]> {
    const rows = rowsOf<Record<string, unknown>>(
      await q.execute(sql`select * from clr_lists where status = 'waiting'
        and wait_deadline <= ${now.toISOString()}::timestamptz
        order by wait_deadline limit ${limit} for update skip locked`),
    );
    return rows.map(mapListRow);
  },

  async byId(q: Queryable, id: string, lock = false): Promise<ListRow | null> {
    const rows = rowsOf<Record<string, unknown>>(
      await q.execute(sql`select * from clr_lists where id = ${id} ${lock ? sql`for update` : sql``}`),
    );
    return rows[0] ? mapListRow(rows[0]) : null;
  },

  async byInvtNo(q: Queryable, invtNo: string, lock = false): Promise<ListRow | null> {
    const rows = rowsOf<Record<string, unknown>>(
      await q.execute(sql`select * from clr_lists where invt_no = ${invtNo} ${lock ? sql`for update` : sql``}`),
    );
    return rows[0] ? mapListRow(rows[0]) : null;
  },

  async byLogisticsNos(q: Queryable, logisticsNos: string[]): Promise<ListRow[]> {
    if (!logisticsNos.length) return [];
    const rows = rowsOf<Record<string, unknown>>(
      await q.execute(sql`select * from clr_lists where logistics_no in
        (select jsonb_array_elements_text(${JSON.stringify(logisticsNos)}::jsonb)) for update`),
    );
    return rows.map(mapListRow);
  },

  /**
   * Registers declared lists as waiting, to be checked now: new ones, a changed declaration of one not yet entered
   * or rejected, and one declared again after it was withdrawn or cancelled (a new entry: new invtNo, tax bill, quota).
   */
  async registerLists(q: Queryable, rows: Record<string, unknown>[]): Promise<void> {
    await q.execute(sql`
      insert into clr_lists (id, ebp_code, ebc_code, order_no, agent_code, cop_no, pre_no, logistics_code,
        logistics_no, assure_code, area_code, trade_mode, customs_code, agent_uscc, declarer_uscc, buyer_hash, status,
        return_status, check_at, wait_deadline, declared_on)
      select r.id, r.ebp_code, r.ebc_code, r.order_no, r.agent_code, r.cop_no, r.pre_no, r.logistics_code,
        r.logistics_no, r.assure_code, r.area_code, r.trade_mode, r.customs_code, r.agent_uscc, r.declarer_uscc,
        r.buyer_hash, 'waiting', '2', r.check_at, r.wait_deadline, r.declared_on
      from jsonb_to_recordset(${json(rows)}) as r(id uuid, ebp_code text, ebc_code text, order_no text,
        agent_code text, cop_no text, pre_no text, logistics_code text, logistics_no text, assure_code text,
        area_code text, trade_mode text, customs_code text, agent_uscc text, declarer_uscc text, buyer_hash text,
        check_at timestamptz, wait_deadline timestamptz, declared_on date)
      on conflict (ebp_code, ebc_code, order_no) do update set
        agent_code = excluded.agent_code, cop_no = excluded.cop_no, pre_no = excluded.pre_no,
        logistics_code = excluded.logistics_code, logistics_no = excluded.logistics_no,
        assure_code = excluded.assure_code, area_code = excluded.area_code, trade_mode = excluded.trade_mode,
        customs_code = excluded.customs_code, agent_uscc = excluded.agent_uscc,
        declarer_uscc = excluded.declarer_uscc, buyer_hash = excluded.buyer_hash,
        status = 'waiting', return_status = '2', check_at = excluded.check_at,
        wait_deadline = excluded.wait_deadline, declared_on = excluded.declared_on, decision = null,
        inventory_id = null, invt_no = null, released_at = null, closed_at = null, amount = null,
        customs_tax = null, value_added_tax = null, consumption_tax = null, quota_year = null, updated_at = now()
      where clr_lists.status in ('waiting', 'rejected', 'withdrawn', 'cancelled')`);
  },

  /** Withdraws waiting lists deleted by their declarant (appType 3). */
  async withdrawLists(q: Queryable, keys: { ebp: string; ebc: string; order: string }[]): Promise<void> {
    if (!keys.length) return;
    await q.execute(sql`update clr_lists c set status = 'withdrawn', check_at = null, updated_at = now()
      from jsonb_to_recordset(${json(keys)}) as k(ebp text, ebc text, "order" text)
      where c.ebp_code = k.ebp and c.ebc_code = k.ebc and c.order_no = k."order" and c.status = 'waiting'`);
  },

  /** Marks waiting lists that a newly arrived document may complete, to be checked now. */
  async touchWaiting(
    q: Queryable,
    kind: 'order' | 'payment' | 'waybill',
    keys: Record<string, string>[],
    now: Date,
  ): Promise<void> {
    if (!keys.length) return;
    const at = now.toISOString();
    const k = json(keys);
    const cond =
      kind === 'order'
        ? sql`c.ebp_code = k.a and c.ebc_code = k.b and c.order_no = k.c`
        : kind === 'payment'
          ? sql`c.ebp_code = k.a and c.order_no = k.b`
          : sql`c.logistics_code = k.a and c.logistics_no = k.b`;
    await q.execute(sql`update clr_lists c set check_at = ${at}::timestamptz
      from jsonb_to_recordset(${k}) as k(a text, b text, c text)
      where ${cond} and c.status = 'waiting'`);
  },

  /** Applies the outcome of a batch: one statement for every list. */
  async updateLists(q: Queryable, rows: Partial<Record<string, unknown>>[]): Promise<void> {
    if (!rows.length) return;
    await q.execute(sql`
      update clr_lists c set
        inventory_id = coalesce(u.inventory_id, c.inventory_id),
        invt_no = coalesce(u.invt_no, c.invt_no),
        status = u.status, return_status = u.return_status, check_at = u.check_at,
        released_at = coalesce(u.released_at, c.released_at), closed_at = coalesce(u.closed_at, c.closed_at),
        amount = coalesce(u.amount, c.amount), customs_tax = coalesce(u.customs_tax, c.customs_tax),
        value_added_tax = coalesce(u.value_added_tax, c.value_added_tax),
        consumption_tax = coalesce(u.consumption_tax, c.consumption_tax),
        quota_year = coalesce(u.quota_year, c.quota_year),
        decision = coalesce(u.decision, c.decision), updated_at = now()
      from jsonb_to_recordset(${json(rows)}) as u(id uuid, inventory_id uuid, invt_no text, status text,
        return_status text, check_at timestamptz, released_at timestamptz, closed_at timestamptz, amount numeric,
        customs_tax numeric, value_added_tax numeric, consumption_tax numeric, quota_year int, decision jsonb)
      where c.id = u.id`);
  },

  async addEvents(q: Queryable, rows: EventRow[]): Promise<void> {
    await insertJsonRows(q, clrEvents, rows as Record<string, unknown>[]);
  },

  async nextInvtNos(q: Queryable, n: number): Promise<number[]> {
    if (n === 0) return [];
    const rows = rowsOf<{ n: string }>(
      await q.execute(sql`select nextval('clr_invt_no_seq')::text as n from generate_series(1, ${n})`),
    );
    return rows.map((r) => Number(r.n));
  },

  /** The engine's first decision of a list (the event that recorded its seed), to replay it. */
  async firstEngineDecision(q: Queryable, listId: string): Promise<Record<string, unknown> | undefined> {
    const events = rowsOf<{ detail: Record<string, unknown> }>(
      await q.execute(sql`select detail from clr_events where list_id = ${listId} and actor = 'engine'
        and detail ? 'seed' order by id limit 1`),
    );
    return events[0]?.detail;
  },

  async eventsOf(q: Queryable, listId: string): Promise<Record<string, unknown>[]> {
    return rowsOf<Record<string, unknown>>(
      await q.execute(
        sql`select id, kind, return_status, actor, detail, at from clr_events where list_id = ${listId} order by id`,
      ),
    );
  },

  /** Locks lists by id, in id order (the order cancellations and arrivals lock in). */
  async lock(q: Queryable, ids: string[]): Promise<void> {
    if (!ids.length) return;
    await q.execute(sql`select id from clr_lists
          where id in (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid) order by id for update`);
  },

  /**
   * A page of lists, newest change first: those of an enterprise (`uscc` sent or declared them, or one of its
   * `codes` is their ebc, ebp or guarantor) or all.
   */
  async page(
    q: Queryable,
    party: { uscc: string; codes: string[] } | null,
    f: { status?: string; q?: string; page: number; pageSize: number },
  ): Promise<{ rows: ListRow[]; total: number }> {
    const conds = [sql`true`];
    if (party) {
      const { uscc } = party;
      const codes = JSON.stringify(party.codes);
      conds.push(sql`(agent_uscc = ${uscc} or declarer_uscc = ${uscc} or ebc_code in (select jsonb_array_elements_text(${codes}::jsonb))
        or ebp_code in (select jsonb_array_elements_text(${codes}::jsonb))
        or assure_code in (select jsonb_array_elements_text(${codes}::jsonb)))`);
    }
    if (f.status) conds.push(sql`status = ${f.status}`);
    if (f.q) conds.push(sql`(order_no = ${f.q} or invt_no = ${f.q} or logistics_no = ${f.q} or cop_no = ${f.q})`);
    const where = sql.join(conds, sql` and `);
    const rows = rowsOf<Record<string, unknown>>(
      await q.execute(sql`select * from clr_lists where ${where} order by updated_at desc, id
        limit ${f.pageSize} offset ${(f.page - 1) * f.pageSize}`),
    );
    const total =
      rowsOf<{ n: number }>(await q.execute(sql`select count(*)::int as n from clr_lists where ${where}`))[0]?.n ?? 0;
    return { rows: rows.map(mapListRow), total };
  },
};
