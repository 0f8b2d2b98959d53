import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCustomsCode } from '../../src/kernel/codes/customs-code.js';
import { checkRegionCode, PROVINCE_CODES } from '../../src/kernel/codes/region.js';

describe('customs registration code (海关注册编码): format only, 10 characters', () => {
  it.each([
    ['6201910123', 'Lanzhou 6201, zone 9 其他, type 1 国有'],
    ['6201960345', 'Lanzhou, 私营'],
    ['4403260ABC', 'letters after position 4'],
    ['3201J6000A', 'letters in positions 5-10'],
  ])('accepts %s (%s)', (code) => {
    expect(checkCustomsCode(code)).toEqual({ ok: true });
  });

  it.each(['', '620191012', '62019101234'])('length: rejects %j', (code) => {
    expect(checkCustomsCode(code)).toMatchObject({ ok: false, reason: 'length' });
  });

  it.each(['620191012a', '6201-91012', '6201 91012', '62019１0123'])(
    'charset: digits and upper-case letters only, rejects %s',
    (code) => {
      expect(checkCustomsCode(code)).toMatchObject({ ok: false, reason: 'charset' });
    },
  );

  it.each(['A201910123', '620A910123'])('district: the first 4 characters must be digits, rejects %s', (code) => {
    expect(checkCustomsCode(code)).toMatchObject({
      ok: false,
      reason: 'district',
      messageZh: '海关编码前4位（所在地行政区划）应为数字',
    });
  });

  it('property: 4 digits + 6 of [0-9A-Z] is always accepted', () => {
    fc.assert(fc.property(fc.stringMatching(/^\d{4}[0-9A-Z]{6}$/), (code) => checkCustomsCode(code).ok));
  });
});

describe('administrative division code (GB/T 2260): 6 digits, valid province', () => {
  it.each([
    ['620100', '兰州市'],
    ['620102', '城关区'],
    ['110108', '北京市海淀区'],
    ['650102', '乌鲁木齐市天山区'],
    ['810000', '香港特别行政区'],
    ['820000', '澳门特别行政区'],
  ])('accepts %s (%s)', (code) => {
    expect(checkRegionCode(code)).toEqual({ ok: true });
  });

  it.each(['', '62010', '6201000'])('length: rejects %j', (code) => {
    expect(checkRegionCode(code)).toMatchObject({ ok: false, reason: 'length' });
  });

  it.each(['62010A', '6201-0', '６２０１００'])('charset: rejects %s', (code) => {
    expect(checkRegionCode(code)).toMatchObject({ ok: false, reason: 'charset' });
  });

  it.each(['000000', '100000', '160000', '240000', '550000', '660000', '720000', '830000', '990000'])(
    'province: rejects %s',
    (code) => {
      expect(checkRegionCode(code)).toMatchObject({
        ok: false,
        reason: 'province',
        messageEn: `Region code prefix "${code.slice(0, 2)}" is not a province-level code`,
      });
    },
  );

  it('the province list has the 34 province-level divisions, Gansu is 62', () => {
    expect(Object.keys(PROVINCE_CODES)).toHaveLength(34);
    expect(PROVINCE_CODES['62']).toBe('甘肃省');
  });

  it('property: a 6-digit code is accepted iff its first two digits are a province', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{6}$/),
        (code) => checkRegionCode(code).ok === code.slice(0, 2) in PROVINCE_CODES,
      ),
      { numRuns: 500 },
    );
  });
});
