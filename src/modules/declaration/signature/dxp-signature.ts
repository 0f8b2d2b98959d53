/**
 * The signature of a DxpMsg envelope (the gateway signs what it sends to customs with the platform's key; the customs
 * emulator checks it).
 */
import { sm2Verify } from '../../../platform/crypto/sm2.js';
import { escapeXml } from '../ceb/xml-tree.js';
import { C14N_10, canonicalize, DSIG_NS, ENVELOPED_SIGNATURE } from './c14n.js';
import { digest } from './digest.js';
import { childElements, parseXmlDocument, textOf, type XElement } from './xml-document.js';
import { DIGEST_METHOD, SIGNATURE_METHOD } from './xmldsig.js';

/** Who signs the DxpMsg envelopes (the platform's SM2 key: src/platform/crypto/signing.ts). */
export type DxpSigner = { keyId: string; sign(message: string): string };

/**
 * Signs a DxpMsg (ds:Signature as its last child, which the terminal XSD allows): an enveloped XML-DSig signature with
 * Canonical XML 1.0, an SM3 digest and an SM2-SM3 SignatureValue (raw r‖s), KeyInfo/KeyName = the signer's key id
 * (the platform key published at /.well-known/cbec-zone/keys). `xml` must not be signed yet.
 */
export function signDxp(xml: string, signer: DxpSigner): string {
  const close = xml.lastIndexOf('</');
  if (close < 0) throw new Error('signDxp: not an XML element');
  const alg = (name: string, uri: string) => `<ds:${name} Algorithm="${uri}"></ds:${name}>`;
  const template =
    `<ds:Signature xmlns:ds="${DSIG_NS}"><ds:SignedInfo>${alg('CanonicalizationMethod', C14N_10)}` +
    `${alg('SignatureMethod', SIGNATURE_METHOD.sm2Sm3Chinaport)}<ds:Reference URI=""><ds:Transforms>` +
    `${alg('Transform', ENVELOPED_SIGNATURE)}</ds:Transforms>${alg('DigestMethod', DIGEST_METHOD.sm3Chinaport)}` +
    '<ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue>' +
    `<ds:KeyInfo><ds:KeyName>${escapeXml(signer.keyId)}</ds:KeyName></ds:KeyInfo></ds:Signature>`;
  const withTemplate = xml.slice(0, close) + template + xml.slice(close);
  const parsed = parseXmlDocument(withTemplate);
  if (!parsed.ok) throw new Error(`signDxp: ${parsed.message}`);
  const sig = dxpSignature(parsed.doc.root);
  if (!sig) throw new Error('signDxp: the signature template is missing');
  const digestValue = digest('sm3', canonicalize(parsed.doc, { exclude: new Set([sig.el]) })).toString('base64');
  sig.digestValue.children = [{ type: 'text', value: digestValue }];
  const value = Buffer.from(signer.sign(canonicalize(sig.signedInfo)), 'hex').toString('base64');
  return (
    withTemplate.slice(0, sig.digestValue.endTagStart) +
    digestValue +
    withTemplate.slice(sig.digestValue.endTagStart, sig.signatureValue.endTagStart) +
    value +
    withTemplate.slice(sig.signatureValue.endTagStart)
  );
}

/** Checks a signDxp signature against an SM2 public key (hex `04…`); false when absent, altered or by another key. */
export function verifyDxp(xml: string | Uint8Array, publicKeyHex: string): boolean {
  const parsed = parseXmlDocument(xml);
  if (!parsed.ok) return false;
  const sig = dxpSignature(parsed.doc.root);
  if (!sig) return false;
  const expected = digest('sm3', canonicalize(parsed.doc, { exclude: new Set([sig.el]) })).toString('base64');
  if (textOf(sig.digestValue).trim() !== expected) return false;
  const value = Buffer.from(textOf(sig.signatureValue).replace(/\s+/g, ''), 'base64').toString('hex');
  return sm2Verify(canonicalize(sig.signedInfo), value, publicKeyHex);
}

function dxpSignature(
  root: XElement,
): { el: XElement; signedInfo: XElement; digestValue: XElement; signatureValue: XElement } | null {
  const el = childElements(root).find((c) => c.uri === DSIG_NS && c.local === 'Signature');
  if (!el) return null;
  const ds = (parent: XElement | undefined, local: string) =>
    parent ? childElements(parent).find((c) => c.uri === DSIG_NS && c.local === local) : undefined;
  const signedInfo = ds(el, 'SignedInfo');
  const digestValue = ds(ds(signedInfo, 'Reference'), 'DigestValue');
  const signatureValue = ds(el, 'SignatureValue');
  if (!signedInfo || !digestValue || !signatureValue) return null;
  return { el, signedInfo, digestValue, signatureValue };
}
