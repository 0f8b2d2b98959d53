/**
 * The DEMO signing keys and certificates of the demo enterprises (tables/demo-pki, made by
 * scripts/make-demo-pki.sh, issued by the demo CA): the demo data, the README tour and the tests sign lists with
 * them. Not secret, never for production (the folder's README).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CebSigningKey } from '../modules/declaration/signature/xmldsig.js';

/** The demo PKI shipped with the project (tables/demo-pki, DEMO ONLY): the demo CA and the demo enterprises' keys. */
export const DEMO_PKI_DIR = join(import.meta.dirname, '../../tables/demo-pki');

export function demoCertificatePem(uscc: string): string | null {
  const file = join(DEMO_PKI_DIR, `${uscc}.cert.pem`);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** The demo enterprise's SM2 signing key with its certificate, or null for an enterprise without one. */
export function demoSigningKey(uscc: string): CebSigningKey | null {
  const pem = demoCertificatePem(uscc);
  const keyFile = join(DEMO_PKI_DIR, `${uscc}.key.pem`);
  if (!pem || !existsSync(keyFile)) return null;
  return {
    algorithm: 'sm2-sm3',
    privateKey: readFileSync(keyFile, 'utf8'),
    certificateDer: Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'),
    keyName: uscc.slice(-8),
  };
}
