/**
 * Verification throughput of CEB signatures, and where the time goes (not a test: run it by hand).
 *   npx tsx test/signature/measure.ts            (CBEC_SM2_BACKEND=js for the pure-JS SM2 fallback)
 */
import { createHash } from 'node:crypto';
import { canonicalize, rootSignatures } from '../../src/modules/declaration/signature/c14n.js';
import { digest } from '../../src/modules/declaration/signature/digest.js';
import { childElements, parseXmlDocument } from '../../src/modules/declaration/signature/xml-document.js';
import { type CebSigningKey, signCeb, verifyCeb } from '../../src/modules/declaration/signature/xmldsig.js';
import { parseCertificate } from '../../src/platform/crypto/certificate.js';
import { sm2Backend, sm2Verify } from '../../src/platform/crypto/sm2.js';
import { ceb311WithOrders, RSA_KEY, SM2_KEY } from './support.js';

/** Operations per second of `fn`, over at least `ms` milliseconds after a warm-up. */
function rate(fn: () => unknown, ms = 1500): number {
  const warm = performance.now();
  while (performance.now() - warm < 200) fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    fn();
    n++;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

const fmt = (perSecond: number) =>
  `${perSecond.toFixed(0).padStart(7)}/s  ${(1000 / perSecond).toFixed(3).padStart(8)} ms`;

console.log(`node ${process.version}, SM2 backend: ${sm2Backend()}`);
for (const orders of [1, 100]) {
  const xml = ceb311WithOrders(orders);
  for (const [name, key] of [
    ['sm2-sm3 + sm3', SM2_KEY],
    ['rsa-sha1 + sha1', RSA_KEY],
  ] as [string, CebSigningKey][]) {
    const signed = signCeb(xml, key);
    const bytes = Buffer.from(signed, 'utf8');
    console.log(`\nCEB311, ${orders} order(s), ${(bytes.length / 1024).toFixed(1)} KB, ${name}`);
    console.log(`  verifyCeb (whole)            ${fmt(rate(() => verifyCeb(bytes)))}`);
    console.log(`  signCeb (whole, incl. check) ${fmt(rate(() => signCeb(xml, key)))}`);

    const parsed = parseXmlDocument(bytes);
    if (!parsed.ok) throw new Error(parsed.message);
    const sig = rootSignatures(parsed.doc)[0]!;
    const signedInfoEl = childElements(sig)[0]!;
    const canonical = canonicalize(parsed.doc, { exclude: new Set([sig]) });
    const algorithm = key.algorithm === 'sm2-sm3' ? 'sm3' : 'sha1';
    const cert = parseCertificate(key.certificateDer);
    const signedInfo = Buffer.from(canonicalize(signedInfoEl), 'utf8');
    const value = Buffer.from(/<ds:SignatureValue>([^<]*)</.exec(signed)![1]!, 'base64');
    console.log(`  - parse (UTF-8 + saxes tree)  ${fmt(rate(() => parseXmlDocument(bytes)))}`);
    console.log(
      `  - c14n of the document        ${fmt(rate(() => canonicalize(parsed.doc, { exclude: new Set([sig]) })))}`,
    );
    console.log(`  - ${algorithm} digest              ${fmt(rate(() => digest(algorithm, canonical)))}`);
    console.log(`  - c14n of SignedInfo          ${fmt(rate(() => canonicalize(signedInfoEl)))}`);
    console.log(`  - certificate parse           ${fmt(rate(() => parseCertificate(key.certificateDer)))}`);
    if (key.algorithm === 'sm2-sm3') {
      const pub = cert.info.publicKeyHex!;
      const hex = value.toString('hex');
      console.log(`  - SM2 verify of SignedInfo    ${fmt(rate(() => sm2Verify(signedInfo, hex, pub)))}`);
    } else {
      const { verify } = await import('node:crypto');
      console.log(
        `  - RSA verify of SignedInfo    ${fmt(rate(() => verify('sha1', signedInfo, cert.rsaKey!, value)))}`,
      );
    }
  }
}
// reference point: raw hashing speed over 200 KB
const blob = Buffer.alloc(200 * 1024, 0x61);
console.log(`\nreference: sha256 of 200 KB ${fmt(rate(() => createHash('sha256').update(blob).digest()))}`);
