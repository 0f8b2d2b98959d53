import { sql } from 'drizzle-orm';
import { check, date, index, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

/**
 * Customs enterprise credit (海关企业信用): a dated history per enterprise (platform-decisions.md "Credit and risk").
 * Until 2026-03-31 the classes of Decree 251 (高级认证, 常规, 失信); from 2026-04-01 the levels of Decree 282
 * (高级认证, 认证, 常规, 失信, 严重失信). An enterprise with no record in force is 常规 (general).
 */
export const creditRecords = pgTable(
  'credit_records',
  {
    id: uuid('id').primaryKey(),
    uscc: varchar('uscc', { length: 18 }).notNull(),
    /** 251 | 282: the decree whose classes the level belongs to. */
    decree: varchar('decree', { length: 3 }).notNull(),
    /** advanced | certified | general | dishonest | seriously-dishonest */
    level: varchar('level', { length: 20 }).notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }),
    basis: text('basis').notNull(),
    recordedBy: varchar('recorded_by', { length: 100 }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('credit_records_uscc_idx').on(t.uscc, t.validFrom),
    check(
      'credit_records_level_ck',
      sql`${t.level} in ('advanced', 'certified', 'general', 'dishonest', 'seriously-dishonest')`,
    ),
  ],
);
