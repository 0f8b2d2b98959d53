import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../src/app/schema.js';
import { Decimal } from '../../src/kernel/money.js';
import { shanghaiYear } from '../../src/kernel/time.js';
import { policyOn } from '../../src/modules/clearance/rules/import/limits.js';
import { type ConsumeResult, QuotaConflictError, QuotaLedger } from '../../src/modules/clearance/store/quota.js';
import { type Database, rowsOf } from '../../src/platform/db/client.js';
import { DB_MODE, startTestPlatform, type TestPlatform } from '../support/platform.js';

/** platform-decisions.md "Retail import": atomic annual quota, 26,000.00 per buyer and Asia/Shanghai year. */

const LIMIT = '26000';
const YEAR = 2026;
const day = (n: number) => new Date(Date.UTC(2026, 2, 1, 4) + n * 86_400_000); // noon in Shanghai, day n after 03-01

let t: TestPlatform;
let db: Database;
let ledger: QuotaLedger;
let buyerSeq = 0;
/** A buyer nobody used yet (hash-shaped, as the declaration hub stores them). */
const newBuyer = () => `${String(++buyerSeq).padStart(4, '0')}${'ab'.repeat(30)}`;

const consume = (buyer: string, listKey: string, amount: string, limit = LIMIT, year = YEAR) =>
  db.transaction((tx) => ledger.consume(tx, buyer, year, listKey, amount, limit));
const entries = async (buyer: string) =>
  rowsOf<{ list_key: string; kind: string; amount: string }>(
    await db.execute(
      sql`select list_key, kind, amount::text as amount from clearance_quota_entries where buyer_hash = ${buyer} order by id`,
    ),
  );
const usedText = async (buyer: string, year = YEAR) => (await ledger.used(buyer, year)).toAmountString();

function okResult(r: ConsumeResult): Extract<ConsumeResult, { ok: true }> {
  if (!r.ok) throw new Error(`refused: ${r.messageEn}`);
  return r;
}

beforeAll(async () => {
  t = await startTestPlatform({ demo: false });
  db = t.p.dbh.db;
  ledger = new QuotaLedger(db);
});
afterAll(async () => {
  await t?.close();
});

