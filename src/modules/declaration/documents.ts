/**
 * What the declaration hub gives other modules (clearance): an import list with its order, payment and waybill,
 * decrypted for matching, read in a few queries for a whole batch; and the writing of business receipts and record
 * statuses. Owns the reads of the decl_* tables for these purposes, so that no other module touches them.
 */

import { and, desc, eq, inArray, like, sql } from 'drizzle-orm';
import type { PersonalInfoCipher } from '../../platform/crypto/personal-info.js';
import type { Queryable } from '../../platform/db/client.js';
import type { CebRecord } from './ceb/codec.js';
import { isDxpMsg, unwrapDxp } from './ceb/dxp.js';
import { decodeBody } from './records.js';
import {
  declDocuments,
  declInventories,
  declInventoryItems,
  declMessages,
  declOrderItems,
  declOrders,
  declPayments,
  type declReceipts,
  declWaybills,
} from './schema.js';
import { declarationStore, keyIn } from './store.js';

/** A stored record with what receipts need: its id, who sent it, its status and its fields by XSD name. */
export interface StoredRecord {
  id: string;
  senderUscc: string;
  /** The enterprise it was declared for: the sender, or the principal whose delegate sent it. */
  declarerUscc: string;
  status: string;
  head: Record<string, string>;
}
export interface StoredWithItems extends StoredRecord {
  items: Record<string, string>[];
}

export interface ListWithDocuments {
  inventory: StoredWithItems;
  order: StoredWithItems | null;
  payment: StoredRecord | null;
  waybill: StoredRecord | null;
}

export type ListKey = { ebpCode: string; ebcCode: string; orderNo: string };

export const listKeyOf = (k: ListKey) => `${k.ebpCode}|${k.ebcCode}|${k.orderNo}`;

const SKIP = new Set([
  'id',
  'messageId',
  'declarerUscc',
  'piiEnc',
  'extra',
  'updatedAt',
  'status',
  'signed',
  'buyerHash',
  'payerHash',
]);

function flatten(row: Record<string, unknown>, pi: PersonalInfoCipher): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) {
    if (SKIP.has(k) || k.endsWith('Hash') || v === null || v === undefined) continue;
    out[k] = String(v);
  }
  for (const [k, v] of Object.entries((row.extra as Record<string, unknown>) ?? {})) {
    if (typeof v === 'string') out[k] = v;
  }
  if (typeof row.piiEnc === 'string') Object.assign(out, JSON.parse(pi.decrypt(row.piiEnc)) as Record<string, string>);
  return out;
}

function flattenItem(row: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === 'extra' || k === 'orderId' || k === 'inventoryId' || v === null || v === undefined) continue;
    out[k] = String(v);
  }
  for (const [k, v] of Object.entries((row.extra as Record<string, unknown>) ?? {})) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function groupItems(rows: Record<string, unknown>[], by: string): Map<string, Record<string, string>[]> {
  const out = new Map<string, Record<string, string>[]>();
  for (const r of rows) {
    const id = r[by] as string;
    const list = out.get(id) ?? [];
    list.push(flattenItem(r));
    out.set(id, list);
  }
  for (const list of out.values()) list.sort((a, b) => Number(a.gnum) - Number(b.gnum));
  return out;
}

const senderOf = (messageId: unknown, senders: Map<string, string>) => senders.get(messageId as string) ?? '';

/**
 * Import lists (declared, not deleted) by key, each with the order, payment and waybill it names when they have
 * arrived (declared — appStatus 2, not drafts — and not deleted): order by (ebpCode, ebcCode, orderNo); payment by (ebpCode, orderNo), the one the order
 * names when it names one, else the latest; waybill by (logisticsCode, logisticsNo).
 */
