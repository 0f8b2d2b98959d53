/**
 * Every code the clearance engine and the declaration hub emit (a decision's reasons, a refusal's errors, the return
 * status of a receipt) has a Chinese and an English name in the web app's locales (`codes` in web/src/locales), so
 * that no page shows `COSMETICS_BELOW_THRESHOLD` to a Chinese reader. The codes are collected from the modules' own
 * sources and constants, so that a code added there without its names fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../src/modules/clearance/rules/import/assess.js';
import { matchCode } from '../../src/modules/clearance/rules/import/engine.js';
import { MATCH_RULES } from '../../src/modules/clearance/rules/import/matching.js';
import { codesOf } from '../../src/modules/declaration/model.js';
import en from '../../web/src/locales/en.js';
import zh from '../../web/src/locales/zh.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Where codes are emitted: the engine's decisions and receipts, and the hub's intake. */
const SOURCES = [
  'src/modules/clearance/rules/import/engine.ts',
  'src/modules/clearance/rules/import/assess.ts',
  'src/modules/clearance/rules/import/limits.ts',
  'src/modules/clearance/rules/import/matching.ts',
  'src/modules/clearance/service.ts',
  ...tsFiles('src/modules/clearance/actions'),
  ...tsFiles('src/modules/declaration').filter((f) => !f.endsWith('.generated.ts') && !f.endsWith('examples.ts')),
];

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? tsFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [relative(ROOT, join(ROOT, dir, e.name))]
        : [],
  );
}

/** What a code looks like: a data-exchange code (0001, 1004), a customs code (-621005), a platform code (TRADE_MODE). */
const CODE_SHAPE = /^(?:[01]\d{3}|-\d{5,6}|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})$/;

/**
 * The codes written in a source: every code-shaped string on the right of an assignment to a `code` (`code: '…'`,
 * `sigCode = x ? '-621029' : '1001'`), the first argument of a receipt answer (`answer('-623005', …)`), and every
 * customs error code literal anywhere ('-621027'). zod's own issue code `custom` is not one of ours.
 */
function codesIn(source: string): string[] {
  const out: string[] = [];
  for (const line of source.split('\n')) {
    const assigned = /\b(?:code|[a-z]+Code)\s*(?::|=(?!=))\s*(.*)$/.exec(line);
    if (assigned?.[1] && !/^\s*(?:string|CodeCheck|LimitCode)\b/.test(assigned[1])) {
      for (const m of assigned[1].matchAll(/'([^']+)'|"([^"]+)"/g)) out.push((m[1] ?? m[2]) as string);
    }
    for (const m of line.matchAll(/\banswer\(\s*'([^']+)'/g)) out.push(m[1] as string);
    for (const m of line.matchAll(/'(-\d{5,6})'/g)) out.push(m[1] as string);
  }
  return out.filter((c) => CODE_SHAPE.test(c));
}

function emittedCodes(): Map<string, string[]> {
  const where = new Map<string, string[]>();
  const add = (code: string, from: string) => where.set(code, [...(where.get(code) ?? []), from]);
  for (const file of SOURCES) for (const c of codesIn(readFileSync(join(ROOT, file), 'utf8'))) add(c, file);
  for (const c of Object.values(REASON_CODES)) add(c, 'assess.ts REASON_CODES');
  for (const r of MATCH_RULES) add(matchCode(r), 'matching.ts MATCH_RULES');
  for (const kind of ['order', 'payment', 'waybill', 'inventory', 'document'] as const) {
    for (const c of Object.values(codesOf(kind))) add(c, `declaration/model.ts codesOf(${kind})`);
  }
  for (const c of Object.values(codesOf('document', 'CEB623Message'))) add(c, 'declaration/model.ts CEB623');
  return where;
}

describe('names of the emitted codes in both locales', () => {
  const emitted = emittedCodes();

  it('the sources are read: the codes of the README tour and of every kind are found', () => {
    for (const c of [
      'COSMETICS_BELOW_THRESHOLD',
      'FULL_TAX_SINGLE_ITEM',
      'MATCH_AMOUNT_PAID',
      'MATCH_TIMEOUT',
      'BONDED_STOCK_SHORT',
      'REVIEW_REJECTED',
      '-621005',
      '-621018',
      '-621027',
      '-623005',
      '-625003',
      '0001',
      '0002',
      '1001',
      '1004',
      '-10101',
      '-10102',
      '-301010',
      '-621029',
      'COP_CODE',
    ]) {
      expect(emitted.has(c), c).toBe(true);
    }
    expect(emitted.size).toBeGreaterThan(50);
  });

  it.each([
    ['zh', zh.codes as Record<string, string>],
    ['en', en.codes as Record<string, string>],
  ])('every emitted code has a %s name', (_lang, names) => {
    const missing = [...emitted]
      .filter(([code]) => !(Object.hasOwn(names, code) && names[code]?.trim()))
      .map(([code, from]) => `${code} (${[...new Set(from)].join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('a Chinese name is Chinese, and no name is the code itself', () => {
    for (const [code, name] of Object.entries(zh.codes)) {
      expect(name, code).toMatch(/[\u4e00-\u9fff]/);
      expect(name).not.toBe(code);
      expect((en.codes as Record<string, string>)[code], code).not.toBe(code);
    }
  });
});