describe('limit boundary: a total of exactly 26,000.00 is within, one fen over is refused', () => {
  it('25,000.00 + 1,000.00 = 26,000.00 is accepted; 0.01 more is refused naming the amount used and the limit', async () => {
    const buyer = newBuyer();
    expect(okResult(await consume(buyer, `${buyer}-1`, '25000.00')).usedAfter.toAmountString()).toBe('25000.00');
    const second = okResult(await consume(buyer, `${buyer}-2`, '1000.00'));
    expect(second).toMatchObject({ ok: true, repeated: false });
    expect(second.usedAfter.toAmountString()).toBe('26000.00');

    const over = await consume(buyer, `${buyer}-3`, '0.01');
    expect(over.ok).toBe(false);
    if (over.ok) return;
    expect(over.used.toAmountString()).toBe('26000.00');
    expect(over.limit.toString()).toBe('26000');
    expect(over.messageZh).toBe('购买人已用购买额度为[26000.00]，本次购买[0.01]将超过年度限额[26000.00]');
    expect(over.messageEn).toContain('[26000.00]');
    // Nothing recorded for the refused list.
    expect((await entries(buyer)).map((e) => e.list_key)).toEqual([`${buyer}-1`, `${buyer}-2`]);
    expect(await usedText(buyer)).toBe('26000.00');
  });

  it('a first purchase of exactly 26,000.00 is within; 26,000.01 is refused and creates no quota row', async () => {
    const exact = newBuyer();
    expect(okResult(await consume(exact, `${exact}-1`, '26000.00')).usedAfter.toAmountString()).toBe('26000.00');
    const over = newBuyer();
    const r = await consume(over, `${over}-1`, '26000.01');
    expect(r).toMatchObject({ ok: false });
    expect(rowsOf(await db.execute(sql`select 1 from clearance_quota where buyer_hash = ${over}`))).toHaveLength(0);
    expect(await entries(over)).toHaveLength(0);
  });

  it('25,999.99 used: 0.02 is refused, 0.01 reaches the limit exactly', async () => {
    const buyer = newBuyer();
    await consume(buyer, `${buyer}-1`, '25999.99');
    expect((await consume(buyer, `${buyer}-2`, '0.02')).ok).toBe(false);
    expect(okResult(await consume(buyer, `${buyer}-3`, '0.01')).usedAfter.toAmountString()).toBe('26000.00');
  });

  it('exact decimals: "1000", "1000.00" and "1000.000" are the same amount; Decimal inputs work too', async () => {
    const buyer = newBuyer();
    await consume(buyer, `${buyer}-1`, '1000');
    await consume(buyer, `${buyer}-2`, '1000.000');
    const r = okResult(
      await db.transaction((tx) =>
        ledger.consume(tx, buyer, YEAR, `${buyer}-3`, Decimal.parse('1000.00'), Decimal.parse(LIMIT)),
      ),
    );
    expect(r.usedAfter.toAmountString()).toBe('3000.00');
    expect((await entries(buyer)).map((e) => e.amount)).toEqual(['1000.00', '1000.00', '1000.00']);
  });

  it('an amount the fen column would round, a negative amount or limit, a float-like text are refused before any write', async () => {
    const buyer = newBuyer();
    await expect(consume(buyer, `${buyer}-1`, '0.005')).rejects.toThrow(RangeError);
    await expect(consume(buyer, `${buyer}-1`, '-1.00')).rejects.toThrow(RangeError);
    await expect(consume(buyer, `${buyer}-1`, '1.00', '0')).rejects.toThrow(RangeError);
    await expect(consume(buyer, `${buyer}-1`, '1e3')).rejects.toThrow(/Exponent/);
    await expect(consume(buyer, '', '1.00')).rejects.toThrow(RangeError);
    await expect(consume(buyer, `${buyer}-1`, '1.00', LIMIT, 2026.5)).rejects.toThrow(RangeError);
    expect(await entries(buyer)).toHaveLength(0);
  });

  it('years are separate (Asia/Shanghai calendar year): 2025-12-31T16:00Z counts toward 2026', async () => {
    const buyer = newBuyer();
    expect(shanghaiYear(new Date('2025-12-31T15:59:59Z'))).toBe(2025);
    const y2026 = shanghaiYear(new Date('2025-12-31T16:00:00Z'));
    expect(y2026).toBe(2026);
    await consume(buyer, `${buyer}-a`, '26000.00', LIMIT, 2025);
    expect(okResult(await consume(buyer, `${buyer}-b`, '26000.00', LIMIT, y2026)).usedAfter.toAmountString()).toBe(
      '26000.00',
    );
    expect(await usedText(buyer, 2025)).toBe('26000.00');
    expect(await usedText(buyer, 2026)).toBe('26000.00');
  });

  it('the dated policy supplies the limit: 20,000 in 2018', async () => {
    const buyer = newBuyer();
    const limit2018 = policyOn('2018-06-01').annualLimit;
    await consume(buyer, `${buyer}-1`, '20000.00', limit2018.toString(), 2018);
    expect((await consume(buyer, `${buyer}-2`, '0.01', limit2018.toString(), 2018)).ok).toBe(false);
  });
});

