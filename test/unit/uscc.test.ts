import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkUscc,
  generateUscc,
  orgCodeCheckCharacter,
  USCC_ALPHABET,
  USCC_AUTHORITIES,
  usccCheckCharacter,
} from '../../src/kernel/codes/uscc.js';

/** Real codes (business-rules.md §6.1 and public sources). */
const REAL_CODES = [
  ['91350100M000100Y43', 'GB 32100-2015 example'],
  ['914403001922038216', '华为技术有限公司'],
  ['9144030071526726XG', '腾讯科技（深圳）有限公司'],
  ['91110000802100433B', '北京百度网讯科技有限公司'],
  ['91110108551385082Q', '小米科技有限责任公司'],
  ['91440300708461136T', '深圳市腾讯计算机系统有限公司'],
  ['91330100799655058B', '阿里巴巴（中国）有限公司'],
  ['91330201MA282UF146', '宁波安联检测有限公司 (public repository constant)'],
  ['91330401MA28ADM67R', '嘉兴安联检测技术服务有限公司 (public repository constant)'],
] as const;

/** Builds a code with correct check characters from its parts (authority, category, region, 8-char org body). */
function build(authority: string, category: string, region: string, body: string): string {
  const first17 = authority + category + region + body + orgCodeCheckCharacter(body);
  return first17 + usccCheckCharacter(first17);
}

/** A deterministic rng for generateUscc from fast-check-chosen numbers in [0, 1). */
const rngArb = fc
  .array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 16 })
  .map((values) => {
    let i = 0;
    return () => values[i++ % values.length] as number;
  });

const alphabet = [...USCC_ALPHABET];

describe('USCC GB 32100-2015: real published codes', () => {
  it.each(REAL_CODES)('accepts %s (%s)', (code) => {
    expect(checkUscc(code)).toEqual({ ok: true });
  });

  it.each(REAL_CODES)('usccCheckCharacter of the first 17 of %s is its 18th character', (code) => {
    expect(usccCheckCharacter(code.slice(0, 17))).toBe(code.charAt(17));
  });

  it('weights 3^(i-1) mod 31: worked example 914403001922038216 sums to 831, 831 mod 31 = 25, C18 = 31 - 25 = 6', () => {
    const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    const sum = [...'91440300192203821'].reduce((s, ch, i) => s + USCC_ALPHABET.indexOf(ch) * (weights[i] ?? 0), 0);
    expect(sum).toBe(831);
    expect(usccCheckCharacter('91440300192203821')).toBe('6');
  });

  it('C18 = 31 is written 0 (S mod 31 = 0)', () => {
    expect(usccCheckCharacter('00000000000000000')).toBe('0');
    // 'Y' (30) at position 17 (weight 28): S = 840 = 27·31 + 3 → 31 - 3 = 28 → 'W'
    expect(usccCheckCharacter('0000000000000000Y')).toBe('W');
  });
});

describe('USCC check character (position 18)', () => {
  it('rejects 914403001922038217 naming the expected character 6, in Chinese and English', () => {
    expect(checkUscc('914403001922038217')).toEqual({
      ok: false,
      reason: 'check-character',
      expected: '6',
      messageZh: '统一社会信用代码校验位错误，应为 6',
      messageEn: 'USCC check character is wrong: expected 6',
    });
  });

  it.each([
    ['91350100M0001TGQXM', '1'],
    ['91350211M0000XUF46', 'R'],
    ['91350203M0001FUE2P', 'J'],
  ])('early Fujian pilot code %s (legal, on the exception list) fails the checksum, expected %s', (code, expected) => {
    expect(checkUscc(code)).toMatchObject({ ok: false, reason: 'check-character', expected });
  });

  it('property: generated codes pass', () => {
    fc.assert(fc.property(rngArb, (rng) => checkUscc(generateUscc(rng)).ok));
  });

  it('property: replacing the check character by any other character fails and names the right one', () => {
    fc.assert(
      fc.property(rngArb, fc.constantFrom(...alphabet), (rng, ch) => {
        const code = generateUscc(rng);
        fc.pre(ch !== code.charAt(17));
        const result = checkUscc(code.slice(0, 17) + ch);
        return !result.ok && result.reason === 'check-character' && result.expected === code.charAt(17);
      }),
    );
  });

  it('property: any single substituted character is detected (31 is prime, no weight is 0 mod 31)', () => {
    fc.assert(
      fc.property(rngArb, fc.nat(17), fc.constantFrom(...alphabet), (rng, pos, ch) => {
        const code = generateUscc(rng);
        fc.pre(ch !== code.charAt(pos));
        return !checkUscc(code.slice(0, pos) + ch + code.slice(pos + 1)).ok;
      }),
    );
  });

  it('property: any transposition of two different adjacent characters is detected', () => {
    fc.assert(
      fc.property(rngArb, fc.nat(16), (rng, pos) => {
        const code = generateUscc(rng);
        const a = code.charAt(pos);
        const b = code.charAt(pos + 1);
        fc.pre(a !== b);
        return !checkUscc(code.slice(0, pos) + b + a + code.slice(pos + 2)).ok;
      }),
    );
  });

  it('usccCheckCharacter rejects input that is not 17 alphabet characters', () => {
    expect(() => usccCheckCharacter('9135010000000000')).toThrow(RangeError);
    expect(() => usccCheckCharacter('9135010000000000I')).toThrow(RangeError);
  });
});

