// Builds the web app when web/dist is missing or older than its sources, so `npm start` and `npm test` work on a
// fresh clone without a separate build step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'web/dist/index.html');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

// src/kernel/codes: the code checks the web app imports (web/src/codes.ts)
const sources = [
  join(root, 'web/src'),
  join(root, 'web/index.html'),
  join(root, 'web/vite.config.ts'),
  join(root, 'src/kernel/codes'),
].filter(existsSync);
const srcTime = Math.max(...sources.map((p) => (statSync(p).isDirectory() ? newest(p) : statSync(p).mtimeMs)));
if (existsSync(dist) && statSync(dist).mtimeMs >= srcTime) process.exit(0);
console.log('building the web app (vite)…');
const r = spawnSync(
  process.execPath,
  [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(r.status ?? 1);
