import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreatePiKey } from '../../src/platform/crypto/key-file.js';
import { PersonalInfoCipher } from '../../src/platform/crypto/personal-info.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cbec-pi-key-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('loadOrCreatePiKey', () => {
  it('1. the configured key wins, lower-cased, and no file is written', () => {
    const keyFile = join(dir, 'secrets', 'pi.key');
    expect(loadOrCreatePiKey({ keyHex: '0123456789ABCDEFFEDCBA9876543210', keyFile })).toBe(
      '0123456789abcdeffedcba9876543210',
    );
    expect(() => statSync(keyFile)).toThrow();
  });

  it('1. a malformed configured key is an error, not silently replaced', () => {
    expect(() => loadOrCreatePiKey({ keyHex: 'abc', keyFile: join(dir, 'pi.key') })).toThrow(/32 hex characters/);
  });

  it('2. otherwise the key file is read (surrounding whitespace ignored)', () => {
    const keyFile = join(dir, 'pi.key');
    writeFileSync(keyFile, '  FEDCBA98765432100123456789ABCDEF\n');
    expect(loadOrCreatePiKey({ keyFile })).toBe('fedcba98765432100123456789abcdef');
  });

  it('2. a corrupt key file is an error naming the file, never overwritten', () => {
    const keyFile = join(dir, 'pi.key');
    writeFileSync(keyFile, 'not a key\n');
    expect(() => loadOrCreatePiKey({ keyFile })).toThrow(keyFile);
    expect(readFileSync(keyFile, 'utf8')).toBe('not a key\n');
  });

  it('3. otherwise a random key is created, parent directories too, file mode 0600', () => {
    const keyFile = join(dir, 'data', 'secrets', 'pi.key');
    const key = loadOrCreatePiKey({ keyFile });
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(key);
    if (process.platform !== 'win32') expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(() => PersonalInfoCipher.fromKeyHex(key)).not.toThrow();
  });

  it('3. the created key is stable across restarts, and different per installation', () => {
    const keyFile = join(dir, 'pi.key');
    const first = loadOrCreatePiKey({ keyFile });
    expect(loadOrCreatePiKey({ keyFile })).toBe(first);
    expect(loadOrCreatePiKey({ keyFile: join(dir, 'other', 'pi.key') })).not.toBe(first);
  });
});
