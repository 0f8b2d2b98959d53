import { and, asc, eq, gt, isNull, ne, type SQL, sql } from 'drizzle-orm';
import { type Queryable, rowsOf } from '../../platform/db/client.js';
import { EMPTY_THROTTLE, recordFailure, type ThrottlePolicy, type ThrottleState } from './model.js';
import { apiKeys, sessions, users } from './schema.js';

export type UserRow = typeof users.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;

export const identityStore = {
  userByUsername: async (q: Queryable, username: string) =>
    (
      await q
        .select()
        .from(users)
        .where(eq(sql`lower(${users.username})`, username.toLowerCase()))
    )[0],
  userById: async (q: Queryable, id: string) => (await q.select().from(users).where(eq(users.id, id)))[0],
  listUsers: (q: Queryable) => q.select().from(users).orderBy(asc(users.role), asc(users.username)),
  insertUser: async (q: Queryable, v: typeof users.$inferInsert) =>
    (await q.insert(users).values(v).returning())[0] as UserRow,
  updateUser: async (q: Queryable, id: string, v: Partial<typeof users.$inferInsert>) =>
    (
      await q
        .update(users)
        .set({ ...v, updatedAt: new Date() })
        .where(eq(users.id, id))
        .returning()
    )[0],
  countActiveAdmins: async (q: Queryable) =>
    (
      await q
        .select({ n: sql<number>`count(*)::int` })
        .from(users)
        .where(and(eq(users.role, 'platform_admin'), eq(users.status, 'active')))
    )[0]?.n ?? 0,

  insertSession: (q: Queryable, v: typeof sessions.$inferInsert) => q.insert(sessions).values(v),
  sessionWithUser: async (q: Queryable, id: string, now: Date) =>
    (
      await q
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.id, id), gt(sessions.expiresAt, now)))
    )[0],
  touchSession: (q: Queryable, id: string, now: Date) =>
    q.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id)),
  deleteSession: (q: Queryable, id: string) => q.delete(sessions).where(eq(sessions.id, id)),
  deleteUserSessions: (q: Queryable, userId: string) => q.delete(sessions).where(eq(sessions.userId, userId)),
  deleteOtherSessions: (q: Queryable, userId: string, keep: string) =>
    q.delete(sessions).where(and(eq(sessions.userId, userId), ne(sessions.id, keep))),

  insertApiKey: async (q: Queryable, v: typeof apiKeys.$inferInsert) =>
    (await q.insert(apiKeys).values(v).returning())[0] as ApiKeyRow,
  apiKeyByPrefix: async (q: Queryable, prefix: string) =>
    (await q.select().from(apiKeys).where(eq(apiKeys.prefix, prefix)))[0],
  listApiKeys: (q: Queryable, uscc: string) =>
    q.select().from(apiKeys).where(eq(apiKeys.enterpriseUscc, uscc)).orderBy(asc(apiKeys.createdAt)),
  revokeApiKey: async (q: Queryable, uscc: string, id: string, by: string | null) =>
    (
      await q
        .update(apiKeys)
        .set({ revokedAt: new Date(), revokedBy: by })
        .where(and(eq(apiKeys.id, id), eq(apiKeys.enterpriseUscc, uscc), isNull(apiKeys.revokedAt)))
        .returning()
    )[0],
  touchApiKey: (q: Queryable, id: string, now: Date) =>
    q.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id)),
};

/** A moment (ms since the epoch) as a timestamptz, and back. */
const ts = (ms: number) => sql`to_timestamp(${ms}::float8 / 1000)`;
const ms = (col: SQL) => sql`(extract(epoch from ${col}) * 1000)::float8`;

type ThrottleRow = {
  failures: number;
  pending: number;
  strikes: number;
  last_failure_at: number | null;
  reserved_at: number | null;
  locked_at: number | null;
  locked_until: number | null;
};
const THROTTLE_COLUMNS = sql`t.failures, t.pending, t.strikes, ${ms(sql`t.last_failure_at`)} as last_failure_at,
  ${ms(sql`t.reserved_at`)} as reserved_at, ${ms(sql`t.locked_at`)} as locked_at,
  ${ms(sql`t.locked_until`)} as locked_until`;
function throttleState(r: ThrottleRow): ThrottleState {
  const n = (v: number | string | null) => (v === null ? null : Math.round(Number(v)));
  return {
    failures: Number(r.failures),
    pending: Number(r.pending),
    strikes: Number(r.strikes),
    lastFailureAt: n(r.last_failure_at),
    reservedAt: n(r.reserved_at),
    lockedAt: n(r.locked_at),
    lockedUntil: n(r.locked_until),
  };
}

/**
 * The state of a `login_throttle` row (alias t) as it counts at `now`: model.ts `effective`, in SQL. Used inside the
 * upserts below, where t is the row under the statement's lock.
 */
function effectiveSql(now: number, p: ThrottlePolicy) {
  const since = (secs: number) => sql`${ts(now)} - make_interval(secs => ${secs}::float8)`;
  return {
    failures: sql`(case when t.last_failure_at > ${since(p.windowSeconds)} or t.locked_until > ${since(p.windowSeconds)}
      then t.failures else 0 end)`,
    pending: sql`(case when t.reserved_at > ${since(p.pendingSeconds)} then t.pending else 0 end)`,
    strikes: sql`(case when t.last_failure_at > ${since(p.strikeMemorySeconds)} then t.strikes else 0 end)`,
    locked: sql`coalesce(t.locked_until > ${ts(now)}, false)`,
  };
}

