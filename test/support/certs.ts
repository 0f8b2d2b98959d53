import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** A test certificate authority: an SM2 key and a self-signed CA certificate (basicConstraints cA), in a folder. */
export type TestCa = { dir: string; certificatePem: string; close(): void };

const DISTID = ['-sigopt', 'distid:1234567812345678'];

export function makeSm2Ca(name = 'cbec-zone test CA', days = 365): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'cbec-ca-'));
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe', cwd: dir });
  run(['genpkey', '-algorithm', 'SM2', '-out', 'ca.key']);
  run([
    'req',
    '-new',
    '-x509',
    '-key',
    'ca.key',
    '-sm3',
    ...DISTID,
    '-subj',
    `/C=CN/O=${name}/CN=${name}`,
    '-days',
    String(days),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    'ca.pem',
  ]);
  return {
    dir,
    certificatePem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** An SM2 signing key and a certificate naming the enterprise, issued by the test CA. */
export function issueSm2(ca: TestCa, uscc: string, days = 30): CebSigningKey & { certificatePem: string } {
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe', cwd: ca.dir });
  const id = `${uscc}-${Math.random().toString(36).slice(2, 8)}`;
  run(['genpkey', '-algorithm', 'SM2', '-out', `${id}.key`]);
  run([
    'req',
    '-new',
    '-key',
    `${id}.key`,
    '-sm3',
    ...DISTID,
    '-subj',
    `/C=CN/O=test/OU=${uscc}/CN=${uscc}`,
    '-out',
    `${id}.csr`,
  ]);
  run([
    'x509',
    '-req',
    '-in',
    `${id}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-set_serial',
    `0x${Math.floor(Math.random() * 2 ** 48).toString(16)}`,
    '-sm3',
    ...DISTID,
    '-vfyopt',
    'distid:1234567812345678',
    '-days',
    String(days),
    '-out',
    `${id}.pem`,
  ]);
  const certificatePem = readFileSync(join(ca.dir, `${id}.pem`), 'utf8');
  return {
    algorithm: 'sm2-sm3',
    privateKey: readFileSync(join(ca.dir, `${id}.key`), 'utf8'),
    certificateDer: Buffer.from(certificatePem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'),
    keyName: 'test',
    certificatePem,
  };
}

/** A CRL of the test CA revoking the given certificates (PEM). */
export function makeCrl(ca: TestCa, revoked: string[]): string {
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe', cwd: ca.dir });
  writeFileSync(join(ca.dir, 'index.txt'), '');
  writeFileSync(join(ca.dir, 'crlnumber'), '01\n');
  writeFileSync(
    join(ca.dir, 'ca.cnf'),
    `[ca]\ndefault_ca=d\n[d]\ndatabase=${join(ca.dir, 'index.txt')}\ncrlnumber=${join(ca.dir, 'crlnumber')}\ndefault_md=sm3\ndefault_crl_days=30\n`,
  );
  revoked.forEach((pem, i) => {
    writeFileSync(join(ca.dir, `revoke-${i}.pem`), pem);
    run(['ca', '-config', 'ca.cnf', '-revoke', `revoke-${i}.pem`, '-keyfile', 'ca.key', '-cert', 'ca.pem']);
  });
  run(['ca', '-config', 'ca.cnf', '-gencrl', '-keyfile', 'ca.key', '-cert', 'ca.pem', ...DISTID, '-out', 'crl.pem']);
  return readFileSync(join(ca.dir, 'crl.pem'), 'utf8');
}
