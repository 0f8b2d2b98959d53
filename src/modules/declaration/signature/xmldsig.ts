/**
 * Enveloped XML-DSig signatures of CEB messages (加签/验签, ceb-messages.md §8).
 *
 * Shape (SPEC2205 §6, the official samples): one ds:Signature child of the root, SignedInfo with Canonical XML 1.0,
 * one Reference URI="" with the enveloped-signature transform, KeyInfo with KeyName and X509Data/X509Certificate.
 *
 * - signCeb writes the signature where the XSD puts it (import: last child; export: after BaseSubscribe and before
 *   ExtendMessage), inserting it into the original text (nothing else of the message changes), and checks its own
 *   result before returning it.
 * - verifyCeb accepts both URI families seen for SM2 (the spec's chinaport.gov.cn/2022/04 and the w3.org#sm2-sm3
 *   one written by E-Port client code), SM3 or SHA-1 references whatever the SignatureMethod (the digest is computed
 *   per DigestMethod), SM2 values as raw r‖s (64 bytes, what E-Port keys return) or DER, and the signature anywhere
 *   among the root's children (export samples put it before BaseTransfer). Errors carry the data-exchange codes of
 *   ceb-messages.md §5.1: 1001 数字签名无效, 1002 数字签名过期, 1004 签名与数据不符; `reason` says which check
 *   failed, so intake can map to the business codes (-621029/-623029 验签失败, -621028 加签数据比对失败, -625013 the
 *   declarant does not match the certificate).
 *
 * Tolerance, on purpose: E-Port client code canonicalises the referenced document *with* comments
 * (ceb-messages.md §8 "Practice"), while URI="" strictly means without. When the standard digest does not match and
 * the document has comments, the with-comments digest is also accepted (it covers strictly more than the standard one).
 */
import {
  createPrivateKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
  type X509Certificate,
} from 'node:crypto';
import {
  type CebCertificateInfo,
  CertificateError,
  certificateInfo,
  certificateMentions,
  isIssuedBy,
  type ParsedCertificate,
  parseCertificate,
} from '../../../platform/crypto/certificate.js';
import { childrenOf, contentOf, expectTag, oidOf, readTlv, TAG } from '../../../platform/crypto/der.js';
import { sm2Sign, sm2Verify } from '../../../platform/crypto/sm2.js';
import { CEB_MESSAGE_DEFS, CEB_NAMESPACE, type CebMessageType } from '../ceb/definitions.generated.js';
import type { Problem } from '../ceb/values.js';
import { escapeXml } from '../ceb/xml-tree.js';
import {
  C14N_10,
  C14N_METHODS,
  type C14nOptions,
  canonicalize,
  DSIG_NS,
  ENVELOPED_SIGNATURE,
  EXC_C14N,
  isSignatureElement,
  rootSignatures,
} from './c14n.js';
import { type DigestAlgorithm, digest } from './digest.js';
import {
  childElements,
  parseXmlDocument,
  textOf,
  type XElement,
  type XmlDocument,
  type XNode,
} from './xml-document.js';

export type { CebCertificateInfo } from '../../../platform/crypto/certificate.js';
export type { DigestAlgorithm } from './digest.js';

export const SIGNATURE_METHOD = {
  /** SPEC2205 §6: the national-algorithm SignatureMethod. */
  sm2Sm3Chinaport: 'http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3',
  /** The form E-Port client code writes (ceb-messages.md §8 "Practice"). */
  sm2Sm3W3: 'http://www.w3.org/2000/09/xmldsig#sm2-sm3',
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
} as const;

export const DIGEST_METHOD = {
  sm3Chinaport: 'http://www.chinaport.gov.cn/2022/04/xmldsig#sm3',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
} as const;

export type CebSignatureAlgorithm = 'sm2-sm3' | 'rsa-sha1';

const SIGNATURE_ALGORITHMS: Readonly<Record<string, CebSignatureAlgorithm>> = {
  [SIGNATURE_METHOD.sm2Sm3Chinaport]: 'sm2-sm3',
  [SIGNATURE_METHOD.sm2Sm3W3]: 'sm2-sm3',
  [SIGNATURE_METHOD.rsaSha1]: 'rsa-sha1',
};

const DIGEST_ALGORITHMS: Readonly<Record<string, DigestAlgorithm>> = {
  [DIGEST_METHOD.sm3Chinaport]: 'sm3',
  [DIGEST_METHOD.sha1]: 'sha1',
};

const DIGEST_LENGTH: Record<DigestAlgorithm, number> = { sm3: 32, sha1: 20 };
const EXC_C14N_NS = EXC_C14N;

