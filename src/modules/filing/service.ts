import type { Actor, AuditTrail } from '../../platform/audit/audit.js';
import { canonicalJson } from '../../platform/crypto/canonical.js';
import { certificateMentions, isSelfSigned, parseCertificate } from '../../platform/crypto/certificate.js';
import { maskIdNumber, maskPhone } from '../../platform/crypto/mask.js';
import type { PersonalInfoCipher } from '../../platform/crypto/personal-info.js';
import { keyIdOf, type PlatformSigner, sm2Verify } from '../../platform/crypto/signing.js';
import type { Database, Queryable } from '../../platform/db/client.js';
import { type Principal, tenantOf } from '../../platform/http/auth.js';
import { AppError } from '../../platform/http/errors.js';
import type { IdentityService } from '../identity/port.js';
import { type Decision, type FilingRole, type FilingStatus, isFiled, REASON_REQUIRED, transition } from './model.js';
import type { enterpriseCertificates, enterprises } from './schema.js';
import type { ChangeRequestInput, EnterpriseView, FilingInput, ResubmissionInput, SignedRecord } from './schemas.js';
import { type EnterpriseFilter, type EnterpriseRow, type FiledFilter, filingStore as store } from './store.js';
import { TrustStore } from './trust.js';
import { type CertificateTrust, type SigningVerdict, signingVerdict, trustAtRegistration } from './trust-model.js';

type EnterpriseInsert = typeof enterprises.$inferInsert;

export type EnterpriseName = { nameCn: string; nameEn: string | null };
export type FiledEnterprise = {
  uscc: string;
  customsCode: string | null;
  nameCn: string;
  nameEn: string | null;
  roles: FilingRole[];
  status: FilingStatus;
};

export type FiledParty = {
  uscc: string;
  customsCode: string | null;
  nameCn: string;
  roles: FilingRole[];
  filed: boolean;
  requireSignature: boolean;
};

type StoredContact = { name: string; phoneEnc: string; email: string | null };

/**
 * Enterprise filing (企业备案): applications, officers' decisions, change requests, the filing history, and the
 * signed records exchanged with other zones (一地备案、全国共享). Owns the enterprises, enterprise_events,
 * trusted_zones and uscc_exceptions tables.
 */
