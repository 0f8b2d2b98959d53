/**
 * Migrations on PostgreSQL run on a connection of their own, without the pool's statement timeout (a backfill on a
 * large table outlasts any request's limit), and under an advisory lock, so that processes starting together on one
 * database apply each migration once. Runs against DATABASE_URL (the PostgreSQL pass of .ci/run); skipped without it.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase } from '../../src/platform/db/client.js';

const URL_ = process.env.DATABASE_URL;

describe.skipIf(!URL_)('migrations on PostgreSQL', () => {
  const name = `cbec_mig_${process.pid}_${randomBytes(4).toString('hex')}`;
  let url = '';
  const admin = () => new pg.Client({ connectionString: URL_ });

  beforeAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`create database ${name}`);
    await c.end();
    const u = new URL(URL_!);
    u.pathname = `/${name}`;
    url = u.toString();
  });
  afterAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });

  it('three processes migrating a fresh database at once: each migration applied once, after waiting longer than the statement timeout', async () => {
    const handles = await Promise.all(
      [1, 2, 3].map(() => openDatabase({ kind: 'postgres', url, statementTimeoutMs: 100, maxConnections: 2 })),
    );
    // another process holds the migration lock for 600 ms: the three wait (one statement, longer than 100 ms)
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('select pg_advisory_lock($1)', [0x63626563]);
    const released = new Promise((r) => setTimeout(r, 600)).then(() => holder.end());
    try {
      await Promise.all([released, ...handles.map((h) => h.migrate())]);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const applied = await c.query('select hash from drizzle.__drizzle_migrations');
      const locks = await c.query("select count(*)::int as n from pg_locks where locktype = 'advisory'");
      await c.end();
      const files = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql'));
      expect(applied.rowCount).toBe(files.length);
      expect(new Set(applied.rows.map((r) => r.hash)).size).toBe(files.length);
      expect(locks.rows[0].n).toBe(0); // released when each migration connection ended
      // the pool's own statement timeout still holds for requests
      const slow = await handles[0]!.db.execute('select pg_sleep(0.5)').catch((e: { cause?: { code?: string } }) => e);
      expect((slow as { cause?: { code?: string } }).cause?.code).toBe('57014'); // query_canceled
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  });
});
