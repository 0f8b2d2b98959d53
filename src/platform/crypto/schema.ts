import { boolean, pgTable, text, timestamp, varchar } from 'drizzle-orm/pg-core';

/** The platform's own signing keys (SM2). The private key is SM4-encrypted with the platform data key. */
export const platformKeys = pgTable('platform_keys', {
  keyId: varchar('key_id', { length: 32 }).primaryKey(),
  purpose: varchar('purpose', { length: 32 }).notNull(),
  algorithm: varchar('algorithm', { length: 16 }).notNull(),
  publicKey: varchar('public_key', { length: 130 }).notNull(),
  privateKeyEnc: text('private_key_enc').notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
