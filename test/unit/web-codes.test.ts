/**
 * The filing form checks codes as the user types with the API's own rules (web/src/codes.ts over src/kernel/codes):
 * the same verdict and the same bilingual message as the server's zod schemas, and the kernel files the web app
 * imports stay free of Node-only imports (they are bundled for the browser).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { RuleObject } from 'antd/es/form';
import fc from 'fast-check';
import { isValidElement, type ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { USCC_ALPHABET, usccCheckCharacter } from '../../src/kernel/codes/uscc.js';
import {
  cnPhoneSchema,
  customsCodeSchema,
  idNumberSchema,
  regionCodeSchema,
  usccSchema,
} from '../../src/kernel/codes/zod.js';
import { CODE_RULES, type CodeKind, CodeMessage, codeRules } from '../../web/src/codes.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

type Outcome = { level: 'error' | 'warning'; message: string } | null;

/** What the form shows for a value on a trigger ('submit' runs every rule, as antd does on submit). */
async function shown(kind: CodeKind, value: string, trigger: 'onChange' | 'onBlur' | 'submit', lang = 'zh') {
  const out: Outcome[] = [];
  for (const rule of codeRules(kind)) {
    const triggers = ([] as string[]).concat(rule.validateTrigger ?? []);
    if (trigger !== 'submit' && !triggers.includes(trigger)) continue;
    try {
      await (rule.validator as (r: RuleObject, v: unknown) => Promise<void>)(rule, value);
    } catch (e) {
      // the message is a React element speaking the current language (it follows a language switch)
      const el = e as ReactElement<{ zh: string; en: string }>;
      expect(isValidElement(el) && el.type).toBe(CodeMessage);
      out.push({ level: rule.warningOnly ? 'warning' : 'error', message: lang === 'zh' ? el.props.zh : el.props.en });
    }
  }
  return out.filter(Boolean)[0] ?? null;
}

/** The server's verdict: the Chinese or English message of the first issue, or null when the value passes. */
function serverSays(schema: z.ZodType, value: string, lang = 'zh'): string | null {
  const r = schema.safeParse(value);
  if (r.success) return null;
  const issue = r.error.issues[0] as { message: string; params?: { messageEn?: string } };
  return lang === 'zh' ? issue.message : (issue.params?.messageEn ?? issue.message);
}

describe('USCC in the form (GB 32100, the README tour)', () => {
  it('91350100M000100Y44 → “统一社会信用代码校验位错误，应为 3” as soon as the 18th character is typed', async () => {
    expect(await shown('uscc', '91350100M000100Y44', 'onChange')).toEqual({
      level: 'warning',
      message: '统一社会信用代码校验位错误，应为 3',
    });
    expect(await shown('uscc', '91350100M000100Y44', 'onChange', 'en')).toEqual({
      level: 'warning',
      message: 'USCC check character is wrong: expected 3',
    });
    expect(await shown('uscc', '91350100M000100Y43', 'onChange')).toBeNull();
  });

  it('a checksum failure warns but does not block: the operator’s legacy-code exception list may admit the code', async () => {
    expect((await shown('uscc', '91350100M000100Y44', 'submit'))?.level).toBe('warning');
    expect((await shown('uscc', '914403001922038276', 'submit'))?.message).toBe(
      '统一社会信用代码第17位（组织机构代码校验码）错误，应为 1',
    );
  });

  it('while typing, an incomplete code is not an error, but a character that is never allowed is at once', async () => {
    expect(await shown('uscc', '9135010', 'onChange')).toBeNull();
    expect(await shown('uscc', '9135I', 'onChange')).toEqual({
      level: 'error',
      message: '统一社会信用代码第5位字符“I”无效（只允许数字和除 I、O、S、V、Z 以外的大写字母）',
    });
    expect(await shown('uscc', '91A', 'onChange')).toEqual({
      level: 'error',
      message: '统一社会信用代码第3-8位（登记管理机关行政区划码）应为数字',
    });
    // the institution category is judged with its authority, so not before the second character
    expect(await shown('uscc', '9', 'onChange')).toBeNull();
    expect(await shown('uscc', '97', 'onChange')).toEqual({
      level: 'warning',
      message: '统一社会信用代码第2位（机构类别代码）“7”对登记管理部门“工商”无效',
    });
  });

  it('leaving the field (or submitting) with a short code reports its length', async () => {
    expect(await shown('uscc', '9135010', 'onBlur')).toEqual({
      level: 'error',
      message: '统一社会信用代码应为18位，实际为7位',
    });
    // the length blocks, the institution category only warns
    expect(await shown('uscc', '97', 'onBlur')).toEqual({
      level: 'error',
      message: '统一社会信用代码应为18位，实际为2位',
    });
  });

  it('leaving a short code that is wrong already: what cannot be mended is said first', async () => {
    expect((await shown('regionCode', '99', 'onBlur'))?.message).toBe('行政区划代码前两位“99”不是有效的省级代码');
    expect((await shown('customsCode', '62A', 'onBlur'))?.message).toBe('海关编码前4位（所在地行政区划）应为数字');
    expect((await shown('customsCode', '6201', 'onBlur'))?.message).toBe('海关编码应为10位，实际为4位');
  });

  it('on submit the form says exactly what the API says, for any 18-character code (property, seeded)', async () => {
    const char = fc.constantFrom(...`${USCC_ALPHABET}IOSVZ`.split(''));
    const code = fc.oneof(
      fc.array(char, { minLength: 18, maxLength: 18 }).map((a) => a.join('')),
      // mostly valid bodies with their right check character, so that passing codes are drawn too
      fc.array(fc.constantFrom(...USCC_ALPHABET.split('')), { minLength: 17, maxLength: 17 }).map((a) => {
        const first17 = `91${'620100'}${a.join('').slice(8)}`;
        return first17 + usccCheckCharacter(first17);
      }),
    );
    await fc.assert(
      fc.asyncProperty(code, async (c) => {
        expect((await shown('uscc', c, 'submit'))?.message ?? null).toBe(serverSays(usccSchema, c));
      }),
      { seed: 20260402, numRuns: 300 },
    );
  });
});

