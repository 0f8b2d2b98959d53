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
    for (const kind of [
      'tariff-rates',
      'positive-list',
      'exchange-rates',
      'customs-params',
      'holidays',
      'export-conditions',
    ]) {
      expect(r.stdout).toContain(kind);
    }
    expect(r.stdout).toContain('export-conditions (出口商品监管条件表)');
    expect(r.stdout).toMatch(/SAMPLE .* SAMPLE — 样例，非官方数据 {2}\(export-conditions\.csv, system:seed\)/);
    const line = r.stdout.split('\n').find((l) => l.includes(id));
    expect(line).toMatch(/^\s+\*\s+/);
    expect(line).toContain('2027 节假日');
    expect(line).toContain('cli:tester');
    expect(r.stdout).toMatch(/SAMPLE .* SAMPLE — 样例，非官方数据 {2}\(holidays\.csv, system:seed\)/);
  });

  it('tables import export-conditions FILE: a bad file is refused with line and column, a good one is in force', () => {
    const header = 'hs_code,valid_from,valid_to,needs_licence,needs_inspection,export_duty,export_refund,name,note';
    const bad = file('bad-export-conditions.csv', `${header}\n6109,2026-01-01,,yes,N,N,N,T恤,\n`);
    const refused = run('tables', 'import', 'export-conditions', bad);
    expect(refused.status, refused.stderr).toBe(1);
    expect(refused.stderr).toContain(
      '出口商品监管条件表 第 2 行，列 needs_licence：needs_licence 应为 Y 或 N（值：yes）',
    );
    expect(refused.stderr).toContain(
      'export-conditions table line 2, column needs_licence: needs_licence must be Y or N (value: yes)',
    );
    const good = file('export-conditions-2027.csv', `${header}\n6109,2027-01-01,,N,N,N,Y,T恤,\n`);
    const r = run('tables', 'import', 'export-conditions', good, '--label', '2027 出口监管条件');
    expect(r.status, r.stderr).toBe(0);
    const version = r.stdout.trim();
    expect(r.stderr).toContain('export-conditions: “2027 出口监管条件” 1 rows');
    const list = run('tables', 'list');
    expect(list.stdout.split('\n').find((l) => l.includes(version))).toMatch(/^\s+\*\s+.*2027 出口监管条件/);
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
