import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  cnMobileSchema,
  cnPhoneSchema,
  customsCodeSchema,
  idNumberSchema,
  idNumberSchemaWith,
  regionCodeSchema,
  usccSchema,
  usccSchemaWith,
} from '../../src/kernel/codes/zod.js';
import { issuesToDetails } from '../../src/platform/http/validation.js';

/** The issues of a failed parse (with `reportInput`, which zod 4 needs to keep each issue's input). */
function issues(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input, { reportInput: true });
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues;
}

/** The params of the first (custom) issue. */
function paramsOf(schema: z.ZodType, input: unknown): Record<string, unknown> | undefined {
  const [issue] = issues(schema, input);
  return issue?.code === 'custom' ? issue.params : undefined;
}

describe('usccSchema', () => {
  it('trims and upper-cases before checking: " 91350100m000100y43 " → 91350100M000100Y43', () => {
    expect(usccSchema.parse(' 91350100m000100y43 ')).toBe('91350100M000100Y43');
  });

  it('a wrong check character is one custom issue: Chinese message, English and stable code in params, input', () => {
    const [issue, ...rest] = issues(usccSchema, '914403001922038217');
    expect(rest).toHaveLength(0);
    expect(issue).toMatchObject({
      code: 'custom',
      message: '统一社会信用代码校验位错误，应为 6',
      params: { messageEn: 'USCC check character is wrong: expected 6', code: 'USCC_CHECK_CHARACTER', expected: '6' },
      input: '914403001922038217',
    });
  });

  it.each([
    ['9144030019220382', 'USCC_LENGTH'],
    ['91440300192203821I', 'USCC_CHARSET'],
    ['944403001922038216', 'USCC_REGISTRATION_AUTHORITY'],
    ['914403001922038276', 'USCC_ORG_CODE_CHECK'],
    ['914403001922038217', 'USCC_CHECK_CHARACTER'],
  ])('%s fails with stable code %s', (input, code) => {
    expect(paramsOf(usccSchema, input)).toMatchObject({ code });
  });

  it('non-strings fail with zod’s own invalid_type issue', () => {
    expect(issues(usccSchema, 91440300)[0]?.code).toBe('invalid_type');
  });

  it('the platform error mapper turns the issue into a bilingual field detail', () => {
    const schema = z.object({ uscc: usccSchema });
    const result = schema.safeParse({ uscc: '914403001922038217' });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(issuesToDetails(result.error.issues)).toEqual([
        {
          path: 'uscc',
          message: '统一社会信用代码校验位错误，应为 6',
          messageEn: 'USCC check character is wrong: expected 6',
          code: 'USCC_CHECK_CHARACTER',
        },
      ]);
    }
  });
});

describe('usccSchemaWith: legacy-code exception list', () => {
  const legacy = new Set(['91350100M0001TGQXM']);
  const schema = usccSchemaWith((code) => legacy.has(code));

  it('accepts a listed early Fujian code that fails the checksum (input normalised before lookup)', () => {
    expect(schema.parse(' 91350100m0001tgqxm')).toBe('91350100M0001TGQXM');
  });

  it('still rejects an unlisted code that fails the checksum', () => {
    expect(paramsOf(schema, '91350211M0000XUF46')).toMatchObject({
      code: 'USCC_CHECK_CHARACTER',
      expected: 'R',
    });
  });

  it('the plain usccSchema has no exceptions', () => {
    expect(paramsOf(usccSchema, '91350100M0001TGQXM')).toMatchObject({ expected: '1' });
  });

  it('never overrides length or character-set failures', () => {
    const all = usccSchemaWith(() => true);
    expect(paramsOf(all, '91350100M0001TGQX')).toMatchObject({ code: 'USCC_LENGTH' });
    expect(paramsOf(all, '91350100M0001TGQXO')).toMatchObject({ code: 'USCC_CHARSET' });
    expect(all.parse('944403001922038216')).toBe('944403001922038216');
  });
});

describe('idNumberSchema', () => {
  it('trims and upper-cases a final x', () => {
    expect(idNumberSchema.parse(' 11010519491231002x ')).toBe('11010519491231002X');
  });

  it('a wrong check digit names the expected one', () => {
    expect(issues(idNumberSchema, '110105194912310029')[0]).toMatchObject({
      code: 'custom',
      message: '身份证号码校验位错误，应为 X',
      params: { messageEn: 'ID number check digit is wrong: expected X', code: 'ID_NUMBER_CHECK_DIGIT' },
      input: '110105194912310029',
    });
  });

  it.each([
    ['1101051949123100', 'ID_NUMBER_LENGTH'],
    ['11010519491231A02X', 'ID_NUMBER_CHARSET'],
    ['110105194902290021', 'ID_NUMBER_BIRTH_DATE'],
  ])('%s fails with %s', (input, code) => {
    expect(paramsOf(idNumberSchema, input)).toMatchObject({ code });
  });

  it('idNumberSchemaWith(today) rejects a birth date after today as ID_NUMBER_FUTURE', () => {
    const schema = idNumberSchemaWith(() => '1949-12-30');
    expect(paramsOf(schema, '11010519491231002X')).toMatchObject({ code: 'ID_NUMBER_FUTURE' });
    expect(idNumberSchemaWith(() => '1949-12-31').parse('11010519491231002X')).toBe('11010519491231002X');
  });
});

describe('customsCodeSchema and regionCodeSchema', () => {
  it('customs code: trimmed and upper-cased, then format-checked', () => {
    expect(customsCodeSchema.parse(' 4403260abc ')).toBe('4403260ABC');
    expect(issues(customsCodeSchema, '620191012')[0]).toMatchObject({
      message: '海关编码应为10位，实际为9位',
      params: { code: 'CUSTOMS_CODE_LENGTH' },
    });
    expect(paramsOf(customsCodeSchema, 'A201910123')).toMatchObject({ code: 'CUSTOMS_CODE_DISTRICT' });
  });

  it('region code: 620100 accepted, unknown province rejected with REGION_CODE_PROVINCE', () => {
    expect(regionCodeSchema.parse('620100')).toBe('620100');
    expect(paramsOf(regionCodeSchema, '990000')).toMatchObject({
      code: 'REGION_CODE_PROVINCE',
      messageEn: 'Region code prefix "99" is not a province-level code',
    });
    expect(paramsOf(regionCodeSchema, '62010A')).toMatchObject({ code: 'REGION_CODE_CHARSET' });
  });
});

describe('cnMobileSchema: mobile (11 digits, 1[3-9]) or landline with area code', () => {
  it.each([
    '13812345678',
    '19912345678',
    '0931-8123456',
    '09318123456',
    '010-12345678',
    '0931-8123456-801',
    ' 13812345678 ',
  ])('accepts %j', (phone) => {
    expect(cnMobileSchema.parse(phone)).toBe(phone.trim());
  });

  it.each(['12345678901', '1381234567', '138123456789', '931-8123456', '8123456', '0931-812345', 'abc', ''])(
    'rejects %j with PHONE_FORMAT',
    (phone) => {
      expect(issues(cnMobileSchema, phone)[0]).toMatchObject({ code: 'custom', params: { code: 'PHONE_FORMAT' } });
    },
  );

  it('cnPhoneSchema is the same schema', () => {
    expect(cnPhoneSchema).toBe(cnMobileSchema);
  });
});
