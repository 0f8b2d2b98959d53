/**
 * Personal information at rest (identity numbers, phones, addresses …) and the platform's other data secrets.
 *
 * - Encryption: SM4 (GB/T 32907-2016) in GCM mode (authenticated, RFC 8998), keyed with the 128-bit master key, with
 *   a fresh random 96-bit IV per value. Stored form: `v1:<iv hex, 24>:<ciphertext hex><tag hex, 32>`.
 *   Any change to the stored form, or the wrong key, makes `decrypt` throw.
 * - Lookup hash: HMAC-SM3 (GB/T 32905-2016) over the UTF-8 value, so equal values can be found without decrypting.
 *   Its key is a sub-key, never the encryption key itself:
 *     hashKey = HKDF-SM3(IKM = master key, salt = none, info = "cbec-zone/pi-lookup-hash/v1", L = 32 bytes)
 *   (RFC 5869 HKDF with SM3). The hash is over the exact string: callers normalise first (e.g. upper-case ID numbers).
 */
import { randomBytes } from 'node:crypto';
import { hkdf, sm3, sm4 } from 'sm-crypto-v2';

const VERSION = 'v1';
const HASH_KEY_INFO = 'cbec-zone/pi-lookup-hash/v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const STORED = /^v1:([0-9a-f]{24}):((?:[0-9a-f]{2}){16,})$/;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export class PersonalInfoCipher {
  private constructor(
    private readonly encKey: Uint8Array,
    private readonly hashKey: Uint8Array,
  ) {}

  /** From the 128-bit master key as 32 hex characters. */
  static fromKeyHex(hex32: string): PersonalInfoCipher {
    if (!/^[0-9a-fA-F]{32}$/.test(hex32))
      throw new Error('personal-information key must be 32 hex characters (128 bits)');
    const master = Uint8Array.from(Buffer.from(hex32, 'hex'));
    return new PersonalInfoCipher(master, hkdf(master, undefined, HASH_KEY_INFO, 32));
  }

  encrypt(plain: string): string {
    const iv = Uint8Array.from(randomBytes(IV_BYTES));
    const data = new TextEncoder().encode(plain);
    const { output, tag } = sm4.encrypt(data, this.encKey, { mode: 'gcm', iv, output: 'array', outputTag: true });
    if (!tag) throw new Error('SM4-GCM produced no authentication tag');
    return `${VERSION}:${hex(iv)}:${hex(output)}${hex(tag)}`;
  }

  /** Throws on anything that is not an intact value encrypted under this key. */
  decrypt(enc: string): string {
    const m = STORED.exec(enc);
    if (!m) throw new Error('not an encrypted personal-information value');
    const iv = Buffer.from(m[1] as string, 'hex');
    const body = Buffer.from(m[2] as string, 'hex');
    const cipherText = Uint8Array.from(body.subarray(0, body.length - TAG_BYTES));
    const tag = Uint8Array.from(body.subarray(body.length - TAG_BYTES));
    let plain: Uint8Array;
    try {
      plain = sm4.decrypt(cipherText, this.encKey, { mode: 'gcm', iv: Uint8Array.from(iv), tag, output: 'array' });
    } catch {
      throw new Error('personal-information value failed authentication (tampered or wrong key)');
    }
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  }

  /** Keyed lookup hash (HMAC-SM3 with the derived sub-key), 64 hex characters. */
  hash(plain: string): string {
    return sm3(new TextEncoder().encode(plain), { key: this.hashKey, mode: 'hmac' });
  }
}
