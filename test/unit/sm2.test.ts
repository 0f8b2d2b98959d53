import { createRequire } from 'node:module';
import fc from 'fast-check';
import { sm3, sm2 as smjs } from 'sm-crypto-v2';
import { afterEach, describe, expect, it } from 'vitest';
import {
  jsSm2,
  nativeSm2,
  nativeSm2Error,
  type Sm2Backend,
  SM2_STANDARD_EXAMPLE as STD,
  sm2Backend,
  sm2DerToRaw,
  sm2RawToDer,
  sm2Sign,
  sm2Verify,
  sm2Z,
} from '../../src/platform/crypto/sm2.js';

const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const hex64 = (v: bigint) => v.toString(16).padStart(64, '0');
const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [mod(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  return mod(t0, m);
}
function flipHexByte(hex: string, index: number, mask: number): string {
  const b = Buffer.from(hex, 'hex');
  b[index % b.length]! ^= mask;
  return b.toString('hex');
}

const native = nativeSm2();
const requireNative = process.env.REQUIRE_NATIVE_SM2 === '1';
const nativeSkipNote = native
  ? ''
  : ` — SKIPPED: ${nativeSm2Error()} (set REQUIRE_NATIVE_SM2=1 to make this a failure)`;
if (!native && !requireNative) console.warn(`[sm2.test] native SM2 tests skipped: ${nativeSm2Error()}`);
/** Both backends when the addon is there, else only the JS one. */
const backends: Sm2Backend[] = native ? [jsSm2, native] : [jsSm2];

describe('SM2 native addon availability', () => {
  it.runIf(requireNative)('REQUIRE_NATIVE_SM2=1: the native addon is built, loads and passes its self-test', () => {
    expect(nativeSm2Error()).toBeUndefined();
    expect(sm2Backend()).toBe(process.env.CBEC_SM2_BACKEND === 'js' ? 'js' : 'native');
  });
});

describe('SM2 (a) GM/T 0003.5-2012 Annex A example, recommended curve, ID 1234567812345678', () => {
  it('Z and e = SM3(Z‖M) are those of the standard', () => {
    expect(sm2Z(STD.publicKey, STD.userId)).toBe(STD.z);
    expect(sm3(Buffer.concat([Buffer.from(STD.z, 'hex'), Buffer.from(STD.message)]))).toBe(STD.e);
    expect(smjs.getPublicKeyFromPrivateKey(STD.privateKey)).toBe(STD.publicKey);
  });

  it('(r, s) follow from the standard k: r = e + x1 mod n, s = (1+d)^-1 (k - r·d) mod n', () => {
    const kG = smjs.getPublicKeyFromPrivateKey(STD.k);
    expect(kG.slice(2, 66)).toBe('04ebfc718e8d1798620432268e77feb6415e2ede0e073c0f4f640ecd2e149a73');
    const [e, x1, d, k] = [STD.e, kG.slice(2, 66), STD.privateKey, STD.k].map((h) => BigInt(`0x${h}`)) as [
      bigint,
      bigint,
      bigint,
      bigint,
    ];
    const r = mod(e + x1, N);
    const s = mod(modInverse(1n + d, N) * (k - r * d), N);
    expect(hex64(r) + hex64(s)).toBe(STD.signature);
  });

  for (const b of backends) {
    it(`${b.name}: the example verifies (raw and DER; default and explicit ID), a changed one does not`, () => {
      expect(b.verify(STD.message, STD.signature, STD.publicKey)).toBe(true);
      expect(b.verify(Buffer.from(STD.message), STD.signature.toUpperCase(), STD.publicKey.toUpperCase())).toBe(true);
      expect(b.verify(STD.message, sm2RawToDer(STD.signature), STD.publicKey, { userId: STD.userId })).toBe(true);
      expect(b.verify(STD.message, STD.signature, STD.publicKey, { userId: 'ALICE123@YAHOO.COM' })).toBe(false);
      expect(b.verify('message digesT', STD.signature, STD.publicKey)).toBe(false);
    });
  }
  it.skipIf(!native)(`native and JS agree on the example${nativeSkipNote}`, () => {
    expect(native!.verify(STD.message, STD.signature, STD.publicKey)).toBe(
      jsSm2.verify(STD.message, STD.signature, STD.publicKey),
    );
  });
});

// Keys, messages (UTF-8 strings, with astral characters, or bytes) and user ids (default, strings, bytes, empty).
const privateKeyArb = fc.bigInt({ min: 1n, max: N - 2n }).map(hex64);
const messageArb = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.string({ unit: fc.constantFrom('a', 'é', '中', '😀', '\u{10FFFD}'), maxLength: 16 }),
  fc.uint8Array({ maxLength: 600 }),
);
const userIdArb = fc.option(
  fc.oneof(fc.string({ unit: 'binary', maxLength: 24 }), fc.uint8Array({ maxLength: 24 }), fc.constant('')),
  { nil: undefined },
);

