/**
 * X.509 certificate revocation lists (RFC 5280 §5): what a CA says it revoked, read from the DER (PEM accepted)
 * with der.ts, and checked against the CA's key (SM2-with-SM3 or RSA, as certificates). Throws CrlError on
 * anything that is not a CRL.
 */

import { type ParsedCertificate, signedBy } from './certificate.js';
import {
  bitStringOf,
  bytesOf,
  childrenOf,
  DerError,
  expectTag,
  oidOf,
  readTlv,
  TAG,
  timeOf,
  unsignedHexOf,
} from './der.js';

export class CrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrlError';
  }
}

export type ParsedCrl = {
  issuerDer: Buffer;
  thisUpdate: Date;
  nextUpdate: Date | null;
  /** Revoked certificates: serial (lower-case hex, no leading zero octets) and revocation date. */
  revoked: { serialHex: string; revokedAt: Date }[];
  tbs: Buffer;
  signatureOid: string;
  signature: Buffer;
};

/** Revocation lists can be long; past this many entries a file is refused rather than read. */
export const MAX_CRL_ENTRIES = 1_000_000;

function toDer(input: Buffer | string): Buffer {
  const text = Buffer.isBuffer(input) ? input.toString('latin1') : input;
  const pem = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/.exec(text);
  if (pem) return Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64');
  return Buffer.isBuffer(input) ? input : Buffer.from(input.replace(/\s+/g, ''), 'base64');
}

export function parseCrl(input: Buffer | string): ParsedCrl {
  const der = toDer(input);
  try {
    const top = expectTag(readTlv(der, 0), TAG.SEQUENCE, 'a CertificateList');
    if (top.end !== der.length) throw new DerError('trailing bytes after the CRL');
    const [tbsTlv, sigAlg, sigValue] = childrenOf(der, top);
    const fields = childrenOf(der, expectTag(tbsTlv, TAG.SEQUENCE, 'a TBSCertList'));
    let i = 0;
    if (fields[i]?.tag === TAG.INTEGER) i++; // version v2
    i++; // signature AlgorithmIdentifier (repeated outside)
    const issuer = expectTag(fields[i++], TAG.SEQUENCE, 'the issuer Name');
    const thisTlv = fields[i++];
    if (!thisTlv || (thisTlv.tag !== TAG.UTC_TIME && thisTlv.tag !== TAG.GENERALIZED_TIME)) {
      throw new DerError('expected thisUpdate');
    }
    const thisUpdate = timeOf(der, thisTlv);
    let nextUpdate: Date | null = null;
    const next = fields[i];
    if (next && (next.tag === TAG.UTC_TIME || next.tag === TAG.GENERALIZED_TIME)) {
      nextUpdate = timeOf(der, next);
      i++;
    }
    const revoked: ParsedCrl['revoked'] = [];
    const list = fields[i];
    if (list?.tag === TAG.SEQUENCE) {
      for (const entry of childrenOf(der, list)) {
        if (revoked.length >= MAX_CRL_ENTRIES) throw new DerError(`more than ${MAX_CRL_ENTRIES} entries`);
        const [serial, when] = childrenOf(der, expectTag(entry, TAG.SEQUENCE, 'a revoked certificate'));
        if (!serial || !when) throw new DerError('incomplete revoked certificate entry');
        revoked.push({ serialHex: unsignedHexOf(der, serial), revokedAt: timeOf(der, when) });
      }
    }
    const [sigOid] = childrenOf(der, expectTag(sigAlg, TAG.SEQUENCE, 'an AlgorithmIdentifier'));
    if (!tbsTlv || !sigOid) throw new DerError('incomplete CertificateList');
    return {
      issuerDer: bytesOf(der, issuer),
      thisUpdate,
      nextUpdate,
      revoked,
      tbs: bytesOf(der, tbsTlv as NonNullable<typeof tbsTlv>),
      signatureOid: oidOf(der, sigOid as NonNullable<typeof sigOid>),
      signature: bitStringOf(der, expectTag(sigValue, TAG.BIT_STRING, 'a signature BIT STRING')),
    };
  } catch (e) {
    // whatever the bytes are, the answer is "not a CRL", never an exception of the parser
    throw new CrlError(`not an X.509 CRL: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Whether `crl` was issued by `ca`: the issuer name is the CA's subject and the CA's key verifies the signature. */
export function crlIssuedBy(crl: ParsedCrl, ca: ParsedCertificate): boolean {
  return crl.issuerDer.equals(ca.subjectDer) && signedBy(crl.tbs, crl.signatureOid, crl.signature, ca);
}
