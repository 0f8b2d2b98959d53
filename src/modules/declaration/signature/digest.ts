/**
 * Message digests for XML-DSig references: SM3 (GB/T 32905) and SHA-1. SM3 comes from node:crypto when the
 * OpenSSL that Node runs on has it (OpenSSL 3, as on Node 20), else from sm-crypto-v2 (pure JS, same result).
 */
import { createHash, getHashes } from 'node:crypto';
import { sm3 } from 'sm-crypto-v2';

export type DigestAlgorithm = 'sm3' | 'sha1';

const NATIVE_SM3 = getHashes().includes('sm3');

export function digest(algorithm: DigestAlgorithm, data: Uint8Array | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (algorithm === 'sm3' && !NATIVE_SM3) return Buffer.from(sm3(bytes), 'hex');
  return createHash(algorithm).update(bytes).digest();
}

export function sm3Hex(data: Uint8Array | string): string {
  return digest('sm3', data).toString('hex');
}
