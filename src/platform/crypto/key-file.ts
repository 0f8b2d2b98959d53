/**
 * Where the personal-information master key comes from: the configuration (CBEC_PI_KEY), else the key file
 * (CBEC_PI_KEY_FILE, default <DATA_DIR>/secrets/pi.key), else a new random key written to that file (mode 0600).
 * Losing the key makes every encrypted value unreadable: back the file up with the database.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const KEY_HEX = /^[0-9a-f]{32}$/;

function validKey(value: string, source: string): string {
  const key = value.trim().toLowerCase();
  if (!KEY_HEX.test(key)) throw new Error(`${source}: the personal-information key must be 32 hex characters`);
  return key;
}

function readKeyFile(keyFile: string): string | undefined {
  try {
    return validKey(readFileSync(keyFile, 'utf8'), keyFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Returns the key as 32 lower-case hex characters. */
export function loadOrCreatePiKey(opts: { keyHex?: string; keyFile: string }): string {
  if (opts.keyHex !== undefined) return validKey(opts.keyHex, 'CBEC_PI_KEY');
  const existing = readKeyFile(opts.keyFile);
  if (existing) return existing;
  mkdirSync(dirname(opts.keyFile), { recursive: true, mode: 0o700 });
  const key = randomBytes(16).toString('hex');
  try {
    // 'wx': never overwrite a key another process has just written.
    writeFileSync(opts.keyFile, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      return validKey(readFileSync(opts.keyFile, 'utf8'), opts.keyFile);
    throw err;
  }
  return key;
}
