import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createApp, createPlatform, type Platform, prepare, type StartupReport } from '../../src/app/platform.js';
import { type Config, loadConfig } from '../../src/platform/config.js';
import type { App } from '../../src/platform/http/app.js';
import { createLogger } from '../../src/platform/log.js';

/** The test database: PGlite in memory, or a fresh database on the PostgreSQL server of DATABASE_URL. */
export const DB_MODE = process.env.DATABASE_URL ? 'postgres' : 'pglite';

async function freshPostgres(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cbec_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * A database that outlives one platform: a fresh PostgreSQL database (DATABASE_URL), or PGlite in a temporary
 * folder. Platforms started on it with `startTestPlatform({ db })` see each other's data (restart, several
 * processes); `drop()` removes it.
 */
export type TestDatabase = { databaseUrl?: string; dataDir?: string; piKeyHex: string; drop(): Promise<void> };

export async function testDatabase(): Promise<TestDatabase> {
  const piKeyHex = randomBytes(16).toString('hex');
  if (process.env.DATABASE_URL) {
    const pgdb = await freshPostgres(process.env.DATABASE_URL);
    return { databaseUrl: pgdb.url, piKeyHex, drop: pgdb.drop };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'cbec-test-db-'));
  return { dataDir, piKeyHex, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

export type TestPlatform = {
  p: Platform;
  app: App;
  report: StartupReport;
  adminPassword: string;
  close(): Promise<void>;
};

export const ADMIN_PASSWORD = 'Admin@Test2026';

/** A whole platform on its own empty database, with the admin and (unless disabled) the demo data. */
export async function startTestPlatform(
  opts: { demo?: boolean; config?: Partial<Config>; db?: TestDatabase } = {},
): Promise<TestPlatform> {
  const shared = opts.db;
  const pgdb = !shared && process.env.DATABASE_URL ? await freshPostgres(process.env.DATABASE_URL) : null;
  const config = loadConfig(
    {
      LOG_LEVEL: 'silent',
      CBEC_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CBEC_SEED_DEMO: opts.demo === false ? 'false' : 'true',
    },
    {
      databaseUrl: shared ? shared.databaseUrl : pgdb?.url,
      ...(shared?.dataDir ? { dataDir: shared.dataDir } : {}),
      piKeyHex: shared?.piKeyHex ?? randomBytes(16).toString('hex'),
      ...opts.config,
    },
  );
  const memory = shared ? !shared.databaseUrl && !shared.dataDir : !pgdb;
  const p = await createPlatform(config, { memory, log: createLogger('silent') });
  const report = await prepare(p);
  // response schemas must be exact: a field a schema does not declare fails the request instead of vanishing
  const app = await createApp(p, { strictResponses: true });
  return {
    p,
    app,
    report,
    adminPassword: ADMIN_PASSWORD,
    close: async () => {
      await app.close();
      await p.close();
      await pgdb?.drop();
    },
  };
}
