import {
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

/** Enterprise filings (备案): one row per enterprise, with its current state. */
export const enterprises = pgTable(
  'enterprises',
  {
    uscc: varchar('uscc', { length: 18 }).primaryKey(),
    customsCode: varchar('customs_code', { length: 10 }),
    nameCn: varchar('name_cn', { length: 200 }).notNull(),
    nameEn: varchar('name_en', { length: 300 }),
    legalRepName: varchar('legal_rep_name', { length: 100 }).notNull(),
    /** Legal representative's ID number: SM4-encrypted, with a keyed hash for look-ups. */
    legalRepIdEnc: text('legal_rep_id_enc'),
    legalRepIdHash: varchar('legal_rep_id_hash', { length: 64 }),
    registeredAddress: varchar('registered_address', { length: 300 }).notNull(),
    regionCode: varchar('region_code', { length: 6 }).notNull(),
    /** [{ name, phoneEnc, email }] — phones are SM4-encrypted. */
    contacts: jsonb('contacts').notNull(),
    dxpId: varchar('dxp_id', { length: 30 }),
    roles: text('roles').array().notNull(),
    status: varchar('status', { length: 24 }).notNull(),
    statusReason: text('status_reason'),
    /** Requested changes waiting for an officer (status change_requested). */
    pendingChange: jsonb('pending_change'),
    /** Zone that filed the enterprise; null when filed here. */
    originZone: varchar('origin_zone', { length: 32 }),
    /** The signed record as imported from the origin zone. */
    originRecord: jsonb('origin_record'),
    version: integer('version').notNull().default(1),
    /** Every message this enterprise sends must carry a valid signature by one of its registered certificates. */
    requireSignature: boolean('require_signature').notNull().default(false),
    applicantUserId: uuid('applicant_user_id'),
    isDemo: boolean('is_demo').notNull().default(false),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('enterprises_status_idx').on(t.status), index('enterprises_customs_code_idx').on(t.customsCode)],
);

/** Every transition of a filing, in order: the filing's history. */
export const enterpriseEvents = pgTable(
  'enterprise_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    uscc: varchar('uscc', { length: 18 }).notNull(),
    action: varchar('action', { length: 32 }).notNull(),
    fromStatus: varchar('from_status', { length: 24 }),
    toStatus: varchar('to_status', { length: 24 }).notNull(),
    reason: text('reason'),
    actorUserId: uuid('actor_user_id'),
    actorRole: varchar('actor_role', { length: 32 }),
    data: jsonb('data'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('enterprise_events_uscc_idx').on(t.uscc, t.id)],
);

/** Other zones whose signed filing records this zone accepts (一地备案、全国共享). */
export const trustedZones = pgTable('trusted_zones', {
  zoneCode: varchar('zone_code', { length: 32 }).primaryKey(),
  name: varchar('name', { length: 200 }).notNull(),
  /** SM2 public key, uncompressed hex (04…). */
  publicKey: varchar('public_key', { length: 130 }).notNull(),
  addedBy: uuid('added_by'),
  addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
});

/** USCCs that are legal but fail the GB 32100 check (early codes), accepted by operator decision. */
export const usccExceptions = pgTable('uscc_exceptions', {
  uscc: varchar('uscc', { length: 18 }).primaryKey(),
  reason: text('reason').notNull(),
  addedBy: uuid('added_by'),
  addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * An enterprise's signing certificates (X.509, SM2 or RSA), registered with its filing. Messages that must be
 * signed are verified against these (加签).
 */
export const enterpriseCertificates = pgTable(
  'enterprise_certificates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    uscc: varchar('uscc', { length: 18 }).notNull(),
    /** Base64 DER. */
    certificate: text('certificate').notNull(),
    serialHex: varchar('serial_hex', { length: 64 }).notNull(),
    /** SM3 fingerprint of the DER, hex. */
    fingerprint: varchar('fingerprint', { length: 64 }).notNull(),
    algorithm: varchar('algorithm', { length: 16 }).notNull(),
    subject: text('subject').notNull(),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull(),
    notAfter: timestamp('not_after', { withTimezone: true }).notNull(),
    addedBy: uuid('added_by'),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /**
     * Why the zone trusts it: `ca` (issued by a CA of the trust store, `caId`), `approved` (a customs officer
     * approved it), `pending` (neither yet: self-signed or an unknown issuer), `rejected` (an officer refused it).
     * Only `ca` and `approved` certificates verify messages.
     */
    trust: varchar('trust', { length: 12 }).notNull().default('pending'),
    caId: uuid('ca_id'),
    reviewedBy: uuid('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    reviewNote: text('review_note'),
  },
  (t) => [
    index('enterprise_certificates_uscc_idx').on(t.uscc),
    uniqueIndex('enterprise_certificates_fp_uq').on(t.fingerprint),
    index('enterprise_certificates_trust_idx').on(t.trust),
  ],
);

/**
 * The certificate authorities the zone trusts to issue enterprises' signing certificates (the China E-Port /
 * customs CAs), loaded by the operator; a fresh install holds the labelled demo CA (tables/demo-pki). Dated by
 * each certificate's validity and by when it was added or removed; removed ones are kept.
 */
export const trustedCas = pgTable(
  'trusted_cas',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Base64 DER. */
    certificate: text('certificate').notNull(),
    fingerprint: varchar('fingerprint', { length: 64 }).notNull(),
    subject: text('subject').notNull(),
    serialHex: varchar('serial_hex', { length: 64 }).notNull(),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull(),
    notAfter: timestamp('not_after', { withTimezone: true }).notNull(),
    label: varchar('label', { length: 200 }).notNull(),
    /** The shipped demo CA (never a real one). */
    demo: boolean('demo').notNull().default(false),
    addedBy: uuid('added_by'),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    removedBy: uuid('removed_by'),
  },
  (t) => [index('trusted_cas_fp_idx').on(t.fingerprint)],
);

/** Certificates a trusted CA revoked, from the certificate revocation lists (CRL) the operator loads. */
export const caRevocations = pgTable(
  'ca_revocations',
  {
    caId: uuid('ca_id').notNull(),
    serialHex: varchar('serial_hex', { length: 64 }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }).notNull(),
    loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ca_revocations_uq').on(t.caId, t.serialHex)],
);

/**
 * Overseas warehouses (海外仓) filed by their operators (an overseas-warehouse enterprise, or an exporter's own):
 * where 9810 exports go. Never changed in place: a filing is withdrawn and a new one made.
 */
export const overseasWarehouses = pgTable(
  'overseas_warehouses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The platform's number; the code shown is `OW` and six digits of it. */
    no: serial('no').notNull(),
    operatorUscc: varchar('operator_uscc', { length: 18 }).notNull(),
    nameCn: varchar('name_cn', { length: 200 }).notNull(),
    /** Customs country code (JGS-20). */
    country: varchar('country', { length: 3 }).notNull(),
    address: varchar('address', { length: 500 }).notNull(),
    areaM2: numeric('area_m2', { precision: 11, scale: 2 }).notNull(),
    /** HS chapters or headings of the goods it serves. */
    goodsCategories: text('goods_categories').array().notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }).notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** The first day it no longer counts (Asia/Shanghai), and why. */
    withdrawnOn: date('withdrawn_on', { mode: 'string' }),
    withdrawnBy: uuid('withdrawn_by'),
    withdrawReason: text('withdraw_reason'),
  },
  (t) => [
    uniqueIndex('overseas_warehouses_no_uq').on(t.no),
    index('overseas_warehouses_operator_idx').on(t.operatorUscc),
  ],
);
