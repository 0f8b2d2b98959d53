import { createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { sm3, sm4 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import { PersonalInfoCipher } from '../../src/platform/crypto/personal-info.js';

const KEY = '0123456789abcdeffedcba9876543210';
const OTHER_KEY = 'fedcba98765432100123456789abcdef';
const cipher = PersonalInfoCipher.fromKeyHex(KEY);

/** Flips one hex digit of the stored form at `index` (within the IV, ciphertext or tag). */
function flipHex(enc: string, index: number): string {
  const ch = enc.charAt(index);
  const flipped = ((Number.parseInt(ch, 16) + 1) % 16).toString(16);
  return enc.slice(0, index) + flipped + enc.slice(index + 1);
}

describe('SM4-GCM primitive (sm-crypto-v2) matches RFC 8998 appendix A.1', () => {
  it('known-answer vector: ciphertext and tag', () => {
    const pt = Uint8Array.from(
      Buffer.from(
        'AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDDEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA',
        'hex',
      ),
    );
    const out = sm4.encrypt(pt, KEY, {
      mode: 'gcm',
      iv: '00001234567800000000abcd',
      associatedData: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
      outputTag: true,
    });
    expect(out.output).toBe(
      '17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d',
    );
    expect(out.tag).toBe('83de3541e4c2b58177e065a9bf7b62ec');
  });
});

describe('PersonalInfoCipher encryption', () => {
  it('stored form is v2:<32 hex IV>:<ciphertext hex>:<64 hex HMAC-SM3>', () => {
    const enc = cipher.encrypt('11010519491231002X');
    expect(enc).toMatch(/^v2:[0-9a-f]{32}:[0-9a-f]{36}:[0-9a-f]{64}$/); // 18 bytes of SM4-CTR ciphertext
  });

  it('decrypts a v2 value stored by an earlier run (the v2 format is stable)', () => {
    expect(
      cipher.decrypt(
        'v2:86181ae003056edb2f6044dc20e1275c:513fa1dd37ff9567d4c5f4483da8a5473749:1a4b8d91a9c49d40ba88c7133cfd3d52b26066eed3ca3f78077ea883742fcdba',
      ),
    ).toBe('11010519491231002X');
  });

  it('v2 is SM4-CTR under the master key, authenticated by HMAC-SM3 under the HKDF-SM3 sub-key "cbec-zone/pi-mac/v2"', () => {
    const [, ivHex, ctHex, macHex] = cipher.encrypt('13812345678').split(':') as [string, string, string, string];
    const master = Buffer.from(KEY, 'hex');
    const macKey = Buffer.from(hkdfSync('sm3', master, Buffer.alloc(0), 'cbec-zone/pi-mac/v2', 32));
    const iv = Buffer.from(ivHex, 'hex');
    const ct = Buffer.from(ctHex, 'hex');
    expect(createHmac('sm3', macKey).update('v2:').update(iv).update(ct).digest('hex')).toBe(macHex);
    const d = createDecipheriv('sm4-ctr', master, iv);
    expect(Buffer.concat([d.update(ct), d.final()]).toString('utf8')).toBe('13812345678');
  });

  it('decrypts a value stored by an earlier run (the v1 format is stable)', () => {
    expect(
      cipher.decrypt(
        'v1:ae3eca715ec633d06adb1260:f7a9d49d9da8ad3b8c4a9fc35b9001ebe1ee7a83a9dc2de34b43adc44472dd876129',
      ),
    ).toBe('11010519491231002X');
    expect(cipher.decrypt('v1:5cecbc43e2254c9698bfa513:16dddc17f0b65d5c02c875fdd37e5052e01df0484432')).toBe('张三');
  });

  it('a fresh random IV per value: the same plaintext encrypts differently each time', () => {
    const values = new Set(Array.from({ length: 20 }, () => cipher.encrypt('13812345678')));
    expect(values.size).toBe(20);
  });

  it('property: decrypt(encrypt(x)) = x for any Unicode string, including the empty string', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        (plain) => cipher.decrypt(cipher.encrypt(plain)) === plain,
      ),
    );
  });

  it('property: changing any hex digit of the IV, ciphertext or tag makes decrypt throw', () => {
    const enc = cipher.encrypt('甘肃省兰州市城关区张掖路1号');
    const hexPositions = [...enc].flatMap((ch, i) => (i > 3 && ch !== ':' ? [i] : []));
    fc.assert(
      fc.property(fc.constantFrom(...hexPositions), (i) => {
        expect(() => cipher.decrypt(flipHex(enc, i))).toThrow();
      }),
      { numRuns: 200 },
    );
  });

  it('tampered input throws a clear error', () => {
    const enc = cipher.encrypt('11010519491231002X');
    expect(() => cipher.decrypt(flipHex(enc, enc.length - 1))).toThrow(/failed authentication/);
  });

  it('a value encrypted under another key cannot be decrypted', () => {
    const enc = PersonalInfoCipher.fromKeyHex(OTHER_KEY).encrypt('11010519491231002X');
    expect(() => cipher.decrypt(enc)).toThrow(/failed authentication/);
  });

  it.each([
    '',
    '11010519491231002X',
    'v2:ae3eca715ec633d06adb1260:f7a9d49d9da8ad3b8c4a9fc35b9001ebe1ee7a83a9dc2de34b43adc44472dd876129',
    'v1:ae3eca715ec633d06adb12:f7a9d49d9da8ad3b8c4a9fc35b9001ebe1ee7a83a9dc2de34b43adc44472dd876129',
    'v1:ae3eca715ec633d06adb1260:f7a9d49d9da8ad3b8c4a9fc35b9001', // shorter than a tag
    'v1:ae3eca715ec633d06adb1260:F7A9D49D9DA8AD3B8C4A9FC35B9001EBE1EE7A83A9DC2DE34B43ADC44472DD876129',
    'v1:ae3eca715ec633d06adb1260:f7a9d49d9da8ad3b8c4a9fc35b9001ebe1ee7a83a9dc2de34b43adc44472dd87612',
  ])('malformed stored value %j throws', (enc) => {
    expect(() => cipher.decrypt(enc)).toThrow(/not an encrypted personal-information value/);
  });

  it('truncating the ciphertext (dropping a byte before the tag) throws', () => {
    const enc = cipher.encrypt('11010519491231002X');
    expect(() => cipher.decrypt(enc.slice(0, 28) + enc.slice(30))).toThrow();
  });
});

