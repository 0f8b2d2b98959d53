/**
 * X.509 certificates of CEB signers (ceb-messages.md §8: KeyInfo/X509Data/X509Certificate, Base64 DER; SM2
 * certificates issued by the E-Port data sub-centres, and older RSA ones).
 *
 * Node's X509Certificate (OpenSSL 3.0.x on Node 20) parses SM2 certificates, so it is the well-formedness gate;
 * but it gives no SM2 public point, cannot check an SM2-with-SM3 certificate signature (`verify` returns false:
 * OpenSSL needs the SM2 distinguishing id set) and only has display strings for the dates, so the fields we use
 * are read from the DER with der.ts.
 */
import { createHash, createPublicKey, type KeyObject, verify as nodeVerify, X509Certificate } from 'node:crypto';
import {
  bitStringOf,
  bytesOf,
  childrenOf,
  contentOf,
  DerError,
  expectTag,
  oidOf,
  readTlv,
  stringOf,
  TAG,
  type Tlv,
  timeOf,
  unsignedHexOf,
} from './der.js';
import { sm2Verify } from './sm2.js';

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecPublicKey: '1.2.840.10045.2.1',
  sm2: '1.2.156.10197.1.301',
  sm2WithSm3: '1.2.156.10197.1.501',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
} as const;

const OID_BASIC_CONSTRAINTS = '2.5.29.19';

const RSA_HASHES: Record<string, string> = {
  [OID.sha1WithRsa]: 'sha1',
  [OID.sha256WithRsa]: 'sha256',
  [OID.sha384WithRsa]: 'sha384',
  [OID.sha512WithRsa]: 'sha512',
};

const SIGNATURE_ALGORITHM_NAMES: Record<string, string> = {
  [OID.sm2WithSm3]: 'SM2-with-SM3',
  [OID.sha1WithRsa]: 'sha1WithRSAEncryption',
  [OID.sha256WithRsa]: 'sha256WithRSAEncryption',
  [OID.sha384WithRsa]: 'sha384WithRSAEncryption',
  [OID.sha512WithRsa]: 'sha512WithRSAEncryption',
};

const NAME_ATTRIBUTES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.1': 'UID',
};

/** What verifyCeb reports about the signer's certificate. */
export interface CebCertificateInfo {
  /** Serial number, lower-case hex without leading zero octets. */
  serialHex: string;
  /** Distinguished names in certificate order, e.g. `C=CN, O=测试企业, CN=…`. */
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  keyAlgorithm: 'sm2' | 'rsa';
  /** SM2: the uncompressed public point 04‖x‖y (hex), as sm2Verify takes it. */
  publicKeyHex?: string;
  /** RSA: the SubjectPublicKeyInfo as PEM. */
  publicKeyPem?: string;
  /** The certificate's own signature algorithm, e.g. SM2-with-SM3. */
  signatureAlgorithm: string;
  /** SM3 of the DER certificate, lower-case hex: compare with the certificate registered for the enterprise. */
  fingerprintSm3: string;
  /** SHA-256 of the DER certificate, lower-case hex. */
  fingerprintSha256: string;
}

/** A parsed certificate: the report plus what verification needs. */
export interface ParsedCertificate {
  info: CebCertificateInfo;
  der: Buffer;
  tbs: Buffer;
  issuerDer: Buffer;
  subjectDer: Buffer;
  /** The certificate's signature (BIT STRING content) and its algorithm OID. */
  signature: Buffer;
  signatureOid: string;
  /** RSA public key (KeyObject), when keyAlgorithm is rsa. */
  rsaKey?: KeyObject;
  /** Every string in the subject and in the extensions (for matching an enterprise code). */
  strings: string[];
  /** basicConstraints cA (RFC 5280 §4.2.1.9): a certificate authority's certificate. */
  isCa: boolean;
}

export class CertificateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateError';
  }
}

function nameOf(buf: Buffer, name: Tlv, strings: string[]): string {
  const parts: string[] = [];
  for (const rdn of childrenOf(buf, expectTag(name, TAG.SEQUENCE, 'a Name'))) {
    for (const atv of childrenOf(buf, expectTag(rdn, TAG.SET, 'a RelativeDistinguishedName'))) {
      const [type, value] = childrenOf(buf, expectTag(atv, TAG.SEQUENCE, 'an AttributeTypeAndValue'));
      const oid = oidOf(buf, type!);
      if (!value) throw new DerError('attribute without value');
      const text = stringOf(buf, value) ?? `#${bytesOf(buf, value).toString('hex')}`;
      strings.push(text);
      parts.push(`${NAME_ATTRIBUTES[oid] ?? oid}=${text.replace(/([,+\\])/g, '\\$1')}`);
    }
  }
  return parts.join(', ');
}

