import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  timestamp,
  uniqueIndex,
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
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('clearance_quota_entries_list_kind_uq').on(t.listKey, t.kind),
    index('clearance_quota_entries_buyer_idx').on(t.buyerHash, t.year),
    check('clearance_quota_entries_kind_ck', sql`${t.kind} in ('consume', 'restore')`),
    check('clearance_quota_entries_amount_ck', sql`${t.amount} >= 0`),
  ],
);
