/**
 * signCeb / verifyCeb (ceb-messages.md §8; error codes §5.1: 1001 invalid, 1002 expired, 1004 data changed).
 * Keys and certificates: test/fixtures/signature (README.md there); all test-only.
 */
import { sign as nodeSign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCeb, parseCeb } from '../../src/modules/declaration/ceb/codec.js';
import type { CebMessageType } from '../../src/modules/declaration/ceb/definitions.generated.js';
import { validateCebXml } from '../../src/modules/declaration/ceb/xsd-validator.js';
import { canonicalize, canonicalizeXml, rootSignatures } from '../../src/modules/declaration/signature/c14n.js';
import { digest } from '../../src/modules/declaration/signature/digest.js';
import { childElements, parseXmlDocument } from '../../src/modules/declaration/signature/xml-document.js';
import {
  CebSignError,
  type CebSigningKey,
  type CebVerifyResult,
  DIGEST_METHOD,
  prepareCebSignature,
  SIGNATURE_METHOD,
  signCeb,
  sm2PrivateKeyHex,
  verifyCeb,
} from '../../src/modules/declaration/signature/xmldsig.js';
import { SAMPLES } from '../ceb/samples.js';
import {
  ceb311WithOrders,
  fixture,
  fixtureText,
  OTHER_USCC,
  RECEIPT_IMPORT,
  RSA_CA,
  RSA_KEY,
  rebuilt,
  SIGNABLE_IMPORT,
  SIGNER_USCC,
  SM2_CA,
  SM2_KEY,
  SM2_OTHER_KEY,
} from './support.js';

const sign = (xml: string | Buffer, key: CebSigningKey = SM2_KEY, opts: Parameters<typeof signCeb>[2] = {}) =>
  signCeb(xml, key, { replaceExisting: true, ...opts });

function expectOk(r: CebVerifyResult): Extract<CebVerifyResult, { ok: true }> {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
}

function codes(r: CebVerifyResult): string[] {
  return r.ok ? [] : r.errors.map((e) => `${e.code} ${e.reason}`);
}

const typeOf = (xml: string) => (parseCeb(xml) as { ok: true; message: { type: CebMessageType } }).message.type;

const VARIANTS = [
  { name: 'SM2, chinaport-2022 URIs (sm2-sm3 + sm3)', key: SM2_KEY, opts: {} },
  {
    name: 'SM2, w3-sm2 URIs (w3 sm2-sm3 + sha1, as E-Port client code writes)',
    key: SM2_KEY,
    opts: { uriStyle: 'w3-sm2' as const },
  },
  { name: 'RSA-SHA1 + sha1', key: RSA_KEY, opts: {} },
];

describe.each(VARIANTS)('$name', ({ key, opts }) => {
  describe.each(SIGNABLE_IMPORT)('$name', ({ bytes }) => {
    it('rebuilt by the codec: signs, verifies, and still validates against the XSD', () => {
      const xml = rebuilt(bytes);
      const signed = sign(xml, key, opts);
      const r = expectOk(verifyCeb(signed, { trustedCertificates: [SM2_CA, RSA_CA] }));
      expect(r.algorithm).toBe(key.algorithm);
      expect(r.keyName).toBe(key.keyName);
      expect(validateCebXml(signed, typeOf(signed))).toEqual([]);
      expect(parseCeb(signed).ok).toBe(true);
    });

    it('as is (original formatting, tabs, BOM): verifies, and only the signature was added', () => {
      const signed = sign(bytes, key, opts);
      expectOk(verifyCeb(signed));
      expectOk(verifyCeb(Buffer.from(signed, 'utf8')));
      const withoutSig = (s: string) => s.replace(/\s*<ds:Signature[\s\S]*<\/ds:Signature>/, '');
      expect(withoutSig(signed)).toBe(withoutSig(bytes.toString('utf8').replace(/^\uFEFF/, '')));
    });
  });
});