describe.skipIf(!native)(`SM2 (b) native ⇄ sm-crypto-v2 interoperability, 200 random cases${nativeSkipNote}`, () => {
  it('a signature by either backend verifies on both', () => {
    fc.assert(
      fc.property(privateKeyArb, messageArb, userIdArb, (d, message, userId) => {
        const pub = smjs.getPublicKeyFromPrivateKey(d);
        const opts = { userId };
        const byJs = jsSm2.sign(message, d, opts);
        const byNative = native!.sign(message, d, opts);
        expect(byJs).toMatch(/^[0-9a-f]{128}$/);
        expect(byNative).toMatch(/^[0-9a-f]{128}$/);
        expect(native!.verify(message, byJs, pub, opts)).toBe(true);
        expect(jsSm2.verify(message, byNative, pub, opts)).toBe(true);
        expect(native!.verify(message, byNative, pub, opts)).toBe(true);
        expect(jsSm2.verify(message, byJs, pub, opts)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('signatures made by sm-crypto-v2 itself (hash: true, raw and DER) verify natively', () => {
    fc.assert(
      fc.property(privateKeyArb, fc.string({ maxLength: 64 }), fc.boolean(), (d, message, der) => {
        const pub = smjs.getPublicKeyFromPrivateKey(d);
        const sig = smjs.doSignature(message, d, { hash: true, der });
        expect(native!.verify(message, sig, pub)).toBe(true);
        expect(sm2Verify(message, sig, pub)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('native signatures verify with sm-crypto-v2 itself (hash: true), also with a user id', () => {
    const d = hex64(123456789n);
    const pub = smjs.getPublicKeyFromPrivateKey(d);
    for (const userId of [undefined, 'ALICE123@YAHOO.COM']) {
      const sig = native!.sign('报关单 No.1', d, { userId });
      expect(smjs.doVerifySignature('报关单 No.1', sig, pub, { hash: true, der: false, userId })).toBe(true);
      const der = native!.sign('报关单 No.1', d, { userId, der: true });
      expect(smjs.doVerifySignature('报关单 No.1', der, pub, { hash: true, der: true, userId })).toBe(true);
    }
  });
});

describe('SM2 (c) any flipped byte of the message, signature or key fails', () => {
  const d = hex64(0x1f2e3d4c5b6a7988n);
  const pub = smjs.getPublicKeyFromPrivateKey(d);
  const message = Buffer.from('CEB311Message|guid=1|total=100.00|订单');
  const sig = jsSm2.sign(message, d);
  const flipArb = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 }));

  for (const b of backends) {
    it(`${b.name}: the untouched triple verifies, every flip fails`, () => {
      expect(b.verify(message, sig, pub)).toBe(true);
      fc.assert(
        fc.property(flipArb, ([i, mask]) => {
          const m = Buffer.from(message);
          m[i % m.length]! ^= mask;
          expect(b.verify(m, sig, pub)).toBe(false);
          expect(b.verify(message, flipHexByte(sig, i, mask), pub)).toBe(false);
          expect(b.verify(message, sig, flipHexByte(pub, i, mask))).toBe(false);
          expect(b.verify(message, sm2RawToDer(flipHexByte(sig, i, mask)), pub)).toBe(false);
        }),
        { numRuns: 40 },
      );
    });
  }
});

describe('SM2 (d) malformed input: false on both backends, never a throw', () => {
  const d = hex64(0xabcdefn);
  const pub = smjs.getPublicKeyFromPrivateKey(d);
  const msg = 'hello';
  const sig = jsSm2.sign(msg, d);
  const [r, s] = [sig.slice(0, 64), sig.slice(64)];
  const der = sm2RawToDer(sig);
  const byteLen = (h: string) => (h.length / 2).toString(16).padStart(2, '0');
  const intContent = (h: string) => {
    const v = h.replace(/^(?:00)+/, '') || '00';
    return Number.parseInt(v.slice(0, 2), 16) & 0x80 ? `00${v}` : v;
  };
  const derOf = (rc: string, sc: string) => {
    const body = `02${byteLen(rc)}${rc}02${byteLen(sc)}${sc}`;
    return `30${byteLen(body)}${body}`;
  };
  const notOnCurve = `04${'00'.repeat(31)}01${'00'.repeat(31)}02`;
  const offCurveY = pub.slice(0, -2) + (Number.parseInt(pub.slice(-2), 16) ^ 1).toString(16).padStart(2, '0');
  // biome-ignore lint/suspicious/noExplicitAny: deliberately ill-typed inputs
  const any = (v: unknown) => v as any;

  const cases: [string, unknown, unknown, unknown, unknown?][] = [
    ['valid (control)', msg, sig, pub],
    ['empty signature', msg, '', pub],
    ['signature 127 hex', msg, sig.slice(1), pub],
    ['signature 130 hex', msg, `${sig}00`, pub],
    ['signature not hex', msg, `zz${sig.slice(2)}`, pub],
    ['signature with spaces', msg, ` ${sig.slice(1)}`, pub],
    ['r = 0', msg, '0'.repeat(64) + s, pub],
    ['s = 0', msg, r + '0'.repeat(64), pub],
    ['r = n', msg, hex64(N) + s, pub],
    ['s = n', msg, r + hex64(N), pub],
    ['r = s = ff…', msg, 'f'.repeat(128), pub],
    ['r + s = n', msg, hex64(N - 1n) + hex64(1n), pub],
    ['DER with trailing byte', msg, `${der}00`, pub],
    ['DER with a wrong length', msg, `30${(der.length / 2 - 1).toString(16)}${der.slice(4)}`, pub],
    ['DER (control: hand-made, minimal)', msg, derOf(intContent(r), intContent(s)), pub],
    ['DER non-minimal r (same value)', msg, derOf(`00${intContent(r)}`, intContent(s)), pub],
    ['DER non-minimal s (same value)', msg, derOf(intContent(r), `00${intContent(s)}`), pub],
    ['DER INTEGER of 34 bytes', msg, derOf(`0000${r}`, intContent(s)), pub],
    ['DER BIT STRING instead of INTEGER', msg, derOf(intContent(r), intContent(s)).replace(/^30(..)02/, '30$103'), pub],
    ['DER truncated', msg, der.slice(0, -2), pub],
    ['DER too long', msg, `30${'00'.repeat(100)}`, pub],
    ['public key empty', msg, sig, ''],
    ['public key without 04', msg, sig, pub.slice(2)],
    ['public key compressed form', msg, sig, `02${pub.slice(2, 66)}`],
    ['public key 03 prefix + 128 hex', msg, sig, `03${pub.slice(2)}`],
    ['public key not on the curve', msg, sig, notOnCurve],
    ['public key y flipped (off curve)', msg, sig, offCurveY],
    ['public key all zero', msg, sig, `04${'0'.repeat(128)}`],
    ['public key x ≥ p', msg, sig, `04${'f'.repeat(128)}`],
    ['public key too long', msg, sig, `${pub}00`],
    ['public key not hex', msg, sig, `04${'g'.repeat(128)}`],
    ['message with a lone surrogate', 'a\uD800b', sig, pub],
    ['message null', null, sig, pub],
    ['message number', 42, sig, pub],
    ['message object', { toString: () => msg }, sig, pub],
    ['signature null', msg, null, pub],
    ['signature as bytes', msg, Buffer.from(sig, 'hex'), pub],
    ['public key as bytes', msg, sig, Buffer.from(pub, 'hex')],
    ['public key undefined', msg, sig, undefined],
    ['user id too long', msg, sig, pub, { userId: 'x'.repeat(8191) }],
    ['user id with a lone surrogate', msg, sig, pub, { userId: '\uDC00' }],
    ['user id number', msg, sig, pub, { userId: 7 }],
  ];

  for (const b of backends) {
    it(`${b.name}: ${cases.length - 1} malformed cases are false`, () => {
      for (const [name, m, sg, pk, opts] of cases) {
        let got: unknown;
        expect(() => {
          got = b.verify(any(m), any(sg), any(pk), any(opts));
        }, name).not.toThrow();
        expect(got, name).toBe(name.includes('(control'));
      }
    });

    it(`${b.name}: sign rejects bad private keys, messages and user ids with an error`, () => {
      for (const bad of [
        '',
        '00'.repeat(32),
        hex64(N - 1n),
        hex64(N),
        'f'.repeat(64),
        d.slice(1),
        `${d}00`,
        'x'.repeat(64),
      ])
        expect(() => b.sign('m', bad), bad).toThrow(RangeError);
      expect(() => b.sign(any(null), d)).toThrow(TypeError);
      expect(() => b.sign('a\uD800', d)).toThrow(TypeError);
      expect(() => b.sign('m', d, { userId: 'x'.repeat(8191) })).toThrow(RangeError);
      expect(b.verify('m', b.sign('m', d, { userId: 'x'.repeat(8190) }), pub, { userId: 'x'.repeat(8190) })).toBe(true);
      expect(b.verify('m', b.sign('m', hex64(N - 2n)), smjs.getPublicKeyFromPrivateKey(hex64(N - 2n)))).toBe(true);
      expect(b.verify('m', b.sign('m', hex64(1n)), smjs.getPublicKeyFromPrivateKey(hex64(1n)))).toBe(true);
    });
  }
});

describe('SM2 DER helpers', () => {
  it('raw → DER → raw round-trips, DER matches sm-crypto-v2', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: N - 1n }), fc.bigInt({ min: 1n, max: N - 1n }), (r, s) => {
        const raw = hex64(r) + hex64(s);
        const der = sm2RawToDer(raw);
        expect(sm2DerToRaw(der)).toBe(raw);
      }),
    );
    const d = hex64(99n);
    const der = smjs.doSignature('x', d, { hash: true, der: true });
    expect(sm2RawToDer(sm2DerToRaw(der)!)).toBe(der);
  });
});

type Binding = {
  verify(...args: unknown[]): boolean;
  sign(...args: unknown[]): Buffer;
  openssl: string;
};

describe.skipIf(!native)(`SM2 native addon, called directly${nativeSkipNote}`, () => {
  const binding = native
    ? (createRequire(import.meta.url)('../../native/sm2/build/Release/sm2.node') as Binding)
    : (undefined as unknown as Binding);
  const d = hex64(0x5eedn);
  const pub = smjs.getPublicKeyFromPrivateKey(d);

  it('runs on the OpenSSL 3 inside Node', () => {
    expect(binding.openssl).toMatch(/^OpenSSL 3\./);
    expect(binding.openssl).toContain(process.versions.openssl);
  });

  it('takes hex or bytes for keys and signatures, raw or DER, strings or bytes for message and id', () => {
    const sig = binding.sign(d, 'msg');
    expect(sig).toBeInstanceOf(Buffer);
    expect(sig.length).toBe(64);
    const derHex = sm2RawToDer(sig.toString('hex'));
    for (const p of [pub, Buffer.from(pub, 'hex')])
      for (const sg of [sig, sig.toString('hex'), derHex, Buffer.from(derHex, 'hex')])
        for (const m of ['msg', Buffer.from('msg'), new Uint8Array(Buffer.from('msg'))])
          expect(binding.verify(p, m, sg)).toBe(true);
    const withId = binding.sign(Buffer.from(d, 'hex'), 'msg', Buffer.from('ID'));
    expect(binding.verify(pub, 'msg', withId, 'ID')).toBe(true);
    expect(binding.verify(pub, 'msg', withId)).toBe(false);
    expect(binding.verify(pub, 'msg', sig, null)).toBe(true);
  });

  it('bad values are false, wrong types are TypeErrors, sign errors are Errors — no crash', () => {
    const sig = binding.sign(d, 'msg').toString('hex');
    for (const [p, m, sg] of [
      ['', 'msg', sig],
      [pub, 'msg', ''],
      [pub, 'msg', 'abc'],
      [pub, 'msg', 'x'.repeat(10_000)],
      ['04'.repeat(10_000), 'msg', sig],
      [Buffer.alloc(0), 'msg', sig],
      [pub, 'msg', Buffer.alloc(64)],
      [pub, 'msg', Buffer.alloc(0)],
      [pub, 'msg', Buffer.alloc(1000, 0x30)],
      [`04${'00'.repeat(64)}`, 'msg', sig],
    ] as const)
      expect(binding.verify(p, m, sg)).toBe(false);
    expect(binding.verify(pub, 'msg', sig, 'x'.repeat(8191))).toBe(false);
    expect(() => binding.verify(pub, 'msg')).toThrow(TypeError);
    expect(() => binding.verify(1, 'msg', sig)).toThrow(TypeError);
    expect(() => binding.verify(pub, 1, sig)).toThrow(TypeError);
    expect(() => binding.verify(pub, 'msg', {})).toThrow(TypeError);
    expect(() => binding.verify(pub, 'msg', new Uint16Array(32))).toThrow(TypeError);
    expect(() => binding.verify(pub, 'msg', sig, 5)).toThrow(TypeError);
    expect(() => binding.sign('00'.repeat(32), 'msg')).toThrow(/out of range/);
    expect(() => binding.sign(hex64(N - 1n), 'msg')).toThrow(/out of range/);
    expect(() => binding.sign('abcd', 'msg')).toThrow(/32 bytes/);
    expect(() => binding.sign('zz'.repeat(32), 'msg')).toThrow(RangeError);
    expect(() => binding.sign(d)).toThrow(TypeError);
  });

  it('survives many failing and passing calls (no leak of OpenSSL state into node:crypto)', async () => {
    const { createHash, generateKeyPairSync, sign, verify } = await import('node:crypto');
    const sig = binding.sign(d, 'msg');
    for (let i = 0; i < 2_000; i++) {
      expect(binding.verify(`04${'00'.repeat(63)}${(i % 256).toString(16).padStart(2, '0')}`, 'msg', sig)).toBe(false);
      expect(binding.verify(pub, 'msg', Buffer.alloc(72, i))).toBe(false);
    }
    expect(binding.verify(pub, 'msg', sig)).toBe(true);
    // node:crypto still works on this thread after those OpenSSL errors
    expect(createHash('sha256').update('x').digest('hex')).toHaveLength(64);
    const kp = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(verify(null, Buffer.from('x'), kp.publicKey, sign(null, Buffer.from('x'), kp.privateKey))).toBe(true);
  });
});

describe('SM2 backend selection', () => {
  const saved = process.env.CBEC_SM2_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.CBEC_SM2_BACKEND;
    else process.env.CBEC_SM2_BACKEND = saved;
  });

  it('native when the addon is available, js when not or when CBEC_SM2_BACKEND=js', () => {
    delete process.env.CBEC_SM2_BACKEND;
    expect(sm2Backend()).toBe(native ? 'native' : 'js');
    process.env.CBEC_SM2_BACKEND = 'js';
    expect(sm2Backend()).toBe('js');
  });

  it('sm2Sign / sm2Verify keep the signing.ts conventions on either backend', () => {
    const d = hex64(424242n);
    const pub = smjs.getPublicKeyFromPrivateKey(d);
    for (const forced of ['js', undefined]) {
      if (forced) process.env.CBEC_SM2_BACKEND = forced;
      else delete process.env.CBEC_SM2_BACKEND;
      const sig = sm2Sign('{"a":1}', d);
      expect(sig).toMatch(/^[0-9a-f]{128}$/);
      expect(smjs.doVerifySignature('{"a":1}', sig, pub, { hash: true, der: false })).toBe(true);
      expect(sm2Verify('{"a":1}', sig, pub)).toBe(true);
      expect(sm2Verify('{"a":2}', sig, pub)).toBe(false);
    }
  });
});
