/**
 * The zone's trust store: the certificate authorities whose certificates verify enterprises' signatures (the China
 * E-Port / customs CA roots and intermediates the operator loads, or on a fresh install the labelled demo CA), and
 * what they revoked (CRLs). Part of the filing module: it owns trusted_cas and ca_revocations. trust-model.ts
 * holds the rules.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Actor, AuditTrail } from '../../platform/audit/audit.js';
import {
  CertificateError,
  isIssuedBy,
  isSelfSigned,
  type ParsedCertificate,
  parseCertificate,
} from '../../platform/crypto/certificate.js';
import { CrlError, crlIssuedBy, parseCrl } from '../../platform/crypto/crl.js';
import type { Database, Queryable } from '../../platform/db/client.js';
import { AppError } from '../../platform/http/errors.js';
import { filingStore as store, type TrustedCaRow } from './store.js';

export type TrustedCaView = {
  id: string;
  label: string;
  subject: string;
  serialHex: string;
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  demo: boolean;
  addedAt: string;
  removedAt: string | null;
  status: 'active' | 'expired' | 'removed';
};

function caView(r: TrustedCaRow, now = new Date()): TrustedCaView {
  return {
    id: r.id,
    label: r.label,
    subject: r.subject,
    serialHex: r.serialHex,
    fingerprint: r.fingerprint,
    notBefore: r.notBefore.toISOString(),
    notAfter: r.notAfter.toISOString(),
    demo: r.demo,
    addedAt: r.addedAt.toISOString(),
    removedAt: r.removedAt?.toISOString() ?? null,
    status: r.removedAt ? 'removed' : r.notAfter < now ? 'expired' : 'active',
  };
}

const CERT_FILE = /\.(pem|crt|cer|der)$/i;
/** Certificate files in a folder, PEM with one or more certificates, or DER. */
function certificatesIn(dir: string): { file: string; cert: ParsedCertificate }[] {
  const out: { file: string; cert: ParsedCertificate }[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => CERT_FILE.test(f) && !/\.key\./i.test(f))
    .sort()) {
    const bytes = readFileSync(join(dir, file));
    const text = bytes.toString('latin1');
    const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
    for (const one of pems ?? [bytes]) out.push({ file, cert: parseCertificate(one) });
  }
  return out;
}

/**
 * A CA just trusted: the waiting certificates it issued become trusted through it, and certificates trusted through
 * an earlier (removed) entry of the same CA certificate are linked to the new one. Returns how many changed.
 */
async function promoteIssued(tx: Queryable, row: TrustedCaRow, cert: ParsedCertificate): Promise<number> {
  let changed = 0;
  for (const pending of await store.certificatesByTrust(tx, 'pending')) {
    if (isIssuedBy(parseCertificate(Buffer.from(pending.certificate, 'base64')), cert)) {
      await store.setCertificateTrust(tx, pending.id, { trust: 'ca', caId: row.id });
      changed++;
    }
  }
  changed += await store.relinkCertificates(tx, row.fingerprint, row.id);
  return changed;
}

