import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCeb } from '../../src/modules/declaration/ceb/codec.js';
import { validateCebXml } from '../../src/modules/declaration/ceb/xsd-validator.js';
import { formatReceiptXml } from '../../src/modules/declaration/routes.js';

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
