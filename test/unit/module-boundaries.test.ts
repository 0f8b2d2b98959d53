import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Module boundaries: a module (src/modules/NAME/) uses another module only through that module's port.ts. The
 * composition root (src/app/, src/cli.ts) may import anything; platform/ and kernel/ import no module.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const MODULES = join(ROOT, 'src/modules');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The relative specifiers a source imports or re-exports: static, type-only and dynamic. */
function importedSpecifiers(source: string): string[] {
  const found: string[] = [];
  const pattern = /\b(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g;
  for (const m of source.matchAll(pattern)) {
    const spec = m[1] ?? m[2];
    if (spec?.startsWith('.')) found.push(spec);
  }
  return found;
}

type Crossing = { file: string; target: string };

/** The imports of `file` (under src/modules/) that reach into another module by any file but its port.ts. */
function violations(file: string, source: string): Crossing[] {
  const own = relative(MODULES, file).split('/')[0];
  const out: Crossing[] = [];
  for (const spec of importedSpecifiers(source)) {
    const target = relative(MODULES, resolve(dirname(file), spec));
    if (target.startsWith('..')) continue; // kernel/, platform/ (and, below, app/: checked apart)
    const [module, ...rest] = target.split('/');
    if (module === own) continue;
    if (rest.join('/') !== 'port.js') out.push({ file: relative(ROOT, file), target: `src/modules/${target}` });
  }
  return out;
}

describe('module boundaries', () => {
  it('finds the imports it checks (self-check of the parser)', () => {
    const specs = importedSpecifiers(
      [
        "import { a } from '../declaration/port.js';",
        "import type { B } from '../filing/service.js';",
        'import {\n  c,\n  type D,\n} from "./x.js";',
        "import {\n  e,\n  f,\n} from '../gateway/connected.js';",
        "export { g } from '../identity/model.js';",
        "export * from '../credit/store.js';",
        "const h = await import('../clearance/engine.js');",
        "import { z } from 'zod';",
      ].join('\n'),
    );
    expect(specs).toEqual([
      '../declaration/port.js',
      '../filing/service.js',
      '../gateway/connected.js',
      '../identity/model.js',
      '../credit/store.js',
      '../clearance/engine.js',
    ]);
    const file = join(MODULES, 'gateway/connected.ts');
    expect(violations(file, "import { a } from '../declaration/port.js';")).toEqual([]);
    expect(violations(file, "import { a } from '../declaration/ceb/codec.js';")).toEqual([
      { file: 'src/modules/gateway/connected.ts', target: 'src/modules/declaration/ceb/codec.js' },
    ]);
    expect(violations(file, "import { a } from '../declaration/schema.js';")).toHaveLength(1);
    expect(violations(file, "import { a } from './transport.js';")).toEqual([]);
  });

  it('finds the known crossings of the real sources', () => {
    const gateway = readFileSync(join(MODULES, 'gateway/connected.ts'), 'utf8');
    expect(importedSpecifiers(gateway)).toContain('../declaration/port.js');
    const emulator = readFileSync(join(MODULES, 'gateway/customs-emulator.ts'), 'utf8');
    expect(importedSpecifiers(emulator)).toContain('../clearance/port.js');
  });

  it("a module imports another module only through that module's port.ts", () => {
    const found = tsFiles(MODULES).flatMap((file) => violations(file, readFileSync(file, 'utf8')));
    expect(found).toEqual([]);
  });

  it('a module does not import the composition root (src/app/, src/cli.ts): the demo data and wiring sit above it', () => {
    const found: Crossing[] = [];
    for (const file of tsFiles(MODULES)) {
      for (const spec of importedSpecifiers(readFileSync(file, 'utf8'))) {
        const target = relative(ROOT, resolve(dirname(file), spec));
        if (target.startsWith('src/app/') || target === 'src/cli.js')
          found.push({ file: relative(ROOT, file), target });
      }
    }
    expect(found).toEqual([]);
  });

  it('platform/ and kernel/ import no module and not the composition root', () => {
    const found: Crossing[] = [];
    for (const dir of ['src/platform', 'src/kernel']) {
      for (const file of tsFiles(join(ROOT, dir))) {
        for (const spec of importedSpecifiers(readFileSync(file, 'utf8'))) {
          const target = relative(ROOT, resolve(dirname(file), spec));
          if (target.startsWith('src/modules/') || target.startsWith('src/app/') || target === 'src/cli.js') {
            found.push({ file: relative(ROOT, file), target });
          }
        }
      }
    }
    expect(found).toEqual([]);
  });
});
