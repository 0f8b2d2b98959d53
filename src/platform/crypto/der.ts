/**
 * A minimal, strict DER reader: just enough to take an X.509 certificate apart (TBS bytes, names, validity, the
 * subjectPublicKeyInfo, extensions) and a PKCS#8 SM2 private key. Node's X509Certificate (OpenSSL 3.0) parses SM2
 * certificates but exposes neither the SM2 public point nor a way to check an SM2-with-SM3 certificate signature,
 * and its validFrom/validTo are display strings; these few functions avoid an ASN.1 dependency for that.
 * Definite lengths only, single-byte tags only; anything else throws DerError.
 */

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export interface Tlv {
  /** The identifier octet (class, constructed bit and tag number). */
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just after the last content octet. */
  end: number;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Reads the TLV at `offset`, which must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated DER');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not supported');
  let len = buf[offset + 1]!;
  let at = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError('unsupported DER length');
    if (at + n > limit) throw new DerError('truncated DER');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + i]!;
    if (buf[at] === 0 || len < 0x80) throw new DerError('non-minimal DER length');
    at += n;
  }
  const end = at + len;
  if (end > limit) throw new DerError('truncated DER');
  return { tag, start: offset, contentStart: at, end };
}

/** The TLVs inside a constructed TLV. */
export function childrenOf(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end; ) {
    const t = readTlv(buf, at, parent.end);
    out.push(t);
    at = t.end;
  }
  return out;
}

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new DerError(`expected ${what}`);
  return t;
}

export function contentOf(buf: Uint8Array, t: Tlv): Buffer {
  return Buffer.from(buf.buffer, buf.byteOffset + t.contentStart, t.end - t.contentStart);
}

export function bytesOf(buf: Uint8Array, t: Tlv): Buffer {
  return Buffer.from(buf.buffer, buf.byteOffset + t.start, t.end - t.start);
}

/** Dotted form of an OBJECT IDENTIFIER's content. */
export function oidOf(buf: Uint8Array, t: Tlv): string {
  const c = contentOf(buf, expectTag(t, TAG.OID, 'an OBJECT IDENTIFIER'));
  if (c.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < c.length; i++) {
    const b = c[i]!;
    if (v === 0 && b === 0x80) throw new DerError('non-minimal OBJECT IDENTIFIER');
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new DerError('OBJECT IDENTIFIER arc too large');
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    } else if (i === c.length - 1) throw new DerError('truncated OBJECT IDENTIFIER');
  }
  const first = parts.shift()!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

/** The magnitude of a non-negative INTEGER as lower-case hex without leading zero octets ('00' for zero). */
export function unsignedHexOf(buf: Uint8Array, t: Tlv): string {
  const c = contentOf(buf, expectTag(t, TAG.INTEGER, 'an INTEGER'));
  let i = 0;
  while (i < c.length - 1 && c[i] === 0) i++;
  return c.subarray(i).toString('hex') || '00';
}

/** A BIT STRING's bytes (only whole octets: the unused-bits count must be 0). */
export function bitStringOf(buf: Uint8Array, t: Tlv): Buffer {
  const c = contentOf(buf, expectTag(t, TAG.BIT_STRING, 'a BIT STRING'));
  if (c.length === 0 || c[0] !== 0) throw new DerError('BIT STRING with unused bits');
  return c.subarray(1);
}

/** UTCTime or GeneralizedTime (UTC, 'Z') → Date. */
export function timeOf(buf: Uint8Array, t: Tlv): Date {
  const s = contentOf(buf, t).toString('latin1');
  const utc = t.tag === TAG.UTC_TIME ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s) : null;
  const gen = t.tag === TAG.GENERALIZED_TIME ? /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.\d+)?Z$/.exec(s) : null;
  const m = utc ?? gen;
  if (!m) throw new DerError(`unsupported time ${s}`);
  const yy = Number(m[1]);
  const year = utc ? (yy < 50 ? 2000 + yy : 1900 + yy) : yy;
  const date = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  if (Number.isNaN(date.getTime())) throw new DerError(`invalid time ${s}`);
  return date;
}

/** The text of a string-typed TLV, or undefined for other types. */
export function stringOf(buf: Uint8Array, t: Tlv): string | undefined {
  const c = contentOf(buf, t);
  switch (t.tag) {
    case TAG.UTF8_STRING:
      return c.toString('utf8');
    case TAG.NUMERIC_STRING:
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.VISIBLE_STRING:
    case TAG.TELETEX_STRING:
      return c.toString('latin1');
    case TAG.BMP_STRING: {
      const swapped = Buffer.from(c);
      if (swapped.length % 2 === 0) swapped.swap16();
      return swapped.toString('utf16le');
    }
    case TAG.UNIVERSAL_STRING: {
      let out = '';
      for (let i = 0; i + 4 <= c.length; i += 4) out += String.fromCodePoint(c.readUInt32BE(i) % 0x110000);
      return out;
    }
    default:
      return undefined;
  }
}
