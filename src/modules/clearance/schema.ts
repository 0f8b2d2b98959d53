import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgSequence,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

/**
 * The annual quota ledger of retail import (platform-decisions.md "Retail import": quota consumption is atomic).
 * `clearance_quota` holds each buyer's running total per Asia/Shanghai calendar year; `clearance_quota_entries`
 * records every consumption (a released list) and restoration (a return within the 30/45-day rule), at most one of
 * each per list, so that repeating either changes nothing. Buyers are identified by the keyed hash of their name,
 * ID type and ID number (the declaration hub's buyer_hash), never in clear.
 */

const fen = (name: string) => numeric(name, { precision: 19, scale: 2 });

export const clearanceQuota = pgTable(
  'clearance_quota',
  {
    buyerHash: varchar('buyer_hash', { length: 64 }).notNull(),
    /** The Asia/Shanghai calendar year of the releases counted. */
    year: integer('year').notNull(),
    used: fen('used').notNull().default('0'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'clearance_quota_pk', columns: [t.buyerHash, t.year] }),
    check('clearance_quota_used_ck', sql`${t.used} >= 0`),
  ],
);

export const clearanceQuotaEntries = pgTable(
  'clearance_quota_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    buyerHash: varchar('buyer_hash', { length: 64 }).notNull(),
    year: integer('year').notNull(),
    /** The list's business key (e.g. its invtNo, or agentCode + copNo): one consume and one restore per list. */
    listKey: varchar('list_key', { length: 200 }).notNull(),
    amount: fen('amount').notNull(),
    /** consume | restore */
    kind: varchar('kind', { length: 8 }).notNull(),
    /** What a restoration is for (the return's key): a list may be restored in parts, once per return. */
    ref: varchar('ref', { length: 200 }).notNull().default(''),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('clearance_quota_entries_list_kind_ref_uq').on(t.listKey, t.kind, t.ref),
    index('clearance_quota_entries_buyer_idx').on(t.buyerHash, t.year),
    check('clearance_quota_entries_kind_ck', sql`${t.kind} in ('consume', 'restore')`),
    check('clearance_quota_entries_amount_ck', sql`${t.amount} >= 0`),
  ],
);

/**
 * Buyers' consents to a quota pre-check, as the e-commerce enterprise attested them (its own reference of the consent
 * record, when it was given, what the buyer agreed to: `fits` or also `remaining`). One reference names one buyer.
 */
export const clrQuotaConsents = pgTable(
  'clr_quota_consents',
  {
    enterpriseUscc: varchar('enterprise_uscc', { length: 18 }).notNull(),
    reference: varchar('reference', { length: 64 }).notNull(),
    buyerHash: varchar('buyer_hash', { length: 64 }).notNull(),
    /** fits | remaining */
    scope: varchar('scope', { length: 10 }).notNull(),
    givenAt: timestamp('given_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    recordedBy: varchar('recorded_by', { length: 100 }).notNull(),
    uses: integer('uses').notNull().default(1),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'clr_quota_consents_pk', columns: [t.enterpriseUscc, t.reference] }),
    check('clr_quota_consents_scope_ck', sql`${t.scope} in ('fits', 'remaining')`),
  ],
);

/**
 * Quota pre-check counters, one row per bucket and window (`ent:<uscc>` per minute, `buyer:<uscc>:<hash>` per day):
 * counted in one statement, so that concurrent checks and several processes share the limit.
 */
export const clrQuotaCheckCounts = pgTable(
  'clr_quota_check_counts',
  {
    bucket: varchar('bucket', { length: 120 }).notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ name: 'clr_quota_check_counts_pk', columns: [t.bucket, t.windowStart] })],
);

const amount5 = (name: string) => numeric(name, { precision: 19, scale: 5 });

/** Numbers the list numbers (清单编号 invtNo) the clearance engine gives a list when it is entered (120). */
export const clrInvtNoSeq = pgSequence('clr_invt_no_seq', { startWith: 1, increment: 1 });

/**
 * One import list (CEB621) under clearance: its state in the engine, the decision that settled it and its tax.
 * The list's documents stay in the declaration hub; this row holds what clearance decided and needs to find again.
 * `check_at` set means "look at this list again": a list waiting for a document is re-checked when the document
 * arrives, and rejected when `wait_deadline` passes.
 */