export class TrustStore {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
  ) {}

  async list(): Promise<TrustedCaView[]> {
    return (await store.cas(this.db)).map((r) => caView(r));
  }

  /** The active CA of the store that issued `cert` (issuer name and signature checked), if any. */
  async issuerOf(cert: ParsedCertificate, q: Queryable = this.db): Promise<TrustedCaRow | null> {
    for (const ca of await store.cas(q, { active: true })) {
      if (isIssuedBy(cert, parseCertificate(Buffer.from(ca.certificate, 'base64')))) return ca;
    }
    return null;
  }

  caById = (id: string, q: Queryable = this.db) => store.caById(q, id);

  /** When the CA revoked the certificate of this serial number, per the CRLs loaded. */
  async revokedAt(caId: string, serialHex: string, q: Queryable = this.db): Promise<Date | null> {
    return (await store.revocation(q, caId, serialHex))?.revokedAt ?? null;
  }

  /**
   * Adds a CA certificate (PEM, Base64 or DER): a CA (basicConstraints cA), not expired, not already in force.
   * Certificates waiting for approval that it issued become trusted.
   */
  async add(actor: Actor, input: string | Buffer, label: string, opts: { demo?: boolean } = {}) {
    let cert: ParsedCertificate;
    try {
      cert = parseCertificate(input);
    } catch (e) {
      throw AppError.field(
        'certificate',
        '不是有效的 X.509 证书',
        `Not a valid X.509 certificate: ${e instanceof CertificateError ? e.message : String(e)}`,
        'BAD_CERTIFICATE',
      );
    }
    if (!cert.isCa) {
      throw AppError.field(
        'certificate',
        '这不是 CA 证书（basicConstraints 未标明 cA）：企业的签名证书请在企业备案中登记',
        "Not a CA certificate (basicConstraints has no cA): register an enterprise's signing certificate with its filing",
        'NOT_A_CA',
      );
    }
    if (cert.info.notAfter < new Date()) {
      throw AppError.field('certificate', 'CA 证书已过期', 'The CA certificate has expired', 'CERTIFICATE_EXPIRED');
    }
    return this.db.transaction(async (tx) => {
      const active = await store.cas(tx, { active: true });
      if (active.some((c) => c.fingerprint === cert.info.fingerprintSm3)) {
        throw AppError.conflict('CA_EXISTS', '该 CA 已在信任列表中', 'This CA is in the trust store already');
      }
      const row = await store.addCa(tx, {
        certificate: cert.der.toString('base64'),
        fingerprint: cert.info.fingerprintSm3,
        subject: cert.info.subject,
        serialHex: cert.info.serialHex.slice(0, 64),
        notBefore: cert.info.notBefore,
        notAfter: cert.info.notAfter,
        label: label.trim().slice(0, 200) || cert.info.subject.slice(0, 200),
        demo: opts.demo ?? false,
        addedBy: actor.userId ?? null,
      });
      const promoted = await promoteIssued(tx, row, cert);
      await this.audit.append(tx, actor, {
        action: 'trust.ca-added',
        targetType: 'trusted-ca',
        targetId: row.id,
        summary: { label: row.label, fingerprint: row.fingerprint, demo: row.demo, promoted },
      });
      return { ca: caView(row), promoted };
    });
  }

  async remove(actor: Actor, id: string): Promise<TrustedCaView> {
    return this.db.transaction(async (tx) => {
      const row = await store.removeCa(tx, id, actor.userId ?? null);
      if (!row) throw AppError.notFound('trusted CA', '受信任 CA');
      await this.audit.append(tx, actor, {
        action: 'trust.ca-removed',
        targetType: 'trusted-ca',
        targetId: id,
        summary: { label: row.label, fingerprint: row.fingerprint },
      });
      return caView(row);
    });
  }

  /** Loads a CRL (PEM or DER) issued by an active CA of the store: its revocations count from now on. */
  async importCrl(actor: Actor, input: string | Buffer) {
    let crl: ReturnType<typeof parseCrl>;
    try {
      crl = parseCrl(input);
    } catch (e) {
      if (!(e instanceof CrlError)) throw e;
      throw AppError.field('crl', '不是有效的证书吊销列表（CRL）', e.message, 'BAD_CRL');
    }
    const cas = await store.cas(this.db, { active: true });
    const ca = cas.find((c) => crlIssuedBy(crl, parseCertificate(Buffer.from(c.certificate, 'base64'))));
    if (!ca) {
      throw AppError.field(
        'crl',
        '该 CRL 不是信任列表中任何 CA 签发的（签发者或签名不符）',
        'The CRL was not issued by a CA of the trust store (issuer or signature does not match)',
        'UNTRUSTED_CRL',
      );
    }
    return this.db.transaction(async (tx) => {
      const added = await store.addRevocations(tx, ca.id, crl.revoked);
      await this.audit.append(tx, actor, {
        action: 'trust.crl-loaded',
        targetType: 'trusted-ca',
        targetId: ca.id,
        summary: { entries: crl.revoked.length, added, thisUpdate: crl.thisUpdate.toISOString() },
      });
      return {
        ca: caView(ca),
        entries: crl.revoked.length,
        added,
        thisUpdate: crl.thisUpdate.toISOString(),
        nextUpdate: crl.nextUpdate?.toISOString() ?? null,
      };
    });
  }

  /**
   * On first start (the store never held a CA): the CA certificates of `dir` (CBEC_TRUSTED_CA_DIR, or the demo CA's
   * folder with `demo`). Two processes starting together seed once (transaction-level advisory lock).
   */
  async seed(dir: string, demo: boolean): Promise<{ seeded: number; demo: boolean }> {
    const files = certificatesIn(dir).filter(({ cert }) => cert.isCa);
    const actor: Actor = { name: 'system', role: 'system' };
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('cbec-zone:trusted-cas'))`);
      if ((await store.cas(tx)).length > 0) return { seeded: 0, demo: false };
      for (const { file, cert } of files) {
        const row = await store.addCa(tx, {
          certificate: cert.der.toString('base64'),
          fingerprint: cert.info.fingerprintSm3,
          subject: cert.info.subject,
          serialHex: cert.info.serialHex.slice(0, 64),
          notBefore: cert.info.notBefore,
          notAfter: cert.info.notAfter,
          label: demo ? '【演示】综试区演示 CA（DEMO，不得用于生产）' : `${file}: ${cert.info.subject}`.slice(0, 200),
          demo,
        });
        // certificates registered before (an upgrade from a version without a trust store) that this CA issued
        const promoted = await promoteIssued(tx, row, cert);
        await this.audit.append(tx, actor, {
          action: 'trust.ca-added',
          targetType: 'trusted-ca',
          targetId: row.id,
          summary: {
            label: row.label,
            fingerprint: row.fingerprint,
            demo,
            seeded: true,
            selfSigned: isSelfSigned(cert),
            promoted,
          },
        });
      }
      return { seeded: files.length, demo };
    });
  }

  /** Whether the demo CA is among the CAs in force (the demo data signs with certificates it issued). */
  async demoTrusted(): Promise<boolean> {
    return (await store.cas(this.db, { active: true })).some((c) => c.demo);
  }

  /** Whether the only CAs in force are the demo one (start-up warns: nothing real is trusted). */
  async onlyDemo(): Promise<boolean> {
    const active = await store.cas(this.db, { active: true });
    return active.length > 0 && active.every((c) => c.demo);
  }
}
