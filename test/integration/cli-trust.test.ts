import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inventoryMessage, PARTIES } from '../../src/app/examples.js';
import { verifyCeb } from '../../src/modules/declaration/signature/xmldsig.js';
import { makeCrl, makeSm2Ca } from '../support/certs.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli.ts')];

/** `cbec-zone trust list | add | remove | crl` and `ceb sign`, on the embedded database (PGlite only, like the other CLI tests). */
describe.skipIf(!!process.env.DATABASE_URL)('cbec-zone trust and ceb sign', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cbec-cli-trust-'));
  const env = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'warn', CBEC_SEED_DEMO: 'false', USER: 'tester' };
  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, [...CLI, ...args], { env, encoding: 'utf8', timeout: 60_000, input });
  const ca = makeSm2Ca('【测试】命令行 CA');
  afterAll(() => {
    ca.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('list shows the demo CA of a fresh install; add, crl and remove change the trust store', () => {
    const first = run(['trust', 'list']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/active +DEMO 【演示】综试区演示 CA/);
    writeFileSync(join(dir, 'ca.pem'), ca.certificatePem);
    const added = run(['trust', 'add', join(dir, 'ca.pem'), '--label', '测试 CA']);
    expect(added.status, added.stderr).toBe(0);
    const id = added.stdout.split(/\s/)[0] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    writeFileSync(join(dir, 'crl.pem'), makeCrl(ca, []));
    const crl = run(['trust', 'crl', join(dir, 'crl.pem')]);
    expect(crl.status, crl.stderr).toBe(0);
    expect(crl.stdout).toContain('CRL of 测试 CA: 0 entr(ies)');
    // a file that is no CRL: exit 1... and a clear message, not a stack trace
    writeFileSync(join(dir, 'junk.pem'), 'junk');
    const junk = run(['trust', 'crl', join(dir, 'junk.pem')]);
    expect(junk.status).not.toBe(0);
    expect(junk.stderr).toContain('不是有效的证书吊销列表');
    expect(junk.stderr).not.toContain('    at ');
    expect(run(['trust', 'remove', id]).status).toBe(0);
    expect(run(['trust', 'list']).stdout).toMatch(/removed +测试 CA/);
  }, 240_000); // six CLI processes, each opening the database: minutes on a loaded CI machine

  it('ceb sign signs a list (JSON or XML, file or standard input) with a demo key; the signature verifies', () => {
    const list = inventoryMessage('CLI-SIGN-1', 'CLILN1', 'CLICOP1', '2');
    writeFileSync(join(dir, 'list.json'), JSON.stringify(list));
    const r = run(['ceb', 'sign', join(dir, 'list.json'), '--demo', PARTIES.logistics]);
    expect(r.status, r.stderr).toBe(0);
    const v = verifyCeb(r.stdout);
    expect(v.ok).toBe(true);
    if (v.ok) expect(v.certificate.subject).toContain(PARTIES.logistics);
    const again = run(['ceb', 'sign', '-', '--demo', PARTIES.logistics], r.stdout);
    expect(again.status, again.stderr).toBe(0);
    expect(verifyCeb(again.stdout).ok).toBe(true);
    const none = run(['ceb', 'sign', join(dir, 'list.json'), '--demo', '91110000000000000X']);
    expect(none.status).not.toBe(0);
    expect(none.stderr).toContain('no demo key');
    expect(readFileSync(join(dir, 'list.json'), 'utf8')).toContain('CLI-SIGN-1');
  });
});