// ---------------------------------------------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------------------------------------------

/**
 * - `chinaport-2022` (default): SignatureMethod …chinaport.gov.cn/2022/04/xmldsig#sm2-sm3, DigestMethod …#sm3
 *   (SPEC2205; for rsa-sha1 the digest defaults to SHA-1).
 * - `w3-sm2`: SignatureMethod http://www.w3.org/2000/09/xmldsig#sm2-sm3 with a SHA-1 DigestMethod, the
 *   combination E-Port client code produces.
 */
export type CebUriStyle = 'chinaport-2022' | 'w3-sm2';

export interface CebSigningKey {
  algorithm: CebSignatureAlgorithm;
  /**
   * sm2-sm3: the private scalar as 64 hex digits, or a PKCS#8 / SEC1 SM2 key (PEM string, DER Buffer or KeyObject).
   * rsa-sha1: an RSA private key (PEM string, PKCS#8 DER Buffer or KeyObject).
   */
  privateKey: string | Buffer | KeyObject;
  /** The signer's X.509 certificate (DER), written to KeyInfo/X509Data/X509Certificate. */
  certificateDer: Buffer;
  /** KeyInfo/KeyName: the certificate number as E-Port knows it (e.g. `01691fe9`). */
  keyName: string;
}

export interface SignCebOptions {
  uriStyle?: CebUriStyle;
  /** Override the DigestMethod the style implies. */
  digest?: DigestAlgorithm;
  /** Replace a ds:Signature already among the root's children (e.g. the placeholder in the official samples). */
  replaceExisting?: boolean;
  /** SM2 only: write the SignatureValue DER-encoded instead of raw r‖s (64 bytes, the default, as E-Port keys do). */
  sm2Encoding?: 'raw' | 'der';
  /** The certificate must be valid at this time (default now). */
  signingTime?: Date;
}

/** signCeb refuses: the input is not a signable CEB message, the key does not fit the certificate, etc. */
export class CebSignError extends Error {
  constructor(
    message: string,
    readonly messageZh: string,
  ) {
    super(message);
    this.name = 'CebSignError';
  }
}

export interface PreparedCebSignature {
  algorithm: CebSignatureAlgorithm;
  /** The canonical SignedInfo: the exact bytes the SignatureValue signs (send these to a USB key / HSM). */
  signedInfo: Buffer;
  /** The signed message with `signatureValue` (raw bytes: r‖s or DER for SM2, PKCS#1 v1.5 for RSA) filled in. */
  complete(signatureValue: Uint8Array): string;
}

/**
 * Builds the signature of a CEB message except its SignatureValue: for signing devices that only sign SignedInfo
 * (the E-Port card/key client, an HSM). signCeb is this plus a software key.
 */