export class FilingService {
  /** The certificate authorities the zone trusts, and their revocations. */
  readonly trust: TrustStore;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly pi: PersonalInfoCipher,
    private readonly identity: IdentityService,
    private readonly signer: PlatformSigner,
    private readonly zone: { code: string; name: string },
  ) {
    this.trust = new TrustStore(db, audit);
  }

  // ---- views -------------------------------------------------------------------------------------------

  private maskedId(enc: string | null | undefined): string | null {
    return enc ? maskIdNumber(this.pi.decrypt(enc)) : null;
  }

  private maskedContacts(contacts: unknown): EnterpriseView['contacts'] {
    return ((contacts as StoredContact[] | null) ?? []).map((c) => ({
      name: c.name,
      phoneMasked: maskPhone(this.pi.decrypt(c.phoneEnc)),
      email: c.email ?? null,
    }));
  }

  view(r: EnterpriseRow): EnterpriseView {
    const pending = r.pendingChange as Record<string, unknown> | null;
    let pendingView: Record<string, unknown> | null = null;
    if (pending) {
      pendingView = { ...pending };
      if (pending.contacts) pendingView.contacts = this.maskedContacts(pending.contacts);
      const lr = pending.legalRepresentative as { name: string; idNumberEnc?: string } | undefined;
      if (lr) pendingView.legalRepresentative = { name: lr.name, idNumberMasked: this.maskedId(lr.idNumberEnc) };
    }
    return {
      uscc: r.uscc,
      customsCode: r.customsCode,
      nameCn: r.nameCn,
      nameEn: r.nameEn,
      legalRepresentative: { name: r.legalRepName, idNumberMasked: this.maskedId(r.legalRepIdEnc) },
      registeredAddress: r.registeredAddress,
      regionCode: r.regionCode,
      contacts: this.maskedContacts(r.contacts),
      dxpId: r.dxpId,
      roles: r.roles as FilingRole[],
      status: r.status as FilingStatus,
      statusReason: r.statusReason,
      pendingChange: pendingView,
      originZone: r.originZone,
      requireSignature: r.requireSignature,
      version: r.version,
      submittedAt: r.submittedAt.toISOString(),
      approvedAt: r.approvedAt?.toISOString() ?? null,
      updatedAt: r.updatedAt.toISOString(),
    };
  }

  /** Personal fields encrypted for storage. */
  private storedFields(f: Partial<ResubmissionInput>) {
    const out: Partial<EnterpriseInsert> = {};
    if (f.customsCode !== undefined) out.customsCode = f.customsCode;
    if (f.nameCn !== undefined) out.nameCn = f.nameCn;
    if (f.nameEn !== undefined) out.nameEn = f.nameEn;
    if (f.legalRepresentative) {
      out.legalRepName = f.legalRepresentative.name;
      const id = f.legalRepresentative.idNumber;
      out.legalRepIdEnc = id ? this.pi.encrypt(id) : null;
      out.legalRepIdHash = id ? this.pi.hash(id) : null;
    }
    if (f.registeredAddress !== undefined) out.registeredAddress = f.registeredAddress;
    if (f.regionCode !== undefined) out.regionCode = f.regionCode;
    if (f.contacts) {
      out.contacts = f.contacts.map(
        (c): StoredContact => ({ name: c.name, phoneEnc: this.pi.encrypt(c.phone), email: c.email ?? null }),
      );
    }
    if (f.dxpId !== undefined) out.dxpId = f.dxpId;
    if (f.roles) out.roles = f.roles;
    return out;
  }

  /** A pending change as stored: the requested fields, personal ones encrypted. */
  private storedChange(c: ChangeRequestInput): Record<string, unknown> {
    const { legalRepresentative, contacts, ...rest } = c;
    const out: Record<string, unknown> = { ...rest };
    if (legalRepresentative) {
      out.legalRepresentative = {
        name: legalRepresentative.name,
        ...(legalRepresentative.idNumber ? { idNumberEnc: this.pi.encrypt(legalRepresentative.idNumber) } : {}),
      };
    }
    if (contacts) out.contacts = this.storedFields({ contacts }).contacts;
    return out;
  }

  /** The columns a stored pending change sets when approved. */
  private changeColumns(pending: Record<string, unknown>) {
    const { legalRepresentative, contacts, ...rest } = pending as Record<string, unknown> & {
      legalRepresentative?: { name: string; idNumberEnc?: string };
      contacts?: StoredContact[];
    };
    const out: Partial<EnterpriseInsert> = { ...(rest as object) };
    if (legalRepresentative) {
      out.legalRepName = legalRepresentative.name;
      const id = legalRepresentative.idNumberEnc ? this.pi.decrypt(legalRepresentative.idNumberEnc) : null;
      out.legalRepIdEnc = legalRepresentative.idNumberEnc ?? null;
      out.legalRepIdHash = id ? this.pi.hash(id) : null;
    }
    if (contacts) out.contacts = contacts;
    return out;
  }

  // ---- queries ------------------------------------------------------------------------------------------

  async exists(uscc: string): Promise<boolean> {
    return !!(await store.get(this.db, uscc));
  }

  /** 404 for unknown enterprises and, for tenant-bound callers, for any enterprise but their own. */
  async get(principal: Principal, uscc: string): Promise<EnterpriseView> {
    const tenant = tenantOf(principal);
    const row = tenant === null || tenant === uscc ? await store.get(this.db, uscc) : undefined;
    if (!row) throw AppError.notFound('enterprise', '企业');
    return this.view(row);
  }

  async list(principal: Principal, f: EnterpriseFilter) {
    const tenant = tenantOf(principal);
    const { items, total } = await store.list(this.db, tenant === null ? f : { ...f, uscc: tenant });
    return { items: items.map((r) => this.view(r)), total, page: f.page, pageSize: f.pageSize };
  }

  async history(principal: Principal, uscc: string) {
    await this.get(principal, uscc);
    return (await store.events(this.db, uscc)).map((e) => ({
      id: e.id,
      action: e.action,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      reason: e.reason,
      actorRole: e.actorRole,
      at: e.at.toISOString(),
    }));
  }

  /** What later modules ask: is this enterprise filed in this role, now? */
  async isFiledInRole(uscc: string, role: FilingRole, q: Queryable = this.db): Promise<boolean> {
    const row = await store.get(q, uscc);
    return !!row && isFiled(row.status as FilingStatus) && row.roles.includes(role);
  }

  /** The codes an enterprise appears under in declarations: its USCC and, when it has one, its customs code. */
  async codesOf(uscc: string, q: Queryable = this.db): Promise<string[]> {
    const row = (await store.byCodes(q, [uscc])).find((r) => r.uscc === uscc);
    return row?.customsCode ? [uscc, row.customsCode] : [uscc];
  }

  /**
   * What the declaration hub asks of many codes at once: for each code (USCC or customs code) the enterprise it
   * names, its name, roles and whether it is filed now. Codes that name no enterprise are absent from the map.
   */
  async resolveCodes(codes: string[], q: Queryable = this.db): Promise<Map<string, FiledParty>> {
    const unique = [...new Set(codes)];
    const out = new Map<string, FiledParty>();
    if (!unique.length) return out;
    for (const r of await store.byCodes(q, unique)) {
      const party: FiledParty = {
        uscc: r.uscc,
        customsCode: r.customsCode,
        nameCn: r.nameCn,
        roles: r.roles as FilingRole[],
        filed: isFiled(r.status as FilingStatus),
        requireSignature: r.requireSignature,
      };
      out.set(r.uscc, party);
      if (r.customsCode) out.set(r.customsCode, party);
    }
    return out;
  }

  /**
   * The names of enterprises filed here at some time (approved at least once), for pages that show codes: names of
   * filed enterprises are public (一地备案、全国共享); nothing else is told, neither the filing's status nor its
   * people, and an application never approved has no name here. Keyed by each code given that names one (USCC or
   * customs code); the current approved name (a pending change is not yet the name).
   */
  async namesOf(codes: string[]): Promise<Map<string, EnterpriseName>> {
    const unique = [...new Set(codes)];
    const out = new Map<string, EnterpriseName>();
    if (!unique.length) return out;
    const wanted = new Set(unique);
    for (const r of await store.namesByCodes(this.db, unique)) {
      const name = { nameCn: r.nameCn, nameEn: r.nameEn };
      if (wanted.has(r.uscc)) out.set(r.uscc, name);
      if (r.customsCode && wanted.has(r.customsCode)) out.set(r.customsCode, name);
    }
    return out;
  }

  /**
   * What other modules list enterprises from (credit's 信用管理): the enterprises filed here at some time, by name
   * or code (`q`), within (`only`) or outside (`except`) given USCCs, a page ordered by name. Access is the caller's
   * to decide: the items carry the filing status.
   */
  async directory(f: FiledFilter): Promise<{ items: FiledEnterprise[]; total: number }> {
    if (f.only && f.only.length === 0) return { items: [], total: 0 };
    const { items, total } = await store.directory(this.db, f);
    return {
      items: items.map((r) => ({ ...r, roles: r.roles as FilingRole[], status: r.status as FilingStatus })),
      total,
    };
  }

  // ---- signing certificates (加签) -------------------------------------------------------------------

  private certificateView(c: typeof enterpriseCertificates.$inferSelect, caLabel?: string | null) {
    return {
      id: c.id,
      serialHex: c.serialHex,
      fingerprint: c.fingerprint,
      algorithm: c.algorithm,
      subject: c.subject,
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      addedAt: c.addedAt.toISOString(),
      revokedAt: c.revokedAt?.toISOString() ?? null,
      trust: c.trust as CertificateTrust,
      /** The trusted CA that issued it (trust = ca). */
      caId: c.caId,
      caLabel: caLabel ?? null,
      /** Why it waits for customs (trust = pending). */
      pendingReason:
        c.trust === 'pending'
          ? isSelfSigned(parseCertificate(Buffer.from(c.certificate, 'base64')))
            ? ('self-signed' as const)
            : ('unknown-issuer' as const)
          : null,
      reviewedAt: c.reviewedAt?.toISOString() ?? null,
      reviewNote: c.reviewNote,
    };
  }

  private async caLabels(): Promise<Map<string, string>> {
    return new Map((await this.trust.list()).map((c) => [c.id, c.label]));
  }

  async listCertificates(principal: Principal, uscc: string) {
    await this.get(principal, uscc);
    const labels = await this.caLabels();
    return (await store.certificates(this.db, uscc)).map((c) =>
      this.certificateView(c, c.caId ? labels.get(c.caId) : null),
    );
  }

  /**
   * Whether a signature by the certificate of this fingerprint counts for a message of `uscc` signed at `signedAt`
   * and received at `receivedAt`: registered with the filing, trusted (a trust-store CA issued it or customs approved
   * it), valid then, neither it nor its CA removed or revoked (trust-model.ts).
   */
  async signingVerdict(uscc: string, fingerprint: string, signedAt: Date, receivedAt: Date): Promise<SigningVerdict> {
    const registered = (await store.certificateByFingerprint(this.db, uscc, fingerprint)) ?? null;
    // a CA-issued certificate answers to its CA (removal, revocation) even when an officer approved it
    const caRow = registered?.caId ? await this.trust.caById(registered.caId) : undefined;
    const ca = caRow
      ? {
          label: caRow.label,
          notBefore: caRow.notBefore,
          notAfter: caRow.notAfter,
          removedAt: caRow.removedAt,
          revokedAt: await this.trust.revokedAt(caRow.id, registered?.serialHex ?? ''),
        }
      : null;
    return signingVerdict({
      registered: registered && { ...registered, trust: registered.trust as CertificateTrust },
      ca,
      signedAt,
      receivedAt,
    });
  }

  /**
   * Registers a signing certificate: X.509 (SM2 or RSA) naming the enterprise's USCC or customs code. It verifies
   * messages at once when a CA of the trust store issued it; otherwise (self-signed, unknown issuer) it waits for a
   * customs officer's approval.
   */
  async addCertificate(principal: Principal, actor: Actor, uscc: string, pemOrBase64: string) {
    const e = await this.get(principal, uscc);
    let cert: ReturnType<typeof parseCertificate>;
    try {
      cert = parseCertificate(pemOrBase64);
    } catch (err) {
      throw AppError.field(
        'certificate',
        '不是有效的 X.509 证书',
        `Not a valid X.509 certificate: ${(err as Error).message}`,
        'BAD_CERTIFICATE',
      );
    }
    if (!certificateMentions(cert, uscc) && !(e.customsCode && certificateMentions(cert, e.customsCode))) {
      throw AppError.field(
        'certificate',
        '证书中没有本企业的统一社会信用代码或海关编码（申报单位须与证书一致）',
        "The certificate names neither this enterprise's USCC nor its customs code (the declarant must match the certificate)",
        'CERTIFICATE_SUBJECT',
      );
    }
    if (cert.info.notAfter.getTime() < Date.now()) {
      throw AppError.field('certificate', '证书已过期', 'The certificate has expired', 'CERTIFICATE_EXPIRED');
    }
    const issuer = await this.trust.issuerOf(cert);
    const decided = trustAtRegistration({
      selfSigned: isSelfSigned(cert),
      issuer: issuer ? { id: issuer.id, label: issuer.label } : null,
    });
    return this.db.transaction(async (tx) => {
      const row = await store.addCertificate(tx, {
        uscc,
        certificate: cert.der.toString('base64'),
        serialHex: cert.info.serialHex.slice(0, 64),
        fingerprint: cert.info.fingerprintSm3,
        algorithm: cert.info.keyAlgorithm,
        subject: cert.info.subject,
        notBefore: cert.info.notBefore,
        notAfter: cert.info.notAfter,
        addedBy: actor.userId ?? null,
        trust: decided.trust,
        caId: decided.caId,
        reviewNote: decided.trust === 'pending' ? decided.note.zh : null,
      });
      if (!row) throw AppError.conflict('CERTIFICATE_EXISTS', '该证书已登记', 'This certificate is registered already');
      await this.audit.append(tx, actor, {
        action: 'filing.certificate-added',
        targetType: 'enterprise',
        targetId: uscc,
        enterpriseUscc: uscc,
        summary: { fingerprint: row.fingerprint, serial: row.serialHex, algorithm: row.algorithm, trust: row.trust },
      });
      return { ...this.certificateView(row, issuer?.label), trustReason: decided.note };
    });
  }

  /** Certificates waiting for a customs officer (self-signed or of an unknown issuer), with their enterprises. */
  async pendingCertificates() {
    const rows = await store.certificatesByTrust(this.db, 'pending');
    const parties = await this.resolveCodes(rows.map((r) => r.uscc));
    return rows.map((c) => ({
      ...this.certificateView(c),
      uscc: c.uscc,
      enterpriseName: parties.get(c.uscc)?.nameCn ?? null,
    }));
  }

  /**
   * A customs officer approves a certificate no trusted CA issued (so that it verifies messages) or refuses one
   * (also withdrawing an approval, or barring a CA-issued certificate). Audited with the note.
   */
  async reviewCertificate(actor: Actor, uscc: string, id: string, decision: 'approve' | 'reject', note: string) {
    return this.db.transaction(async (tx) => {
      const c = await store.certificateById(tx, uscc, id, true);
      if (!c) throw AppError.notFound('certificate', '证书');
      if (c.revokedAt) throw AppError.conflict('CERTIFICATE_REVOKED', '证书已注销', 'The certificate is revoked');
      if (decision === 'approve' && c.trust !== 'pending' && c.trust !== 'rejected') {
        throw AppError.conflict(
          'NOTHING_TO_APPROVE',
          c.trust === 'ca' ? '该证书由受信任 CA 签发，无需核准' : '该证书已核准',
          c.trust === 'ca' ? 'A trusted CA issued it: it needs no approval' : 'It is approved already',
        );
      }
      if (decision === 'reject' && c.trust === 'rejected') {
        throw AppError.conflict('ALREADY_REJECTED', '该证书已不予核准', 'It is refused already');
      }
      const row = await store.setCertificateTrust(tx, id, {
        trust: decision === 'approve' ? 'approved' : 'rejected',
        reviewedBy: actor.userId ?? null,
        reviewedAt: new Date(),
        reviewNote: note.trim(),
      });
      await this.audit.append(tx, actor, {
        action: decision === 'approve' ? 'filing.certificate-approved' : 'filing.certificate-rejected',
        targetType: 'enterprise',
        targetId: uscc,
        enterpriseUscc: uscc,
        summary: { fingerprint: c.fingerprint, from: c.trust, note: note.trim() },
      });
      return this.certificateView(row as typeof c);
    });
  }

  async revokeCertificate(principal: Principal, actor: Actor, uscc: string, id: string): Promise<void> {
    await this.get(principal, uscc);
    await this.db.transaction(async (tx) => {
      const row = await store.revokeCertificate(tx, uscc, id);
      if (!row) throw AppError.notFound('certificate', '证书');
      await this.audit.append(tx, actor, {
        action: 'filing.certificate-revoked',
        targetType: 'enterprise',
        targetId: uscc,
        enterpriseUscc: uscc,
        summary: { fingerprint: row.fingerprint },
      });
    });
  }

  /** Whether every message of the enterprise must be signed. */
  async setSignaturePolicy(principal: Principal, actor: Actor, uscc: string, requireSignature: boolean): Promise<void> {
    await this.get(principal, uscc);
    await this.db.transaction(async (tx) => {
      await store.update(tx, uscc, { requireSignature });
      await this.audit.append(tx, actor, {
        action: 'filing.signature-policy',
        targetType: 'enterprise',
        targetId: uscc,
        enterpriseUscc: uscc,
        summary: { requireSignature },
      });
    });
  }

  // ---- use cases ----------------------------------------------------------------------------------------

  /** Files an application. Anonymous applicants create their enterprise admin account with it. */
  async submit(principal: Principal, actor: Actor, input: FilingInput): Promise<EnterpriseView> {
    if (tenantOf(principal) !== null) {
      throw new AppError(
        403,
        'ALREADY_BOUND',
        '企业账号已绑定企业，不能再申请新的备案',
        'Enterprise accounts are bound to their enterprise and cannot file another',
      );
    }
    if (principal.kind === 'anonymous' && !input.account) {
      throw AppError.field(
        'account',
        '请设置企业管理员账号',
        'Give the account of the enterprise administrator',
        'REQUIRED',
      );
    }
    const { account, uscc, ...fields } = input;
    return this.db.transaction(async (tx) => {
      if (await store.get(tx, uscc)) {
        throw new AppError(
          409,
          'ALREADY_FILED',
          '该统一社会信用代码已在本平台备案或申请中',
          'This USCC is already filed or applied for on this platform',
          [
            {
              path: 'uscc',
              message: '已备案或申请中',
              messageEn: 'already filed or applied for',
              code: 'ALREADY_FILED',
            },
          ],
        );
      }
      let applicantUserId: string | null = principal.kind === 'user' ? principal.userId : null;
      const row = await store.insert(tx, {
        ...(this.storedFields(fields) as Required<ReturnType<FilingService['storedFields']>>),
        uscc,
        status: 'submitted',
        applicantUserId,
      });
      if (account) {
        const user = await this.identity.createUser(
          tx,
          actor,
          {
            username: account.username,
            password: account.password,
            displayName: account.displayName ?? input.nameCn.slice(0, 100),
            role: 'enterprise_admin',
            enterpriseUscc: uscc,
          },
          'account.',
        );
        applicantUserId = user.id;
        await store.update(tx, uscc, { applicantUserId });
      }
      await store.addEvent(tx, {
        uscc,
        action: 'submit',
        fromStatus: null,
        toStatus: 'submitted',
        actorUserId: applicantUserId,
        actorRole: actor.role ?? 'applicant',
      });
      await this.audit.append(
        tx,
        { ...actor, userId: actor.userId ?? applicantUserId },
        {
          action: 'filing.submitted',
          targetType: 'enterprise',
          targetId: uscc,
          enterpriseUscc: uscc,
          summary: { nameCn: row.nameCn, roles: row.roles },
        },
      );
      return this.view(row);
    });
  }

  private async act(
    principal: Principal,
    actor: Actor,
    uscc: string,
    action: Decision | 'request-change' | 'resubmit',
    opts: { reason?: string; set?: (row: EnterpriseRow) => Partial<EnterpriseInsert> } = {},
  ): Promise<EnterpriseView> {
    return this.db.transaction(async (tx) => {
      const tenant = tenantOf(principal);
      const row = tenant === null || tenant === uscc ? await store.getForUpdate(tx, uscc) : undefined;
      if (!row) throw AppError.notFound('enterprise', '企业');
      const from = row.status as FilingStatus;
      const t = transition(from, action);
      if (!t.ok) throw AppError.conflict('INVALID_TRANSITION', t.messageZh, t.messageEn);
      const now = new Date();
      const set: Partial<EnterpriseInsert> = {
        status: t.to,
        statusReason: opts.reason ?? null,
        ...(opts.set?.(row) ?? {}),
      };
      if (t.appliesChange && row.pendingChange)
        Object.assign(set, this.changeColumns(row.pendingChange as Record<string, unknown>));
      if (t.appliesChange || t.discardsChange) set.pendingChange = null;
      if (t.to === 'approved' && (from === 'submitted' || t.appliesChange)) {
        set.approvedAt = now;
        if (t.appliesChange) set.version = row.version + 1;
      }
      const updated = await store.update(tx, uscc, set);
      const eventAction = t.discardsChange && action === 'reject' ? 'reject-change' : action;
      await store.addEvent(tx, {
        uscc,
        action: eventAction,
        fromStatus: from,
        toStatus: t.to,
        reason: opts.reason ?? null,
        actorUserId: actor.userId ?? null,
        actorRole: actor.role ?? null,
      });
      await this.audit.append(tx, actor, {
        action: `filing.${eventAction}`,
        targetType: 'enterprise',
        targetId: uscc,
        enterpriseUscc: uscc,
        summary: {
          from,
          to: t.to,
          ...(opts.reason ? { reason: opts.reason } : {}),
          ...(t.appliesChange ? { changed: Object.keys(row.pendingChange as object) } : {}),
        },
      });
      return this.view(updated);
    });
  }

  async decide(
    principal: Principal,
    actor: Actor,
    uscc: string,
    action: Decision,
    reason?: string,
  ): Promise<EnterpriseView> {
    if (REASON_REQUIRED.includes(action) && !reason?.trim()) {
      throw AppError.field('reason', '此决定需要填写理由', 'This decision needs a reason', 'REQUIRED');
    }
    return this.act(principal, actor, uscc, action, { reason: reason?.trim() || undefined });
  }

  async requestChange(
    principal: Principal,
    actor: Actor,
    uscc: string,
    change: ChangeRequestInput,
  ): Promise<EnterpriseView> {
    const pendingChange = this.storedChange(change);
    return this.act(principal, actor, uscc, 'request-change', { set: () => ({ pendingChange }) });
  }

  async resubmit(principal: Principal, actor: Actor, uscc: string, input: ResubmissionInput): Promise<EnterpriseView> {
    const fields = this.storedFields(input);
    return this.act(principal, actor, uscc, 'resubmit', { set: () => ({ ...fields, submittedAt: new Date() }) });
  }

  // ---- 一地备案、全国共享: signed records ----------------------------------------------------------------

  /** The approved filing as a record signed by this zone (SM2 over its RFC 8785 canonical JSON). No personal data. */
  async exportRecord(principal: Principal, uscc: string): Promise<SignedRecord> {
    await this.get(principal, uscc);
    const row = (await store.get(this.db, uscc)) as EnterpriseRow;
    if (!isFiled(row.status as FilingStatus) || !row.approvedAt) {
      throw AppError.conflict(
        'NOT_APPROVED',
        '只有已备案的企业可以导出备案记录',
        'Only approved filings can be exported',
      );
    }
    if (row.originZone) {
      throw AppError.conflict(
        'NOT_LOCAL',
        `该企业备案于 ${row.originZone}，请向原备案地获取记录`,
        `This enterprise was filed in ${row.originZone}; ask that zone for its record`,
      );
    }
    const record: SignedRecord['record'] = {
      schema: 'cbec-zone/filing-record/v1',
      zone: { code: this.zone.code, name: this.zone.name },
      issuedAt: new Date().toISOString(),
      enterprise: {
        uscc: row.uscc,
        customsCode: row.customsCode,
        nameCn: row.nameCn,
        nameEn: row.nameEn,
        legalRepName: row.legalRepName,
        registeredAddress: row.registeredAddress,
        regionCode: row.regionCode,
        dxpId: row.dxpId,
        roles: row.roles as FilingRole[],
        status: 'approved',
        approvedAt: row.approvedAt.toISOString(),
        version: row.version,
      },
    };
    return {
      record,
      signature: { alg: 'SM2-SM3', keyId: this.signer.keyId, value: this.signer.sign(canonicalJson(record)) },
    };
  }

  /** Imports another zone's signed record: only when its signature verifies against that zone's trusted key. */
  async importRecord(actor: Actor, signed: SignedRecord): Promise<EnterpriseView> {
    const { record, signature } = signed;
    if (record.zone.code === this.zone.code) {
      throw AppError.field(
        'record.zone.code',
        '这是本综试区自己的备案记录',
        "This record is this zone's own",
        'OWN_RECORD',
      );
    }
    const zone = await store.trustedZone(this.db, record.zone.code);
    if (!zone) {
      throw new AppError(
        422,
        'UNTRUSTED_ZONE',
        `未配置综试区 ${record.zone.code} 的信任公钥`,
        `Zone ${record.zone.code} is not a trusted zone`,
        [
          {
            path: 'record.zone.code',
            message: '不是受信任的综试区',
            messageEn: 'not a trusted zone',
            code: 'UNTRUSTED_ZONE',
          },
        ],
      );
    }
    if (
      signature.keyId !== keyIdOf(zone.publicKey) ||
      !sm2Verify(canonicalJson(record), signature.value, zone.publicKey)
    ) {
      throw new AppError(
        422,
        'BAD_SIGNATURE',
        '备案记录签名验证失败',
        'The record’s signature does not verify against the trusted key',
        [
          {
            path: 'signature.value',
            message: '签名验证失败',
            messageEn: 'signature does not verify',
            code: 'BAD_SIGNATURE',
          },
        ],
      );
    }
    const e = record.enterprise;
    return this.db.transaction(async (tx) => {
      const existing = await store.getForUpdate(tx, e.uscc);
      if (existing && existing.originZone !== record.zone.code) {
        throw AppError.conflict(
          'ALREADY_FILED',
          '该企业已在本平台备案或由其他综试区导入',
          'This enterprise is already filed here or imported from another zone',
        );
      }
      if (existing && existing.version >= e.version) {
        throw AppError.conflict(
          'STALE_RECORD',
          '已有相同或更新版本的备案记录',
          'A record of the same or a newer version is already imported',
        );
      }
      const values = {
        customsCode: e.customsCode,
        nameCn: e.nameCn,
        nameEn: e.nameEn,
        legalRepName: e.legalRepName,
        legalRepIdEnc: null,
        legalRepIdHash: null,
        registeredAddress: e.registeredAddress,
        regionCode: e.regionCode,
        contacts: [],
        dxpId: e.dxpId,
        roles: e.roles,
        status: 'approved',
        statusReason: null,
        originZone: record.zone.code,
        originRecord: signed,
        version: e.version,
        approvedAt: new Date(e.approvedAt),
      };
      const row = existing
        ? await store.update(tx, e.uscc, values)
        : await store.insert(tx, { uscc: e.uscc, ...values });
      await store.addEvent(tx, {
        uscc: e.uscc,
        action: 'import',
        fromStatus: existing?.status ?? null,
        toStatus: 'approved',
        reason: `imported from ${record.zone.code}`,
        actorUserId: actor.userId ?? null,
        actorRole: actor.role ?? null,
        data: { zone: record.zone, keyId: signature.keyId, version: e.version },
      });
      await this.audit.append(tx, actor, {
        action: 'filing.imported',
        targetType: 'enterprise',
        targetId: e.uscc,
        enterpriseUscc: e.uscc,
        summary: { zone: record.zone.code, version: e.version },
      });
      return this.view(row);
    });
  }

  async listTrustedZones() {
    return (await store.trustedZones(this.db)).map((z) => ({
      zoneCode: z.zoneCode,
      name: z.name,
      publicKey: z.publicKey,
      keyId: keyIdOf(z.publicKey),
      addedAt: z.addedAt.toISOString(),
    }));
  }

  async trustZone(actor: Actor, v: { zoneCode: string; name: string; publicKey: string }): Promise<void> {
    if (v.zoneCode === this.zone.code)
      throw AppError.field('zoneCode', '不能信任本综试区自身', 'A zone does not trust itself', 'OWN_ZONE');
    await this.db.transaction(async (tx) => {
      await store.upsertTrustedZone(tx, { ...v, publicKey: v.publicKey.toLowerCase(), addedBy: actor.userId ?? null });
      await this.audit.append(tx, actor, {
        action: 'trusted-zone.set',
        targetType: 'trusted-zone',
        targetId: v.zoneCode,
        summary: { name: v.name, keyId: keyIdOf(v.publicKey) },
      });
    });
  }

  async distrustZone(actor: Actor, zoneCode: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await store.deleteTrustedZone(tx, zoneCode))) throw AppError.notFound('trusted zone', '受信任综试区');
      await this.audit.append(tx, actor, {
        action: 'trusted-zone.removed',
        targetType: 'trusted-zone',
        targetId: zoneCode,
      });
    });
  }

  // ---- legacy USCC exception list -------------------------------------------------------------------

  private exceptionSet = new Set<string>();
  isUsccException = (uscc: string): boolean => this.exceptionSet.has(uscc);

  async refreshExceptions(): Promise<void> {
    this.exceptionSet = new Set((await store.exceptions(this.db)).map((e) => e.uscc));
  }

  async listExceptions() {
    return (await store.exceptions(this.db)).map((e) => ({
      uscc: e.uscc,
      reason: e.reason,
      addedAt: e.addedAt.toISOString(),
    }));
  }

  async addException(actor: Actor, uscc: string, reason: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await store.addException(tx, { uscc, reason, addedBy: actor.userId ?? null });
      await this.audit.append(tx, actor, {
        action: 'uscc-exception.added',
        targetType: 'uscc',
        targetId: uscc,
        summary: { reason },
      });
    });
    await this.refreshExceptions();
  }
}