/** Collects the strings found anywhere in a DER value (nested DER in OCTET STRINGs too); best effort. */
function collectStrings(buf: Buffer, t: Tlv, out: string[], depth = 0): void {
  if (depth > 8) return;
  const s = stringOf(buf, t);
  if (s !== undefined) {
    out.push(s);
    return;
  }
  try {
    if (t.tag & 0x20) {
      for (const c of childrenOf(buf, t)) collectStrings(buf, c, out, depth + 1);
    } else if (t.tag === TAG.OCTET_STRING || (t.tag & 0xc0) === 0x80) {
      const c = contentOf(buf, t);
      try {
        const inner = readTlv(c, 0);
        if (inner.end !== c.length) throw new DerError('trailing bytes');
        collectStrings(c, inner, out, depth + 1);
      } catch {
        if (c.length > 0) out.push(c.toString('latin1'));
      }
    }
  } catch {
    // not DER inside: nothing to collect
  }
}

function toDer(input: Buffer | string | X509Certificate): Buffer {
  if (input instanceof X509Certificate) return input.raw;
  // a PEM file read as bytes is text
  if (Buffer.isBuffer(input) && !input.subarray(0, 64).toString('latin1').includes('-----BEGIN')) return input;
  if (Buffer.isBuffer(input)) input = input.toString('latin1');
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(input);
  return Buffer.from((pem ? pem[1]! : input).replace(/\s+/g, ''), 'base64');
}

/** Parsed certificates by DER: a platform sees the same few enterprise certificates over and over. */
const cache = new Map<string, ParsedCertificate>();
const CACHE_SIZE = 256;

/**
 * Parses a certificate (DER, PEM, Base64 or X509Certificate); throws CertificateError when it is not one.
 * Results are cached (LRU): treat them as read-only.
 */
export function parseCertificate(input: Buffer | string | X509Certificate): ParsedCertificate {
  const der = toDer(input);
  const key = der.toString('base64');
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  try {
    new X509Certificate(der); // OpenSSL's full parser as the well-formedness gate
  } catch (err) {
    throw new CertificateError(`not an X.509 certificate: ${(err as Error).message}`);
  }
  let parsed: ParsedCertificate;
  try {
    parsed = parseDer(Buffer.from(der));
  } catch (err) {
    throw new CertificateError(`unsupported certificate: ${(err as Error).message}`);
  }
  cache.set(key, parsed);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return parsed;
}

/** A copy of the report that callers may keep and change. */
export function certificateInfo(cert: ParsedCertificate): CebCertificateInfo {
  return { ...cert.info, notBefore: new Date(cert.info.notBefore), notAfter: new Date(cert.info.notAfter) };
}