describe('idempotent per list', () => {
  it('consuming the same list again returns the first outcome and changes nothing', async () => {
    const buyer = newBuyer();
    await consume(buyer, `${buyer}-1`, '1200.50');
    const again = okResult(await consume(buyer, `${buyer}-1`, '1200.50'));
    expect(again.repeated).toBe(true);
    expect(again.usedAfter.toAmountString()).toBe('1200.50');
    expect(await entries(buyer)).toHaveLength(1);
  });

  it('the same list key for another amount or buyer is a conflict, not a second consumption', async () => {
    const buyer = newBuyer();
    await consume(buyer, `${buyer}-1`, '100.00');
    await expect(consume(buyer, `${buyer}-1`, '100.01')).rejects.toThrow(QuotaConflictError);
    await expect(consume(newBuyer(), `${buyer}-1`, '100.00')).rejects.toThrow(QuotaConflictError);
    expect(await usedText(buyer)).toBe('100.00');
  });

  it('a refused list leaves no entry: the same list can consume later once there is room', async () => {
    const buyer = newBuyer();
    await consume(buyer, `${buyer}-1`, '25500.00');
    expect((await consume(buyer, `${buyer}-2`, '600.00')).ok).toBe(false);
    const restored = await db.transaction((tx) =>
      ledger.restore(tx, buyer, YEAR, `${buyer}-1`, { releasedAt: day(0), appliedAt: day(3), arrivedAt: day(10) }),
    );
    expect(restored.ok).toBe(true);
    expect(okResult(await consume(buyer, `${buyer}-2`, '600.00')).usedAfter.toAmountString()).toBe('600.00');
  });

  it("runs in a savepoint: a refusal keeps the caller's transaction usable, and rolling it back undoes the consumption", async () => {
    const buyer = newBuyer();
    await expect(
      db.transaction(async (tx) => {
        okResult(await ledger.consume(tx, buyer, YEAR, `${buyer}-1`, '26000.00', LIMIT));
        expect((await ledger.consume(tx, buyer, YEAR, `${buyer}-2`, '1.00', LIMIT)).ok).toBe(false);
        expect((await ledger.used(buyer, YEAR, tx)).toAmountString()).toBe('26000.00');
        await expect(ledger.consume(tx, buyer, YEAR, `${buyer}-1`, '5.00', LIMIT)).rejects.toThrow(QuotaConflictError);
        expect((await ledger.used(buyer, YEAR, tx)).toAmountString()).toBe('26000.00'); // still usable
        throw new Error('the caller gives up');
      }),
    ).rejects.toThrow('the caller gives up');
    expect(await usedText(buyer)).toBe('0.00');
    expect(await entries(buyer)).toHaveLength(0);
  });

  it('on PGlite too, 40 transactions started together: exactly 26 of 1,000.00 fit', async () => {
    const buyer = newBuyer();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => consume(buyer, `${buyer}-${i}`, '1000.00')));
    expect(results.filter((r) => r.ok)).toHaveLength(26);
    expect(await usedText(buyer)).toBe('26000.00');
  });
});

describe('restore: a return within the 30/45-day rule gives the quota back, once', () => {
  const restore = (buyer: string, listKey: string, dates: Parameters<QuotaLedger['restore']>[4], year = YEAR) =>
    db.transaction((tx) => ledger.restore(tx, buyer, year, listKey, dates));

  it('applied on day 30, back on day 45: restored; a repeated restore changes nothing', async () => {
    const buyer = newBuyer();
    await consume(buyer, `${buyer}-1`, '3000.00');
    await consume(buyer, `${buyer}-2`, '2000.00');
    const r = await restore(buyer, `${buyer}-1`, { releasedAt: day(0), appliedAt: day(30), arrivedAt: day(45) });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.amount.toAmountString()).toBe('3000.00');
    expect(r.usedAfter.toAmountString()).toBe('2000.00');
    expect(r.repeated).toBe(false);

    const again = await restore(buyer, `${buyer}-1`, { releasedAt: day(0), appliedAt: day(30), arrivedAt: day(45) });
    expect(again).toMatchObject({ ok: true, repeated: true });
    expect(await usedText(buyer)).toBe('2000.00');
    expect((await entries(buyer)).map((e) => `${e.list_key.slice(-2)}:${e.kind}:${e.amount}`)).toEqual([
      '-1:consume:3000.00',
      '-2:consume:2000.00',
      '-1:restore:3000.00',
    ]);
  });

  it('applied on day 31, or back on day 46, or not back yet: not eligible, quota unchanged', async () => {
    const buyer = newBuyer();
    await consume(buyer, `${buyer}-1`, '3000.00');
    const late = await restore(buyer, `${buyer}-1`, { releasedAt: day(0), appliedAt: day(31), arrivedAt: day(40) });
    expect(late).toMatchObject({ ok: false, reason: 'not-eligible' });
    if (!late.ok) expect(late.messageZh).toContain('超过30天');
    const lateBack = await restore(buyer, `${buyer}-1`, { releasedAt: day(0), appliedAt: day(5), arrivedAt: day(46) });
    expect(lateBack).toMatchObject({ ok: false, reason: 'not-eligible' });
    const notBack = await restore(buyer, `${buyer}-1`, { releasedAt: day(0), appliedAt: day(5) });
    expect(notBack).toMatchObject({ ok: false, reason: 'not-eligible' });
    expect(await usedText(buyer)).toBe('3000.00');
    expect(await entries(buyer)).toHaveLength(1);
  });

  it('a list that consumed nothing has nothing to restore; another buyer or year is a conflict', async () => {
    const buyer = newBuyer();
    const dates = { releasedAt: day(0), appliedAt: day(1), arrivedAt: day(2) };
    expect(await restore(buyer, `${buyer}-none`, dates)).toMatchObject({ ok: false, reason: 'not-consumed' });
    await consume(buyer, `${buyer}-1`, '10.00');
    await expect(restore(buyer, `${buyer}-1`, dates, YEAR - 1)).rejects.toThrow(QuotaConflictError);
    await expect(restore(newBuyer(), `${buyer}-1`, dates)).rejects.toThrow(QuotaConflictError);
    expect(await usedText(buyer)).toBe('10.00');
  });
});

