import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCeb } from '../../src/modules/declaration/ceb/codec.js';
import { declMessages, declOrders } from '../../src/modules/declaration/schema.js';
import { orderMessage, orderRecord, PARTIES } from '../support/ceb.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/** Hostile or broken input at the intake: a precise 4xx receipt, never a 500, never a partial write, never a hang. */
describe('intake under hostile input', () => {
  let t: TestPlatform;
  let key: string;
  beforeAll(async () => {
    t = await startTestPlatform({ config: { messageBodyLimit: 1_048_576 } });
    key = (await t.p.identity.createApiKey({ name: 'test' }, PARTIES.ebp, 'fuzz', null)).secret;
  });
  afterAll(() => t.close());

  const send = (body: string | Buffer, contentType = 'application/xml') =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      payload: body,
      headers: { authorization: `Bearer ${key}`, 'content-type': contentType, accept: 'application/json' },
    });
  const valid = () => buildCeb(orderMessage([orderRecord({ orderNo: `H-${Math.random().toString(36).slice(2)}` })]));

  it.each([
    [
      'external entity (XXE)',
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
      '0001',
    ],
    [
      'entity expansion',
      `<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><r>&b;</r>`,
      '0001',
    ],
    ['deep nesting', `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`, '0001'],
    ['not XML at all', 'hello, customs', '0001'],
    ['wrong namespace', '<CEB311Message xmlns="http://example.com/ceb" guid="x" version="1.0"/>', '0002'],
    [
      'unknown message type',
      '<ceb:CEB999Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="x" version="1.0"/>',
      '0002',
    ],
  ])('%s → 400 with code %s', async (_name, body, code) => {
    const res = await send(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().receipt.errors[0].code).toBe(code);
    expect(res.body).not.toContain('root:');
  });

  it.each([
    [
      'an over-long orderNo',
      (x: string) => x.replace(/<ceb:orderNo>[^<]*</, `<ceb:orderNo>${'9'.repeat(61)}<`),
      'orderNo',
    ],
    [
      'a decimal with 6 fraction digits',
      (x: string) => x.replace(/<ceb:freight>[^<]*</, '<ceb:freight>10.123456<'),
      'freight',
    ],
    ['an exponent', (x: string) => x.replace(/<ceb:freight>[^<]*</, '<ceb:freight>1e3<'), 'freight'],
    [
      'a date that does not exist',
      (x: string) => x.replace(/<ceb:appTime>[^<]*</, '<ceb:appTime>20260231120000<'),
      'appTime',
    ],
  ])('%s → 0002 naming the field', async (_name, mutate, field) => {
    const res = await send(mutate(valid()));
    expect(res.statusCode).toBe(400);
    const e = res.json().receipt.errors[0];
    expect(e.code).toBe('0002');
    expect(e.path).toContain(field);
  });

  it('an oversized body is 413 in the error shape', async () => {
    const res = await send(Buffer.alloc(1_100_000, 0x20));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('BODY_TOO_LARGE');
  });

  it('a malformed JSON body is 400', async () => {
    const res = await send('{"type": "CEB311Message", ', 'application/json');
    expect(res.statusCode).toBe(400);
  });

  it('property: mutated messages never cause a 500 or a partial write', async () => {
    const base = valid();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(base.length - 1) }),
          fc.record({
            kind: fc.constant('flip' as const),
            at: fc.nat(base.length - 1),
            byte: fc.integer({ min: 0, max: 255 }),
          }),
          fc.record({
            kind: fc.constant('dup' as const),
            at: fc.nat(base.length - 1),
            len: fc.integer({ min: 1, max: 200 }),
          }),
        ),
        async (m) => {
          const bytes = Buffer.from(
            buildCeb(orderMessage([orderRecord({ orderNo: `F-${Math.random().toString(36).slice(2)}` })])),
          );
          let body: Buffer;
          if (m.kind === 'truncate') body = bytes.subarray(0, m.at);
          else if (m.kind === 'flip') {
            body = Buffer.from(bytes);
            body[m.at] = m.byte;
          } else
            body = Buffer.concat([bytes.subarray(0, m.at), bytes.subarray(m.at, m.at + m.len), bytes.subarray(m.at)]);
          const before = (await t.p.dbh.db.select().from(declOrders)).length;
          const res = await send(body);
          expect([200, 400, 403, 413, 415, 422]).toContain(res.statusCode);
          const after = (await t.p.dbh.db.select().from(declOrders)).length;
          expect(after - before).toBe(res.statusCode === 200 ? 1 : 0);
        },
      ),
      { numRuns: 150 },
    );
    // every message was kept, accepted or not
    expect((await t.p.dbh.db.select().from(declMessages)).length).toBeGreaterThanOrEqual(150);
  });
});
