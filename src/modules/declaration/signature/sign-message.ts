/**
 * Building a message to sign (signCeb inserts the signature into the XML) and signing it: for the demo data, the
 * command line and the gateway's transfer-node signature.
 */
import { buildCeb, type CebMessage, type CebSignature } from '../ceb/codec.js';
import { CEB_MESSAGE_DEFS, type CebMessageType } from '../ceb/definitions.generated.js';
import { C14N_10, ENVELOPED_SIGNATURE } from './c14n.js';
import { type CebSigningKey, DIGEST_METHOD, SIGNATURE_METHOD, signCeb } from './xmldsig.js';

/** Whether the message's XSD requires a ds:Signature (CEB621, 623, 625, 711 …). */
export function signatureRequired(type: CebMessageType): boolean {
  return CEB_MESSAGE_DEFS[type].children.some((c) => c.kind === 'signature' && c.minOccurs > 0);
}

const PLACEHOLDER_SIGNATURE: CebSignature = {
  canonicalizationMethod: C14N_10,
  signatureMethod: SIGNATURE_METHOD.sm2Sm3Chinaport,
  references: [
    { uri: '', transforms: [ENVELOPED_SIGNATURE], digestMethod: DIGEST_METHOD.sm3Chinaport, digestValue: '' },
  ],
  signatureValue: '',
};

/**
 * buildCeb for a message to be signed afterwards (signCeb inserts the signature into the XML): a message whose XSD
 * requires a Signature is built with a placeholder, which is then taken out again. Everything else is checked as
 * buildCeb checks it.
 */
export function buildCebUnsigned(message: CebMessage): string {
  if (message.signature || !signatureRequired(message.type)) return buildCeb(message);
  const xml = buildCeb({ ...message, signature: PLACEHOLDER_SIGNATURE });
  const start = xml.indexOf('<ds:Signature ');
  const end = xml.indexOf('</ds:Signature>', start);
  if (start < 0 || end < 0) throw new Error('buildCebUnsigned: the placeholder signature is missing');
  let from = start;
  while (from > 0 && (xml[from - 1] === ' ' || xml[from - 1] === '\n')) from--;
  return xml.slice(0, from) + xml.slice(end + '</ds:Signature>'.length);
}

/** The message as signed XML (enveloped XML-DSig with the key's certificate). */
export function signedCeb(message: CebMessage, key: CebSigningKey): string {
  return signCeb(buildCebUnsigned({ ...message, signature: undefined }), key);
}
