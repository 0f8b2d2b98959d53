/**
 * Pure helpers of the trust pages (签名证书, 证书核准, 证书信任): no React, so that the tests can hold them to the
 * backend's rules.
 */

/**
 * Why a certificate waits for customs. The platform records the reason at registration as its Chinese sentence
 * (src/modules/filing/trust-model.ts trustAtRegistration): self-signed, or an issuer the zone does not trust.
 * null: no reason recorded, or another text (shown as it is).
 */
export function pendingReasonKey(note: string | null | undefined): 'pendingSelfSigned' | 'pendingUnknownIssuer' | null {
  if (!note) return null;
  if (note.startsWith('自签名')) return 'pendingSelfSigned';
  if (note.startsWith('签发机构')) return 'pendingUnknownIssuer';
  return null;
}

/** An SM3 fingerprint (hex) in upper-case groups of four, so that it can be read out and compared. */
export function groupedFingerprint(fp: string): string {
  return (fp.toUpperCase().match(/.{1,4}/g) ?? []).join(' ');
}
