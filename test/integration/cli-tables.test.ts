import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli.ts')];

/** `cbec-zone tables import | list | export` on the embedded database. PGlite only, like the other CLI tests. */
describe.skipIf(!!process.env.DATABASE_URL)('cbec-zone tables (reference tables from the command line)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cbec-cli-tables-'));
  const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', USER: 'tester' };
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [...CLI, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  const file = (name: string, text: string) => {
    const path = join(dataDir, name);
    writeFileSync(path, text);
    return path;
  };
  let id = '';

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a bad file: exit 1, every error in Chinese and English with its line and column', () => {
    const bad = file('bad-holidays.csv', 'date,kind,name\n2026-10-09,workday,调休\n2026-10-01,day-off,国庆节\n');
    const r = run('tables', 'import', 'holidays', bad);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('not imported: 2 error(s)');
    expect(r.stderr).toContain('法定节假日及调休表 第 2 行，列 date：调休上班日应为周六或周日，2026-10-09 是星期五');
    expect(r.stderr).toContain('public-holiday table line 2, column date: A workday in exchange must be a Saturday');
    expect(r.stderr).toContain('法定节假日及调休表 第 3 行，列 kind');
    expect(r.stderr).toContain('public-holiday table line 3, column kind');
  });

  it('a good file: exit 0, the new version id on standard output, in force', () => {
    const good = file('holidays-2027.csv', 'date,kind,name\n2027-01-01,holiday,元旦\n');
    const r = run('tables', 'import', 'holidays', good, '--label', '2027 节假日');
    expect(r.status, r.stderr).toBe(0);
    id = r.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(r.stderr).toContain('in force');

    const again = run('tables', 'import', 'holidays', good);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('Identical to the version in force, "2027 节假日"');
  });

  it('list shows every kind, the samples and the version in force', () => {
    const r = run('tables', 'list');
    expect(r.status, r.stderr).toBe(0);
    for (const kind of ['tariff-rates', 'positive-list', 'exchange-rates', 'customs-params', 'holidays']) {
      expect(r.stdout).toContain(kind);
    }
    const line = r.stdout.split('\n').find((l) => l.includes(id));
    expect(line).toMatch(/^\s+\*\s+/);
    expect(line).toContain('2027 节假日');
    expect(line).toContain('cli:tester');
    expect(r.stdout).toMatch(/SAMPLE .* SAMPLE — 样例，非官方数据 {2}\(holidays\.csv, system:seed\)/);
  });

  it('export writes the stored CSV to a file or standard output; unknown ids and kinds fail', () => {
    const out = join(dataDir, 'export.csv');
    expect(run('tables', 'export', id, out).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('date,kind,name\n2027-01-01,holiday,元旦\n');
    const stdout = run('tables', 'export', id);
    expect(stdout.stdout).toBe('date,kind,name\n2027-01-01,holiday,元旦\n');

    const missing = run('tables', 'export', '00000000-0000-4000-8000-000000000000');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('not found');
    const kind = run('tables', 'import', 'hs-codes', out);
    expect(kind.status).toBe(1);
    expect(kind.stderr).toContain('unknown table kind: hs-codes');
  });
});
