import { boolean, index, integer, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

/** Platform users: officers, enterprise users and platform admins. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: varchar('username', { length: 64 }).notNull().unique(),
    displayName: varchar('display_name', { length: 100 }).notNull(),
    role: varchar('role', { length: 32 }).notNull(),
    /** Set for enterprise_admin / enterprise_operator: the one enterprise they act for. */
    enterpriseUscc: varchar('enterprise_uscc', { length: 18 }),
    passwordHash: text('password_hash').notNull(),
    status: varchar('status', { length: 16 }).notNull().default('active'),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    isDemo: boolean('is_demo').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  },
  (t) => [index('users_enterprise_idx').on(t.enterpriseUscc), index('users_role_idx').on(t.role)],
);

/** Web sessions. The id column is the SHA-256 of the cookie token; the token itself is never stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: varchar('id', { length: 64 }).primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** API keys of enterprise systems, scoped to one enterprise. Only a hash of the secret is kept. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    enterpriseUscc: varchar('enterprise_uscc', { length: 18 }).notNull(),
    name: varchar('name', { length: 100 }).notNull(),
    /** The public, unique part of the key (`cbk_<prefix>_<secret>`), used to find it. */
    prefix: varchar('prefix', { length: 16 }).notNull().unique(),
    secretHash: varchar('secret_hash', { length: 64 }).notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: uuid('revoked_by'),
  },
  (t) => [index('api_keys_enterprise_idx').on(t.enterpriseUscc)],
);

/**
 * Login throttling state, one row per key (`ac:<account>|<client>`, `a:<account>`, `c:<client>`; see model.ts
 * LOGIN_THROTTLE). Changed only by single-statement upserts, so that concurrent sign-ins, in any number of processes,
 * count exactly. Rows untouched for two days are purged.
 */
export const loginThrottle = pgTable(
  'login_throttle',
  {
    key: varchar('key', { length: 200 }).primaryKey(),
    failures: integer('failures').notNull().default(0),
    pending: integer('pending').notNull().default(0),
    strikes: integer('strikes').notNull().default(0),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true }),
    reservedAt: timestamp('reserved_at', { withTimezone: true }),
    lockedAt: timestamp('locked_at', { withTimezone: true }),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('login_throttle_updated_idx').on(t.updatedAt)],
);

/**
 * The request budget of each API key (a token bucket kept as its theoretical arrival time, GCRA): one upsert per
 * request, shared by every process on the database.
 */
export const apiKeyRate = pgTable('api_key_rate', {
  apiKeyId: uuid('api_key_id')
    .primaryKey()
    .references(() => apiKeys.id, { onDelete: 'cascade' }),
  tat: timestamp('tat', { withTimezone: true }).notNull(),
});
