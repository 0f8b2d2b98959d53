/**
 * `npm run bench:clearance`: the import clearance engine (issue 4 §8), on PostgreSQL when DATABASE_URL is set (a
 * fresh database per part) and on PGlite (a temporary DATA_DIR) otherwise.
 *
 * Every list is a complete import clearance: an order (CEB311), a payment (CEB411), a waybill (CEB511) and a declared
 * list (CEB621, 2 items) that agree, sent as JSON in messages of 100 records (CBEC_JSON_DECLARATIONS=accept,
 * CBEC_INSPECTION_RATE=0 so that every list is released), BENCH_LISTS_PER_BUYER lists per buyer (the annual quota of
 * 26,000 allows 123 lists of 210.00).
 *
 * BENCH_WORKERS=n starts n `cbec-zone clearance-worker` processes beside the server in the end-to-end parts
 * (PostgreSQL only): they share the lists with the server's own worker (SKIP LOCKED).
 *
 * Parts (BENCH_PARTS, comma-separated; default all three):
 * - `phased`: end to end on the real server (`cbec-zone serve`, child process; the background worker decides):
 *   all orders, then all payments, then all waybills, then all lists, each kind posted by BENCH_CONCURRENCY clients;
 *   intake rate per kind, then decisions/s while and after the lists arrive, and complete clearances/s overall.
 * - `mixed`: end to end, sets of (order, payment, waybill, list) messages of 100 posted in that order by
 *   BENCH_CONCURRENCY clients, the worker deciding meanwhile: the sustained rate of complete clearances.
 * - `stages`: in process (no HTTP): the documents of BENCH_LISTS lists through `declaration.intake` with the worker
 *   stopped, then `clearance.processDue()` batch after batch alone (lists decided/s by the engine), each stage timed
 *   by wrapping the functions the batch calls (see `Profiler`; src/ is not changed), with query counts on PostgreSQL
 *   and the CPU of Node and of the PostgreSQL backends.
 *
 * After each part every list's receipts are counted in the database (120 for the four documents, 399 and 800 for
 * the list, two CEB816) and a sample's CEB622 sequence is checked (2, 120, 399, 800). The figures go to
 * docs/benchmarks.md by hand, with the machine and date.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { seedDemo } from '../src/app/demo.js';
import {
  inventoryMessage,
  orderMessage,
  orderRecord,
  PARTIES,
  paymentMessage,
  waybillMessage,
} from '../src/app/examples.js';
import { createPlatform, type Platform } from '../src/app/platform.js';
import { listsStore } from '../src/modules/clearance/store/lists.js';
import { quotaStore } from '../src/modules/clearance/store/quota.js';
import { stockStore } from '../src/modules/clearance/store/stock.js';
import type { CebMessage, CebRecord } from '../src/modules/declaration/ceb/codec.js';
import { declarationStore } from '../src/modules/declaration/store.js';
import { loadConfig } from '../src/platform/config.js';
import { type DbHandle, openDatabase, rowsOf } from '../src/platform/db/client.js';
import { createLogger } from '../src/platform/log.js';

const ROOT = join(import.meta.dirname, '..');
const LISTS = Number(process.env.BENCH_LISTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const PER_BUYER = Number(process.env.BENCH_LISTS_PER_BUYER ?? 10);
const PARTS = (process.env.BENCH_PARTS ?? 'phased,mixed,stages').split(',').map((s) => s.trim());
/** Lists per processDue transaction in the `stages` part (the engine's default is 500). */
const BATCH = process.env.BENCH_BATCH_SIZE ? Number(process.env.BENCH_BATCH_SIZE) : undefined;
const PER_MESSAGE = 100;
/** Extra clearance worker processes beside the server in the end-to-end parts (PostgreSQL only). */
const WORKERS = Number(process.env.BENCH_WORKERS ?? 0);
const ADMIN_PASSWORD = 'Bench@Admin2026';
const KINDS = ['order', 'payment', 'waybill', 'list'] as const;
type Kind = (typeof KINDS)[number];
const SENDER: Record<Kind, string> = {
  order: PARTIES.ebp,
  payment: PARTIES.pay,
  waybill: PARTIES.logistics,
  list: PARTIES.logistics,
};

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number) : NaN;

// ---- the documents -------------------------------------------------------------------------------------------

/** The four matching messages of lists [from, from + count) of a run (tag): 100 records each. */
function messagesOf(tag: string, chunk: number): Record<Kind, CebMessage> {
  const from = chunk * PER_MESSAGE;
  const idx = Array.from({ length: PER_MESSAGE }, (_, k) => from + k);
  const buyerCount = Math.max(1, Math.ceil(LISTS / PER_BUYER));
  const keys = idx.map((i) => ({
    orderNo: `${tag}O${i}`,
    logisticsNo: `${tag}L${i}`,
    copNo: `${tag}C${i}`,
    // 18 characters; GB 11643 check digits are not required by the engine. Buyer b places lists b, b + B, b + 2B …
    buyerId: `1101051990${String(i % buyerCount).padStart(8, '0')}`,
  }));
  const order = orderMessage(
    keys.map((k) => {
      const r = orderRecord({ orderNo: k.orderNo });
      (r.OrderHead as CebRecord).buyerIdNumber = k.buyerId;
      return r;
    }),
  );
  const recordsOf = (
    m: (k: (typeof keys)[number]) => CebMessage,
    head: string,
    set: (k: (typeof keys)[number]) => object,
  ) =>
    keys.map((k) => {
      const r = m(k).records[0] as CebRecord;
      Object.assign(r[head] as CebRecord, set(k));
      return r;
    });
  const payment = paymentMessage(keys[0]!.orderNo, 'x');
  payment.records = recordsOf(
    (k) => paymentMessage(k.orderNo, `PAY${k.orderNo}`),
    'PaymentHead',
    (k) => ({ payerIdNumber: k.buyerId }),
  );
  const waybill = waybillMessage(keys[0]!.orderNo, 'x');
  waybill.records = recordsOf(
    (k) => waybillMessage(k.orderNo, k.logisticsNo),
    'LogisticsHead',
    () => ({}),
  );
  const list = inventoryMessage(keys[0]!.orderNo, 'x', 'x', '2');
  list.records = recordsOf(
    (k) => inventoryMessage(k.orderNo, k.logisticsNo, k.copNo, '2'),
    'InventoryHead',
    (k) => ({ buyerIdNumber: k.buyerId }),
  );
  return { order, payment, waybill, list };
}

