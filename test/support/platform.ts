import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Config, loadConfig } from '../../src/platform/config.js';
import type { App } from '../../src/platform/http/app.js';
import { createLogger } from '../../src/platform/log.js';
import { createApp, createPlatform, type Platform, prepare, type StartupReport } from '../../src/platform/platform.js';

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
  opts: { demo?: boolean; config?: Partial<Config> } = {},
): Promise<TestPlatform> {
  const pgdb = process.env.DATABASE_URL ? await freshPostgres(process.env.DATABASE_URL) : null;
  const config = loadConfig(
    {
      LOG_LEVEL: 'silent',
      CBEC_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CBEC_SEED_DEMO: opts.demo === false ? 'false' : 'true',
    },
    { databaseUrl: pgdb?.url, piKeyHex: randomBytes(16).toString('hex'), ...opts.config },
  );
  const p = await createPlatform(config, { memory: !pgdb, log: createLogger('silent') });
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
