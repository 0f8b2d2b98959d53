import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSigningKey } from '../../src/app/demo-pki.js';
import {
  EXAMPLE_TYPES,
  EXAMPLES,
  type ExampleType,
  exampleDeclarer,
  exampleMessage,
  exampleType,
  PARTIES,
} from '../../src/app/examples.js';
import { parseCeb } from '../../src/modules/declaration/ceb/codec.js';
import type { CebMessageType } from '../../src/modules/declaration/ceb/definitions.generated.js';
import { validateCebXml } from '../../src/modules/declaration/ceb/xsd-validator.js';
import { signFile } from '../../src/modules/declaration/check.js';
import { parseDeclaration } from '../../src/modules/declaration/parse.js';
import { formatReceiptXml } from '../../src/modules/declaration/routes.js';
import { buildCebUnsigned, signatureRequired } from '../../src/modules/declaration/signature/sign-message.js';
import { verifyCeb } from '../../src/modules/declaration/signature/xmldsig.js';
import { makeSm2Signer } from '../support/certs.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli.ts')];
const SAMPLES = join(ROOT, 'vendor/ceb/samples-202205');
const sampleFiles = ['import', 'export'].flatMap((d) => readdirSync(join(SAMPLES, d)).map((f) => join(SAMPLES, d, f)));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

/** `cbec-zone ceb check` and `ceb convert`: the intake's parsing and schema checks, without a database. */
describe.skipIf(!!process.env.DATABASE_URL)('cbec-zone ceb', () => {
  it('check accepts all 39 official samples, one line per file, exit 0', () => {
    const r = run('ceb', 'check', ...sampleFiles);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => / records=\d+ (ACCEPTED|REJECTED)/.test(l));
    expect(lines).toHaveLength(39);
    expect(lines.every((l) => l.endsWith('ACCEPTED'))).toBe(true);
  });

  it('check rejects a malformed file (0001) with exit 1 and still checks the next file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cbec-ceb-'));
    writeFileSync(join(dir, 'bad.xml'), '<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb">');
    const r = run('ceb', 'check', join(dir, 'bad.xml'), join(SAMPLES, 'import/CEB311Message.xml'));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/bad\.xml: Unknown records=0 REJECTED\n {2}\[0001\]/);
    expect(r.stdout).toContain('CEB311Message.xml: CEB311Message records=6 ACCEPTED');
  });

  it('check --verify-signature reports the samples’ placeholder signatures as invalid (1001)', () => {
    const r = run('ceb', 'check', '--verify-signature', join(SAMPLES, 'import/CEB621Message.xml'));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('signature=invalid');
    expect(r.stdout).toContain('[1001]');
  });

  it('convert to JSON and back yields a message with the same data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cbec-ceb-'));
    const json = run('ceb', 'convert', join(SAMPLES, 'import/CEB411Message.xml'), '--to', 'json');
    expect(json.status).toBe(0);
    writeFileSync(join(dir, 'm.json'), json.stdout);
    const xml = run('ceb', 'convert', join(dir, 'm.json'), '--to', 'xml');
    expect(xml.status, xml.stderr).toBe(0);
    const again = parseCeb(xml.stdout);
    expect(again.ok && again.message).toEqual(JSON.parse(json.stdout));
  });
});

/**
 * `cbec-zone ceb example TYPE`: every data message of both flows (the README tour's messages), by its type or short
 * name; each valid against the official XSD (a type whose XSD requires a signature once `ceb sign` signed it with its
 * declarer's DEMO key) and in the JSON form the hub reads; an unknown type is an error naming the types, never a
 * silent order.
 */
