import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { actionsOf } from '../../src/platform/audit/domains.js';
import { auditHead, auditLog } from '../../src/platform/audit/schema.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/** The audit trail is chained with SM3: any altered, deleted or inserted row is detected. */
describe('audit trail tamper detection', () => {
  let t: TestPlatform;
  let snapshot: (typeof auditLog.$inferSelect)[];
  let head: (typeof auditHead.$inferSelect)[];
  beforeAll(async () => {
    t = await startTestPlatform({ demo: false });
    for (let i = 0; i < 8; i++) {
      await t.p.dbh.db.transaction((tx) =>
        t.p.audit.append(
          tx,
          { name: 'tester', role: 'customs', requestId: `r${i}` },
          { action: 'tables.imported', targetType: 'case', targetId: String(i), summary: { i, note: '测试' } },
        ),
      );
    }
    snapshot = await t.p.dbh.db.select().from(auditLog).orderBy(auditLog.seq);
    head = await t.p.dbh.db.select().from(auditHead);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    // restore the untouched chain before each case
    await t.p.dbh.db.delete(auditLog);
    await t.p.dbh.db.insert(auditLog).values(snapshot);
    await t.p.dbh.db.delete(auditHead);
    await t.p.dbh.db.insert(auditHead).values(head);
  });

  const db = () => t.p.dbh.db;

  it('an untouched chain verifies', async () => {
    const r = await t.p.audit.verify();
    expect(r).toEqual({ ok: true, rows: snapshot.length, headSeq: snapshot.length });
  });

  it('an altered summary is detected at that row', async () => {
    await db().execute(sql`update audit_log set summary = '{"i": 99}' where seq = 4`);
    const r = await t.p.audit.verify();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([{ seq: 4, problem: 'content does not match its hash (row altered)' }]);
  });

  it('an altered actor with a recomputed hash still breaks the link to the next row', async () => {
    const { rowHash } = await import('../../src/platform/audit/audit.js');
    const row = snapshot[2]!;
    const forged = { ...row, actorName: 'someone-else' };
    await db().execute(
      sql`update audit_log set actor_name = 'someone-else', hash = ${rowHash(forged)} where seq = ${row.seq}`,
    );
    const r = await t.p.audit.verify();
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems[0]).toMatchObject({ seq: row.seq + 1, problem: expect.stringContaining('link broken') });
  });

  it('a deleted row in the middle is detected', async () => {
    await db().execute(sql`delete from audit_log where seq = 5`);
    const r = await t.p.audit.verify();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.seq)).toContain(6);
  });

  it('a deleted last row is detected through the chain head', async () => {
    await db().execute(sql`delete from audit_log where seq = ${snapshot.length}`);
    const r = await t.p.audit.verify();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.problem).toContain('chain head');
  });

  it('appends stay chained when many happen at once', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.p.dbh.db.transaction((tx) =>
          t.p.audit.append(tx, { name: 'parallel' }, { action: 'tables.imported', targetId: String(i) }),
        ),
      ),
    );
    const r = await t.p.audit.verify();
    expect(r).toMatchObject({ ok: true, rows: snapshot.length + 20 });
  });
});

/**
 * Officers read the audit log of their own department's domain; the platform admin reads all (domains.ts). The demo
 * seed leaves filing, credit, tables, clearance and sign-in entries; each officer's page holds only their domain.
 */
describe('audit log by department', () => {
  let t: TestPlatform;
  const cookie: Record<string, string> = {};
  beforeAll(async () => {
    t = await startTestPlatform();
    // a tax bill's consolidation and a raw-body read, so that tax and customs have entries of their own
    const system = { name: 'test', role: 'system' };
    await t.p.dbh.db.transaction((tx) =>
      t.p.audit.append(tx, system, { action: 'clearance.tax-consolidated', targetType: 'month', targetId: '2026-11' }),
    );
    await t.p.dbh.db.transaction((tx) =>
      t.p.audit.append(tx, system, { action: 'declaration.body-read', targetType: 'message', targetId: 'm1' }),
    );
    for (const u of ['customs', 'commerce', 'tax', 'forex', 'finance']) cookie[u] = await login(t.app, `${u}.demo`);
    cookie.admin = await login(t.app, 'admin', t.adminPassword);
  });
  afterAll(() => t.close());

  const page = async (who: string, query = '') => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit?pageSize=200${query}`,
      headers: { cookie: cookie[who] as string },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      items: { action: string }[];
      total: number;
      domain: { department: string; actions: string[] } | null;
    };
  };

  it('the platform admin reads every entry, sign-ins included, with no domain', async () => {
    const all = await page('admin');
    const actions = new Set(all.items.map((i) => i.action));
    for (const a of ['auth.login', 'filing.approve', 'clearance.tax-consolidated', 'declaration.body-read']) {
      expect(actions.has(a), a).toBe(true);
    }
    expect(all.domain).toBeNull();
  });

  it.each(['customs', 'commerce', 'tax', 'forex', 'finance'])(
    'a %s officer reads only the entries of the department’s domain, counted in SQL',
    async (dept) => {
      const mine = await page(dept);
      const domain = new Set(actionsOf(dept as never));
      expect(mine.domain).toEqual({ department: dept, actions: [...domain] });
      expect(mine.items.every((i) => domain.has(i.action as never))).toBe(true);
      expect(mine.total).toBe(mine.items.length);
      const all = await page('admin');
      expect(all.total).toBeLessThanOrEqual(200); // (one page holds them all)
      expect(mine.total).toBe(all.items.filter((i) => domain.has(i.action as never)).length);
    },
  );

  it('customs sees filing and the raw-body read, tax the consolidation but no filing, forex nothing yet', async () => {
    const customs = new Set((await page('customs')).items.map((i) => i.action));
    expect(customs.has('filing.approve')).toBe(true);
    expect(customs.has('declaration.body-read')).toBe(true);
    expect(customs.has('auth.login')).toBe(false);
    const tax = new Set((await page('tax')).items.map((i) => i.action));
    expect(tax.has('clearance.tax-consolidated')).toBe(true);
    expect(tax.has('filing.approve')).toBe(false);
    expect((await page('forex')).total).toBe(0);
  });

  it('a filter cannot widen the view: tax asking for filing decisions gets none, customs gets them', async () => {
    expect((await page('tax', '&action=filing.approve')).total).toBe(0);
    expect((await page('customs', '&action=filing.approve')).total).toBeGreaterThan(0);
    expect((await page('commerce', '&action=declaration.body-read')).total).toBe(0);
  });
});
