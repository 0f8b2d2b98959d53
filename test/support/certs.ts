import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CebSigningKey } from '../../src/modules/declaration/signature/xmldsig.js';

/**
 * A fresh SM2 key and a self-signed SM2-with-SM3 certificate naming the enterprise (its USCC in the OU), made with
 * the openssl CLI (OpenSSL 3, as on Debian). Test keys only.
 */
export function makeSm2Signer(uscc: string, days = 30): CebSigningKey & { certificatePem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cbec-cert-'));
  try {
    execFileSync('openssl', ['genpkey', '-algorithm', 'SM2', '-out', join(dir, 'k.pem')], { stdio: 'pipe' });
    execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-x509',
        '-key',
        join(dir, 'k.pem'),
        '-sm3',
        '-sigopt',
        'distid:1234567812345678',
        '-subj',
        `/C=CN/O=cbec-zone test/OU=${uscc}/CN=${uscc}`,
        '-days',
        String(days),
        '-out',
        join(dir, 'c.pem'),
      ],
      { stdio: 'pipe' },
    );
    const certificatePem = readFileSync(join(dir, 'c.pem'), 'utf8');
    const der = Buffer.from(certificatePem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
    return {
      algorithm: 'sm2-sm3',
      privateKey: readFileSync(join(dir, 'k.pem'), 'utf8'),
      certificateDer: der,
      keyName: 'test',
      certificatePem,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
