import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCeb } from '../../src/modules/declaration/ceb/codec.js';
import { validateCebXml } from '../../src/modules/declaration/ceb/xsd-validator.js';
import { formatReceiptXml } from '../../src/modules/declaration/routes.js';
import { PARTIES } from '../support/ceb.js';
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
 * `cbec-zone ceb example KIND`: the README tour's messages (order CEB311, payment CEB411, waybill CEB511, list CEB621
 * — 清单 is "list" in this code base's English); an unknown kind is an error naming the kinds, never a silent order.
 */
describe.skipIf(!!process.env.DATABASE_URL)('cbec-zone ceb example', () => {
  it.each([
    ['order', 'CEB311Message'],
    ['payment', 'CEB411Message'],
    ['waybill', 'CEB511Message'],
  ])('%s prints a %s that ceb check accepts', (kind, type) => {
    const dir = mkdtempSync(join(tmpdir(), 'cbec-ex-'));
    const r = run('ceb', 'example', kind, '--order-no', 'TOUR-0001');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`<ceb:${type}`);
    expect(r.stdout).toContain('TOUR-0001');
    writeFileSync(join(dir, 'm.xml'), r.stdout);
    const checked = run('ceb', 'check', join(dir, 'm.xml'));
    expect(checked.stdout, checked.stdout).toContain(`${type} records=1 ACCEPTED`);
  });

  it('list prints the CEB621 of the same order and waybill (JSON form: no signature needed)', () => {
    const r = run('ceb', 'example', 'list', '--order-no', 'TOUR-0001', '--json');
    expect(r.status, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.type).toBe('CEB621Message');
    expect(m.records[0].InventoryHead).toMatchObject({
      orderNo: 'TOUR-0001',
      logisticsNo: 'LN-TOUR-0001',
      appStatus: '2',
    });
    const waybill = JSON.parse(run('ceb', 'example', 'waybill', '--order-no', 'TOUR-0001', '--json').stdout);
    expect(waybill.records[0].LogisticsHead.logisticsNo).toBe('LN-TOUR-0001');
  });

  it('list in XML is signed with --sign-key/--sign-cert (its XSD requires a Signature); without them a clear error', () => {
    const unsigned = run('ceb', 'example', 'list');
    expect(unsigned.status).not.toBe(0);
    expect(unsigned.stderr).toContain('--sign-key');
    expect(unsigned.stderr).toMatch(/加签/);
    expect(unsigned.stdout).toBe('');
    const signer = makeSm2Signer(PARTIES.logistics);
    const dir = mkdtempSync(join(tmpdir(), 'cbec-ex-'));
    writeFileSync(join(dir, 'k.pem'), signer.privateKey as string);
    writeFileSync(join(dir, 'c.pem'), signer.certificatePem);
    const r = run('ceb', 'example', 'list', '--sign-key', join(dir, 'k.pem'), '--sign-cert', join(dir, 'c.pem'));
    expect(r.status, r.stderr).toBe(0);
    writeFileSync(join(dir, 'list.xml'), r.stdout);
    const checked = run('ceb', 'check', '--verify-signature', join(dir, 'list.xml'));
    expect(checked.stdout).toContain('CEB621Message records=1 ACCEPTED signature=valid');
  });

  it.each(['bogus', 'inventory', 'ORDER', ''])('an unknown kind "%s" is an error (exit 2) naming the kinds', (kind) => {
    const r = run('ceb', 'example', kind);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('未知的示例报文种类');
    expect(r.stderr).toContain('unknown example kind');
    for (const k of ['order (CEB311)', 'payment (CEB411)', 'waybill (CEB511)', 'list (CEB621)']) {
      expect(r.stderr).toContain(k);
    }
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