describe('remaining: the checkout pre-check', () => {
  it('used and remaining of the year; never below zero', async () => {
    const buyer = newBuyer();
    const fresh = await ledger.remaining(buyer, YEAR, LIMIT);
    expect([fresh.used.toAmountString(), fresh.remaining.toAmountString()]).toEqual(['0.00', '26000.00']);
    await consume(buyer, `${buyer}-1`, '25999.99');
    const after = await ledger.remaining(buyer, YEAR, LIMIT);
    expect([after.used.toAmountString(), after.remaining.toAmountString()]).toEqual(['25999.99', '0.01']);
    expect((await ledger.remaining(buyer, YEAR, '20000')).remaining.toAmountString()).toBe('0.00');
  });
});

describe('concurrency on PostgreSQL: one buyer, 40 transactions at once', () => {
  const ROUNDS = 5;
  const WORKERS = 40;
  let pool: pg.Pool | undefined;
  let many: Database | undefined;
  beforeAll(() => {
    if (DB_MODE !== 'postgres') return;
    // The platform's pool has 10 connections; these transactions need one each, all open at the same time.
    pool = new pg.Pool({ connectionString: t.p.config.databaseUrl, max: WORKERS + 5 });
    // the test database is dropped WITH (FORCE) at the end: a connection still closing must not raise
    pool.on('error', () => {});
    many = drizzle(pool, { schema });
  });
  afterAll(async () => {
    await pool?.end();
  });

  /** Resolves once `n` callers have arrived: every transaction is open before any of them consumes. */
  function barrier(n: number): () => Promise<void> {
    let arrived = 0;
    let release!: () => void;
    const all = new Promise<void>((r) => {
      release = r;
    });
    return () => {
      arrived += 1;
      if (arrived === n) release();
      return all;
    };
  }

  async function race(buyer: string, listKey: (i: number) => string): Promise<ConsumeResult[]> {
    const arrive = barrier(WORKERS);
    return Promise.all(
      Array.from({ length: WORKERS }, (_, i) =>
        many!.transaction(async (tx) => {
          await tx.execute(sql`select pg_backend_pid()`); // holds its own connection
          await arrive();
          return ledger.consume(tx, buyer, YEAR, listKey(i), '1000.00', LIMIT);
        }),
      ),
    );
  }

  it(`each consuming 1,000.00 against 26,000: exactly 26 succeed and used = 26,000.00 (${ROUNDS} rounds)`, async (ctx) => {
    if (DB_MODE !== 'postgres') {
      ctx.skip('needs PostgreSQL (set DATABASE_URL): PGlite has one connection, so transactions cannot overlap');
    }
    for (let round = 0; round < ROUNDS; round++) {
      const buyer = newBuyer();
      const results = await race(buyer, (i) => `${buyer}-${i}`);
      const accepted = results.filter((r) => r.ok);
      expect(accepted).toHaveLength(26);
      // Each success saw the total its predecessor left: 1,000 … 26,000, each once.
      expect(accepted.map((r) => (r.ok ? Number(r.usedAfter.toString()) : 0)).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 26 }, (_, i) => (i + 1) * 1000),
      );
      for (const r of results) if (!r.ok) expect(r.used.gte(Decimal.parse('25000.01'))).toBe(true);
      expect(await usedText(buyer)).toBe('26000.00');
      expect(await entries(buyer)).toHaveLength(26);
    }
  });

  it('the same list consumed by 40 transactions at once counts once', async (ctx) => {
    if (DB_MODE !== 'postgres') {
      ctx.skip('needs PostgreSQL (set DATABASE_URL): PGlite has one connection, so transactions cannot overlap');
    }
    const buyer = newBuyer();
    const results = await race(buyer, () => `${buyer}-same`);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && !r.repeated)).toHaveLength(1);
    expect(await usedText(buyer)).toBe('1000.00');
    expect(await entries(buyer)).toHaveLength(1);
  });
});
