import {
  and,
  arrayContains,
  asc,
  count,
  desc,
  eq,
  ilike,
  inArray,
  isNotNull,
  isNull,
  not,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.js';
import type { FilingRole, FilingStatus } from './model.js';
import {
  caRevocations,
  enterpriseCertificates,
  enterpriseEvents,
  enterprises,
  overseasWarehouses,
  trustedCas,
  trustedZones,
  usccExceptions,
} from './schema.js';

export type EnterpriseRow = typeof enterprises.$inferSelect;
export type CertificateRow = typeof enterpriseCertificates.$inferSelect;
export type TrustedCaRow = typeof trustedCas.$inferSelect;
export type EnterpriseEventRow = typeof enterpriseEvents.$inferSelect;
export type OverseasWarehouseRow = typeof overseasWarehouses.$inferSelect;

export type EnterpriseFilter = {
  status?: FilingStatus[];
  role?: FilingRole;
  q?: string;
  /** Restricts to one enterprise (tenant-bound callers). */
  uscc?: string;
  page: number;
  pageSize: number;
};

/** A filter of {@link filingStore.directory}. */
export type FiledFilter = {
  q?: string;
  /** Only these USCCs (an empty list: none). */
  only?: string[];
  /** None of these USCCs. */
  except?: string[];
  page: number;
  pageSize: number;
};

/** A text[] parameter passed as one JSON value (drizzle would spread a JS array into one parameter per element). */
function textArray(values: string[]): SQL {
  return sql`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
}

export const filingStore = {
  get: async (q: Queryable, uscc: string) => (await q.select().from(enterprises).where(eq(enterprises.uscc, uscc)))[0],
  getForUpdate: async (q: Queryable, uscc: string) =>
    (await q.select().from(enterprises).where(eq(enterprises.uscc, uscc)).for('update'))[0],
  insert: async (q: Queryable, v: typeof enterprises.$inferInsert) =>
    (await q.insert(enterprises).values(v).returning())[0] as EnterpriseRow,
  update: async (q: Queryable, uscc: string, v: Partial<typeof enterprises.$inferInsert>) =>
    (
      await q
        .update(enterprises)
        .set({ ...v, updatedAt: new Date() })
        .where(eq(enterprises.uscc, uscc))
        .returning()
    )[0] as EnterpriseRow,
  addEvent: (q: Queryable, v: typeof enterpriseEvents.$inferInsert) => q.insert(enterpriseEvents).values(v),
  events: (q: Queryable, uscc: string) =>
    q.select().from(enterpriseEvents).where(eq(enterpriseEvents.uscc, uscc)).orderBy(asc(enterpriseEvents.id)),

  async list(q: Queryable, f: EnterpriseFilter) {
    const conds: SQL[] = [];
    if (f.status?.length) conds.push(inArray(enterprises.status, f.status));
    if (f.role) conds.push(arrayContains(enterprises.roles, [f.role]));
    if (f.uscc) conds.push(eq(enterprises.uscc, f.uscc));
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conds.push(
        or(ilike(enterprises.nameCn, like), ilike(enterprises.nameEn, like), ilike(enterprises.uscc, like)) as SQL,
      );
    }
    const where = conds.length ? and(...conds) : undefined;
    const items = await q
      .select()
      .from(enterprises)
      .where(where)
      .orderBy(desc(enterprises.updatedAt), asc(enterprises.uscc))
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize);
    const [total] = await q.select({ n: count() }).from(enterprises).where(where);
    return { items, total: total?.n ?? 0 };
  },

  /** Enterprises named by USCC or by 10-character customs code. */
  byCodes: (q: Queryable, codes: string[]) =>
    q
      .select({
        uscc: enterprises.uscc,
        customsCode: enterprises.customsCode,
        nameCn: enterprises.nameCn,
        roles: enterprises.roles,
        status: enterprises.status,
        requireSignature: enterprises.requireSignature,
      })
      .from(enterprises)
      .where(or(inArray(enterprises.uscc, codes), inArray(enterprises.customsCode, codes))),

  /** Names of the enterprises that are or were filed (approved at least once), named by USCC or customs code. */
  namesByCodes: (q: Queryable, codes: string[]) =>
    q
      .select({
        uscc: enterprises.uscc,
        customsCode: enterprises.customsCode,
        nameCn: enterprises.nameCn,
        nameEn: enterprises.nameEn,
      })
      .from(enterprises)
      .where(
        and(
          isNotNull(enterprises.approvedAt),
          or(inArray(enterprises.uscc, codes), inArray(enterprises.customsCode, codes)),
        ),
      ),

  /** Enterprises that are or were filed, by name or code, within or outside given USCCs: a page, by name. */
  async directory(q: Queryable, f: FiledFilter) {
    const conds: SQL[] = [isNotNull(enterprises.approvedAt)];
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conds.push(
        or(
          ilike(enterprises.nameCn, like),
          ilike(enterprises.nameEn, like),
          ilike(enterprises.uscc, like),
          ilike(enterprises.customsCode, like),
        ) as SQL,
      );
    }
    if (f.only) conds.push(sql`${enterprises.uscc} = any(${textArray(f.only)})`);
    if (f.except?.length) conds.push(not(sql`${enterprises.uscc} = any(${textArray(f.except)})`));
    const where = and(...conds);
    const items = await q
      .select({
        uscc: enterprises.uscc,
        customsCode: enterprises.customsCode,
        nameCn: enterprises.nameCn,
        nameEn: enterprises.nameEn,
        roles: enterprises.roles,
        status: enterprises.status,
      })
      .from(enterprises)
      .where(where)
      .orderBy(asc(enterprises.nameCn), asc(enterprises.uscc))
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize);
    const [total] = await q.select({ n: count() }).from(enterprises).where(where);
    return { items, total: total?.n ?? 0 };
  },

  certificates: (q: Queryable, uscc: string) =>
    q
      .select()
      .from(enterpriseCertificates)
      .where(eq(enterpriseCertificates.uscc, uscc))
      .orderBy(asc(enterpriseCertificates.addedAt)),
  addCertificate: async (q: Queryable, v: typeof enterpriseCertificates.$inferInsert) =>
    (await q.insert(enterpriseCertificates).values(v).onConflictDoNothing().returning())[0],
  revokeCertificate: async (q: Queryable, uscc: string, id: string) =>
    (
      await q
        .update(enterpriseCertificates)
        .set({ revokedAt: new Date() })
        .where(
          and(
            eq(enterpriseCertificates.uscc, uscc),
            eq(enterpriseCertificates.id, id),
            isNull(enterpriseCertificates.revokedAt),
          ),
        )
        .returning()
    )[0],

  certificateByFingerprint: async (q: Queryable, uscc: string, fingerprint: string) =>
    (
      await q
        .select()
        .from(enterpriseCertificates)
        .where(and(eq(enterpriseCertificates.uscc, uscc), eq(enterpriseCertificates.fingerprint, fingerprint)))
    )[0],
  certificateById: async (q: Queryable, uscc: string, id: string, lock = false) => {
    const query = q
      .select()
      .from(enterpriseCertificates)
      .where(and(eq(enterpriseCertificates.uscc, uscc), eq(enterpriseCertificates.id, id)));
    return (await (lock ? query.for('update') : query))[0];
  },
  certificatesByTrust: (q: Queryable, trust: string) =>
    q
      .select()
      .from(enterpriseCertificates)
      .where(and(eq(enterpriseCertificates.trust, trust), isNull(enterpriseCertificates.revokedAt)))
      .orderBy(asc(enterpriseCertificates.addedAt)),
  setCertificateTrust: async (q: Queryable, id: string, v: Partial<CertificateRow>) =>
    (await q.update(enterpriseCertificates).set(v).where(eq(enterpriseCertificates.id, id)).returning())[0],

  /** Certificates trusted through a removed entry of the CA certificate `fingerprint` now go through `caId`. */
  async relinkCertificates(q: Queryable, fingerprint: string, caId: string): Promise<number> {
    const removed = (
      await q.select({ id: trustedCas.id }).from(trustedCas).where(eq(trustedCas.fingerprint, fingerprint))
    )
      .map((r) => r.id)
      .filter((id) => id !== caId);
    if (!removed.length) return 0;
    // what the CA revoked stays revoked under its new entry
    await q.execute(sql`insert into ca_revocations (ca_id, serial_hex, revoked_at)
      select ${caId}::uuid, serial_hex, revoked_at from ca_revocations
      where ca_id in (select jsonb_array_elements_text(${JSON.stringify(removed)}::jsonb)::uuid)
      on conflict do nothing`);
    return (
      await q
        .update(enterpriseCertificates)
        .set({ caId })
        .where(inArray(enterpriseCertificates.caId, removed))
        .returning({ id: enterpriseCertificates.id })
    ).length;
  },
  cas: (q: Queryable, opts: { active?: boolean } = {}) =>
    q
      .select()
      .from(trustedCas)
      .where(opts.active ? isNull(trustedCas.removedAt) : undefined)
      .orderBy(asc(trustedCas.addedAt)),
  caById: async (q: Queryable, id: string) => (await q.select().from(trustedCas).where(eq(trustedCas.id, id)))[0],
  addCa: async (q: Queryable, v: typeof trustedCas.$inferInsert) =>
    (await q.insert(trustedCas).values(v).returning())[0] as TrustedCaRow,
  removeCa: async (q: Queryable, id: string, by: string | null) =>
    (
      await q
        .update(trustedCas)
        .set({ removedAt: new Date(), removedBy: by })
        .where(and(eq(trustedCas.id, id), isNull(trustedCas.removedAt)))
        .returning()
    )[0],
  revocation: async (q: Queryable, caId: string, serialHex: string) =>
    (
      await q
        .select()
        .from(caRevocations)
        .where(and(eq(caRevocations.caId, caId), eq(caRevocations.serialHex, serialHex)))
    )[0],
  /** Adds revocations of a CRL (one JSON parameter per batch); returns how many were new. */
  async addRevocations(q: Queryable, caId: string, rows: { serialHex: string; revokedAt: Date }[]): Promise<number> {
    let added = 0;
    for (let i = 0; i < rows.length; i += 5000) {
      const batch = rows.slice(i, i + 5000).map((r) => ({ caId, serialHex: r.serialHex, revokedAt: r.revokedAt }));
      added += (await q.insert(caRevocations).values(batch).onConflictDoNothing().returning()).length;
    }
    return added;
  },

  trustedZone: async (q: Queryable, code: string) =>
    (await q.select().from(trustedZones).where(eq(trustedZones.zoneCode, code)))[0],
  trustedZones: (q: Queryable) => q.select().from(trustedZones).orderBy(asc(trustedZones.zoneCode)),
  upsertTrustedZone: (q: Queryable, v: typeof trustedZones.$inferInsert) =>
    q
      .insert(trustedZones)
      .values(v)
      .onConflictDoUpdate({
        target: trustedZones.zoneCode,
        set: { name: v.name, publicKey: v.publicKey, addedBy: v.addedBy, addedAt: new Date() },
      }),
  deleteTrustedZone: async (q: Queryable, code: string) =>
    (await q.delete(trustedZones).where(eq(trustedZones.zoneCode, code)).returning()).length > 0,

  exceptions: (q: Queryable) => q.select().from(usccExceptions).orderBy(asc(usccExceptions.uscc)),
  addException: (q: Queryable, v: typeof usccExceptions.$inferInsert) =>
    q.insert(usccExceptions).values(v).onConflictDoNothing(),
};

/** Overseas warehouses (海外仓). */
export const warehouseStore = {
  insert: async (q: Queryable, v: typeof overseasWarehouses.$inferInsert) =>
    (await q.insert(overseasWarehouses).values(v).returning())[0] as OverseasWarehouseRow,
  byId: async (q: Queryable, id: string, forUpdate = false) => {
    const base = q.select().from(overseasWarehouses).where(eq(overseasWarehouses.id, id));
    return (await (forUpdate ? base.for('update') : base))[0];
  },
  byNo: async (q: Queryable, no: number) =>
    (await q.select().from(overseasWarehouses).where(eq(overseasWarehouses.no, no)))[0],
  /** A page of the filter's warehouses, newest first, with the filter's count. */
  list: async (q: Queryable, f: { operatorUscc?: string; country?: string; page: number; pageSize: number }) => {
    const where = and(
      f.operatorUscc ? eq(overseasWarehouses.operatorUscc, f.operatorUscc) : undefined,
      f.country ? eq(overseasWarehouses.country, f.country) : undefined,
    );
    const rows = await q
      .select()
      .from(overseasWarehouses)
      .where(where)
      .orderBy(desc(overseasWarehouses.no))
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize);
    const [total] = await q.select({ n: count() }).from(overseasWarehouses).where(where);
    return { rows, total: total?.n ?? 0 };
  },
  /** The operator's warehouses in a country whose period covers the date and not withdrawn by then. */
  validOn: (q: Queryable, operators: string[], country: string, on: string) =>
    q
      .select()
      .from(overseasWarehouses)
      .where(
        and(
          inArray(overseasWarehouses.operatorUscc, operators),
          eq(overseasWarehouses.country, country),
          sql`${overseasWarehouses.validFrom} <= ${on} and ${overseasWarehouses.validTo} >= ${on}`,
          or(isNull(overseasWarehouses.withdrawnOn), sql`${overseasWarehouses.withdrawnOn} > ${on}`),
        ),
      ),
  withdraw: async (q: Queryable, id: string, v: { on: string; by: string | null; reason: string }) =>
    (
      await q
        .update(overseasWarehouses)
        .set({ withdrawnOn: v.on, withdrawnBy: v.by, withdrawReason: v.reason })
        .where(and(eq(overseasWarehouses.id, id), isNull(overseasWarehouses.withdrawnOn)))
        .returning()
    )[0],
};