describe('the other codes of the filing, from the same rules as the API', () => {
  const cases: [CodeKind, z.ZodType, string[]][] = [
    ['customsCode', customsCodeSchema, ['6201960001', '62019A0001', 'A201960001', '620196000', '6201-60001']],
    ['regionCode', regionCodeSchema, ['620100', '990100', '62010', '62A100', '6201000']],
    ['idNumber', idNumberSchema, ['11010519491231002X', '110105194912310021', '11010519491331002X', '1101051949']],
    ['phone', cnPhoneSchema, ['13800000000', '0931-8123456', '09318123456-801', '1380000000', '12800000000', '0931']],
  ];
  it.each(cases)(
    '%s: on submit the same verdict and message as the API, in both languages',
    async (kind, schema, values) => {
      for (const v of values) {
        for (const lang of ['zh', 'en']) {
          expect((await shown(kind, v, 'submit', lang))?.message ?? null, `${kind} ${v} ${lang}`).toBe(
            serverSays(schema, v, lang),
          );
        }
      }
    },
  );

  it('the legal representative’s ID number names the expected check character (GB 11643)', async () => {
    expect(await shown('idNumber', '110105194912310021', 'onChange')).toEqual({
      level: 'error',
      message: '身份证号码校验位错误，应为 X',
    });
  });

  it('while typing: a region code with an unknown province, a customs code with a letter in its region digits', async () => {
    expect(await shown('regionCode', '6', 'onChange')).toBeNull();
    expect((await shown('regionCode', '99', 'onChange'))?.message).toBe('行政区划代码前两位“99”不是有效的省级代码');
    expect((await shown('customsCode', '62A', 'onChange'))?.message).toBe('海关编码前4位（所在地行政区划）应为数字');
    expect(await shown('customsCode', '6201', 'onChange')).toBeNull();
  });

  it('while typing a phone: a landline being typed is not yet wrong, a letter is, a mobile is complete at 11', async () => {
    expect(await shown('phone', '0931-812345', 'onChange')).toBeNull();
    expect((await shown('phone', '0931a', 'onChange'))?.level).toBe('error');
    expect((await shown('phone', '12800000000', 'onChange'))?.level).toBe('error');
    expect(await shown('phone', '13800000000', 'onChange')).toBeNull();
  });

  it('an empty field passes (whether it is required is a rule of its own)', async () => {
    for (const kind of Object.keys(CODE_RULES) as CodeKind[]) expect(await shown(kind, '  ', 'submit')).toBeNull();
  });
});

describe('the kernel files the web app bundles', () => {
  function files(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
    );
  }
  /** The value imports of a file (type-only imports are erased and may name anything). */
  function imports(file: string): string[] {
    const src = readFileSync(file, 'utf8');
    return [...src.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1] as string);
  }
  const resolveTs = (from: string, spec: string) => resolve(dirname(from), spec).replace(/\.js$/, '').concat('.ts');

  it('web/src imports only src/kernel/codes from the server side, and those files import nothing but each other', () => {
    const outside = files(join(ROOT, 'web', 'src')).flatMap((f) =>
      imports(f)
        .filter((s) => s.startsWith('.') && !resolve(dirname(f), s).startsWith(join(ROOT, 'web')))
        .map((s) => resolveTs(f, s)),
    );
    expect(outside.length).toBeGreaterThanOrEqual(5);
    const seen = new Set<string>();
    const queue = [...outside];
    while (queue.length) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      expect(relative(ROOT, file), 'a file the web app bundles').toMatch(/^src\/kernel\/codes\/[a-z-]+\.ts$/);
      for (const spec of imports(file)) {
        expect(spec.startsWith('./'), `${relative(ROOT, file)} imports ${spec}`).toBe(true);
        queue.push(resolveTs(file, spec));
      }
    }
    expect([...seen].map((f) => relative(ROOT, f)).sort()).toEqual([
      'src/kernel/codes/customs-code.ts',
      'src/kernel/codes/id-number.ts',
      'src/kernel/codes/phone.ts',
      'src/kernel/codes/region.ts',
      'src/kernel/codes/uscc.ts',
    ]);
  });
});
