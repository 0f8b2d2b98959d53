import canonicalizeJson from 'canonicalize';

/** RFC 8785 (JCS) canonical JSON: sorted keys, no white space, one number form. What we sign and hash. */
export function canonicalJson(value: unknown): string {
  const s = (canonicalizeJson as unknown as (v: unknown) => string | undefined)(value);
  if (s === undefined) throw new Error('value has no JSON form');
  return s;
}
