import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.js';
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
