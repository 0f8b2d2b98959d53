/**
 * Overseas warehouses (海外仓备案, issue 9 §4): an exporter or an overseas-warehouse operator files each warehouse
 * where its 9810 exports go; its administrator withdraws it; officers search every filing; another enterprise
 * sees none of them (404); export clearance asks which warehouses are valid for a list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARTIES } from '../../src/app/examples.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

describe('overseas warehouses (海外仓备案)', () => {
  let t: TestPlatform;
  let ebc: string;
  let pay: string;
  let ebp: string;
  let customs: string;
  let commerce: string;
  const url = `/api/v1/enterprises/${PARTIES.ebc}/overseas-warehouses`;
  const filing = {
    nameCn: '陇货出海洛杉矶海外仓',
    country: '502',
    address: '1200 Harbor Blvd, Los Angeles, CA',
    areaM2: '3500.50',
    goodsCategories: ['84', '0902', '30'],
    validFrom: '2026-01-01',
    validTo: '2027-12-31',
  };

  beforeAll(async () => {
    t = await startTestPlatform();
    ebc = await login(t.app, 'ebc.demo');
    pay = await login(t.app, 'payment.demo');
    ebp = await login(t.app, 'ebp.demo');
    customs = await login(t.app, 'customs.demo');
    commerce = await login(t.app, 'commerce.demo');
  });
  afterAll(() => t.close());

  const post = (u: string, payload: object, cookie: string) =>
    t.app.inject({ method: 'POST', url: u, payload, headers: { cookie } });
  const get = (u: string, cookie: string) => t.app.inject({ method: 'GET', url: u, headers: { cookie } });

  it('an exporter files a warehouse: it gets a platform code, is active today and counts for its 9810 lists', async () => {
    const res = await post(url, filing, ebc);
    expect(res.statusCode, res.body).toBe(201);
    const w = res.json().warehouse;
    expect(w).toMatchObject({
      code: expect.stringMatching(/^OW\d{6}$/),
      operator: { uscc: PARTIES.ebc },
      country: '502',
      areaM2: '3500.50',
      goodsCategories: ['84', '0902', '30'],
      status: 'active',
    });
    // export clearance's question: valid in the destination country on the list's date, for the exporter
    const on = await t.p.warehouses.validFor([PARTIES.ebc], '502', '2026-06-30');
    expect(on.map((x) => x.id)).toEqual([w.id]);
    expect(await t.p.warehouses.validFor([PARTIES.ebc], '116', '2026-06-30')).toEqual([]);
    expect(await t.p.warehouses.validFor([PARTIES.ebc], '502', '2028-01-01')).toEqual([]);
    expect(await t.p.warehouses.validFor([PARTIES.ebp], '502', '2026-06-30')).toEqual([]);
    // officers find it; the audit trail has it, for customs and commerce
    const all = (await get('/api/v1/overseas-warehouses?country=502', customs)).json();
    expect(all.items.map((x: { id: string }) => x.id)).toContain(w.id);
    const audit = (await get(`/api/v1/audit?targetId=${w.id}`, commerce)).json();
    expect(audit.items.map((a: { action: string }) => a.action)).toEqual(['overseas-warehouse.filed']);
  });

  it('a payment enterprise is not an overseas-warehouse operator (403 -10101); nothing filed', async () => {
    const res = await post(`/api/v1/enterprises/${PARTIES.pay}/overseas-warehouses`, filing, pay);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: '-10101', message: expect.stringContaining('海外仓') });
    expect((await get(`/api/v1/enterprises/${PARTIES.pay}/overseas-warehouses`, pay)).json().total).toBe(0);
  });

  it('another enterprise sees none of them and cannot withdraw one (404, as for a nonexistent enterprise)', async () => {
    const w = (await post(url, { ...filing, nameCn: '第二仓' }, ebc)).json().warehouse;
    expect((await get(url, ebp)).statusCode).toBe(404);
    const other = await post(
      `/api/v1/enterprises/${PARTIES.ebp}/overseas-warehouses/${w.id}/withdrawal`,
      { reason: '不是我的' },
      ebp,
    );
    expect(other.statusCode).toBe(404);
    expect((await get(url, ebc)).json().items.find((x: { id: string }) => x.id === w.id).status).toBe('active');
  });

  it('the operator withdraws a filing: from today on it no longer counts; a second withdrawal is 409', async () => {
    const w = (await post(url, { ...filing, country: '303', nameCn: '伦敦仓' }, ebc)).json().warehouse;
    const res = await post(`${url}/${w.id}/withdrawal`, { reason: '租约到期' }, ebc);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().warehouse).toMatchObject({ status: 'withdrawn', withdrawReason: '租约到期' });
    const today = res.json().warehouse.withdrawnOn as string;
    expect(await t.p.warehouses.validFor([PARTIES.ebc], '303', today)).toEqual([]);
    const again = await post(`${url}/${w.id}/withdrawal`, { reason: '再次' }, ebc);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('ALREADY_WITHDRAWN');
  });
});