/**
 * The login throttle's statements (model.ts LOGIN_THROTTLE): each is one upsert on one key's row, so that concurrent
 * sign-ins, in one process or several, queue on the row's lock and each sees what the previous one left.
 */
export const throttleStore = {
  /** Reserves one attempt on `key` (model.ts reserveAttempt): true when granted; nothing changes otherwise. */
  reserve: async (q: Queryable, key: string, now: number, limit: number, p: ThrottlePolicy): Promise<boolean> => {
    const e = effectiveSql(now, p);
    const rows = rowsOf(
      await q.execute(sql`
        insert into login_throttle as t (key, failures, pending, strikes, reserved_at, updated_at)
        values (${key}, 0, 1, 0, ${ts(now)}, ${ts(now)})
        on conflict (key) do update set
          failures = ${e.failures}, strikes = ${e.strikes}, pending = ${e.pending} + 1,
          reserved_at = ${ts(now)}, updated_at = ${ts(now)}
          where not ${e.locked} and ${e.failures} + ${e.pending} < ${limit}::int
        returning t.key`),
    );
    return rows.length === 1;
  },

  /** A failed attempt on `key` (model.ts recordFailure); the state after it. */
  fail: async (q: Queryable, key: string, now: number, limit: number, p: ThrottlePolicy): Promise<ThrottleState> => {
    const e = effectiveSql(now, p);
    const first = recordFailure(EMPTY_THROTTLE, now, limit, p).state;
    const opt = (v: number | null) => (v === null ? sql`null::timestamptz` : ts(v));
    const hit = sql`(${e.failures} + 1 >= ${limit}::int)`;
    const wait = sql`make_interval(secs => least(${p.maxWaitSeconds}::float8, ${p.baseWaitSeconds}::float8 * power(2, least(${e.strikes}, 30))))`;
    const rows = rowsOf<ThrottleRow>(
      await q.execute(sql`
        insert into login_throttle as t (key, failures, pending, strikes, last_failure_at, locked_at, locked_until, updated_at)
        values (${key}, ${first.failures}, 0, ${first.strikes}, ${ts(now)}, ${opt(first.lockedAt)},
          ${opt(first.lockedUntil)}, ${ts(now)})
        on conflict (key) do update set
          pending = greatest(${e.pending} - 1, 0),
          failures = case when ${hit} then ${limit}::int - 1 else ${e.failures} + 1 end,
          strikes = case when ${hit} then ${e.strikes} + 1 else ${e.strikes} end,
          locked_at = case when ${hit} then ${ts(now)} else t.locked_at end,
          locked_until = case when ${hit} then ${ts(now)} + ${wait} else t.locked_until end,
          last_failure_at = ${ts(now)}, updated_at = ${ts(now)}
        returning ${THROTTLE_COLUMNS}`),
    );
    return throttleState(rows[0] as ThrottleRow);
  },

  /** A reserved attempt on `key` succeeded (model.ts recordSuccess): the key is cleared. */
  succeed: async (q: Queryable, key: string, now: number, p: ThrottlePolicy): Promise<void> => {
    const e = effectiveSql(now, p);
    await q.execute(sql`
      update login_throttle t set failures = 0, strikes = 0, last_failure_at = null, locked_at = null,
        locked_until = null, pending = greatest(${e.pending} - 1, 0), updated_at = ${ts(now)}
      where t.key = ${key}`);
  },

  get: async (q: Queryable, key: string): Promise<ThrottleState | null> => {
    const rows = rowsOf<ThrottleRow>(
      await q.execute(sql`select ${THROTTLE_COLUMNS} from login_throttle t where t.key = ${key}`),
    );
    return rows[0] ? throttleState(rows[0]) : null;
  },

  /** Forgets keys untouched since `before` (their streaks and strikes have long lapsed). */
  purge: (q: Queryable, before: number) => q.execute(sql`delete from login_throttle where updated_at < ${ts(before)}`),
};

/**
 * API keys' request budgets: a token bucket of `limit` requests refilled at `limit` per minute, kept as its
 * theoretical arrival time (GCRA): a request is let through when the bucket's time, moved on by one request, is at
 * most a minute ahead of now. One upsert per request, under the row's lock.
 */
export const apiKeyRateStore = {
  /** Spends one request of the key: 0 when let through, else the whole seconds to wait (at least 1). */
  spend: async (q: Queryable, apiKeyId: string, now: number, limitPerMinute: number): Promise<number> => {
    const step = sql`make_interval(secs => ${60 / limitPerMinute}::float8)`;
    const next = sql`greatest(r.tat, ${ts(now)}) + ${step}`;
    const rows = rowsOf(
      await q.execute(sql`
        insert into api_key_rate as r (api_key_id, tat) values (${apiKeyId}, ${ts(now)} + ${step})
        on conflict (api_key_id) do update set tat = ${next}
          where ${next} <= ${ts(now)} + interval '1 minute'
        returning r.api_key_id`),
    );
    if (rows.length === 1) return 0;
    const [row] = rowsOf<{ tat: number }>(
      await q.execute(sql`select ${ms(sql`tat`)} as tat from api_key_rate where api_key_id = ${apiKeyId}`),
    );
    // the next request fits once the bucket's time, plus one step, is within a minute of now
    const at = Number(row?.tat ?? now) + 60_000 / limitPerMinute - 60_000;
    return Math.max(1, Math.ceil((at - now) / 1000));
  },
};
