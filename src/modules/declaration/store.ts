import { type AnyColumn, and, asc, desc, eq, gt, inArray, type SQL, sql } from 'drizzle-orm';
import { insertJsonRows } from '../../platform/db/bulk.js';
import type { Queryable } from '../../platform/db/client.js';
import { rowsOf } from '../../platform/db/client.js';
import type { Existing, RecordKind } from './model.js';
import type { Row } from './records.js';
import {
  declDelegations,
  declDocuments,
  declInventories,
  declInventoryItems,
  declMessages,
  declOrderItems,
  declOrders,
  declPayments,
  declReceipts,
  declWaybills,
  webhookDeliveries,
  webhookEndpoints,
} from './schema.js';

/** A text[] parameter, passed as one JSON value (drizzle would spread a JS array into separate parameters). */
export function textArray(values: string[]): SQL {
  return sql`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
}

/**
 * `(a, b, c) in (the given tuples)`, the tuples passed as one JSON parameter: PostgreSQL probes the key's index once
 * per tuple (a concatenated key compared with an array would scan the table).
 */
export function keyIn(columns: readonly (AnyColumn | string)[], tuples: readonly string[][]): SQL {
  const cols = columns.map((c) => (typeof c === 'string' ? sql.raw(c) : sql`${c}`));
  const names = columns.map((_, i) => sql.raw(`k${i}`));
  const defs = sql.raw(columns.map((_, i) => `k${i} text`).join(', '));
  const json = JSON.stringify(tuples.map((t) => Object.fromEntries(t.map((v, i) => [`k${i}`, v]))));
  return sql`(${sql.join(cols, sql`, `)}) in (select ${sql.join(names, sql`, `)} from jsonb_to_recordset(${json}::jsonb) as k(${defs}))`;
}

/** `a|b|c` business keys as tuples of `n` fields (the last field takes the rest: an order number may hold a '|'). */
function tuples(keys: string[], n: number): string[][] {
  return keys.map((k) => {
    const parts = k.split('|');
    return [...parts.slice(0, n - 1), parts.slice(n - 1).join('|')];
  });
}

type ExistingRow = { k: string; app_time: string; status: string; declared: boolean; declarer: string };

/**
 * The stored versions of the given keys (as `a|b|c` strings, the same as model.businessKey), with whether a list
 * was declared on them. One query per kind, whatever the number of records.
 */
export async function existingVersions(
  q: Queryable,
  kind: RecordKind,
  type: string,
  keys: string[],
): Promise<Map<string, Existing>> {
  if (keys.length === 0) return new Map();
  let query: SQL;
  switch (kind) {
    case 'order':
      query = sql`select o.ebp_code || '|' || o.ebc_code || '|' || o.order_no as k, o.app_time, o.status,
          o.declarer_uscc as declarer,
          exists (select 1 from decl_inventories i where i.ebp_code = o.ebp_code and i.ebc_code = o.ebc_code
                  and i.order_no = o.order_no and i.status <> 'deleted') as declared
        from decl_orders o where ${keyIn(['o.ebp_code', 'o.ebc_code', 'o.order_no'], tuples(keys, 3))}`;
      break;
    case 'payment':
      query = sql`select p.pay_code || '|' || p.pay_transaction_id as k, p.app_time, p.status,
          p.declarer_uscc as declarer,
          exists (select 1 from decl_inventories i where i.ebp_code = p.ebp_code and i.order_no = p.order_no
                  and i.status <> 'deleted') as declared
        from decl_payments p where ${keyIn(['p.pay_code', 'p.pay_transaction_id'], tuples(keys, 2))}`;
      break;
    case 'waybill':
      query = sql`select w.logistics_code || '|' || w.logistics_no as k, w.app_time, w.status,
          w.declarer_uscc as declarer,
          exists (select 1 from decl_inventories i where i.logistics_code = w.logistics_code
                  and i.logistics_no = w.logistics_no and i.status <> 'deleted') as declared
        from decl_waybills w where ${keyIn(['w.logistics_code', 'w.logistics_no'], tuples(keys, 2))}`;
      break;
    case 'inventory':
      query = sql`select ebp_code || '|' || ebc_code || '|' || order_no as k, app_time, status,
          declarer_uscc as declarer,
          (app_status = '2' and status in ('120', '300', '399', '500', '800', '899')) as declared
        from decl_inventories where ${keyIn(['ebp_code', 'ebc_code', 'order_no'], tuples(keys, 3))}`;
      break;
    default:
      query = sql`select business_key as k, coalesce(app_time, '') as app_time, status, false as declared,
          declarer_uscc as declarer
        from decl_documents where type = ${type} and business_key = any(${textArray(keys)})`;
  }
  const rows = rowsOf<ExistingRow>(await q.execute(query));
  return new Map(
    rows.map((r) => [r.k, { appTime: r.app_time, status: r.status, declared: r.declared, declarer: r.declarer }]),
  );
}

/** Inventory lists by (agentCode, copNo): a copNo may not be reused for another order. */
export async function inventoryCopNos(q: Queryable, pairs: string[]): Promise<Map<string, string>> {
  if (pairs.length === 0) return new Map();
  const rows = rowsOf<{ k: string; key: string }>(
    await q.execute(sql`select agent_code || '|' || cop_no as k, ebp_code || '|' || ebc_code || '|' || order_no as key
      from decl_inventories where ${keyIn(['agent_code', 'cop_no'], tuples(pairs, 2))}`),
  );
  return new Map(rows.map((r) => [r.k, r.key]));
}

export type DelegationRow = typeof declDelegations.$inferSelect;

/** Delegations (委托关系): all SQL of them. */
export const delegationStore = {
  insert: async (q: Queryable, v: typeof declDelegations.$inferInsert) =>
    (await q.insert(declDelegations).values(v).returning())[0] as DelegationRow,
  byId: async (q: Queryable, id: string, lock = false) => {
    const query = q.select().from(declDelegations).where(eq(declDelegations.id, id));
    return (await (lock ? query.for('update') : query))[0];
  },
  /** Delegations an enterprise gave or received, newest first. */
  of: (q: Queryable, uscc: string, active?: { on: string }) =>
    q
      .select()
      .from(declDelegations)
      .where(
        and(
          sql`(${declDelegations.principalUscc} = ${uscc} or ${declDelegations.delegateUscc} = ${uscc})`,
          active
            ? sql`${declDelegations.revokedAt} is null and ${declDelegations.validUntil} >= ${active.on}`
            : undefined,
        ),
      )
      .orderBy(desc(declDelegations.createdAt)),
  revoke: async (q: Queryable, id: string, by: { userId: string | null; uscc: string | null; reason: string }) =>
    (
      await q
        .update(declDelegations)
        .set({ revokedAt: new Date(), revokedBy: by.userId, revokedByUscc: by.uscc, revokeReason: by.reason })
        .where(and(eq(declDelegations.id, id), sql`${declDelegations.revokedAt} is null`))
        .returning()
    )[0],
  /**
   * The principals among `principals` whose delegation of `type` to `delegate` is in force on the business date `on`
   * (one indexed query for a whole message).
   */
  async delegators(q: Queryable, delegate: string, type: string, principals: string[], on: string) {
    if (!principals.length) return new Set<string>();
    const rows = await q
      .selectDistinct({ p: declDelegations.principalUscc })
      .from(declDelegations)
      .where(
        and(
          eq(declDelegations.delegateUscc, delegate),
          inArray(declDelegations.principalUscc, principals),
          sql`${type} = any(${declDelegations.messageTypes})`,
          sql`${declDelegations.revokedAt} is null`,
          sql`${declDelegations.validFrom} <= ${on} and ${declDelegations.validUntil} >= ${on}`,
        ),
      );
    return new Set(rows.map((r) => r.p));
  },
};

export const declarationStore = {
  insertMessage: (q: Queryable, v: typeof declMessages.$inferInsert) => insertJsonRows(q, declMessages, [v]),
  messageByGuid: async (q: Queryable, sender: string, guid: string) =>
    (
      await q
        .select()
        .from(declMessages)
        .where(and(eq(declMessages.senderUscc, sender), eq(declMessages.guid, guid)))
    )[0],
  message: async (q: Queryable, id: string) => (await q.select().from(declMessages).where(eq(declMessages.id, id)))[0],

  async listMessages(
    q: Queryable,
    f: {
      sender?: string;
      key?: string;
      status?: string;
      type?: string;
      from?: Date;
      to?: Date;
      page: number;
      pageSize: number;
    },
  ) {
    const conds: SQL[] = [];
    if (f.sender) conds.push(eq(declMessages.senderUscc, f.sender));
    if (f.key) conds.push(sql`${declMessages.businessKeys} @> ${textArray([f.key])}`);
    if (f.status) conds.push(eq(declMessages.status, f.status));
    if (f.type) conds.push(eq(declMessages.type, f.type));
    if (f.from) conds.push(sql`${declMessages.receivedAt} >= ${f.from.toISOString()}`);
    if (f.to) conds.push(sql`${declMessages.receivedAt} < ${f.to.toISOString()}`);
    const where = conds.length ? and(...conds) : undefined;
    const items = await q
      .select({
        id: declMessages.id,
        guid: declMessages.guid,
        type: declMessages.type,
        senderUscc: declMessages.senderUscc,
        format: declMessages.format,
        status: declMessages.status,
        recordCount: declMessages.recordCount,
        businessKeys: declMessages.businessKeys,
        errors: declMessages.errors,
        bodySize: declMessages.bodySize,
        receivedAt: declMessages.receivedAt,
      })
      .from(declMessages)
      .where(where)
      .orderBy(desc(declMessages.receivedAt), desc(declMessages.id))
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize);
    const [total] = rowsOf<{ n: number }>(
      await q.execute(sql`select count(*)::int as n from decl_messages ${where ? sql`where ${where}` : sql``}`),
    );
    return { items, total: total?.n ?? 0 };
  },

  /** Insert or replace records of a normalised kind by key (the stored id is kept), with their items. */
  async upsertOrders(q: Queryable, rows: { row: Row; items: Row[] }[]) {
    await upsertWithItems(q, declOrders, ['ebpCode', 'ebcCode', 'orderNo'], rows, declOrderItems, 'orderId');
  },
  async upsertPayments(q: Queryable, rows: Row[]) {
    await insertJsonRows(q, declPayments, rows, { upsertOn: ['payCode', 'payTransactionId'], keep: ['id'] });
  },
  async upsertWaybills(q: Queryable, rows: Row[]) {
    await insertJsonRows(q, declWaybills, rows, { upsertOn: ['logisticsCode', 'logisticsNo'], keep: ['id'] });
  },
  async upsertInventories(q: Queryable, rows: { row: Row; items: Row[] }[]) {
    await upsertWithItems(
      q,
      declInventories,
      ['ebpCode', 'ebcCode', 'orderNo'],
      rows,
      declInventoryItems,
      'inventoryId',
    );
  },
  async upsertDocuments(q: Queryable, rows: (typeof declDocuments.$inferInsert)[]) {
    await insertJsonRows(q, declDocuments, rows, { upsertOn: ['type', 'businessKey'], keep: ['id'] });
  },

  /** Appends receipts and queues their webhook deliveries; returns the new sequence numbers. */
  async addReceipts(q: Queryable, receipts: (typeof declReceipts.$inferInsert)[]): Promise<number[]> {
    if (!receipts.length) return [];
    // one JSON parameter for the batch (rows keep their order: seq follows it)
    const rows = (
      await insertJsonRows(q, declReceipts, receipts as Record<string, unknown>[], {
        returning: ['seq', 'recipientUscc'],
      })
    ).map((r) => ({ seq: Number(r.seq), recipient: r.recipientUscc as string }));
    const recipients = [...new Set(rows.map((r) => r.recipient))];
    const endpoints = await q
      .select({ id: webhookEndpoints.id, uscc: webhookEndpoints.enterpriseUscc })
      .from(webhookEndpoints)
      .where(and(inArray(webhookEndpoints.enterpriseUscc, recipients), eq(webhookEndpoints.active, 1)));
    const deliveries = rows.flatMap((r) =>
      endpoints
        .filter((e) => e.uscc === r.recipient)
        .map((e) => ({ endpointId: e.id, receiptSeq: r.seq, status: 'pending' })),
    );
    if (deliveries.length) await q.insert(webhookDeliveries).values(deliveries).onConflictDoNothing();
    return rows.map((r) => r.seq);
  },

  receiptsAfter: (q: Queryable, recipient: string, after: number, limit: number) =>
    q
      .select()
      .from(declReceipts)
      .where(and(eq(declReceipts.recipientUscc, recipient), gt(declReceipts.seq, after)))
      .orderBy(asc(declReceipts.seq))
      .limit(limit),
  receiptsOfMessage: (q: Queryable, messageId: string) =>
    q.select().from(declReceipts).where(eq(declReceipts.messageId, messageId)).orderBy(asc(declReceipts.seq)),
};

/** Heads by key (keeping the id of a replaced one), then their items replaced. */
async function upsertWithItems(
  q: Queryable,
  heads: typeof declOrders | typeof declInventories,
  key: string[],
  rows: { row: Row; items: Row[] }[],
  items: typeof declOrderItems | typeof declInventoryItems,
  parent: 'orderId' | 'inventoryId',
): Promise<void> {
  if (!rows.length) return;
  const stored = await insertJsonRows(
    q,
    heads,
    rows.map((r) => r.row),
    { upsertOn: key, keep: ['id'], returning: ['id', ...key] },
  );
  const idOf = new Map(stored.map((r) => [key.map((k) => r[k]).join('|'), r.id as string]));
  const ids = [...idOf.values()];
  await q.execute(
    sql`delete from ${items} where ${sql.identifier(parent === 'orderId' ? 'order_id' : 'inventory_id')} = any(${textArray(ids)}::uuid[])`,
  );
  await insertJsonRows(
    q,
    items,
    rows.flatMap((r) => {
      const id = idOf.get(key.map((k) => r.row[k]).join('|'));
      return r.items.map((i) => ({ ...i, [parent]: id }));
    }),
  );
}