export const clrLists = pgTable(
  'clr_lists',
  {
    id: uuid('id').primaryKey(),
    /** The declaration hub's record of the list (decl_inventories.id). */
    inventoryId: uuid('inventory_id'),
    ebpCode: varchar('ebp_code', { length: 18 }).notNull(),
    ebcCode: varchar('ebc_code', { length: 18 }).notNull(),
    orderNo: varchar('order_no', { length: 60 }).notNull(),
    agentCode: varchar('agent_code', { length: 18 }).notNull(),
    copNo: varchar('cop_no', { length: 20 }).notNull(),
    preNo: varchar('pre_no', { length: 18 }),
    invtNo: varchar('invt_no', { length: 18 }),
    logisticsCode: varchar('logistics_code', { length: 18 }).notNull(),
    logisticsNo: varchar('logistics_no', { length: 60 }).notNull(),
    assureCode: varchar('assure_code', { length: 18 }).notNull(),
    areaCode: varchar('area_code', { length: 18 }),
    tradeMode: varchar('trade_mode', { length: 4 }).notNull(),
    customsCode: varchar('customs_code', { length: 4 }).notNull(),
    /** The enterprise that sent the list (its declaring unit, agentCode; receives the CEB622 receipts). */
    agentUscc: varchar('agent_uscc', { length: 18 }).notNull(),
    /**
     * The e-commerce enterprise the list was declared for (the agent's principal, or the sender itself): receives
     * the receipts too, and only it or its delegate cancels or returns the list.
     */
    declarerUscc: varchar('declarer_uscc', { length: 18 }).notNull(),
    buyerHash: varchar('buyer_hash', { length: 64 }).notNull(),
    /** waiting | review | inspection | released | closed | rejected | cancelled */
    status: varchar('status', { length: 12 }).notNull(),
    /** The latest CEB622 returnStatus issued: 2, 120, 300, 500, 399, 800, 899, 100. */
    returnStatus: varchar('return_status', { length: 10 }).notNull(),
    checkAt: timestamp('check_at', { withTimezone: true }),
    waitDeadline: timestamp('wait_deadline', { withTimezone: true }),
    /** The business date (Asia/Shanghai) of the declaration, whose tables and policy apply. */
    declaredOn: date('declared_on', { mode: 'string' }).notNull(),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** The list's dutiable total in RMB, counted toward the buyer's annual quota at release. */
    amount: fen('amount'),
    customsTax: fen('customs_tax'),
    valueAddedTax: fen('value_added_tax'),
    consumptionTax: fen('consumption_tax'),
    quotaYear: integer('quota_year'),
    /** The last decision's summary (outcome, reasons); the full record is in clr_events. */
    decision: jsonb('decision'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('clr_lists_inventory_uq').on(t.inventoryId),
    uniqueIndex('clr_lists_order_uq').on(t.ebpCode, t.ebcCode, t.orderNo),
    uniqueIndex('clr_lists_invt_no_uq').on(t.invtNo),
    index('clr_lists_waybill_idx').on(t.logisticsCode, t.logisticsNo),
    index('clr_lists_check_idx').on(t.checkAt),
    index('clr_lists_deadline_idx').on(t.status, t.waitDeadline),
    index('clr_lists_agent_idx').on(t.agentUscc, t.createdAt),
    index('clr_lists_status_idx').on(t.status, t.updatedAt),
  ],
);

/**
 * What happened to a list, in order: every decision with the rules, data versions, random seed and evidence that
 * produced it (so that it can be explained and replayed), officers' decisions, cancellations, returns.
 */
export const clrEvents = pgTable(
  'clr_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    listId: uuid('list_id').notNull(),
    /** matched | waiting | rejected | review | inspection | released | officer | cancelled | returned | closed … */
    kind: varchar('kind', { length: 20 }).notNull(),
    returnStatus: varchar('return_status', { length: 10 }),
    /** `engine` or the officer's user id. */
    actor: varchar('actor', { length: 40 }).notNull(),
    detail: jsonb('detail').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('clr_events_list_idx').on(t.listId, t.id)],
);

/** Electronic tax bill (电子税单, CEB816) per released list, and its status (CEB818: 1 已生成, 2 已汇总, 3 作废). */
export const clrTaxBills = pgTable(
  'clr_tax_bills',
  {
    taxNo: varchar('tax_no', { length: 50 }).primaryKey(),
    listId: uuid('list_id').notNull(),
    invtNo: varchar('invt_no', { length: 18 }).notNull(),
    assureCode: varchar('assure_code', { length: 18 }).notNull(),
    ebcCode: varchar('ebc_code', { length: 18 }).notNull(),
    agentCode: varchar('agent_code', { length: 18 }).notNull(),
    logisticsCode: varchar('logistics_code', { length: 18 }).notNull(),
    customsCode: varchar('customs_code', { length: 4 }).notNull(),
    customsTax: fen('customs_tax').notNull(),
    valueAddedTax: fen('value_added_tax').notNull(),
    consumptionTax: fen('consumption_tax').notNull(),
    /** The tax not collected because of returns (goods back in time): netted from what is due. */
    nettedTax: fen('netted_tax').notNull().default('0'),
    /** 1 已生成 | 2 已汇总 | 3 作废 */
    status: varchar('status', { length: 1 }).notNull(),
    releasedOn: date('released_on', { mode: 'string' }).notNull(),
    /** The consolidated payment window: days 31 to 45 after release. */
    dueFrom: date('due_from', { mode: 'string' }).notNull(),
    dueTo: date('due_to', { mode: 'string' }).notNull(),
    /** TaxListRd rows: gnum, gcode, taxPrice, customsTax, valueAddedTax, consumptionTax. */
    items: jsonb('items').notNull(),
    /** 缴款书编号 once consolidated. */
    entDutyNo: varchar('ent_duty_no', { length: 50 }),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // a list re-declared after a cancellation is a new entry (new invtNo) with a bill of its own
    index('clr_tax_bills_list_idx').on(t.listId),
    uniqueIndex('clr_tax_bills_invt_no_uq').on(t.invtNo),
    index('clr_tax_bills_assure_idx').on(t.assureCode, t.dueFrom),
  ],
);

