/**
 * SM2 signatures (GB/T 32918.2 / GM/T 0003.2: SM3 over Z‖M, Z with the distinguishing ID) with two backends:
 *
 * - `native`: the addon in native/sm2 (built by `npm ci`), calling the OpenSSL 3 that Node itself ships
 *   (~10× the pure-JS speed);
 * - `js`: sm-crypto-v2, the checked fallback, used when the addon was not built, fails to load, fails its
 *   self-test, or `CBEC_SM2_BACKEND=js` is set.
 *
 * Both get the same validated, normalised input here, so they accept and reject exactly the same things.
 * Conventions are those of signing.ts: hex strings, uncompressed public key `04‖x‖y`, private key 64 hex,
 * signatures raw `r‖s` (128 hex, as sm-crypto-v2 `der: false`); verification also takes a strict DER signature.
 * Strings are signed as UTF-8 (a string with a lone surrogate has no UTF-8 form: verify → false, sign → throws).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { sm3, sm2 as smjs } from 'sm-crypto-v2';

export type Sm2BackendName = 'native' | 'js';

export type Sm2Options = {
  /** Distinguishing identifier (UTF-8 string or bytes, at most 8190 bytes); default `1234567812345678`. */
  userId?: string | Uint8Array;
  /** sm2Sign only: return the signature DER-encoded (hex) instead of raw r‖s. */
  der?: boolean;
};

export type Sm2Backend = {
  readonly name: Sm2BackendName;
  /** Raw r‖s hex (lower case), or DER hex with `der: true`. Throws on an invalid key, message or user id. */
  sign(message: string | Uint8Array, privateKeyHex: string, opts?: Sm2Options): string;
  /** True only for a valid signature; false for anything malformed (never throws). */
  verify(message: string | Uint8Array, signatureHex: string, publicKeyHex: string, opts?: Sm2Options): boolean;
};

export const SM2_DEFAULT_USER_ID = '1234567812345678';
const MAX_USER_ID_BYTES = 8190; // ENTL is 16 bits of bit length; OpenSSL stops at 65535/8 bytes

// The SM2 recommended curve (GB/T 32918.5), as it enters Z.
const CURVE_HEX =
  'fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc' + // a
  '28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93' + // b
  '32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7' + // Gx
  'bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0'; // Gy
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

const PUBLIC_KEY_RE = /^04[0-9a-f]{128}$/i;
const PRIVATE_KEY_RE = /^[0-9a-f]{64}$/i;
const RAW_SIG_RE = /^[0-9a-f]{128}$/i;
const HEX_RE = /^(?:[0-9a-f]{2})+$/i;
const LONE_SURROGATE_RE = /\p{Cs}/u;

// ---------------------------------------------------------------------------------------------------------------
// Input normalisation shared by both backends

/** The public key in lower case, or null if it is not an uncompressed point encoding (the curve check is later). */
function publicKeyOf(hex: unknown): string | null {
  return typeof hex === 'string' && PUBLIC_KEY_RE.test(hex) ? hex.toLowerCase() : null;
}

function inScalarRange(hex: string): boolean {
  const v = BigInt(`0x${hex}`);
  return v > 0n && v < N;
}

/** A raw r‖s or strict-DER signature as raw r‖s hex with 1 ≤ r, s < n; null otherwise. */
function rawSignatureOf(sig: unknown): string | null {
  if (typeof sig !== 'string') return null;
  let raw: string | null;
  if (sig.length === 128) raw = RAW_SIG_RE.test(sig) ? sig.toLowerCase() : null;
  else raw = sig.length <= 160 && HEX_RE.test(sig) ? derToRaw(Buffer.from(sig, 'hex')) : null;
  if (raw === null || !inScalarRange(raw.slice(0, 64)) || !inScalarRange(raw.slice(64))) return null;
  return raw;
}

/** Strict DER `SEQUENCE { INTEGER r, INTEGER s }` (minimal, non-negative, ≤ 256 bits, nothing after) → raw hex. */
function derToRaw(der: Buffer): string | null {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2 || der[1]! >= 0x80) return null;
  let at = 2;
  const ints: string[] = [];
  for (let i = 0; i < 2; i++) {
    if (der[at] !== 0x02) return null;
    const len = der[at + 1]!;
    const start = at + 2;
    if (len < 1 || len > 33 || start + len > der.length) return null;
    const first = der[start]!;
    if (first & 0x80) return null; // negative
    if (first === 0 && len > 1 && !(der[start + 1]! & 0x80)) return null; // not minimal
    const value = der.subarray(first === 0 && len > 1 ? start + 1 : start, start + len);
    if (value.length > 32) return null;
    ints.push(value.toString('hex').padStart(64, '0'));
    at = start + len;
  }
  return at === der.length ? ints.join('') : null;
}

function derInt(hex32: string): string {
  let v = hex32.replace(/^(?:00)+/, '');
  if (v === '') v = '00';
  if (Number.parseInt(v.slice(0, 2), 16) & 0x80) v = `00${v}`;
  return `02${(v.length / 2).toString(16).padStart(2, '0')}${v}`;
}

