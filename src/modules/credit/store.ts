import { and, desc, eq, gte, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.js';
import { creditRecords } from './schema.js';

export type CreditRecordRow = typeof creditRecords.$inferSelect;

/** A text[] parameter passed as one JSON value (drizzle would spread a JS array into one parameter per element). */
function textArray(values: string[]): SQL {
  return sql`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
}

/** Records in force on a date (valid_to inclusive). */
function inForceOn(on: string): SQL {
  return and(
    lte(creditRecords.validFrom, on),
    or(isNull(creditRecords.validTo), gte(creditRecords.validTo, on)),
  ) as SQL;
}

/** The precedence of model.precedence: latest first day, then latest recorded, then greatest id. */
const PRECEDENCE = [desc(creditRecords.validFrom), desc(creditRecords.recordedAt), desc(creditRecords.id)] as const;

export const creditStore = {
  insert: async (q: Queryable, v: typeof creditRecords.$inferInsert) =>
    (await q.insert(creditRecords).values(v).returning())[0] as CreditRecordRow,

  /** An enterprise's records, the one that takes precedence first. */
  history: (q: Queryable, uscc: string) =>
    q
      .select()
      .from(creditRecords)
      .where(eq(creditRecords.uscc, uscc))
      .orderBy(...PRECEDENCE),

  /**
   * For many enterprises at once, the record in force on a date of each that has one: one query (DISTINCT ON over
   * the (uscc, valid_from) index), whatever the number of enterprises.
   */
  /**
   * The record in force on a date of every enterprise that has one (`usccs` absent), or of these enterprises: whole
   * records, one query (DISTINCT ON), for the 信用管理 list.
   */
  inForceRecords: (q: Queryable, on: string, usccs?: string[]) =>
    q
      .selectDistinctOn([creditRecords.uscc])
      .from(creditRecords)
      .where(usccs ? and(sql`${creditRecords.uscc} = any(${textArray(usccs)})`, inForceOn(on)) : inForceOn(on))
      .orderBy(creditRecords.uscc, ...PRECEDENCE),

  inForce: (q: Queryable, usccs: string[], on: string) =>
    q
      .selectDistinctOn([creditRecords.uscc], { uscc: creditRecords.uscc, level: creditRecords.level })
      .from(creditRecords)
      .where(and(sql`${creditRecords.uscc} = any(${textArray(usccs)})`, inForceOn(on)))
      .orderBy(creditRecords.uscc, ...PRECEDENCE),
};
