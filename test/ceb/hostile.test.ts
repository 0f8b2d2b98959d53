/**
 * Hostile and malformed inputs: each gives a precise error with the data-exchange code of ceb-messages.md §5.1
 * (0001 报文格式错误, 0002 数据包不能通过schema验证) and parseCeb never throws.
 */
import { describe, expect, it } from 'vitest';
import { type CebError, parseCeb } from '../../src/modules/declaration/ceb/codec.js';
import { validateCebXml } from '../../src/modules/declaration/ceb/xsd-validator.js';
import { sample } from './samples.js';

const order = sample('CEB311Message').toString('utf8');

function errorsOf(xml: string | Buffer): CebError[] {
  const result = parseCeb(xml);
  if (result.ok) throw new Error('expected errors');
  for (const e of result.errors) {
    expect(e.message.zh.length).toBeGreaterThan(0);
    expect(e.message.en.length).toBeGreaterThan(0);
  }
  return result.errors;
}

/** Replaces the first value of a field in the CEB311 sample. */
function withField(field: string, value: string): string {
  const re = new RegExp(`<ceb:${field}>[^<]*</ceb:${field}>`);
  expect(order).toMatch(re);
  return order.replace(re, `<ceb:${field}>${value}</ceb:${field}>`);
}

describe('hostile XML', () => {
  it('refuses a DOCTYPE with an external entity (XXE) before parsing', () => {
    const xml = `<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="x" version="1.0">&xxe;</ceb:CEB311Message>`;
    const [error] = errorsOf(xml);
    expect(error).toMatchObject({ code: '0001', line: 2, message: { en: 'DOCTYPE declarations are not allowed' } });
    expect(JSON.stringify(errorsOf(xml))).not.toContain('root:');
  });

  it('refuses billion laughs without expanding anything', () => {
    const entities = Array.from({ length: 10 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const xml = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${entities}]><lolz>&lol10;</lolz>`;
    const started = performance.now();
    expect(errorsOf(xml)[0]).toMatchObject({ code: '0001', message: { zh: '报文不允许包含DOCTYPE或ENTITY声明' } });
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('refuses an ENTITY declaration even without DOCTYPE, and undefined entities', () => {
    expect(errorsOf('<!ENTITY a "b"><a/>')[0]?.code).toBe('0001');
    expect(
      errorsOf('<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb">&a;</ceb:CEB311Message>')[0]?.code,
    ).toBe('0001');
  });

  it('caps nesting depth (10,000 levels)', () => {
    const xml = `${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`;
    expect(errorsOf(xml)[0]).toMatchObject({ code: '0001', message: { en: 'elements nested deeper than 64' } });
  });

  it('reports malformed XML with its line', () => {
    const broken = order.replace('</ceb:orderNo>', '</ceb:orderNoX>');
    const [error] = errorsOf(broken);
    expect(error?.code).toBe('0001');
    expect(error?.line).toBeGreaterThan(5);
    expect(errorsOf('')[0]?.code).toBe('0001');
    expect(errorsOf('not xml at all')[0]?.code).toBe('0001');
    expect(errorsOf(Buffer.from([0xef, 0xbb, 0xbf, 0xff, 0xfe, 0x3c]))[0]).toMatchObject({
      code: '0001',
      message: { en: 'document is not valid UTF-8' },
    });
  });

  it('refuses a non-UTF-8 encoding declaration', () => {
    expect(errorsOf('<?xml version="1.0" encoding="GBK"?><a/>')[0]).toMatchObject({ code: '0001' });
  });
});

describe('schema errors (0002)', () => {
  it('refuses a wrong namespace', () => {
    const xml = order.replaceAll('http://www.chinaport.gov.cn/ceb', 'http://example.com/ceb');
    expect(errorsOf(xml)[0]).toMatchObject({ code: '0002', path: 'CEB311Message', line: 2 });
    expect(errorsOf('<CEB311Message guid="x" version="1.0"/>')[0]?.message.en).toContain('root namespace (none)');
  });

  it('refuses an unknown root', () => {
    const xml = order.replaceAll('CEB311Message', 'CEB999Message');
    expect(errorsOf(xml)[0]).toMatchObject({
      code: '0002',
      path: 'CEB999Message',
      message: { en: 'unknown message type CEB999Message' },
    });
  });

  it('refuses an over-long field with its path and line', () => {
    const [error, ...rest] = errorsOf(withField('orderNo', 'X'.repeat(61)));
    expect(rest).toEqual([]);
    expect(error).toMatchObject({
      code: '0002',
      path: 'CEB311Message/Order[1]/OrderHead/orderNo',
      message: { en: 'length is 61, longer than 60', zh: '长度为61，超过最大长度60' },
    });
    expect(error?.line).toBeGreaterThan(3);
  });

  // The one decimal grammar (kernel/money.ts, ceb-messages.md §2.3 N19,5): digits, optionally a point and 1–5
  // decimals, no sign, no space, no exponent, at most 14 digits before the point (numeric(19,5)).
  it.each([
    ['12.345678', '"12.345678" has 6 decimals, at most 5 allowed'],
    ['1e3', 'Exponent notation is not accepted: "1e3"'],
    ['-', 'No sign allowed: "-"'],
    ['', 'The number is empty'],
    ['12345678901234567890', '"12345678901234567890" has 20 digits before the point, at most 14 allowed'],
    ['123456789012345', '"123456789012345" has 15 digits before the point, at most 14 allowed'],
    ['-1', 'Must not be negative: "-1"'],
    ['+1', 'No sign allowed: "+1"'],
    ['.5', 'Not a decimal number: ".5"'],
    ['5.', 'Not a decimal number: "5."'],
    ['12.345000', '"12.345000" has 6 decimals, at most 5 allowed'],
    ['1\u3000', 'contains a space character'],
    ['50.00\u00a0', 'contains a space character'],
    ['\u00a050.00', 'contains a space character'],
    ['1 000', 'contains a space character'],
    ['１２', 'Not a decimal number'],
    ['1,000.00', 'Not a decimal number'],
  ])('N19,5 grammar refuses the decimal %j with its path and the grammar named', (value, en) => {
    const errors = errorsOf(withField('goodsValue', value));
    expect(errors).toEqual([
      expect.objectContaining({
        code: '0002',
        path: 'CEB311Message/Order[1]/OrderHead/goodsValue',
        message: expect.objectContaining({ en: expect.stringContaining(en) }),
      }),
    ]);
    const [error] = errors;
    expect(error?.message.en).toContain('expected an N19,5 decimal');
    expect(error?.message.zh).toContain('N19,5 数值');
  });

  it('N19,5 grammar accepts leading zeros, 1 to 5 decimals, 14 integer digits, and collapses XML white space only', () => {
    for (const value of ['12.34500', '00012.5', '0', '0.00001', '12345678901234.12345', ' 12.5 ', '\t\n12.5\r\n']) {
      const r = parseCeb(withField('goodsValue', value));
      expect(r.ok, value).toBe(true);
      if (r.ok) {
        const head = (r.message.records[0] as { OrderHead: { goodsValue: string } }).OrderHead;
        expect(head.goodsValue).toBe(value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ''));
      }
    }
  });

  it.each([
    ['20231301120000', 'month 13'],
    ['20230230120000', 'February 30'],
    ['20230101246000', 'hour 24'],
    ['2023010112000', 'too short'],
    ['2023-01-01 12:00', 'wrong format'],
  ])('refuses the appTime %j (%s)', (value) => {
    const [error] = errorsOf(withField('appTime', value));
    expect(error).toMatchObject({ code: '0002', path: 'CEB311Message/Order[1]/OrderHead/appTime' });
    expect(error?.message.en).toMatch(/YYYYMMDDhhmmss|length/);
  });

  it('refuses a missing required field and an unexpected element', () => {
    const xml = order.replace(/<ceb:orderNo>[^<]*<\/ceb:orderNo>/, '<ceb:orderNumber>1</ceb:orderNumber>');
    expect(errorsOf(xml).map((e) => [e.code, e.path, e.message.en])).toEqual([
      [
        '0002',
        'CEB311Message/Order[1]/OrderHead/orderNumber',
        'unexpected element {http://www.chinaport.gov.cn/ceb}orderNumber',
      ],
      ['0002', 'CEB311Message/Order[1]/OrderHead/orderNo', 'missing required element orderNo'],
    ]);
  });

  it('refuses more than 99 items in one order', () => {
    const item = /<ceb:OrderList>[\s\S]*?<\/ceb:OrderList>/.exec(order)?.[0] ?? '';
    const firstOrder = /<ceb:Order>[\s\S]*?<\/ceb:Order>/.exec(order)?.[0] ?? '';
    const huge = firstOrder.replace(/(<ceb:OrderList>[\s\S]*<\/ceb:OrderList>)/, item.repeat(100));
    const errors = errorsOf(order.replace(firstOrder, huge));
    expect(errors[0]).toMatchObject({
      path: 'CEB311Message/Order[1]/OrderList',
      message: { en: '100 OrderList, at most 99 allowed' },
    });
  });

  it('refuses a bad guid length and text where elements are expected', () => {
    const xml = order.replace(/guid="[^"]*"/, 'guid="short"').replace('<ceb:Order>', '<ceb:Order>stray');
    expect(errorsOf(xml).map((e) => e.path)).toEqual(['CEB311Message/Order[1]', 'CEB311Message/@guid']);
  });

  it('libxml2-wasm agrees: the hostile documents do not validate', () => {
    expect(validateCebXml(withField('goodsValue', '12.345678'), 'CEB311Message')[0]).toMatchObject({ code: '0002' });
    expect(
      validateCebXml('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', 'CEB311Message'),
    ).not.toEqual([]);
  });
});
