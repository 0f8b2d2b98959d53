import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db/client.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli.ts')];

/** The CLI on the embedded database: serve, the data-directory lock, migrate, audit verify. PGlite only. */
describe.skipIf(!!process.env.DATABASE_URL)('cbec-zone CLI on the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cbec-cli-'));
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    CBEC_ADMIN_PASSWORD: undefined,
  };
  let server: ChildProcess;
  let out = '';
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [...CLI, ...args], { env, encoding: 'utf8', timeout: 60_000 });

  beforeAll(async () => {
    server = spawn(process.execPath, [...CLI, 'serve'], { env });
    server.stdout?.on('data', (d) => {
      out += d;
    });
    server.stderr?.on('data', (d) => {
      out += d;
    });
    const deadline = Date.now() + 60_000;
    while (!/running at (http:\/\/\S+)/.test(out)) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`server did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(() => {
    server.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serve prints its URL, a generated admin password once, and the demo users; /readyz answers 200', async () => {
    expect(out).toMatch(/initial password \(shown once\): \S{10,}/);
    expect(out).toContain('customs.demo');
    const url = /running at (http:\/\/\S+)/.exec(out)![1];
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', database: 'pglite' });
  });

  it('a second process on the same data directory fails with a clear message', () => {
    const r = run('audit', 'verify');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('is in use by process');
    expect(r.stderr).toContain(String(server.pid));
  });

  it('after the server stops, audit verify passes; after a row is altered it fails', async () => {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    const ok = run('audit', 'verify');
    expect(ok.stdout).toContain('audit log intact');
    expect(ok.status).toBe(0);

    const h = await openDatabase({ kind: 'pglite', dataDir });
    await h.db.execute("update audit_log set action = 'filing.approve' where seq = 3");
    await h.close();
    const bad = run('audit', 'verify');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('TAMPERED');
    expect(bad.stdout).toContain('seq 3');
  });

  it('users reset restores access from the command line', () => {
    const r = run('users', 'reset', '--username', 'customs.demo', '--password', 'Reset@2026xx');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('password of customs.demo reset');
  });
});
