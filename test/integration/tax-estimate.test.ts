import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARTIES } from '../support/ceb.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/** POST /api/v1/tax/estimate over the shipped sample tables (business-rules.md §1.7 worked examples). */
describe('tax estimate API', () => {
  let t: TestPlatform;
  let key: string;
  beforeAll(async () => {
    t = await startTestPlatform();
    key = (await t.p.identity.createApiKey({ name: 'test' }, PARTIES.ebp, 'checkout', null)).secret;
  });
  afterAll(() => t.close());

  const estimate = (payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/v1/tax/estimate', payload, headers: { authorization: `Bearer ${key}` } });

  it('example 2: a 600.00 serum of 50 ml bears 138.36 within the limits; the answer says the tables are samples', async () => {
    const res = await estimate({
      items: [{ hsCode: '3304990029', price: '600.00', qty: '1', netContent: '50', netContentUnit: 'ml' }],
      freight: '0',
      insurance: '0',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['x-cbec-tables']).toBe('sample');
    expect(res.json()).toMatchObject({
      outcome: 'within-limits',
      total: '138.36',
      items: [{ consumptionTax: '74.12', vat: '64.24' }],
    });
  });

  it('the annual limit: 25,000.00 used and a 1,200.00 basket → rejected -621018', async () => {
    const res = await estimate({
      items: [{ hsCode: '6109100021', price: '600.00', qty: '2' }],
      freight: '0',
      insurance: '0',
      buyerUsedThisYear: '25000.00',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().outcome).toBe('rejected');
    expect(res.json().reasons[0].code).toBe('-621018');
  });

  it('amounts must be decimal strings: a float is a 400 on the field', async () => {
    const res = await estimate({
      items: [{ hsCode: '6109100021', price: 199.5, qty: '1' }],
      freight: '0',
      insurance: '0',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('items.0.price');
  });

  it('insurance defaults to 0 and quantities may be whole JSON numbers: the same answer as the strings', async () => {
    const strings = await estimate({
      items: [{ hsCode: '3304990029', price: '600.00', qty: '2', netContent: '50', netContentUnit: 'ml' }],
      freight: '0',
      insurance: '0',
    });
    const numbers = await estimate({
      items: [{ hsCode: '3304990029', price: '600.00', qty: 2, netContent: '50', netContentUnit: 'ml' }],
      freight: '0',
    });
    expect(numbers.statusCode, numbers.body).toBe(200);
    expect(numbers.json()).toEqual(strings.json());
    expect(numbers.json().items[0].dutiablePrice).toBe('1200.00');
  });

  it('a quantity that is not a safe non-negative whole number is a 400 on its field (never a float)', async () => {
    for (const qty of [1.5, -1, 2 ** 53, 0, 1e21, true, null]) {
      const res = await estimate({ items: [{ hsCode: '6109100021', price: '100.00', qty }], freight: '0' });
      expect(res.statusCode, `${qty}: ${res.body}`).toBe(400);
      const d = res.json().error.details;
      expect(
        d.map((x: { path: string }) => x.path),
        String(qty),
      ).toEqual(['items.0.qty']);
      expect(d[0].message).toMatch(/[\u4e00-\u9fff]/);
    }
    // amounts stay decimal strings: a JSON number for freight or insurance is still refused
    const freight = await estimate({ items: [{ hsCode: '6109100021', price: '100.00', qty: 1 }], freight: 0 });
    expect(freight.statusCode).toBe(400);
    expect(freight.json().error.details[0].path).toBe('freight');
    const insurance = await estimate({
      items: [{ hsCode: '6109100021', price: '100.00', qty: 1 }],
      freight: '0',
      insurance: 0,
    });
    expect(insurance.json().error.details[0].path).toBe('insurance');
  });
});
