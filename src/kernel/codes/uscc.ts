/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》.
 *
 * 18 characters from a 31-character alphabet (digits and upper-case letters without I, O, S, V, Z):
 *
 * | position | meaning                                                                        |
 * |----------|--------------------------------------------------------------------------------|
 * | 1        | 登记管理部门代码 registration authority                                          |
 * | 2        | 机构类别代码 institution category (the valid values depend on position 1)         |
 * | 3–8      | 登记管理机关行政区划码 region code of the registering office (GB/T 2260, digits) |
 * | 9–17     | 主体标识码 = 组织机构代码 (GB 11714): 8 body characters and their own check char   |
 * | 18       | check character over positions 1–17                                            |
 */

/** The result of every identity-code check in `src/kernel/codes`. Messages are ready to show to users. */
export type CodeCheck<R extends string> =
  | { ok: true }
  | { ok: false; reason: R; expected?: string; messageZh: string; messageEn: string };

export type UsccFailure = 'length' | 'charset' | 'registration-authority' | 'org-code-check' | 'check-character';
export type UsccCheck = CodeCheck<UsccFailure>;

/** GB 32100-2015 code alphabet; a character's index is its numeric value (A=10 … Y=30). */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/**
 * Registration authority (position 1) → the institution categories (position 2) it may issue, per GB 32100-2015
 * table 1 and its amendment (A 中央军委改革和编制办公室, N 农业).
 */
export const USCC_AUTHORITIES: Readonly<Record<string, { zh: string; en: string; categories: string }>> = {
  '1': { zh: '机构编制', en: 'Staffing authority', categories: '1239' }, // 机关, 事业单位, 群众团体, 其他
  '2': { zh: '外交', en: 'Foreign affairs', categories: '19' }, // 外国常驻新闻机构, 其他
  '3': { zh: '司法行政', en: 'Judicial administration', categories: '123459' }, // 律所, 公证处, 基层法律服务所, 司法鉴定, 仲裁委, 其他
  '4': { zh: '文化', en: 'Culture', categories: '19' }, // 外国在华文化中心, 其他
  '5': { zh: '民政', en: 'Civil affairs', categories: '1239' }, // 社会团体, 民办非企业单位, 基金会, 其他
  '6': { zh: '旅游', en: 'Tourism', categories: '129' }, // 外国/港澳台旅游部门常驻代表机构, 其他
  '7': { zh: '宗教', en: 'Religious affairs', categories: '129' }, // 宗教活动场所, 宗教院校, 其他
  '8': { zh: '工会', en: 'Trade unions', categories: '19' }, // 基层工会, 其他
  '9': { zh: '工商', en: 'Market regulation', categories: '123' }, // 企业, 个体工商户, 农民专业合作社
  A: { zh: '中央军委改革和编制办公室', en: 'CMC reform and staffing office', categories: '19' }, // 军队事业单位, 其他
  N: { zh: '农业', en: 'Agriculture', categories: '1239' }, // 组级/村级/乡镇级集体经济组织, 其他
  Y: { zh: '其他', en: 'Other', categories: '1' },
};

/** Position weights W_i = 3^(i-1) mod 31, i = 1..17. */
const USCC_WEIGHTS = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});

/** GB 11714 organisation-code weights on its 8 body characters. */
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/**
 * GB 32100 check character for the first 17 characters: C18 = 31 − (Σ value·W_i mod 31), 31 → 0, mapped back
 * through the alphabet. Throws if the input is not 17 alphabet characters.
 */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new RangeError('usccCheckCharacter needs exactly 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17.charAt(i));
    if (value < 0) throw new RangeError(`not a USCC character: ${first17.charAt(i)}`);
    sum += value * (USCC_WEIGHTS[i] ?? 0);
  }
  return USCC_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

/**
 * GB 11714 organisation-code check character for its 8 body characters: digits are 0–9, letters A=10 … Z=35;
 * C9 = 11 − (Σ value·W_i mod 11), where 10 → 'X' and 11 → '0'.
 */
