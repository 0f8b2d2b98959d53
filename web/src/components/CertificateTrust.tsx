import { Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CertificateTrust, SigningCertificate } from '../api';
import { formatTime } from '../i18n';
import { pendingReasonKey } from '../trust';

/** A certificate, CRL or key file as text: PEM as it is, DER (binary) as Base64. */
export async function readPemFile(f: File): Promise<string> {
  const bytes = new Uint8Array(await f.arrayBuffer());
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.slice(0, 64));
  if (head.includes('-----BEGIN') || /^[A-Za-z0-9+/=\s]+$/.test(head)) return new TextDecoder().decode(bytes).trim();
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export const TRUST_COLORS: Record<CertificateTrust, string> = {
  ca: 'success',
  approved: 'success',
  pending: 'warning',
  rejected: 'error',
};

export function TrustTag({ trust }: { trust: CertificateTrust }) {
  const { t } = useTranslation();
  return (
    <Tag color={TRUST_COLORS[trust]} data-trust={trust} style={{ marginInlineEnd: 0 }}>
      {t(`certs.trustNames.${trust}`)}
    </Tag>
  );
}

/** Why a certificate waits for customs, in the current language. */
export function pendingReason(c: SigningCertificate, t: (k: never) => string): string | null {
  const tr = t as unknown as (k: string) => string;
  const key = pendingReasonKey(c.pendingReason);
  return key ? tr(`certs.${key}`) : c.reviewNote;
}

/** The trust status of a registered certificate and why: the CA's name, the officer's note, or why it waits. */
export function TrustCell({ c, caGone }: { c: SigningCertificate; caGone?: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const line = (text: string, danger = false) => (
    <div style={{ fontSize: 12, color: danger ? '#cf1322' : '#596275', wordBreak: 'break-word' }}>{text}</div>
  );
  return (
    <div data-testid="cert-trust" data-trust={c.trust}>
      <TrustTag trust={c.trust} />
      {c.trust === 'ca' && c.caLabel && line(t('certs.issuedBy', { label: c.caLabel }))}
      {c.trust === 'ca' && caGone && line(t('certs.caGone'), true)}
      {c.trust === 'pending' && (
        <>
          {line(pendingReason(c, t as never) ?? t('certs.pendingUnknownIssuer'))}
          {line(t('certs.pendingEffect'), true)}
        </>
      )}
      {(c.trust === 'approved' || c.trust === 'rejected') && c.reviewNote && (
        <>
          {line(t('certs.reviewNote', { note: c.reviewNote }), c.trust === 'rejected')}
          {c.reviewedAt && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatTime(c.reviewedAt, lang)}
            </Typography.Text>
          )}
        </>
      )}
    </div>
  );
}