export function prepareCebSignature(
  xml: string | Uint8Array,
  signer: { algorithm: CebSignatureAlgorithm; certificateDer: Buffer; keyName: string },
  opts: SignCebOptions = {},
): PreparedCebSignature {
  const parsed = parseXmlDocument(xml);
  if (!parsed.ok) throw new CebSignError(`cannot sign: ${parsed.message}`, `无法加签：${parsed.messageZh}`);
  let doc = parsed.doc;
  const root = doc.root;
  const type = root.local as CebMessageType;
  const def = root.uri === CEB_NAMESPACE && Object.hasOwn(CEB_MESSAGE_DEFS, type) ? CEB_MESSAGE_DEFS[type] : undefined;
  if (!def) {
    throw new CebSignError(
      `cannot sign: {${root.uri}}${root.local} is not a CEB message`,
      `无法加签：${root.local}不是CEB报文`,
    );
  }
  const sigIndex = def.children.findIndex((c) => c.kind === 'signature');
  if (sigIndex < 0) {
    throw new CebSignError(`cannot sign: ${type} has no Signature in the XSD`, `无法加签：${type}报文不含签名节点`);
  }
  const existing = rootSignatures(doc);
  if (existing.length > 0) {
    if (!opts.replaceExisting) {
      throw new CebSignError('cannot sign: the message is already signed', '无法加签：报文已有签名');
    }
    const reparsed = parseXmlDocument(removeElements(doc.source, existing));
    if (!reparsed.ok) throw new CebSignError(`cannot sign: ${reparsed.message}`, `无法加签：${reparsed.messageZh}`);
    doc = reparsed.doc;
  }

  let cert: ParsedCertificate;
  try {
    cert = parseCertificate(signer.certificateDer);
  } catch (err) {
    throw new CebSignError(`cannot sign: ${(err as Error).message}`, '无法加签：签名证书无效');
  }
  const keyType = signer.algorithm === 'sm2-sm3' ? 'sm2' : 'rsa';
  if (cert.info.keyAlgorithm !== keyType) {
    throw new CebSignError(
      `cannot sign: ${signer.algorithm} needs an ${keyType.toUpperCase()} certificate`,
      `无法加签：${signer.algorithm}需要${keyType.toUpperCase()}证书`,
    );
  }
  const at = opts.signingTime ?? new Date();
  if (at < cert.info.notBefore || at > cert.info.notAfter) {
    throw new CebSignError(
      `cannot sign: the certificate is not valid at ${at.toISOString()}`,
      '无法加签：签名证书不在有效期内',
    );
  }

  const style = opts.uriStyle ?? 'chinaport-2022';
  const signatureMethod =
    signer.algorithm === 'rsa-sha1'
      ? SIGNATURE_METHOD.rsaSha1
      : style === 'w3-sm2'
        ? SIGNATURE_METHOD.sm2Sm3W3
        : SIGNATURE_METHOD.sm2Sm3Chinaport;
  const digestAlgorithm =
    opts.digest ?? (signer.algorithm === 'sm2-sm3' && style === 'chinaport-2022' ? 'sm3' : 'sha1');
  const digestMethod = digestAlgorithm === 'sm3' ? DIGEST_METHOD.sm3Chinaport : DIGEST_METHOD.sha1;

  // Where the XSD puts ds:Signature: before the first child that the XSD orders after it (ExtendMessage in the
  // export schema), else after the last child.
  const children = childElements(doc.root);
  const position = (e: XElement) =>
    e.uri === CEB_NAMESPACE ? def.children.findIndex((c) => c.name === e.local) : Number.POSITIVE_INFINITY;
  const next = children.find((e) => position(e) > sigIndex && position(e) !== Number.POSITIVE_INFINITY);
  const anchor = next ?? children[children.length - 1];
  if (!anchor) throw new CebSignError('cannot sign: the message is empty', '无法加签：报文为空');
  const source = doc.source;
  const indent = indentBefore(source, anchor);
  const newline = indent.startsWith('\r\n') ? '\r\n' : '\n';
  const template = signatureTemplate(signatureMethod, digestMethod, signer.keyName, cert.der, newline);
  const text = next
    ? source.slice(0, next.start) + template + indent + source.slice(next.start)
    : source.slice(0, anchor.end) + indent + template + source.slice(anchor.end);

  const reparsed = parseXmlDocument(text);
  if (!reparsed.ok) throw new CebSignError(`cannot sign: ${reparsed.message}`, `无法加签：${reparsed.messageZh}`);
  const signed = reparsed.doc;
  const sigEl = rootSignatures(signed)[0]!;
  const signedInfoEl = childElements(sigEl)[0]!;
  const digestValueEl = findPath(signedInfoEl, ['Reference', 'DigestValue'])!;
  const signatureValueEl = childElements(sigEl)[1]!;

  const digestValue = digest(digestAlgorithm, canonicalize(signed, { exclude: new Set([sigEl]) })).toString('base64');
  digestValueEl.children = [{ type: 'text', value: digestValue }];
  const signedInfo = Buffer.from(canonicalize(signedInfoEl), 'utf8');

  return {
    algorithm: signer.algorithm,
    signedInfo,
    complete(signatureValue) {
      const b64 = Buffer.from(signatureValue).toString('base64');
      // SignatureValue comes after DigestValue: fill from the end so the earlier offset stays right.
      return (
        text.slice(0, digestValueEl.endTagStart) +
        digestValue +
        text.slice(digestValueEl.endTagStart, signatureValueEl.endTagStart) +
        b64 +
        text.slice(signatureValueEl.endTagStart)
      );
    },
  };
}

