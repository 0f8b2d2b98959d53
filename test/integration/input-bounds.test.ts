/**
 * Issue 8 §4: no 500 from user input. One decimal grammar (N19,5) for amounts in CEB XML, the CEB JSON form and the
 * JSON routes that take amounts; a depth limit on every JSON body. Runs on PGlite and, with DATABASE_URL, on
 * PostgreSQL (where an amount with a full-width space used to pass validation and fail in `numeric(19,5)`: 500).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCeb, type CebMessage, type CebRecord } from '../../src/modules/declaration/ceb/codec.js';
import { declOrders } from '../../src/modules/declaration/schema.js';
import { orderMessage, orderRecord, PARTIES } from '../support/ceb.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const expectErrorShape = (body: unknown) =>
  expect(body).toMatchObject({
    error: {
      code: expect.any(String),
      message: expect.any(String),
      messageEn: expect.any(String),
      details: expect.any(Array),
      requestId: expect.any(String),
    },
  });

describe('input bounds: amounts and JSON depth', () => {
  let t: TestPlatform;
  let key: string;
  let staff: string;
  beforeAll(async () => {
    t = await startTestPlatform();
    key = (await t.p.identity.createApiKey({ name: 'test' }, PARTIES.ebp, 'bounds', null)).secret;
    staff = await login(t.app, 'admin', t.adminPassword);
  });
  afterAll(() => t.close());

  const declare = (body: string | object, json = typeof body !== 'string') =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      payload: body,
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': json ? 'application/json' : 'application/xml',
        accept: 'application/json',
      },
    });
  let n = 0;
  const order = (head: Record<string, string> = {}): CebMessage => {
    const rec = orderRecord({ orderNo: `BOUNDS-${process.pid}-${++n}` });
    Object.assign(rec.OrderHead as CebRecord, head);
    return orderMessage([rec]);
  };

  describe('one decimal grammar (N19,5) in both forms of a CEB message', () => {
    it.each([
      ['a full-width space', '1\u3000'],
      ['a no-break space', '50.00\u00a0'],
      ['a leading no-break space', '\u00a050.00'],
      ['a minus (no CEB amount may be negative)', '-1'],
      ['a plus sign', '+1'],
      ['no integer part', '.5'],
      ['a bare point', '5.'],
      ['an exponent', '1e2'],
      ['15 digits before the point (numeric(19,5) holds 14)', '123456789012345'],
    ])('the JSON form with %s in freight → 400 0002 naming the field and the grammar', async (_name, value) => {
      const res = await declare(order({ freight: value }));
      expect(res.statusCode, res.body).toBe(400);
      const { receipt } = res.json();
      expect(receipt.errors[0]).toMatchObject({
        code: '0002',
        path: 'CEB311Message/Order[1]/OrderHead/freight',
        messageEn: expect.stringContaining('N19,5'),
        message: expect.stringContaining('N19,5'),
      });
    });

    it.each([
      ['a full-width space', '1\u3000'],
      ['a no-break space', '50.00\u00a0'],
      ['a minus', '-1'],
      ['no integer part', '.5'],
    ])('the XML form with %s in freight → 400 0002 naming the field', async (_name, value) => {
      const xml = buildCeb(order()).replace(/<ceb:freight>[^<]*</, `<ceb:freight>${value}<`);
      const res = await declare(xml, false);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().receipt.errors[0]).toMatchObject({
        code: '0002',
        path: 'CEB311Message/Order[1]/OrderHead/freight',
      });
    });

    it('XML white space (space, tab, CR, LF) around an amount is collapsed, in JSON as in XML, and stored as the value', async () => {
      const m = order({ freight: ' \t10.00\r\n' });
      const res = await declare(m);
      expect(res.statusCode, res.body).toBe(200);
      const orderNo = (m.records[0] as { OrderHead: CebRecord }).OrderHead.orderNo as string;
      const rows = await t.p.dbh.db.select().from(declOrders);
      const row = rows.find((r) => r.orderNo === orderNo);
      expect(row?.freight).toMatch(/^10\.0+$/);
    });
  });

  it('an import order in another currency than 142 is refused with the field’s path (ceb-messages.md §2.3), in XML and JSON', async () => {
    const m = order({ currency: '502' });
    for (const res of [await declare(buildCeb(m), false), await declare({ ...order({ currency: '502' }) })]) {
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().receipt.errors).toEqual([
        expect.objectContaining({
          code: '-301008',
          path: 'CEB311Message/Order[1]/OrderHead/currency',
          messageEn: 'Import messages are in RMB: the currency must be "142", got "502"',
        }),
      ]);
    }
  });

  describe('the JSON routes that take amounts use the same grammar', () => {
    const estimate = (payload: object) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/tax/estimate',
        payload,
        headers: { authorization: `Bearer ${key}` },
      });
    const basket = (o: object = {}) => ({
      items: [{ hsCode: '6109100021', price: '600.00', qty: '1' }],
      freight: '0',
      insurance: '0',
      ...o,
    });
    it.each([
      ['freight', { freight: '1\u3000' }, 'DECIMAL_FORMAT'],
      ['insurance', { insurance: '50.00\u00a0' }, 'DECIMAL_FORMAT'],
      ['freight', { freight: '+1' }, 'DECIMAL_FORMAT'],
      ['freight', { freight: '.5' }, 'DECIMAL_FORMAT'],
      ['freight', { freight: '5.' }, 'DECIMAL_FORMAT'],
      ['insurance', { insurance: '-1' }, 'DECIMAL_NEGATIVE'],
      ['freight', { freight: '123456789012345' }, 'DECIMAL_N19_5'],
    ])('tax estimate: %s %j → 400 %s with the grammar named', async (field, o, code) => {
      const res = await estimate(basket(o));
      expect(res.statusCode, res.body).toBe(400);
      expectErrorShape(res.json());
      expect(res.json().error.details).toEqual([
        expect.objectContaining({ path: field, code, messageEn: expect.stringContaining('N19,5') }),
      ]);
    });

    it('quota check: an amount with a full-width space → 400 on the amount', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/quota/check',
        headers: { authorization: `Bearer ${key}` },
        payload: {
          buyerName: '王小明',
          buyerIdType: '1',
          buyerIdNumber: '11010519491231002X',
          consent: true,
          amount: '100\u3000',
        },
      });
      expect(res.statusCode, res.body).toBe(400);
      expectErrorShape(res.json());
      expect(res.json().error.details[0]).toMatchObject({ path: 'amount', code: 'DECIMAL_FORMAT' });
    });
  });

  describe('JSON depth limit (CBEC_JSON_MAX_DEPTH, 64 by default)', () => {
    const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const deepObject = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

    it.each([
      ['POST', '/api/v1/auth/login', 'anonymous'],
      ['POST', '/api/v1/enterprises', 'anonymous'],
      ['POST', '/api/v1/tax/estimate', 'key'],
      ['POST', '/api/v1/users', 'staff'],
    ])('%s %s: 5,000 levels → 400 JSON_TOO_DEEP in the error shape, not a stack overflow', async (method, url, who) => {
      for (const body of [deep(5000), deepObject(5000), `{"username":${deep(100_000)}}`]) {
        const res = await t.app.inject({
          method: method as 'POST',
          url,
          payload: body,
          headers: {
            'content-type': 'application/json',
            ...(who === 'key' ? { authorization: `Bearer ${key}` } : who === 'staff' ? { cookie: staff } : {}),
          },
        });
        expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
        expectErrorShape(res.json());
        expect(res.json().error.code).toBe('JSON_TOO_DEEP');
      }
    });

    it('a body within the limit is read as before (63 levels reach the route, which refuses it on its fields)', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: `{"username":${deep(63)},"password":"x"}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    });

    it('brackets inside strings do not count', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: JSON.stringify({ username: '['.repeat(5000), password: '{'.repeat(5000) }),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.json().error?.code).not.toBe('JSON_TOO_DEEP');
      expect(res.statusCode).toBeLessThan(500);
    });

    it('POST /api/v1/messages: 5,000 levels → a CEB format receipt 0001, kept in the message log', async () => {
      for (const body of [deep(5000), `{"type":"CEB311Message","records":${deep(5000)}}`]) {
        const res = await declare(body, true);
        expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
        const { receipt } = res.json();
        expect(receipt.status).toBe('rejected');
        expect(receipt.errors[0]).toMatchObject({ code: '0001', messageEn: expect.stringContaining('deeper than 64') });
        const log = await t.app.inject({
          method: 'GET',
          url: `/api/v1/messages/${receipt.messageId}`,
          headers: { authorization: `Bearer ${key}` },
        });
        expect(log.statusCode).toBe(200);
      }
    });

    it('POST /api/v1/messages: malformed JSON and a __proto__ key → 0001 format receipts', async () => {
      for (const body of ['{"type": "CEB311Message", ', '{"__proto__": {"x": 1}, "type": "CEB311Message"}']) {
        const res = await declare(body, true);
        expect(res.statusCode).toBe(400);
        expect(res.json().receipt.errors[0].code).toBe('0001');
      }
    });
  });
});
