import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { lockDataDir } from './lock.js';
import * as schema from './schema.js';

/** One database type for both drivers: the drizzle API is the same on PGlite and node-postgres. */
export type Database = NodePgDatabase<typeof schema>;
/** A transaction handle; inside a transaction use only this (PGlite has a single connection). */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either the database or a transaction: stores take this so services decide the transaction. */
export type Queryable = Database | Tx;

export type DbHandle = {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Where the data lives: a directory, `memory`, or the PostgreSQL URL without its password. */
  location: string;
  ping(): Promise<void>;
  close(): Promise<void>;
};

export const MIGRATIONS_FOLDER = join(import.meta.dirname, '../../../drizzle');

export type OpenOptions =
  | { kind: 'pglite'; dataDir?: string /* undefined = in memory */ }
  | { kind: 'postgres'; url: string; maxConnections?: number };

export async function openDatabase(opts: OpenOptions): Promise<DbHandle> {
  if (opts.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.maxConnections ?? 10 });
    pool.on('error', () => {}); // idle client errors surface on the next query
    const db = drizzlePg(pool, { schema });
    return {
      db,
      kind: 'postgres',
      location: opts.url.replace(/:[^:@/]*@/, ':***@'),
      ping: async () => {
        await pool.query('select 1');
      },
      close: () => pool.end(),
    };
  }
  const release = opts.dataDir ? lockDataDir(opts.dataDir) : () => {};
  try {
    const client = opts.dataDir ? new PGlite(join(opts.dataDir, 'pglite')) : new PGlite();
    await client.waitReady;
    const db = drizzlePglite(client, { schema }) as unknown as Database;
    return {
      db,
      kind: 'pglite',
      location: opts.dataDir ?? 'memory',
      ping: async () => {
        await client.query('select 1');
      },
      close: async () => {
        try {
          await client.close();
        } finally {
          release();
        }
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

export async function migrateDatabase(h: DbHandle): Promise<void> {
  if (h.kind === 'postgres') await migratePg(h.db, { migrationsFolder: MIGRATIONS_FOLDER });
  // biome-ignore lint/suspicious/noExplicitAny: the PGlite migrator wants its own database type; the object is one
  else await migratePglite(h.db as any, { migrationsFolder: MIGRATIONS_FOLDER });
}

/** The PostgreSQL SQLSTATE of an error (pg puts it on the error, drizzle on its cause), on either driver. */
export function pgCode(e: unknown): string | undefined {
  const x = e as { code?: string; cause?: { code?: string } } | null;
  return x?.code ?? x?.cause?.code;
}

/** The row list of a raw `db.execute` result, on either driver. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
