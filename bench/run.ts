/**
 * `npm run bench`: the declaration hub's intake speed, measured from a separate client process against the real
 * server (child process), on PostgreSQL when DATABASE_URL is set and on the embedded database otherwise.
 *
 * 1. Throughput: CEB311 messages of 100 orders each (2 items per order, about 2 KB per order), posted by
 *    CONCURRENCY clients, each message schema-checked, filing-checked, stored and answered with its receipts.
 * 2. Latency: single-order messages (a probe stream) while 100-order messages run at half the measured rate.
 *
 * 3. The raw limit, in the same run: the database's own rate for the rows one order writes (an order row of about
 *    2 KB, two item rows, one receipt row, each with its primary key and one secondary index), inserted by
 *    CONCURRENCY connections (PGlite: its one connection) in transactions of 100 orders, as `unnest` arrays. The
 *    intake figure over this one is the ratio to track: the machine is shared, the ratio holds.
 *
 * The figures go to docs/benchmarks.md by hand, with the machine and date.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { orderMessage, orderRecord, PARTIES } from '../src/app/examples.js';
import { buildCeb } from '../src/modules/declaration/ceb/codec.js';

const ROOT = join(import.meta.dirname, '..');
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ORDERS_PER_MESSAGE = 100;

async function startServer(env: NodeJS.ProcessEnv): Promise<{ url: string; proc: ChildProcess; out: () => string }> {
  // BENCH_PROFILE=dir writes a CPU profile of the server's main thread there.
  const prof = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const proc = spawn(process.execPath, [...prof, '--import', 'tsx', join(ROOT, 'src/cli.ts'), 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d) => {
    out += d;
  });
  proc.stderr?.on('data', (d) => {
    out += d;
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const m = /running at (http:\/\/\S+)/.exec(out);
    if (m) return { url: m[1] as string, proc, out: () => out };
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function apiKey(url: string, username: string, password: string, uscc: string): Promise<string> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const res = await fetch(`${url}/api/v1/enterprises/${uscc}/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name: 'bench' }),
  });
  if (res.status !== 201) throw new Error(`api key: ${res.status} ${await res.text()}`);
  return (await res.json()).secret;
}

function messages(prefix: string, count: number, orders: number): Buffer[] {
  return Array.from({ length: count }, (_, m) =>
    Buffer.from(
      buildCeb(orderMessage(Array.from({ length: orders }, (_, i) => orderRecord({ orderNo: `${prefix}-${m}-${i}` })))),
    ),
  );
}

async function post(url: string, key: string, body: Buffer): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/xml', accept: 'application/json' },
    body: body as unknown as BodyInit,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`intake ${res.status}: ${text.slice(0, 500)}`);
  return performance.now() - t0;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** The raw limit (see the header): orders/s the database itself takes for the rows one order writes. */