describe.skipIf(!!process.env.DATABASE_URL)('cbec-zone ceb example', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cbec-ex-'));

  it.each(EXAMPLE_TYPES)('%s: XML valid against the official XSD, declared by its demo party', (t) => {
    const type = `${t}Message` as CebMessageType;
    // what the command prints (the same functions), signed as `ceb sign` signs it where its XSD requires it
    let xml = buildCebUnsigned(exampleMessage(t, 'TOUR-0001'));
    if (signatureRequired(type)) {
      expect(xml).not.toContain('Signature');
      const key = demoSigningKey(exampleDeclarer(t).uscc);
      expect(key, `${t}: its declarer has a demo key`).not.toBeNull();
      const r = signFile(Buffer.from(xml), key!);
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      xml = r.output;
      const v = verifyCeb(xml, { expectedSigner: { uscc: exampleDeclarer(t).uscc } });
      expect(v.ok, JSON.stringify(v)).toBe(true);
    }
    expect(validateCebXml(xml, type)).toEqual([]);
    const parsed = parseDeclaration(Buffer.from(xml), 'xml');
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
    expect(xml).toContain(`<ceb:copCode>${exampleDeclarer(t).uscc}</ceb:copCode>`);
  });

  it.each(['CEB311', 'CEB621', 'CEB303', 'CEB603', 'CEB711'] as const)(
    'the command prints %s (unsigned where its XSD requires a signature, with the way to sign it); ceb sign signs it',
    (t) => {
      const type = `${t}Message` as CebMessageType;
      const r = run('ceb', 'example', t, '--order-no', 'TOUR-0001');
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`<ceb:${type}`);
      expect(r.stdout).toContain('TOUR-0001');
      if (!signatureRequired(type)) {
        expect(r.stderr).toBe('');
        expect(validateCebXml(r.stdout, type)).toEqual([]);
        return;
      }
      expect(r.stdout).not.toContain('Signature');
      expect(r.stderr).toContain('cbec-zone ceb sign FILE');
      writeFileSync(join(dir, `${t}.xml`), r.stdout);
      const s = run('ceb', 'sign', join(dir, `${t}.xml`));
      expect(s.status, s.stderr).toBe(0);
      expect(s.stderr).toMatch(/^警告：.*WARNING: signed with the DEMO key of \S+ .*never for production\n$/);
      expect(validateCebXml(s.stdout, type)).toEqual([]);
      expect(verifyCeb(s.stdout, { expectedSigner: { uscc: exampleDeclarer(t).uscc } }).ok).toBe(true);
    },
  );

  it.each(EXAMPLE_TYPES)('%s: the JSON form is one the hub reads', (t) => {
    const m = JSON.parse(JSON.stringify(exampleMessage(t, 'TOUR-0001')));
    expect(m.type).toBe(`${t}Message`);
    expect(m.baseTransfer.copCode).toBe(exampleDeclarer(t).uscc);
    const parsed = parseDeclaration(m, 'json');
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
  });

  it('--json prints the JSON form; the short names and CEB…Message are aliases of the types', () => {
    const r = run('ceb', 'example', 'list', '--order-no', 'TOUR-0001', '--json');
    expect(r.status, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.type).toBe('CEB621Message');
    expect(m.records[0].InventoryHead).toMatchObject({
      orderNo: 'TOUR-0001',
      logisticsNo: 'LN-TOUR-0001',
      appStatus: '2',
    });
    for (const [name, type] of [
      ['order', 'CEB311'],
      ['waybill', 'CEB511'],
      ['summary', 'CEB701'],
      ['CEB603Message', 'CEB603'],
      ['ceb303', 'CEB303'],
    ]) {
      expect(exampleType(name as string)).toBe(type);
    }
  });

  it('the messages of one order number agree: the import set and the export set', () => {
    const head = (t: ExampleType, group?: string) => {
      const r = exampleMessage(t, 'LZ-9').records[0] as Record<string, Record<string, string>>;
      return (group ? r[group] : r) as Record<string, string>;
    };
    const order = head('CEB311', 'OrderHead');
    const payment = head('CEB411', 'PaymentHead');
    const waybill = head('CEB511', 'LogisticsHead');
    const list = head('CEB621', 'InventoryHead');
    expect(new Set([order.orderNo, payment.orderNo, waybill.orderNo, list.orderNo])).toEqual(new Set(['LZ-9']));
    expect(payment.amountPaid).toBe(order.acturalPaid);
    expect(list.logisticsNo).toBe(waybill.logisticsNo);
    const eorder = head('CEB303', 'OrderHead');
    const collection = head('CEB403');
    const ewaybill = head('CEB505');
    const elist = head('CEB603', 'InventoryHead');
    expect(eorder.orderType).toBe('E');
    expect(elist.ieFlag).toBe('E');
    expect(new Set([eorder.orderNo, collection.orderNo, elist.orderNo])).toEqual(new Set(['LZ-9']));
    expect(new Set([eorder.currency, collection.currency, ewaybill.currency, elist.fCurrency])).toEqual(
      new Set(['502']),
    );
    expect(Number(collection.charge)).toBe(Number(eorder.goodsValue) + Number(eorder.freight));
    expect(elist.logisticsNo).toBe(ewaybill.logisticsNo);
    expect(new Set([eorder.ebcCode, collection.ebcCode, ewaybill.ebcCode, elist.ebcCode])).toEqual(
      new Set([PARTIES.ebc]),
    );
    const orderItems = (exampleMessage('CEB303', 'LZ-9').records[0] as { OrderList: Record<string, string>[] })
      .OrderList;
    const listItems = (exampleMessage('CEB603', 'LZ-9').records[0] as { InventoryList: Record<string, string>[] })
      .InventoryList;
    expect(listItems.map((i) => [i.gnum, i.itemNo, i.qty, i.price, i.totalPrice])).toEqual(
      orderItems.map((i) => [i.gnum, i.itemNo, i.qty, i.price, i.totalPrice]),
    );
    expect(listItems.reduce((s, i) => s + Number(i.totalPrice), 0)).toBe(Number(eorder.goodsValue));
  });

  it('a list in XML is also signed with --sign-key/--sign-cert', () => {
    const signer = makeSm2Signer(PARTIES.logistics);
    writeFileSync(join(dir, 'k.pem'), signer.privateKey as string);
    writeFileSync(join(dir, 'c.pem'), signer.certificatePem);
    const r = run('ceb', 'example', 'list', '--sign-key', join(dir, 'k.pem'), '--sign-cert', join(dir, 'c.pem'));
    expect(r.status, r.stderr).toBe(0);
    writeFileSync(join(dir, 'list.xml'), r.stdout);
    const checked = run('ceb', 'check', '--verify-signature', join(dir, 'list.xml'));
    expect(checked.stdout).toContain('CEB621Message records=1 ACCEPTED signature=valid');
  });

  it.each(['bogus', 'ORDER', 'CEB312'])('an unknown type "%s" is an error (exit 2) naming the types', (kind) => {
    const r = run('ceb', 'example', kind);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('未知的示例报文种类');
    expect(r.stderr).toContain('unknown example type');
    for (const t of EXAMPLE_TYPES) expect(r.stderr).toContain(`${t} (${EXAMPLES[t].alias})`);
  });
});