export async function listsWithDocuments(
  q: Queryable,
  pi: PersonalInfoCipher,
  keys: readonly ListKey[],
): Promise<Map<string, ListWithDocuments>> {
  const out = new Map<string, ListWithDocuments>();
  if (keys.length === 0) return out;
  const invs = await q
    .select()
    .from(declInventories)
    .where(
      sql`${keyIn(
        [declInventories.ebpCode, declInventories.ebcCode, declInventories.orderNo],
        keys.map((k) => [k.ebpCode, k.ebcCode, k.orderNo]),
      )} and ${declInventories.status} <> 'deleted' and ${declInventories.appStatus} = '2'`,
    );
  if (invs.length === 0) return out;
  // One query per kind, each through its unique key index (sequential: one connection inside a transaction).
  const invItems = await q
    .select()
    .from(declInventoryItems)
    .where(
      inArray(
        declInventoryItems.inventoryId,
        invs.map((i) => i.id),
      ),
    );
  const orders = await q
    .select()
    .from(declOrders)
    .where(
      sql`${keyIn(
        [declOrders.ebpCode, declOrders.ebcCode, declOrders.orderNo],
        invs.map((i) => [i.ebpCode, i.ebcCode, i.orderNo]),
      )} and ${declOrders.status} <> 'deleted' and ${declOrders.appStatus} = '2'`,
    );
  const payments = await q
    .select()
    .from(declPayments)
    .where(
      sql`${keyIn(
        [declPayments.ebpCode, declPayments.orderNo],
        invs.map((i) => [i.ebpCode, i.orderNo]),
      )} and ${declPayments.status} <> 'deleted' and ${declPayments.appStatus} = '2'`,
    );
  const waybills = await q
    .select()
    .from(declWaybills)
    .where(
      sql`${keyIn(
        [declWaybills.logisticsCode, declWaybills.logisticsNo],
        invs.map((i) => [i.logisticsCode, i.logisticsNo]),
      )} and ${declWaybills.status} <> 'deleted' and ${declWaybills.appStatus} = '2'`,
    );
  const orderItems =
    orders.length === 0
      ? []
      : await q
          .select()
          .from(declOrderItems)
          .where(
            inArray(
              declOrderItems.orderId,
              orders.map((o) => o.id),
            ),
          );
  const messageIds = [...new Set([...invs, ...orders, ...payments, ...waybills].map((r) => r.messageId as string))];
  const senders = new Map(
    (
      await q
        .select({ id: declMessages.id, sender: declMessages.senderUscc })
        .from(declMessages)
        .where(inArray(declMessages.id, messageIds))
    ).map((m) => [m.id, m.sender]),
  );
  const invItemsBy = groupItems(invItems as Record<string, unknown>[], 'inventoryId');
  const orderItemsBy = groupItems(orderItems as Record<string, unknown>[], 'orderId');
  const orderBy = new Map(orders.map((o) => [`${o.ebpCode}|${o.ebcCode}|${o.orderNo}`, o]));
  const paymentsBy = new Map<string, typeof payments>();
  for (const p of payments) {
    const k = `${p.ebpCode}|${p.orderNo}`;
    paymentsBy.set(k, [...(paymentsBy.get(k) ?? []), p]);
  }
  const waybillBy = new Map(waybills.map((w) => [`${w.logisticsCode}|${w.logisticsNo}`, w]));

  for (const inv of invs) {
    const key = `${inv.ebpCode}|${inv.ebcCode}|${inv.orderNo}`;
    const order = orderBy.get(key);
    const candidates = paymentsBy.get(`${inv.ebpCode}|${inv.orderNo}`) ?? [];
    // When the order names its payment, only that one counts (missing until it arrives); else the latest.
    const payment = order?.payTransactionId
      ? candidates.find(
          (p) => p.payTransactionId === order.payTransactionId && (!order.payCode || p.payCode === order.payCode),
        )
      : candidates.sort((a, b) => (a.appTime < b.appTime ? 1 : -1))[0];
    const waybill = waybillBy.get(`${inv.logisticsCode}|${inv.logisticsNo}`);
    const rec = (r: Record<string, unknown>): StoredRecord => ({
      id: r.id as string,
      senderUscc: senderOf(r.messageId, senders),
      declarerUscc: r.declarerUscc as string,
      status: r.status as string,
      head: flatten(r, pi),
    });
    out.set(key, {
      inventory: { ...rec(inv), items: invItemsBy.get(inv.id) ?? [] },
      order: order ? { ...rec(order), items: orderItemsBy.get(order.id) ?? [] } : null,
      payment: payment ? rec(payment) : null,
      waybill: waybill ? rec(waybill) : null,
    });
  }
  return out;
}

/**
 * Whether the person of `buyerHash` (the keyed hash of name, ID type and number, `personHash`) is the buyer of a
 * declared order (appStatus 2, not deleted) in which one of `codes` (an enterprise's USCC and customs code) is the
 * e-commerce platform or the e-commerce enterprise: the quota pre-check's "a buyer of one of its own orders".
 */