async function rawLimit(databaseUrl: string | undefined, seconds = 10): Promise<number> {
  const ddl = [
    'create table raw_orders (id bigserial primary key, k text not null, body text not null)',
    'create index on raw_orders (k)',
    'create table raw_items (id bigserial primary key, order_k text not null, g int not null, body text not null)',
    'create index on raw_items (order_k)',
    'create table raw_receipts (id bigserial primary key, k text not null, status text not null, at timestamptz not null default now())',
    'create index on raw_receipts (k)',
  ];
  const body = 'x'.repeat(2000);
  const item = 'y'.repeat(200);
  const tx = (batch: number) => {
    const keys = Array.from({ length: ORDERS_PER_MESSAGE }, (_, i) => `raw-${batch}-${i}`);
    return {
      keys,
      statements: [
        ['insert into raw_orders (k, body) select k, $2 from unnest($1::text[]) k', [keys, body]],
        [
          'insert into raw_items (order_k, g, body) select k, g, $2 from unnest($1::text[]) k, generate_series(1, 2) g',
          [keys, item],
        ],
        ["insert into raw_receipts (k, status) select k, '2' from unnest($1::text[]) k", [keys]],
      ] as [string, unknown[]][],
    };
  };
  let batch = 0;
  let orders = 0;
  const until = performance.now() + seconds * 1000;
  if (databaseUrl) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: CONCURRENCY });
    for (const d of ddl) await pool.query(d);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        const c = await pool.connect();
        try {
          while (performance.now() < until) {
            const { statements } = tx(batch++);
            await c.query('begin');
            for (const [sql, params] of statements) await c.query(sql, params);
            await c.query('commit');
            orders += ORDERS_PER_MESSAGE;
          }
        } finally {
          c.release();
        }
      }),
    );
    const rate = orders / ((performance.now() - t0) / 1000);
    await pool.end();
    return rate;
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = mkdtempSync(join(tmpdir(), 'cbec-bench-raw-'));
  const db = new PGlite(join(dir, 'pglite'));
  try {
    for (const d of ddl) await db.query(d);
    const t0 = performance.now();
    while (performance.now() < until) {
      const { statements } = tx(batch++);
      await db.transaction(async (t) => {
        for (const [sql, params] of statements) await t.query(sql, params);
      });
      orders += ORDERS_PER_MESSAGE;
    }
    return orders / ((performance.now() - t0) / 1000);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'cbec-bench-'));
  let dbName: string | null = null;
  let databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    dbName = `cbec_bench_${randomBytes(4).toString('hex')}`;
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    await c.query(`create database ${dbName}`);
    await c.end();
    const u = new URL(databaseUrl);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    CBEC_ADMIN_PASSWORD: 'Bench@Admin2026',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  const { url, proc, out } = await startServer(env);
  let ordersPerSecond = 0;
  try {
    const key = await apiKey(url, 'ebp.demo', 'Demo@2026!', PARTIES.ebp);
    console.log(
      `server ${url} on ${databaseUrl ? 'PostgreSQL' : 'PGlite'}; ${cpus().length} cores (${cpus()[0]?.model})`,
    );

    // warm-up
    for (const m of messages('warm', 5, ORDERS_PER_MESSAGE)) await post(url, key, m);

    // 1. throughput
    const batch = messages('tp', MESSAGES, ORDERS_PER_MESSAGE);
    console.log(
      `throughput: ${MESSAGES} messages × ${ORDERS_PER_MESSAGE} orders, ${(batch[0]!.length / ORDERS_PER_MESSAGE / 1024).toFixed(2)} KiB per order, concurrency ${CONCURRENCY}`,
    );
    let next = 0;
    const lat: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < batch.length) lat.push(await post(url, key, batch[next++] as Buffer));
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    ordersPerSecond = (MESSAGES * ORDERS_PER_MESSAGE) / seconds;
    lat.sort((a, b) => a - b);
    console.log(
      `  ${ordersPerSecond.toFixed(0)} orders/s (${(MESSAGES / seconds).toFixed(1)} messages/s); message latency p50 ${percentile(lat, 50).toFixed(1)} ms, p99 ${percentile(lat, 99).toFixed(1)} ms`,
    );

    // 2. single-message latency at half that load
    const halfRate = MESSAGES / seconds / 2; // 100-order messages per second
    const background = messages('bg', Math.ceil(halfRate * 20), ORDERS_PER_MESSAGE);
    const probes = messages('probe', 400, 1);
    const probeLat: number[] = [];
    let bgNext = 0;
    const start = performance.now();
    const bgLoop = (async () => {
      const inflight: Promise<unknown>[] = [];
      while (bgNext < background.length) {
        const due = start + (bgNext / halfRate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        inflight.push(post(url, key, background[bgNext++] as Buffer));
      }
      await Promise.all(inflight);
    })();
    for (const p of probes) {
      if (bgNext >= background.length) break;
      probeLat.push(await post(url, key, p));
      await new Promise((r) => setTimeout(r, 20));
    }
    await bgLoop;
    probeLat.sort((a, b) => a - b);
    console.log(
      `latency: ${probeLat.length} single-order messages at ${(halfRate * ORDERS_PER_MESSAGE).toFixed(0)} orders/s background load: p50 ${percentile(probeLat, 50).toFixed(1)} ms, p99 ${percentile(probeLat, 99).toFixed(1)} ms`,
    );
  } finally {
    proc.kill('SIGTERM');
    const code = await new Promise((r) => proc.once('exit', (c, sig) => r(c ?? sig)));
    if (code !== 0) console.log(`server exit ${code}:\n${out().slice(-2000)}`);
    rmSync(dataDir, { recursive: true, force: true });
    // the raw limit, after the server has stopped (in a database of its own on PostgreSQL)
    const raw = await rawLimit(databaseUrl);
    console.log(
      `raw limit: ${raw.toFixed(0)} orders/s (the database alone: 4 rows an order, 100 orders a transaction); intake ${ordersPerSecond.toFixed(0)} orders/s = ${((100 * ordersPerSecond) / raw).toFixed(1)} % of it`,
    );
    if (dbName && process.env.DATABASE_URL) {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${dbName} with (force)`);
      await c.end();
    }
  }
}

await main();
