/**
 * Upgrading a zone from the version before the sender binding (migrations up to 0006) keeps its data usable:
 * - every stored record gets the enterprise it was declared for: the sender when it was a principal of the record,
 *   else the record's principal (a list sent by an agent belongs to its e-commerce enterprise; an order changed by an
 *   enterprise the order did not name goes back to its own parties), so its rightful owners can still change it;
 * - signing certificates registered before, that the trust store's CA issued, verify at once after the upgrade;
 * - reference tables seeded before the export-conditions kind (five kinds): the sixth is seeded, labelled SAMPLE, on
 *   the next start, from the operator's folder or, when the folder of an earlier release lacks it, the samples.
 * On the embedded database in a folder (PGlite only: the CLI tests do the same), through the real migrations.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { demoUscc } from '../../src/app/demo.js';
import { demoCertificatePem } from '../../src/app/demo-pki.js';
import { createPlatform } from '../../src/app/platform.js';
import { clrReferenceTables } from '../../src/modules/clearance/schema.js';
import { SAMPLE_LABEL } from '../../src/modules/clearance/tables/reference-tables.js';
import { SAMPLE_TABLES_DIR } from '../../src/modules/clearance/tables/table-files.js';
import { loadConfig } from '../../src/platform/config.js';
import { parseCertificate } from '../../src/platform/crypto/certificate.js';
import { MIGRATIONS_FOLDER, openDatabase } from '../../src/platform/db/client.js';
import { createLogger } from '../../src/platform/log.js';

const A = demoUscc(1); // platform and e-commerce enterprise
const B = demoUscc(2); // e-commerce enterprise
const L = demoUscc(4); // logistics firm and declaring agent
const X = demoUscc(3); // an enterprise the records do not name (the issue's attacker)

describe.skipIf(!!process.env.DATABASE_URL)('upgrade from 0006', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cbec-upgrade-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('backfills each record’s declarer by its principal, and the demo CA trusts the certificates registered before', async () => {
    // the migrations as they were before this version
    const old = join(dir, 'migrations-0006');
    cpSync(MIGRATIONS_FOLDER, old, { recursive: true });
    const journal = JSON.parse(readFileSync(join(old, 'meta/_journal.json'), 'utf8'));
    journal.entries = journal.entries.filter((e: { idx: number }) => e.idx <= 6);
    writeFileSync(join(old, 'meta/_journal.json'), JSON.stringify(journal));
    const dataDir = join(dir, 'data');
    const h = await openDatabase({ kind: 'pglite', dataDir });
    // biome-ignore lint/suspicious/noExplicitAny: the PGlite migrator wants its own database type
    await migrate(h.db as any, { migrationsFolder: old });
    const db = h.db;
    for (const [uscc, roles] of [
      [A, '{ebp,ebc}'],
      [B, '{ebc}'],
      [L, '{logistics,agent}'],
      [X, '{ebc}'],
    ] as const) {
      await db.execute(sql`insert into enterprises (uscc, name_cn, legal_rep_name, registered_address, region_code,
        contacts, roles, status) values (${uscc}, ${`企业 ${uscc}`}, '法人', '兰州', '620100', '[]'::jsonb,
        ${roles}::text[], 'approved')`);
    }
    const message = async (sender: string) => {
      const id = randomUUID();
      await db.execute(sql`insert into decl_messages (id, type, sender_uscc, format, status, answer, body_enc,
        body_sha256, body_size) values (${id}, 'CEB311Message', ${sender}, 'json', 'accepted', '{}'::jsonb, 'x',
        ${'0'.repeat(64)}, 1)`);
      return id;
    };
    const order = async (no: string, ebp: string, ebc: string, sender: string) =>
      db.execute(sql`insert into decl_orders (id, message_id, guid, ebp_code, ebc_code, order_no, app_type, app_time,
        app_status, status, goods_value, freight, discount, tax_total, actural_paid, currency, buyer_hash,
        consignee_hash, extra, pii_enc) values (${randomUUID()}, ${await message(sender)}, ${randomUUID()}, ${ebp},
        ${ebc}, ${no}, '1', '20261101100000', '2', '2', 1, 0, 0, 0, 1, '142', 'h', 'h', '{}'::jsonb, 'x')`);
    await order('BY-EBP', A, B, A); // declared by its platform
    await order('BY-EBC', A, B, B); // declared by its e-commerce enterprise
    await order('HIJACKED', A, B, X); // changed by an enterprise it does not name (before the binding)
    await db.execute(sql`insert into decl_inventories (id, message_id, guid, ebp_code, ebc_code, order_no, cop_no,
      agent_code, logistics_code, logistics_no, assure_code, app_type, app_time, app_status, status, trade_mode,
      customs_code, port_code, ie_date, freight, insured_fee, currency, gross_weight, net_weight, buyer_hash, extra,
      pii_enc) values (${randomUUID()}, ${await message(L)}, ${randomUUID()}, ${A}, ${B}, 'BY-AGENT', 'C1', ${L},
      ${L}, 'LN1', ${L}, '1', '20261101100000', '2', '100', '9610', '7301', '7301', '20261101', 0, 0, '142', 1, 1, 'h',
      '{}'::jsonb, 'x')`);
    await db.execute(sql`insert into clr_lists (id, ebp_code, ebc_code, order_no, agent_code, cop_no, logistics_code,
      logistics_no, assure_code, trade_mode, customs_code, agent_uscc, buyer_hash, status, return_status, declared_on)
      values (${randomUUID()}, ${A}, ${B}, 'BY-AGENT', ${L}, 'C1', ${L}, 'LN1', ${L}, '9610', '7301', ${L}, 'h',
      'rejected', '100', '2026-11-01')`);
    // a certificate registered before the trust store existed, issued by the demo CA
    const pem = demoCertificatePem(A) as string;
    const cert = parseCertificate(pem);
    await db.execute(sql`insert into enterprise_certificates (uscc, certificate, serial_hex, fingerprint, algorithm,
      subject, not_before, not_after) values (${A}, ${cert.der.toString('base64')}, ${cert.info.serialHex},
      ${cert.info.fingerprintSm3}, 'sm2', ${cert.info.subject}, ${cert.info.notBefore.toISOString()},
      ${cert.info.notAfter.toISOString()})`);
    await h.close();

    // this version on the same data: migration 0007 and the first start of the trust store
    const config = loadConfig(
      { LOG_LEVEL: 'silent', CBEC_SEED_DEMO: 'false', DATA_DIR: dataDir },
      { piKeyHex: randomBytes(16).toString('hex') },
    );
    const p = await createPlatform(config, { log: createLogger('silent') });
    try {
      const rows = (await p.dbh.db.execute(sql`select order_no, declarer_uscc from decl_orders order by order_no`))
        .rows as { order_no: string; declarer_uscc: string }[];
      expect(Object.fromEntries(rows.map((r) => [r.order_no, r.declarer_uscc]))).toEqual({
        'BY-EBC': B,
        'BY-EBP': A,
        HIJACKED: B, // back to its e-commerce enterprise, not the enterprise that took it
      });
      const inv = (await p.dbh.db.execute(sql`select declarer_uscc from decl_inventories`)).rows[0] as {
        declarer_uscc: string;
      };
      expect(inv.declarer_uscc).toBe(B); // the agent's list is its e-commerce enterprise's
      const list = (await p.dbh.db.execute(sql`select declarer_uscc from clr_lists`)).rows[0] as {
        declarer_uscc: string;
      };
      expect(list.declarer_uscc).toBe(B);
      const officer = {
        kind: 'user' as const,
        userId: randomUUID(),
        username: 'x',
        displayName: 'x',
        role: 'customs' as const,
        enterpriseUscc: null,
        sessionId: '',
        mustChangePassword: false,
      };
      const certs = await p.filing.listCertificates(officer, A);
      expect(certs).toEqual([expect.objectContaining({ trust: 'ca' })]);
    } finally {
      await p.close();
    }
  });

  it('reference tables seeded with the five earlier kinds get the export conditions on the next start', async () => {
    // an operator's folder of an earlier release: the five kinds, no export-conditions.csv
    const tables = join(dir, 'tables-0.1');
    mkdirSync(tables);
    for (const kind of ['tariff-rates', 'positive-list', 'exchange-rates', 'customs-params', 'holidays']) {
      copyFileSync(join(SAMPLE_TABLES_DIR, `${kind}.csv`), join(tables, `${kind}.csv`));
    }
    const config = loadConfig(
      { LOG_LEVEL: 'silent', CBEC_SEED_DEMO: 'false', DATA_DIR: join(dir, 'data-tables'), CBEC_TABLES_DIR: tables },
      { piKeyHex: randomBytes(16).toString('hex') },
    );
    // the database as the earlier release left it: five kinds seeded, none of export-conditions
    const first = await createPlatform(config, { log: createLogger('silent') });
    let before: Record<string, { id: string }>;
    try {
      await first.dbh.db.delete(clrReferenceTables).where(eq(clrReferenceTables.kind, 'export-conditions'));
      before = first.tables.current().versions;
    } finally {
      await first.close();
    }

    const p = await createPlatform(config, { log: createLogger('silent') });
    try {
      const v = p.tables.current().versions;
      expect(v['export-conditions']).toMatchObject({ isSample: true, label: SAMPLE_LABEL });
      expect(v['export-conditions'].id).not.toBe(before['export-conditions']?.id);
      expect(p.tables.current().exportConditions.rows.length).toBe(v['export-conditions'].rowCount);
      // the five kinds are the versions seeded before, from the operator's folder, not samples
      for (const kind of ['tariff-rates', 'positive-list', 'exchange-rates', 'customs-params', 'holidays'] as const) {
        expect(v[kind]).toMatchObject({ id: before[kind]?.id, isSample: false });
      }
      const rows = await p.dbh.db.select({ kind: clrReferenceTables.kind }).from(clrReferenceTables);
      expect(rows).toHaveLength(6);
    } finally {
      await p.close();
    }
  });
});
