import { sql } from 'drizzle-orm';
import {
  bigserial,
  index,
  integer,
  jsonb,
  numeric,
  pgSequence,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

/**
 * The declaration hub (三单申报一口接入): every message received, the business records it carried in normalised form,
 * and the receipts issued. Personal information is never stored in clear: each record keeps its personal fields in
 * one SM4-encrypted blob (`pii_enc`) and keyed hashes of the ones that are compared (buyer, payer, consignee).
 */

const money = (name: string) => numeric(name, { precision: 19, scale: 5 });

/** Numbers the platform's pre-entry numbers (预录入号, preNo) given to lists and other declarations at intake. */
export const declPreNoSeq = pgSequence('decl_pre_no_seq', { startWith: 1, increment: 1 });

/** Every message received, accepted or rejected, with its raw body (encrypted) and the synchronous answer. */
export const declMessages = pgTable(
  'decl_messages',
  {
    id: uuid('id').primaryKey(),
    guid: varchar('guid', { length: 64 }),
    type: varchar('type', { length: 20 }).notNull(),
    senderUscc: varchar('sender_uscc', { length: 18 }).notNull(),
    apiKeyId: uuid('api_key_id'),
    userId: uuid('user_id'),
    /** xml | json | dxp */
    format: varchar('format', { length: 8 }).notNull(),
    /** accepted | rejected */
    status: varchar('status', { length: 12 }).notNull(),
    recordCount: integer('record_count').notNull().default(0),
    /** Business keys of the records (orderNo, logisticsNo, payTransactionId, copNo…) for search. */
    businessKeys: text('business_keys').array().notNull().default(sql`'{}'::text[]`),
    errors: jsonb('errors'),
    warnings: jsonb('warnings'),
    /** The synchronous answer (HTTP status and body), returned again for a repeated guid. */
    answer: jsonb('answer').notNull(),
    bodyEnc: text('body_enc').notNull(),
    bodySha256: varchar('body_sha256', { length: 64 }).notNull(),
    bodySize: integer('body_size').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('decl_messages_sender_guid_uq').on(t.senderUscc, t.guid),
    index('decl_messages_sender_time_idx').on(t.senderUscc, t.receivedAt),
    index('decl_messages_keys_idx').using('gin', t.businessKeys),
  ],
);

/** CEB311 电子订单 (import order heads). Key: (ebpCode, ebcCode, orderNo). */
export const declOrders = pgTable(
  'decl_orders',
  {
    id: uuid('id').primaryKey(),
    messageId: uuid('message_id').notNull(),
    /** The enterprise the record was declared for (its sender, or the principal a delegate sent it for). */
    declarerUscc: varchar('declarer_uscc', { length: 18 }).notNull(),
    guid: varchar('guid', { length: 36 }).notNull(),
    ebpCode: varchar('ebp_code', { length: 18 }).notNull(),
    ebcCode: varchar('ebc_code', { length: 18 }).notNull(),
    orderNo: varchar('order_no', { length: 60 }).notNull(),
    appType: varchar('app_type', { length: 1 }).notNull(),
    appTime: varchar('app_time', { length: 14 }).notNull(),
    appStatus: varchar('app_status', { length: 1 }).notNull(),
    /** The latest returnStatus issued for this record (2 申报中, 120 入库, 100 退单 …); `deleted` after appType 3. */
    status: varchar('status', { length: 10 }).notNull(),
    goodsValue: money('goods_value').notNull(),
    freight: money('freight').notNull(),
    discount: money('discount').notNull(),
    taxTotal: money('tax_total').notNull(),
    acturalPaid: money('actural_paid').notNull(),
    currency: varchar('currency', { length: 3 }).notNull(),
    buyerRegNo: varchar('buyer_reg_no', { length: 60 }),
    buyerHash: varchar('buyer_hash', { length: 64 }).notNull(),
    consigneeHash: varchar('consignee_hash', { length: 64 }).notNull(),
    payCode: varchar('pay_code', { length: 18 }),
    payTransactionId: varchar('pay_transaction_id', { length: 60 }),
    /** Non-personal fields not in columns (names, batch numbers, note…). */
    extra: jsonb('extra').notNull(),
    piiEnc: text('pii_enc').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('decl_orders_key_uq').on(t.ebpCode, t.ebcCode, t.orderNo),
    index('decl_orders_message_idx').on(t.messageId),
    // the quota pre-check: is this person a buyer of one of the enterprise's orders?
    index('decl_orders_buyer_idx').on(t.buyerHash),
  ],
);

export const declOrderItems = pgTable(
  'decl_order_items',
  {
    orderId: uuid('order_id').notNull(),
    gnum: smallint('gnum').notNull(),
    itemNo: varchar('item_no', { length: 30 }),
    itemName: varchar('item_name', { length: 250 }).notNull(),
    gmodel: varchar('gmodel', { length: 250 }),
    barCode: varchar('bar_code', { length: 50 }),
    unit: varchar('unit', { length: 3 }).notNull(),
    qty: money('qty').notNull(),
    price: money('price').notNull(),
    totalPrice: money('total_price').notNull(),
    currency: varchar('currency', { length: 3 }).notNull(),
    country: varchar('country', { length: 3 }).notNull(),
    extra: jsonb('extra').notNull(),
  },
  (t) => [uniqueIndex('decl_order_items_uq').on(t.orderId, t.gnum)],
);

/** CEB411 支付凭证. Key: (payCode, payTransactionId); linked to the order by (ebpCode, orderNo). */
export const declPayments = pgTable(
  'decl_payments',
  {
    id: uuid('id').primaryKey(),
    messageId: uuid('message_id').notNull(),
    /** The enterprise the record was declared for (its sender, or the principal a delegate sent it for). */
    declarerUscc: varchar('declarer_uscc', { length: 18 }).notNull(),
    guid: varchar('guid', { length: 36 }).notNull(),
    payCode: varchar('pay_code', { length: 18 }).notNull(),
    payTransactionId: varchar('pay_transaction_id', { length: 60 }).notNull(),
    ebpCode: varchar('ebp_code', { length: 18 }).notNull(),
    orderNo: varchar('order_no', { length: 60 }).notNull(),
    appType: varchar('app_type', { length: 1 }).notNull(),
    appTime: varchar('app_time', { length: 14 }).notNull(),
    appStatus: varchar('app_status', { length: 1 }).notNull(),
    status: varchar('status', { length: 10 }).notNull(),
    amountPaid: money('amount_paid').notNull(),
    currency: varchar('currency', { length: 3 }).notNull(),
    payTime: varchar('pay_time', { length: 14 }).notNull(),
    payerHash: varchar('payer_hash', { length: 64 }).notNull(),
    extra: jsonb('extra').notNull(),
    piiEnc: text('pii_enc').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('decl_payments_key_uq').on(t.payCode, t.payTransactionId),
    index('decl_payments_order_idx').on(t.ebpCode, t.orderNo),
  ],
);

/** CEB511 物流运单. Key: (logisticsCode, logisticsNo); linked to the order by orderNo. */
export const declWaybills = pgTable(
  'decl_waybills',
  {
    id: uuid('id').primaryKey(),
    messageId: uuid('message_id').notNull(),
    /** The enterprise the record was declared for (its sender, or the principal a delegate sent it for). */
    declarerUscc: varchar('declarer_uscc', { length: 18 }).notNull(),
    guid: varchar('guid', { length: 36 }).notNull(),
    logisticsCode: varchar('logistics_code', { length: 18 }).notNull(),
    logisticsNo: varchar('logistics_no', { length: 60 }).notNull(),
    orderNo: varchar('order_no', { length: 60 }).notNull(),
    appType: varchar('app_type', { length: 1 }).notNull(),
    appTime: varchar('app_time', { length: 14 }).notNull(),
    appStatus: varchar('app_status', { length: 1 }).notNull(),
    status: varchar('status', { length: 10 }).notNull(),
    billNo: varchar('bill_no', { length: 37 }),
    freight: money('freight').notNull(),
    insuredFee: money('insured_fee').notNull(),
    currency: varchar('currency', { length: 3 }).notNull(),
    weight: money('weight').notNull(),
    packNo: integer('pack_no').notNull(),
    consigneeHash: varchar('consignee_hash', { length: 64 }).notNull(),
    extra: jsonb('extra').notNull(),
    piiEnc: text('pii_enc').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('decl_waybills_key_uq').on(t.logisticsCode, t.logisticsNo),
    index('decl_waybills_order_idx').on(t.orderNo),
  ],
);

/** CEB621 进口清单 (import inventory lists). Keys: (ebpCode, ebcCode, orderNo) and (agentCode, copNo). */
export const declInventories = pgTable(
  'decl_inventories',
  {
    id: uuid('id').primaryKey(),
    messageId: uuid('message_id').notNull(),
    /** The enterprise the record was declared for (its sender, or the principal a delegate sent it for). */
    declarerUscc: varchar('declarer_uscc', { length: 18 }).notNull(),
    guid: varchar('guid', { length: 36 }).notNull(),
    ebpCode: varchar('ebp_code', { length: 18 }).notNull(),
    ebcCode: varchar('ebc_code', { length: 18 }).notNull(),
    orderNo: varchar('order_no', { length: 60 }).notNull(),
    copNo: varchar('cop_no', { length: 20 }).notNull(),
    agentCode: varchar('agent_code', { length: 18 }).notNull(),
    logisticsCode: varchar('logistics_code', { length: 18 }).notNull(),
    logisticsNo: varchar('logistics_no', { length: 60 }).notNull(),
    assureCode: varchar('assure_code', { length: 18 }).notNull(),
    areaCode: varchar('area_code', { length: 18 }),
    preNo: varchar('pre_no', { length: 18 }),
    invtNo: varchar('invt_no', { length: 18 }),
    appType: varchar('app_type', { length: 1 }).notNull(),
    appTime: varchar('app_time', { length: 14 }).notNull(),
    appStatus: varchar('app_status', { length: 1 }).notNull(),
    status: varchar('status', { length: 10 }).notNull(),
    tradeMode: varchar('trade_mode', { length: 4 }).notNull(),
    customsCode: varchar('customs_code', { length: 4 }).notNull(),
    portCode: varchar('port_code', { length: 4 }).notNull(),
    ieDate: varchar('ie_date', { length: 8 }).notNull(),
    freight: money('freight').notNull(),
    insuredFee: money('insured_fee').notNull(),
    currency: varchar('currency', { length: 3 }).notNull(),
    grossWeight: money('gross_weight').notNull(),
    netWeight: money('net_weight').notNull(),
    buyerHash: varchar('buyer_hash', { length: 64 }).notNull(),
    extra: jsonb('extra').notNull(),
    piiEnc: text('pii_enc').notNull(),
    signed: smallint('signed').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('decl_inventories_order_uq').on(t.ebpCode, t.ebcCode, t.orderNo),
    uniqueIndex('decl_inventories_cop_uq').on(t.agentCode, t.copNo),
    index('decl_inventories_waybill_idx').on(t.logisticsCode, t.logisticsNo),
  ],
);

export const declInventoryItems = pgTable(
  'decl_inventory_items',
  {
    inventoryId: uuid('inventory_id').notNull(),
    gnum: smallint('gnum').notNull(),
    itemRecordNo: varchar('item_record_no', { length: 30 }),
    itemNo: varchar('item_no', { length: 30 }),
    itemName: varchar('item_name', { length: 250 }),
    gcode: varchar('gcode', { length: 10 }).notNull(),
    gname: varchar('gname', { length: 250 }).notNull(),
    gmodel: varchar('gmodel', { length: 250 }).notNull(),
    country: varchar('country', { length: 3 }).notNull(),
    currency: varchar('currency', { length: 3 }).notNull(),
    qty: money('qty').notNull(),
    unit: varchar('unit', { length: 3 }).notNull(),
    qty1: money('qty1').notNull(),
    unit1: varchar('unit1', { length: 3 }).notNull(),
    qty2: money('qty2'),
    unit2: varchar('unit2', { length: 3 }),
    price: money('price').notNull(),
    totalPrice: money('total_price').notNull(),
    extra: jsonb('extra').notNull(),
  },
  (t) => [uniqueIndex('decl_inventory_items_uq').on(t.inventoryId, t.gnum)],
);

/**
 * Records of the other message kinds (waybill status, cancellations, returns, warehouse entries, export messages),
 * kept whole (encrypted) with their business key until their own modules normalise them.
 */
export const declDocuments = pgTable(
  'decl_documents',
  {
    id: uuid('id').primaryKey(),
    messageId: uuid('message_id').notNull(),
    /** The enterprise the record was declared for (its sender, or the principal a delegate sent it for). */
    declarerUscc: varchar('declarer_uscc', { length: 18 }).notNull(),
    type: varchar('type', { length: 20 }).notNull(),
    businessKey: varchar('business_key', { length: 200 }).notNull(),
    appType: varchar('app_type', { length: 1 }),
    appTime: varchar('app_time', { length: 14 }),
    status: varchar('status', { length: 10 }).notNull(),
    recordEnc: text('record_enc').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('decl_documents_key_uq').on(t.type, t.businessKey),
    index('decl_documents_message_idx').on(t.messageId),
  ],
);

/** Business receipts (CEB312, 412, 512, 622 …) in issue order: the cursor of GET /api/v1/receipts is `seq`. */
export const declReceipts = pgTable(
  'decl_receipts',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    recipientUscc: varchar('recipient_uscc', { length: 18 }).notNull(),
    messageId: uuid('message_id'),
    /** CEB312Message, CEB412Message … */
    type: varchar('type', { length: 20 }).notNull(),
    businessKey: varchar('business_key', { length: 200 }).notNull(),
    returnStatus: varchar('return_status', { length: 10 }).notNull(),
    returnTime: varchar('return_time', { length: 17 }).notNull(),
    returnInfo: text('return_info').notNull(),
    /** The receipt's record fields (the XSD's names), from which its XML and JSON forms are built. */
    record: jsonb('record').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('decl_receipts_recipient_idx').on(t.recipientUscc, t.seq),
    index('decl_receipts_message_idx').on(t.messageId),
  ],
);