/** Raw r‖s hex → DER hex. */
export function sm2RawToDer(rawHex: string): string {
  const body = derInt(rawHex.slice(0, 64)) + derInt(rawHex.slice(64, 128));
  return `30${(body.length / 2).toString(16).padStart(2, '0')}${body}`;
}

/** DER hex → raw r‖s hex, or null if not a strict DER SM2 signature. */
export function sm2DerToRaw(derHex: string): string | null {
  return HEX_RE.test(derHex) ? derToRaw(Buffer.from(derHex, 'hex')) : null;
}

type Text = { str?: string; bytes?: Uint8Array };

/** A message or user id that has a UTF-8 form (a string without lone surrogates, or bytes); null otherwise. */
function textOf(v: unknown): Text | null {
  if (typeof v === 'string') return LONE_SURROGATE_RE.test(v) ? null : { str: v };
  if (v instanceof Uint8Array) return { bytes: v };
  return null;
}

function bytesOf(t: Text): Uint8Array {
  return t.bytes ?? Buffer.from(t.str!, 'utf8');
}

function userIdOf(opts: Sm2Options | undefined): Text | null {
  const t = textOf(opts?.userId ?? SM2_DEFAULT_USER_ID);
  if (t === null) return null;
  const length = t.bytes ? t.bytes.length : Buffer.byteLength(t.str!, 'utf8');
  return length <= MAX_USER_ID_BYTES ? t : null;
}

function privateKeyOf(hex: unknown): string {
  // SM2 needs 1 ≤ d ≤ n-2 (signing inverts 1+d).
  if (typeof hex !== 'string' || !PRIVATE_KEY_RE.test(hex) || !inScalarRange(hex) || BigInt(`0x${hex}`) === N - 1n)
    throw new RangeError('invalid SM2 private key (64 hex digits, 1 ≤ d ≤ n-2)');
  return hex.toLowerCase();
}

function signInputs(message: unknown, opts: Sm2Options | undefined): { msg: Text; id: Text } {
  const msg = textOf(message);
  if (msg === null) throw new TypeError('the SM2 message must be a well-formed string or a Uint8Array');
  const id = userIdOf(opts);
  if (id === null) throw new RangeError('the SM2 user id must be a well-formed string or bytes, at most 8190 bytes');
  return { msg, id };
}

// ---------------------------------------------------------------------------------------------------------------
// Pure-JS backend (sm-crypto-v2). Z and e = SM3(Z‖M) are computed here (over exact bytes), sm-crypto-v2 does the
// curve arithmetic with `hash: false`.

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

/** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ Gx ‖ Gy ‖ x ‖ y). */
export function sm2Z(publicKeyHex: string, userId: string | Uint8Array = SM2_DEFAULT_USER_ID): string {
  const id = typeof userId === 'string' ? Buffer.from(userId, 'utf8') : userId;
  const entl = id.length * 8;
  const pub = Buffer.from(publicKeyHex.slice(2), 'hex');
  return sm3(concatBytes(Uint8Array.of(entl >> 8, entl & 0xff), id, Buffer.from(CURVE_HEX, 'hex'), pub));
}

function digestE(publicKeyHex: string, msg: Text, id: Text): Uint8Array {
  const z = Buffer.from(sm2Z(publicKeyHex, bytesOf(id)), 'hex');
  return Buffer.from(sm3(concatBytes(z, bytesOf(msg))), 'hex');
}