/** `cbec-zone ceb sign FILE`: the declarer's DEMO key by default, --out, and a clear refusal without a demo key. */
describe.skipIf(!!process.env.DATABASE_URL)('cbec-zone ceb sign', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cbec-sign-'));

  it('signs the JSON form with the copCode’s demo key and writes it with --out (a one-line DEMO warning)', () => {
    writeFileSync(join(dir, 'list.json'), JSON.stringify(exampleMessage('CEB621', 'SIGN-1')));
    const r = run('ceb', 'sign', join(dir, 'list.json'), '--out', join(dir, 'list.xml'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`DEMO key of ${PARTIES.logistics}`);
    const checked = run('ceb', 'check', '--verify-signature', join(dir, 'list.xml'));
    expect(checked.stdout).toContain('CEB621Message records=1 ACCEPTED signature=valid');
  });

  it('refuses a declarer without a demo key, naming it', () => {
    const m = exampleMessage('CEB621', 'SIGN-2');
    m.baseTransfer = { ...m.baseTransfer!, copCode: '91350100M000100Y43' };
    writeFileSync(join(dir, 'other.json'), JSON.stringify(m));
    const r = run('ceb', 'sign', join(dir, 'other.json'));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('91350100M000100Y43 没有演示密钥');
    expect(r.stderr).toContain('91350100M000100Y43 has no demo key');
  });

  it('--demo USCC still picks a demo enterprise’s key', () => {
    writeFileSync(join(dir, 'order.json'), JSON.stringify(exampleMessage('CEB311', 'SIGN-3')));
    const r = run('ceb', 'sign', join(dir, 'order.json'), '--demo', PARTIES.ebp);
    expect(r.status, r.stderr).toBe(0);
    expect(verifyCeb(r.stdout, { expectedSigner: { uscc: PARTIES.ebp } }).ok).toBe(true);
  });
});

describe('emitted receipts validate against the official XSD', () => {
  const receipt = {
    messageId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    guid: '4CDE1CFD-EDED-46B1-946C-B8022E42FC94',
    type: 'CEB311Message',
    status: 'rejected' as const,
    returnStatus: '-301010',
    returnTime: '20261128093000123',
    returnInfo: '[-301010] CEB311Message/Order[1]/OrderHead/appType: 已存在相同编号的单证 & <escaped>',
    recordCount: 1,
    errors: [],
    warnings: [],
  };
  it('CEB900Message (format receipt) with libxml2', () => {
    expect(validateCebXml(formatReceiptXml(receipt), 'CEB900Message')).toEqual([]);
  });
  it.runIf(hasXmllint || process.env.CI)('CEB900Message with xmllint --schema', () => {
    const r = spawnSync(
      'xmllint',
      ['--noout', '--nonet', '--schema', join(ROOT, 'vendor/ceb/xsd/ceb-import-202205.xsd'), '-'],
      {
        input: formatReceiptXml(receipt),
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(0);
  });
});