describe('USCC length and character set', () => {
  it.each(['', '91350100M000100Y4', '91350100M000100Y431'])('length: rejects %j', (code) => {
    expect(checkUscc(code)).toMatchObject({ ok: false, reason: 'length' });
  });

  it('length: the message states the actual length', () => {
    expect(checkUscc('91350100M000100Y4')).toMatchObject({
      messageZh: '统一社会信用代码应为18位，实际为17位',
      messageEn: 'USCC must be 18 characters, got 17',
    });
  });

  it.each(['I', 'O', 'S', 'V', 'Z'])('charset: letter %s is not in the GB 32100 alphabet', (letter) => {
    const result = checkUscc(`91350100M000100${letter}43`);
    expect(result).toMatchObject({ ok: false, reason: 'charset' });
    expect(result.ok || result.messageZh).toContain(`第16位字符“${letter}”`);
  });

  it('charset: the check is exact, lower case is rejected (schemas upper-case first)', () => {
    expect(checkUscc('91350100m000100y43')).toMatchObject({ ok: false, reason: 'charset' });
  });

  it('charset: positions 3-8 (region code of the registering office) must be digits', () => {
    expect(checkUscc(build('9', '1', '6201A0', '22433057'))).toMatchObject({
      ok: false,
      reason: 'charset',
      messageEn: 'USCC characters 3-8 (region code of the registering office) must be digits',
    });
  });
});

describe('USCC registration authority (position 1) and institution category (position 2)', () => {
  it('every authority/category pair of the standard is accepted', () => {
    for (const [authority, { categories }] of Object.entries(USCC_AUTHORITIES)) {
      for (const category of categories)
        expect(checkUscc(build(authority, category, '620100', '22433057')).ok).toBe(true);
    }
  });

  it('property: a pair is accepted iff the standard lists it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...alphabet), fc.constantFrom(...alphabet), (authority, category) => {
        const listed = USCC_AUTHORITIES[authority]?.categories.includes(category) ?? false;
        const result = checkUscc(build(authority, category, '620100', 'MA74XK0B'));
        return listed ? result.ok : !result.ok && result.reason === 'registration-authority';
      }),
      { numRuns: 400 },
    );
  });

  it('position 1: 0 is not an authority', () => {
    expect(checkUscc(build('0', '1', '620100', '22433057'))).toMatchObject({
      ok: false,
      reason: 'registration-authority',
      messageZh: '统一社会信用代码第1位（登记管理部门代码）“0”无效',
    });
  });

  it('position 2: 工商 (9) issues only 1 企业, 2 个体工商户, 3 农民专业合作社; 94 is rejected', () => {
    expect(checkUscc(build('9', '4', '620100', '22433057'))).toMatchObject({
      ok: false,
      reason: 'registration-authority',
      messageZh: '统一社会信用代码第2位（机构类别代码）“4”对登记管理部门“工商”无效',
    });
  });

  it('position 2: 民政 (5) 社会团体/民办非企业单位/基金会/其他 and Y 其他 (only 1) are accepted', () => {
    for (const pair of ['51', '52', '53', '59', 'Y1']) {
      expect(checkUscc(build(pair.charAt(0), pair.charAt(1), '620100', '22433057')).ok).toBe(true);
    }
    expect(checkUscc(build('Y', '2', '620100', '22433057'))).toMatchObject({ reason: 'registration-authority' });
  });
});

describe('USCC embedded organisation code (positions 9-17, GB 11714)', () => {
  it('weights 3,7,9,10,5,8,4,2 mod 11: 19220382 → 1, 80210043 → 3, M000100Y → 4', () => {
    expect(orgCodeCheckCharacter('19220382')).toBe('1');
    expect(orgCodeCheckCharacter('80210043')).toBe('3');
    expect(orgCodeCheckCharacter('M000100Y')).toBe('4');
  });

  it('check value 10 is written X (71526726 → X, as in 9144030071526726XG)', () => {
    expect(orgCodeCheckCharacter('71526726')).toBe('X');
    expect(orgCodeCheckCharacter('00000006')).toBe('X');
  });

  it('check value 11 is written 0 (sum ≡ 0 mod 11)', () => {
    expect(orgCodeCheckCharacter('00000000')).toBe('0');
  });

  it('a wrong position 17 is reported as org-code-check naming the expected character, even if C18 matches', () => {
    const first17 = '9144030019220382' + '7';
    const code = first17 + usccCheckCharacter(first17);
    expect(checkUscc(code)).toEqual({
      ok: false,
      reason: 'org-code-check',
      expected: '1',
      messageZh: '统一社会信用代码第17位（组织机构代码校验码）错误，应为 1',
      messageEn: 'USCC character 17 (organisation code check character) is wrong: expected 1',
    });
  });

  it('property: every other position-17 character fails the organisation-code check', () => {
    fc.assert(
      fc.property(rngArb, fc.constantFrom(...alphabet), (rng, ch) => {
        const code = generateUscc(rng);
        fc.pre(ch !== code.charAt(16));
        const first17 = code.slice(0, 16) + ch;
        const result = checkUscc(first17 + usccCheckCharacter(first17));
        return !result.ok && result.reason === 'org-code-check' && result.expected === code.charAt(16);
      }),
    );
  });
});

describe('generateUscc (demo and test data)', () => {
  it('is deterministic for a given rng', () => {
    const rng = () => 0.5;
    expect(generateUscc(rng)).toBe(generateUscc(() => 0.5));
  });

  it('works with the default Math.random', () => {
    for (let i = 0; i < 50; i++) expect(checkUscc(generateUscc())).toEqual({ ok: true });
  });
});