describe('signCeb', () => {
  it('writes the SignedInfo of SPEC2205 §6 for each URI style', () => {
    const xml = rebuilt(SIGNABLE_IMPORT[0]!.bytes);
    const chinaport = sign(xml);
    expect(chinaport).toContain(`<ds:SignatureMethod Algorithm="${SIGNATURE_METHOD.sm2Sm3Chinaport}">`);
    expect(chinaport).toContain(`<ds:DigestMethod Algorithm="${DIGEST_METHOD.sm3Chinaport}">`);
    expect(chinaport).toContain(
      '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315">',
    );
    expect(chinaport).toContain('<ds:Reference URI="">');
    expect(chinaport).toContain('<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature">');
    expect(chinaport).toContain(`<ds:KeyName>${SM2_KEY.keyName}</ds:KeyName>`);
    expect(chinaport).toContain(
      `<ds:X509Certificate>${SM2_KEY.certificateDer.toString('base64')}</ds:X509Certificate>`,
    );
    const w3 = sign(xml, SM2_KEY, { uriStyle: 'w3-sm2' });
    expect(w3).toContain(`<ds:SignatureMethod Algorithm="${SIGNATURE_METHOD.sm2Sm3W3}">`);
    expect(w3).toContain(`<ds:DigestMethod Algorithm="${DIGEST_METHOD.sha1}">`);
    expect(sign(xml, RSA_KEY)).toContain(`<ds:SignatureMethod Algorithm="${SIGNATURE_METHOD.rsaSha1}">`);
  });

  it('writes a 64-byte raw r‖s SM2 SignatureValue by default, DER on request; both verify', () => {
    const xml = rebuilt(SIGNABLE_IMPORT[0]!.bytes);
    const value = (s: string) => Buffer.from(/<ds:SignatureValue>([^<]*)</.exec(s)![1]!, 'base64');
    const raw = sign(xml);
    expect(value(raw)).toHaveLength(64);
    const der = sign(xml, SM2_KEY, { sm2Encoding: 'der' });
    expect(value(der)[0]).toBe(0x30);
    expectOk(verifyCeb(raw));
    expectOk(verifyCeb(der));
  });

  it('signs with any digest/signature combination the verifier accepts', () => {
    const xml = rebuilt(SIGNABLE_IMPORT[0]!.bytes);
    expectOk(verifyCeb(sign(xml, SM2_KEY, { digest: 'sha1' })));
    expect(expectOk(verifyCeb(sign(xml, RSA_KEY, { digest: 'sm3' }))).digestAlgorithm).toBe('sm3');
    expect(expectOk(verifyCeb(sign(xml, SM2_KEY, { uriStyle: 'w3-sm2', digest: 'sm3' }))).digestMethod).toBe(
      DIGEST_METHOD.sm3Chinaport,
    );
  });

  it('puts ds:Signature last in import messages and before ExtendMessage in export ones (XSD order)', () => {
    const imp = sign(rebuilt(SIGNABLE_IMPORT[0]!.bytes));
    expect(imp.trimEnd()).toMatch(/<\/ds:Signature>\s*<\/ceb:CEB\d+Message>$/);

    const ceb303 = parseCeb(SAMPLES.find((s) => s.name === 'export/CEB303Message.xml')!.bytes);
    if (!ceb303.ok) throw new Error('CEB303 sample');
    const { signature: _placeholder, ...unsigned } = ceb303.message;
    const message = { ...unsigned, extendMessage: { name: 'ext', version: '1.0', Message: '<x xmlns="urn:x">1</x>' } };
    const xml = buildCeb(message); // schema-valid, without the optional Signature
    const signed = sign(xml);
    expect(signed.indexOf('</ds:Signature>')).toBeLessThan(signed.indexOf('<ceb:ExtendMessage>'));
    expect(signed.indexOf('</ceb:BaseTransfer>')).toBeLessThan(signed.indexOf('<ds:Signature'));
    expect(validateCebXml(signed, 'CEB303Message')).toEqual([]);
    expectOk(verifyCeb(signed));
  });

  it('refuses receipts (no Signature in their XSD), non-CEB documents, and already signed messages', () => {
    for (const { bytes } of RECEIPT_IMPORT) expect(() => sign(bytes)).toThrow(/no Signature in the XSD/);
    expect(() => sign('<a/>')).toThrow(CebSignError);
    const signed = sign(rebuilt(SIGNABLE_IMPORT[0]!.bytes));
    expect(() => signCeb(signed, SM2_KEY)).toThrow(/already signed/);
    expectOk(verifyCeb(signCeb(signed, RSA_KEY, { replaceExisting: true })));
  });

  it('refuses a DOCTYPE', () => {
    const xml = rebuilt(SIGNABLE_IMPORT[0]!.bytes).replace('?>', '?>\n<!DOCTYPE x [<!ENTITY e "e">]>');
    expect(() => sign(xml)).toThrow(/DOCTYPE/);
  });

  it('refuses a private key that does not belong to the certificate, and a key of the wrong type', () => {
    const xml = rebuilt(SIGNABLE_IMPORT[0]!.bytes);
    expect(() => sign(xml, { ...SM2_KEY, privateKey: SM2_OTHER_KEY.privateKey })).toThrow(/does not verify/);
    expect(() => sign(xml, { ...SM2_KEY, certificateDer: RSA_KEY.certificateDer })).toThrow(/SM2 certificate/);
    expect(() => sign(xml, { ...RSA_KEY, privateKey: SM2_KEY.privateKey })).toThrow(CebSignError);
  });

  it('refuses a certificate that is not valid at the signing time', () => {
    const xml = rebuilt(SIGNABLE_IMPORT[0]!.bytes);
    const expired = { ...SM2_KEY, certificateDer: fixture('sm2-signer-expired.crt.der') };
    expect(() => sign(xml, expired)).toThrow(/not valid/);
    expect(() => sign(xml, expired, { signingTime: new Date('2020-06-01T00:00:00Z') })).not.toThrow();
  });

  it('takes the SM2 key as PEM, as a 64-hex scalar, or as a KeyObject', () => {
    const xml = rebuilt(SIGNABLE_IMPORT[0]!.bytes);
    const hex = sm2PrivateKeyHex(fixtureText('sm2-signer.TEST-ONLY.key.pem'));
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
    expectOk(verifyCeb(sign(xml, { ...SM2_KEY, privateKey: hex })));
  });

  it('keeps CR LF line ends and verifies', () => {
    const xml = rebuilt(SIGNABLE_IMPORT[0]!.bytes).replace(/\n/g, '\r\n');
    const signed = sign(xml);
    expect(signed).toContain('</ceb:BaseTransfer>\r\n');
    expectOk(verifyCeb(signed));
  });
});

