import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { lockDataDir } from './lock.js';
import { DatabaseUnreachableError, databaseAddress, outageCause } from './outage.js';

/**
 * One database type for both drivers: the drizzle API is the same on PGlite and node-postgres. Not typed by the
 * modules' tables (queries name their tables, no relational `db.query`), so that platform/ knows no module.
 */
export type Database = NodePgDatabase<Record<string, unknown>>;
/** A transaction handle; inside a transaction use only this (PGlite has a single connection). */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either the database or a transaction: stores take this so services decide the transaction. */
export type Queryable = Database | Tx;

export type DbHandle = {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Where the data lives: a directory, `memory`, or the PostgreSQL URL without its password. */
  location: string;
  /** `select 1`, failing after `timeoutMs` at the latest (default 2 s): for /readyz. */
  ping(timeoutMs?: number): Promise<void>;
  /** Applies the migrations not yet applied (on PostgreSQL on a connection of its own, see migrateDatabase). */
  migrate(): Promise<void>;
  close(): Promise<void>;
};

export const MIGRATIONS_FOLDER = join(import.meta.dirname, '../../../drizzle');

/**
 * The bounds that keep a request from hanging on a database that does not answer (CBEC_DB_* settings): every wait
 * on PostgreSQL ends, and the HTTP layer answers 503 (http/app.ts toAppError).
 */
export type PoolTimeouts = {
  /** Largest number of connections (default 10). */
  maxConnections?: number;
  /** Waiting for a connection: opening one, or for a free one in a full pool (default 5 s). */
  connectTimeoutMs?: number;
  /** Server side: a statement running longer is cancelled (SQLSTATE 57014) (default 30 s; 0: none). */
  statementTimeoutMs?: number;
  /**
   * Client side: a query without any answer for this long fails and its connection is closed (a server or network
   * that swallows packets); default statement timeout + 5 s.
   */
  queryTimeoutMs?: number;
  /** Server side: a session idle inside a transaction this long is ended (default 60 s; 0: none). */
  idleInTransactionTimeoutMs?: number;
};

export const POOL_DEFAULTS = {
  maxConnections: 10,
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 30_000,
  idleInTransactionTimeoutMs: 60_000,
} as const;

export type OpenOptions =
  | { kind: 'pglite'; dataDir?: string /* undefined = in memory */ }
  | ({ kind: 'postgres'; url: string } & PoolTimeouts);

/**
 * Closes the connection of a query that timed out on the client side: its answer may never come, and a connection
 * with a query in flight serves no other. pg-pool then drops the client instead of handing it out again (a
 * transaction releases it without an error). Also keeps an error on a checked-out client (the server ended the
 * session) from being an unhandled 'error' event: the next query on it fails instead.
 */
function guardClient(client: pg.PoolClient): void {
  client.on('error', () => {});
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const close = (e: unknown) => {
    if (e instanceof Error && /Query read timeout/.test(e.message)) {
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    }
  };
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (e: unknown, r: unknown) => {
        close(e);
        (callback as (e: unknown, r: unknown) => void)(e, r);
      };
      return query(...args);
    }
    const result = query(...args);
    if (result instanceof Promise) {
      return result.catch((e: unknown) => {
        close(e);
        throw e;
      });
    }
    return result;
  };
}

export async function openDatabase(opts: OpenOptions): Promise<DbHandle> {
  if (opts.kind === 'postgres') {
    const statementTimeout = opts.statementTimeoutMs ?? POOL_DEFAULTS.statementTimeoutMs;
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.maxConnections ?? POOL_DEFAULTS.maxConnections,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? POOL_DEFAULTS.connectTimeoutMs,
      query_timeout: opts.queryTimeoutMs ?? (statementTimeout > 0 ? statementTimeout + 5_000 : 35_000),
      ...(statementTimeout > 0 ? { statement_timeout: statementTimeout } : {}),
      ...((opts.idleInTransactionTimeoutMs ?? POOL_DEFAULTS.idleInTransactionTimeoutMs) > 0
        ? {
            idle_in_transaction_session_timeout:
              opts.idleInTransactionTimeoutMs ?? POOL_DEFAULTS.idleInTransactionTimeoutMs,
          }
        : {}),
      keepAlive: true,
    });
    pool.on('error', () => {}); // idle client errors surface on the next query
    pool.on('connect', guardClient);
    // PostgreSQL must answer before anything else runs: an outage at start-up is then reported as what it is
    // ("cannot reach the database at host:port: ECONNREFUSED"), not as the first migration statement that failed.
    try {
      await pool.query('select 1');
    } catch (e) {
      await pool.end().catch(() => {});
      const cause = outageCause(e);
      const address = databaseAddress(opts.url);
      if (cause) throw new DatabaseUnreachableError(address, cause === 'timeout' ? 'no answer (timeout)' : cause);
      const code = (e as { code?: string }).code;
      throw new Error(
        `无法使用数据库 ${address} / cannot use the database at ${address}: ${(e as Error).message}${code ? ` (${code})` : ''}`,
      );
    }
    const db = drizzlePg(pool);
    return {
      db,
      kind: 'postgres',
      location: opts.url.replace(/:[^:@/]*@/, ':***@'),
      ping: (timeoutMs = 2_000) => bounded(pool.query('select 1'), timeoutMs),
      migrate: () => migratePostgres(opts.url, opts.connectTimeoutMs ?? POOL_DEFAULTS.connectTimeoutMs),
      close: () => pool.end(),
    };
  }
  const release = opts.dataDir ? lockDataDir(opts.dataDir) : () => {};
  try {
    const client = opts.dataDir ? new PGlite(join(opts.dataDir, 'pglite')) : new PGlite();
    await client.waitReady;
    const db = drizzlePglite(client) as unknown as Database;
    return {
      db,
      kind: 'pglite',
      location: opts.dataDir ?? 'memory',
      ping: (timeoutMs = 2_000) => bounded(client.query('select 1'), timeoutMs),
      // biome-ignore lint/suspicious/noExplicitAny: the PGlite migrator wants its own database type; the object is one
      migrate: () => migratePglite(db as any, { migrationsFolder: MIGRATIONS_FOLDER }),
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

/** Resolves when `p` does, fails when it does or after `ms` (the work itself goes on, bounded by the pool's own). */
async function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database ping: timeout after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function migrateDatabase(h: DbHandle): Promise<void> {
  await h.migrate();
}

/**
 * PostgreSQL migrations run on a connection of their own, without the pool's statement and query timeouts (a
 * backfill over a large table may take longer than any request should), and under a session advisory lock, so that
 * processes starting together on one database apply each migration once: the others wait, then find it applied.
 */
async function migratePostgres(url: string, connectTimeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, keepAlive: true });
  client.on('error', () => {}); // a lost connection fails the query in flight
  await client.connect();
  try {
    await client.query('set statement_timeout = 0');
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.end().catch(() => {}); // ending the session releases the lock
  }
}

/** The advisory lock key the migrations hold (any fixed bigint; 'cbec' in ASCII). */
const MIGRATION_LOCK = 0x63626563;

/** The PostgreSQL SQLSTATE of an error (pg puts it on the error, drizzle on its cause), on either driver. */
export function pgCode(e: unknown): string | undefined {
  const x = e as { code?: string; cause?: { code?: string } } | null;
  return x?.code ?? x?.cause?.code;
}

/** The row list of a raw `db.execute` result, on either driver. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
