import type { FilingService } from '../filing/service.js';
import type { IntakeError, MessageSpec } from './model.js';
import type { SignatureCheck } from './service.js';
import { verifyCeb } from './signature/xmldsig.js';

/**
 * Verifies a message's XML-DSig signature against the sender's registered certificates (加签). The codes are the
 * data exchange's (1001 invalid, 1002 expired, 1004 data and signature disagree), or for lists and cancellations
 * the customs business codes (-621028 加签数据比对失败 / -621029 验签失败, -623029).
 */
export function signatureCheck(filing: FilingService): SignatureCheck {
  return async (xml: Buffer, uscc: string, spec: MessageSpec): Promise<IntakeError[]> => {
    const path = `${spec.type}/Signature`;
    const certificates = await filing.signingCertificates(uscc);
    const r =
      certificates.length === 0
        ? {
            ok: false as const,
            errors: [
              {
                code: '1001',
                message: {
                  zh: '企业未登记签名证书，无法验签',
                  en: 'The enterprise has registered no signing certificate',
                },
              },
            ],
          }
        : // the registered certificates were checked to name the enterprise when they were registered
          verifyCeb(xml, { trustedCertificates: certificates, at: new Date() });
    if (r.ok) return [];
    return r.errors.map((e) => {
      let code: string = e.code;
      if (spec.type === 'CEB621Message') code = e.code === '1004' ? '-621028' : '-621029';
      else if (spec.type === 'CEB623Message') code = '-623029';
      return { code, path, message: { zh: `${e.message.zh}（${e.code}）`, en: `${e.message.en} (${e.code})` } };
    });
  };
}
