import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkIdNumber, idNumberCheckDigit, shanghaiDate } from '../../src/kernel/codes/id-number.js';

const TODAY = '2025-06-30';

/** A number with the correct check digit from region, birth date and sequence. */
function build(region: string, birth: string, seq: string): string {
  const first17 = region + birth + seq;
  return first17 + idNumberCheckDigit(first17);
}

/** ISO 7064 MOD 11-2 stated independently: Σ a_i·2^(18-i) over all 18 characters (X = 10) ≡ 1 (mod 11). */
function mod11_2Holds(id: string): boolean {
  let sum = 0;
  for (let i = 0; i < 18; i++) {
    const ch = id.charAt(i);
    sum += (ch === 'X' ? 10 : Number(ch)) * 2 ** (17 - i);
  }
  return sum % 11 === 1;
}

const dateArb = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2025-06-30T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));
const idArb = fc
  .tuple(
    fc.constantFrom('620102', '620103', '110105', '440524', '330106', '650102'),
    dateArb,
    fc.integer({ min: 0, max: 999 }),
  )
  .map(([region, birth, seq]) => build(region, birth, String(seq).padStart(3, '0')));

describe('GB 11643-1999 check digit (ISO 7064 MOD 11-2)', () => {
  it.each(['11010519491231002X', '440524188001010014'])('accepts the standard example %s', (id) => {
    expect(checkIdNumber(id, TODAY)).toEqual({ ok: true });
  });

  it('weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2: 11010519491231002 sums to 167, 167 mod 11 = 2 → X', () => {
    expect(idNumberCheckDigit('11010519491231002')).toBe('X');
    expect(idNumberCheckDigit('44052418800101001')).toBe('4');
  });

  it('rejects 110105194912310029 naming the expected X', () => {
    expect(checkIdNumber('110105194912310029', TODAY)).toEqual({
      ok: false,
      reason: 'check-digit',
      expected: 'X',
      messageZh: '身份证号码校验位错误，应为 X',
      messageEn: 'ID number check digit is wrong: expected X',
    });
  });

  it('property: the computed check digit satisfies the MOD 11-2 congruence', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}$/), (first17) => mod11_2Holds(first17 + idNumberCheckDigit(first17))),
    );
  });

  it('property: generated numbers pass', () => {
    fc.assert(fc.property(idArb, (id) => checkIdNumber(id, TODAY).ok));
  });

  it('property: any other check character fails and names the right one', () => {
    fc.assert(
      fc.property(idArb, fc.constantFrom(...'0123456789X'), (id, ch) => {
        fc.pre(ch !== id.charAt(17));
        const result = checkIdNumber(id.slice(0, 17) + ch, TODAY);
        return !result.ok && result.reason === 'check-digit' && result.expected === id.charAt(17);
      }),
    );
  });

  it('property: any single substituted digit is detected', () => {
    fc.assert(
      fc.property(idArb, fc.nat(16), fc.constantFrom(...'0123456789'), (id, pos, ch) => {
        fc.pre(ch !== id.charAt(pos));
        return !checkIdNumber(id.slice(0, pos) + ch + id.slice(pos + 1), TODAY).ok;
      }),
    );
  });

  it('idNumberCheckDigit rejects input that is not 17 digits', () => {
    expect(() => idNumberCheckDigit('1101051949123100')).toThrow(RangeError);
    expect(() => idNumberCheckDigit('1101051949123100A')).toThrow(RangeError);
  });
});

describe('ID number length and characters', () => {
  it.each(['', '11010519491231002', '11010519491231002X0', '110105491231002'])('length: rejects %j', (id) => {
    expect(checkIdNumber(id, TODAY)).toMatchObject({ ok: false, reason: 'length' });
  });

  it('charset: a lower-case x is rejected by the exact check (schemas upper-case first)', () => {
    expect(checkIdNumber('11010519491231002x', TODAY)).toMatchObject({ ok: false, reason: 'charset' });
  });

  it.each(['1101051949123100X2', '11010519491231A02X', '11010519491231 02X'])('charset: rejects %s', (id) => {
    expect(checkIdNumber(id, TODAY)).toMatchObject({
      ok: false,
      reason: 'charset',
      messageEn: 'ID number must be 17 digits followed by a digit or X',
    });
  });
});

describe('ID number birth date (positions 7-14) is a real calendar date', () => {
  it.each([
    ['19490229', '1949 is not a leap year'],
    ['19000229', '1900 is not a leap year (century rule)'],
    ['20230431', 'April has 30 days'],
    ['19491301', 'month 13'],
    ['19491200', 'day 0'],
    ['19490132', 'day 32'],
    ['17991231', 'before 1800'],
  ])('rejects %s (%s)', (birth) => {
    expect(checkIdNumber(build('110105', birth, '002'), TODAY)).toEqual({
      ok: false,
      reason: 'birth-date',
      messageZh: `身份证号码中的出生日期 ${birth} 无效`,
      messageEn: `ID number birth date ${birth} is not a valid date`,
    });
  });

  it.each(['20000229', '20240229', '18000101', '19491231'])('accepts %s', (birth) => {
    expect(checkIdNumber(build('110105', birth, '002'), TODAY)).toEqual({ ok: true });
  });
});

describe('ID number birth date is not in the future (Asia/Shanghai)', () => {
  it('born tomorrow is rejected, born today is accepted', () => {
    expect(checkIdNumber(build('620102', '20250701', '001'), TODAY)).toMatchObject({
      ok: false,
      reason: 'future',
      messageZh: '身份证号码中的出生日期 20250701 晚于今天',
    });
    expect(checkIdNumber(build('620102', '20250630', '001'), TODAY)).toEqual({ ok: true });
  });

  it('today may be given as YYYYMMDD or YYYY-MM-DD', () => {
    const id = build('620102', '20250630', '001');
    expect(checkIdNumber(id, '20250629')).toMatchObject({ reason: 'future' });
    expect(checkIdNumber(id, '2025-06-29')).toMatchObject({ reason: 'future' });
  });

  it('a Date is read in Asia/Shanghai: 2024-12-31T16:30Z is already 2025-01-01 there', () => {
    const id = build('620102', '20250101', '001');
    expect(checkIdNumber(id, new Date('2024-12-31T16:30:00Z'))).toEqual({ ok: true });
    expect(checkIdNumber(id, new Date('2024-12-31T15:59:59Z'))).toMatchObject({ reason: 'future' });
  });

  it('shanghaiDate converts at UTC+8 and validates strings', () => {
    expect(shanghaiDate(new Date('2025-06-30T16:00:00Z'))).toBe('20250701');
    expect(shanghaiDate('2025-06-30')).toBe('20250630');
    expect(() => shanghaiDate('30/06/2025')).toThrow(RangeError);
  });

  it('defaults to the current date', () => {
    expect(checkIdNumber('11010519491231002X')).toEqual({ ok: true });
    expect(checkIdNumber(build('620102', '29991231', '001'))).toMatchObject({ reason: 'future' });
  });
});
