import { boolean, index, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

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
