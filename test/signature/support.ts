/** Test keys, certificates and messages for the XML-DSig tests (fixtures: test/fixtures/signature/README.md). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCeb, type CebMessage, type CebRecord, parseCeb } from '../../src/modules/declaration/ceb/codec.js';
import type { CebSigningKey } from '../../src/modules/declaration/signature/xmldsig.js';
import { SAMPLES } from '../ceb/samples.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/signature');

export const fixture = (name: string): Buffer => readFileSync(path.join(FIXTURES, name));
export const fixtureText = (name: string): string => fixture(name).toString('utf8');

/** The enterprise code in the OU of the sm2-signer and rsa-signer test certificates. */
export const SIGNER_USCC = '91110108MA01ABCD2X';
export const OTHER_USCC = '91330106MA2B3C4D5E';

export const SM2_KEY: CebSigningKey = {
  algorithm: 'sm2-sm3',
  privateKey: fixtureText('sm2-signer.TEST-ONLY.key.pem'),
  certificateDer: fixture('sm2-signer.crt.der'),
  keyName: '01691fe9',
};

export const SM2_OTHER_KEY: CebSigningKey = {
  algorithm: 'sm2-sm3',
  privateKey: fixtureText('sm2-other.TEST-ONLY.key.pem'),
  certificateDer: fixture('sm2-other.crt.der'),
  keyName: '0002',
};

export const RSA_KEY: CebSigningKey = {
  algorithm: 'rsa-sha1',
  privateKey: fixtureText('rsa-signer.TEST-ONLY.key.pem'),
  certificateDer: fixture('rsa-signer.crt.der'),
  keyName: '0001',
};

export const SM2_CA = fixture('sm2-ca.crt.der');
export const RSA_CA = fixture('rsa-ca.crt.der');

export function parsed(xml: string | Buffer): CebMessage {
  const result = parseCeb(xml);
  if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
  return result.message;
}

/** Import samples whose message type has a ds:Signature in the XSD (the data messages, not the receipts). */
export const SIGNABLE_IMPORT = SAMPLES.filter((s) => s.name.startsWith('import/') && s.bytes.includes('ds:Signature'));
export const RECEIPT_IMPORT = SAMPLES.filter((s) => s.name.startsWith('import/') && !s.bytes.includes('ds:Signature'));

/**
 * A sample rebuilt by the codec (schema-valid, XSD order). The messages whose XSD requires a Signature are built
 * with the sample's placeholder signature, which signCeb then replaces (`replaceExisting`).
 */
export function rebuilt(bytes: Buffer): string {
  return buildCeb(parsed(bytes));
}

/** An unsigned CEB311 with `orders` orders (each the first sample order, renumbered), built by the codec. */
export function ceb311WithOrders(orders: number): string {
  const base = parsed(SAMPLES.find((s) => s.name === 'import/CEB311Message.xml')!.bytes);
  const first = base.records[0] as { OrderHead: CebRecord; OrderList: CebRecord[] };
  const records = Array.from({ length: orders }, (_, i) => ({
    ...first,
    OrderHead: { ...first.OrderHead, orderNo: `ORDER${String(i + 1).padStart(8, '0')}` },
  }));
  return buildCeb({ ...base, records, signature: undefined });
}
