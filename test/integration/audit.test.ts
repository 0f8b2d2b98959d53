import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditHead, auditLog } from '../../src/platform/audit/schema.js';
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
          { action: 'test.step', targetType: 'case', targetId: String(i), summary: { i, note: '测试' } },
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
          t.p.audit.append(tx, { name: 'parallel' }, { action: 'test.parallel', targetId: String(i) }),
        ),
      ),
    );
    const r = await t.p.audit.verify();
    expect(r).toMatchObject({ ok: true, rows: snapshot.length + 20 });
  });
});
