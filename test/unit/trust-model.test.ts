import { describe, expect, it } from 'vitest';
import {
  type IssuingCa,
  type RegisteredCertificate,
  signingVerdict,
  trustAtRegistration,
} from '../../src/modules/filing/trust-model.js';

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const cert = (over: Partial<RegisteredCertificate> = {}): RegisteredCertificate => ({
  trust: 'ca',
  notBefore: d('2026-01-01'),
  notAfter: d('2027-01-01'),
  revokedAt: null,
  caId: 'ca-1',
  ...over,
});
const ca = (over: Partial<IssuingCa> = {}): IssuingCa => ({
  label: '电子口岸 CA',
  notBefore: d('2020-01-01'),
  notAfter: d('2030-01-01'),
  removedAt: null,
  revokedAt: null,
  ...over,
});
const at = { signedAt: d('2026-06-01'), receivedAt: d('2026-06-01') };

describe('registration: a trust-store CA makes a certificate trusted at once; otherwise customs decides', () => {
  it('issued by a trusted CA → ca', () => {
    expect(trustAtRegistration({ selfSigned: false, issuer: { id: 'x', label: 'L' } })).toMatchObject({
      trust: 'ca',
      caId: 'x',
    });
  });
  it('self-signed or of an unknown issuer → pending, saying which', () => {
    expect(trustAtRegistration({ selfSigned: true, issuer: null }).note.zh).toContain('自签名');
    expect(trustAtRegistration({ selfSigned: false, issuer: null }).note.zh).toContain('签发机构不在');
    expect(trustAtRegistration({ selfSigned: true, issuer: null }).trust).toBe('pending');
  });
});

describe('signingVerdict: at the signing time, as known when received', () => {
  it('a CA-issued, valid, unrevoked certificate of an active CA verifies', () => {
    expect(signingVerdict({ registered: cert(), ca: ca(), ...at })).toEqual({ ok: true, via: 'ca' });
  });
  it('an approved certificate needs no CA', () => {
    expect(signingVerdict({ registered: cert({ trust: 'approved', caId: null }), ca: null, ...at })).toEqual({
      ok: true,
      via: 'approved',
    });
  });
  it.each([
    ['unregistered', { registered: null, ca: ca() }, '1001'],
    ['pending', { registered: cert({ trust: 'pending' }), ca: null }, '1001'],
    ['rejected', { registered: cert({ trust: 'rejected' }), ca: null }, '1001'],
    ['revoked', { registered: cert({ revokedAt: d('2026-05-31') }), ca: ca() }, '1001'],
    ['expired', { registered: cert({ notAfter: d('2026-05-31') }), ca: ca() }, '1002'],
    ['not-yet-valid', { registered: cert({ notBefore: d('2026-06-02') }), ca: ca() }, '1002'],
    ['ca-unknown', { registered: cert(), ca: null }, '1001'],
    ['ca-removed', { registered: cert(), ca: ca({ removedAt: d('2026-05-01') }) }, '1001'],
    ['ca-expired', { registered: cert(), ca: ca({ notAfter: d('2026-05-01') }) }, '1002'],
    ['ca-revoked', { registered: cert(), ca: ca({ revokedAt: d('2026-05-01') }) }, '1001'],
  ] as const)('%s → refused with %s', (reason, input, code) => {
    expect(signingVerdict({ ...input, ...at })).toMatchObject({ ok: false, reason, code });
  });
  it('an approval does not lift the issuing CA’s revocation (a CA-issued certificate approved after a refusal)', () => {
    const c = cert({ trust: 'approved' });
    expect(signingVerdict({ registered: c, ca: ca({ revokedAt: d('2026-05-01') }), ...at })).toMatchObject({
      ok: false,
      reason: 'ca-revoked',
    });
    expect(signingVerdict({ registered: c, ca: ca(), ...at }).ok).toBe(true);
  });
  it('validity is judged at the signing time: signed the day before expiry, received after it, counts', () => {
    const c = cert({ notAfter: d('2026-06-01') });
    expect(signingVerdict({ registered: c, ca: ca(), signedAt: d('2026-05-31'), receivedAt: d('2026-06-02') }).ok).toBe(
      true,
    );
  });
  it('a revocation counts from when it is known: one before the receipt refuses even an earlier signing time', () => {
    const c = cert({ revokedAt: d('2026-06-01') });
    expect(
      signingVerdict({ registered: c, ca: ca(), signedAt: d('2026-05-30'), receivedAt: d('2026-06-02') }),
    ).toMatchObject({ ok: false, reason: 'revoked' });
    // revoked after the message arrived: the message stands
    expect(signingVerdict({ registered: c, ca: ca(), signedAt: d('2026-05-30'), receivedAt: d('2026-05-31') }).ok).toBe(
      true,
    );
  });
});

describe('parseCrl and basicConstraints on hostile DER', () => {
  it('a TBSCertList without thisUpdate, truncated or empty input: CrlError, never another exception', async () => {
    const { CrlError, parseCrl } = await import('../../src/platform/crypto/crl.js');
    for (const hex of ['30133009020101300030003003060100030100', '30', '', '3003020101', '300a3008300030003000']) {
      expect(() => parseCrl(Buffer.from(hex, 'hex')), hex).toThrow(CrlError);
    }
  });
});
