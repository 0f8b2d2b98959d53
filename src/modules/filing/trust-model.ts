/**
 * Which signing certificates the zone trusts (加签, ceb-messages.md §8), as pure rules. An enterprise registers its
 * certificates with its filing; a registered certificate verifies messages only when it was issued by a certificate
 * authority of the zone's trust store (the China E-Port / customs CAs the operator loaded, or the labelled demo CA)
 * or a customs officer approved it. Self-signed and unknown-issuer certificates wait for an officer. Each message is
 * judged at its signing time: the certificate and its CA valid then, neither removed nor revoked before the message
 * arrived (no time-stamp authority vouches for the signing time, so a revocation counts from when it is known).
 */

/** Why a registered certificate is trusted, or not yet. */
export const CERTIFICATE_TRUST = ['ca', 'approved', 'pending', 'rejected'] as const;
export type CertificateTrust = (typeof CERTIFICATE_TRUST)[number];

export const CERTIFICATE_TRUST_NAMES: Record<CertificateTrust, { zh: string; en: string }> = {
  ca: { zh: '受信任 CA 签发', en: 'issued by a trusted CA' },
  approved: { zh: '海关已核准', en: 'approved by customs' },
  pending: { zh: '待海关核准', en: 'awaiting customs approval' },
  rejected: { zh: '海关不予核准', en: 'refused by customs' },
};

export type Bilingual = { zh: string; en: string };

/** What registration decides: trusted through a CA of the store, or waiting for an officer (and why). */
export function trustAtRegistration(input: {
  selfSigned: boolean;
  /** The trust-store CA that issued it (signature checked), if any. */
  issuer: { id: string; label: string } | null;
}): { trust: CertificateTrust; caId: string | null; note: Bilingual } {
  if (input.issuer) {
    return {
      trust: 'ca',
      caId: input.issuer.id,
      note: {
        zh: `由受信任 CA「${input.issuer.label}」签发`,
        en: `issued by the trusted CA "${input.issuer.label}"`,
      },
    };
  }
  return {
    trust: 'pending',
    caId: null,
    note: input.selfSigned
      ? {
          zh: '自签名证书，不是受信任 CA 签发：须经海关核准后方可用于验签',
          en: 'a self-signed certificate, not issued by a trusted CA: usable once customs approves it',
        }
      : {
          zh: '签发机构不在本综试区信任的 CA 之列：须经海关核准后方可用于验签',
          en: 'its issuer is not a CA this zone trusts: usable once customs approves it',
        },
  };
}

export type RegisteredCertificate = {
  trust: CertificateTrust;
  notBefore: Date;
  notAfter: Date;
  revokedAt: Date | null;
  caId: string | null;
};

export type IssuingCa = {
  label: string;
  notBefore: Date;
  notAfter: Date;
  removedAt: Date | null;
  /** When the CA revoked this certificate (its CRL), if it did. */
  revokedAt: Date | null;
};

export type SigningVerdict =
  | { ok: true; via: 'ca' | 'approved' }
  | {
      ok: false;
      reason:
        | 'unregistered'
        | 'pending'
        | 'rejected'
        | 'revoked'
        | 'expired'
        | 'not-yet-valid'
        | 'ca-unknown'
        | 'ca-removed'
        | 'ca-expired'
        | 'ca-revoked';
      /** 1001 数字签名无效 or 1002 数字签名过期 (ceb-messages.md §5.1). */
      code: '1001' | '1002';
      message: Bilingual;
    };

const refuse = (
  reason: Extract<SigningVerdict, { ok: false }>['reason'],
  zh: string,
  en: string,
  code: '1001' | '1002' = '1001',
): SigningVerdict => ({ ok: false, reason, code, message: { zh, en } });

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Whether a signature by this registered certificate counts for a message signed at `signedAt` and received at
 * `receivedAt` (`signedAt` ≤ `receivedAt`).
 */
export function signingVerdict(input: {
  registered: RegisteredCertificate | null;
  ca: IssuingCa | null;
  signedAt: Date;
  receivedAt: Date;
}): SigningVerdict {
  const { registered: c, ca, signedAt, receivedAt } = input;
  if (!c) {
    return refuse(
      'unregistered',
      '签名证书未在本企业备案中登记',
      "the signing certificate is not registered with the sender's filing",
    );
  }
  if (c.revokedAt && c.revokedAt <= receivedAt) {
    return refuse(
      'revoked',
      `签名证书已于 ${day(c.revokedAt)} 注销`,
      `the certificate was revoked on ${day(c.revokedAt)}`,
    );
  }
  if (signedAt > c.notAfter) {
    return refuse(
      'expired',
      `签名证书已于 ${day(c.notAfter)} 过期`,
      `the certificate expired on ${day(c.notAfter)}`,
      '1002',
    );
  }
  if (signedAt < c.notBefore) {
    return refuse(
      'not-yet-valid',
      `签名证书 ${day(c.notBefore)} 起生效`,
      `the certificate is valid from ${day(c.notBefore)}`,
      '1002',
    );
  }
  if (c.trust === 'pending') {
    return refuse(
      'pending',
      '签名证书不是受信任 CA 签发（如自签名证书），尚待海关核准',
      'the certificate is not issued by a trusted CA (self-signed or an unknown issuer) and awaits customs approval',
    );
  }
  if (c.trust === 'rejected') return refuse('rejected', '签名证书未获海关核准', 'customs refused the certificate');
  if (c.trust === 'approved') {
    // an approval does not lift what the issuing CA said of the certificate (a CA-issued one approved after a refusal)
    if (ca?.revokedAt && ca.revokedAt <= receivedAt) return caRevoked(ca);
    return { ok: true, via: 'approved' };
  }
  if (!ca) return refuse('ca-unknown', '签发证书的 CA 不在信任列表中', 'the issuing CA is not in the trust store');
  if (ca.removedAt && ca.removedAt <= receivedAt) {
    return refuse(
      'ca-removed',
      `签发证书的 CA「${ca.label}」已于 ${day(ca.removedAt)} 移出信任列表`,
      `the issuing CA "${ca.label}" was removed from the trust store on ${day(ca.removedAt)}`,
    );
  }
  if (signedAt > ca.notAfter || signedAt < ca.notBefore) {
    return refuse(
      'ca-expired',
      `签发证书的 CA「${ca.label}」在签名时不在有效期内`,
      `the issuing CA "${ca.label}" was not valid at the signing time`,
      '1002',
    );
  }
  if (ca.revokedAt && ca.revokedAt <= receivedAt) return caRevoked(ca);
  return { ok: true, via: 'ca' };
}

function caRevoked(ca: IssuingCa): SigningVerdict {
  const at = day(ca.revokedAt as Date);
  return refuse(
    'ca-revoked',
    `签名证书已被 CA「${ca.label}」吊销（${at}）`,
    `the CA "${ca.label}" revoked the certificate on ${at}`,
  );
}