function parseDer(der: Buffer): ParsedCertificate {
  const cert = expectTag(readTlv(der, 0), TAG.SEQUENCE, 'a Certificate');
  if (cert.end !== der.length) throw new DerError('trailing bytes after the certificate');
  const [tbsTlv, sigAlg, sigValue] = childrenOf(der, cert);
  const tbsFields = childrenOf(der, expectTag(tbsTlv, TAG.SEQUENCE, 'a TBSCertificate'));
  let i = 0;
  if (tbsFields[0]?.tag === 0xa0) i++; // [0] EXPLICIT version
  const serial = tbsFields[i++];
  i++; // signature AlgorithmIdentifier (repeated outside)
  const issuer = tbsFields[i++];
  const validity = tbsFields[i++];
  const subject = tbsFields[i++];
  const spki = tbsFields[i++];
  if (!serial || !issuer || !validity || !subject || !spki) throw new DerError('incomplete TBSCertificate');
  const extensions = tbsFields.slice(i).find((t) => t.tag === 0xa3);

  const strings: string[] = [];
  const subjectName = nameOf(der, subject, strings);
  const issuerName = nameOf(der, issuer, []);
  const [notBefore, notAfter] = childrenOf(der, expectTag(validity, TAG.SEQUENCE, 'a Validity'));
  if (!notBefore || !notAfter) throw new DerError('incomplete Validity');

  const [keyAlg, keyBits] = childrenOf(der, expectTag(spki, TAG.SEQUENCE, 'a SubjectPublicKeyInfo'));
  const [keyOid, keyParams] = childrenOf(der, expectTag(keyAlg, TAG.SEQUENCE, 'an AlgorithmIdentifier'));
  const algorithm = oidOf(der, keyOid!);
  const curve = keyParams?.tag === TAG.OID ? oidOf(der, keyParams) : undefined;
  const point = bitStringOf(der, keyBits!);

  const info: Partial<CebCertificateInfo> = {};
  let rsaKey: KeyObject | undefined;
  if (algorithm === OID.sm2 || (algorithm === OID.ecPublicKey && curve === OID.sm2)) {
    if (point.length !== 65 || point[0] !== 0x04) throw new DerError('SM2 public key is not an uncompressed point');
    info.keyAlgorithm = 'sm2';
    info.publicKeyHex = point.toString('hex');
  } else if (algorithm === OID.rsaEncryption) {
    rsaKey = createPublicKey({ key: bytesOf(der, spki), format: 'der', type: 'spki' });
    info.keyAlgorithm = 'rsa';
    info.publicKeyPem = rsaKey.export({ type: 'spki', format: 'pem' }).toString();
  } else {
    throw new DerError(`unsupported public key algorithm ${algorithm}${curve ? ` (${curve})` : ''}`);
  }

  let isCa = false;
  if (extensions) {
    const [list] = childrenOf(der, extensions);
    for (const ext of childrenOf(der, expectTag(list, TAG.SEQUENCE, 'Extensions'))) {
      const parts = childrenOf(der, expectTag(ext, TAG.SEQUENCE, 'an Extension'));
      const value = parts[parts.length - 1];
      if (parts[0] && oidOf(der, parts[0]) === OID_BASIC_CONSTRAINTS && value?.tag === TAG.OCTET_STRING) {
        const inner = contentOf(der, value);
        const seq = readTlv(inner, 0);
        const first = seq.tag === TAG.SEQUENCE ? childrenOf(inner, seq)[0] : undefined;
        const flag = first?.tag === TAG.BOOLEAN ? contentOf(inner, first) : undefined;
        isCa = flag?.length === 1 && flag[0] === 0xff; // DER TRUE; anything else is not a CA
      }
      if (value) collectStrings(der, value, strings);
    }
  }

  const [sigOidTlv] = childrenOf(der, expectTag(sigAlg, TAG.SEQUENCE, 'an AlgorithmIdentifier'));
  const signatureOid = oidOf(der, sigOidTlv!);
  return {
    info: {
      serialHex: unsignedHexOf(der, serial),
      subject: subjectName,
      issuer: issuerName,
      notBefore: timeOf(der, notBefore),
      notAfter: timeOf(der, notAfter),
      keyAlgorithm: info.keyAlgorithm,
      ...(info.publicKeyHex ? { publicKeyHex: info.publicKeyHex } : {}),
      ...(info.publicKeyPem ? { publicKeyPem: info.publicKeyPem } : {}),
      signatureAlgorithm: SIGNATURE_ALGORITHM_NAMES[signatureOid] ?? signatureOid,
      fingerprintSm3: createHash('sm3').update(der).digest('hex'),
      fingerprintSha256: createHash('sha256').update(der).digest('hex'),
    } as CebCertificateInfo,
    der,
    tbs: bytesOf(der, tbsTlv!),
    issuerDer: bytesOf(der, issuer),
    subjectDer: bytesOf(der, subject),
    signature: bitStringOf(der, expectTag(sigValue, TAG.BIT_STRING, 'a signature BIT STRING')),
    signatureOid,
    rsaKey,
    strings,
    isCa,
  };
}

/** Whether `cert` names `issuer` as its issuer and carries a valid signature by the issuer's key. */
export function isIssuedBy(cert: ParsedCertificate, issuer: ParsedCertificate): boolean {
  if (!cert.issuerDer.equals(issuer.subjectDer)) return false;
  return signedBy(cert.tbs, cert.signatureOid, cert.signature, issuer);
}

/**
 * Whether `signature` (algorithm `signatureOid`) over `tbs` verifies with the issuer's public key: the check of a
 * certificate's or a CRL's signature (SM2-with-SM3 with GM/T 0015's default distinguishing id, or RSA).
 */
export function signedBy(tbs: Buffer, signatureOid: string, signature: Buffer, issuer: ParsedCertificate): boolean {
  if (signatureOid === OID.sm2WithSm3) {
    return issuer.info.publicKeyHex !== undefined
      ? sm2Verify(tbs, signature.toString('hex'), issuer.info.publicKeyHex)
      : false;
  }
  const hash = RSA_HASHES[signatureOid];
  if (!hash || !issuer.rsaKey) return false;
  try {
    return nodeVerify(hash, tbs, issuer.rsaKey, signature);
  } catch {
    return false;
  }
}

/** Whether a certificate is self-signed: its issuer is its subject and its own key verifies its signature. */
export function isSelfSigned(cert: ParsedCertificate): boolean {
  return isIssuedBy(cert, cert);
}

/**
 * Whether an enterprise code (USCC or customs code) appears in the subject or an extension of the certificate, as a
 * whole token (letters and digits delimited by anything else): a 10-character customs code inside some longer
 * string does not count.
 */
export function certificateMentions(cert: ParsedCertificate, code: string): boolean {
  const wanted = code.trim().toUpperCase();
  return (
    wanted !== '' &&
    cert.strings.some((s) =>
      s
        .toUpperCase()
        .split(/[^0-9A-Z]+/)
        .includes(wanted),
    )
  );
}
