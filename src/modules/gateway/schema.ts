import { sql } from 'drizzle-orm';
import { bigserial, index, integer, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

/**
 * The customs gateway (connected mode, connected.ts). `gw_outbox` holds the CEB messages for customs, written in the
 * intake transaction of the records they carry (nothing accepted is lost if the process dies before sending) and sent
 * in `seq` order; the body carries personal data and is SM4-encrypted. `gw_inbox_seen` remembers what came back
 * (receipt messages by guid, receipt records by identity) so that a message delivered twice is applied once.
 */
export const gwOutbox = pgTable(
  'gw_outbox',
  {
    id: uuid('id').primaryKey(),
    /** The sending order (oldest first). */
    seq: bigserial('seq', { mode: 'number' }).notNull().unique(),
    /** CEB311Message, CEB621Message … */
    msgType: varchar('msg_type', { length: 20 }).notNull(),
    /** The CEB message's guid. */
    guid: varchar('guid', { length: 36 }).notNull(),
    /** The intake message the records came with (decl_messages.id). */
    sourceMessageId: uuid('source_message_id'),
    recordCount: integer('record_count').notNull(),
    /** The CEB XML (buildCeb), SM4-encrypted with the personal-information key. */
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the transport confirmed it (broker confirm / file in place); null while pending. */
    sentAt: timestamp('sent_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [index('gw_outbox_pending_idx').on(t.seq).where(sql`${t.sentAt} is null`)],
);

/**
 * What came back from customs and was applied: `key` is `msg:<guid>` for a receipt message, `rcpt:<type>|<business
 * key>|<record guid>|<returnStatus>` for a receipt record (the same receipt sent again in another message).
 */
export const gwInboxSeen = pgTable('gw_inbox_seen', {
  key: varchar('key', { length: 300 }).primaryKey(),
  /** The transport's message id (CopMsgId / AMQP message-id / inbox file name). */
  transportId: varchar('transport_id', { length: 255 }),
  /** applied | stale (older than the record's status) | unmatched (no such record) | repeat */
  outcome: varchar('outcome', { length: 12 }).notNull().default('applied'),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});