/** A return application (退货申请, CEB625) against a released list, by item; the goods back (CEB711) or not. */
export const clrReturns = pgTable(
  'clr_returns',
  {
    id: uuid('id').primaryKey(),
    listId: uuid('list_id').notNull(),
    /** The CEB625's key in the declaration hub (agentCode|copNo or invtNo). */
    businessKey: varchar('business_key', { length: 200 }).notNull(),
    /** applied | arrived | late | rejected */
    status: varchar('status', { length: 10 }).notNull(),
    /** [{ gnum, qty, amount, tax }] */
    items: jsonb('items').notNull(),
    /** The returned items' share of the list's dutiable total (restored to the quota when the goods are back in time). */
    amount: fen('amount').notNull(),
    tax: fen('tax').notNull(),
    appliedAt: timestamp('applied_at', { withTimezone: true }).notNull(),
    arrivedAt: timestamp('arrived_at', { withTimezone: true }),
    reason: text('reason'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('clr_returns_key_uq').on(t.businessKey), index('clr_returns_list_idx').on(t.listId)],
);

/**
 * 1210 bonded stock (网购保税): what each warehouse (areaCode) holds per item (itemRecordNo, 账册备案料号). Entries
 * raise it, released lists draw it down, cancellations and returns put it back; `clr_stock_moves` is the ledger.
 */
export const clrStock = pgTable(
  'clr_stock',
  {
    areaCode: varchar('area_code', { length: 18 }).notNull(),
    itemRecordNo: varchar('item_record_no', { length: 30 }).notNull(),
    gcode: varchar('gcode', { length: 10 }).notNull(),
    gname: varchar('gname', { length: 250 }).notNull(),
    qty: amount5('qty').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'clr_stock_pk', columns: [t.areaCode, t.itemRecordNo] }),
    check('clr_stock_qty_ck', sql`${t.qty} >= 0`),
  ],
);

export const clrStockMoves = pgTable(
  'clr_stock_moves',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    areaCode: varchar('area_code', { length: 18 }).notNull(),
    itemRecordNo: varchar('item_record_no', { length: 30 }).notNull(),
    /** + entry, − release; cancellations and returns put back. */
    delta: amount5('delta').notNull(),
    /** entry | release | cancel | return */
    kind: varchar('kind', { length: 8 }).notNull(),
    /** What moved it: the entry's number or the list's invtNo; one move per (ref, kind, item). */
    ref: varchar('ref', { length: 200 }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('clr_stock_moves_ref_uq').on(t.ref, t.kind, t.areaCode, t.itemRecordNo),
    index('clr_stock_moves_item_idx').on(t.areaCode, t.itemRecordNo, t.id),
  ],
);

/**
 * Reference tables loaded by the operator (tariff rates, positive list, exchange rates, customs parameters, holidays,
 * export conditions): every version kept whole with its checksum, the newest active one per kind in force. A decision
 * records the versions it used.
 */
export const clrReferenceTables = pgTable(
  'clr_reference_tables',
  {
    id: uuid('id').primaryKey(),
    kind: varchar('kind', { length: 32 }).notNull(),
    /** The operator's label (e.g. "2026 税则 第2版"); samples say SAMPLE. */
    label: varchar('label', { length: 200 }).notNull(),
    sourceName: varchar('source_name', { length: 300 }).notNull(),
    sha256: varchar('sha256', { length: 64 }).notNull(),
    /** The table as CSV (XLSX is converted on import). */
    content: text('content').notNull(),
    rowCount: integer('row_count').notNull(),
    isSample: smallint('is_sample').notNull().default(0),
    active: smallint('active').notNull().default(1),
    loadedBy: varchar('loaded_by', { length: 100 }),
    loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('clr_reference_tables_kind_idx').on(t.kind, t.loadedAt)],
);
