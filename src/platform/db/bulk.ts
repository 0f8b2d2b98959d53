import { getTableColumns, getTableName, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { type Queryable, rowsOf } from './client.js';

/**
 * Inserts many rows with one statement and ONE parameter: the rows as a JSON array, expanded by PostgreSQL's
 * jsonb_to_recordset. Building a drizzle `.values()` list costs a type check per value (it dominated the intake
 * profile), and a huge VALUES list costs the server a parse per parameter; one JSON document is cheap for both.
 * Works the same on PGlite and PostgreSQL.
 *
 * `rows` use the table's TypeScript property names; absent properties take the column default. With `upsertOn`,
 * a row whose key exists replaces every other column. `returning` names properties to return.
 */
export async function insertJsonRows<T extends PgTable>(
  q: Queryable,
  table: T,
  rows: Record<string, unknown>[],
  opts: { upsertOn?: string[]; keep?: string[]; returning?: string[] } = {},
): Promise<Record<string, unknown>[]> {
  if (rows.length === 0) return [];
  const columns = getTableColumns(table);
  const present = Object.keys(columns).filter((k) => rows.some((r) => r[k] !== undefined));
  const name = (k: string) => `"${(columns[k] as { name: string }).name}"`;
  const json = JSON.stringify(
    rows.map((r) => {
      const o: Record<string, unknown> = {};
      for (const k of present) {
        const v = r[k];
        o[(columns[k] as { name: string }).name] = v instanceof Date ? v.toISOString() : v;
      }
      return o;
    }),
  );
  const defs = present
    .map((k) => `${name(k)} ${(columns[k] as unknown as { getSQLType(): string }).getSQLType()}`)
    .join(', ');
  const cols = present.map(name).join(', ');
  let conflict: SQL = sql``;
  if (opts.upsertOn) {
    const keep = new Set([...opts.upsertOn, ...(opts.keep ?? [])]);
    const set = present
      .filter((k) => !keep.has(k))
      .map((k) => `${name(k)} = excluded.${name(k)}`)
      .join(', ');
    conflict = sql.raw(` on conflict (${opts.upsertOn.map(name).join(', ')}) do update set ${set}`);
  }
  const ret = opts.returning?.length
    ? sql.raw(` returning ${opts.returning.map((k) => `${name(k)} as "${k}"`).join(', ')}`)
    : sql``;
  const result = await q.execute(
    sql`insert into ${sql.raw(`"${getTableName(table)}"`)} (${sql.raw(cols)}) select ${sql.raw(cols)} from jsonb_to_recordset(${json}::jsonb) as x(${sql.raw(defs)})${conflict}${ret}`,
  );
  return opts.returning?.length ? rowsOf<Record<string, unknown>>(result) : [];
}