/** Signs a CEB message with an enveloped XML-DSig signature; returns the signed XML (UTF-8 text, without a BOM). */
export function signCeb(xml: string | Uint8Array, key: CebSigningKey, opts: SignCebOptions = {}): string {
  const prepared = prepareCebSignature(xml, key, opts);
  let value: Buffer;
  if (key.algorithm === 'sm2-sm3') {
    const d = sm2PrivateKeyHex(key.privateKey);
    let hex: string;
    try {
      hex = sm2Sign(prepared.signedInfo, d, { der: opts.sm2Encoding === 'der' });
    } catch (err) {
      throw new CebSignError(`invalid SM2 private key: ${(err as Error).message}`, 'SM2私钥无效');
    }
    value = Buffer.from(hex, 'hex');
  } else {
    const k = toKeyObject(key.privateKey);
    if (k.asymmetricKeyType !== 'rsa')
      throw new CebSignError('rsa-sha1 needs an RSA private key', 'rsa-sha1需要RSA私钥');
    value = nodeSign('sha1', prepared.signedInfo, k);
  }
  const signed = prepared.complete(value);
  // Our own result must verify: catches a private key that does not belong to the certificate.
  const check = verifyCeb(signed, { at: opts.signingTime });
  if (!check.ok) {
    const reasons = check.errors.map((e) => e.message.en).join('; ');
    throw new CebSignError(
      `cannot sign: the signature does not verify (${reasons}); does the private key belong to the certificate?`,
      '无法加签：签名验证失败，私钥与证书是否匹配？',
    );
  }
  return signed;
}

function toKeyObject(key: string | Buffer | KeyObject): KeyObject {
  if (typeof key === 'object' && !Buffer.isBuffer(key)) return key;
  try {
    return Buffer.isBuffer(key) ? createPrivateKey({ key, format: 'der', type: 'pkcs8' }) : createPrivateKey(key);
  } catch (err) {
    throw new CebSignError(`invalid private key: ${(err as Error).message}`, '私钥格式无效');
  }
}

/** An SM2 private key as the 64-hex scalar sm2Sign takes. */
export function sm2PrivateKeyHex(key: string | Buffer | KeyObject): string {
  if (typeof key === 'string' && /^[0-9a-f]{64}$/i.test(key.trim())) return key.trim().toLowerCase();
  const der = toKeyObject(key).export({ type: 'pkcs8', format: 'der' });
  try {
    // PrivateKeyInfo { version, AlgorithmIdentifier { ecPublicKey, SM2 }, OCTET STRING { ECPrivateKey } }
    const info = childrenOf(der, expectTag(readTlv(der, 0), TAG.SEQUENCE, 'PrivateKeyInfo'));
    const alg = childrenOf(der, expectTag(info[1], TAG.SEQUENCE, 'AlgorithmIdentifier'));
    const curve = alg[1]?.tag === TAG.OID ? oidOf(der, alg[1]) : oidOf(der, alg[0]!);
    if (curve !== '1.2.156.10197.1.301') throw new Error(`not an SM2 key (${curve})`);
    const ecKey = contentOf(der, expectTag(info[2], TAG.OCTET_STRING, 'privateKey'));
    const fields = childrenOf(ecKey, expectTag(readTlv(ecKey, 0), TAG.SEQUENCE, 'ECPrivateKey'));
    const d = contentOf(ecKey, expectTag(fields[1], TAG.OCTET_STRING, 'the private scalar'));
    if (d.length > 32) throw new Error('private scalar too long');
    return d.toString('hex').padStart(64, '0');
  } catch (err) {
    throw new CebSignError(`invalid SM2 private key: ${(err as Error).message}`, 'SM2私钥格式无效');
  }
}

/** The white space from the last line break (CR LF or LF, as written) before `el`, '' when none. */
function indentBefore(source: string, el: XElement): string {
  let s = el.start;
  while (s > 0 && ' \t\r\n'.includes(source[s - 1]!)) s--;
  const ws = source.slice(s, el.start);
  const nl = ws.lastIndexOf('\n');
  if (nl < 0) return '';
  return ws.slice(nl > 0 && ws[nl - 1] === '\r' ? nl - 1 : nl);
}

/** Removes elements from the text, with their line when they stand on a line of their own. */
function removeElements(source: string, elements: XElement[]): string {
  let out = source;
  for (const e of [...elements].sort((a, b) => b.start - a.start)) {
    let s = e.start;
    let end = e.end;
    while (s > 0 && (out[s - 1] === ' ' || out[s - 1] === '\t')) s--;
    let t = end;
    while (out[t] === ' ' || out[t] === '\t') t++;
    if ((s === 0 || out[s - 1] === '\n') && (out[t] === '\n' || out.startsWith('\r\n', t))) {
      end = out[t] === '\n' ? t + 1 : t + 2;
    } else s = e.start;
    out = out.slice(0, s) + out.slice(end);
  }
  return out;
}

