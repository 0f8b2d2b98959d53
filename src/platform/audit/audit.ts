import { and, asc, count, desc, eq, gt, inArray, type SQL } from 'drizzle-orm';
import { sm3 } from 'sm-crypto-v2';
import { canonicalJson } from '../crypto/canonical.js';
import type { Database, Queryable } from '../db/client.js';
import { type AuditAction, actionsOf, type Department } from './domains.js';
import { auditHead, auditLog } from './schema.js';

/** Who did it: taken from the request's principal by the HTTP layer, or named by the CLI. */
export type Actor = {
  userId?: string | null;
  name?: string | null;
  role?: string | null;
  enterpriseUscc?: string | null;
  requestId?: string | null;
};

export type AuditEntry = {
  /** One of the actions of src/platform/audit/domains.ts, which says whose domain it is. */
  action: AuditAction;
  targetType?: string;
  targetId?: string;
  /** The enterprise the change concerns (for enterprise users' and regulators' filters). */
  enterpriseUscc?: string | null;
  /** A summary of the change. Never personal information in clear: mask it first. */
  summary?: Record<string, unknown>;
};

export const GENESIS_HASH = '0'.repeat(64);

type Row = typeof auditLog.$inferSelect;

/** The hash of one row: SM3 over the canonical JSON of its content and the previous row's hash. */
export function rowHash(r: Omit<Row, 'hash'>): string {
  return sm3(
    canonicalJson({
      seq: r.seq,
      at: r.at.toISOString(),
      actorUserId: r.actorUserId,
      actorName: r.actorName,
      actorRole: r.actorRole,
      enterpriseUscc: r.enterpriseUscc,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      summary: r.summary ?? null,
      requestId: r.requestId,
      prevHash: r.prevHash,
    }),
  );
}

export type VerifyResult =
  | { ok: true; rows: number; headSeq: number }
  | { ok: false; rows: number; problems: { seq: number | null; problem: string }[] };

/**
 * The audit trail: every state change is appended in the same transaction as the change, chained with SM3.
 * Appends serialise on the single head row (SELECT … FOR UPDATE), so the chain has no forks.
 */
export class AuditTrail {
  constructor(private readonly db: Database) {}

  async append(q: Queryable, actor: Actor, entry: AuditEntry): Promise<void> {
    await q.insert(auditHead).values({ id: 1, seq: 0, hash: GENESIS_HASH }).onConflictDoNothing();
    const [head] = await q.select().from(auditHead).where(eq(auditHead.id, 1)).for('update');
    if (!head) throw new Error('audit head missing');
    const row: Omit<Row, 'hash'> = {
      seq: head.seq + 1,
      at: new Date(),
      actorUserId: actor.userId ?? null,
      actorName: actor.name ?? null,
      actorRole: actor.role ?? null,
      enterpriseUscc: entry.enterpriseUscc ?? actor.enterpriseUscc ?? null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      summary: entry.summary ?? null,
      requestId: actor.requestId ?? null,
      prevHash: head.hash,
    };
    const hash = rowHash(row);
    await q.insert(auditLog).values({ ...row, hash });
    await q.update(auditHead).set({ seq: row.seq, hash }).where(eq(auditHead.id, 1));
  }

  /** Walks the whole chain: detects altered rows, deleted rows (in the middle or at the end) and inserted rows. */
  async verify(batch = 5000): Promise<VerifyResult> {
    const problems: { seq: number | null; problem: string }[] = [];
    let prev = GENESIS_HASH;
    let lastSeq = 0;
    let rows = 0;
    for (;;) {
      const page = await this.db
        .select()
        .from(auditLog)
        .where(gt(auditLog.seq, lastSeq))
        .orderBy(asc(auditLog.seq))
        .limit(batch);
      for (const r of page) {
        rows++;
        if (r.seq !== lastSeq + 1)
          problems.push({ seq: r.seq, problem: `rows ${lastSeq + 1}..${r.seq - 1} are missing` });
        if (r.prevHash !== prev)
          problems.push({ seq: r.seq, problem: 'previous-hash link broken (a row before it was altered or deleted)' });
        if (rowHash(r) !== r.hash)
          problems.push({ seq: r.seq, problem: 'content does not match its hash (row altered)' });
        prev = r.hash;
        lastSeq = r.seq;
      }
      if (page.length < batch) break;
    }
    const [head] = await this.db.select().from(auditHead).where(eq(auditHead.id, 1));
    const headSeq = head?.seq ?? 0;
    if (headSeq !== lastSeq || (head?.hash ?? GENESIS_HASH) !== prev) {
      problems.push({
        seq: headSeq,
        problem: `chain head says seq ${headSeq}, log ends at ${lastSeq} (rows deleted at the end or head altered)`,
      });
    }
    return problems.length ? { ok: false, rows, problems } : { ok: true, rows, headSeq };
  }

  /**
   * A page of the trail, newest first. `department`: an officer's view, only the entries whose action is in that
   * department's domain (domains.ts), filtered in SQL; absent: every entry (the platform admin).
   */
  async list(filter: {
    action?: string;
    enterpriseUscc?: string;
    targetId?: string;
    department?: Department;
    page: number;
    pageSize: number;
  }) {
    const conds: SQL[] = [];
    if (filter.department) conds.push(inArray(auditLog.action, actionsOf(filter.department)));
    if (filter.action) conds.push(eq(auditLog.action, filter.action));
    if (filter.enterpriseUscc) conds.push(eq(auditLog.enterpriseUscc, filter.enterpriseUscc));
    if (filter.targetId) conds.push(eq(auditLog.targetId, filter.targetId));
    const where = conds.length ? and(...conds) : undefined;
    const [items, [total]] = await Promise.all([
      this.db
        .select()
        .from(auditLog)
        .where(where)
        .orderBy(desc(auditLog.seq))
        .limit(filter.pageSize)
        .offset((filter.page - 1) * filter.pageSize),
      this.db.select({ n: count() }).from(auditLog).where(where),
    ]);
    return { items, total: total?.n ?? 0 };
  }
}