export const jsSm2: Sm2Backend = {
  name: 'js',
  sign(message, privateKeyHex, opts) {
    const d = privateKeyOf(privateKeyHex);
    const { msg, id } = signInputs(message, opts);
    const pub = smjs.getPublicKeyFromPrivateKey(d);
    const raw = smjs.doSignature(digestE(pub, msg, id), d, { hash: false, der: false });
    return opts?.der ? sm2RawToDer(raw) : raw;
  },
  verify(message, signatureHex, publicKeyHex, opts) {
    const pub = publicKeyOf(publicKeyHex);
    const sig = rawSignatureOf(signatureHex);
    const msg = textOf(message);
    const id = userIdOf(opts);
    if (pub === null || sig === null || msg === null || id === null) return false;
    try {
      // fromHex (inside) rejects a point not on the curve by throwing.
      return smjs.doVerifySignature(digestE(pub, msg, id), sig, pub, { hash: false, der: false }) === true;
    } catch {
      return false;
    }
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Native backend

type Sm2Binding = {
  verify(
    publicKey: string | Uint8Array,
    message: string | Uint8Array,
    signature: string | Uint8Array,
    userId?: string | Uint8Array,
  ): boolean;
  sign(privateKey: string | Uint8Array, message: string | Uint8Array, userId?: string | Uint8Array): Buffer;
  openssl: string;
};

function nativeBackend(binding: Sm2Binding): Sm2Backend {
  return {
    name: 'native',
    sign(message, privateKeyHex, opts) {
      const d = privateKeyOf(privateKeyHex);
      const { msg, id } = signInputs(message, opts);
      const raw = binding.sign(d, msg.str ?? msg.bytes!, id.str ?? id.bytes).toString('hex');
      return opts?.der ? sm2RawToDer(raw) : raw;
    },
    verify(message, signatureHex, publicKeyHex, opts) {
      const pub = publicKeyOf(publicKeyHex);
      const sig = rawSignatureOf(signatureHex);
      const msg = textOf(message);
      const id = userIdOf(opts);
      if (pub === null || sig === null || msg === null || id === null) return false;
      try {
        return binding.verify(pub, msg.str ?? msg.bytes!, sig, id.str ?? id.bytes) === true;
      } catch {
        return false;
      }
    },
  };
}

/** GM/T 0003.5-2012 (GB/T 32918.5-2017) Annex A signature example on the recommended curve. */
export const SM2_STANDARD_EXAMPLE = {
  privateKey: '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8',
  publicKey:
    '04' +
    '09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020' +
    'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13',
  userId: '1234567812345678',
  message: 'message digest',
  z: 'b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3',
  e: 'f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640',
  k: '59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21',
  signature:
    'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3' +
    'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa',
} as const;

/** Throws unless the backend verifies the standard example, rejects a changed message, and round-trips with JS. */
function selfTest(b: Sm2Backend): void {
  const x = SM2_STANDARD_EXAMPLE;
  if (!b.verify(x.message, x.signature, x.publicKey, { userId: x.userId }))
    throw new Error('self-test: the GM/T 0003.5 example does not verify');
  if (b.verify(`${x.message}.`, x.signature, x.publicKey)) throw new Error('self-test: a changed message verifies');
  const sig = b.sign('cbec-zone SM2 self-test', x.privateKey);
  if (!jsSm2.verify('cbec-zone SM2 self-test', sig, x.publicKey))
    throw new Error('self-test: the native signature does not verify with sm-crypto-v2');
}

const ADDON_PATH = fileURLToPath(new URL('../../../native/sm2/build/Release/sm2.node', import.meta.url));

let nativeState: { backend: Sm2Backend; openssl: string } | { error: string } | undefined;

function loadNative(): NonNullable<typeof nativeState> {
  if (nativeState) return nativeState;
  let binding: Sm2Binding;
  try {
    binding = createRequire(import.meta.url)(ADDON_PATH) as Sm2Binding;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
    nativeState = {
      error: missing
        ? `the SM2 addon is not built (${ADDON_PATH}); run \`node native/sm2/install.mjs\``
        : `the SM2 addon failed to load: ${(err as Error).message}`,
    };
    if (!missing) process.emitWarning(nativeState.error, { code: 'CBEC_SM2_NATIVE' });
    return nativeState;
  }
  try {
    const backend = nativeBackend(binding);
    selfTest(backend);
    nativeState = { backend, openssl: binding.openssl };
  } catch (err) {
    nativeState = { error: `the SM2 addon failed its self-test: ${(err as Error).message}` };
    process.emitWarning(nativeState.error, { code: 'CBEC_SM2_NATIVE' });
  }
  return nativeState;
}

/** The native backend if the addon is built, loads and passes its self-test (whatever CBEC_SM2_BACKEND says). */
export function nativeSm2(): Sm2Backend | null {
  const s = loadNative();
  return 'backend' in s ? s.backend : null;
}

/** Why the native backend is unavailable (undefined when it is available). */
export function nativeSm2Error(): string | undefined {
  const s = loadNative();
  return 'error' in s ? s.error : undefined;
}

/** The OpenSSL the native backend runs on, e.g. "OpenSSL 3.0.19 27 Jan 2026". */
export function nativeSm2OpenSsl(): string | undefined {
  const s = loadNative();
  return 'openssl' in s ? s.openssl : undefined;
}

function current(): Sm2Backend {
  if (process.env.CBEC_SM2_BACKEND === 'js') return jsSm2;
  return nativeSm2() ?? jsSm2;
}

/** The backend in use: `native` unless the addon is unavailable or `CBEC_SM2_BACKEND=js`. */
export function sm2Backend(): Sm2BackendName {
  return current().name;
}

/** SM2 signature (SM3 with Z, raw r‖s hex; DER hex with `der: true`) over a UTF-8 string or bytes. */
export function sm2Sign(message: string | Uint8Array, privateKeyHex: string, opts?: Sm2Options): string {
  return current().sign(message, privateKeyHex, opts);
}

/** Whether `signatureHex` (raw r‖s or DER) is a valid SM2 signature of `message` by `publicKeyHex` (04‖x‖y). */
export function sm2Verify(
  message: string | Uint8Array,
  signatureHex: string,
  publicKeyHex: string,
  opts?: Sm2Options,
): boolean {
  return current().verify(message, signatureHex, publicKeyHex, opts);
}