function signatureTemplate(
  signatureMethod: string,
  digestMethod: string,
  keyName: string,
  certDer: Buffer,
  newline: string,
): string {
  const alg = (name: string, uri: string) => `<ds:${name} Algorithm="${uri}"></ds:${name}>`;
  return [
    `<ds:Signature xmlns:ds="${DSIG_NS}">`,
    '<ds:SignedInfo>',
    alg('CanonicalizationMethod', C14N_10),
    alg('SignatureMethod', signatureMethod),
    '<ds:Reference URI="">',
    '<ds:Transforms>',
    alg('Transform', ENVELOPED_SIGNATURE),
    '</ds:Transforms>',
    alg('DigestMethod', digestMethod),
    '<ds:DigestValue></ds:DigestValue>',
    '</ds:Reference>',
    '</ds:SignedInfo>',
    '<ds:SignatureValue></ds:SignatureValue>',
    '<ds:KeyInfo>',
    `<ds:KeyName>${escapeXml(keyName)}</ds:KeyName>`,
    '<ds:X509Data>',
    `<ds:X509Certificate>${certDer.toString('base64')}</ds:X509Certificate>`,
    '</ds:X509Data>',
    '</ds:KeyInfo>',
    '</ds:Signature>',
  ].join(newline);
}

function findPath(el: XElement, path: string[]): XElement | undefined {
  let cur: XElement | undefined = el;
  for (const local of path) cur = cur && childElements(cur).find((c) => c.uri === DSIG_NS && c.local === local);
  return cur;
}

// ---------------------------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------------------------

/** Which check failed; the code is what ceb-messages.md §5.1 assigns to it. */
export type CebSignatureFailure =
  | { code: '1001'; reason: 'malformed' | 'missing-signature' | 'unsupported-algorithm' | 'bad-certificate' }
  | { code: '1001'; reason: 'key-mismatch' | 'bad-signature-value' | 'untrusted-certificate' | 'signer-mismatch' }
  | { code: '1002'; reason: 'certificate-expired' | 'certificate-not-yet-valid' }
  | { code: '1004'; reason: 'digest-mismatch' };

export type CebSignatureError = CebSignatureFailure & { message: Problem };

export interface VerifyCebOptions {
  /**
   * When given, the signer's certificate must be one of these (same DER) or be directly issued by one of them
   * (issuer name and certificate signature checked; SM2-with-SM3 and RSA). DER Buffer, PEM or Base64 string.
   */
  trustedCertificates?: readonly (Buffer | string | X509Certificate)[];
  /**
   * The enterprise the signer must be: at least one of the given codes (18-character USCC, 10-character customs
   * code) must appear in the certificate's subject or extensions. Where E-Port certificates carry the codes is not
   * documented (ceb-messages.md §8); the official sample certificate has them in private extensions.
   */
  expectedSigner?: { uscc?: string; customsCode?: string };
  /** The time at which the certificate must be valid (the message's receipt time); default now. */
  at?: Date;
}

export type CebVerifyResult =
  | {
      ok: true;
      algorithm: CebSignatureAlgorithm;
      signatureMethod: string;
      digestAlgorithm: DigestAlgorithm;
      digestMethod: string;
      keyName?: string;
      /** Compare certificate.fingerprintSm3 with the certificate registered for the enterprise. */
      certificate: CebCertificateInfo;
    }
  | {
      ok: false;
      errors: CebSignatureError[];
      keyName?: string;
      /** The signer's certificate, when it could be read. */
      certificate?: CebCertificateInfo;
    };

const MESSAGES: Record<CebSignatureFailure['reason'], Problem> = {
  malformed: { zh: '数字签名无效：签名格式错误', en: 'invalid signature: malformed' },
  'missing-signature': { zh: '数字签名无效：报文没有签名', en: 'invalid signature: the message is not signed' },
  'unsupported-algorithm': { zh: '数字签名无效：不支持的算法', en: 'invalid signature: unsupported algorithm' },
  'bad-certificate': { zh: '数字签名无效：签名证书无效', en: 'invalid signature: unusable certificate' },
  'key-mismatch': {
    zh: '数字签名无效：签名算法与证书密钥类型不符',
    en: 'invalid signature: the signature method does not fit the certificate key',
  },
  'bad-signature-value': {
    zh: '数字签名无效：签名值验证失败',
    en: 'invalid signature: the SignatureValue does not verify',
  },
  'untrusted-certificate': {
    zh: '数字签名无效：签名证书不受信任',
    en: 'invalid signature: the certificate is not a trusted one',
  },
  'signer-mismatch': {
    zh: '数字签名无效：签名证书与申报企业不一致',
    en: 'invalid signature: the certificate does not belong to the expected enterprise',
  },
  'certificate-expired': { zh: '数字签名过期：签名证书已过期', en: 'signature expired: the certificate has expired' },
  'certificate-not-yet-valid': {
    zh: '数字签名过期：签名证书尚未生效',
    en: 'signature expired: the certificate is not yet valid',
  },
  'digest-mismatch': { zh: '签名与数据不符', en: 'the signature and the data disagree (digest mismatch)' },
};