describe('PersonalInfoCipher keyed lookup hash (HMAC-SM3 with an HKDF-SM3 sub-key)', () => {
  it('is deterministic, 64 hex characters, and differs between values', () => {
    const h = cipher.hash('11010519491231002X');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(cipher.hash('11010519491231002X')).toBe(h);
    expect(cipher.hash('440524188001010014')).not.toBe(h);
  });

  it('matches the documented derivation, computed independently with node:crypto (OpenSSL SM3)', () => {
    const hashKey = Buffer.from(
      hkdfSync('sm3', Buffer.from(KEY, 'hex'), Buffer.alloc(0), 'cbec-zone/pi-lookup-hash/v1', 32),
    );
    const expected = createHmac('sm3', hashKey).update('11010519491231002X', 'utf8').digest('hex');
    expect(cipher.hash('11010519491231002X')).toBe(expected);
    expect(expected).toBe('fe51d3ae856078d689c06d30795f071d4af5cc6ff83c0de95262d98f5c567aef');
  });

  it('the hash key is not the encryption key: HMAC-SM3 keyed with the master key gives a different value', () => {
    expect(cipher.hash('11010519491231002X')).not.toBe(sm3('11010519491231002X', { key: KEY, mode: 'hmac' }));
  });

  it('is keyed: another master key gives another hash, and it is not the plain SM3 digest', () => {
    const other = PersonalInfoCipher.fromKeyHex(OTHER_KEY);
    expect(other.hash('11010519491231002X')).not.toBe(cipher.hash('11010519491231002X'));
    expect(cipher.hash('11010519491231002X')).not.toBe(sm3('11010519491231002X'));
  });

  it('hashes UTF-8: Chinese text hashes like its UTF-8 bytes', () => {
    const hashKey = Buffer.from(
      hkdfSync('sm3', Buffer.from(KEY, 'hex'), Buffer.alloc(0), 'cbec-zone/pi-lookup-hash/v1', 32),
    );
    expect(cipher.hash('张三')).toBe(createHmac('sm3', hashKey).update(Buffer.from('张三', 'utf8')).digest('hex'));
  });
});

describe('PersonalInfoCipher.fromKeyHex', () => {
  it('accepts upper-case hex', () => {
    const upper = PersonalInfoCipher.fromKeyHex(KEY.toUpperCase());
    expect(upper.decrypt(cipher.encrypt('x'))).toBe('x');
    expect(upper.hash('x')).toBe(cipher.hash('x'));
  });

  it.each(['', '0123456789abcdef', `${KEY}00`, 'g123456789abcdeffedcba9876543210'])('rejects key %j', (key) => {
    expect(() => PersonalInfoCipher.fromKeyHex(key)).toThrow(/32 hex characters/);
  });
});