const listKey = (tag: string, i: number) => `${PARTIES.ebp}|${PARTIES.ebp}|${tag}O${i}`;

// ---- databases, CPU ------------------------------------------------------------------------------------------

type Db = { url: string | null; dataDir: string; drop(): Promise<void> };

async function freshDatabase(label: string): Promise<Db> {
  const dataDir = mkdtempSync(join(tmpdir(), `cbec-bench-clr-${label}-`));
  const admin = process.env.DATABASE_URL;
  if (!admin) return { url: null, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  const name = `cbec_bench_clr_${label}_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    dataDir,
    drop: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`drop database if exists ${name} with (force)`);
      await d.end();
    },
  };
}

const TICK = 100; // USER_HZ
/** CPU seconds (user + system) of a process, from /proc; 0 when it is gone. */
function procCpu(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / TICK;
  } catch {
    return 0;
  }
}

/** CPU of the PostgreSQL backends serving one database, sampled (a backend that exits keeps its last sample). */
class BackendCpu {
  private readonly last = new Map<number, number>();
  private readonly first = new Map<number, number>();
  constructor(
    private readonly client: pg.Client | null,
    private readonly dbName: string | null,
  ) {}
  async sample(): Promise<void> {
    if (!this.client || !this.dbName) return;
    const { rows } = await this.client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [this.dbName],
    );
    for (const { pid } of rows) {
      const cpu = procCpu(pid);
      if (!this.first.has(pid)) this.first.set(pid, cpu);
      this.last.set(pid, cpu);
    }
  }
  /** Seconds since the first sample of each backend. */
  total(): number {
    let s = 0;
    for (const [pid, v] of this.last) s += v - (this.first.get(pid) ?? v);
    return s;
  }
  reset(): void {
    for (const [pid, v] of this.last) this.first.set(pid, v);
  }
}

// ---- checks ---------------------------------------------------------------------------------------------------

/** Every list's receipts counted, and a sample's CEB622 sequence; returns problems (empty when all is well). */
async function checkReceipts(dbh: DbHandle, tags: { tag: string; n: number }[]): Promise<string[]> {
  const total = tags.reduce((s, t) => s + t.n, 0);
  const q = async <T>(s: ReturnType<typeof sql>) => rowsOf<T>(await dbh.db.execute(s));
  // only the benchmark's lists and their receipts (the database may hold demo lists)
  const listRe = `^(${tags.map((t) => t.tag).join('|')})O[0-9]`;
  const keyRe = `(${tags.map((t) => t.tag).join('|')})[OL][0-9]`;
  const statuses = await q<{ status: string; n: number }>(
    sql`select status, count(*)::int as n from clr_lists where order_no ~ ${listRe} group by status order by status`,
  );
  const receipts = await q<{ type: string; return_status: string; n: number }>(
    sql`select type, return_status, count(*)::int as n from decl_receipts
      where business_key ~ ${keyRe} or business_key in (select invt_no from clr_lists where order_no ~ ${listRe})
      group by 1, 2 order by 1, 2`,
  );
  const bills =
    (
      await q<{ n: number }>(
        sql`select count(*)::int as n from clr_tax_bills b join clr_lists l on l.id = b.list_id where l.order_no ~ ${listRe}`,
      )
    )[0]?.n ?? 0;
  const count = (type: string, st: string) => receipts.find((r) => r.type === type && r.return_status === st)?.n ?? 0;
  const problems: string[] = [];
  const released = statuses.find((s) => s.status === 'released')?.n ?? 0;
  if (released !== total) problems.push(`released ${released} of ${total}: ${JSON.stringify(statuses)}`);
  for (const [type, st, want] of [
    ['CEB312Message', '120', total],
    ['CEB412Message', '120', total],
    ['CEB512Message', '120', total],
    ['CEB622Message', '120', total],
    ['CEB622Message', '399', total],
    ['CEB622Message', '800', total],
    ['CEB816Message', '1', 2 * total],
  ] as const) {
    if (count(type, st) !== want) problems.push(`${type} ${st}: ${count(type, st)}, expected ${want}`);
  }
  if (bills !== total) problems.push(`tax bills ${bills}, expected ${total}`);
  const sample = tags.flatMap((t) => Array.from({ length: 10 }, () => listKey(t.tag, Math.floor(Math.random() * t.n))));
  const seqs = await q<{ business_key: string; s: string }>(
    sql`select business_key, string_agg(return_status, ',' order by seq) as s from decl_receipts
      where type = 'CEB622Message' and business_key in (select jsonb_array_elements_text(${JSON.stringify(sample)}::jsonb))
      group by 1`,
  );
  const bad = sample.filter((k) => seqs.find((r) => r.business_key === k)?.s !== '2,120,399,800');
  if (bad.length) problems.push(`CEB622 sequence wrong for ${bad.length} of ${sample.length} sampled lists`);
  console.log(
    `  check: ${total} lists released, receipts 120×4, 399, 800, CEB816×2 per list ${problems.length ? 'NOT all present' : 'all present'}; ` +
      `sample of ${sample.length} lists: CEB622 2→120→399→800 ${bad.length ? `wrong for ${bad.length}` : 'ok'}`,
  );
  for (const p of problems) console.log(`  PROBLEM: ${p}`);
  return problems;
}

// ---- end to end on the server --------------------------------------------------------------------------------

async function startServer(env: NodeJS.ProcessEnv): Promise<{ url: string; proc: ChildProcess; out: () => string }> {
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
    await sleep(100);
  }
}

function serverEnv(db: Db, piKey: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: db.dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    CBEC_ADMIN_PASSWORD: ADMIN_PASSWORD,
    CBEC_PI_KEY: piKey,
    CBEC_JSON_DECLARATIONS: 'accept',
    CBEC_INSPECTION_RATE: '0',
  };
  if (db.url) env.DATABASE_URL = db.url;
  else delete env.DATABASE_URL;
  return env;
}

/**
 * The admin and the demo enterprises (filed, with their credit records) and nothing else: `prepare` may also seed
 * demo lists, which would be counted with the benchmark's.
 */
async function seedParties(p: Platform): Promise<void> {
  await p.identity.ensureAdmin(p.config.adminPassword);
  await seedDemo(p.identity, p.filing, p.credit);
}

/** The demo data and an API key per sending enterprise, written before the server starts (pay and logistics have no users). */
async function prepareKeys(env: NodeJS.ProcessEnv): Promise<Record<Kind, string>> {
  const p = await createPlatform(loadConfig(env), { log: createLogger('silent') });
  try {
    await seedParties(p);
    const key = async (uscc: string) =>
      (await p.identity.createApiKey({ name: 'bench' }, uscc, 'bench', null)).secret as string;
    const [ebp, pay, logistics] = [await key(PARTIES.ebp), await key(PARTIES.pay), await key(PARTIES.logistics)];
    return { order: ebp, payment: pay, waybill: logistics, list: logistics };
  } finally {
    await p.close();
  }
}

async function post(url: string, key: string, msg: CebMessage): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(msg),
  });
  const text = await res.text();
  if (res.status !== 200 || !text.includes('"accepted"'))
    throw new Error(`intake ${res.status}: ${text.slice(0, 800)}`);
  return performance.now() - t0;
}

/** Decided-list counts, from the database (PostgreSQL) or the API (PGlite: the server holds the only connection). */
type Counter = () => Promise<{ released: number; rejected: number; waiting: number }>;

function counterOf(url: string, key: string, pgc: pg.Client | null): Counter {
  if (pgc) {
    return async () => {
      const { rows } = await pgc.query<{ status: string; n: number }>(
        'select status, count(*)::int as n from clr_lists group by status',
      );
      const n = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
      return { released: n('released'), rejected: n('rejected'), waiting: n('waiting') };
    };
  }
  const total = async (status: string) => {
    const res = await fetch(`${url}/api/v1/clearance/lists?status=${status}&pageSize=1`, {
      headers: { authorization: `Bearer ${key}` },
    });
    if (res.status !== 200) throw new Error(`lists ${res.status}: ${await res.text()}`);
    return (await res.json()).total as number;
  };
  return async () => ({ released: await total('released'), rejected: await total('rejected'), waiting: 0 });
}

async function endToEnd(mode: 'phased' | 'mixed'): Promise<void> {
  const db = await freshDatabase(mode);
  const piKey = randomBytes(16).toString('hex');
  const env = serverEnv(db, piKey);
  let keys: Record<Kind, string>;
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    keys = await prepareKeys(env);
    server = await startServer(env);
  } catch (e) {
    await db.drop();
    throw e;
  }
  const { url, proc, out } = server;
  // BENCH_WORKERS extra `cbec-zone clearance-worker` processes beside the server (PostgreSQL only)
  const workers = db.url
    ? Array.from({ length: WORKERS }, () =>
        spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'clearance-worker'], {
          env,
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      )
    : [];
  if (workers.length) console.log(`  ${workers.length} clearance worker process(es) beside the server`);
  const dbName = db.url ? new URL(db.url).pathname.slice(1) : null;
  const pgc = db.url ? new pg.Client({ connectionString: db.url }) : null;
  await pgc?.connect();
  const backends = new BackendCpu(pgc, dbName);
  const tag = `B${randomBytes(3).toString('hex').toUpperCase()}`;
  const warmTag = `W${randomBytes(3).toString('hex').toUpperCase()}`;
  const chunks = Math.ceil(LISTS / PER_MESSAGE);
  const count = counterOf(url, keys.list, pgc);
  try {
    console.log(
      `\n== end to end, ${mode}: ${fmt(chunks * PER_MESSAGE)} complete clearances on ${db.url ? 'PostgreSQL' : 'PGlite'} ` +
        `(server ${url}, engine ${engineFingerprint()}), messages of ${PER_MESSAGE} records, concurrency ${CONCURRENCY}, load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
    // warm-up: one set of 100 lists, decided before the clock starts
    const warm = messagesOf(warmTag, 0);
    for (const k of KINDS) await post(url, keys[k], warm[k]);
    for (let i = 0; ; i++) {
      if ((await count()).released >= PER_MESSAGE) break;
      if (i > 600) throw new Error('warm-up lists were not decided');
      await sleep(100);
    }
    const base = PER_MESSAGE;

    const serverCpu0 = procCpu(proc.pid as number);
    await backends.sample();
    backends.reset();
    const lat: Record<Kind, number[]> = { order: [], payment: [], waybill: [], list: [] };
    const timeline: { t: number; decided: number }[] = [];
    const t0 = performance.now();
    let intakeDone = false;
    let listsFrom = 0;
    let intakeEnd = 0;
    const phases: { kind: Kind; seconds: number }[] = [];

    // the poller: decided lists over time
    let lastDecided = 0;
    const poller = (async () => {
      for (;;) {
        const c = await count();
        await backends.sample();
        const decided = c.released + c.rejected - base;
        lastDecided = decided;
        timeline.push({ t: performance.now() - t0, decided });
        if (c.rejected) throw new Error(`${c.rejected} lists rejected`);
        if (intakeDone && decided >= chunks * PER_MESSAGE) return;
        await sleep(db.url ? 200 : 500);
      }
    })();

    if (mode === 'phased') {
      for (const kind of KINDS) {
        const start = performance.now();
        if (kind === 'list') listsFrom = start - t0;
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < chunks) {
              const c = next++;
              lat[kind].push(await post(url, keys[kind], messagesOf(tag, c)[kind]));
            }
          }),
        );
        phases.push({ kind, seconds: (performance.now() - start) / 1000 });
      }
    } else {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < chunks) {
            const m = messagesOf(tag, next++);
            for (const kind of KINDS) lat[kind].push(await post(url, keys[kind], m[kind]));
          }
        }),
      );
    }
    intakeEnd = performance.now() - t0;
    intakeDone = true;
    const decidedAtIntakeEnd = lastDecided;
    await poller;
    const total = (performance.now() - t0) / 1000;
    const n = chunks * PER_MESSAGE;
    const serverCpu = procCpu(proc.pid as number) - serverCpu0;
    await backends.sample();
    const pgCpu = backends.total();

    const latLine = (k: Kind) => {
      const s = [...lat[k]].sort((a, b) => a - b);
      return `p50 ${fmt(percentile(s, 50))} ms, p99 ${fmt(percentile(s, 99))} ms`;
    };
    if (mode === 'phased') {
      for (const ph of phases) {
        console.log(
          `  intake ${ph.kind.padEnd(7)} ${fmt(n / ph.seconds).padStart(6)} records/s (${fmt(ph.seconds, 1)} s; message latency ${latLine(ph.kind)})`,
        );
      }
      const listSeconds = total - listsFrom / 1000;
      const tail = total - intakeEnd / 1000;
      console.log(
        `  decisions: ${fmt(n / listSeconds)} lists/s from the first list posted to the last decided (${fmt(listSeconds, 1)} s); ` +
          `${fmt(decidedAtIntakeEnd)} decided while lists arrived, the other ${fmt(n - decidedAtIntakeEnd)} in ${fmt(tail, 1)} s after ` +
          `(${tail > 0.3 ? fmt((n - decidedAtIntakeEnd) / tail) : '—'} lists/s with no intake)`,
      );
    } else {
      for (const k of KINDS) console.log(`  message latency ${k.padEnd(7)} ${latLine(k)}`);
      console.log(
        `  intake of all ${fmt(4 * n)} records: ${fmt(intakeEnd / 1000, 1)} s (${fmt((4 * n) / (intakeEnd / 1000))} records/s, ` +
          `${fmt(n / (intakeEnd / 1000))} sets/s); ${fmt(decidedAtIntakeEnd)} lists decided by then, the rest in ${fmt(total - intakeEnd / 1000, 1)} s`,
      );
    }
    // the steadiest window: decisions/s over the middle half of the run
    const mid = timeline.filter((p) => p.t >= (total * 1000) / 4 && p.t <= (3 * total * 1000) / 4);
    if (mid.length > 1) {
      const a = mid[0]!;
      const b = mid[mid.length - 1]!;
      console.log(
        `  decisions/s in the middle half of the run: ${fmt(((b.decided - a.decided) * 1000) / (b.t - a.t))}`,
      );
    }
    console.log(
      `  END TO END: ${fmt(n)} complete clearances (4 documents + decision + receipts) in ${fmt(total, 1)} s = ` +
        `${fmt(n / total)} complete clearances/s`,
    );
    console.log(
      `  CPU: server process ${fmt(serverCpu, 1)} s (${fmt(serverCpu / total, 2)} core)` +
        (db.url ? `, PostgreSQL backends ${fmt(pgCpu, 1)} s (${fmt(pgCpu / total, 2)} core)` : '') +
        `; per complete clearance: server ${fmt((serverCpu * 1e6) / n)} µs` +
        (db.url ? `, PostgreSQL ${fmt((pgCpu * 1e6) / n)} µs` : '') +
        `; load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
  } finally {
    await pgc?.end();
    for (const w of workers) w.kill('SIGTERM');
    proc.kill('SIGTERM');
    const code = await new Promise((r) => proc.once('exit', (c, sig) => r(c ?? sig)));
    if (code !== 0) console.log(`server exit ${code}:\n${out().slice(-2000)}`);
  }
  const dbh = db.url
    ? await openDatabase({ kind: 'postgres', url: db.url })
    : await openDatabase({ kind: 'pglite', dataDir: db.dataDir });
  try {
    await checkReceipts(dbh, [
      { tag: warmTag, n: PER_MESSAGE },
      { tag, n: chunks * PER_MESSAGE },
    ]);
  } finally {
    await dbh.close();
    await db.drop();
  }
}

// ---- stages, in process ----------------------------------------------------------------------------------------

/**
 * Wraps methods to time them, keyed by call path; the time between a frame's children (and before the first and
 * after the last) is kept as its own entry `path ⟨previous→next⟩`, which names the unwrapped code in between (module
 * functions that an ESM import binding does not let us replace: listsWithDocuments, decideList, setInventoryNumber,
 * setRecordStatuses, the tax bill insert, savepoints). Calls are sequential within a batch, so one stack suffices.
 */
class Profiler {
  readonly acc = new Map<string, { ms: number; calls: number }>();
  private readonly stack: { path: string; label: string; lastMark: number; lastChild: string }[] = [];
  on = false;
  private add(key: string, ms: number) {
    const e = this.acc.get(key) ?? { ms: 0, calls: 0 };
    e.ms += ms;
    e.calls += 1;
    this.acc.set(key, e);
  }
  wrap<T extends object>(obj: T, method: string, label: string): void {
    const o = obj as Record<string, unknown>;
    const orig = o[method] as (...a: unknown[]) => unknown;
    if (typeof orig !== 'function') {
      // the engine moved it: its time stays in its caller's gaps
      console.log(`  (profiler: no method ${method}; not timed separately)`);
      return;
    }
    const self = this;
    o[method] = function (this: unknown, ...args: unknown[]) {
      if (!self.on) return orig.apply(this, args);
      const now = performance.now();
      const parent = self.stack.at(-1);
      if (parent) self.add(`${parent.path} ⟨${parent.lastChild}→${label}⟩`, now - parent.lastMark);
      const frame = { path: parent ? `${parent.path}/${label}` : label, label, lastMark: now, lastChild: 'start' };
      self.stack.push(frame);
      const done = () => {
        const end = performance.now();
        self.add(`${frame.path} ⟨${frame.lastChild}→end⟩`, end - frame.lastMark);
        self.add(`${frame.path} (total)`, end - (now as number));
        if (self.stack.at(-1) !== frame) throw new Error(`profiler: unbalanced ${frame.path}`);
        self.stack.pop();
        if (parent) {
          parent.lastMark = end;
          parent.lastChild = label;
        }
      };
      let r: unknown;
      try {
        r = orig.apply(this, args);
      } catch (e) {
        done();
        throw e;
      }
      if (r && typeof (r as Promise<unknown>).then === 'function') {
        return (r as Promise<unknown>).then(
          (v) => {
            done();
            return v;
          },
          (e) => {
            done();
            throw e;
          },
        );
      }
      done();
      return r;
    };
  }
  get(key: string): { ms: number; calls: number } {
    return this.acc.get(key) ?? { ms: 0, calls: 0 };
  }
}

/**
 * What each profile entry is (exclusive times, so they add up to processDue), and its group. The engine is being
 * reworked; entries not named here are printed with their raw key.
 */
const GROUPS = [
  'transaction (BEGIN, due lists, COMMIT)',
  'batch reads (listsWithDocuments, quota, filings, credit, stock, numbers)',
  'engine CPU (decideList, receipt records, loop)',
  'per-list statements (savepoints, quota consume, tax bill, filing, list number)',
  'batched writes (flush)',
] as const;
type Group = (typeof GROUPS)[number];
const [TX, READS, CPU, PER_LIST, WRITES] = GROUPS;
function describe(key: string): { name: string; group: Group } | null {
  const k = key.replace(/^processDue\/?/, '');
  const rules: [RegExp, string, Group][] = [
    [/^ ⟨start→dueLists⟩$/, 'BEGIN', TX],
    [/^dueLists /, 'select due lists FOR UPDATE SKIP LOCKED', TX],
    [/^ ⟨dueLists→decideBatch⟩$/, 'BEGIN/due lists (gap)', TX],
    [/^( ⟨decideBatch→end⟩|decideBatch ⟨flush→end⟩)$/, 'COMMIT', TX],
    [/^decideBatch ⟨start→quotaUsed⟩$/, 'listsWithDocuments (no personal data to decrypt)', READS],
    [/^decideBatch ⟨start→decrypt⟩$/, 'listsWithDocuments: its 6 queries, rows grouped', READS],
    [
      /^decideBatch\/decrypt |^decideBatch ⟨decrypt→decrypt⟩$/,
      'listsWithDocuments: SM4 decryption and flattening of the rows',
      READS,
    ],
    [/^decideBatch ⟨decrypt→quotaUsed⟩$/, 'listsWithDocuments: SM4 decryption and flattening of the rows', READS],
    [
      /^decideBatch\/(quotaUsed|resolveCodes|levelsOn|stock) /,
      'quota used, filings, credit, stock (one query each)',
      READS,
    ],
    [
      /^decideBatch ⟨(quotaUsed|resolveCodes|levelsOn)→(resolveCodes|levelsOn|stock)⟩$/,
      'quota used, filings, credit, stock (one query each)',
      READS,
    ],
    [/^decideBatch\/nextInvtNos /, 'list numbers: nextval × n in one query', READS],
    [/^decideBatch ⟨stock→nextInvtNos⟩$/, 'decideList × n: match, limits, tax, sampling', CPU],
    [/^decideBatch ⟨nextInvtNos→enter⟩$/, 'setInventoryNumber(s) (first list, or the batched UPDATE)', PER_LIST],
    [/^decideBatch ⟨release→enter⟩$/, 'between lists: setInventoryNumber per list (if any), detail objects', PER_LIST],
    [/^decideBatch\/enter|^decideBatch ⟨enter→release⟩$/, '120 receipt records built (enter)', CPU],
    [/^decideBatch\/release ⟨start→consume⟩$/, 'SAVEPOINT of the release', PER_LIST],
    [/^decideBatch\/release\/consume /, 'quota consume: SAVEPOINT, INSERT entry, UPSERT total, RELEASE', PER_LIST],
    [/^decideBatch\/release ⟨consume→listReceipt⟩$/, 'RELEASE SAVEPOINT of the release', PER_LIST],
    [
      /^decideBatch\/release\/listReceipt |^decideBatch\/release ⟨listReceipt→listReceipt⟩$/,
      '399/800 receipt records built',
      CPU,
    ],
    [/^decideBatch\/release ⟨listReceipt→resolveCodes⟩$/, 'tax bill INSERT, one per list', PER_LIST],
    [
      /^decideBatch\/release\/resolveCodes |^decideBatch\/release ⟨resolveCodes→end⟩$/,
      'guarantor filing lookup, one query per list',
      PER_LIST,
    ],
    [/^decideBatch\/release ⟨listReceipt→end⟩$/, 'tax bill row and CEB816 built', CPU],
    [/^decideBatch ⟨release→flush⟩$/, 'last list to flush', CPU],
    [/^decideBatch\/flush ⟨start→updateLists⟩$/, 'flush: tax bills INSERT (one statement)', WRITES],
    [
      /^decideBatch\/flush\/updateLists |^decideBatch\/flush ⟨updateLists→addEvents⟩$/,
      'flush: lists UPDATE (one statement)',
      WRITES,
    ],
    [/^decideBatch\/flush\/addEvents /, 'flush: events INSERT (one statement)', WRITES],
    [/^decideBatch\/flush ⟨addEvents→addReceipts⟩$/, 'flush: record statuses UPDATE (one per kind and status)', WRITES],
    [
      /^decideBatch\/flush\/addReceipts |^decideBatch\/flush ⟨addReceipts→end⟩$/,
      'flush: receipts INSERT (drizzle .values) + webhook lookup',
      WRITES,
    ],
  ];
  for (const [re, name, group] of rules) if (re.test(k)) return { name, group };
  return null;
}

async function stages(): Promise<void> {
  const db = await freshDatabase('stages');
  const piKey = randomBytes(16).toString('hex');
  const env = serverEnv(db, piKey);
  const p: Platform = await createPlatform(loadConfig(env), { log: createLogger('silent') }).catch(async (e) => {
    await db.drop();
    throw e;
  });
  const dbName = db.url ? new URL(db.url).pathname.slice(1) : null;
  const pgc = db.url ? new pg.Client({ connectionString: db.url }) : null;
  await pgc?.connect();
  try {
    await seedParties(p);
    if (BATCH) (p.clearance as unknown as { opts: { batchSize?: number } }).opts.batchSize = BATCH;
    const tag = `S${randomBytes(3).toString('hex').toUpperCase()}`;
    const chunks = Math.ceil(LISTS / PER_MESSAGE);
    const n = chunks * PER_MESSAGE;
    console.log(
      `\n== stages, in process: ${fmt(n)} lists on ${db.url ? 'PostgreSQL' : 'PGlite (on disk)'}, batch ${BATCH ?? 500}, ` +
        `load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );

    // 1. intake of the documents (the worker is not started: nothing is decided)
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let next = 0;
    let done = 0;
    const conc = db.url ? CONCURRENCY : 2;
    await Promise.all(
      Array.from({ length: conc }, async () => {
        while (next < chunks) {
          const m = messagesOf(tag, next++);
          for (const kind of KINDS) {
            const a = await p.declaration.intake({ uscc: SENDER[kind] }, m[kind], 'json');
            if (a.receipt.status !== 'accepted') throw new Error(`intake: ${JSON.stringify(a.receipt).slice(0, 800)}`);
          }
          if (++done % 200 === 0) {
            const s = (performance.now() - t0) / 1000;
            console.log(`  … ${fmt(done * PER_MESSAGE)} sets in ${fmt(s)} s`);
          }
        }
      }),
    );
    const intakeS = (performance.now() - t0) / 1000;
    const intakeCpu = process.cpuUsage(cpu0);
    console.log(
      `  intake (in process, no HTTP): ${fmt(4 * n)} records in ${fmt(intakeS, 1)} s = ${fmt((4 * n) / intakeS)} records/s ` +
        `(${fmt(n / intakeS)} sets of 4/s); Node CPU ${fmt((intakeCpu.user + intakeCpu.system) / 1e6, 1)} s`,
    );

    // 2. the engine alone: processDue until nothing is due, every stage timed
    const prof = new Profiler();
    const cl = p.clearance as unknown as Record<string, unknown>;
    prof.wrap(cl, 'processDue', 'processDue');
    prof.wrap(cl, 'decideBatch', 'decideBatch');
    prof.wrap(cl, 'enter', 'enter');
    prof.wrap(cl, 'release', 'release');
    prof.wrap(cl, 'listReceipt', 'listReceipt');
    prof.wrap(cl, 'flush', 'flush');
    for (const m of ['dueLists', 'nextInvtNos', 'updateLists', 'addEvents']) prof.wrap(listsStore, m, m);
    prof.wrap(quotaStore, 'quotaUsed', 'quotaUsed');
    prof.wrap(stockStore, 'stock', 'stock');
    prof.wrap(declarationStore, 'addReceipts', 'addReceipts');
    prof.wrap(p.filing, 'resolveCodes', 'resolveCodes');
    prof.wrap(p.credit, 'levelsOn', 'levelsOn');
    prof.wrap(p.clearance.quota, 'consume', 'consume');
    prof.wrap(p.pi, 'decrypt', 'decrypt'); // inside listsWithDocuments: splits its queries from the decryption
    // statements sent to PostgreSQL (node-postgres; PGlite has no such hook)
    let queries = 0;
    const origQuery = pg.Client.prototype.query;
    if (db.url) {
      (pg.Client.prototype as unknown as { query: unknown }).query = function (this: pg.Client, ...a: unknown[]) {
        if (prof.on) queries++;
        return (origQuery as (...x: unknown[]) => unknown).apply(this, a);
      };
    }
    const backends = new BackendCpu(pgc, dbName);
    await backends.sample();
    const batches: { ms: number; lists: number; lwd: number }[] = [];
    prof.on = true;
    const d0 = performance.now();
    const dcpu0 = process.cpuUsage();
    let decided = 0;
    for (;;) {
      const lwdMs = () =>
        ['⟨start→quotaUsed⟩', '⟨start→decrypt⟩', '/decrypt ⟨start→end⟩', '⟨decrypt→decrypt⟩', '⟨decrypt→quotaUsed⟩']
          .map((k) => prof.get(`processDue/decideBatch${k.startsWith('/') ? '' : ' '}${k}`).ms)
          .reduce((a, b) => a + b, 0);
      const lwd0 = lwdMs();
      const b0 = performance.now();
      const k = await p.clearance.processDue();
      if (!k) break;
      batches.push({
        ms: performance.now() - b0,
        lists: k,
        lwd: lwdMs() - lwd0,
      });
      decided += k;
      if (batches.length % 40 === 0) {
        await backends.sample();
        console.log(`  … ${fmt(decided)} decided in ${fmt((performance.now() - d0) / 1000, 1)} s`);
      }
    }
    const decideS = (performance.now() - d0) / 1000;
    const dcpu = process.cpuUsage(dcpu0);
    prof.on = false;
    await backends.sample();
    if (db.url) (pg.Client.prototype as unknown as { query: unknown }).query = origQuery;
    const nodeCpu = (dcpu.user + dcpu.system) / 1e6;
    const pgCpu = backends.total();
    console.log(
      `  ENGINE ALONE: ${fmt(decided)} lists decided in ${fmt(decideS, 1)} s = ${fmt(decided / decideS)} lists/s ` +
        `(${batches.length} transactions; batch p50 ${fmt(
          percentile(
            batches.map((b) => b.ms).sort((a, b) => a - b),
            50,
          ),
        )} ms)`,
    );
    console.log(
      `  CPU while deciding: Node ${fmt(nodeCpu, 1)} s (${fmt((nodeCpu * 1e6) / decided)} µs per list)` +
        (db.url
          ? `, PostgreSQL backends ${fmt(pgCpu, 1)} s (${fmt((pgCpu * 1e6) / decided)} µs per list); ` +
            `${fmt(queries)} statements = ${fmt(queries / decided, 1)} per list`
          : ''),
    );
    const third = Math.max(1, Math.floor(batches.length / 10));
    const avg = (xs: typeof batches, f: (b: (typeof batches)[number]) => number) =>
      xs.reduce((s, b) => s + f(b), 0) / Math.max(1, xs.length);
    const first = batches.slice(0, third);
    const last = batches.slice(-third);
    console.log(
      `  batch time first tenth ${fmt(avg(first, (b) => b.ms))} ms → last tenth ${fmt(avg(last, (b) => b.ms))} ms; ` +
        `listsWithDocuments ${fmt(avg(first, (b) => b.lwd))} → ${fmt(avg(last, (b) => b.lwd))} ms per batch`,
    );

    // 3. stage shares
    const total = prof.get('processDue (total)').ms;
    const named = new Map<string, { ms: number; group: Group }>();
    const groups = new Map<Group, number>(GROUPS.map((g) => [g, 0]));
    const raw: [string, number, number][] = [];
    for (const [k, v] of prof.acc) {
      if (k.endsWith('(total)')) continue;
      const d = describe(k);
      if (!d) {
        raw.push([k, v.ms, v.calls]);
        continue;
      }
      const e = named.get(d.name) ?? { ms: 0, group: d.group };
      e.ms += v.ms;
      named.set(d.name, e);
      groups.set(d.group, (groups.get(d.group) ?? 0) + v.ms);
    }
    const line = (ms: number, what: string) =>
      `    ${fmt((100 * ms) / total, 1).padStart(5)} %  ${fmt((ms * 1000) / decided).padStart(6)} µs/list  ${what}`;
    console.log(`  stage shares of processDue (${fmt(total / 1000, 1)} s), by group:`);
    for (const [g, ms] of groups) console.log(line(ms, g));
    console.log('  in detail:');
    for (const [name, e] of [...named.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
      if (e.ms / total >= 0.002) console.log(line(e.ms, name));
    }
    for (const [k, ms, calls] of raw.sort((a, b) => b[1] - a[1])) {
      if (ms / total >= 0.002) console.log(line(ms, `(unnamed) ${k}, ${calls} calls`));
    }
    if (process.env.BENCH_VERBOSE) {
      for (const [k, v] of [...prof.acc.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
        console.log(`      ${fmt(v.ms).padStart(8)} ms ${String(v.calls).padStart(7)} calls  ${k}`);
      }
    }

    // 4. the plans of the batch reads that grow with the tables
    const explain = async (label: string, q: ReturnType<typeof sql>) => {
      const rows = rowsOf<Record<string, string>>(await p.dbh.db.execute(q));
      const lines = rows.map((r) => (Object.values(r)[0] as string).trim());
      const scans = lines
        .filter((l) => /Scan /.test(l))
        .map((l) => l.replace(/->\s*/, '').replace(/\s*\(cost=.*$/, ''));
      const time = lines.find((l) => l.startsWith('Execution Time'));
      console.log(`  plan, ${label}: ${scans.join('; ')} — ${time ?? ''}`);
    };
    // 500 keys spread over the table, the way listsWithDocuments asks (textArray: an array built by a subquery,
    // which PostgreSQL cannot hash: each row's concatenated key is compared with the 500 in turn), then by columns
    const keys500 = Array.from({ length: 500 }, (_, i) => listKey(tag, Math.floor((i * n) / 500)));
    const asJson = JSON.stringify(keys500);
    const asRows = JSON.stringify(keys500.map((k) => k.split('|')).map(([a, b, c]) => ({ a, b, c })));
    await explain(
      'orders by concatenated key = any(array(subquery)), as listsWithDocuments',
      sql`explain analyze select * from decl_orders where ebp_code || '|' || ebc_code || '|' || order_no
        = any(array(select jsonb_array_elements_text(${asJson}::jsonb))) and status <> 'deleted'`,
    );
    await explain(
      'intake: stored versions of 100 orders (existingVersions, same concatenated form)',
      sql`explain analyze select o.ebp_code || '|' || o.ebc_code || '|' || o.order_no as k from decl_orders o
        where o.ebp_code || '|' || o.ebc_code || '|' || o.order_no
        = any(array(select jsonb_array_elements_text(${JSON.stringify(keys500.slice(0, 100))}::jsonb)))`,
    );
    // every list is decided by now, so this UPDATE (as touchWaiting runs for each payment message) changes nothing
    await explain(
      'intake: 100 payments wake their waiting lists (touchWaiting by ebp_code, order_no)',
      sql`explain analyze update clr_lists c set check_at = now()
        from jsonb_to_recordset(${JSON.stringify(keys500.slice(0, 100).map((k) => ({ a: k.split('|')[0], b: k.split('|')[2] })))}::jsonb) as k(a text, b text)
        where c.ebp_code = k.a and c.order_no = k.b and c.status = 'waiting'`,
    );
    await explain(
      'orders by their key columns (the unique index)',
      sql`explain analyze select o.* from decl_orders o join jsonb_to_recordset(${asRows}::jsonb) as k(a text, b text, c text)
        on o.ebp_code = k.a and o.ebc_code = k.b and o.order_no = k.c where o.status <> 'deleted'`,
    );

    const problems = await checkReceipts(p.dbh, [{ tag, n }]);
    if (problems.length) process.exitCode = 1;
    console.log(
      `  day of 200,000 lists at this rate: intake ${fmt((200_000 * intakeS) / n / 60, 1)} min + decisions ${fmt((200_000 * decideS) / n / 60, 1)} min` +
        (n === 200_000 ? ' (measured)' : ' (extrapolated linearly)'),
    );
  } finally {
    await pgc?.end();
    await p.close();
    await db.drop();
  }
}

/** A fingerprint of the engine's source (the working tree is shared and changes): which code was measured. */
function engineFingerprint(): string {
  const h = createHash('sha256');
  for (const f of [
    'src/modules/clearance/service.ts',
    'src/modules/clearance/actions/decide-lists.ts',
    'src/modules/clearance/actions/release-list.ts',
    'src/modules/clearance/store/lists.ts',
    'src/modules/clearance/store/quota.ts',
    'src/modules/clearance/rules/import/engine.ts',
    'src/modules/declaration/documents.ts',
    'src/modules/declaration/store.ts',
  ]) {
    h.update(readFileSync(join(ROOT, f)));
  }
  return h.digest('hex').slice(0, 12);
}

async function main() {
  console.log(`engine source fingerprint ${engineFingerprint()} (${new Date().toISOString()})`);
  console.log(
    `bench:clearance — ${cpus().length} cores (${cpus()[0]?.model}), Node ${process.version}, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}; ` +
      `BENCH_LISTS=${LISTS} BENCH_CONCURRENCY=${CONCURRENCY} BENCH_LISTS_PER_BUYER=${PER_BUYER} BENCH_PARTS=${PARTS.join(',')}`,
  );
  for (const part of PARTS) {
    if (part === 'phased' || part === 'mixed') await endToEnd(part);
    else if (part === 'stages') await stages();
    else throw new Error(`unknown part ${part}`);
  }
}

await main();