/** An enterprise's webhook endpoint for receipts. */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    enterpriseUscc: varchar('enterprise_uscc', { length: 18 }).notNull(),
    url: varchar('url', { length: 500 }).notNull(),
    /** Receipts from this seq on are delivered (set when the endpoint is created). */
    fromSeq: integer('from_seq').notNull().default(0),
    active: smallint('active').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('webhook_endpoints_enterprise_idx').on(t.enterpriseUscc)],
);

/** One delivery of one receipt to one endpoint, retried with back-off; failures stay visible and can be replayed. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    endpointId: uuid('endpoint_id').notNull(),
    receiptSeq: integer('receipt_seq').notNull(),
    /** pending | delivered | failed */
    status: varchar('status', { length: 12 }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    lastStatusCode: integer('last_status_code'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_uq').on(t.endpointId, t.receiptSeq),
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
  ],
);

/**
 * Delegations (委托关系): a responsible enterprise (principal) lets another filed enterprise declare named message
 * kinds for it during a period, as the standard allows for express and postal operators and declaring agents.
 * Visible to both; revocable by either (the delegate renounces).
 */
export const declDelegations = pgTable(
  'decl_delegations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    principalUscc: varchar('principal_uscc', { length: 18 }).notNull(),
    delegateUscc: varchar('delegate_uscc', { length: 18 }).notNull(),
    messageTypes: text('message_types').array().notNull(),
    /** First and last business day (Asia/Shanghai, inclusive). */
    validFrom: varchar('valid_from', { length: 10 }).notNull(),
    validUntil: varchar('valid_until', { length: 10 }).notNull(),
    note: text('note'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: uuid('revoked_by'),
    revokedByUscc: varchar('revoked_by_uscc', { length: 18 }),
    revokeReason: text('revoke_reason'),
  },
  (t) => [
    index('decl_delegations_delegate_idx').on(t.delegateUscc, t.principalUscc),
    index('decl_delegations_principal_idx').on(t.principalUscc),
  ],
);