export async function isBuyerOfDeclaredOrder(
  q: Queryable,
  codes: readonly string[],
  buyerHash: string,
): Promise<boolean> {
  if (codes.length === 0) return false;
  const rows = await q
    .select({ id: declOrders.id })
    .from(declOrders)
    .where(
      and(
        eq(declOrders.buyerHash, buyerHash),
        sql`(${inArray(declOrders.ebpCode, [...codes])} or ${inArray(declOrders.ebcCode, [...codes])})`,
        sql`${declOrders.status} <> 'deleted'`,
        eq(declOrders.appStatus, '2'),
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** A receipt to issue (the declaration hub delivers it: feed and webhooks). */
export interface ReceiptToIssue {
  recipientUscc: string;
  type: string;
  businessKey: string;
  returnStatus: string;
  returnTime: string;
  returnInfo: string;
  record: CebRecord;
  messageId?: string | null;
}

export async function issueReceipts(q: Queryable, receipts: readonly ReceiptToIssue[]): Promise<void> {
  await declarationStore.addReceipts(
    q,
    receipts.map((r) => ({ ...r, messageId: r.messageId ?? null }) as typeof declReceipts.$inferInsert),
  );
}

const STATUS_TABLES = {
  inventory: declInventories,
  order: declOrders,
  payment: declPayments,
  waybill: declWaybills,
  document: declDocuments,
} as const;

/** Sets the latest status (a returnStatus such as 120, or `cancelled`) of records by id. */
export async function setRecordStatus(
  q: Queryable,
  kind: keyof typeof STATUS_TABLES,
  ids: readonly string[],
  status: string,
): Promise<void> {
  if (ids.length === 0) return;
  const t = STATUS_TABLES[kind];
  await q
    .update(t)
    .set({ status, updatedAt: new Date() })
    .where(inArray(t.id, [...ids]));
}

/** Sets several statuses at once: one statement per (kind, status). */
export async function setRecordStatuses(
  q: Queryable,
  changes: readonly { kind: keyof typeof STATUS_TABLES; id: string; status: string }[],
): Promise<void> {
  const groups = new Map<string, string[]>();
  for (const c of changes) {
    const k = `${c.kind}\u0000${c.status}`;
    groups.set(k, [...(groups.get(k) ?? []), c.id]);
  }
  for (const [k, ids] of groups) {
    const [kind, status] = k.split('\u0000') as [keyof typeof STATUS_TABLES, string];
    await setRecordStatus(q, kind, ids, status);
  }
}

/** Sets the invtNo (清单编号) the clearance engine gave lists, one statement for a batch. */
export async function setInventoryNumbers(q: Queryable, rows: { id: string; invtNo: string }[]): Promise<void> {
  if (!rows.length) return;
  await q.execute(sql`update decl_inventories i set invt_no = u.invt_no
    from jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ id: r.id, invt_no: r.invtNo })))}::jsonb)
      as u(id uuid, invt_no text)
    where i.id = u.id`);
}

// ---- records a receipt from customs answers (the customs gateway, connected mode) --------------------------------

/** How a receipt names the record it answers (the fields of its receipt record). */
export type ReceiptTarget =
  | { kind: 'order'; ebpCode: string; ebcCode: string; orderNo: string }
  | { kind: 'payment'; payCode: string; payTransactionId: string }
  | { kind: 'waybill'; logisticsCode: string; logisticsNo: string }
  | { kind: 'inventory'; agentCode: string; copNo: string }
  | { kind: 'inventory'; invtNo: string }
  /** A record kept whole (CEB623, 625, 711 …): by its business key, or by a key prefix and a head field. */
  | { kind: 'document'; type: string; businessKey: string }
  | { kind: 'document'; type: string; keyPrefix: string; field: string; value: string };

/** A declared record as a receipt needs it: who sent it (the recipient), its status and the guid it was declared with. */
export interface DeclaredRecord {
  kind: keyof typeof STATUS_TABLES;
  id: string;
  /** The intake message that carried it (decl_messages.id). */
  messageId: string;
  senderUscc: string;
  /** The enterprise it was declared for (the sender, or the principal whose delegate sent it). */
  declarerUscc: string;
  status: string;
  /** The record guid of the declaration in force (a receipt for another guid answers a superseded declaration). */
  guid: string;
  /** The hub's business key of the record's receipts (as the emulated engine issues them). */
  businessKey: string;
  /** Import lists: the numbers and parties receipts copy or are routed by. */
  inventory?: {
    ebpCode: string;
    ebcCode: string;
    orderNo: string;
    agentCode: string;
    copNo: string;
    assureCode: string;
    invtNo: string | null;
  };
}

/**
 * The stored record a receipt from customs answers (not deleted unless it is the only one), with its sender; null
 * when there is none. `lock` takes a row lock (SELECT … FOR UPDATE) so that the status can be compared and set
 * in the caller's transaction without a concurrent receipt slipping in between.
 */
export async function findDeclaredRecord(
  q: Queryable,
  pi: PersonalInfoCipher,
  target: ReceiptTarget,
  opts: { lock?: boolean } = {},
): Promise<DeclaredRecord | null> {
  const lock = opts.lock ?? false;
  const sender = async (messageId: string) =>
    (await q.select({ s: declMessages.senderUscc }).from(declMessages).where(eq(declMessages.id, messageId)))[0]?.s ??
    '';
  const found = async (
    kind: DeclaredRecord['kind'],
    r: { id: string; messageId: string; declarerUscc: string; status: string; guid: string },
    businessKey: string,
  ): Promise<DeclaredRecord> => ({
    kind,
    id: r.id,
    messageId: r.messageId,
    senderUscc: await sender(r.messageId),
    declarerUscc: r.declarerUscc,
    status: r.status,
    guid: r.guid,
    businessKey,
  });
  switch (target.kind) {
    case 'order': {
      const query = q
        .select()
        .from(declOrders)
        .where(
          and(
            eq(declOrders.ebpCode, target.ebpCode),
            eq(declOrders.ebcCode, target.ebcCode),
            eq(declOrders.orderNo, target.orderNo),
          ),
        );
      const r = (lock ? await query.for('update') : await query)[0];
      if (!r) return null;
      return found('order', r, `${r.ebpCode}|${r.ebcCode}|${r.orderNo}`);
    }
    case 'payment': {
      const query = q
        .select()
        .from(declPayments)
        .where(
          and(eq(declPayments.payCode, target.payCode), eq(declPayments.payTransactionId, target.payTransactionId)),
        );
      const r = (lock ? await query.for('update') : await query)[0];
      if (!r) return null;
      return found('payment', r, `${r.payCode}|${r.payTransactionId}`);
    }
    case 'waybill': {
      const query = q
        .select()
        .from(declWaybills)
        .where(
          and(eq(declWaybills.logisticsCode, target.logisticsCode), eq(declWaybills.logisticsNo, target.logisticsNo)),
        );
      const r = (lock ? await query.for('update') : await query)[0];
      if (!r) return null;
      return found('waybill', r, `${r.logisticsCode}|${r.logisticsNo}`);
    }
    case 'inventory': {
      const where =
        'invtNo' in target
          ? eq(declInventories.invtNo, target.invtNo)
          : and(eq(declInventories.agentCode, target.agentCode), eq(declInventories.copNo, target.copNo));
      const query = q.select().from(declInventories).where(where).orderBy(desc(declInventories.updatedAt)).limit(1);
      const r = (lock ? await query.for('update') : await query)[0];
      if (!r) return null;
      return {
        ...(await found('inventory', r, `${r.ebpCode}|${r.ebcCode}|${r.orderNo}`)),
        inventory: {
          ebpCode: r.ebpCode,
          ebcCode: r.ebcCode,
          orderNo: r.orderNo,
          agentCode: r.agentCode,
          copNo: r.copNo,
          assureCode: r.assureCode,
          invtNo: r.invtNo,
        },
      };
    }
    case 'document': {
      const where =
        'businessKey' in target
          ? and(eq(declDocuments.type, target.type), eq(declDocuments.businessKey, target.businessKey))
          : and(
              eq(declDocuments.type, target.type),
              like(declDocuments.businessKey, `${target.keyPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`),
            );
      const query = q.select().from(declDocuments).where(where).orderBy(desc(declDocuments.updatedAt)).limit(50);
      const rows = lock ? await query.for('update') : await query;
      for (const r of rows) {
        const { head } = JSON.parse(pi.decrypt(r.recordEnc)) as { head: Record<string, unknown> };
        if ('field' in target && head[target.field] !== target.value) continue;
        return found('document', { ...r, guid: typeof head.guid === 'string' ? head.guid : '' }, r.businessKey);
      }
      return null;
    }
  }
}

/**
 * The CEB XML of an intake message exactly as the enterprise sent it (out of its DxpMsg envelope), e.g. to forward a
 * message signed by the enterprise (加签) to customs unchanged; null for JSON messages and unknown ids.
 */
export async function messageXml(q: Queryable, pi: PersonalInfoCipher, messageId: string): Promise<Buffer | null> {
  const m = (
    await q
      .select({ format: declMessages.format, bodyEnc: declMessages.bodyEnc })
      .from(declMessages)
      .where(eq(declMessages.id, messageId))
  )[0];
  if (!m || (m.format !== 'xml' && m.format !== 'dxp')) return null;
  const raw = decodeBody(pi, m.bodyEnc);
  if (!isDxpMsg(raw)) return raw;
  const opened = unwrapDxp(raw);
  return opened.ok ? opened.inner : null;
}

/** Sets the invtNo of one list (connected mode: the number customs gave it in a receipt). */
export function setInventoryNumber(q: Queryable, id: string, invtNo: string): Promise<void> {
  return setInventoryNumbers(q, [{ id, invtNo }]);
}