function failure(f: CebSignatureFailure, detail?: string): CebSignatureError {
  const m = MESSAGES[f.reason];
  return { ...f, message: detail ? { zh: `${m.zh}（${detail}）`, en: `${m.en} (${detail})` } : m };
}

class Malformed extends Error {
  constructor(
    readonly reason: 'malformed' | 'unsupported-algorithm' | 'missing-signature',
    message: string,
  ) {
    super(message);
  }
}

interface SignatureParts {
  c14n: C14nOptions;
  signatureMethod: string;
  algorithm: CebSignatureAlgorithm;
  referenceC14n: C14nOptions;
  digestMethod: string;
  digestAlgorithm: DigestAlgorithm;
  digestValue: Buffer;
  signatureValue: Buffer;
  signedInfo: XElement;
  keyName?: string;
  certificate: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function base64Of(el: XElement, what: string): Buffer {
  const text = textOf(el).replace(/[ \t\r\n]+/g, '');
  if (!BASE64.test(text) || text === '') throw new Malformed('malformed', `${what} is not Base64`);
  return Buffer.from(text, 'base64');
}

/** The element children of a ds element; anything but white space, comments and PIs besides them is malformed. */
function dsChildren(el: XElement): XElement[] {
  const out: XElement[] = [];
  for (const c of el.children as XNode[]) {
    if (c.type === 'element') out.push(c);
    else if (c.type === 'text' && c.value.trim() !== '') {
      throw new Malformed('malformed', `unexpected text in ${el.local}`);
    }
  }
  return out;
}

function expectDs(el: XElement | undefined, local: string, parent: string): XElement {
  if (!el || el.uri !== DSIG_NS || el.local !== local) {
    throw new Malformed('malformed', `${parent} must contain ds:${local}${el ? `, found ${el.name}` : ''}`);
  }
  return el;
}

function algorithmOf(el: XElement): string {
  const a = el.attrs.find((x) => x.local === 'Algorithm' && x.uri === '');
  if (!a) throw new Malformed('malformed', `${el.local} without Algorithm`);
  return a.value;
}

/** A CanonicalizationMethod or c14n Transform → options (with the exc-c14n InclusiveNamespaces PrefixList). */
function c14nOf(el: XElement): C14nOptions {
  const uri = algorithmOf(el);
  const method = C14N_METHODS[uri];
  if (!method) throw new Malformed('unsupported-algorithm', `canonicalization ${uri}`);
  const inclusive = childElements(el).find((c) => c.uri === EXC_C14N_NS && c.local === 'InclusiveNamespaces');
  const list = inclusive?.attrs.find((a) => a.local === 'PrefixList' && a.uri === '')?.value;
  return {
    ...method,
    ...(method.exclusive && list ? { inclusivePrefixes: list.split(/[ \t\r\n]+/).filter(Boolean) } : {}),
  };
}

function readSignatureParts(sig: XElement): SignatureParts {
  const [signedInfo, signatureValueEl, ...rest] = dsChildren(sig);
  expectDs(signedInfo, 'SignedInfo', 'Signature');
  expectDs(signatureValueEl, 'SignatureValue', 'Signature');
  const keyInfo = rest[0]?.local === 'KeyInfo' ? rest.shift() : undefined;
  if (keyInfo) expectDs(keyInfo, 'KeyInfo', 'Signature');
  for (const r of rest) expectDs(r, 'Object', 'Signature'); // ds:Object is allowed and not referenced

  const [c14nEl, methodEl, referenceEl, ...more] = dsChildren(signedInfo!);
  const c14n = c14nOf(expectDs(c14nEl, 'CanonicalizationMethod', 'SignedInfo'));
  const signatureMethod = algorithmOf(expectDs(methodEl, 'SignatureMethod', 'SignedInfo'));
  const algorithm = SIGNATURE_ALGORITHMS[signatureMethod];
  if (!algorithm) throw new Malformed('unsupported-algorithm', `SignatureMethod ${signatureMethod}`);
  if (childElements(methodEl!).length > 0) throw new Malformed('unsupported-algorithm', 'SignatureMethod parameters');
  expectDs(referenceEl, 'Reference', 'SignedInfo');
  if (more.length > 0) throw new Malformed('malformed', 'exactly one Reference is supported');

  const uri = referenceEl!.attrs.find((a) => a.local === 'URI' && a.uri === '');
  if (uri?.value !== '') throw new Malformed('malformed', 'the Reference must have URI=""');
  const refParts = dsChildren(referenceEl!);
  let i = 0;
  let referenceC14n: C14nOptions = { withComments: false, exclusive: false };
  if (refParts[0]?.uri === DSIG_NS && refParts[0].local === 'Transforms') {
    const transforms = dsChildren(refParts[0]).map((t) => expectDs(t, 'Transform', 'Transforms'));
    if (transforms.length === 0 || algorithmOf(transforms[0]!) !== ENVELOPED_SIGNATURE) {
      throw new Malformed('unsupported-algorithm', 'the first Transform must be enveloped-signature');
    }
    if (transforms.length > 2) throw new Malformed('unsupported-algorithm', 'more than two Transforms');
    // URI="" selects the document without comments: a WithComments transform cannot bring them back.
    if (transforms[1]) referenceC14n = { ...c14nOf(transforms[1]), withComments: false };
    i = 1;
  } else {
    throw new Malformed('malformed', 'the Reference needs the enveloped-signature transform');
  }
  const digestMethod = algorithmOf(expectDs(refParts[i], 'DigestMethod', 'Reference'));
  const digestAlgorithm = DIGEST_ALGORITHMS[digestMethod];
  if (!digestAlgorithm) throw new Malformed('unsupported-algorithm', `DigestMethod ${digestMethod}`);
  const digestValue = base64Of(expectDs(refParts[i + 1], 'DigestValue', 'Reference'), 'DigestValue');
  if (refParts.length !== i + 2) throw new Malformed('malformed', 'unexpected element in Reference');
  if (digestValue.length !== DIGEST_LENGTH[digestAlgorithm]) {
    throw new Malformed('malformed', `DigestValue is not a ${digestAlgorithm} digest`);
  }
  const signatureValue = base64Of(signatureValueEl!, 'SignatureValue');

  let keyName: string | undefined;
  let certificate: string | undefined;
  for (const k of keyInfo ? dsChildren(keyInfo) : []) {
    if (k.uri !== DSIG_NS) continue;
    if (k.local === 'KeyName') keyName = textOf(k).trim();
    else if (k.local === 'X509Data' && certificate === undefined) {
      const c = childElements(k).find((x) => x.uri === DSIG_NS && x.local === 'X509Certificate');
      if (c) certificate = base64Of(c, 'X509Certificate').toString('base64');
    }
  }
  if (certificate === undefined) throw new Malformed('malformed', 'no KeyInfo/X509Data/X509Certificate');
  return {
    c14n,
    signatureMethod,
    algorithm,
    referenceC14n,
    digestMethod,
    digestAlgorithm,
    digestValue,
    signatureValue,
    signedInfo: signedInfo!,
    keyName,
    certificate,
  };
}

function hasComments(doc: XmlDocument): boolean {
  if (doc.before.some((n) => n.type === 'comment') || doc.after.some((n) => n.type === 'comment')) return true;
  const walk = (e: XElement): boolean =>
    e.children.some((c) => c.type === 'comment' || (c.type === 'element' && walk(c)));
  return walk(doc.root);
}

function signatureValueVerifies(parts: SignatureParts, cert: ParsedCertificate, signedInfo: Buffer): boolean {
  if (parts.algorithm === 'sm2-sm3') {
    const value = parts.signatureValue;
    // raw r‖s (64 bytes) or DER; sm2Verify takes both as hex and checks the ranges
    return cert.info.publicKeyHex !== undefined && sm2Verify(signedInfo, value.toString('hex'), cert.info.publicKeyHex);
  }
  try {
    return cert.rsaKey !== undefined && nodeVerify('sha1', signedInfo, cert.rsaKey, parts.signatureValue);
  } catch {
    return false;
  }
}

/**
 * Verifies the enveloped signature of a CEB message (ceb-messages.md §8) and reports the signer's certificate.
 * Never throws on hostile input; an invalid `trustedCertificates` entry (the caller's configuration) throws.
 */
export function verifyCeb(xml: string | Uint8Array, opts: VerifyCebOptions = {}): CebVerifyResult {
  const trusted = (opts.trustedCertificates ?? []).map((c) => parseCertificate(c));
  try {
    return verifyUnsafe(xml, opts, trusted);
  } catch (err) {
    // Defensive: a bug must not turn hostile input into an exception.
    return { ok: false, errors: [failure({ code: '1001', reason: 'malformed' }, String(err))] };
  }
}

function verifyUnsafe(xml: string | Uint8Array, opts: VerifyCebOptions, trusted: ParsedCertificate[]): CebVerifyResult {
  const parsed = parseXmlDocument(xml, { positions: false });
  if (!parsed.ok) return { ok: false, errors: [failure({ code: '1001', reason: 'malformed' }, parsed.message)] };
  const doc = parsed.doc;
  const signatures = rootSignatures(doc);
  if (signatures.length === 0) {
    const nested = hasNestedSignature(doc.root);
    return {
      ok: false,
      errors: [
        failure(
          { code: '1001', reason: nested ? 'malformed' : 'missing-signature' },
          nested ? 'ds:Signature must be a child of the root element' : undefined,
        ),
      ],
    };
  }
  if (signatures.length > 1) {
    return { ok: false, errors: [failure({ code: '1001', reason: 'malformed' }, 'more than one ds:Signature')] };
  }
  const sigEl = signatures[0]!;

  let parts: SignatureParts;
  try {
    parts = readSignatureParts(sigEl);
  } catch (err) {
    if (err instanceof Malformed) {
      return { ok: false, errors: [failure({ code: '1001', reason: err.reason }, err.message)] };
    }
    throw err;
  }
  const keyName = parts.keyName;

  let cert: ParsedCertificate;
  try {
    cert = parseCertificate(parts.certificate);
  } catch (err) {
    const detail = err instanceof CertificateError ? err.message : String(err);
    return { ok: false, keyName, errors: [failure({ code: '1001', reason: 'bad-certificate' }, detail)] };
  }
  const certificate = certificateInfo(cert);
  const errors: CebSignatureError[] = [];

  // SignatureValue over the canonical SignedInfo.
  const wantKey = parts.algorithm === 'sm2-sm3' ? 'sm2' : 'rsa';
  if (certificate.keyAlgorithm !== wantKey) {
    errors.push(
      failure(
        { code: '1001', reason: 'key-mismatch' },
        `${parts.algorithm} with an ${certificate.keyAlgorithm} certificate`,
      ),
    );
  } else {
    const signedInfo = Buffer.from(canonicalize(parts.signedInfo, parts.c14n), 'utf8');
    if (!signatureValueVerifies(parts, cert, signedInfo)) {
      errors.push(failure({ code: '1001', reason: 'bad-signature-value' }));
    }
  }

  // The reference: the document minus this signature.
  const exclude = new Set([sigEl]);
  const computed = digest(parts.digestAlgorithm, canonicalize(doc, { ...parts.referenceC14n, exclude }));
  let digestOk = computed.equals(parts.digestValue);
  if (!digestOk && hasComments(doc)) {
    const withComments = canonicalize(doc, { ...parts.referenceC14n, withComments: true, exclude });
    digestOk = digest(parts.digestAlgorithm, withComments).equals(parts.digestValue);
  }
  if (!digestOk) errors.push(failure({ code: '1004', reason: 'digest-mismatch' }));

  // The certificate at the given time.
  const at = opts.at ?? new Date();
  if (at > certificate.notAfter) {
    errors.push(failure({ code: '1002', reason: 'certificate-expired' }, certificate.notAfter.toISOString()));
  } else if (at < certificate.notBefore) {
    errors.push(failure({ code: '1002', reason: 'certificate-not-yet-valid' }, certificate.notBefore.toISOString()));
  }

  if (trusted.length > 0 && !trusted.some((t) => t.der.equals(cert.der) || isIssuedBy(cert, t))) {
    errors.push(failure({ code: '1001', reason: 'untrusted-certificate' }, `SM3 ${certificate.fingerprintSm3}`));
  }
  const expected = [opts.expectedSigner?.uscc, opts.expectedSigner?.customsCode].filter(
    (c): c is string => c !== undefined && c.trim() !== '',
  );
  if (expected.length > 0 && !expected.some((c) => certificateMentions(cert, c))) {
    errors.push(failure({ code: '1001', reason: 'signer-mismatch' }, expected.join(' / ')));
  }

  if (errors.length > 0) return { ok: false, errors, keyName, certificate };
  return {
    ok: true,
    algorithm: parts.algorithm,
    signatureMethod: parts.signatureMethod,
    digestAlgorithm: parts.digestAlgorithm,
    digestMethod: parts.digestMethod,
    ...(keyName !== undefined ? { keyName } : {}),
    certificate,
  };
}

function hasNestedSignature(root: XElement): boolean {
  const walk = (e: XElement): boolean =>
    e.children.some((c) => c.type === 'element' && (isSignatureElement(c) || walk(c)));
  return walk(root);
}