describe('prepareCebSignature (external signing device: USB key, HSM)', () => {
  it('gives the canonical SignedInfo to sign and completes the message with the returned value', () => {
    const xml = rebuilt(SIGNABLE_IMPORT[0]!.bytes);
    const prepared = prepareCebSignature(xml, RSA_KEY, { replaceExisting: true });
    expect(prepared.signedInfo.toString('utf8')).toMatch(
      /^<ds:SignedInfo xmlns:ceb="http:\/\/www.chinaport.gov.cn\/ceb" xmlns:ds="http:\/\/www.w3.org\/2000\/09\/xmldsig#">/,
    );
    const value = nodeSign('sha1', prepared.signedInfo, RSA_KEY.privateKey as string);
    expectOk(verifyCeb(prepared.complete(value)));
  });
});

describe('verifyCeb', () => {
  const base = rebuilt(SIGNABLE_IMPORT.find((s) => s.name.endsWith('CEB621Message.xml'))!.bytes);
  const signedSm2 = sign(base);
  const signedRsa = sign(base, RSA_KEY);

  it('reports the algorithm, key name and the signer certificate (SM3 fingerprint for intake to compare)', () => {
    const r = expectOk(verifyCeb(signedSm2));
    expect(r).toMatchObject({
      algorithm: 'sm2-sm3',
      signatureMethod: SIGNATURE_METHOD.sm2Sm3Chinaport,
      digestAlgorithm: 'sm3',
      digestMethod: DIGEST_METHOD.sm3Chinaport,
      keyName: SM2_KEY.keyName,
    });
    expect(r.certificate.subject).toBe(`C=CN, O=测试企业, OU=${SIGNER_USCC}, CN=测试企业 0001`);
    expect(r.certificate.issuer).toBe('C=CN, O=cbec-zone test, CN=cbec-zone TEST SM2 CA');
    expect(r.certificate.keyAlgorithm).toBe('sm2');
    expect(r.certificate.publicKeyHex).toMatch(/^04[0-9a-f]{128}$/);
    expect(r.certificate.fingerprintSm3).toMatch(/^[0-9a-f]{64}$/);
    expect(r.certificate.notAfter.toISOString()).toBe('2125-01-01T00:00:00.000Z');
    const rsa = expectOk(verifyCeb(signedRsa));
    expect(rsa.certificate.publicKeyPem).toContain('BEGIN PUBLIC KEY');
  });

  it('a message signed with another certificate: a different fingerprint, and refused when the registered one is given', () => {
    const other = sign(base, SM2_OTHER_KEY);
    const a = expectOk(verifyCeb(signedSm2));
    const b = expectOk(verifyCeb(other));
    expect(b.certificate.fingerprintSm3).not.toBe(a.certificate.fingerprintSm3);
    expect(codes(verifyCeb(other, { trustedCertificates: [SM2_KEY.certificateDer] }))).toEqual([
      '1001 untrusted-certificate',
    ]);
    expectOk(verifyCeb(signedSm2, { trustedCertificates: [SM2_KEY.certificateDer.toString('base64')] }));
    // the CA that issued the registered certificate is also a trust anchor (issuer signature checked)
    expectOk(verifyCeb(signedSm2, { trustedCertificates: [SM2_CA] }));
    expect(codes(verifyCeb(other, { trustedCertificates: [SM2_CA] }))).toEqual(['1001 untrusted-certificate']);
    expect(codes(verifyCeb(signedRsa, { trustedCertificates: [SM2_CA] }))).toEqual(['1001 untrusted-certificate']);
  });

  it('checks the expected enterprise against the certificate (cf. -625013)', () => {
    expectOk(verifyCeb(signedSm2, { expectedSigner: { uscc: SIGNER_USCC } }));
    expect(codes(verifyCeb(signedSm2, { expectedSigner: { uscc: OTHER_USCC } }))).toEqual(['1001 signer-mismatch']);
    // either code may be the one in the certificate
    expectOk(verifyCeb(signedSm2, { expectedSigner: { uscc: OTHER_USCC, customsCode: SIGNER_USCC } }));
    expect(codes(verifyCeb(signedSm2, { expectedSigner: { uscc: OTHER_USCC, customsCode: '1101110325' } }))).toEqual([
      '1001 signer-mismatch',
    ]);
  });

  it('1001 for a tampered SignatureValue (any bit)', () => {
    for (const signed of [signedSm2, signedRsa]) {
      const value = /<ds:SignatureValue>([^<]*)</.exec(signed)![1]!;
      fc.assert(
        fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, mask) => {
          const bytes = Buffer.from(value, 'base64');
          bytes[at % bytes.length]! ^= mask;
          const tampered = signed.replace(value, bytes.toString('base64'));
          expect(codes(verifyCeb(tampered))).toEqual(['1001 bad-signature-value']);
        }),
        { numRuns: 50 },
      );
    }
  });

  it('1004 when one character of any text node or attribute value of the signed content changes', () => {
    const parsedDoc = parseXmlDocument(signedSm2);
    if (!parsedDoc.ok) throw new Error(parsedDoc.message);
    const { root } = parsedDoc.doc;
    const sig = rootSignatures(parsedDoc.doc)[0]!;
    // offsets of characters of character data and attribute values outside the signature (not in references)
    const positions: number[] = [];
    let inTag = false;
    let quote = '';
    let inRef = false;
    for (let i = root.start; i < root.end; i++) {
      if (i >= sig.start && i < sig.end) continue;
      const c = signedSm2[i]!;
      if (inRef) inRef = c !== ';';
      else if (c === '&') inRef = true;
      else if (inTag && !quote) {
        if (c === '"' || c === "'") quote = c;
        else if (c === '>') inTag = false;
      } else if (inTag && c === quote) quote = '';
      else if (!inTag && c === '<') inTag = true;
      else if (!/[\uD800-\uDFFF\r]/.test(c)) positions.push(i);
    }
    expect(positions.length).toBeGreaterThan(1000);
    const original = canonicalizeXml(signedSm2, { envelopedSignature: true });
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom('0', '9', 'A', 'z', '中', ' ', '\t', '.', '\n'), (n, replacement) => {
        const at = positions[n % positions.length]!;
        const tampered = signedSm2.slice(0, at) + replacement + signedSm2.slice(at + 1);
        // a tab or line feed in an attribute value normalises to a space: that is not a change of the data
        fc.pre(canonicalizeXml(tampered, { envelopedSignature: true }) !== original);
        const found = codes(verifyCeb(tampered));
        expect(found).toContain('1004 digest-mismatch');
        // a changed namespace URI on the root also changes SignedInfo (inclusive C14N renders the inherited
        // xmlns:ceb on it), so the SignatureValue fails too
        const nsDeclaration = /xmlns(:\w+)?="[^"]*$/.test(signedSm2.slice(root.start, at));
        expect(found).toEqual(
          nsDeclaration ? ['1001 bad-signature-value', '1004 digest-mismatch'] : ['1004 digest-mismatch'],
        );
      }),
      { numRuns: 300 },
    );
  });

  it('1004 when an element is added, removed or moved, or a namespace prefix changes', () => {
    expect(codes(verifyCeb(signedSm2.replace('<ceb:note></ceb:note>', '')))).toEqual(['1004 digest-mismatch']);
    expect(codes(verifyCeb(signedSm2.replace('</ceb:BaseTransfer>', '<ceb:x/></ceb:BaseTransfer>')))).toEqual([
      '1004 digest-mismatch',
    ]);
    expect(
      codes(verifyCeb(signedSm2.replace(' version="1.0" xmlns:ceb', ' version="1.0" extra="1" xmlns:ceb'))),
    ).toEqual(['1004 digest-mismatch']);
    expect(codes(verifyCeb(signedSm2.replace(/ceb:/g, 'c:').replace('xmlns:ceb=', 'xmlns:c=')))).toContain(
      '1004 digest-mismatch',
    );
  });

  it('ignores changes that are not changes of the XML data (attribute quotes, empty-element form, CR LF)', () => {
    expectOk(verifyCeb(signedSm2.replace('<ceb:note></ceb:note>', '<ceb:note/>')));
    expectOk(verifyCeb(signedSm2.replace(' version="1.0" xmlns:ceb', " version='1.0' xmlns:ceb")));
    expectOk(verifyCeb(signedSm2.replace(/\n/g, '\r\n')));
  });

  it('1002 for a certificate expired, or not yet valid, at the given time', () => {
    const expired = { ...SM2_KEY, certificateDer: fixture('sm2-signer-expired.crt.der') };
    const signed = sign(base, expired, { signingTime: new Date('2020-06-01T00:00:00Z') });
    expect(codes(verifyCeb(signed))).toEqual(['1002 certificate-expired']);
    expectOk(verifyCeb(signed, { at: new Date('2020-06-01T00:00:00Z') }));
    expect(codes(verifyCeb(signed, { at: new Date('2019-12-31T23:59:59Z') }))).toEqual([
      '1002 certificate-not-yet-valid',
    ]);
    const r = verifyCeb(signed);
    expect(r.ok ? undefined : r.certificate?.notAfter.toISOString()).toBe('2021-01-01T00:00:00.000Z');
    expect(r.ok ? '' : r.errors[0]!.message.zh).toContain('数字签名过期');
  });

  it('reports every failed check at once', () => {
    const expired = { ...SM2_KEY, certificateDer: fixture('sm2-signer-expired.crt.der') };
    const signed = sign(base, expired, { signingTime: new Date('2020-06-01T00:00:00Z') });
    const tampered = signed.replace('测试企业', '测试企');
    expect(codes(verifyCeb(tampered, { expectedSigner: { uscc: OTHER_USCC } }))).toEqual([
      '1004 digest-mismatch',
      '1002 certificate-expired',
      '1001 signer-mismatch',
    ]);
  });

  it('tolerates the signature before BaseTransfer (as in the export samples)', () => {
    for (const signed of [signedSm2, signedRsa]) {
      // move the element alone (the white space around it stays where it was, as a sender's layout would have it)
      const sig = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)![0];
      const moved = signed.replace(sig, '').replace('<ceb:BaseTransfer>', `${sig}<ceb:BaseTransfer>`);
      expect(moved.indexOf('<ds:Signature')).toBeLessThan(moved.indexOf('<ceb:BaseTransfer>'));
      expectOk(verifyCeb(moved));
      expect(parseCeb(moved).ok).toBe(true);
    }
  });

  it('refuses a DOCTYPE (1001, malformed), before any parsing', () => {
    const withDoctype = signedSm2.replace('?>', '?>\n<!DOCTYPE r [<!ENTITY x "x">]>');
    const r = verifyCeb(withDoctype);
    expect(codes(r)).toEqual(['1001 malformed']);
    expect(r.ok ? '' : r.errors[0]!.message.en).toMatch(/DOCTYPE/);
  });

  it('1001 for unsigned, doubly signed, nested or malformed signatures', () => {
    expect(codes(verifyCeb(base.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '')))).toEqual([
      '1001 missing-signature',
    ]);
    // the official samples carry placeholder signatures
    const sample = SIGNABLE_IMPORT[0]!.bytes;
    expect(verifyCeb(sample).ok).toBe(false);
    const sig = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signedSm2)![0];
    expect(codes(verifyCeb(signedSm2.replace(sig, sig + sig)))).toEqual(['1001 malformed']);
    expect(
      codes(verifyCeb(signedSm2.replace(sig, '').replace('</ceb:BaseTransfer>', `${sig}</ceb:BaseTransfer>`))),
    ).toEqual(['1001 malformed']);
    expect(codes(verifyCeb(signedSm2.replace('URI=""', 'URI="#x"')))).toEqual(['1001 malformed']);
    expect(codes(verifyCeb(signedSm2.replace(/<ds:X509Data>[\s\S]*<\/ds:X509Data>/, '')))).toEqual(['1001 malformed']);
    expect(codes(verifyCeb(signedSm2.replace(/<ds:DigestValue>[^<]*/, '<ds:DigestValue>not*base64')))).toEqual([
      '1001 malformed',
    ]);
    expect(codes(verifyCeb(signedSm2.replace(/<ds:Transforms>[\s\S]*<\/ds:Transforms>/, '')))).toEqual([
      '1001 malformed',
    ]);
    expect(codes(verifyCeb('not xml'))).toEqual(['1001 malformed']);
    expect(codes(verifyCeb(Buffer.from([0xff, 0xfe, 0x00])))).toEqual(['1001 malformed']);
  });

  it('1001 for unsupported algorithms and for a SignatureMethod that does not fit the certificate', () => {
    expect(
      codes(
        verifyCeb(
          signedSm2.replace(SIGNATURE_METHOD.sm2Sm3Chinaport, 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'),
        ),
      ),
    ).toEqual(['1001 unsupported-algorithm']);
    expect(
      codes(verifyCeb(signedSm2.replace(DIGEST_METHOD.sm3Chinaport, 'http://www.w3.org/2001/04/xmlenc#sha256'))),
    ).toEqual(['1001 unsupported-algorithm']);
    expect(codes(verifyCeb(signedSm2.replace('REC-xml-c14n-20010315"', 'REC-xml-c14n-20010315-unknown"')))).toEqual([
      '1001 unsupported-algorithm',
    ]);
    expect(codes(verifyCeb(signedSm2.replace('xmldsig#enveloped-signature', 'xmldsig#base64')))).toEqual([
      '1001 unsupported-algorithm',
    ]);
    expect(codes(verifyCeb(signedSm2.replace(SIGNATURE_METHOD.sm2Sm3Chinaport, SIGNATURE_METHOD.rsaSha1)))).toEqual([
      '1001 key-mismatch',
    ]);
    // the SignatureMethod URI is part of SignedInfo: switching between the two SM2 URIs breaks the signature
    expect(codes(verifyCeb(signedSm2.replace(SIGNATURE_METHOD.sm2Sm3Chinaport, SIGNATURE_METHOD.sm2Sm3W3)))).toEqual([
      '1001 bad-signature-value',
    ]);
  });

  it('accepts an (unreferenced, unsigned) ds:Object in the signature, and needs KeyInfo with the certificate', () => {
    expectOk(verifyCeb(signedSm2.replace('</ds:KeyInfo>', '</ds:KeyInfo><ds:Object>x</ds:Object>')));
    expect(
      codes(verifyCeb(signedSm2.replace(/<ds:KeyInfo>[\s\S]*<\/ds:KeyInfo>/, '<ds:Object>x</ds:Object>'))),
    ).toEqual(['1001 malformed']);
  });

  it('1001 for an unusable certificate', () => {
    const garbage = signedSm2.replace(/<ds:X509Certificate>[^<]*/, '<ds:X509Certificate>AAAA');
    expect(codes(verifyCeb(garbage))).toEqual(['1001 bad-certificate']);
  });

  it('accepts the SHA-1 digest E-Port client code computes over the document *with* comments', () => {
    // SignatureHandler.java uses c14n WithComments for the reference (ceb-messages.md §8 "Practice").
    const withComment = base.replace('<ceb:Inventory>', '<!-- 备注 -->\n  <ceb:Inventory>');
    const prepared = prepareCebSignature(withComment, RSA_KEY, { replaceExisting: true, uriStyle: 'w3-sm2' });
    const signedStd = prepared.complete(nodeSign('sha1', prepared.signedInfo, RSA_KEY.privateKey as string));
    expectOk(verifyCeb(signedStd));
    // the same message with the digest recomputed with comments, SignedInfo re-signed
    const parsedStd = parseXmlDocument(signedStd);
    if (!parsedStd.ok) throw new Error(parsedStd.message);
    const sigEl = rootSignatures(parsedStd.doc)[0]!;
    const withComments = canonicalize(parsedStd.doc, { withComments: true, exclude: new Set([sigEl]) });
    const wcDigest = digest('sha1', withComments).toString('base64');
    const again = signedStd.replace(/<ds:DigestValue>[^<]*/, `<ds:DigestValue>${wcDigest}`);
    const parsedAgain = parseXmlDocument(again);
    if (!parsedAgain.ok) throw new Error(parsedAgain.message);
    const signedInfo = canonicalize(childElements(rootSignatures(parsedAgain.doc)[0]!)[0]!);
    const value = nodeSign('sha1', Buffer.from(signedInfo), RSA_KEY.privateKey as string).toString('base64');
    const wjStyle = again.replace(/<ds:SignatureValue>[^<]*/, `<ds:SignatureValue>${value}`);
    expectOk(verifyCeb(wjStyle));
    // and the comment is then covered too
    expect(codes(verifyCeb(wjStyle.replace('备注', '备忘')))).toEqual(['1004 digest-mismatch']);
  });
});

