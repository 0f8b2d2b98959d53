/**
 * Pure helpers of the trust pages (签名证书, 证书核准, 证书信任): no React, so that the tests can hold them to the
 * backend's rules.
 */
import type { SigningCertificate } from './api';

/** The locale key of why a certificate waits for customs (the API's pendingReason). */
export function pendingReasonKey(
  reason: SigningCertificate['pendingReason'] | undefined,
): 'pendingSelfSigned' | 'pendingUnknownIssuer' | null {
  if (reason === 'self-signed') return 'pendingSelfSigned';
  if (reason === 'unknown-issuer') return 'pendingUnknownIssuer';
  return null;
}

/** An SM3 fingerprint (hex) in upper-case groups of four, so that it can be read out and compared. */
export function groupedFingerprint(fp: string): string {
  return (fp.toUpperCase().match(/.{1,4}/g) ?? []).join(' ');
}
