import type { FilingService } from '../filing/port.js';
import type { IntakeError } from './model.js';
import type { SignatureCheck } from './service.js';
import { type CebSignatureError, verifyCeb } from './signature/xmldsig.js';

/**
 * Verifies a message's XML-DSig signature (加签) at its signing time: the signature and digest, the signer's
 * certificate naming the sender (its USCC or customs code), registered with the sender's filing and trusted by the
 * zone (issued by a CA of the trust store or approved by customs), valid at the signing time, neither it nor its CA
 * removed or revoked (filing/trust-model.ts). The codes are the data exchange's (1001 invalid, 1002 expired, 1004
 * data and signature disagree), or for lists, cancellations and returns the customs business codes (-621028
 * 加签数据比对失败 / -621029 验签失败, -623029, -625013 申报单位与证书不一致).
 */
export function signatureCheck(filing: FilingService): SignatureCheck {
  return async (xml, uscc, spec, { signedAt, receivedAt }): Promise<IntakeError[]> => {
    const path = `${spec.type}/Signature`;
    const [, customsCode] = await filing.codesOf(uscc);
    const r = verifyCeb(xml, { at: signedAt, expectedSigner: { uscc, customsCode } });
    const failures: (Pick<CebSignatureError, 'code' | 'message'> & { reason?: string })[] = r.ok ? [] : r.errors;
    if (r.ok) {
      const verdict = await filing.signingVerdict(uscc, r.certificate.fingerprintSm3, signedAt, receivedAt);
      if (!verdict.ok) failures.push(verdict);
    }
    return failures.map((e) => {
      let code: string = e.code;
      if (spec.type === 'CEB621Message') code = e.code === '1004' ? '-621028' : '-621029';
      else if (spec.type === 'CEB623Message') code = '-623029';
      else if (spec.type === 'CEB625Message' && e.reason === 'signer-mismatch') code = '-625013';
      return { code, path, message: { zh: `${e.message.zh}（${e.code}）`, en: `${e.message.en} (${e.code})` } };
    });
  };
}