export function orgCodeCheckCharacter(body8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body8)) throw new RangeError('orgCodeCheckCharacter needs 8 characters 0-9/A-Z');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number.parseInt(body8.charAt(i), 36) * (ORG_WEIGHTS[i] ?? 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

function fail(reason: UsccFailure, messageZh: string, messageEn: string, expected?: string): UsccCheck {
  return expected === undefined
    ? { ok: false, reason, messageZh, messageEn }
    : { ok: false, reason, expected, messageZh, messageEn };
}

/** Checks a code exactly as given (callers trim and upper-case user input first; see `zod.ts`). */
export function checkUscc(code: string): UsccCheck {
  if (code.length !== 18) {
    return fail(
      'length',
      `统一社会信用代码应为18位，实际为${code.length}位`,
      `USCC must be 18 characters, got ${code.length}`,
    );
  }
  for (let i = 0; i < 18; i++) {
    const ch = code.charAt(i);
    if (!USCC_ALPHABET.includes(ch)) {
      return fail(
        'charset',
        `统一社会信用代码第${i + 1}位字符“${ch}”无效（只允许数字和除 I、O、S、V、Z 以外的大写字母）`,
        `USCC character ${i + 1} "${ch}" is invalid (digits and upper-case letters except I, O, S, V, Z)`,
      );
    }
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) {
    return fail(
      'charset',
      '统一社会信用代码第3-8位（登记管理机关行政区划码）应为数字',
      'USCC characters 3-8 (region code of the registering office) must be digits',
    );
  }
  const authority = USCC_AUTHORITIES[code.charAt(0)];
  if (!authority) {
    return fail(
      'registration-authority',
      `统一社会信用代码第1位（登记管理部门代码）“${code.charAt(0)}”无效`,
      `USCC character 1 (registration authority) "${code.charAt(0)}" is not a known authority`,
    );
  }
  if (!authority.categories.includes(code.charAt(1))) {
    return fail(
      'registration-authority',
      `统一社会信用代码第2位（机构类别代码）“${code.charAt(1)}”对登记管理部门“${authority.zh}”无效`,
      `USCC character 2 (institution category) "${code.charAt(1)}" is not valid for authority "${authority.en}"`,
    );
  }
  const orgExpected = orgCodeCheckCharacter(code.slice(8, 16));
  if (code.charAt(16) !== orgExpected) {
    return fail(
      'org-code-check',
      `统一社会信用代码第17位（组织机构代码校验码）错误，应为 ${orgExpected}`,
      `USCC character 17 (organisation code check character) is wrong: expected ${orgExpected}`,
      orgExpected,
    );
  }
  const expected = usccCheckCharacter(code.slice(0, 17));
  if (code.charAt(17) !== expected) {
    return fail(
      'check-character',
      `统一社会信用代码校验位错误，应为 ${expected}`,
      `USCC check character is wrong: expected ${expected}`,
      expected,
    );
  }
  return { ok: true };
}

/** A few real region codes of registering offices (GB/T 2260) for demo data; Lanzhou first. */
const DEMO_REGIONS = [
  '620100',
  '620102',
  '620103',
  '620104',
  '620105',
  '620200',
  '110108',
  '310115',
  '330100',
  '440300',
];

/**
 * A valid random code for tests and demo data: an authority/category pair from the standard, a demo region, a random
 * organisation-code body with its GB 11714 check char, and the GB 32100 check character. `rng` returns [0, 1).
 */
export function generateUscc(rng: () => number = Math.random): string {
  const pick = (s: string | readonly string[]) => s[Math.floor(rng() * s.length) % s.length] as string;
  const authorityCode = pick(Object.keys(USCC_AUTHORITIES));
  const category = pick(USCC_AUTHORITIES[authorityCode]?.categories ?? '1');
  let body = '';
  for (let i = 0; i < 8; i++) body += pick(USCC_ALPHABET);
  const first17 = authorityCode + category + pick(DEMO_REGIONS) + body + orgCodeCheckCharacter(body);
  return first17 + usccCheckCharacter(first17);
}
