/** Certificates of CEB signers (certificate.ts, der.ts) and verifyCeb on hostile input. */
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signCeb, verifyCeb } from '../../src/modules/declaration/signature/xmldsig.js';
import {
  CertificateError,
  certificateMentions,
  isIssuedBy,
  parseCertificate,
} from '../../src/platform/crypto/certificate.js';
import { DerError, readTlv, timeOf } from '../../src/platform/crypto/der.js';
import { sample } from '../ceb/samples.js';
import {
  FIXTURES,
  fixture,
  OTHER_USCC,
  RSA_CA,
  RSA_KEY,
  rebuilt,
  SIGNABLE_IMPORT,
  SIGNER_USCC,
  SM2_CA,
  SM2_KEY,
  SM2_OTHER_KEY,
} from './support.js';

/** The (real-looking, RSA-1024, BMPString names) certificate in the official CEB621 sample's KeyInfo. */
function officialSampleCertificate(): string {
  const xml = sample('CEB621Message').toString('utf8');
  return /<ds:X509Certificate>([^<]*)</.exec(xml)![1]!.replace(/\s+/g, '');
}

describe('parseCertificate', () => {
  it('reads an SM2 certificate made by openssl (SM2 point, SM2-with-SM3, UTF8String names, GeneralizedTime)', () => {
    const c = parseCertificate(SM2_KEY.certificateDer);
    expect(c.info).toMatchObject({
      subject: `C=CN, O=测试企业, OU=${SIGNER_USCC}, CN=测试企业 0001`,
      issuer: 'C=CN, O=cbec-zone test, CN=cbec-zone TEST SM2 CA',
      keyAlgorithm: 'sm2',
      signatureAlgorithm: 'SM2-with-SM3',
    });
    expect(c.info.notBefore.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(c.info.notAfter.toISOString()).toBe('2125-01-01T00:00:00.000Z');
    // agrees with OpenSSL's reading
    const x = new X509Certificate(SM2_KEY.certificateDer);
    expect(c.info.serialHex.toUpperCase()).toBe(x.serialNumber.replace(/^0+/, ''));
    expect(x.publicKey.export({ type: 'spki', format: 'der' }).subarray(-65).toString('hex')).toBe(c.info.publicKeyHex);
    expect(c.info.fingerprintSha256).toBe(x.fingerprint256.replace(/:/g, '').toLowerCase());
  });

  it('reads the official sample certificate (RSA, BMPString names, E-Port extensions, UTCTime)', () => {
    const c = parseCertificate(officialSampleCertificate());
    expect(c.info).toMatchObject({
      serialHex: '9927',
      subject: 'CN=13号密钥测试服务器开发区',
      issuer: 'C=cn, O=电子口岸, OU=CA, ST=北京, CN=中国电子口岸数据中心开发区, L=东方广场',
      keyAlgorithm: 'rsa',
      signatureAlgorithm: 'sha1WithRSAEncryption',
    });
    expect(c.info.notBefore.toISOString()).toBe('2015-05-19T00:00:00.000Z');
    expect(c.info.notAfter.toISOString()).toBe('2049-12-08T00:00:00.000Z');
    // the E-Port private extensions (1.3.6.1.4.1.5315.100.5.x) carry enterprise codes as IA5Strings
    expect(certificateMentions(c, 'S020120038')).toBe(true);
  });

  it('takes DER, PEM, Base64 or an X509Certificate', () => {
    const der = RSA_KEY.certificateDer;
    const pem = new X509Certificate(der).toString();
    for (const input of [der, pem, der.toString('base64'), new X509Certificate(der)]) {
      expect(parseCertificate(input).info.fingerprintSm3).toBe(parseCertificate(der).info.fingerprintSm3);
    }
  });

  it('refuses what is not a certificate', () => {
    expect(() => parseCertificate(Buffer.from('3003020101', 'hex'))).toThrow(CertificateError);
    expect(() => parseCertificate('AAAA')).toThrow(CertificateError);
    const truncated = SM2_KEY.certificateDer.subarray(0, 100);
    expect(() => parseCertificate(truncated)).toThrow(CertificateError);
  });
});

describe('fixtures', () => {
  it('every private key is marked test-only, in its name and in its first line', () => {
    const keys = readdirSync(FIXTURES).filter((f) => /key/i.test(f));
    expect(keys.length).toBe(5);
    for (const f of keys) {
      expect(f).toMatch(/\.TEST-ONLY\.key\.pem$/);
      expect(readFileSync(path.join(FIXTURES, f), 'utf8')).toMatch(/^TEST ONLY: /);
    }
  });
});

describe('isIssuedBy', () => {
  const sm2Ca = parseCertificate(SM2_CA);
  const rsaCa = parseCertificate(RSA_CA);

  it('checks the issuer name and the SM2-with-SM3 or RSA certificate signature', () => {
    expect(isIssuedBy(parseCertificate(SM2_KEY.certificateDer), sm2Ca)).toBe(true);
    expect(isIssuedBy(parseCertificate(fixture('sm2-signer-expired.crt.der')), sm2Ca)).toBe(true);
    expect(isIssuedBy(parseCertificate(RSA_KEY.certificateDer), rsaCa)).toBe(true);
    expect(isIssuedBy(sm2Ca, sm2Ca)).toBe(true); // self-signed
    expect(isIssuedBy(parseCertificate(SM2_OTHER_KEY.certificateDer), sm2Ca)).toBe(false);
    expect(isIssuedBy(parseCertificate(SM2_KEY.certificateDer), rsaCa)).toBe(false);
  });

  it('rejects a certificate whose signature was altered', () => {
    const der = Buffer.from(SM2_KEY.certificateDer);
    der[der.length - 5]! ^= 0x01;
    expect(isIssuedBy(parseCertificate(der), sm2Ca)).toBe(false);
  });
});

describe('certificateMentions', () => {
  it('finds an enterprise code in the subject, case-insensitively, and nothing else', () => {
    const c = parseCertificate(SM2_KEY.certificateDer);
    expect(certificateMentions(c, SIGNER_USCC)).toBe(true);
    expect(certificateMentions(c, SIGNER_USCC.toLowerCase())).toBe(true);
    expect(certificateMentions(c, OTHER_USCC)).toBe(false);
    expect(certificateMentions(c, '')).toBe(false);
  });
});

describe('der', () => {
  it('refuses truncated, indefinite and non-minimal lengths', () => {
    expect(() => readTlv(Buffer.from('3005', 'hex'), 0)).toThrow(DerError);
    expect(() => readTlv(Buffer.from('3080', 'hex'), 0)).toThrow(DerError);
    expect(() => readTlv(Buffer.from('30810100', 'hex'), 0)).toThrow(DerError);
    expect(() => readTlv(Buffer.from('1f0100', 'hex'), 0)).toThrow(DerError);
  });

  it('reads UTCTime (1950–2049) and GeneralizedTime', () => {
    const t = (tag: number, s: string) => {
      const b = Buffer.concat([Buffer.from([tag, s.length]), Buffer.from(s, 'latin1')]);
      return timeOf(b, readTlv(b, 0)).toISOString();
    };
    expect(t(0x17, '491231235959Z')).toBe('2049-12-31T23:59:59.000Z');
    expect(t(0x17, '500101000000Z')).toBe('1950-01-01T00:00:00.000Z');
    expect(t(0x18, '21250101000000Z')).toBe('2125-01-01T00:00:00.000Z');
    expect(() => t(0x17, '2501010000Z')).toThrow(DerError);
  });
});

describe('verifyCeb on hostile input', () => {
  const signed = [signCeb(rebuilt(SIGNABLE_IMPORT[0]!.bytes), SM2_KEY, { replaceExisting: true })];
  signed.push(signCeb(rebuilt(SIGNABLE_IMPORT[0]!.bytes), RSA_KEY, { replaceExisting: true }));

  it('never throws and always answers with coded errors, whatever is done to a signed message', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...signed),
        fc.oneof(
          fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
          fc.record({
            kind: fc.constant('flip' as const),
            at: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
            mask: fc.integer({ min: 1, max: 255 }),
          }),
          fc.record({
            kind: fc.constant('insert' as const),
            at: fc.nat(),
            text: fc.constantFrom(
              '<!DOCTYPE x>',
              '<x/>',
              '&amp;',
              ']]>',
              '<!--',
              '\u0000',
              '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>',
            ),
          }),
        ),
        (xml, m) => {
          const bytes = Buffer.from(xml, 'utf8');
          let input: Buffer;
          if (m.kind === 'truncate') input = bytes.subarray(0, m.at % bytes.length);
          else if (m.kind === 'flip') {
            input = Buffer.from(bytes);
            for (const i of m.at) input[i % input.length]! ^= m.mask;
          } else {
            const at = m.at % xml.length;
            input = Buffer.from(xml.slice(0, at) + m.text + xml.slice(at), 'utf8');
          }
          const r = verifyCeb(input);
          if (!r.ok) {
            expect(r.errors.length).toBeGreaterThan(0);
            for (const e of r.errors) {
              expect(['1001', '1002', '1004']).toContain(e.code);
              expect(e.message.zh.length).toBeGreaterThan(0);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