describe('messages signed by other implementations (test/fixtures/signature)', () => {
  const vectors = [
    'openssl-sm2-der-CEB311Message.xml',
    'xmlsec1-rsa-sha1-CEB311Message.xml',
    'xmlsec1-rsa-sha1-exc-c14n-CEB621Message.xml',
    'xmlsec1-rsa-sha1-ns-heavy.xml',
    'xmlsec1-rsa-sha1-ns-heavy-with-comments.xml',
  ];

  it.each(vectors)('%s verifies, chains to the test CA, and a changed byte is caught', (name) => {
    const xml = fixtureText(name);
    const r = expectOk(
      verifyCeb(xml, { trustedCertificates: [SM2_CA, RSA_CA], expectedSigner: { uscc: SIGNER_USCC } }),
    );
    expect(r.algorithm).toBe(name.startsWith('openssl-sm2') ? 'sm2-sm3' : 'rsa-sha1');
    const parsedXml = parseXmlDocument(xml);
    if (!parsedXml.ok) throw new Error(parsedXml.message);
    const at = xml.indexOf('>', parsedXml.doc.root.start) + 1; // first content inside the root
    const tampered = xml.slice(0, at) + 'X' + xml.slice(at);
    expect(codes(verifyCeb(tampered))).toEqual(['1004 digest-mismatch']);
  });
});

describe('large messages', () => {
  it('a 100-order CEB311 (~200 KB) signs and verifies with both algorithms', () => {
    const xml = ceb311WithOrders(100);
    expect(xml.length).toBeGreaterThan(150_000);
    for (const key of [SM2_KEY, RSA_KEY]) {
      const signed = sign(xml, key);
      expectOk(verifyCeb(signed));
      expect(validateCebXml(signed, 'CEB311Message')).toEqual([]);
    }
  });
});
