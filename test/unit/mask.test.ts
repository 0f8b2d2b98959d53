import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskAddress, maskEmail, maskIdNumber, maskName, maskPhone } from '../../src/platform/crypto/mask.js';

describe('maskIdNumber: first 6 and last 4 at most, birth date hidden', () => {
  it.each([
    ['11010519491231002X', '110105********002X'],
    ['440524188001010014', '440524********0014'],
    [' 62010219900101123x ', '620102********123x'],
  ])('%s → %s', (id, masked) => {
    expect(maskIdNumber(id)).toBe(masked);
  });

  it('a 15-digit (first-generation) number still hides at least 8 characters', () => {
    expect(maskIdNumber('110105491231002')).toBe('1101********002');
  });

  it('short or empty values are hidden entirely', () => {
    expect(maskIdNumber('12345678')).toBe('********');
    expect(maskIdNumber('')).toBe('');
  });

  it('property: same length, never more than 6 leading and 4 trailing characters shown, at least 8 hidden', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9X]{0,24}$/), (id) => {
        const masked = maskIdNumber(id);
        const stars = masked.match(/\*+/)?.[0] ?? '';
        const start = masked.indexOf('*');
        return (
          masked.length === id.length &&
          stars.length >= Math.min(8, id.length) &&
          (start === -1 || (start <= 6 && id.length - start - stars.length <= 4))
        );
      }),
    );
  });
});

describe('maskPhone', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['+8613812345678', '+86138****5678'],
    ['+86 13812345678', '+86 138****5678'],
    [' 19912345678 ', '199****5678'],
  ])('mobile 3 + **** + 4: %s → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it.each([
    ['0931-8123456', '****-***3456'],
    ['010-12345678', '***-****5678'],
    ['0931-8123456-801', '****-******6-801'],
  ])('other numbers show only the last 4 digits, separators kept: %s → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it('numbers with fewer than 8 digits are hidden entirely', () => {
    expect(maskPhone('8123456')).toBe('*******');
    expect(maskPhone('')).toBe('');
  });
});

describe('maskName: first character, then one * per remaining character', () => {
  it.each([
    ['张三', '张*'],
    ['张三丰', '张**'],
    ['欧阳娜娜', '欧***'],
    ['𠮷野家', '𠮷**'],
    ['John Smith', 'J*********'],
    ['李', '*'],
    ['', ''],
  ])('%j → %j', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });
});

describe('maskAddress: first 6 characters then ****', () => {
  it.each([
    ['甘肃省兰州市城关区张掖路1号', '甘肃省兰州市****'],
    ['北京市海淀区中关村大街27号', '北京市海淀区****'],
    ['兰州市城关区', '兰州市****'],
    ['', ''],
  ])('%j → %j', (address, masked) => {
    expect(maskAddress(address)).toBe(masked);
  });

  it('property: never reveals more than 6 characters nor more than half of the address', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 60 }), (address) => {
        const shown = [...maskAddress(address)].length - 4;
        return shown <= 6 && shown <= [...address.trim()].length / 2;
      }),
    );
  });
});

describe('maskEmail: first character of the local part, ***, domain', () => {
  it.each([
    ['zhangsan@example.com', 'z***@example.com'],
    ['a@example.com', '***@example.com'],
    ['first.last@sub.example.cn', 'f***@sub.example.cn'],
    ['not-an-email', 'n***********'],
  ])('%j → %j', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });
});
