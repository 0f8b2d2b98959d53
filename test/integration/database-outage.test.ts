/**
 * Issue 8 §4: database outages. With connections refused or a database that accepts and never answers, every route
 * answers 503 with Retry-After and the error shape within a bounded time (pool connection timeout, statement and
 * query timeouts), /readyz says 503, the background workers live through it, and the platform recovers by itself.
 * At start-up the cause is named ("cannot reach the database at host:port: ECONNREFUSED").
 *
 * The platform part runs on the real PostgreSQL (DATABASE_URL) through a TCP proxy the test switches between
 * forwarding, refusing and swallowing.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createPlatform, type Platform, prepare } from '../../src/app/platform.js';
import { loadConfig } from '../../src/platform/config.js';
import { openDatabase } from '../../src/platform/db/client.js';
import { Backoff, DatabaseUnreachableError, isDatabaseUnavailable } from '../../src/platform/db/outage.js';
import type { App } from '../../src/platform/http/app.js';
import { toAppError } from '../../src/platform/http/app.js';
import { createLogger } from '../../src/platform/log.js';
import { orderMessage, orderRecord, PARTIES } from '../support/ceb.js';
import { blackHole, closedPort, TcpProxy } from '../support/tcp-proxy.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli.ts')];

describe('database outages are 503, in one place (platform/db/outage.ts, toAppError)', () => {
  const wrapped = (cause: object) => Object.assign(new Error('Failed query: select 1\nparams: '), { cause });
  it.each([
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['ETIMEDOUT', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })],
    [
      'ECONNRESET (inside a drizzle error)',
      wrapped(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })),
    ],
    ['the pool’s connection timeout', new Error('timeout exceeded when trying to connect')],
    ['a connection timeout', new Error('Connection terminated due to connection timeout')],
    ['the client-side query timeout', wrapped(new Error('Query read timeout'))],
    ['a connection ended', new Error('Connection terminated unexpectedly')],
    ['SQLSTATE 08006 connection_failure', wrapped({ code: '08006', message: 'connection failure' })],
    ['SQLSTATE 08001', wrapped({ code: '08001', message: 'unable to connect' })],
    ['SQLSTATE 57P01 admin_shutdown', wrapped({ code: '57P01', message: 'terminating connection' })],
    ['SQLSTATE 57P02 crash_shutdown', wrapped({ code: '57P02', message: 'crash' })],
    ['SQLSTATE 57P03 cannot_connect_now', wrapped({ code: '57P03', message: 'the database system is starting up' })],
    ['SQLSTATE 53300 too_many_connections', wrapped({ code: '53300', message: 'too many clients' })],
    [
      'SQLSTATE 57014 statement timeout',
      wrapped({ code: '57014', message: 'canceling statement due to statement timeout' }),
    ],
    [
      'an AggregateError of addresses',
      Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]), {}),
    ],
  ])('%s → 503 DATABASE_UNAVAILABLE', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
    const e = toAppError(err);
    expect([e.status, e.code]).toEqual([503, 'DATABASE_UNAVAILABLE']);
    expect(e.messageZh).toMatch(/数据库/);
  });

  it.each([
    ['a unique violation', wrapped({ code: '23505', message: 'duplicate key' })],
    ['a syntax error', wrapped({ code: '42601', message: 'syntax error' })],
    ['a plain bug', new TypeError('x is undefined')],
  ])('%s stays a 500 (not an outage)', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
    expect(toAppError(err).status).toBe(500);
  });

  it('Backoff doubles from the base up to the maximum and resets on success', () => {
    const b = new Backoff(1000, 8000);
    expect([b.failed(0), b.failed(0), b.failed(0), b.failed(0), b.failed(0)]).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(b.ready(7999)).toBe(false);
    expect(b.ready(8000)).toBe(true);
    b.succeeded();
    expect(b.ready(0)).toBe(true);
    expect(b.failed(0)).toBe(1000);
  });
});

describe('start-up names the cause', () => {
  it('a closed port: "cannot reach the database at 127.0.0.1:PORT: ECONNREFUSED"', async () => {
    const port = await closedPort();
    const err = await openDatabase({ kind: 'postgres', url: `postgres://u:secret@127.0.0.1:${port}/db` }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DatabaseUnreachableError);
    expect((err as Error).message).toContain(`cannot reach the database at 127.0.0.1:${port}: ECONNREFUSED`);
    expect((err as Error).message).not.toContain('secret');
  });

  it('a listener that never answers: bounded by the connection timeout, "no answer (timeout)"', async () => {
    const hole = await blackHole();
    try {
      const err = await openDatabase({
        kind: 'postgres',
        url: `postgres://u@127.0.0.1:${hole.port}/db`,
        connectTimeoutMs: 300,
      }).catch((e: unknown) => e);
      expect((err as Error).message).toContain(
        `cannot reach the database at 127.0.0.1:${hole.port}: no answer (timeout)`,
      );
    } finally {
      await hole.close();
    }
  });

  it('`cbec-zone migrate` and `serve` print the cause, not "Failed query: CREATE SCHEMA", and exit 2', async () => {
    const port = await closedPort();
    for (const command of ['migrate', 'serve']) {
      const r = spawnSync(process.execPath, [...CLI, command], {
        env: {
          ...process.env,
          DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/x`,
          LOG_LEVEL: 'silent',
          PORT: '0',
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.stderr, command).toContain(`cannot reach the database at 127.0.0.1:${port}: ECONNREFUSED`);
      expect(r.stderr).not.toContain('Failed query');
      expect(r.status).toBe(2);
    }
  });
});

/** The platform on PostgreSQL through the proxy; each request answered within a bound, whatever the database does. */
describe.skipIf(!process.env.DATABASE_URL)('a platform on PostgreSQL through an outage', () => {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://localhost/x');
  const name = `cbec_outage_${process.pid}_${randomBytes(3).toString('hex')}`;
  let proxy: TcpProxy;
  let p: Platform;
  let app: App;
  let key: string;
  let cookie: string;
  const logs: { level: number; msg: string }[] = [];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    proxy = await new TcpProxy(base.hostname || '127.0.0.1', Number(base.port || 5432)).start();
    const url = new URL(base.toString());
    url.host = `127.0.0.1:${proxy.port}`;
    url.pathname = `/${name}`;
    const config = loadConfig(
      { LOG_LEVEL: 'silent', CBEC_ADMIN_PASSWORD: 'Admin@Test2026', CBEC_SEED_DEMO: 'true' },
      {
        databaseUrl: url.toString(),
        piKeyHex: randomBytes(16).toString('hex'),
        db: { connectTimeoutMs: 800, statementTimeoutMs: 1500, queryTimeoutMs: 1200, idleInTransactionTimeoutMs: 5000 },
      },
    );
    const log = createLogger('warn', {
      write: (line: string) => {
        const l = JSON.parse(line);
        logs.push({ level: l.level, msg: l.msg });
      },
    });
    p = await createPlatform(config, { log });
    await prepare(p);
    app = await createApp(p);
    p.clearance.start(100);
    key = (await p.identity.createApiKey({ name: 'test' }, PARTIES.ebp, 'outage', null)).secret;
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'customs.demo', password: 'Demo@2026!' },
    });
    cookie = `cbec_session=${res.cookies.find((c) => c.name === 'cbec_session')?.value}`;
  }, 120_000);

  afterAll(async () => {
    await proxy?.set('forward');
    // Shutdown after the outage once took over 120 s under CI load (not reproduced on an idle machine): bounded here
    // and reported, so that the database is still dropped; the finding is in issue 8's closing note.
    const bounded = (what: string, work: Promise<unknown> | undefined) =>
      Promise.race([
        work,
        new Promise((r) => setTimeout(r, 20_000)).then(() => console.warn(`${what}: still closing after 20 s`)),
      ]);
    await bounded('app.close', app?.close());
    await bounded('platform.close', p?.close());
    await proxy?.close();
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  let n = 0;
  const requests = () => [
    {
      name: 'login',
      method: 'POST' as const,
      url: '/api/v1/auth/login',
      payload: { username: 'tax.demo', password: 'Demo@2026!' },
    },
    {
      name: 'declaration',
      method: 'POST' as const,
      url: '/api/v1/messages',
      payload: orderMessage([orderRecord({ orderNo: `OUTAGE-${process.pid}-${++n}` })]),
      headers: { authorization: `Bearer ${key}` },
    },
    { name: 'an officer’s list', method: 'GET' as const, url: '/api/v1/enterprises', headers: { cookie } },
    { name: 'the tables', method: 'GET' as const, url: '/api/v1/tables', headers: { authorization: `Bearer ${key}` } },
  ];
  /** Each request with a generous bound (not a timing assertion: the request must end, not hang). */
  const within = async (ms: number, r: InjectOptions) => {
    let timer: NodeJS.Timeout | undefined;
    const res = await Promise.race([
      app.inject(r),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${ms} ms: ${JSON.stringify(r).slice(0, 100)}`)),
          ms,
        );
      }),
    ]);
    clearTimeout(timer);
    return res;
  };
  const expect503 = (res: Awaited<ReturnType<App['inject']>>, what: string) => {
    expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.json()).toMatchObject({
      error: {
        code: 'DATABASE_UNAVAILABLE',
        message: expect.any(String),
        messageEn: expect.any(String),
        requestId: expect.any(String),
      },
    });
  };

  it('while the database answers, everything works', async () => {
    for (const r of requests()) {
      const res = await within(10_000, r);
      expect(res.statusCode, `${r.name}: ${res.body.slice(0, 200)}`).toBeLessThan(300);
    }
    expect((await within(5_000, { method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  for (const mode of ['refuse', 'swallow'] as const) {
    it(`${mode === 'refuse' ? 'connections refused' : 'a database that accepts and never answers'}: 503 + Retry-After on every route within the bound, /readyz 503, /healthz 200; then it recovers by itself`, async () => {
      await proxy.set(mode);
      for (const r of requests()) expect503(await within(10_000, r), r.name);
      // twice: connections the pool still held are found dead and dropped, not handed out again
      for (const r of requests()) expect503(await within(10_000, r), `${r.name} again`);
      const ready = await within(5_000, { method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'unavailable' });
      expect((await within(5_000, { method: 'GET', url: '/healthz' })).statusCode).toBe(200);

      await proxy.set('forward');
      const deadline = Date.now() + 30_000;
      let ok = false;
      while (!ok && Date.now() < deadline) {
        const res = await within(10_000, { method: 'GET', url: '/readyz' });
        ok = res.statusCode === 200;
        if (!ok) await new Promise((r) => setTimeout(r, 200));
      }
      expect(ok).toBe(true);
      for (const r of requests()) {
        const res = await within(10_000, r);
        expect(res.statusCode, `${r.name} after recovery: ${res.body.slice(0, 200)}`).toBeLessThan(300);
      }
    }, 120_000);
  }

  it('the background workers lived through the outages: they logged, backed off, and still work', async () => {
    expect(logs.some((l) => /clearance worker: database unavailable/.test(l.msg))).toBe(true);
    // the clearance worker still decides: a full set declared now is matched and answered
    const { secret } = await p.identity.createApiKey({ name: 'test' }, PARTIES.ebp, 'after', null);
    const res = await within(10_000, {
      method: 'POST',
      url: '/api/v1/messages',
      payload: orderMessage([orderRecord({ orderNo: `AFTER-${process.pid}` })]),
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(res.statusCode).toBe(200);
    await p.clearance.drain();
  });
});
